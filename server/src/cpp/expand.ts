/**
 * The engine of one preprocessing run: the stack of files being read, the stack of macro
 * contexts, and macro expansion as GCC's libcpp does it (padding tokens, argument pre-expansion,
 * `#`/`##`, painted-blue names, function-like names not followed by `(`).
 */

import type { Diagnostic, RelatedInfo, Severity, Span } from '../base/source';
import { positionAt, paths } from '../base/source';
import { handleDirective } from './directives';
import { findInclude } from './include';
import { Flag, Kind, Token, lexFile, type LexedFile } from './lexer';
import { BUILTINS, PREDEFINED, bodyText, paste, parseDefine, quoteString, sameDefinition, stringify, type Macro } from './macros';
import { compact, copyFrameState, sameMacro, tail, type IncludeMemo, type Recorder, type Recording, type Segment, type SegmentRecorder } from './memo';
import { Printer, type ExpansionRecord, type FileTable } from './output';
import type { IncludeRecord, MacroRecord, MacroUse, PreprocessOptions } from './index';

/** Maximum depth of nested macro contexts before expansion gives up (runaway recursion guard). */
export const MAX_MACRO_DEPTH = 10000;
/** Maximum nesting of macro invocations inside macro arguments (`F(F(F(...)))`). */
export const MAX_ARG_NESTING = 400;
/**
 * Maximum number of tokens one run may print before it stops (runaway expansion guard): some 15 times
 * the largest kernel board, and what bounds the memory of the devicetree stages after the preprocessor.
 */
export const MAX_OUTPUT_TOKENS = 2_000_000;
/**
 * Maximum number of macro expansions in one run (a board of the kernel does some tens of thousands);
 * beyond it macros are left unexpanded (`macro-limit`). Bounds exponential macro bombs, also in `#if`
 * lines and macro arguments, where nothing is printed.
 */
export const MAX_MACRO_EXPANSIONS = 2_000_000;
/** Maximum number of files entered by `#include` in one run (a kernel board enters a few hundred); beyond: `include-limit`. */
export const MAX_INCLUDE_COUNT = 10_000;

/** An open conditional of a file. */
export interface Cond {
	/** Skipping state before the conditional. */
	wasSkipping: boolean;
	/** Some group of the conditional has been taken. */
	taken: boolean;
	/** The `#else` seen, if any. */
	elseTok: Token | undefined;
	/** The `#` of the opening directive, its name and the span of its line. */
	hash: Token;
	name: string;
	span: Span;
}

/** A file being read. */
export interface Frame {
	lf: LexedFile;
	/** The file's tokens as objects (see `FileCache.tokens`). */
	toks: Token[];
	fileIndex: number;
	pos: number;
	conds: Cond[];
	/** Index of the `-I` directory the file was found in (-1: the includer's directory or the main file). */
	dirIndex: number;
	/** Name and line offset that `#line` may have changed (cpp's "presumed" location). */
	presumedFile: string;
	lineDelta: number;
	/** 1-based line of the includer to report when returning to it. */
	returnLine: number;
	/** Replaying a recording of the file (memo.ts): the next segment to apply. */
	replay?: { rec: Recording; next: number };
}

interface Context {
	tokens: Token[];
	pos: number;
	macro: Macro | null;
}

/** Diagnostics that say a recording depends on more than the state it records (limits, the include chain). */
const POISON_CODES = new Set(['include-cycle', 'include-depth', 'include-limit', 'macro-limit', 'output-limit', 'internal-limit']);

const EOF_FILE = new Token(Kind.Eof, '', 0, -1, 0, 0, 0, 0);
const EOF_DIR = new Token(Kind.Eof, '', 0, -1, 0, 0, 0, 0);
const EOF_ARG = new Token(Kind.Eof, '', 0, -1, 0, 0, 0, 0);
/** GCC's `avoid_paste`: a padding token with no source. */
const AVOID_PASTE = new Token(Kind.Padding, '', 0, -1, 0, 0, 0, 0);

function padding(source: Token): Token {
	return new Token(Kind.Padding, '', 0, -1, 0, 0, 0, 0, 0, source);
}

function appendAll<T>(to: T[], from: readonly T[]): void {
	for (let k = 0; k < from.length; k++) to.push(from[k]!);
}

