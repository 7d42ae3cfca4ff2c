/**
 * Driver sources as one input: the C files' facts, the Kconfig tree, the configuration and the
 * Makefiles' link order. IO-free: the caller gives texts, a `FileSystem` and (for globs) a lister.
 */
import { paths, type Diagnostic, type FileSystem } from '../base/source';
import type { CExtractor } from './c/extract';
import type { CFileFacts } from './c/types';
import { evaluateConfig, parseConfigFile, type ConfigFile, type Configuration, type ConfigValue } from './kconfig/config';
import { parseKconfigTree, type KconfigModel } from './kconfig/kconfig';
import { parseMakefiles, type MakefileModel } from './kconfig/makefile';

export interface DriverInputs {
	/** The C files (`.c`, `.h`), in the order given. */
	readonly files: ReadonlyArray<{ readonly path: string; readonly text: string }>;
	/** Folders whose Makefiles give link order and Kconfig symbols (the `--drivers` folders). */
	readonly dirs?: readonly string[];
	/** A tree with Kconfig files (`Kconfig` at its root); its root Makefile is read first for link order. */
	readonly kconfigRoot?: string;
	/** A `.config` or defconfig fragment. */
	readonly config?: { readonly path: string; readonly text: string };
	/** Extra Kconfig files given directly (`iommu-lens check drivers/rpmsg/Kconfig`). */
	readonly kconfigFiles?: readonly string[];
	/**
	 * The variables of the Kconfig tree's `source` paths (`arch/$(SRCARCH)/Kconfig`): kbuild's `ARCH`
	 * and `SRCARCH`, `kconfigEnv` in `kconfig/arch.ts`. Without them the arch Kconfig is not read.
	 */
	readonly kconfigEnv?: Readonly<Record<string, string>>;
	readonly fs: FileSystem;
	readonly list?: (dir: string) => readonly string[];
}

export interface DriverSources {
	readonly files: readonly CFileFacts[];
	readonly kconfig?: KconfigModel;
	readonly config?: ConfigFile;
	readonly configuration: Configuration;
	readonly makefiles: MakefileModel;
	readonly diagnostics: readonly Diagnostic[];
}

export function readDriverSources(extractor: CExtractor, inputs: DriverInputs): DriverSources {
	const files = inputs.files.map((f) => extractor.extract(f.path, f.text));
	let kconfig: KconfigModel | undefined;
	const env = inputs.kconfigEnv ? { env: inputs.kconfigEnv } : {};
	if (inputs.kconfigRoot !== undefined) kconfig = parseKconfigTree({ root: inputs.kconfigRoot, fs: inputs.fs, ...(inputs.list ? { list: inputs.list } : {}), ...env });
	for (const k of inputs.kconfigFiles ?? []) {
		const extra = parseKconfigTree({ root: paths.dirname(k), top: k, fs: inputs.fs, ...env });
		if (!kconfig) kconfig = extra;
		else {
			const symbols = new Map(kconfig.symbols);
			for (const [n, s] of extra.symbols) if (!symbols.has(n)) symbols.set(n, s);
			kconfig = { ...kconfig, symbols, files: [...kconfig.files, ...extra.files], diagnostics: [...kconfig.diagnostics, ...extra.diagnostics] };
		}
	}
	const config = inputs.config ? parseConfigFile(inputs.config.path, inputs.config.text) : undefined;
	const roots = [...(inputs.kconfigRoot !== undefined ? [inputs.kconfigRoot] : []), ...(inputs.dirs ?? [])];
	const makefiles = parseMakefiles(inputs.fs, roots);
	return {
		files,
		...(kconfig ? { kconfig } : {}),
		...(config ? { config } : {}),
		configuration: evaluateConfig(kconfig, config),
		makefiles,
		diagnostics: [...files.flatMap((f) => f.diagnostics), ...(kconfig?.diagnostics ?? []), ...(config?.diagnostics ?? [])],
	};
}

/** The Kconfig symbol a C file is built under (through the Makefiles), if any. */
export function fileSymbol(sources: DriverSources, file: string): string | undefined {
	return sources.makefiles.files.get(file)?.symbol;
}

/**
 * The build state of a C file: `y` without a configuration or when unknown; else its Makefile
 * symbol's value (and the composite part's, and the folders' symbols), `obj-y`/`obj-m` as written.
 */
export function fileBuild(sources: DriverSources, file: string): { build: ConfigValue; symbol?: string; why: string } {
	const built = sources.makefiles.files.get(file);
	if (!built) return { build: 'y', why: 'not listed in a scanned Makefile (assumed built in)' };
	if (!sources.config) return { build: built.fixed ?? 'y', ...(built.symbol ? { symbol: built.symbol } : {}), why: 'no configuration given (assumed built in)' };
	const rank = { n: 0, m: 1, y: 2 } as const;
	let build: ConfigValue = built.fixed ?? 'y';
	let why = built.fixed ? `obj-${built.fixed} in ${built.span.file}` : '';
	for (const s of [built.symbol, built.partSymbol]) {
		if (!s) continue;
		const v = sources.configuration.value(s);
		if (v === undefined) continue;
		if (rank[v] < rank[build] || why === '') {
			build = v;
			why = `CONFIG_${s}=${v} (${sources.configuration.why(s) ?? 'evaluated'})`;
		}
	}
	for (let dir = paths.dirname(file); dir !== '.' && dir !== '/' && dir !== ''; dir = paths.dirname(dir)) {
		const s = sources.makefiles.dirSymbols.get(dir);
		const v = s ? sources.configuration.value(s) : undefined;
		if (s && v === 'n') return { build: 'n', symbol: s, why: `folder ${dir} needs CONFIG_${s}, which is n` };
	}
	return { build, ...(built.symbol ? { symbol: built.symbol } : {}), why: why || 'built in' };
}
