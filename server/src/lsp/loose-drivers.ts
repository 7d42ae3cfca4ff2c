/**
 * C files outside the driver sources, analysed on their own: an open `.c`/`.h` document that
 * `iommuLens.driverRoots` does not cover gets the C checks on its text alone, with no configuration.
 * Inside a kernel source tree (the folder above it with `Kconfig` and `arch/`: `Runtime.kconfigRoot`)
 * the checks also get that tree's Kconfig (so `tristate-ifdef` knows which symbols are tristate);
 * everywhere, the Makefile of the file's own folder (the symbol that builds it). Both are read through
 * the runtime's file system (open documents win over the disk), once per tree and per folder; every
 * file a read touched (also the paths it tried that did not exist, and the folders it listed for
 * Kconfig globs) is an input: `changed` drops what read a changed file and names the loose files to
 * analyse again. The C extractor is loaded with the first loose file. No LSP types here.
 */
import { paths, type FileSystem } from '../base/source';
import type { CExtractor } from '../drivers/c/extract';
import type { CFileFacts } from '../drivers/c/types';
import { evaluateConfig, type Configuration } from '../drivers/kconfig/config';
import { parseKconfigTree, type KconfigModel } from '../drivers/kconfig/kconfig';
import { parseMakefiles, type MakefileModel } from '../drivers/kconfig/makefile';
import type { DriverSources } from '../drivers/sources';
import { analyseDriverSources, type ReportItem } from '../model/analysis';
import type { Runtime } from './runtime';

const C_FILE = /\.[ch]$/;

/** True for the files this module analyses (`.c`, `.h`). */
export const isCFile = (file: string): boolean => C_FILE.test(file);

/** What a read depended on: the files it read or tried, and the folders it listed. */
interface Inputs {
	readonly files: Set<string>;
	readonly dirs: Set<string>;
}

/** The Kconfig tree of a kernel source tree, and the configuration it gives without a `.config` (its defaults). */
interface TreePart {
	readonly kconfig: KconfigModel;
	readonly configuration: Configuration;
	readonly inputs: Inputs;
}

/** The Makefile (or Kbuild) of one folder. */
interface FolderPart {
	readonly makefiles: MakefileModel;
	readonly inputs: Inputs;
}

interface Loose {
	/** The text last extracted and its facts. */
	extracted?: { readonly text: string; readonly facts: CFileFacts };
	/** The sources last composed, with the parts they came from. */
	sources?: { readonly facts: CFileFacts; readonly tree: TreePart | undefined; readonly folder: FolderPart; readonly value: DriverSources };
	/** The findings of those sources, for a kernel version. */
	items?: { readonly sources: DriverSources; readonly kernel: string; readonly value: ReportItem[] };
}

let noConfiguration: Configuration | undefined;

/** Kconfig trees kept (those of the kernel trees of open loose files, and a few more for files opened again). */
export const MAX_KERNEL_TREES = 2;

export class LooseDrivers {
	private extractor: CExtractor | undefined;
	private loading: Promise<void> | undefined;
	private readonly files = new Map<string, Loose>();
	/** By kernel tree root. */
	private readonly trees = new Map<string, TreePart>();
	/** By folder. */
	private readonly folders = new Map<string, FolderPart>();

	constructor(private readonly runtime: Runtime) {}

	/** Loads the C extractor (once; the first loose file waits for it). */
	ready(): Promise<void> {
		this.loading ??= this.runtime.loadCExtractor().then((extractor) => {
			this.extractor = extractor;
		});
		return this.loading;
	}

	/** Analyses `file` on its own from now on (an open C document the driver sources do not read). */
	track(file: string): void {
		if (!this.files.has(file)) this.files.set(file, {});
	}

	/** Stops analysing `file`; true when it was analysed. Makefiles no loose file uses any more are dropped. */
	untrack(file: string): boolean {
		if (!this.files.delete(file)) return false;
		const used = new Set(this.tracked().map((f) => paths.dirname(f)));
		for (const dir of [...this.folders.keys()]) if (!used.has(dir)) this.folders.delete(dir);
		return true;
	}

	has(file: string): boolean {
		return this.files.has(file);
	}

	/** The loose files. */
	tracked(): string[] {
		return [...this.files.keys()];
	}

