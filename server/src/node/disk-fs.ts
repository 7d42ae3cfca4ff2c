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

export function diskFileSystem(): DiskFileSystem {
	const overlay = new Map<string, string>();
	return {
		overlay,
		readFile(path: string): string | undefined {
			const open = overlay.get(path);
			if (open !== undefined) return open;
			try {
				return readFileSync(path, 'utf8');
			} catch {
				return undefined;
			}
		},
	};
}
