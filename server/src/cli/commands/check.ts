/** `iommu-lens check`: every finding of the front-end and the emulator, for one board, several, or a whole tree. */
import { existsSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { boardsArch } from '../../drivers/kconfig/arch';
import { analyseDriverSources, type ReportItem } from '../../model/analysis';
import { readDriverSourcesFromDisk } from '../../node/c-extractor';
import { diskFileSystem } from '../../node/disk-fs';
import { formatOptions, parseArgs, UsageError, type OptionSpec, type ParsedArgs } from '../args';
import {
	BOARD_OPTIONS,
	DRIVER_OPTIONS,
	driverArgs,
	isDriverSourcePath,
	boardOptions,
	displayPath,
	EXIT_FINDINGS,
	EXIT_OK,
	EXIT_USAGE,
	HELP_OPTION,
	KERNEL_OPTION,
	kernelArg,
	PROFILE_OPTION,
	profileArg,
	type Io,
} from '../common';
import { failOnArg, fails, filterItems, idListArg, jsonItem as plainJsonItem, readBaseline, summaryText, textItem as plainTextItem, toSarif, type CheckFormat, type Filters } from '../report';
import { defaultJobs, findBoards, plainItem, runPool, runSerial, type BoardJob, type BoardResult } from '../scan';

declare const IOMMU_LENS_VERSION: string | undefined;
const VERSION = typeof IOMMU_LENS_VERSION === 'string' ? IOMMU_LENS_VERSION : '0.0.0-dev';

const OPTIONS: OptionSpec[] = [
	...BOARD_OPTIONS,
	KERNEL_OPTION,
	PROFILE_OPTION,
	...DRIVER_OPTIONS,
	{ name: 'format', value: true, valueName: 'text|json|sarif', help: 'output format (default text); sarif is SARIF 2.1.0 for GitHub code scanning' },
	{ name: 'fail-on', value: true, valueName: 'error|warning|never', help: 'exit 1 when a finding at or above this severity remains (default error)' },
	{ name: 'only', value: true, repeat: true, valueName: 'ID,...', help: 'report only these finding ids (repeatable)' },
	{ name: 'skip', value: true, repeat: true, valueName: 'ID,...', help: 'do not report these finding ids (repeatable)' },
	{ name: 'baseline', value: true, valueName: 'FILE', help: 'a previous --format json or sarif output: report only findings not in it (matched by id, file and message, not lines)' },
	{ name: 'jobs', short: 'j', value: true, valueName: 'N', help: 'worker threads for several boards (default: the number of cores; 1 checks in this thread)' },
	{ name: 'quiet', short: 'q', help: 'no progress bar and no summary (several boards)' },
	HELP_OPTION,
];

export const CHECK_HELP = `Usage: iommu-lens check BOARD.dts [options]
       iommu-lens check DIR|BOARD.dts... [options]          (every board: a folder, a kernel tree, several files)
       iommu-lens check FILE.c|FILE.h|Kconfig... [--kconfig DIR] [--config FILE]   (driver-source checks only)

Resolves each board as the kernel's build does, runs the emulator of how Linux wires DMA masters to
IOMMUs, rpmsg channels and remote processors, and prints every finding:
  text:  FILE:LINE:COL: SEVERITY: MESSAGE [ID], then its related places as notes
  json:  [{id, severity, file, line, column, endLine, endColumn, message,
           related: [{file, line, column, message}]}]   (1-based lines and columns;
           with several boards the same array, each item also with its board)
  sarif: SARIF 2.1.0 (one rule per finding id, with its documentation; fixes where a quick fix applies)

A folder is scanned for boards (.dts): a kernel tree's arch/*/boot/dts, a devicetree-rebasing tree's
src/, else every .dts below it. Boards are checked in parallel on every core (worker threads), with a
progress bar on a terminal (a plain line every 10 s when stderr is not one) and a summary per finding
id at the end (stdout for text, stderr otherwise).
"iommu-lens explain ID" tells what a finding means and how to fix it.
Exit status: 0 no finding at or above --fail-on, 1 at least one, 2 bad usage or unreadable input.

Options:
${formatOptions(OPTIONS)}

Examples:
  iommu-lens check arch/arm64/boot/dts/qcom/sdm845-db845c.dts
  iommu-lens check board.dts --kernel 5.10 --format json > findings.json
  iommu-lens check linux/ --format sarif > iommu-lens.sarif          (every board of a kernel tree)
  iommu-lens check arch/arm64/boot/dts/qcom --only smr-conflict,stream-id-range --fail-on warning
  iommu-lens check boards/ --baseline findings.json                   (only what is new since then)
  iommu-lens check juno.dts --drivers drivers/iommu --kconfig . --config .config --kernel 4.14
  iommu-lens check drivers/iommu/arm-smmu.c --kconfig . --kernel 6.1`;

interface CheckSettings {
	format: CheckFormat;
	failOn: ReturnType<typeof failOnArg>;
	filters: Filters;
}

function settings(args: ParsedArgs, io: Io): CheckSettings {
	const format = args.values.get('format')?.[0] ?? 'text';
	if (format !== 'text' && format !== 'json' && format !== 'sarif') throw new UsageError(`--format must be text, json or sarif, not '${format}'`);
	const only = idListArg(args.values.get('only'), 'only');
	const skip = idListArg(args.values.get('skip'), 'skip');
	const baselineFile = args.values.get('baseline')?.[0];
	const baseline = baselineFile !== undefined ? readBaseline(baselineFile, io.cwd) : undefined;
	return { format, failOn: failOnArg(args.values.get('fail-on')?.[0]), filters: { ...(only ? { only } : {}), ...(skip ? { skip } : {}), ...(baseline ? { baseline } : {}) } };
}

function jobsArg(args: ParsedArgs): number {
	const text = args.values.get('jobs')?.[0];
	if (text === undefined) return defaultJobs();
	const n = Number(text);
	if (!Number.isInteger(n) || n < 1) throw new UsageError(`--jobs must be a whole number of at least 1, not '${text}'`);
	return n;
}

export function check(argv: readonly string[], io: Io): number | Promise<number> {
	const args = parseArgs(argv, OPTIONS);
	if (args.flags.has('help')) {
		io.out(`${CHECK_HELP}\n`);
		return EXIT_OK;
	}
	const driverOptions = driverArgs(args);
	if (args.positionals.length > 0 && args.positionals.every(isDriverSourcePath)) return checkDriverFiles(args.positionals, driverOptions, args, io);
	if (args.positionals.length === 0) throw new UsageError('check needs BOARD.dts');
	const set = settings(args, io);
	const kernel = kernelArg(args);
	const profiles = profileArg(args, io.cwd);
	const jobs = jobsArg(args);
	// The boards: files as given, folders scanned. One file given: the single-board output (a contract).
	const boards: string[] = [];
	let single = args.positionals.length === 1;
	for (const given of args.positionals) {
		const abs = resolve(io.cwd, given);
		let isDir = false;
		try {
			isDir = statSync(abs).isDirectory();
		} catch {
			io.err(`iommu-lens: cannot read '${given}'\n`);
			return EXIT_USAGE;
		}
		if (isDir) {
			single = false;
			const found = findBoards(abs);
			if (found.length === 0) {
				io.err(`iommu-lens: no boards (.dts) in '${given}'\n`);
				return EXIT_USAGE;
			}
			boards.push(...found);
		} else {
			if (diskFileSystem().readFile(abs) === undefined) {
				io.err(`iommu-lens: cannot read '${given}'\n`);
				return EXIT_USAGE;
			}
			boards.push(abs);
		}
	}
	const unique = [...new Set(boards)];
	// The Kconfig tree is read for the architecture of the boards in it (unless ARCH is set).
	const boardArch = driverOptions?.kconfig !== undefined ? boardsArch(resolve(io.cwd, driverOptions.kconfig), unique) : undefined;
	const drivers = driverOptions && boardArch !== undefined ? { ...driverOptions, boardArch } : driverOptions;
	const boardJobs: BoardJob[] = unique.map((file) => ({
		file,
		options: boardOptions(args, file, io.cwd),
		...(kernel ? { kernel } : {}),
		...(profiles ? { profiles } : {}),
		fixes: set.format === 'sarif',
	}));
	const finish = (results: BoardResult[]): number => report(results, set, single, !args.flags.has('quiet'), io);
	const workerFile = join(__dirname, 'cli-worker.js');
	if (!single && jobs > 1 && unique.length > 1 && existsSync(workerFile)) {
		const progress = progressBar(unique.length, io, !args.flags.has('quiet'));
		return runPool(workerFile, { iommuLensCheckWorker: true, cwd: io.cwd, ...(drivers ? { drivers } : {}) }, boardJobs, jobs, progress.step).then((results) => {
			progress.end();
			return finish(results);
		});
	}
	const serial = (sources?: Awaited<ReturnType<typeof readDriverSourcesFromDisk>>): number => {
		const progress = progressBar(single ? 0 : unique.length, io, !args.flags.has('quiet'));
		const results = runSerial(diskFileSystem(), boardJobs, sources, progress.step);
		progress.end();
		return finish(results);
	};
	if (!drivers) return serial();
	return readDriverSourcesFromDisk(drivers, io.cwd).then(serial, (error: unknown) => {
		io.err(`iommu-lens: ${error instanceof Error ? error.message : String(error)}\n`);
		return EXIT_USAGE;
	});
}

/** How often a scan that is not on a terminal says how far it got (CI logs: plain lines, no escapes). */
export const PLAIN_PROGRESS_INTERVAL_MS = 10_000;

/**
 * Progress on stderr: a bar redrawn in place on a terminal; otherwise, for a long scan, a plain line
 * every PLAIN_PROGRESS_INTERVAL_MS (a short scan prints nothing). Nothing for one board or --quiet.
 */
export function progressBar(
	total: number,
	io: Io,
	enabled: boolean,
	terminal = process.stderr.isTTY === true,
	clock: () => number = Date.now,
): { step: (done: number, job: Pick<BoardJob, 'file'>) => void; end: () => void } {
	const on = enabled && total > 1;
	const tty = on && terminal;
	const width = 30;
	const started = clock();
	let last = started;
	let plainLines = 0;
	return {
		step(done, job) {
			if (!on) return;
			const now = clock();
			if (!tty) {
				if (now - last < PLAIN_PROGRESS_INTERVAL_MS) return;
				last = now;
				plainLines++;
				io.err(`iommu-lens: checked ${done}/${total} boards (${Math.round((now - started) / 1000)} s)\n`);
				return;
			}
			if (done < total && now - last < 50) return;
			last = now;
			const filled = Math.round((done / total) * width);
			const name = displayPath(job.file, io.cwd);
			const cols = Math.max(20, (process.stderr.columns ?? 80) - width - 20);
			io.err(`\r\x1b[K[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${done}/${total} ${name.length > cols ? `…${name.slice(-cols + 1)}` : name}`);
		},
		end() {
			if (tty) io.err('\r\x1b[K');
			else if (plainLines > 0) io.err(`iommu-lens: checked ${total}/${total} boards (${Math.round((clock() - started) / 1000)} s)\n`);
		},
	};
}

function report(all: BoardResult[], set: CheckSettings, single: boolean, summary: boolean, io: Io): number {
	const results = all.map((r) => ({ board: r.board, items: filterItems(r.items, set.filters, io.cwd) }));
	const items = results.flatMap((r) => r.items);
	if (set.format === 'sarif') {
		io.out(`${JSON.stringify(toSarif(results, io.cwd, VERSION), null, 2)}\n`);
	} else if (set.format === 'json') {
		io.out(`${JSON.stringify(results.flatMap((r) => r.items.map((i) => plainJsonItem(i, io.cwd, single ? undefined : r.board))), null, 2)}\n`);
	} else if (single) {
		for (const item of items) io.out(plainTextItem(item, io.cwd));
	} else {
		for (const r of results) {
			if (r.items.length === 0) continue;
			io.out(`In ${displayPath(r.board, io.cwd)}:\n`);
			for (const item of r.items) io.out(plainTextItem(item, io.cwd));
		}
	}
	if (!single && summary) {
		const text = summaryText(results);
		if (set.format === 'text') io.out(`\n${text}`);
		else io.err(text);
	}
	return fails(items, set.failOn) ? EXIT_FINDINGS : EXIT_OK;
}

/** `iommu-lens check foo.c [Kconfig]`: the C-side checks only. */
async function checkDriverFiles(files: readonly string[], drivers: ReturnType<typeof driverArgs>, args: ParsedArgs, io: Io): Promise<number> {
	const set = settings(args, io);
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
	const items = analyseDriverSources(sources, kernel ? { kernel } : {}).map(plainItem);
	return report([{ board: '', items }], set, true, false, io);
}

/** One item, compiler style (kept for other commands and tests). */
export function textItem(item: ReportItem, cwd: string): string {
	return plainTextItem(plainItem(item), cwd);
}

/** One item as the JSON contract writes it. */
export function jsonItem(item: ReportItem, cwd: string): object {
	return plainJsonItem(plainItem(item), cwd);
}
