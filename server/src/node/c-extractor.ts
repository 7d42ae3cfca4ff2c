/**
 * Loads the C fact extractor for the command line: the tree-sitter runtime and the C grammar (beside
 * the bundle in dist/, or in the repository's grammars/ when run from source) and the
 * `driver-facts.scm` query; and reads `--drivers` folders into `DriverInputs` (the Kconfig tree for
 * the architecture `kernelArch` picks).
 */
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { createCExtractor, type CExtractor } from '../drivers/c/extract';
import { readDriverSources, type DriverSources } from '../drivers/sources';
import { loadParserRuntime, type ParserRuntime } from '../syntax/parser';
import { kconfigEnv } from '../drivers/kconfig/arch';
import { diskFileSystem } from './disk-fs';
import { kernelArch } from './kernel-tree';
import { listDir, listFiles } from './list-files';

function grammarDir(): string {
	for (const dir of [join(__dirname, 'grammars'), join(__dirname, '../../../grammars'), join(__dirname, '../../grammars')]) if (existsSync(join(dir, 'c', 'tree-sitter-c.wasm'))) return dir;
	return join(__dirname, 'grammars');
}

let loaded: Promise<CExtractor> | undefined;
let runtimeLoaded: Promise<ParserRuntime> | undefined;

/** The tree-sitter runtime with both grammars (loaded once per process; rejects when it cannot load). */
export function loadSyntaxRuntime(): Promise<ParserRuntime> {
	// web-tree-sitter, as everywhere (measured faster than the native binding on driver sources).
	const wasm = join(__dirname, 'web-tree-sitter.wasm');
	runtimeLoaded ??= loadParserRuntime({ grammarDir: grammarDir(), ...(existsSync(wasm) ? { runtimeWasm: wasm } : {}) });
	return runtimeLoaded;
}

/** The extractor (loaded once per process). */
export function loadCExtractor(): Promise<CExtractor> {
	loaded ??= (async () => {
		const dir = grammarDir();
		try {
			const runtime = await loadSyntaxRuntime();
			return createCExtractor(runtime.grammar('c'), readFileSync(join(dir, 'c', 'queries', 'driver-facts.scm'), 'utf8'));
		} catch (error) {
			// No parser runtime: every file is pattern-scanned (the extractor's fallback), with a note.
			process.stderr.write(`iommu-lens: note: no C parser runtime (${error instanceof Error ? error.message : String(error)}); driver sources are pattern-scanned\n`);
			return createCExtractor(undefined, undefined);
		}
	})();
	return loaded;
}

export interface DriverPaths {
	/** `--drivers` folders. */
	readonly dirs: readonly string[];
	/** C files and Kconfig files given directly. */
	readonly files?: readonly string[];
	readonly kconfig?: string;
	readonly config?: string;
	/**
	 * The architecture of the boards checked with these sources, when they lie in the `--kconfig`
	 * tree and agree on one (`boardsArch`): the Kconfig tree's `SRCARCH` unless `ARCH` is set.
	 */
	readonly boardArch?: string;
}

/** Reads the driver sources from disk (paths absolute or relative to `cwd`). Throws on an unreadable `--config`. */
export async function readDriverSourcesFromDisk(p: DriverPaths, cwd: string): Promise<DriverSources> {
	const fs = diskFileSystem();
	const dirs = p.dirs.map((d) => resolve(cwd, d));
	const given = (p.files ?? []).map((f) => resolve(cwd, f));
	const cPaths = [...dirs.flatMap((d) => listFiles(d, (f) => f.endsWith('.c') || f.endsWith('.h'))), ...given.filter((f) => /\.[ch]$/.test(f))];
	const files = [...new Set(cPaths)].map((path) => ({ path, text: fs.readFile(path) ?? '' }));
	const kconfigFiles = given.filter((f) => /(^|\/)Kconfig[^/]*$/.test(f));
	let config: { path: string; text: string } | undefined;
	if (p.config !== undefined) {
		const path = resolve(cwd, p.config);
		const text = fs.readFile(path);
		if (text === undefined) throw new Error(`cannot read --config ${p.config}`);
		config = { path, text };
	}
	return readDriverSources(await loadCExtractor(), {
		files,
		dirs,
		...(p.kconfig !== undefined ? { kconfigRoot: resolve(cwd, p.kconfig) } : {}),
		...(kconfigFiles.length ? { kconfigFiles } : {}),
		...(config ? { config } : {}),
		kconfigEnv: kconfigEnv(kernelArch(p.boardArch)),
		fs,
		list: listDir,
	});
}
