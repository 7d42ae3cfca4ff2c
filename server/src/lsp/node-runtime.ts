/**
 * The language server on Node: the runtime (disk, kernel trees and their architecture, the C extractor) and the process entry
 * shared by `dist/server.js` and `iommu-lens lsp`: stdio with `--stdio`, Node IPC otherwise.
 */
import { existsSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';
import { GCProfiler, setFlagsFromString } from 'node:v8';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { createConnection, IPCMessageReader, IPCMessageWriter, ProposedFeatures, type Connection } from 'vscode-languageserver/node';
import { loadCExtractor, loadSyntaxRuntime } from '../node/c-extractor';
import { diskFileSystem } from '../node/disk-fs';
import { findingDocUri } from '../node/finding-docs';
import { findKconfigRoot, findKernelTree, kernelArch } from '../node/kernel-tree';
import { listDir, listFiles } from '../node/list-files';
import type { Runtime } from './runtime';
import { startServer } from './server';

const DEVICETREE = /\.(dts|dtsi|dtso|overlay)$/;

/** `tuneHeap`: the process is the server's own (the entry); it sets V8 flags for the whole process. */
export function nodeRuntime(options: { tuneHeap?: boolean } = {}): Runtime {
	const trees = new Map<string, ReturnType<Runtime['kernelTree']>>();
	const kconfigRoots = new Map<string, string | undefined>();
	return {
		// Editors' documents hold no BOM: neither do the files the server reads (line 0's columns agree).
		fs: diskFileSystem({ stripBom: true }),
		exists: (p) => existsSync(p),
		listDevicetreeFiles: (dir) => listFiles(dir, (p) => DEVICETREE.test(p)),
		kernelTree(file) {
			const dir = resolve(file, '..');
			if (!trees.has(dir)) {
				const tree = findKernelTree(file);
				const boardsRoot =
					tree?.arch === undefined ? undefined : tree.layout === 'dts-rebasing' ? join(tree.root, 'src', tree.arch) : join(tree.root, 'arch', tree.arch, 'boot/dts');
				trees.set(dir, tree ? { includePaths: tree.includePaths, boardsRoot } : undefined);
			}
			return trees.get(dir);
		},
		kconfigRoot(file) {
			const dir = resolve(file, '..');
			if (!kconfigRoots.has(dir)) kconfigRoots.set(dir, findKconfigRoot(file));
			return kconfigRoots.get(dir);
		},
		kernelArch: (boards) => kernelArch(boards),
		loadCExtractor,
		loadDevicetreeGrammar: () => loadSyntaxRuntime().then((r) => r.grammar('devicetree'), () => undefined),
		listDriverFiles: (dir) => listFiles(dir, (p) => p.endsWith('.c') || p.endsWith('.h')),
		listDir,
		findingDocUri,
		uriToPath: (uri) => (uri.startsWith('file:') ? fileURLToPath(uri) : undefined),
		pathToUri: (p) => pathToFileURL(p).href,
		resolvePath: (base, rel) => (isAbsolute(rel) ? rel : resolve(base, rel)),
		now: () => performance.now(),
		...(options.tuneHeap ? idleCollector() : {}),
	};
}

/** V8's heap growing factor after a full collection, as a percentage over 1 (100: the heap may double). */
const HEAP_GROWING_PERCENT = 100;

/** The heap may grow this much (bytes) over what the last collection left before an idle collection runs. */
const GC_GROWTH = 32 * 1024 * 1024;

type Gc = (options?: { type?: 'major' | 'minor' }) => void;

/**
 * Collections on demand, while the user is idle. A full one when the process was started with
 * `--expose-gc` (the VS Code client starts the server so; the server never evaluates code to reach
 * V8's `gc`): Node collects the old generation only
 * under allocation pressure and keeps the pages it grew into, so after analyses the process holds
 * several times its live heap; collected while idle, V8 unmaps the free pages. Minor ones: an
 * analysis leaves its results (the board's tree, several MB) in the young generation, and the
 * collections that move them would otherwise fall inside the next analysis or hover (without `gc`, a
 * minor collection is brought about by allocation: `fillYoungGeneration`).
 */
function idleCollector(): Pick<Runtime, 'collectGarbage' | 'collectYoung'> {
	try {
		// V8 lets the old generation grow up to 4× what its last full collection kept when allocation is
		// fast (an analysis per keystroke is): 2× bounds the memory (the whole-corpus benchmark: some
		// 250 MB instead of 400 to 1000), at a cost in time within the benchmark's noise.
		setFlagsFromString(`--heap-growing-percent=${HEAP_GROWING_PERCENT}`);
	} catch {
		// An engine without the flag: V8's own heuristics.
	}
	const gc = (globalThis as { gc?: unknown }).gc;
	// The first moves the survivors within the young generation, where they would still take half of
	// it; the second promotes them (whole pages, about a millisecond): the next analysis has all of it.
	const minor = typeof gc === 'function' ? () => (gc as Gc)({ type: 'minor' }) : fillYoungGeneration;
	const collectYoung = (): void => {
		minor();
		minor();
	};
	if (typeof gc !== 'function') return { collectYoung };
	let after = process.memoryUsage().heapUsed;
	return {
		collectGarbage: () => {
			if (process.memoryUsage().heapUsed < after + GC_GROWTH) return;
			(gc as Gc)();
			after = process.memoryUsage().heapUsed;
		},
		collectYoung,
	};
}

/** Where `fillYoungGeneration`'s arrays go (so that they are allocated), dropped at once. */
const sink: { array?: unknown[] } = {};

/** `fillYoungGeneration` allocates this much between two looks for a collection, and gives up after `FILL_LIMIT`. */
const FILL_STEP = 256 * 1024;
const FILL_LIMIT = 64 * 1024 * 1024;

/** What V8's `GCProfiler` names the steps of an incremental major collection that collect nothing by themselves. */
const NOT_A_COLLECTION = new Set(['IncrementalMarking', 'ProcessWeakCallbacks']);

/**
 * A minor collection without `gc` (a server started without `--expose-gc`, as other editors start
 * `iommu-lens lsp`): allocates short-lived arrays until V8 collects the young generation, which takes
 * its free space (at most 16 MB: a few milliseconds). V8's `GCProfiler` tells when the collection has
 * happened: the young generation's used size is no sign of it, as it may shrink by a few KB without one.
 */
function fillYoungGeneration(): void {
	const profiler = new GCProfiler();
	for (let n = 0; n < FILL_LIMIT; n += FILL_STEP) {
		profiler.start();
		// Arrays of 1024 holes: 8 KB each, small enough for the young generation's own pages.
		for (let k = 0; k < FILL_STEP; k += 8 * 1024) sink.array = new Array(1024);
		const collected = profiler.stop().statistics.some((s) => !NOT_A_COLLECTION.has(s.gcType));
		if (collected) break;
	}
	sink.array = undefined;
}

/** Starts the server on this process: `--stdio` → stdin/stdout, otherwise Node IPC (the VS Code client forks it with `--node-ipc`). */
export function runNodeServer(argv: readonly string[]): Connection {
	const connection = argv.includes('--stdio')
		? createConnection(ProposedFeatures.all, process.stdin, process.stdout)
		: createConnection(ProposedFeatures.all, new IPCMessageReader(process), new IPCMessageWriter(process));
	// stdout may be the transport: everything printed goes to the client's log instead.
	console.log = (...a: unknown[]) => connection.console.log(a.map(String).join(' '));
	console.error = (...a: unknown[]) => connection.console.error(a.map(String).join(' '));
	process.on('unhandledRejection', (reason) => connection.console.error(`iommu-lens: unhandled rejection: ${reason instanceof Error ? (reason.stack ?? reason.message) : String(reason)}`));
	startServer(connection, nodeRuntime({ tuneHeap: true }));
	return connection;
}
