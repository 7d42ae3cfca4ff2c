/**
 * Include resolution as cpp does it: `"x"` looks in the including file's directory and then in
 * the `-I` directories, `<x>` only in the `-I` directories, `#include_next` continues after the
 * directory where the current file was found.
 */

import { paths } from '../base/source';

/** Maximum nesting of `#include` (GCC's default `-fmax-include-depth`). */
export const MAX_INCLUDE_DEPTH = 200;

/**
 * Largest file the preprocessor reads, in UTF-16 code units (about bytes): 8 MiB, some 35 times the
 * largest devicetree source in the kernel. A larger file is read as empty and reported
 * (`file-too-large`, at its start), which bounds the memory one file can take.
 */
export const MAX_FILE_SIZE = 8 * 1024 * 1024;

/** A file found by the search. */
export interface Found<T> {
	path: string;
	/** What `read` returned for the path. */
	value: T;
	/** Index of the `-I` directory it was found in, or -1 for the including file's directory. */
	dirIndex: number;
}

/**
 * Searches for an included file through `read` (which returns undefined for a missing file).
 * `currentFile` is the including file, or undefined when its directory must not be searched
 * (`<...>`, `#include_next`); `fromDir` is the first `-I` index to try.
 * Paths are joined and normalised with POSIX separators (`a/../b` becomes `b`).
 */
export function findInclude<T>(
	read: (path: string) => T | undefined,
	spelled: string,
	currentFile: string | undefined,
	includePaths: readonly string[],
	fromDir: number,
): Found<T> | undefined {
	if (spelled.startsWith('/')) {
		const p = paths.normalize(spelled);
		const value = read(p);
		return value === undefined ? undefined : { path: p, value, dirIndex: -1 };
	}
	if (currentFile !== undefined) {
		const p = paths.join(paths.dirname(currentFile), spelled);
		const value = read(p);
		if (value !== undefined) return { path: p, value, dirIndex: -1 };
	}
	for (let i = Math.max(0, fromDir); i < includePaths.length; i++) {
		const p = paths.join(includePaths[i]!, spelled);
		const value = read(p);
		if (value !== undefined) return { path: p, value, dirIndex: i };
	}
	return undefined;
}
