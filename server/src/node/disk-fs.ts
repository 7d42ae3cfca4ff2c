/**
 * The disk as a front-end `FileSystem`, optionally overlaid with in-memory texts (the language
 * server's open documents). Paths are absolute.
 */
import { readFileSync } from 'node:fs';
import type { FileSystem } from '../base/source';

export interface DiskFileSystem extends FileSystem {
	/** Texts that win over the disk (open editor documents); set a path to undefined to drop it. */
	readonly overlay: Map<string, string>;
}

/**
 * `stripBom`: drop a byte-order mark opening a file read from the disk, as editors do when they open
 * it (VS Code's and Neovim's documents hold no BOM), so that the columns of line 0 mean the same
 * characters to the editor and to the front-end (whose spans otherwise count the BOM as a column).
 * The language server's; the command line reads files as they are.
 */
export function diskFileSystem(options: { stripBom?: boolean } = {}): DiskFileSystem {
	const overlay = new Map<string, string>();
	return {
		overlay,
		readFile(path: string): string | undefined {
			const open = overlay.get(path);
			if (open !== undefined) return open;
			try {
				const text = readFileSync(path, 'utf8');
				return options.stripBom && text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
			} catch {
				return undefined;
			}
		},
	};
}
