/** `iommu-lens explain`: what a finding means, how the kernel misbehaves, how to fix it (docs/findings/<id>.md). */
import { FINDING_IDS } from '../../../../emulator/src';
import { formatOptions, parseArgs, UsageError, type OptionSpec } from '../args';
import { EXIT_OK, HELP_OPTION, type Io } from '../common';
import { docSummary, findingDoc } from '../docs';

const OPTIONS: OptionSpec[] = [{ name: 'list', help: 'list every finding id with its one-line description' }, HELP_OPTION];

export const EXPLAIN_HELP = `Usage: iommu-lens explain ID
       iommu-lens explain --list

Prints the documentation of a finding id (the [ID] at the end of each line of "iommu-lens check"):
what it means, how the kernel misbehaves, and how to fix it, with a devicetree example of the problem
and of the fix. The same text the editor links to and SARIF rules carry.

Options:
${formatOptions(OPTIONS)}

Examples:
  iommu-lens explain smr-conflict
  iommu-lens explain --list`;

export function explain(argv: readonly string[], io: Io): number {
	const args = parseArgs(argv, OPTIONS);
	if (args.flags.has('help')) {
		io.out(`${EXPLAIN_HELP}\n`);
		return EXIT_OK;
	}
	if (args.flags.has('list')) {
		if (args.positionals.length > 0) throw new UsageError(`explain --list: unexpected argument '${args.positionals[0]}'`);
		const width = Math.max(...FINDING_IDS.map((id) => id.length));
		for (const id of FINDING_IDS) {
			const md = findingDoc(id);
			io.out(`${id.padEnd(width)}  ${md ? docSummary(md).short : '(no documentation)'}\n`);
		}
		return EXIT_OK;
	}
	if (args.positionals.length !== 1) throw new UsageError(args.positionals.length === 0 ? 'explain needs a finding ID (see: iommu-lens explain --list)' : `explain: unexpected argument '${args.positionals[1]}'`);
	const id = args.positionals[0] as string;
	const md = (FINDING_IDS as readonly string[]).includes(id) ? findingDoc(id) : undefined;
	if (!md) {
		if ((FINDING_IDS as readonly string[]).includes(id)) throw new Error(`the documentation of '${id}' is missing from this installation`);
		throw new UsageError(`explain: unknown finding id '${id}' (see: iommu-lens explain --list)`);
	}
	io.out(md.endsWith('\n') ? md : `${md}\n`);
	return EXIT_OK;
}
