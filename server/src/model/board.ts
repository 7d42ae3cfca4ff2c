/**
 * The front-end as one call: a board file (with include paths and defines) in, the resolved tree
 * and every diagnostic out. Preprocessing (server/src/cpp) then dtc's language (server/src/dts).
 *
 * One `Frontend` serves many boards: the preprocessor keeps each file's lexed form, so the .dtsi and
 * header files that boards share are read and lexed once. `invalidate(path)` drops one file after an
 * edit.
 */
import type { Diagnostic, FileSystem } from '../base/source';
import { createPreprocessor, type PreprocessResult } from '../cpp';
import { buildDts } from '../dts';
import type { DtTree } from '../dts/types';

export interface BoardOptions {
	/** `-I` folders for `#include` and `/include/`, in order. */
	includePaths: string[];
	/** `-D` macros; the kernel's `__DTS__` is the caller's to pass. */
	defines?: Array<{ name: string; value?: string }>;
	/** `-U` macros. */
	undefs?: string[];
	/** Add `__symbols__` as `dtc -@` does. */
	symbols?: boolean;
}

export interface ResolvedBoard {
	file: string;
	tree: DtTree;
	/** Preprocessor diagnostics first, then the devicetree's, each in source order of discovery. */
	diagnostics: Diagnostic[];
	preprocessed: PreprocessResult;
}

export interface Frontend {
	resolve(file: string, options: BoardOptions): ResolvedBoard;
	/** Forget what is cached about one file (the editor changed it). */
	invalidate(path: string): void;
	/** The text of a file the preprocessor read and still holds (not invalidated since), without reading it. */
	cachedText(path: string): string | undefined;
}

export function createFrontend(fs: FileSystem): Frontend {
	const preprocessor = createPreprocessor(fs);
	return {
		resolve(file, options) {
			const preprocessed = preprocessor.preprocess(file, {
				includePaths: options.includePaths,
				defines: options.defines,
				undefs: options.undefs,
			});
			// dtc's own `/include/` search: the including file's folder first (for the board, what the
			// kernel's `-i $(dir $<)` gives), then the include folders.
			const tree = buildDts(
				{ file, text: preprocessed.text, map: preprocessed.map },
				{ fs, includeDirs: options.includePaths, symbols: options.symbols },
			);
			return { file, tree, diagnostics: [...preprocessed.diagnostics, ...tree.diagnostics], preprocessed };
		},
		invalidate(path) {
			preprocessor.invalidate(path);
		},
		cachedText: (path) => preprocessor.cachedText(path),
	};
}
