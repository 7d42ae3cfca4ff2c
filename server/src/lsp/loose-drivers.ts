/**
 * C files outside the driver sources, analysed on their own: an open `.c`/`.h` document that
 * `iommuLens.driverRoots` does not cover gets the C checks on its text alone, with no configuration.
 * Inside a kernel source tree (the folder above it with `Kconfig` and `arch/`: `Runtime.kconfigRoot`)
 * the checks also get that tree's Kconfig (so `tristate-ifdef` knows which symbols are tristate),
 * read for the architecture `Runtime.kernelArch` gives (`ARCH`, else that of the open boards under
 * `arch/<arch>/boot/dts` of that tree, else the host's: `arch/$(SRCARCH)/Kconfig`), and, for a file
 * that calls `bus_set_iommu()`, the facts of the other C files its folder's Makefile builds whose
 * text names `bus_set_iommu` or `of_device_id` (the IOMMU drivers beside it that claim a bus too;
 * only their facts: findings are reported on the open file alone). Everywhere, the Makefile of the
 * file's own folder (the symbol that builds it). All are read through the runtime's file system (open
 * documents win over the disk), once per tree, architecture and folder; every file a read touched
 * (also the paths it tried that did not exist, and the folders it listed for Kconfig globs) is an
 * input: `changed` drops what read a changed file (a sibling: only its own facts are read again) and
 * names the loose files to analyse again, as it does when a board opened or closed changes a tree's
 * architecture. The C extractor is loaded with the first loose file. No LSP types here.
 */
import { paths, type FileSystem } from '../base/source';
import type { CExtractor } from '../drivers/c/extract';
import type { CFileFacts } from '../drivers/c/types';
import { archKey, kconfigEnv } from '../drivers/kconfig/arch';
import { evaluateConfig, type Configuration } from '../drivers/kconfig/config';
import { parseKconfigTree, type KconfigModel } from '../drivers/kconfig/kconfig';
import { parseMakefiles, type MakefileModel } from '../drivers/kconfig/makefile';
import type { DriverSources } from '../drivers/sources';
import { analyseDriverSources, type ReportItem } from '../model/analysis';
import { treeArch, type Runtime } from './runtime';

const C_FILE = /\.[ch]$/;
const DEVICETREE = /\.(dts|dtsi|dtso|overlay)$/;
/** The cheap test before a sibling is parsed: only a file that may claim a bus or bind nodes matters to `bus-set-iommu`. */
const SIBLING_TEXT = /\bbus_set_iommu\b|\bof_device_id\b/;

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
	/** The architecture it was read for (`archKey`). */
	readonly arch: string;
	readonly inputs: Inputs;
}

/** The Makefile (or Kbuild) of one folder. */
interface FolderPart {
	readonly makefiles: MakefileModel;
	readonly inputs: Inputs;
}

/** One C file a folder's Makefile builds, as a sibling: its text and facts (both undefined when it is missing or the text test or the budget left it out). */
interface Sibling {
	readonly text: string | undefined;
	readonly facts: CFileFacts | undefined;
	/** Left out by `MAX_SIBLING_TEXT` (tried again when the folder's siblings are read again). */
	readonly overBudget?: true;
}

/**
 * The C files a folder's Makefile builds, read as siblings of the loose files there. Replaced (not
 * changed) when read again, so that a loose file's composed sources can compare it by identity.
 */
interface SiblingsPart {
	/** The Makefile part the list came from. */
	readonly folder: FolderPart;
	/** By file, in link order; the keys are the inputs (also the files that did not exist). */
	readonly entries: ReadonlyMap<string, Sibling>;
	/** Files changed since they were read: read again on the next use. */
	readonly dirty: Set<string>;
}

interface Loose {
	/** The text last extracted and its facts. */
	extracted?: { readonly text: string; readonly facts: CFileFacts };
	/** The sources last composed, with the parts they came from. */
	sources?: { readonly facts: CFileFacts; readonly tree: TreePart | undefined; readonly folder: FolderPart; readonly siblings: SiblingsPart | undefined; readonly value: DriverSources };
	/** The findings of those sources, for a kernel version. */
	items?: { readonly sources: DriverSources; readonly kernel: string; readonly value: ReportItem[] };
}

let noConfiguration: Configuration | undefined;

/** Kconfig trees kept (those of the kernel trees of open loose files, and a few more for files opened again). */
export const MAX_KERNEL_TREES = 2;

/**
 * The sibling text parsed per folder (UTF-16 units; parsing C costs about half a millisecond per kilobyte):
 * in link order, a sibling that would go beyond it is left out (its claims are not seen).
 */
export const MAX_SIBLING_TEXT = 1024 * 1024;

