/**
 * Driver sources as part of the workspace: the C files under `iommuLens.driverRoots`, the Kconfig
 * tree (`iommuLens.kconfig`) and the configuration (`iommuLens.config`), read through the runtime's
 * file system (open documents win over the disk). Every file the last read touched (C files,
 * Kconfig files, Makefiles, the configuration; also the paths it tried that did not exist) is an
 * input: a change to one of them (an open document's edit, a watched-file event) marks the sources
 * stale, and the next `sources()` reads them again, re-extracting only the C files whose text
 * changed. `generation` counts the reads; a board analysed with an older generation is stale. The
 * Kconfig tree is read for the kernel architecture `Runtime.kernelArch` gives (`ARCH`, else that of
 * the open boards under the tree's `arch/<arch>/boot/dts`, else the host's): opening or closing a
 * board that changes it makes the sources stale too.
 */
import type { FileSystem } from '../base/source';
import type { CExtractor } from '../drivers/c/extract';
import type { CFileFacts } from '../drivers/c/types';
import { archKey, kconfigEnv, type KernelArch } from '../drivers/kconfig/arch';
import { readDriverSources, type DriverSources } from '../drivers/sources';
import { analyseDriverSources, type ReportItem } from '../model/analysis';
import { treeArch, type Runtime } from './runtime';

export interface DriverPaths {
	readonly dirs: readonly string[];
	readonly kconfig?: string;
	readonly config?: string;
}

const C_FILE = /\.[ch]$/;
const DEVICETREE = /\.(dts|dtsi|dtso|overlay)$/;

export class DriverWorkspace {
	private paths: DriverPaths | undefined;
	private extractor: CExtractor | undefined;
	/** Per C file: the text last extracted and its facts. */
	private readonly facts = new Map<string, { text: string; facts: CFileFacts }>();
	private current: DriverSources | undefined;
	private inputs = new Set<string>();
	private cFiles: string[] | undefined;
	private items: { kernel: string; items: ReportItem[] } | undefined;
	/** The architecture (`archKey`) the Kconfig tree was last read for. */
	private archRead: string | undefined;
	/** Bumped whenever the sources become stale (the next read gives a new `DriverSources`). */
	generation = 0;
	/** A problem of the last read (an unreadable configuration), for the status. */
	error: string | undefined;

	constructor(private readonly runtime: Runtime) {}

	/** True when the sources are read and no input changed since (no re-read pending). */
	get upToDate(): boolean {
		return this.current !== undefined;
	}

	/** The configured `.config` (absolute), if any. */
	get configPath(): string | undefined {
		return this.paths?.config;
	}

	/** New settings (undefined: no driver sources). Loads the extractor and reads everything once. */
	async configure(paths: DriverPaths | undefined): Promise<string | undefined> {
		this.paths = paths;
		this.facts.clear();
		this.cFiles = undefined;
		this.invalidate();
		if (!paths) return undefined;
		this.extractor = await this.runtime.loadCExtractor();
		this.sources();
		return this.error;
	}

	/** The driver sources, read again when an input changed since the last read. */
	sources(): DriverSources | undefined {
		if (!this.paths || !this.extractor) return undefined;
		if (this.current) return this.current;
		const p = this.paths;
		const inputs = new Set<string>();
		const base = this.runtime.fs;
		const fs: FileSystem = {
			readFile(path) {
				inputs.add(path);
				return base.readFile(path);
			},
		};
		this.cFiles ??= [...new Set(p.dirs.flatMap((d) => this.runtime.listDriverFiles(d)))];
		const files = this.cFiles.map((path) => ({ path, text: fs.readFile(path) ?? '' }));
		for (const f of [...this.facts.keys()]) if (!this.cFiles.includes(f)) this.facts.delete(f);
		const extractor = this.extractor;
		const cached: CExtractor = {
			extract: (file, text) => {
				const hit = this.facts.get(file);
				if (hit && hit.text === text) return hit.facts;
				const facts = extractor.extract(file, text);
				this.facts.set(file, { text, facts });
				return facts;
			},
		};
		this.error = undefined;
		let config: { path: string; text: string } | undefined;
		if (p.config !== undefined) {
			const text = fs.readFile(p.config);
			if (text === undefined) this.error = `iommuLens.config: cannot read ${p.config}`;
			else config = { path: p.config, text };
		}
		const arch = this.arch();
		this.archRead = arch ? archKey(arch) : undefined;
		this.current = readDriverSources(cached, {
			files,
			dirs: p.dirs,
			...(p.kconfig !== undefined ? { kconfigRoot: p.kconfig } : {}),
			...(arch ? { kconfigEnv: kconfigEnv(arch) } : {}),
			...(config ? { config } : {}),
			fs,
			list: (dir) => this.runtime.listDir(dir),
		});
		this.inputs = inputs;
		return this.current;
	}

	/** True when `file` is one the driver sources read (or a C file that would be listed now). */
	reads(file: string): boolean {
		if (!this.paths) return false;
		if (this.inputs.has(file) || file === this.paths.config) return true;
		return C_FILE.test(file) && this.paths.dirs.some((d) => file.startsWith(`${d}/`));
	}

	/** The facts of one C file of the driver sources (read again first when they are stale). */
	factsOf(file: string): CFileFacts | undefined {
		this.sources();
		return this.facts.get(file)?.facts;
	}

	/** True when `file` is one of the driver inputs (its diagnostics are the drivers', not a board's). */
	owns(file: string): boolean {
		return this.paths !== undefined && (this.inputs.has(file) || this.facts.has(file));
	}

	/**
	 * `file` changed (an open document's edit, open or close, a watched-file event, `created` for a new
	 * or deleted file). Returns true when the driver sources read it, or when it is a devicetree
	 * document whose opening or closing changed the Kconfig tree's architecture, i.e. when they are
	 * now stale.
	 */
	changed(file: string, created = false): boolean {
		if (this.archChangedBy(file)) {
			this.invalidate();
			return true;
		}
		if (!this.reads(file)) return false;
		if (created && C_FILE.test(file)) this.cFiles = undefined;
		this.invalidate();
		return true;
	}

	/** The C-side findings and the driver sources' diagnostics (no board), per kernel version. */
	findings(kernel: string | undefined): ReportItem[] {
		const sources = this.sources();
		if (!sources) return [];
		const key = kernel ?? '';
		if (this.items?.kernel !== key) this.items = { kernel: key, items: analyseDriverSources(sources, kernel !== undefined ? { kernel } : {}) };
		return this.items.items;
	}

	/** The architecture the configured Kconfig tree is read for now (undefined without one). */
	private arch(): KernelArch | undefined {
		const root = this.paths?.kconfig;
		return root === undefined ? undefined : treeArch(this.runtime, root);
	}

	/** True when `file` (a devicetree document opened or closed) changed the architecture the read sources used. */
	private archChangedBy(file: string): boolean {
		if (!this.current || this.archRead === undefined || !DEVICETREE.test(file)) return false;
		const arch = this.arch();
		return arch !== undefined && archKey(arch) !== this.archRead;
	}

	private invalidate(): void {
		this.generation++;
		this.current = undefined;
		this.items = undefined;
	}
}
