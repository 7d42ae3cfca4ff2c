/**
 * A small directory lister for the boards of a folder, the driver sources (`--drivers DIR`) and
 * Kconfig `source` globs: every file under a folder, recursively, sorted, skipping hidden files and
 * folders and `node_modules`. The core stays IO-free: the command line lists, reads, and passes texts.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';

/** The files under `dir` (recursively) whose path passes `keep`, sorted by path. */
export function listFiles(dir: string, keep: (path: string) => boolean = () => true): string[] {
	const out: string[] = [];
	const walk = (d: string): void => {
		let entries;
		try {
			entries = readdirSync(d, { withFileTypes: true });
		} catch {
			return;
		}
		for (const e of entries) {
			if (e.name.startsWith('.') || e.name === 'node_modules') continue;
			const p = join(d, e.name);
			if (e.isDirectory()) walk(p);
			else if (e.isFile() && keep(p)) out.push(p);
		}
	};
	walk(dir);
	return out.sort();
}

/** The entries of one folder (full paths), for Kconfig globs; empty when unreadable. */
export function listDir(dir: string): string[] {
	try {
		return readdirSync(dir).map((n) => join(dir, n)).sort();
	} catch {
		return [];
	}
}
