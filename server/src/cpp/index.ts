/**
 * The C preprocessor of the devicetree front-end: what `cpp -nostdinc -undef -x assembler-with-cpp`
 * does to a board, in pure TypeScript, with a source map from every output offset back to where
 * the text was written. See `createPreprocessor`.
 */

import { paths, type Diagnostic, type FileSystem, type SourceMap, type Span } from '../base/source';
import { Engine, type FileCache } from './expand';
import { MAX_FILE_SIZE } from './include';
import { lexFile, relexFile, Spellings, type LexedFile, type Reuse, type Token } from './lexer';
import { IncludeMemo } from './memo';

export { MAX_FILE_SIZE, MAX_INCLUDE_DEPTH } from './include';
export { MAX_IF_EXPR_DEPTH } from './expr';
export { MAX_ARG_NESTING, MAX_INCLUDE_COUNT, MAX_MACRO_DEPTH, MAX_MACRO_EXPANSIONS, MAX_OUTPUT_TOKENS } from './expand';
export { TokenSourceMap } from './output';
export { MEMO_TOKEN_BUDGET } from './memo';

/** Options of a run, as the command line of cpp gives them. */
export interface PreprocessOptions {
	/** `-I` directories, in order. */
	includePaths: string[];
	/** `-D NAME[=VAL]`; VAL defaults to 1. */
	defines?: Array<{ name: string; value?: string }>;
	/** `-U NAME`. */
	undefs?: string[];
	/** Emit gcc-style `# 12 "file" flags` markers and newlines like cpp, so the text can be fed to real dtc. */
	lineMarkers?: boolean;
}

/** An `#include` directive met during the run. */
export interface IncludeRecord {
	/** The whole directive line. */
	directive: Span;
	/** The name between the quotes or angle brackets. */
	spelled: string;
	/** `<...>` form. */
	system: boolean;
	/** The file read, or undefined when it was not found. */
	resolved: string | undefined;
}

/** A `#define` met during the run. */
export interface MacroRecord {
	name: string;
	nameSpan: Span;
	/** Parameter names of a function-like macro (`__VA_ARGS__` for `...`). */
	params?: string[];
	variadic?: boolean;
	/** The replacement list as written (normalised spacing). */
	body: string;
}

/** An outermost macro expansion written in a real file (for hover and go-to-definition). */
export interface MacroUse {
	name: string;
	/** From the macro name to the closing parenthesis of its arguments. */
	span: Span;
	/** The definition, or undefined for builtins and command-line macros. */
	definition: MacroRecord | undefined;
}

/** Everything a run produces. */
export interface PreprocessResult {
	text: string;
	map: SourceMap;
	diagnostics: Diagnostic[];
	includes: IncludeRecord[];
	macros: MacroRecord[];
	macroUses: MacroUse[];
	/** Every file read. */
	files: string[];
	/** Inactive conditional regions (whole lines between the directives). */
	skipped: Span[];
}

/** A preprocessor bound to a file system, caching the lexed form of every file it reads. */
export interface Preprocessor {
	/** Preprocesses `file` (never throws; problems become diagnostics). */
	preprocess(file: string, opts: PreprocessOptions): PreprocessResult;
	/** Drops the cached lexing of one file (the editor changed it), and the include recordings that read or looked for it. */
	invalidate(path: string): void;
	/** The text of `path` as the cache holds it (read by a run and not invalidated since), without reading it. */
	cachedText(path: string): string | undefined;
	/** Include replays so far and recordings kept (include memoisation, memo.ts). */
	readonly memoStats: { hits: number; stored: number };
}

/** Options of a preprocessor. */
export interface PreprocessorOptions {
	/** Replay included files recorded in earlier runs (memo.ts); default true. */
	memo?: boolean;
}

/**
 * How many tokens of recently read files are kept as `Token` objects between runs. The compact form
 * of every file is kept for good; the objects (several times larger) only for the files that the
 * last boards read, which the next board of the same family reads again.
 */
export const TOKEN_OBJECT_BUDGET = 300_000;

/** Invalidated files whose old lexing is kept for `relexFile` (the most recently invalidated). */
const MAX_STALE = 16;

class Cache implements FileCache {
	private readonly byPath = new Map<string, { lf: LexedFile; index: number } | null>();
	private readonly indexOf = new Map<string, number>();
	private readonly spellings = new Spellings();
	/** Recently used token objects, least recent first (a Map keeps insertion order). */
	private readonly objects = new Map<LexedFile, Token[]>();
	private objectCount = 0;
	private next = 0;
	/**
	 * The lexing of files invalidated since they were last read (an editor's document being typed in):
	 * their next version is lexed again only around the change (`relexFile`).
	 */
	private readonly stale = new Map<string, LexedFile>();
	/**
	 * The token objects of the last invalidated file (`reuse` undefined: `lf`'s own), then those objects
	 * for its new lexing `lf`, with how the two relate (taken over by `tokens`). One file at a time: the
	 * one being edited. The objects of the tokens
	 * that an edit only moved are updated in place rather than built again (a big file edited near its
	 * top would otherwise make as many new objects as it has tokens, per keystroke): the cache owns
	 * them, and a run reads them only while it runs (its results keep offsets, never tokens).
	 */
	private staleObjects: { lf: LexedFile; toks: Token[]; reuse: Reuse | undefined } | undefined;

