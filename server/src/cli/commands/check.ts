/** `iommu-lens check`: every finding of the front-end and the emulator, compiler style or JSON. */
import { createFrontend } from '../../model/board';
import { analyseBoard, analyseDriverSources, type ReportItem } from '../../model/analysis';
import { readDriverSourcesFromDisk } from '../../node/c-extractor';
import { formatOptions, parseArgs, type OptionSpec } from '../args';
import {
	BOARD_OPTIONS,
	boardArg,
	DRIVER_OPTIONS,
	driverArgs,
	isDriverSourcePath,
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

const OPTIONS: OptionSpec[] = [...BOARD_OPTIONS, KERNEL_OPTION, PROFILE_OPTION, ...DRIVER_OPTIONS, FORMAT_OPTION, HELP_OPTION];

export const CHECK_HELP = `Usage: iommu-lens check BOARD.dts [options]
       iommu-lens check FILE.c|FILE.h|Kconfig... [--kconfig DIR] [--config FILE]   (driver-source checks only)

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
  iommu-lens check board.dts --kernel 5.10 --format json > findings.json
  iommu-lens check juno.dts --drivers drivers/iommu --kconfig . --config .config --kernel 4.14
  iommu-lens check drivers/iommu/arm-smmu.c --kconfig . --kernel 6.1`;

export function check(argv: readonly string[], io: Io): number | Promise<number> {
	const args = parseArgs(argv, OPTIONS);
	if (args.flags.has('help')) {
		io.out(`${CHECK_HELP}\n`);
		return EXIT_OK;
	}
	const drivers = driverArgs(args);
	if (args.positionals.length > 0 && args.positionals.every(isDriverSourcePath)) return checkDriverFiles(args.positionals, drivers, args, io);
	const [given] = boardArg(args, 'check') as [string];
	const format = formatArg(args);
	const kernel = kernelArg(args);
	const profiles = profileArg(args, io.cwd);
	const opened = openBoard(io, given);
	if (!opened) return EXIT_USAGE;
	const run = (sources?: Awaited<ReturnType<typeof readDriverSourcesFromDisk>>): number => {
		const analysis = analyseBoard(createFrontend(opened.fs), opened.file, {
			...boardOptions(args, opened.file, io.cwd),
			...(kernel ? { kernel } : {}),
			...(profiles ? { profiles } : {}),
			...(sources ? { drivers: sources } : {}),
		});
		return report(analysis.items, format, io);
	};
	if (!drivers) return run();
	return readDriverSourcesFromDisk(drivers, io.cwd).then(run, (error: unknown) => {
		io.err(`iommu-lens: ${error instanceof Error ? error.message : String(error)}\n`);
		return EXIT_USAGE;
	});
}

function report(items: readonly ReportItem[], format: 'text' | 'json', io: Io): number {
	if (format === 'json') io.out(`${JSON.stringify(items.map((i) => jsonItem(i, io.cwd)), null, 2)}\n`);
	else for (const item of items) io.out(textItem(item, io.cwd));
	return items.some((i) => i.severity === 'error') ? EXIT_FINDINGS : EXIT_OK;
}

/** `iommu-lens check foo.c [Kconfig]`: the C-side checks only. */
async function checkDriverFiles(files: readonly string[], drivers: ReturnType<typeof driverArgs>, args: Parameters<typeof formatArg>[0], io: Io): Promise<number> {
	const format = formatArg(args);
	const kernel = kernelArg(args);
	let sources;
	try {
		sources = await readDriverSourcesFromDisk({ dirs: drivers?.dirs ?? [], files, ...(drivers?.kconfig !== undefined ? { kconfig: drivers.kconfig } : {}), ...(drivers?.config !== undefined ? { config: drivers.config } : {}) }, io.cwd);
	} catch (error) {
		io.err(`iommu-lens: ${error instanceof Error ? error.message : String(error)}\n`);
		return EXIT_USAGE;
	}
	for (const f of sources.files) if (f.parseErrors > 0 && f.recovered === 0 && f.ofMatchTables.length === 0) io.err(`iommu-lens: note: ${f.file}: parts did not parse as C\n`);
	for (const d of sources.diagnostics) if (d.code === 'c-no-facts') io.err(`iommu-lens: note: ${d.message}\n`);
	return report(analyseDriverSources(sources, kernel ? { kernel } : {}), format, io);
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
