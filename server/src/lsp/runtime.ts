/**
 * What the language server needs from its platform, injected into `startServer` (house style §2b):
 * the file system with the open-document overlay, file listing, kernel-tree detection (for boards and
 * for C files), the kernel architecture a Kconfig tree is read for, and the C fact extractor. `node-runtime.ts` is the Node implementation.
 */
import type { FileSystem } from '../base/source';
import type { CExtractor } from '../drivers/c/extract';
import { boardsArch, type KernelArch } from '../drivers/kconfig/arch';
import type { Grammar } from '../syntax/parser';

export interface Runtime {
	/** Reads through `overlay` first (open documents win over the disk). */
	readonly fs: FileSystem & { readonly overlay: Map<string, string> };
	exists(path: string): boolean;
	/** Devicetree sources (.dts, .dtsi, .dtso, .overlay) under a folder, recursively, sorted. */
	listDevicetreeFiles(dir: string): string[];
	/** The kernel-like tree around a file: its default include folders and the folder its boards live in. */
	kernelTree(file: string): { includePaths: string[]; boardsRoot: string | undefined } | undefined;
	/** The top of the kernel source tree around a C file (the folder with `Kconfig` and `arch/`): the root of its Kconfig tree. */
	kconfigRoot(file: string): string | undefined;
	/**
	 * The architecture a kernel tree's Kconfig is read for (its `arch/$(SRCARCH)/Kconfig`), in kbuild's
	 * order: the process's `ARCH` environment variable, else `boards` (the architecture of the open
	 * boards of that tree, `boardsArch`), else the host's.
	 */
	kernelArch(boards: string | undefined): KernelArch;
	/** The C fact extractor (loaded once; the driver sources are read through `fs`, so open documents win). */
	loadCExtractor(): Promise<CExtractor>;
	/** The devicetree grammar for the syntax of open documents (outline, folding); undefined when it cannot load. */
	loadDevicetreeGrammar(): Promise<Grammar | undefined>;
	/** Driver C sources (.c, .h) under a folder, recursively, sorted. */
	listDriverFiles(dir: string): string[];
	/** The entries of one folder (full paths), for Kconfig globs. */
	listDir(dir: string): string[];
	/** The `file:` URI of a finding's documentation shipped with the server, or undefined (then the web address is linked). */
	findingDocUri?(id: string): string | undefined;
	/** Absolute path of a `file:` URI, or undefined for other schemes. */
	uriToPath(uri: string): string | undefined;
	pathToUri(path: string): string;
	resolvePath(base: string, rel: string): string;
	now(): number;
	/**
	 * Collects garbage now if that is worth it (the heap grew much since the last collection), so that
	 * the process gives memory back while the user is idle. Optional: a no-op where unavailable.
	 */
	collectGarbage?(): void;
	/**
	 * Collects the young generation now (a minor collection), while the user is idle: what an analysis
	 * left is moved then, not by a collection inside the next analysis or hover. Optional.
	 */
	collectYoung?(): void;
}

/**
 * The architecture the Kconfig tree at `root` is read for now: `Runtime.kernelArch` given the
 * architecture of the devicetree documents open under that tree's `arch/<arch>/boot/dts` (`boardsArch`).
 */
export function treeArch(runtime: Pick<Runtime, 'fs' | 'kernelArch'>, root: string): KernelArch {
	return runtime.kernelArch(boardsArch(root, runtime.fs.overlay.keys()));
}