	constructor(private readonly fs: FileSystem) {}

	get(path: string): { lf: LexedFile; index: number } | undefined {
		const hit = this.byPath.get(path);
		if (hit !== undefined) return hit ?? undefined;
		const text = this.fs.readFile(path);
		const stale = this.stale.get(path);
		if (stale !== undefined) this.stale.delete(path);
		if (text === undefined) {
			this.byPath.set(path, null);
			return undefined;
		}
		let index = this.indexOf.get(path);
		if (index === undefined) {
			index = this.next++;
			this.indexOf.set(path, index);
		}
		if (text.length > MAX_FILE_SIZE) {
			const lf = lexFile(path, '', index, this.spellings);
			lf.problems.push({ start: 0, end: 0, code: 'file-too-large', message: `${path} is larger than ${MAX_FILE_SIZE} characters (${text.length}); read as empty` });
			const entry = { lf, index };
			this.byPath.set(path, entry);
			return entry;
		}
		const re = stale !== undefined && stale.fileIndex === index ? relexFile(stale, text, this.spellings) : undefined;
		const entry = { lf: re?.lf ?? lexFile(path, text, index, this.spellings), index };
		const objects = this.staleObjects;
		if (objects !== undefined && objects.lf === stale) {
			// Only the old version's own objects (not those of a version before, still waiting for `tokens`).
			const own = objects.reuse === undefined && objects.toks.length === stale.count;
			this.staleObjects = re !== undefined && own ? { lf: re.lf, toks: objects.toks, reuse: re.reuse } : undefined;
		}
		this.byPath.set(path, entry);
		return entry;
	}

	tokens(lf: LexedFile): Token[] {
		let toks = this.objects.get(lf);
		if (toks !== undefined) {
			this.objects.delete(lf);
			this.objects.set(lf, toks);
			return toks;
		}
		const reuse = this.staleObjects;
		if (reuse?.lf === lf) {
			this.staleObjects = undefined;
			toks = lf.materialize(reuse.toks, reuse.reuse);
		} else toks = lf.materialize();
		this.objects.set(lf, toks);
		this.objectCount += toks.length;
		for (const [old, t] of this.objects) {
			if (this.objectCount <= TOKEN_OBJECT_BUDGET || old === lf) break;
			this.objects.delete(old);
			this.objectCount -= t.length;
		}
		return toks;
	}

	cachedText(path: string): string | undefined {
		const lf = (this.byPath.get(path) ?? this.byPath.get(paths.normalize(path)))?.lf;
		// Not the empty stand-in of a file too large.
		return lf === undefined || lf.problems.some((q) => q.code === 'file-too-large') ? undefined : lf.text;
	}

	invalidate(path: string): void {
		for (const p of [paths.normalize(path), path]) {
			const hit = this.byPath.get(p);
			if (hit) {
				// Only files lexed from their text (not the empty stand-in of a file too large).
				if (!hit.lf.problems.some((q) => q.code === 'file-too-large')) {
					this.stale.delete(p);
					this.stale.set(p, hit.lf);
					for (const old of this.stale.keys()) {
						if (this.stale.size <= MAX_STALE) break;
						this.stale.delete(old);
					}
				}
				const toks = this.objects.get(hit.lf);
				if (toks !== undefined) this.staleObjects = { lf: hit.lf, toks, reuse: undefined };
				else if (this.staleObjects?.lf === hit.lf) this.staleObjects = undefined;
				this.drop(hit.lf);
			}
			this.byPath.delete(p);
		}
	}

	private drop(lf: LexedFile): void {
		const t = this.objects.get(lf);
		if (t === undefined) return;
		this.objects.delete(lf);
		this.objectCount -= t.length;
	}
}

/**
 * Creates a preprocessor over `fs`. It caches the lexed form of each file, so that the boards of a
 * kernel tree, which share `.dtsi` and header files, lex each file once; `invalidate` drops one.
 * It also records what each included file did and replays it when a later run includes the file in
 * the same state (memo.ts): the boards of one SoC preprocess its `.dtsi` once.
 */
export function createPreprocessor(fs: FileSystem, options: PreprocessorOptions = {}): Preprocessor {
	const cache = new Cache(fs);
	const memo = options.memo === false ? undefined : new IncludeMemo();
	return {
		get memoStats() {
			return { hits: memo?.hits ?? 0, stored: memo?.stored ?? 0 };
		},
		preprocess(file: string, opts: PreprocessOptions): PreprocessResult {
			const e = new Engine(cache, opts, file, memo);
			e.run();
			const { text, map } = e.printer.finish(e.expansions, e.mainFile);
			return {
				text,
				map,
				diagnostics: e.diagnostics,
				includes: e.includes,
				macros: e.macroRecords,
				macroUses: e.macroUses,
				files: e.files,
				skipped: e.skipped,
			};
		},
		cachedText: (path) => cache.cachedText(path),
		invalidate(path: string): void {
			cache.invalidate(path);
			memo?.invalidate(path);
			memo?.invalidate(paths.normalize(path));
		},
	};
}
