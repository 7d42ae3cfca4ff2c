/**
 * `check` over many boards: finding the boards of a folder or kernel tree, analysing one board into
 * plain (structured-clone safe) data, and a pool of worker threads that each keep one `Frontend`, so
 * the .dtsi and header files boards share are read and lexed once per worker.
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import type { iommu } from '../../../emulator/src';
import type { Span } from '../base/source';
import { quickFixes } from '../ide/fixes';
import { createFrontend, type BoardOptions, type Frontend } from '../model/board';
import type { ReportItem } from '../model/analysis';
import { createSnapshot } from '../model/snapshot';
import type { DiskFileSystem } from '../node/disk-fs';
import { listFiles } from '../node/list-files';
import type { DriverSources } from '../drivers/sources';
import { UsageError } from './args';

/** One text replacement of a quick fix. */
export interface PlainEdit {
	span: Span;
	newText: string;
}

/** A report item as data (what a worker sends back), with the quick fixes when asked for. */
export interface PlainItem {
	id: string;
	severity: 'error' | 'warning' | 'info';
	message: string;
	span: Span;
	related: Array<{ span: Span; message: string }>;
	fixes?: Array<{ title: string; edits: PlainEdit[] }>;
}

export interface BoardJob {
	file: string;
	options: BoardOptions;
	kernel?: string;
	profiles?: iommu.UserProfiles;
	/** Compute quick-fix edits (SARIF `fixes`). */
	fixes: boolean;
}

export interface BoardResult {
	board: string;
	items: PlainItem[];
}

/** The boards (`.dts`) to check under `dir`: a kernel tree's `arch/<arch>/boot/dts`, a devicetree-rebasing tree's `src/`, else every `.dts` below. */
export function findBoards(dir: string): string[] {
	const roots: string[] = [];
	const isDir = (p: string): boolean => existsSync(p) && statSync(p).isDirectory();
	if (isDir(join(dir, 'arch')) && (isDir(join(dir, 'scripts')) || isDir(join(dir, 'include')))) {
		for (const arch of readdirSync(join(dir, 'arch')).sort()) if (isDir(join(dir, 'arch', arch, 'boot/dts'))) roots.push(join(dir, 'arch', arch, 'boot/dts'));
	} else if (isDir(join(dir, 'src')) && isDir(join(dir, 'include'))) {
		roots.push(join(dir, 'src'));
	} else {
		roots.push(dir);
	}
	return roots.flatMap((r) => listFiles(r, (p) => p.endsWith('.dts'))).sort();
}

/** A span as plain data (spans may carry more, such as the file system they came from). */
export function plainSpan(span: Span): Span {
	return { file: span.file, start: { line: span.start.line, col: span.start.col }, end: { line: span.end.line, col: span.end.col } };
}

export function plainItem(item: ReportItem): PlainItem {
	return { id: item.id, severity: item.severity, message: item.message, span: plainSpan(item.span), related: item.related.map((r) => ({ span: plainSpan(r.span), message: r.message })) };
}

/** Analyses one board with `frontend` (shared between boards) into plain data. */
export function analyseJob(frontend: Frontend, fs: DiskFileSystem, job: BoardJob, drivers?: DriverSources): BoardResult {
	const snapshot = createSnapshot(frontend, fs, job.file, {
		...job.options,
		...(job.kernel ? { kernel: job.kernel } : {}),
		...(job.profiles ? { profiles: job.profiles } : {}),
		...(drivers ? { drivers } : {}),
	});
	const items = snapshot.analysis.items.map((item) => {
		const plain = plainItem(item);
		if (job.fixes && item.fix) {
			const fixes = quickFixes(snapshot, item).map((q) => ({ title: q.title, edits: q.edits.map((e) => ({ span: plainSpan(e.span), newText: e.newText })) }));
			if (fixes.length > 0) plain.fixes = fixes;
		}
		return plain;
	});
	return { board: job.file, items };
}

/** Data a worker starts with. */
export interface WorkerInit {
	iommuLensCheckWorker: true;
	cwd: string;
	drivers?: { dirs: string[]; kconfig?: string; config?: string; boardArch?: string };
}

export type WorkerReply = { index: number; result: BoardResult } | { index: number; error: string } | { ready: true } | { fatal: string };

/**
 * The young generation of a check worker (MB; V8's default is 3 × 16). A board's objects live from
 * its parse to its findings, some 10 MB, and die together: with room for a few boards between minor
 * collections fewer of them are caught alive and copied. Measured over the arm64 corpus (2 workers):
 * 12.7-13.7 s wall at the default, 11.5 s at 96 MB, 10.9-11.9 s at 192 MB (about +150 MB peak).
 */
