/**
 * Include memoisation: what an `#include`d file did in a run, recorded so that a later run that
 * includes the same file replays it instead of preprocessing it again.
 *
 * The boards of a kernel tree include the same SoC `.dtsi` and headers over and over; preprocessing
 * a file is a function of the file system and of the state it starts in. A `Recording` cuts the
 * file's own processing into segments at its `#include` lines (which are not recorded: they run live
 * at each replay, so whether a guarded header is entered or skipped never spoils a recording). Each
 * segment holds
 * - what it read of the state (its dependencies): the definition of every macro it looked up before
 *   defining it itself, and the printer's pending "avoid paste" flag (entering files, with include
 *   guards, `#pragma once` and lexer problems reported once, happens on the `#include` lines);
 * - what it did (its effects): macros defined and undefined, files read, diagnostics, macro
 *   definition and use records, skipped regions, expansion records, counters, the frame's
 *   conditional stack and `#line` state, and the printed text with its source map, relative to
 *   where it started (the text of its first move to a line is redone live when the printer's line
 *   state differs).
 * A replaying frame (`Frame.replay`) applies segment after segment, running the `#include` line
 * between them live; when a segment's dependencies do not hold, the rest of the file is read live
 * from where that segment starts. The result is the same as preprocessing the file (tested on every
 * board of the corpus, test/cpp/memo.test.ts).
 *
 * A recording is not kept when the file's output depends on more than that state (`__COUNTER__`,
 * `__DATE__`, `__TIME__`, `__BASE_FILE__`, `__INCLUDE_LEVEL__`, `#pragma push_macro`, a synthetic
 * token's location, a limit reached) or when a segment starts or ends inside a macro invocation.
 * Keys: the options (include folders, macros), the file, the `-I` folder it was found in and the
 * include depth.
 */

import type { Diagnostic, Span } from '../base/source';
import type { LexedFile, Token } from './lexer';
import type { Macro } from './macros';
import type { Cond } from './expand';
import type { ExpansionRecord, PrinterChunk, PrinterExit, PrinterMark } from './output';
import type { MacroRecord, MacroUse } from './index';

/**
 * How many printed tokens the recordings of one preprocessor may hold in all: a recording costs about
 * 40 bytes per token plus the macros it keeps alive. Over the corpus, 400,000 keeps 98% of the
 * replays of an unbounded memo for ~12 MB of heap (1,500,000: ~55 MB).
 */
export const MEMO_TOKEN_BUDGET = 400_000;
/** Recordings kept per file and state key (the same file included in different macro states). */
const VARIANTS_PER_KEY = 4;

/** Where a frame of the file stood: what a segment starts from and leaves (conditionals, `#line`). */
export interface FrameState {
	conds: Cond[];
	presumedFile: string;
	lineDelta: number;
}

/**
 * One stretch of an included file's own processing, from its start or the end of an `#include` in it
 * to the next `#include` or its end: what it read (dependencies) and did (effects).
 */
export interface Segment {
	/** Token index in the file where the segment starts, and the frame's state there (to go on from it live). */
	readonly pos: number;
	readonly from: FrameState;
	/** The printer's pending "avoid paste" flag at the start (a dependency of the first token's spacing). */
	readonly avoidIn: boolean;
	/** Macro name → the macro seen when the segment first looked the name up (undefined: not defined). */
	readonly macroDeps: ReadonlyArray<readonly [string, Macro | undefined]>;
	/** Macro name → its definition at the end of the segment (undefined: undefined by it). */
	readonly macroWrites: ReadonlyArray<readonly [string, Macro | undefined]>;
	/** Files read, in order of first read. */
	readonly reads: ReadonlyArray<{ index: number; lf: LexedFile }>;
	readonly diagnostics: readonly Diagnostic[];
	readonly macroRecords: readonly MacroRecord[];
	readonly macroUses: readonly MacroUse[];
	readonly skipped: readonly Span[];
	/** Expansion records, their indices relative to the first. */
	readonly expansions: readonly ExpansionRecord[];
	/** The run's current expansion at the end, relative to the first recorded; -1: unchanged. */
	readonly curExp: number;
	readonly emitted: number;
	readonly expansionCount: number;
	readonly chunk: PrinterChunk;
	readonly exit: PrinterExit;
	/** The frame's state at the end. */
	readonly to: FrameState;
	/** The `#include` line that ends the segment (its tokens, `#` first), run live at each replay; none for the last. */
	readonly directive: Token[] | undefined;
}

/** One included file's run: its own processing as segments between the `#include` lines it runs live. */
export interface Recording {
	readonly key: string;
	readonly segments: Segment[];
	/** Printed tokens of all segments (the memo's budget unit). */
	readonly tokenCount: number;
	/** Every path read or looked for by the segments, the file's own first: an invalidation of one drops the recording. */
	readonly paths: Set<string>;
}

/** A segment being recorded. */
export interface SegmentRecorder {
	readonly pos: number;
	readonly from: FrameState;
	readonly avoidIn: boolean;
	readonly macroDeps: Map<string, Macro | undefined>;
	readonly macroWrites: Map<string, Macro | undefined>;
	readonly reads: Array<{ index: number; lf: LexedFile }>;
	readonly readIndices: Set<number>;
	/** Lengths of the run's lists and its counters at the start. */
	readonly at: {
		diagnostics: number;
		macroRecords: number;
		macroUses: number;
		skipped: number;
		expansions: number;
		curExp: number;
		emitted: number;
		expansionCount: number;
	};
	readonly printerMark: PrinterMark;
}