	/**
	 * `file` changed (an open document's edit or close, a watched-file event; `created` for a new or
	 * deleted file): drops the Kconfig trees and Makefiles that read it. Returns the loose files whose
	 * results may have changed (`file` itself when it is one).
	 */
	changed(file: string, created = false): string[] {
		const hit = (i: Inputs): boolean => i.files.has(file) || (created && i.dirs.has(paths.dirname(file)));
		const roots = new Set<string>();
		for (const [root, t] of this.trees) if (hit(t.inputs)) roots.add(root);
		for (const r of roots) this.trees.delete(r);
		const dirs = new Set<string>();
		for (const [dir, f] of this.folders) if (hit(f.inputs)) dirs.add(dir);
		for (const d of dirs) this.folders.delete(d);
		return this.tracked().filter((f) => {
			if (f === file || dirs.has(paths.dirname(f))) return true;
			if (roots.size === 0) return false;
			const root = this.runtime.kconfigRoot(f);
			return root !== undefined && roots.has(root);
		});
	}

	/**
	 * The driver sources of a loose file alone: its facts, its kernel tree's Kconfig (without a
	 * configuration) and its folder's Makefile. Undefined when the file is not loose or the extractor
	 * is not loaded yet (`ready`).
	 */
	sources(file: string): DriverSources | undefined {
		const loose = this.files.get(file);
		if (!loose || !this.extractor) return undefined;
		const text = this.runtime.fs.readFile(file) ?? '';
		if (loose.extracted?.text !== text) loose.extracted = { text, facts: this.extractor.extract(file, text) };
		const facts = loose.extracted.facts;
		const root = this.runtime.kconfigRoot(file);
		const tree = root !== undefined ? this.tree(root) : undefined;
		const folder = this.folder(paths.dirname(file));
		const last = loose.sources;
		if (last && last.facts === facts && last.tree === tree && last.folder === folder) return last.value;
		// `readDriverSources` composed from cached parts: the Kconfig tree of a kernel is read once, not per edit.
		const value: DriverSources = {
			files: [facts],
			...(tree ? { kconfig: tree.kconfig } : {}),
			configuration: tree?.configuration ?? (noConfiguration ??= evaluateConfig(undefined, undefined)),
			makefiles: folder.makefiles,
			diagnostics: facts.diagnostics,
		};
		loose.sources = { facts, tree, folder, value };
		return value;
	}

	/** The facts of a loose file (undefined as for `sources`). */
	factsOf(file: string): CFileFacts | undefined {
		return this.sources(file)?.files[0];
	}

	/**
	 * The C-side findings of a loose file (the C checks on it alone) and its own C diagnostics, those
	 * that lie in the file; cached until its text, its tree or the kernel version changes.
	 */
	findings(file: string, kernel: string | undefined): ReportItem[] {
		const sources = this.sources(file);
		const loose = this.files.get(file);
		if (!sources || !loose) return [];
		const key = kernel ?? '';
		if (loose.items?.sources === sources && loose.items.kernel === key) return loose.items.value;
		const value = analyseDriverSources(sources, kernel !== undefined ? { kernel } : {}).filter((i) => i.span.file === file);
		loose.items = { sources, kernel: key, value };
		return value;
	}

	/** A file system that records what is read in `inputs`. */
	private reader(inputs: Inputs): FileSystem {
		const base = this.runtime.fs;
		return {
			readFile(path) {
				inputs.files.add(path);
				return base.readFile(path);
			},
		};
	}

	private tree(root: string): TreePart {
		let t = this.trees.get(root);
		if (!t) {
			const inputs: Inputs = { files: new Set(), dirs: new Set() };
			const list = (dir: string): readonly string[] => {
				inputs.dirs.add(dir);
				return this.runtime.listDir(dir);
			};
			const kconfig = parseKconfigTree({ root, fs: this.reader(inputs), list });
			t = { kconfig, configuration: evaluateConfig(kconfig, undefined), inputs };
			this.trees.set(root, t);
			// A kernel's Kconfig tree is some megabytes: beyond the bound, the oldest that no loose file uses goes.
			if (this.trees.size > MAX_KERNEL_TREES) {
				const used = new Set(this.tracked().flatMap((f) => this.runtime.kconfigRoot(f) ?? []));
				const unused = [...this.trees.keys()].find((r) => !used.has(r));
				if (unused !== undefined) this.trees.delete(unused);
			}
		}
		return t;
	}

	private folder(dir: string): FolderPart {
		let f = this.folders.get(dir);
		if (!f) {
			const inputs: Inputs = { files: new Set(), dirs: new Set() };
			const read = this.reader(inputs);
			// The folder's own Makefile only (not the sub-folders it lists): the symbol that builds the file.
			const own = new Set([paths.join(dir, 'Makefile'), paths.join(dir, 'Kbuild')]);
			const makefiles = parseMakefiles({ readFile: (p) => (own.has(p) ? read.readFile(p) : undefined) }, [dir]);
			f = { makefiles, inputs };
			this.folders.set(dir, f);
		}
		return f;
	}
}
