/** `iommu-lens check`: every finding of the front-end and the emulator, compiler style or JSON. */
import { createFrontend } from '../../model/board';
import { analyseBoard, type ReportItem } from '../../model/analysis';
import { formatOptions, parseArgs, type OptionSpec } from '../args';
import {
	BOARD_OPTIONS,
	boardArg,
	boardOptions,
	EXIT_FINDINGS,
	EXIT_OK,
	EXIT_USAGE,
	FORMAT_OPTION,
	formatArg,
	HELP_OPTION,
	jsonSpan,
	KERNEL_OPTION,
	kernelArg,
	openBoard,
	place,
	PROFILE_OPTION,
	profileArg,
	type Io,
} from '../common';

const OPTIONS: OptionSpec[] = [...BOARD_OPTIONS, KERNEL_OPTION, PROFILE_OPTION, FORMAT_OPTION, HELP_OPTION];

export const CHECK_HELP = `Usage: iommu-lens check BOARD.dts [options]

Resolves BOARD.dts as the kernel's build does, runs the emulator of how Linux wires DMA masters to
IOMMUs, rpmsg channels and remote processors, and prints every finding:
  text: FILE:LINE:COL: SEVERITY: MESSAGE [ID], then its related places as notes
  json: [{id, severity, file, line, column, endLine, endColumn, message,
          related: [{file, line, column, message}]}]   (1-based lines and columns)
Exit status: 0 no error-severity finding, 1 at least one, 2 bad usage or unreadable input.

Options:
${formatOptions(OPTIONS)}

Examples:
  iommu-lens check arch/arm64/boot/dts/qcom/sdm845-db845c.dts
  iommu-lens check board.dts --kernel 5.10 --format json > findings.json`;

export function check(argv: readonly string[], io: Io): number {
	const args = parseArgs(argv, OPTIONS);
	if (args.flags.has('help')) {
		io.out(`${CHECK_HELP}\n`);
		return EXIT_OK;
	}
	const [given] = boardArg(args, 'check') as [string];
	const format = formatArg(args);
	const kernel = kernelArg(args);
	const profiles = profileArg(args, io.cwd);
	const opened = openBoard(io, given);
	if (!opened) return EXIT_USAGE;
	const analysis = analyseBoard(createFrontend(opened.fs), opened.file, {
		...boardOptions(args, opened.file, io.cwd),
		...(kernel ? { kernel } : {}),
		...(profiles ? { profiles } : {}),
	});
	if (format === 'json') io.out(`${JSON.stringify(analysis.items.map((i) => jsonItem(i, io.cwd)), null, 2)}\n`);
	else for (const item of analysis.items) io.out(textItem(item, io.cwd));
	return analysis.items.some((i) => i.severity === 'error') ? EXIT_FINDINGS : EXIT_OK;
}

export function textItem(item: ReportItem, cwd: string): string {
	let text = `${place(item.span, cwd)}: ${item.severity}: ${item.message} [${item.id}]\n`;
	for (const r of item.related) text += `  ${place(r.span, cwd)}: note: ${r.message}\n`;
	return text;
}

export function jsonItem(item: ReportItem, cwd: string): object {
	return {
		id: item.id,
		severity: item.severity,
		...jsonSpan(item.span, cwd),
		message: item.message,
		related: item.related.map((r) => {
			const { file, line, column } = jsonSpan(r.span, cwd);
			return { file, line, column, message: r.message };
		}),
	};
}