/** A recording being made (its file is being read). */
export interface Recorder {
	readonly key: string;
	/** `frames.length` before the file was pushed: the file's frame is at index `depth`. */
	readonly depth: number;
	poisoned: boolean;
	/** Between an `#include` line of the file and the end of what it included (that runs live at replays). */
	suspended: boolean;
	readonly segments: Segment[];
	segment: SegmentRecorder;
	readonly paths: Set<string>;
}

/** The entries of a map or set as a compact array (one shared empty array). */
export function compact<T>(c: { size: number; [Symbol.iterator](): Iterator<T> }): readonly T[] {
	return c.size === 0 ? NONE : [...c];
}
const NONE: readonly never[] = Object.freeze([]);

/** The elements of `list` from `from` on (one shared empty array when none). */
export function tail<T>(list: readonly T[], from: number): readonly T[] {
	return from >= list.length ? NONE : list.slice(from);
}

/** Copies a frame state (conditionals are changed in place by `#else`/`#elif`). */
export function copyFrameState(s: FrameState): FrameState {
	return { conds: s.conds.map((c) => ({ ...c })), presumedFile: s.presumedFile, lineDelta: s.lineDelta };
}

/**
 * Whether two macros would expand identically and map to the same places: the same object, or the
 * same kind, parameters and body tokens (spelling, flags and source position) defined at the same place.
 */
export function sameMacro(a: Macro | undefined, b: Macro | undefined): boolean {
	if (a === b) return true;
	if (a === undefined || b === undefined) return false;
	if (a.builtin !== b.builtin || a.variadic !== b.variadic || (a.params === null) !== (b.params === null)) return false;
	if (a.params !== null && b.params !== null && (a.params.length !== b.params.length || a.params.some((p, i) => p !== b.params![i]))) return false;
	if (!sameSpan(a.record?.nameSpan, b.record?.nameSpan)) return false;
	if (a.body.length !== b.body.length) return false;
	for (let k = 0; k < a.body.length; k++) if (!sameToken(a.body[k]!, b.body[k]!)) return false;
	return true;
}

function sameToken(s: Token, t: Token): boolean {
	return s.kind === t.kind && s.text === t.text && s.flags === t.flags && s.file === t.file && s.start === t.start && s.end === t.end && s.line === t.line && s.col === t.col && s.aux === t.aux;
}

function sameSpan(a: Span | undefined, b: Span | undefined): boolean {
	if (a === b) return true;
	if (a === undefined || b === undefined) return false;
	return a.file === b.file && a.start.line === b.start.line && a.start.col === b.start.col && a.end.line === b.end.line && a.end.col === b.end.col;
}

/** The recordings of one preprocessor, least recently used evicted first past `MEMO_TOKEN_BUDGET`. */
export class IncludeMemo {
	/** Key → variants, most recent first; the Map's order is the use order (least recent first). */
	private readonly byKey = new Map<string, Recording[]>();
	private tokens = 0;
	/** Replays and recordings kept, for tests and benchmarks. */
	hits = 0;
	stored = 0;

	constructor(private readonly budget = MEMO_TOKEN_BUDGET) {}

	/** The variants recorded under `key` (use `touch` on the one replayed). */
	variants(key: string): readonly Recording[] | undefined {
		return this.byKey.get(key);
	}

	/** Marks `key` as just used. */
	touch(key: string): void {
		const list = this.byKey.get(key);
		if (list === undefined) return;
		this.byKey.delete(key);
		this.byKey.set(key, list);
		this.hits++;
	}

	add(r: Recording): void {
		if (r.tokenCount > this.budget) return;
		let list = this.byKey.get(r.key);
		if (list === undefined) list = [];
		else this.byKey.delete(r.key);
		list.unshift(r);
		this.tokens += r.tokenCount;
		while (list.length > VARIANTS_PER_KEY) this.tokens -= list.pop()!.tokenCount;
		this.byKey.set(r.key, list);
		this.stored++;
		for (const [k, l] of this.byKey) {
			if (this.tokens <= this.budget || k === r.key) break;
			this.byKey.delete(k);
			for (const x of l) this.tokens -= x.tokenCount;
		}
	}

	/**
	 * Files invalidated since their last live run: an editor's document being typed in. The next run
	 * enters such a file without recording it (`recordable`): the next keystroke would invalidate the
	 * recording before any run could replay it, and recording a big `.dtsi` costs a copy of its whole
	 * output. The run after that records it again (the other boards that include it, once typing pauses).
	 */
	private readonly changed = new Set<string>();

	/** Whether a live run of `path` should be recorded now (false once after `path` was invalidated). */
	recordable(path: string): boolean {
		return !this.changed.delete(path);
	}

	/** Drops every recording that read or looked for `path`. */
	invalidate(path: string): void {
		this.changed.add(path);
		for (const [k, list] of this.byKey) {
			const keep = list.filter((r) => !r.paths.has(path));
			if (keep.length === list.length) continue;
			for (const r of list) if (r.paths.has(path)) this.tokens -= r.tokenCount;
			if (keep.length === 0) this.byKey.delete(k);
			else this.byKey.set(k, keep);
		}
	}

	/** Forgets everything. */
	clear(): void {
		this.byKey.clear();
		this.changed.clear();
		this.tokens = 0;
	}
}