/**
 * Sibling text (UTF-16 units) beyond which a loose file's first publish goes without its siblings
 * and a second one follows with them (`siblingsLater`): parsing C costs about half a millisecond per
 * KB (more on a busy machine), so a kernel's drivers/iommu (some 1 MB) takes half a second or more,
 * once per folder.
 */
export const SIBLINGS_LATER_TEXT = 64 * 1024;

export class LooseDrivers {
	private extractor: CExtractor | undefined;
	private loading: Promise<void> | undefined;
	private readonly files = new Map<string, Loose>();
	/** By kernel tree root. */
	private readonly trees = new Map<string, TreePart>();
	/** By folder. */
	private readonly folders = new Map<string, FolderPart>();
	/** By folder: the C files its Makefile builds, for the loose files there that call `bus_set_iommu()`. */
	private readonly siblingParts = new Map<string, SiblingsPart>();

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
		for (const dir of [...this.siblingParts.keys()]) if (!used.has(dir)) this.siblingParts.delete(dir);
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
	 * `file` changed (an open document's edit, open or close, a watched-file event; `created` for a new
	 * or deleted file): drops the Kconfig trees and Makefiles that read it, marks it to be read again
	 * where it is a sibling, and drops the Kconfig trees whose architecture a devicetree document
	 * opened or closed changed. Returns the loose files whose results may have changed (`file` itself
	 * when it is one).
	 */
	changed(file: string, created = false): string[] {
		const hit = (i: Inputs): boolean => i.files.has(file) || (created && i.dirs.has(paths.dirname(file)));
		const roots = new Set<string>();
		const board = DEVICETREE.test(file);
		for (const [root, t] of this.trees) if (hit(t.inputs) || (board && t.arch !== this.archOf(root))) roots.add(root);
		for (const r of roots) this.trees.delete(r);
		const dirs = new Set<string>();
		for (const [dir, f] of this.folders) if (hit(f.inputs)) dirs.add(dir);
		for (const d of dirs) this.folders.delete(d);
		for (const [dir, s] of this.siblingParts) {
			if (!s.entries.has(file)) continue;
			s.dirty.add(file);
			dirs.add(dir);
		}
		return this.tracked().filter((f) => {
			if (f === file || dirs.has(paths.dirname(f))) return true;
			if (roots.size === 0) return false;
			const root = this.runtime.kconfigRoot(f);
			return root !== undefined && roots.has(root);
		});
	}

	/**
	 * The driver sources of a loose file: its facts (first), its kernel tree's Kconfig (without a
	 * configuration), its folder's Makefile and, in a kernel tree when it calls `bus_set_iommu()`, the
	 * facts of the other C files that Makefile builds (those that may claim a bus). Undefined when the
	 * file is not loose or the extractor is not loaded yet (`ready`).
	 */
	sources(file: string, how: { readSiblings?: boolean } = {}): DriverSources | undefined {
		const loose = this.files.get(file);
		if (!loose || !this.extractor) return undefined;
		const dir = paths.dirname(file);
		const text = this.runtime.fs.readFile(file) ?? '';
		if (loose.extracted?.text !== text) {
			// The same text read as a sibling of another loose file: its facts are those.
			const sibling = this.siblingParts.get(dir)?.entries.get(file);
			loose.extracted = { text, facts: sibling?.text === text && sibling.facts ? sibling.facts : this.extractor.extract(file, text) };
		}
		const facts = loose.extracted.facts;
		const root = this.runtime.kconfigRoot(file);
		const tree = root !== undefined ? this.tree(root) : undefined;
		const folder = this.folder(dir);
		// Only a file that claims a bus needs the others that may claim it (`bus-set-iommu`); without
		// `readSiblings`, those read before (if any) serve as they are.
		const needs = root !== undefined && facts.busSetIommu.length > 0;
		const siblings = !needs ? undefined : (how.readSiblings ?? true) ? this.siblings(dir, folder) : this.siblingParts.get(dir);
		const last = loose.sources;
		if (last && last.facts === facts && last.tree === tree && last.folder === folder && last.siblings === siblings) return last.value;
		const others: CFileFacts[] = [];
		for (const [f, s] of siblings?.entries ?? []) if (f !== file && s.facts) others.push(s.facts);
		// `readDriverSources` composed from cached parts: the Kconfig tree of a kernel is read once, not per edit.
		const value: DriverSources = {
			files: [facts, ...others],
			...(tree ? { kconfig: tree.kconfig } : {}),
			configuration: tree?.configuration ?? (noConfiguration ??= evaluateConfig(undefined, undefined)),
			makefiles: folder.makefiles,
			diagnostics: facts.diagnostics,
		};
		loose.sources = { facts, tree, folder, siblings, value };
		return value;
	}

