/**
 * What the language server needs from its platform, injected into `startServer` (house style §2b):
 * the file system with the open-document overlay, file listing, kernel-tree detection and the driver
 * source reader. `node-runtime.ts` is the Node implementation.
 */
import type { FileSystem } from '../base/source';
import type { DriverSources } from '../drivers/sources';

export interface Runtime {
	/** Reads through `overlay` first (open documents win over the disk). */
	readonly fs: FileSystem & { readonly overlay: Map<string, string> };
	exists(path: string): boolean;
	/** Devicetree sources (.dts, .dtsi, .dtso, .overlay) under a folder, recursively, sorted. */
	listDevicetreeFiles(dir: string): string[];
	/** The kernel-like tree around a file: its default include folders and the folder its boards live in. */
	kernelTree(file: string): { includePaths: string[]; boardsRoot: string | undefined } | undefined;
	/** Reads driver C sources, a Kconfig tree and a .config (absolute paths). */
	readDriverSources(p: { dirs: string[]; kconfig?: string; config?: string }): Promise<DriverSources>;
	/** Absolute path of a `file:` URI, or undefined for other schemes. */
	uriToPath(uri: string): string | undefined;
	pathToUri(path: string): string;
	resolvePath(base: string, rel: string): string;
	now(): number;
}