export const WORKER_YOUNG_GENERATION_MB = 96;

/**
 * Boards handed to a worker ahead of its results: with one, a worker waits a message round trip
 * between boards (its result to the main thread, the next board back), about 4% of its time.
 */
export const JOBS_IN_FLIGHT = 2;

/** How many workers to run: the cores (`availableParallelism`), at most one per board. */
export function defaultJobs(): number {
	return Math.max(1, availableParallelism());
}

/**
 * The order boards are handed to workers: the sorted list is cut into one contiguous run per worker,
 * each worker takes the next board of its own run and, when that is done, the last board of the run
 * with most left. The boards of one SoC sit together in the sorted list, so a worker keeps reading
 * the same `.dtsi` and headers (its lexing cache and include memo stay warm), and no worker idles
 * while boards are left.
 */
export class JobQueue {
	private readonly runs: Array<{ next: number; end: number }> = [];

	constructor(count: number, workers: number) {
		const parts = Math.max(1, Math.min(workers, count));
		for (let k = 0; k < parts; k++) this.runs.push({ next: Math.floor((k * count) / parts), end: Math.floor(((k + 1) * count) / parts) });
	}

	/** The next job index for worker `worker`, or undefined when every job was handed out. */
	take(worker: number): number | undefined {
		const own = this.runs[worker];
		if (own !== undefined && own.next < own.end) return own.next++;
		let best: { next: number; end: number } | undefined;
		for (const r of this.runs) if (r.end - r.next > 0 && (best === undefined || r.end - r.next > best.end - best.next)) best = r;
		if (best === undefined) return undefined;
		return --best.end;
	}
}

/**
 * Runs `jobs` on `workers` worker threads (the bundle `workerFile`), calling `done` in completion
 * order; resolves with the results in job order. A worker's internal error rejects.
 */
export function runPool(workerFile: string, init: WorkerInit, jobs: readonly BoardJob[], workers: number, done: (finished: number, job: BoardJob) => void): Promise<BoardResult[]> {
	return new Promise((resolvePool, rejectPool) => {
		const results: BoardResult[] = new Array(jobs.length);
		const count = Math.max(1, Math.min(workers, jobs.length));
		const queue = new JobQueue(jobs.length, count);
		let finished = 0;
		let failed = false;
		const pool: Worker[] = [];
		const stopAll = (): void => {
			for (const w of pool) void w.terminate();
		};
		// Each worker holds JOBS_IN_FLIGHT boards: the next one is waiting when it posts a result.
		const inFlight = new Array<number>(count).fill(0);
		const feed = (w: Worker, worker: number): void => {
			while (inFlight[worker]! < JOBS_IN_FLIGHT) {
				const index = queue.take(worker);
				if (index === undefined) {
					if (inFlight[worker] === 0) w.postMessage(null);
					return;
				}
				inFlight[worker]!++;
				w.postMessage({ index, job: jobs[index] });
			}
		};
		for (let i = 0; i < count; i++) {
			const w = new Worker(workerFile, { workerData: init, resourceLimits: { maxYoungGenerationSizeMb: WORKER_YOUNG_GENERATION_MB } });
			pool.push(w);
			w.on('message', (msg: WorkerReply) => {
				if (failed) return;
				if ('ready' in msg) return feed(w, i);
				if ('fatal' in msg) {
					failed = true;
					stopAll();
					return rejectPool(new UsageError(msg.fatal));
				}
				if ('error' in msg) {
					failed = true;
					stopAll();
					return rejectPool(new Error(`while checking ${jobs[msg.index]?.file}: ${msg.error}`));
				}
				results[msg.index] = msg.result;
				inFlight[i]!--;
				finished++;
				done(finished, jobs[msg.index] as BoardJob);
				if (finished === jobs.length) {
					stopAll();
					resolvePool(results);
				} else feed(w, i);
			});
			w.on('error', (error) => {
				if (failed) return;
				failed = true;
				stopAll();
				rejectPool(error);
			});
		}
		if (jobs.length === 0) resolvePool([]);
	});
}

/** Runs `jobs` in this thread with one shared front-end (`--jobs 1`, or no worker bundle). */
export function runSerial(fs: DiskFileSystem, jobs: readonly BoardJob[], drivers: DriverSources | undefined, done: (finished: number, job: BoardJob) => void): BoardResult[] {
	const frontend = createFrontend(fs);
	return jobs.map((job, i) => {
		const res = analyseJob(frontend, fs, job, drivers);
		done(i + 1, job);
		return res;
	});
}