function isPunct(t: Token, text: string): boolean {
	return t.kind === Kind.Punct && t.text === text;
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** Shared state between runs: the lexed files. */
export interface FileCache {
	/** The lexed file at `path` (read and lexed once), or undefined when it cannot be read. */
	get(path: string): { lf: LexedFile; index: number } | undefined;
	/** The `Token` objects of a lexed file (built from its compact form, possibly kept for a while). */
	tokens(lf: LexedFile): Token[];
}

/** One preprocessing run. */
export class Engine implements FileTable {
	readonly macros = new Map<string, Macro>();
	readonly frames: Frame[] = [];
	readonly ctx: Context[] = [];
	readonly diagnostics: Diagnostic[] = [];
	readonly includes: IncludeRecord[] = [];
	readonly macroRecords: MacroRecord[] = [];
	readonly macroUses: MacroUse[] = [];
	readonly files: string[] = [];
	readonly skipped: Span[] = [];
	readonly expansions: ExpansionRecord[] = [];
	readonly printer: Printer;
	/** Files of this run by index (a snapshot, so that later invalidations do not change the map). */
	readonly fileTable = new Map<number, LexedFile>();
	/** Files entered once (multiple-include optimisation and `#pragma once`). */
	readonly entered = new Set<string>();
	/** Files whose lexer problems were already reported in this run. */
	readonly reported = new Set<number>();
	/** `#pragma push_macro` stacks. */
	readonly pushedMacros = new Map<string, Array<Macro | undefined>>();

	/** Inside a failed conditional group. */
	skipping = false;
	/** Where the current skipped region started. */
	skipFrom: { file: number; offset: number } | undefined;
	/** Reading a directive's line: the file reader stops at `dirEnd` (a token index). */
	inDirective = false;
	dirEnd = 0;
	/** GCC's `parsing_args`: 1 while looking for a `(`, 2 while collecting arguments. */
	parsingArgs = 0;
	/** Non-zero while macro names must come back unexpanded (arguments, `defined`). */
	preventExpansion = 0;
	/** Whether the last token came from a file (for backing up one token). */
	lastFromFile = false;
	/** Index in `expansions` of the current outermost expansion. */
	curExp = -1;
	/** `__COUNTER__`. */
	counter = 0;
	/** Tokens printed so far, and the guards against runaway input. */
	emitted = 0;
	/** Macro expansions so far (MAX_MACRO_EXPANSIONS) and files entered by `#include` (MAX_INCLUDE_COUNT). */
	expansionCount = 0;
	includeCount = 0;
	argNesting = 0;
	aborted = false;
	readonly mainFile: string;
	private readonly date = new Date();
	/** Include recordings being made, outermost first (memo.ts). */
	private readonly recs: Recorder[] = [];
	/** Prefix of memo keys: what the options change (include folders, macros, markers). */
	private readonly memoKey: string;

	constructor(
		readonly cache: FileCache,
		readonly opts: PreprocessOptions,
		main: string,
		private readonly memo?: IncludeMemo,
	) {
		this.memoKey = JSON.stringify([opts.includePaths, opts.defines ?? [], opts.undefs ?? []]);
		if (opts.lineMarkers === true) this.memo = undefined;
		this.mainFile = paths.normalize(main);
		this.printer = new Printer(opts.lineMarkers === true, this);
		for (const [name, b] of BUILTINS) this.macros.set(name, { name, params: null, variadic: false, body: [], builtin: b, disabled: false, record: undefined });
		for (const [name, value] of PREDEFINED) this.defineFromText(name, value);
		for (const d of opts.defines ?? []) this.defineFromText(d.name, d.value ?? '1');
		for (const u of opts.undefs ?? []) this.macros.delete(u);
	}

	// ---- FileTable ----

	/** {@inheritDoc FileTable.path} */
	path(i: number): string {
		return this.fileTable.get(i)?.path ?? this.mainFile;
	}

	/** {@inheritDoc FileTable.lineStarts} */
	lineStarts(i: number): readonly number[] {
		return this.fileTable.get(i)?.lineStarts ?? [0];
	}

	// ---- helpers ----

	/** The span of [start, end) of file index `file`. */
	span(file: number, start: number, end: number): Span {
		const starts = this.lineStarts(file);
		return { file: this.path(file), start: positionAt(starts, start), end: positionAt(starts, Math.max(start, end)) };
	}

	/** The span of tokens `a`..`b` (both in the same file), or of the run's main file when synthetic. */
	tokenSpan(a: Token, b: Token = a): Span {
		if (a.file < 0) {
			if (this.recs.length !== 0) this.poison();
			return { file: this.mainFile, start: { line: 0, col: 0 }, end: { line: 0, col: 0 } };
		}
		return this.span(a.file, a.start, b.file === a.file && b.end >= a.start ? b.end : a.end);
	}

	/** Records a diagnostic. */
	diag(severity: Severity, code: string, message: string, span: Span, related?: RelatedInfo[]): void {
		if (this.recs.length !== 0 && POISON_CODES.has(code)) this.poison();
		const d: Diagnostic = { severity, code, message, span };
		if (related !== undefined) d.related = related;
		this.diagnostics.push(d);
	}

	/** Defines a macro given on the command line (`-D name=value`). */
	private defineFromText(name: string, value: string): void {
		const body = lexFile('<command-line>', value, -1).tokens.map((t) => t.withFlags(t.flags & Flag.PrevWhite));
		const r = parseDefine([new Token(Kind.Name, name, 0, -1, 0, 0, 0, 0), ...body], body[0] ?? EOF_DIR);
		if ('macro' in r) this.macros.set(name, r.macro);
	}

	/** Reads `path` through the cache, registering it in this run's file table. */
	readFile(path: string): { lf: LexedFile; index: number } | undefined {
		const r = this.cache.get(path);
		if (this.recs.length !== 0) this.noteRead(path, r);
		if (r === undefined) return undefined;
		if (!this.fileTable.has(r.index)) {
			this.fileTable.set(r.index, r.lf);
			this.files.push(r.lf.path);
		}
		return r;
	}

	// ---- Include recordings and replays (memo.ts) ----

	/** The recorder of the file being read when it is recording its own processing (not suspended). */
	private active(): Recorder | undefined {
		const r = this.recs[this.recs.length - 1];
		return r !== undefined && !r.suspended ? r : undefined;
	}

	/** Looks a macro up (what every read of the macro table goes through while recording). */
	lookupMacro(name: string): Macro | undefined {
		const m = this.macros.get(name);
		if (this.recs.length !== 0) this.noteMacro(name, m);
		return m;
	}

	setMacro(name: string, m: Macro): void {
		this.macros.set(name, m);
		const r = this.active();
		if (r !== undefined) r.segment.macroWrites.set(name, m);
	}

	deleteMacro(name: string): void {
		this.macros.delete(name);
		const r = this.active();
		if (r !== undefined) r.segment.macroWrites.set(name, undefined);
	}

	/** The recordings being made cannot be kept (the output depends on more than they record). */
	poison(): void {
		for (const r of this.recs) r.poisoned = true;
	}

	private noteMacro(name: string, m: Macro | undefined): void {
		const s = this.active()?.segment;
		if (s !== undefined && !s.macroWrites.has(name) && !s.macroDeps.has(name)) s.macroDeps.set(name, m);
	}

	private noteRead(path: string, r: { lf: LexedFile; index: number } | undefined): void {
		const rec = this.active();
		if (rec === undefined) return;
		rec.paths.add(path);
		const s = rec.segment;
		if (r !== undefined && !s.readIndices.has(r.index)) {
			s.readIndices.add(r.index);
			s.reads.push(r);
			rec.paths.add(r.lf.path);
		}
	}

	/** Whether the run is between tokens of files only (no macro context, no argument collection, no directive). */
	private clean(): boolean {
		return this.ctx.length === 0 && this.parsingArgs === 0 && !this.inDirective && !this.skipping && !this.aborted;
	}

	/**
	 * Enters an included file (`#include` found it and decided to enter). With a memo, replays a
	 * recording of it whose first segment matches the current state (the frame then replays segment
	 * by segment in `lexToken`), else reads it and records it.
	 */
	enterInclude(lf: LexedFile, index: number, dirIndex: number, returnLine: number): void {
		const memo = this.memo;
		if (memo === undefined || !this.clean()) {
			this.pushFile(lf, index, dirIndex, returnLine);
			return;
		}
		const key = `${this.memoKey}\n${lf.path}\n${dirIndex}\n${this.frames.length}`;
		let replay: Recording | undefined;
		for (const r of memo.variants(key) ?? []) {
			if (this.segmentMatches(r.segments[0]!)) {
				replay = r;
				break;
			}
		}
		const depth = this.frames.length;
		this.pushFile(lf, index, dirIndex, returnLine, replay !== undefined);
		const fr = this.frames[depth]!;
		if (replay !== undefined) {
			memo.touch(key);
			fr.replay = { rec: replay, next: 0 };
			return;
		}
		if (!memo.recordable(lf.path)) return;
		const rec: Recorder = { key, depth, poisoned: false, suspended: false, segments: [], segment: undefined as unknown as SegmentRecorder, paths: new Set([lf.path]) };
		this.recs.push(rec);
		this.startSegment(rec, fr);
	}

	private startSegment(rec: Recorder, fr: Frame): void {
		rec.segment = {
			pos: fr.pos,
			from: copyFrameState(fr),
			avoidIn: this.printer.avoidPending,
			macroDeps: new Map(),
			macroWrites: new Map(),
			reads: [],
			readIndices: new Set(),
			at: {
				diagnostics: this.diagnostics.length,
				macroRecords: this.macroRecords.length,
				macroUses: this.macroUses.length,
				skipped: this.skipped.length,
				expansions: this.expansions.length,
				curExp: this.curExp,
				emitted: this.emitted,
				expansionCount: this.expansionCount,
			},
			printerMark: this.printer.mark(),
		};
	}

	/** Ends the segment being recorded (`directive`: the `#include` line that ends it). False when it cannot be kept. */
	private endSegment(rec: Recorder, fr: Frame, directive: Token[] | undefined): boolean {
		const s = rec.segment;
		if (rec.poisoned || this.ctx.length !== 0 || this.parsingArgs !== 0 || this.printer.openSince(s.printerMark)) {
			this.printer.capture(s.printerMark, 0);
			return false;
		}
		const at = s.at;
		const captured = this.printer.capture(s.printerMark, at.expansions);
		if (captured === undefined) return false;
		rec.segments.push({
			pos: s.pos,
			from: s.from,
			avoidIn: s.avoidIn,
			macroDeps: compact(s.macroDeps),
			macroWrites: compact(s.macroWrites),
			reads: s.reads.length === 0 ? [] : s.reads,
			diagnostics: tail(this.diagnostics, at.diagnostics),
			macroRecords: tail(this.macroRecords, at.macroRecords),
			macroUses: tail(this.macroUses, at.macroUses),
			skipped: tail(this.skipped, at.skipped),
			expansions: tail(this.expansions, at.expansions).map((x) => ({ name: x.name, file: x.file, start: x.start, end: x.end })),
			curExp: this.curExp !== at.curExp && this.curExp >= at.expansions ? this.curExp - at.expansions : -1,
			emitted: this.emitted - at.emitted,
			expansionCount: this.expansionCount - at.expansionCount,
			chunk: captured.chunk,
			exit: captured.exit,
			to: copyFrameState(fr),
			directive,
		});
		return true;
	}

	/**
	 * An `#include` line of the file being read (its `#` at token index `hashIndex`, the line ending
	 * at `end`): the recording's segment ends here; the directive and what it includes run live.
	 */
	beforeIncludeLine(hashIndex: number, end: number): void {
		const rec = this.active();
		if (rec === undefined || rec.depth !== this.frames.length - 1) return;
		const fr = this.frames[rec.depth]!;
		if (!this.endSegment(rec, fr, fr.toks.slice(hashIndex, end))) rec.poisoned = true;
		rec.suspended = true;
	}

	/** After an `#include` line (and what it included, when that was read at once or not at all). */
	afterIncludeLine(): void {
		const rec = this.recs[this.recs.length - 1];
		if (rec !== undefined && rec.suspended && rec.depth === this.frames.length - 1) this.resume(rec);
	}

	/** The file of suspended recorder `rec` is being read again: a new segment starts. */
	private resume(rec: Recorder): void {
		rec.suspended = false;
		if (this.ctx.length !== 0 || this.parsingArgs !== 0) rec.poisoned = true;
		this.startSegment(rec, this.frames[rec.depth]!);
	}

	/** The file of recorder `rec` ended (called before its includer is told): keep the recording. */
	private finishRecording(rec: Recorder, fr: Frame): void {
		this.recs.pop();
		if (!this.endSegment(rec, fr, undefined) || this.memo === undefined) return;
		let tokenCount = 0;
		for (const s of rec.segments) tokenCount += s.chunk.tokenCount;
		this.memo.add({ key: rec.key, segments: rec.segments, tokenCount, paths: rec.paths });
	}

	/** Whether segment `s`'s dependencies hold now, and replaying it stays within the limits. */
	private segmentMatches(s: Segment): boolean {
		if (this.printer.avoidPending !== s.avoidIn) return false;
		if (this.emitted + s.emitted > MAX_OUTPUT_TOKENS || this.expansionCount + s.expansionCount > MAX_MACRO_EXPANSIONS) return false;
		// Indexed loops: this runs for every replayed segment (no iterator objects).
		const md = s.macroDeps;
		for (let k = 0; k < md.length; k++) if (!sameMacro(this.macros.get(md[k]![0]), md[k]![1])) return false;
		return true;
	}

	/**
	 * One step of a replaying frame (`lexToken` calls it when the frame is on top): applies the next
	 * segment and runs the `#include` line that ends it, or ends the file. When a segment does not
	 * match, the rest of the file is read live from where the segment starts.
	 */
	private replayStep(fr: Frame): void {
		const rp = fr.replay!;
		const s = rp.rec.segments[rp.next]!;
		if (!(this.ctx.length === 0 && this.parsingArgs === 0 && !this.skipping && !this.aborted) || !this.segmentMatches(s)) {
			fr.replay = undefined;
			fr.toks = this.cache.tokens(fr.lf);
			fr.pos = s.pos;
			const from = copyFrameState(s.from);
			fr.conds = from.conds;
			fr.presumedFile = from.presumedFile;
			fr.lineDelta = from.lineDelta;
			return;
		}
		rp.next++;
		this.applySegment(s, fr);
		if (s.directive !== undefined) {
			fr.toks = s.directive;
			fr.pos = 1;
			handleDirective(this, s.directive[0]!);
			return;
		}
		fr.replay = undefined;
		fr.toks = [];
		fr.pos = 0;
		fr.conds = [];
	}

	/** Applies segment `s`'s effects, as reading its part of the file would have. */
	private applySegment(s: Segment, fr: Frame): void {
		// Indexed loops: this runs for every replayed segment (no iterator objects).
		const mw = s.macroWrites;
		for (let k = 0; k < mw.length; k++) {
			const name = mw[k]![0];
			const m = mw[k]![1];
			if (m === undefined) this.macros.delete(name);
			else this.macros.set(name, m);
		}
		for (let k = 0; k < s.reads.length; k++) {
			const x = s.reads[k]!;
			if (this.fileTable.has(x.index)) continue;
			this.fileTable.set(x.index, x.lf);
			this.files.push(x.lf.path);
		}
		appendAll(this.diagnostics, s.diagnostics);
		appendAll(this.macroRecords, s.macroRecords);
		appendAll(this.macroUses, s.macroUses);
		appendAll(this.skipped, s.skipped);
		const expBase = this.expansions.length;
		// Copies: the run may still extend its current expansion's end.
		for (let k = 0; k < s.expansions.length; k++) {
			const x = s.expansions[k]!;
			this.expansions.push({ name: x.name, file: x.file, start: x.start, end: x.end });
		}
		if (s.curExp >= 0) this.curExp = expBase + s.curExp;
		this.emitted += s.emitted;
		this.expansionCount += s.expansionCount;
		this.printer.replay(s.chunk, s.exit, expBase);
		const to = copyFrameState(s.to);
		fr.conds = to.conds;
		fr.presumedFile = to.presumedFile;
		fr.lineDelta = to.lineDelta;
	}

	get frame(): Frame {
		return this.frames[this.frames.length - 1]!;
	}

	/** Enters a file (the main file, or one found by `#include`). */
	pushFile(lf: LexedFile, index: number, dirIndex: number, returnLine: number, replaying = false): void {
		this.frames.push({ lf, toks: replaying ? [] : this.cache.tokens(lf), fileIndex: index, pos: 0, conds: [], dirIndex, presumedFile: lf.path, lineDelta: 0, returnLine });
		// Entering files (include guards, reported lexer problems) happens on `#include` lines, which
		// run live at replays: no recording segment sees it.
		this.entered.add(lf.path);
		if (!this.reported.has(index)) {
			this.reported.add(index);
			for (const p of lf.problems) this.diag('error', p.code, p.message, this.span(index, p.start, p.end));
		}
	}

	/** Closes the current skipped region at `offset` of file `file`. */
	closeSkip(file: number, offset: number): void {
		const from = this.skipFrom;
		if (from === undefined) return;
		this.skipFrom = undefined;
		if (from.file === file && offset > from.offset) this.skipped.push(this.span(file, from.offset, offset));
	}

	/** Leaves the current file. Returns false at the end of the main file. */
	private popFile(): boolean {
		const fr = this.frames.pop()!;
		for (let k = fr.conds.length - 1; k >= 0; k--) {
			const c = fr.conds[k]!;
			this.diag('error', 'unterminated-conditional', `unterminated #${c.name}`, c.span);
		}
		if (this.skipping) this.closeSkip(fr.fileIndex, fr.lf.text.length);
		this.skipping = false;
		const rec = this.recs[this.recs.length - 1];
		if (rec !== undefined && rec.depth === this.frames.length) this.finishRecording(rec, fr);
		const parent = this.frames[this.frames.length - 1];
		if (parent === undefined) return false;
		this.printer.leaveFile(parent.presumedFile, fr.returnLine + parent.lineDelta);
		this.afterIncludeLine();
		return true;
	}

	/** The next token of the files, with directives run and skipped groups left out. */
	lexToken(): Token {
		for (;;) {
			const fr = this.frames[this.frames.length - 1];
			if (fr === undefined) return EOF_FILE;
			const toks = fr.toks;
			if (this.inDirective) {
				if (fr.pos >= this.dirEnd) return EOF_DIR;
				return toks[fr.pos++]!;
			}
			if (fr.replay !== undefined && fr.pos >= toks.length) {
				this.replayStep(fr);
				continue;
			}
			if (this.skipping) {
				while (fr.pos < toks.length) {
					const t = toks[fr.pos]!;
					if ((t.flags & Flag.Bol) !== 0 && t.kind === Kind.Punct && t.text === '#') break;
					fr.pos++;
				}
				if (fr.pos >= toks.length) {
					if (this.parsingArgs !== 0) return EOF_FILE;
					if (!this.popFile()) return EOF_FILE;
					continue;
				}
				const hash = toks[fr.pos++]!;
				handleDirective(this, hash);
				continue;
			}
			if (fr.pos >= toks.length) {
				if (this.parsingArgs !== 0) return EOF_FILE;
				if (!this.popFile()) return EOF_FILE;
				continue;
			}
			const t = toks[fr.pos++]!;
			if ((t.flags & Flag.Bol) !== 0) {
				if (this.parsingArgs !== 1 && t.kind === Kind.Punct && t.text === '#' && handleDirective(this, t)) continue;
				if (this.parsingArgs === 0) {
					let col = t.col;
					if (col > 0) {
						const ls = fr.lf.lineStarts[t.line]!;
						for (let k = ls; k < t.start; k++) {
							if (fr.lf.text.charCodeAt(k) > 127) {
								col = new TextEncoder().encode(fr.lf.text.slice(ls, t.start)).length;
								break;
							}
						}
					}
					this.printer.lineChange(col, t.line + 1 + fr.lineDelta, fr.presumedFile);
				}
			}
			return t;
		}
	}

	private popContext(): void {
		const c = this.ctx.pop()!;
		if (c.macro !== null) c.macro.disabled = false;
	}

	/** Pops macro contexts down to `depth` (end of a directive). */
	popContextsTo(depth: number): void {
		while (this.ctx.length > depth) this.popContext();
	}

	private pushContext(tokens: Token[], macro: Macro | null): void {
		if (macro !== null) macro.disabled = true;
		this.ctx.push({ tokens, pos: 0, macro });
	}

	/** Puts back the last token read (lookahead for a function-like macro's `(`). */
	private backup(t: Token): void {
		if (t === EOF_FILE || t === EOF_DIR) return;
		if (this.lastFromFile) this.frame.pos--;
		else {
			const c = this.ctx[this.ctx.length - 1];
			if (c !== undefined) c.pos--;
		}
	}

	/** The next token after macro expansion (GCC's `cpp_get_token`), paddings included. */
	getToken(): Token {
		for (;;) {
			const c = this.ctx[this.ctx.length - 1];
			let tok: Token;
			if (c === undefined) {
				tok = this.lexToken();
				this.lastFromFile = true;
			} else if (c.pos < c.tokens.length) {
				tok = c.tokens[c.pos++]!;
				this.lastFromFile = false;
				if ((tok.flags & Flag.PasteLeft) !== 0) {
					this.pasteAll(tok, c);
					if (this.inDirective) continue;
					return padding(tok);
				}
			} else {
				this.popContext();
				if (this.inDirective) continue;
				return AVOID_PASTE;
			}
			if (tok.kind !== Kind.Name || (tok.flags & Flag.NoExpand) !== 0) return tok;
			const m = this.macros.get(tok.text);
			if (this.recs.length !== 0) this.noteMacro(tok.text, m);
			if (m === undefined || this.preventExpansion > 0 || this.aborted) return tok;
			if (m.disabled) return tok.withFlags(tok.flags | Flag.NoExpand);
			if (this.ctx.length >= MAX_MACRO_DEPTH) {
				this.aborted = true;
				this.diag('error', 'macro-limit', `macro expansion nested deeper than ${MAX_MACRO_DEPTH} contexts; expansion stopped`, this.tokenSpan(tok));
				return tok;
			}
			if (++this.expansionCount > MAX_MACRO_EXPANSIONS) {
				this.aborted = true;
				this.diag('error', 'macro-limit', `more than ${MAX_MACRO_EXPANSIONS} macro expansions; expansion stopped`, this.tokenSpan(tok));
				return tok;
			}
			if (this.enterMacro(m, tok, c === undefined)) {
				if (this.inDirective) continue;
				return padding(tok);
			}
			return tok;
		}
	}

	private pasteAll(lhs: Token, c: Context): void {
		let cur = lhs;
		let rhs: Token | undefined;
		do {
			rhs = c.tokens[c.pos++];
			if (rhs === undefined) break;
			if (rhs.kind === Kind.Padding) continue;
			const r = paste(cur, rhs);
			if (r === undefined) {
				c.pos--;
				break;
			}
			cur = r;
		} while ((rhs.flags & Flag.PasteLeft) !== 0);
		if ((cur.flags & Flag.PasteLeft) !== 0) cur = cur.withFlags(cur.flags & ~Flag.PasteLeft);
		this.pushContext([cur], null);
	}

	/** Starts an outermost expansion at `name` (a token of a real file). */
	private startExpansion(m: Macro, name: Token, last: Token): void {
		const end = last.file === name.file && (last.flags & Flag.Synthetic) === 0 && last.end > name.end ? last.end : name.end;
		this.curExp = this.expansions.length;
		this.expansions.push({ name: m.name, file: name.file, start: name.start, end });
		this.macroUses.push({ name: m.name, span: this.span(name.file, name.start, end), definition: m.record });
	}

	private enterMacro(m: Macro, name: Token, topLevel: boolean): boolean {
		if (m.builtin !== undefined) {
			const t = this.builtin(m, name);
			if (topLevel && name.file >= 0) this.startExpansion(m, name, name);
			this.pushContext([t], null);
			return true;
		}
		let tokens = m.body;
		if (m.params !== null) {
			this.preventExpansion++;
			this.parsingArgs = 1;
			const r = this.funlikeInvocation(m, name);
			this.parsingArgs = 0;
			this.preventExpansion--;
			if (r === undefined) return false;
			if (topLevel && name.file >= 0) this.startExpansion(m, name, r.last);
			else if (this.curExp >= 0) {
				const e = this.expansions[this.curExp]!;
				if (r.last.file === e.file && (r.last.flags & Flag.Synthetic) === 0 && r.last.end > e.end) e.end = r.last.end;
			}
			if (m.params.length > 0) tokens = this.replaceArgs(m, r.args, r.omitted);
		} else if (topLevel && name.file >= 0) this.startExpansion(m, name, name);
		this.pushContext(tokens, m);
		return true;
	}

	private funlikeInvocation(m: Macro, name: Token): { args: Token[][]; last: Token; omitted: boolean } | undefined {
		let pad: Token | null = null;
		let tok: Token;
		for (;;) {
			tok = this.getToken();
			if (tok.kind !== Kind.Padding) break;
			if (pad === null || pad.source === null || ((pad.source.flags & Flag.PrevWhite) === 0 && tok.source === null)) pad = tok;
		}
		if (isPunct(tok, '(')) {
			this.parsingArgs = 2;
			return this.collectArgs(m, name);
		}
		if (tok !== EOF_FILE && tok !== EOF_DIR) {
			this.backup(tok);
			if (pad !== null) this.pushContext([pad], null);
		}
		return undefined;
	}

	private collectArgs(m: Macro, name: Token): { args: Token[][]; last: Token; omitted: boolean } | undefined {
		const paramc = m.params!.length;
		const args: Token[][] = [];
		let tok: Token;
		let argc = 0;
		do {
			let depth = 0;
			const arg: Token[] = [];
			argc++;
			for (;;) {
				tok = this.getToken();
				if (tok.kind === Kind.Padding) {
					if (arg.length === 0) continue;
				} else if (tok.kind === Kind.Punct) {
					const x = tok.text;
					if (x === '(') depth++;
					else if (x === ')') {
						if (depth-- === 0) break;
					} else if (x === ',') {
						if (depth === 0 && !(m.variadic && argc === paramc)) break;
					} else if (x === '#' && (tok.flags & Flag.Bol) !== 0) break;
				} else if (tok.kind === Kind.Eof) break;
				arg.push(tok);
			}
			while (arg.length > 0 && arg[arg.length - 1]!.kind === Kind.Padding) arg.pop();
			args.push(arg);
		} while (!isPunct(tok, ')') && tok.kind !== Kind.Eof);
		if (tok.kind === Kind.Eof) {
			if (tok === EOF_ARG) this.backup(tok);
			this.diag('error', 'unterminated-argument-list', `unterminated argument list invoking macro "${m.name}"`, this.tokenSpan(name));
			return undefined;
		}
		let n = args.length;
		if (n === 1 && paramc === 0 && args[0]!.length === 0) n = 0;
		if (n === paramc) return { args, last: tok, omitted: false };
		if (n < paramc && n + 1 === paramc && m.variadic) {
			args.push([]);
			return { args, last: tok, omitted: true };
		}
		const message = n < paramc ? `macro "${m.name}" requires ${paramc} arguments, but only ${n} given` : `macro "${m.name}" passed ${n} arguments, but takes just ${paramc}`;
		const related = m.record !== undefined ? [{ span: m.record.nameSpan, message: `macro "${m.name}" defined here` }] : undefined;
		this.diag('error', 'macro-arguments', message, name.file >= 0 && (name.flags & Flag.Synthetic) === 0 ? this.tokenSpan(name, tok) : this.tokenSpan(tok), related);
		return undefined;
	}

	/** Fully macro-expands one argument (GCC's `expand_arg`). */
	private expandArg(arg: Token[]): Token[] {
		if (this.argNesting >= MAX_ARG_NESTING) {
			if (!this.aborted) {
				const at = arg.find((t) => t.kind !== Kind.Padding);
				this.diag('error', 'macro-limit', `macro invocations nested deeper than ${MAX_ARG_NESTING} levels in arguments; expansion stopped`, at !== undefined ? this.tokenSpan(at) : this.tokenSpan(EOF_ARG));
			}
			this.aborted = true;
			return arg;
		}
		this.argNesting++;
		try {
			return this.expandArgTokens(arg);
		} finally {
			this.argNesting--;
		}
	}

	private expandArgTokens(arg: Token[]): Token[] {
		const toks = arg.slice();
		toks.push(EOF_ARG);
		const savedPrevent = this.preventExpansion;
		const savedParsing = this.parsingArgs;
		this.preventExpansion = 0;
		this.parsingArgs = 0;
		this.pushContext(toks, null);
		const out: Token[] = [];
		for (;;) {
			const t = this.getToken();
			if (t.kind === Kind.Eof) break;
			out.push(t);
		}
		this.popContext();
		this.preventExpansion = savedPrevent;
		this.parsingArgs = savedParsing;
		return out;
	}

	private replaceArgs(m: Macro, args: Token[][], omitted: boolean): Token[] {
		const out: Token[] = [];
		const expanded: Array<Token[] | undefined> = [];
		const paramc = m.params!.length;
		const expandedOf = (i: number): Token[] => {
			let e = expanded[i];
			if (e === undefined) {
				e = this.expandArg(args[i]!);
				expanded[i] = e;
			}
			return e;
		};
		const substitute = (body: readonly Token[]): void => {
			for (let k = 0; k < body.length; k++) {
				const src = body[k]!;
				if (src.kind !== Kind.MacroArg && src.kind !== Kind.VaOpt) {
					out.push(src);
					continue;
				}
				const prev = k > 0 ? body[k - 1] : undefined;
				const prevPaste = prev !== undefined && (prev.flags & Flag.PasteLeft) !== 0;
				if (src.kind === Kind.VaOpt) {
					/* Padding around the group as for an argument; `__VA_OPT__(...) ##` pastes its last token. */
					if (k > 0 && !prevPaste) out.push(padding(src));
					const startLen = out.length;
					if (expandedOf(paramc - 1).some((t) => t.kind !== Kind.Padding)) substitute(src.group!);
					if ((src.flags & Flag.PasteLeft) !== 0) {
						while (out.length > startLen && out[out.length - 1] === AVOID_PASTE) out.pop();
						const lastTok = out[out.length - 1];
						if (out.length > startLen && lastTok !== undefined && lastTok.kind !== Kind.Padding) out[out.length - 1] = lastTok.withFlags(lastTok.flags | Flag.PasteLeft);
					} else out.push(AVOID_PASTE);
					continue;
				}
				const arg = args[src.aux]!;
				let from: Token[];
				let pasteFlagAt = -1;
				if ((src.flags & Flag.Stringify) !== 0) from = [stringify(arg, src)];
				else if ((src.flags & Flag.PasteLeft) !== 0) from = arg;
				else if (prevPaste) {
					from = arg;
					const lastIdx = out.length - 1;
					const last = out[lastIdx];
					if (last !== undefined) {
						if (last.kind === Kind.Punct && last.text === ',' && m.variadic && src.aux === paramc - 1) {
							if (omitted) out.pop();
							else pasteFlagAt = lastIdx;
						} else if (arg.length === 0) pasteFlagAt = lastIdx;
					}
				} else from = expandedOf(src.aux);
				if (k > 0 && !prevPaste) out.push(padding(src));
				if (from.length > 0) {
					for (const t of from) out.push(t);
					if ((src.flags & Flag.PasteLeft) !== 0) pasteFlagAt = out.length - 1;
				}
				if ((src.flags & Flag.PasteLeft) === 0) out.push(AVOID_PASTE);
				if (pasteFlagAt >= 0) {
					const t = out[pasteFlagAt]!;
					out[pasteFlagAt] = t.withFlags((t.flags & ~Flag.PasteLeft) | (src.flags & Flag.PasteLeft));
				}
			}
		};
		substitute(m.body);
		return out;
	}

	/** The line of `name` for `__LINE__`: its own line, or the line of the outermost invocation. */
	private currentLine(name: Token): number {
		const fr = this.frame;
		if ((name.flags & Flag.Synthetic) === 0 && name.file >= 0) return name.line + 1 + fr.lineDelta;
		const e = this.expansions[this.curExp];
		if (e !== undefined) return positionAt(this.lineStarts(e.file), e.start).line + 1 + fr.lineDelta;
		return 1;
	}

	private builtin(m: Macro, name: Token): Token {
		const fr = this.frame;
		let kind: number = Kind.String;
		let text: string;
		switch (m.builtin) {
			case 'file':
				text = quoteString(fr.presumedFile);
				break;
			case 'baseFile':
				this.poison();
				text = quoteString(this.mainFile);
				break;
			case 'fileName': {
				const p = fr.presumedFile;
				text = quoteString(p.slice(p.lastIndexOf('/') + 1));
				break;
			}
			case 'line':
				kind = Kind.Number;
				text = String(this.currentLine(name));
				break;
			case 'counter':
				this.poison();
				kind = Kind.Number;
				text = String(this.counter++);
				break;
			case 'includeLevel':
				this.poison();
				kind = Kind.Number;
				text = String(this.frames.length - 1);
				break;
			case 'date': {
				this.poison();
				const d = this.date;
				text = `"${MONTHS[d.getMonth()]} ${String(d.getDate()).padStart(2, ' ')} ${d.getFullYear()}"`;
				break;
			}
			case 'time': {
				this.poison();
				const d = this.date;
				const p = (x: number): string => String(x).padStart(2, '0');
				text = `"${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}"`;
				break;
			}
			case 'timestamp':
				text = '"??? ??? ?? ??:??:?? ????"';
				break;
			default: {
				kind = Kind.Number;
				if (!this.inDirective) this.diag('error', 'has-include', `"${m.name}" used outside of preprocessing directive`, this.tokenSpan(name));
				text = this.hasInclude(m.builtin === 'hasIncludeNext', name) ? '1' : '0';
			}
		}
		return new Token(kind, text, Flag.Synthetic, name.file, name.start, name.end, name.line, name.col);
	}

	/** Parses the operand of `__has_include` and searches for the file. */
	private hasInclude(next: boolean, name: Token): boolean {
		this.preventExpansion++;
		const nextTok = (): Token => {
			for (;;) {
				const t = this.getToken();
				if (t.kind !== Kind.Padding) return t;
			}
		};
		let ok = false;
		let found = false;
		if (isPunct(nextTok(), '(')) {
			this.preventExpansion--;
			const h = nextTok();
			this.preventExpansion++;
			let spelled: string | undefined;
			let system = false;
			if (h.kind === Kind.String && h.text.startsWith('"')) spelled = h.text.slice(1, -1);
			else if (isPunct(h, '<')) {
				system = true;
				spelled = '';
				for (;;) {
					const t = nextTok();
					if (t.kind === Kind.Eof || isPunct(t, '>')) break;
					if (spelled !== '' && (t.flags & Flag.PrevWhite) !== 0) spelled += ' ';
					spelled += t.text;
				}
			}
			if (spelled !== undefined && isPunct(nextTok(), ')')) {
				ok = true;
				found = this.resolveInclude(spelled, system, next) !== undefined;
			}
		}
		this.preventExpansion--;
		if (!ok) this.diag('error', 'has-include', `missing '(' or ')' or file name in "${next ? '__has_include_next' : '__has_include'}"`, this.tokenSpan(name));
		return found;
	}

	/** Searches for an include file from the current file. */
	resolveInclude(spelled: string, system: boolean, next: boolean): { path: string; lf: LexedFile; index: number; dirIndex: number } | undefined {
		const fr = this.frame;
		const ipaths = this.opts.includePaths;
		let fromDir = 0;
		let current: string | undefined = system ? undefined : fr.lf.path;
		if (next && this.frames.length > 1) {
			fromDir = fr.dirIndex + 1;
			current = undefined;
		}
		const r = findInclude((p) => this.readFile(p), spelled, current, ipaths, fromDir);
		return r === undefined ? undefined : { path: r.path, lf: r.value.lf, index: r.value.index, dirIndex: r.dirIndex };
	}

	/** Defines a macro from a `#define` line; `nameTok` is the directive name token for diagnostics. */
	define(line: Token[], directive: Token): void {
		const r = parseDefine(line, directive);
		if ('error' in r) {
			this.diag('error', 'bad-define', r.error, this.tokenSpan(r.at ?? directive));
			return;
		}
		const m = r.macro;
		const nameSpan = this.tokenSpan(r.nameToken);
		const rec: MacroRecord = { name: m.name, nameSpan, body: bodyText(m.body) };
		if (m.params !== null) {
			rec.params = m.params;
			rec.variadic = m.variadic;
		}
		m.record = rec;
		const old = this.lookupMacro(m.name);
		if (old !== undefined) {
			if (old.builtin !== undefined) this.diag('warning', 'macro-redefined', `redefining builtin macro "${m.name}"`, nameSpan);
			else if (!sameDefinition(old, m)) {
				const related = old.record !== undefined ? [{ span: old.record.nameSpan, message: 'this is the location of the previous definition' }] : undefined;
				this.diag('warning', 'macro-redefined', `"${m.name}" redefined`, nameSpan, related);
			}
		}
		this.setMacro(m.name, m);
		this.macroRecords.push(rec);
	}

	/** Runs the whole preprocessing. */
	run(): void {
		const main = this.readFile(this.mainFile);
		if (main === undefined) {
			this.diag('error', 'missing-file', `${this.mainFile}: No such file or directory`, { file: this.mainFile, start: { line: 0, col: 0 }, end: { line: 0, col: 0 } });
			return;
		}
		this.printer.begin(this.mainFile);
		this.pushFile(main.lf, main.index, -1, 0);
		try {
			this.loop();
		} catch (err) {
			/* A JavaScript limit (stack depth on pathological input) must not escape: report and stop. */
			const message = err instanceof Error ? err.message : String(err);
			this.diag('error', 'internal-limit', `preprocessing stopped: ${message}`, { file: this.mainFile, start: { line: 0, col: 0 }, end: { line: 0, col: 0 } });
		}
		// Macros are shared with recordings (and so with later runs): none may stay disabled.
		this.popContextsTo(0);
		this.recs.length = 0;
	}

	private loop(): void {
		const printer = this.printer;
		for (;;) {
			const t = this.getToken();
			if (t.kind === Kind.Padding) {
				printer.padding(t);
				continue;
			}
			if (t.kind === Kind.Eof) {
				if (this.frames.length === 0) break;
				continue;
			}
			if (++this.emitted > MAX_OUTPUT_TOKENS) {
				this.diag('error', 'output-limit', `output exceeds ${MAX_OUTPUT_TOKENS} tokens; preprocessing stopped`, this.tokenSpan(t));
				break;
			}
			const synthetic = (t.flags & Flag.Synthetic) !== 0 || t.file < 0;
			const exp = this.ctx.length > 0 || synthetic ? this.curExp : -1;
			const e = exp >= 0 ? this.expansions[exp] : undefined;
			if (synthetic && e !== undefined) printer.token(t, e.file, e.start, e.end, exp);
			else printer.token(t, t.file < 0 ? 0 : t.file, t.start, t.end, exp);
		}
	}
}