	/** The facts of a loose file (undefined as for `sources`). */
	factsOf(file: string): CFileFacts | undefined {
		return this.sources(file)?.files[0];
	}

	/**
	 * The C-side findings of a loose file (the C checks on its sources) and its own C diagnostics, those
	 * that lie in the file (not its siblings'); cached until its text, its tree, its siblings or the
	 * kernel version changes.
	 */
	findings(file: string, kernel: string | undefined, how: { readSiblings?: boolean } = {}): ReportItem[] {
		const sources = this.sources(file, how);
		const loose = this.files.get(file);
		if (!sources || !loose) return [];
		const key = kernel ?? '';
		if (loose.items?.sources === sources && loose.items.kernel === key) return loose.items.value;
		const value = analyseDriverSources(sources, kernel !== undefined ? { kernel } : {}).filter((i) => i.span.file === file);
		loose.items = { sources, kernel: key, value };
		return value;
	}

	/**
	 * True when the sources of `file` would parse its siblings for the first time (none of its folder
	 * were read yet) and they are large (more than `SIBLINGS_LATER_TEXT` characters to parse, as in a
	 * kernel's drivers/iommu): its first publish does not wait for them (`c-diagnostics.ts`). Reads the
	 * siblings' texts, does not parse them; false when the file is not loose or the extractor is not loaded.
	 */
	siblingsLater(file: string): boolean {
		const dir = paths.dirname(file);
		if (this.siblingParts.has(dir) || this.runtime.kconfigRoot(file) === undefined) return false;
		if (this.sources(file, { readSiblings: false }) === undefined || (this.files.get(file)?.extracted?.facts.busSetIommu.length ?? 0) === 0) return false;
		let text = 0;
		for (const f of this.folder(dir).makefiles.files.keys()) {
			if (f === file) continue;
			const t = this.runtime.fs.readFile(f);
			if (t !== undefined && SIBLING_TEXT.test(t)) text += t.length;
			if (text > SIBLINGS_LATER_TEXT) return true;
		}
		return false;
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

	/** The architecture (`archKey`) the Kconfig tree at `root` is read for now. */
	private archOf(root: string): string {
		return archKey(treeArch(this.runtime, root));
	}

	private tree(root: string): TreePart {
		const arch = treeArch(this.runtime, root);
		let t = this.trees.get(root);
		if (t && t.arch !== archKey(arch)) {
			this.trees.delete(root);
			t = undefined;
		}
		if (!t) {
			const inputs: Inputs = { files: new Set(), dirs: new Set() };
			const list = (dir: string): readonly string[] => {
				inputs.dirs.add(dir);
				return this.runtime.listDir(dir);
			};
			const kconfig = parseKconfigTree({ root, fs: this.reader(inputs), list, env: kconfigEnv(arch) });
			t = { kconfig, configuration: evaluateConfig(kconfig, undefined), arch: archKey(arch), inputs };
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

	/**
	 * The C files the Makefile of `dir` builds (`folder`), as siblings: each read through the overlay
	 * and, when its text names `bus_set_iommu` or `of_device_id`, extracted (in link order, up to
	 * `MAX_SIBLING_TEXT`). Cached per folder; after a change only the changed files are read again (a
	 * text already extracted, here or as a loose file, is not extracted again).
	 */
	private siblings(dir: string, folder: FolderPart): SiblingsPart {
		const last = this.siblingParts.get(dir);
		if (last && last.folder === folder && last.dirty.size === 0) return last;
		const extractor = this.extractor as CExtractor;
		const entries = new Map<string, Sibling>();
		let parsed = 0;
		for (const file of folder.makefiles.files.keys()) {
			const old = last?.entries.get(file);
			if (old && !last?.dirty.has(file) && !old.overBudget && parsed + (old.text?.length ?? 0) <= MAX_SIBLING_TEXT) {
				parsed += old.text?.length ?? 0;
				entries.set(file, old);
				continue;
			}
			const text = this.runtime.fs.readFile(file);
			if (text === undefined || !SIBLING_TEXT.test(text)) {
				entries.set(file, { text: undefined, facts: undefined });
				continue;
			}
			if (parsed + text.length > MAX_SIBLING_TEXT) {
				entries.set(file, { text: undefined, facts: undefined, overBudget: true });
				continue;
			}
			parsed += text.length;
			const own = this.files.get(file)?.extracted;
			const facts = old?.text === text && old.facts ? old.facts : own?.text === text ? own.facts : extractor.extract(file, text);
			entries.set(file, { text, facts });
		}
		const part: SiblingsPart = { folder, entries, dirty: new Set() };
		this.siblingParts.set(dir, part);
		return part;
	}
}
