/**
 * `iommu-lens`: the command line. Thin: dispatches to one module per command (commands/), each of
 * which parses its arguments, calls the front-end and the emulator, and prints.
 * Exit codes (a contract with users' CI): 0 no error-severity finding, 1 at least one, 2 bad usage or
 * unreadable input, 70 an internal error (a bug in iommu-lens).
 */
import { probe } from '../../../emulator/src';
import { UsageError } from './args';
import { check } from './commands/check';
import { dump } from './commands/dump';
import { explain } from './commands/explain';
import { lsp } from './commands/lsp';
import { simulate } from './commands/simulate';
import { translate } from './commands/translate';
import { EXIT_OK, EXIT_USAGE, type Io } from './common';

declare const IOMMU_LENS_VERSION: string | undefined;
const VERSION = typeof IOMMU_LENS_VERSION === 'string' ? IOMMU_LENS_VERSION : '0.0.0-dev';
const EXIT_INTERNAL = 70;

const COMMANDS: Record<string, (argv: readonly string[], io: Io) => number | Promise<number>> = { check, simulate, translate, dump, lsp, explain };

const USAGE = `iommu-lens ${VERSION}: devicetree and IOMMU analysis for Linux SoC bring-up

Usage:
  iommu-lens check BOARD.dts [options]            every finding, compiler style, JSON or SARIF
  iommu-lens check DIR|BOARD.dts... [options]     every board of a folder or kernel tree, in parallel
  iommu-lens explain ID                           what a finding means and how to fix it
  iommu-lens simulate BOARD.dts [options]         probe order: which IOMMU each master ends up behind
  iommu-lens translate BOARD.dts NODE [options]   address, DMA and stream chains of one node
  iommu-lens dump BOARD.dts [options]             the resolved tree, as dtc -O dts prints it
  iommu-lens lsp --stdio                          the language server (Neovim, Emacs eglot, Helix)
  iommu-lens --version
  iommu-lens COMMAND --help

Exit status: 0 no error, 1 errors found, 2 bad usage or unreadable input.`;

/** Runs the command line; returns the exit code (a promise for commands that read driver sources). */
export function run(argv: readonly string[], io: Io): number | Promise<number> {
	const [command, ...rest] = argv;
	try {
		if (command === undefined) {
			io.err(`${USAGE}\n`);
			return EXIT_USAGE;
		}
		if (command === '-h' || command === '--help') {
			io.out(`${USAGE}\n`);
			return EXIT_OK;
		}
		if (command === '--version') {
			io.out(`${VERSION}\n`);
			return EXIT_OK;
		}
		const handler = COMMANDS[command];
		if (!handler) throw new UsageError(`unknown command '${command}' (try: iommu-lens --help)`);
		const res = handler(rest, io);
		return typeof res === 'number'
			? res
			: res.catch((error: unknown) => {
					if (error instanceof UsageError || error instanceof probe.KernelVersionError) {
						io.err(`iommu-lens: ${error.message}\n`);
						return EXIT_USAGE;
					}
					throw error;
				});
	} catch (error) {
		if (error instanceof UsageError || error instanceof probe.KernelVersionError) {
			io.err(`iommu-lens: ${error.message}\n`);
			return EXIT_USAGE;
		}
		throw error;
	}
}

if (require.main === module) {
	const internal = (error: unknown): number => {
		process.stderr.write(`iommu-lens: internal error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
		return EXIT_INTERNAL;
	};
	// A reader that goes away (`iommu-lens check tree | head`) is not an error of ours: later output
	// is dropped and the command ends with its own exit status (what `set -o pipefail` sees). Other
	// write errors are real.
	const closed = new Set<NodeJS.WriteStream>();
	for (const stream of [process.stdout, process.stderr]) {
		stream.on('error', (error: NodeJS.ErrnoException) => {
			if (error.code === 'EPIPE') closed.add(stream);
			else process.exit(internal(error));
		});
	}
	const write = (stream: NodeJS.WriteStream, text: string): void => {
		if (!closed.has(stream)) stream.write(text);
	};
	let code: number | Promise<number>;
	try {
		code = run(process.argv.slice(2), { out: (t) => write(process.stdout, t), err: (t) => write(process.stderr, t), cwd: process.cwd() });
	} catch (error) {
		code = internal(error);
	}
	if (typeof code === 'number') process.exitCode = code;
	else void code.then((c) => (process.exitCode = c), (error: unknown) => (process.exitCode = internal(error)));
}
