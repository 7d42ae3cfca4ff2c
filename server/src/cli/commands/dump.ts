/** `iommu-lens dump`: the resolved tree in dtc's -O dts form. */
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { printDts } from '../../dts';
import { createFrontend } from '../../model/board';
import { formatOptions, parseArgs, type OptionSpec } from '../args';
import { BOARD_OPTIONS, boardArg, boardOptions, EXIT_FINDINGS, EXIT_OK, EXIT_USAGE, HELP_OPTION, openBoard, place, type Io } from '../common';

const OPTIONS: OptionSpec[] = [
	...BOARD_OPTIONS,
	{ name: 'symbols', short: '@', help: 'add the __symbols__ node, as dtc -@ does' },
	{ name: 'output', short: 'o', value: true, valueName: 'FILE', help: 'write the tree to FILE instead of standard output' },
	HELP_OPTION,
];

export const DUMP_HELP = `Usage: iommu-lens dump BOARD.dts [options]

Resolves BOARD.dts (or a .dtso overlay) as the kernel's build does (cpp -nostdinc -undef -D__DTS__
-x assembler-with-cpp, then dtc) and prints the tree in dtc's -O dts form: same node order, labels,
values and phandle properties, so the output can be compared with dtc's line by line. Diagnostics go
to standard error as FILE:LINE:COL: SEVERITY: MESSAGE [CODE]. Inside a kernel-like tree the kernel's
include folders are used without any -I.

Options:
${formatOptions(OPTIONS)}

Examples:
  iommu-lens dump arch/arm64/boot/dts/qcom/sdm845-db845c.dts
  iommu-lens dump board.dts -I include -I . -D EXTRA_UART -o board.out.dts
  diff <(iommu-lens dump board.dts) <(cpp -nostdinc -I include -undef -D__DTS__ -x assembler-with-cpp board.dts | dtc -O dts)`;

export function dump(argv: readonly string[], io: Io): number {
	const args = parseArgs(argv, OPTIONS);
	if (args.flags.has('help')) {
		io.out(`${DUMP_HELP}\n`);
		return EXIT_OK;
	}
	const [given] = boardArg(args, 'dump') as [string];
	const opened = openBoard(io, given);
	if (!opened) return EXIT_USAGE;
	const board = createFrontend(opened.fs).resolve(opened.file, { ...boardOptions(args, opened.file, io.cwd), symbols: args.flags.has('symbols') });
	const text = printDts(board.tree);
	const output = args.values.get('output')?.[0];
	if (output) writeFileSync(resolve(io.cwd, output), text);
	else io.out(text);
	for (const d of board.diagnostics) io.err(`${place(d.span, io.cwd)}: ${d.severity}: ${d.message} [${d.code}]\n`);
	return board.diagnostics.some((d) => d.severity === 'error') ? EXIT_FINDINGS : EXIT_OK;
}
