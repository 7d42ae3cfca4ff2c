/**
 * Lexer of the C preprocessor in GCC's `assembler-with-cpp` mode: turns a file's text into
 * preprocessing tokens with the flags GCC keeps (whitespace before, beginning of line).
 * Line splices and comments are removed here; a file is lexed once and the result is cached.
 */

import { lineStarts } from '../base/source';

/** Token kinds. Plain numeric constants so that every module can inline the comparisons. */
export const Kind = {
	Name: 1,
	Number: 2,
	String: 3,
	Char: 4,
	Punct: 5,
	/** A stray character, or an unterminated quote running to the end of its line. */
	Other: 6,
	Eof: 7,
	/** A padding token of the macro expander; never printed (see `source`). */
	Padding: 8,
	/** A parameter reference inside a macro body (`aux` is the parameter index). */
	MacroArg: 9,
	/** A `__VA_OPT__(...)` group inside a macro body (`group` holds its tokens). */
	VaOpt: 10,
} as const;

/** Token flags, as GCC keeps them. */
export const Flag = {
	/** Whitespace or a comment came before the token. */
	PrevWhite: 1,
	/** First token of a logical line. */
	Bol: 2,
	/** The token is the left operand of `##`. */
	PasteLeft: 4,
	/** A macro name that must never be expanded again ("painted blue"). */
	NoExpand: 8,
	/** A parameter reference preceded by `#`. */
	Stringify: 16,
	/** The token was not spelled in running file text (macro body, paste, stringify, builtin). */
	Synthetic: 32,
} as const;

/** A preprocessing token. All tokens have the same shape so that the hot paths stay monomorphic. */
export class Token {
	constructor(
		public kind: number,
		public text: string,
		public flags: number,
		/** Index of the file in the preprocessor's file table, or -1. */
		public file: number,
		/** Offsets of the spelling in the file's original text (splices included). */
		public start: number,
		public end: number,
		/** 0-based physical line and UTF-16 column of `start`. */
		public line: number,
		public col: number,
		/** Parameter index of a `MacroArg`. */
		public aux = 0,
		/** For `Padding`: the token whose whitespace the padding stands for, or null. */
		public source: Token | null = null,
		/** For `VaOpt`: the tokens of the group. */
		public group: Token[] | null = null,
	) {}

	/** A copy with other flags. */
	withFlags(flags: number): Token {
		return new Token(this.kind, this.text, flags, this.file, this.start, this.end, this.line, this.col, this.aux, this.source, this.group);
	}
}

/**
 * How the tokens of a file re-lexed by `relexFile` relate to those of its old version: the first
 * `reused` are the old ones, offsets and all; from `tailFrom` on (-1: none), token k is the old token
 * `k - tailFrom + tailOld` (same kind, spelling and flags) moved by the edit.
 */
export interface Reuse {
	reused: number;
	tailFrom: number;
	tailOld: number;
}

/** A diagnostic of the lexer, by offset (converted to a span by the caller). */
export interface LexProblem {
	start: number;
	end: number;
	code: string;
	message: string;
}

/**
 * Interned token spellings: every spelling is stored once and tokens keep its number. Files of a
 * kernel tree repeat the same few hundred thousand spellings millions of times.
 */
export class Spellings {
	private readonly ids = new Map<string, number>();
	readonly list: string[] = [];

	/** The number of `s`, adding it when new. */
	id(s: string): number {
		let k = this.ids.get(s);
		if (k === undefined) {
			k = this.list.length;
			this.list.push(s);
			this.ids.set(s, k);
		}
		return k;
	}
}

/** The spellings shared by every lexed file that is not given its own table. */
export const sharedSpellings = new Spellings();

/**
 * The lexed form of a file, shared by every preprocessing that includes the file. The tokens are
 * kept compact (typed arrays of kind and flags, spelling number, offsets) so that the cache of a
 * whole kernel tree stays proportional to its text; `materialize` builds the `Token` objects that
 * a run reads.
 */
export class LexedFile {
	/** The controlling macro when the whole file is wrapped in `#ifndef X` ... `#endif`. */
	guard: string | undefined = undefined;
	/** The file contains `#pragma once`. */
	pragmaOnce = false;

	constructor(
		readonly path: string,
		readonly text: string,
		/** Index of the file in the preprocessor's file table (stored in every token), or -1. */
		readonly fileIndex: number,
		/** Line start offsets of `text`. */
		readonly lineStarts: number[],
		readonly problems: LexProblem[],
		/** Per token: kind in the low 3 bits, `Flag.PrevWhite`/`Flag.Bol` shifted left by 3. */
		/** @internal */ readonly kf: Uint8Array,
		/** Per token: number of its spelling in `spellings`. */
		/** @internal */ readonly ids: Int32Array,
		/** Per token: offsets of the spelling in `text` (splices included). */
		/** @internal */ readonly starts: Int32Array,
		/** Per token end offsets; null when the file has no line splices (end = start + length). */
		/** @internal */ readonly ends: Int32Array | null,
		/** @internal */ readonly spellings: readonly string[],
	) {}

	/** Number of tokens. */
	get count(): number {
		return this.kf.length;
	}

	/** Fresh `Token` objects of the whole file (tests; runs go through the preprocessor's cache). */
	get tokens(): Token[] {
		return this.materialize();
	}

	/**
	 * Builds the `Token` objects of the file. With `reuse` (from `relexFile`), `old` holds the objects
	 * of the version it re-lexed: the leading `reuse.reused` are taken as they are, and those of the
	 * moved tail (`reuse.tailFrom` on) are taken and updated in place (offsets, line and column), so
	 * that `old` no longer describes the old version. Otherwise every object is new.
	 */
	materialize(old: Token[] = [], reuse?: Reuse): Token[] {
		const n = this.kf.length;
		const out = new Array<Token>(n);
		const { kf, ids, starts, ends, spellings, lineStarts, fileIndex } = this;
		const lines = lineStarts.length;
		const from = reuse === undefined ? 0 : Math.min(reuse.reused, n, old.length);
		const tailFrom = reuse === undefined || reuse.tailFrom < 0 ? n : reuse.tailFrom;
		const tailShift = reuse === undefined ? 0 : reuse.tailOld - tailFrom;
		for (let k = 0; k < from; k++) out[k] = old[k]!;
		let li = 0;
		if (from < n) {
			// The line of the first token built: the last line start at or before it.
			let lo = 0;
			let hi = lines - 1;
			const first = starts[from]!;
			while (lo < hi) {
				const mid = (lo + hi + 1) >> 1;
				if (lineStarts[mid]! <= first) lo = mid;
				else hi = mid - 1;
			}
			li = lo;
		}
		for (let k = from; k < tailFrom; k++) {
			const start = starts[k]!;
			while (li + 1 < lines && lineStarts[li + 1]! <= start) li++;
			const text = spellings[ids[k]!]!;
			const b = kf[k]!;
			out[k] = new Token(b & 7, text, b >> 3, fileIndex, start, ends === null ? start + text.length : ends[k]!, li, start - lineStarts[li]!);
		}
		for (let k = tailFrom; k < n; k++) {
			const start = starts[k]!;
			while (li + 1 < lines && lineStarts[li + 1]! <= start) li++;
			const t = old[k + tailShift]!;
			t.start = start;
			t.end = ends === null ? start + t.text.length : ends[k]!;
			t.line = li;
			t.col = start - lineStarts[li]!;
			out[k] = t;
		}
		return out;
	}
}

function isIdStart(c: number): boolean {
	return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || c === 95 || c === 36;
}

function isIdChar(c: number): boolean {
	return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 57) || c === 95 || c === 36;
}

function isDigit(c: number): boolean {
	return c >= 48 && c <= 57;
}

/**
 * Text with line splices removed, and a way back to the original offsets.
 * `map` is only built when the text has splices: `map[i]` is the original offset of cleaned index `i`.
 */
interface Cleaned {
	s: string;
	map: Int32Array | null;
}

function removeSplices(text: string): Cleaned {
	if (text.indexOf('\\') < 0) return { s: text, map: null };
	const re = /\\[ \t\f\v]*(\r\n|\n|\r)/g;
	if (!re.test(text)) return { s: text, map: null };
	re.lastIndex = 0;
	const parts: string[] = [];
	const map = new Int32Array(text.length + 1);
	let n = 0;
	let last = 0;
	let m: RegExpExecArray | null;
	while ((m = re.exec(text)) !== null) {
		for (let i = last; i < m.index; i++) map[n++] = i;
		parts.push(text.slice(last, m.index));
		last = m.index + m[0].length;
	}
	for (let i = last; i <= text.length; i++) map[n++] = i;
	parts.push(text.slice(last));
	return { s: parts.join(''), map: map.subarray(0, n) };
}

/** Length of the punctuator at `i` of `s`, or 0 (greedy: `<<=`, `>>=`, `...`, then the two-character ones). */
function punctLength(s: string, i: number): number {
	const c = s.charCodeAt(i);
	const d = s.charCodeAt(i + 1);
	switch (c) {
		case 60: // <
		case 62: // >
			if (d === c) return s.charCodeAt(i + 2) === 61 ? 3 : 2;
			return d === 61 ? 2 : 1;
		case 46: // .
			return d === 46 && s.charCodeAt(i + 2) === 46 ? 3 : 1;
		case 61: // =
		case 33: // !
		case 42: // *
		case 47: // /
		case 37: // %
		case 94: // ^
			return d === 61 ? 2 : 1;
		case 43: // +
		case 38: // &
		case 124: // |
			return d === 61 || d === c ? 2 : 1;
		case 45: // -
			return d === 61 || d === 45 || d === 62 ? 2 : 1;
		case 35: // #
			return d === 35 ? 2 : 1;
		case 126: // ~
		case 63: // ?
		case 58: // :
		case 44: // ,
		case 40: // (
		case 41: // )
		case 91: // [
		case 93: // ]
		case 123: // {
		case 125: // }
		case 59: // ;
			return 1;
		default:
			return 0;
	}
}

/** End of a pp-number starting at `i`. */
function numberEnd(s: string, i: number): number {
	let j = i + 1;
	for (;;) {
		const c = s.charCodeAt(j);
		if (isIdChar(c) || c === 46) j++;
		else if ((c === 43 || c === 45) && (s.charCodeAt(j - 1) | 32) === 101) j++;
		else return j;
	}
}

/** End of a string or character literal starting with the quote at `q`, or -1 when it is not terminated on its line. */
function quoteEnd(s: string, q: number): number {
	const term = s.charCodeAt(q);
	let j = q + 1;
	for (;;) {
		if (j >= s.length) return -1;
		const c = s.charCodeAt(j);
		if (c === 92) {
			const d = s.charCodeAt(j + 1);
			if (d === 10 || d === 13 || j + 1 >= s.length) {
				j++;
				continue;
			}
			j += 2;
		} else if (c === term) return j + 1;
		else if (c === 10 || c === 13) return -1;
		else j++;
	}
}

/** End of the line containing `i` (index of the newline, or the text length). */
function lineEnd(s: string, i: number): number {
	let j = i;
	while (j < s.length) {
		const c = s.charCodeAt(j);
		if (c === 10 || c === 13) break;
		j++;
	}
	return j;
}

/**
 * Lexes one token at `i` of `s` (no whitespace skipping) and returns its kind and end, the way the
 * lexer does for running text. Used for `##` (re-lexing the pasted spelling).
 */
export function lexOne(s: string, i: number): { kind: number; end: number } {
	const c = s.charCodeAt(i);
	if (c === 76 && (s.charCodeAt(i + 1) === 34 || s.charCodeAt(i + 1) === 39)) {
		const e = quoteEnd(s, i + 1);
		if (e >= 0) return { kind: s.charCodeAt(i + 1) === 34 ? Kind.String : Kind.Char, end: e };
	}
	if (isIdStart(c)) {
		let j = i + 1;
		while (isIdChar(s.charCodeAt(j))) j++;
		return { kind: Kind.Name, end: j };
	}
	if (isDigit(c) || (c === 46 && isDigit(s.charCodeAt(i + 1)))) return { kind: Kind.Number, end: numberEnd(s, i) };
	if (c === 34 || c === 39) {
		const e = quoteEnd(s, i);
		if (e >= 0) return { kind: c === 34 ? Kind.String : Kind.Char, end: e };
		return { kind: Kind.Other, end: lineEnd(s, i) };
	}
	const p = punctLength(s, i);
	if (p > 0) return { kind: Kind.Punct, end: i + p };
	const hi = c >= 0xd800 && c <= 0xdbff && i + 1 < s.length;
	return { kind: Kind.Other, end: i + (hi ? 2 : 1) };
}

/** Growable compact token arrays (the form `LexedFile` keeps). */
class Sink {
	kf: Uint8Array;
	ids: Int32Array;
	starts: Int32Array;
	ends: Int32Array | null;
	count = 0;

	constructor(cap: number, withEnds: boolean) {
		this.kf = new Uint8Array(cap);
		this.ids = new Int32Array(cap);
		this.starts = new Int32Array(cap);
		this.ends = withEnds ? new Int32Array(cap) : null;
	}

	grow(): void {
		const cap = this.kf.length * 2;
		const kf = new Uint8Array(cap);
		kf.set(this.kf);
		this.kf = kf;
		const ids = new Int32Array(cap);
		ids.set(this.ids);
		this.ids = ids;
		const starts = new Int32Array(cap);
		starts.set(this.starts);
		this.starts = starts;
		if (this.ends !== null) {
			const ends = new Int32Array(cap);
			ends.set(this.ends);
			this.ends = ends;
		}
	}
}

/**
 * Where `scan` may stop early: at a token that an earlier lexing of the same text (`starts`, `kf`:
 * its token offsets and kind/flags bytes) began in the same state (offset and flags). From `from`
 * on, the text is the earlier one's shifted by `delta`, so from such a token on the rest is the same.
 */
interface Resync {
	from: number;
	delta: number;
	starts: Int32Array;
	kf: Uint8Array;
	/** The earlier token at which the scan stopped, or -1 when it ran to the end. */
	at: number;
}

/**
 * The lexer proper: from offset `i` of the cleaned text `s` (`map`: back to `text`'s offsets) in the
 * state `bol`/`white` to the end (or to a resynchronisation point, see `Resync`), adding the tokens
 * to `sink` and the problems to `problems`.
 */
function scan(s: string, text: string, map: Int32Array | null, i: number, bol: boolean, white: boolean, sink: Sink, spellings: Spellings, problems: LexProblem[], resync: Resync | null): void {
	const n = s.length;
	const orig = (k: number): number => (map === null ? k : map[k] ?? text.length);
	let j = 0;
	while (i < n) {
		const c = s.charCodeAt(i);
		if (c === 10 || c === 13) {
			bol = true;
			white = false;
			i++;
			continue;
		}
		if (c === 32 || c === 9 || c === 12 || c === 11 || c === 0) {
			white = true;
			i++;
			continue;
		}
		if (c === 0xfeff && i === 0) {
			// A UTF-8 byte-order mark opening the file: GCC's cpp drops it (libcpp `_cpp_convert_input`).
			i++;
			continue;
		}
		if (c === 47) {
			const d = s.charCodeAt(i + 1);
			if (d === 42) {
				const e = s.indexOf('*/', i + 2);
				if (e < 0) {
					problems.push({ start: orig(i), end: orig(i + 2), code: 'unterminated-comment', message: 'unterminated comment' });
					i = n;
				} else i = e + 2;
				white = true;
				continue;
			}
			if (d === 47) {
				i = lineEnd(s, i);
				white = true;
				continue;
			}
		}
		const flags = (white ? Flag.PrevWhite : 0) | (bol ? Flag.Bol : 0);
		if (resync !== null && i >= resync.from) {
			// The earlier lexing's token at the same place of the unchanged text, if any, in the same state.
			const { starts, kf } = resync;
			const at = i - resync.delta;
			while (j < starts.length && starts[j]! < at) j++;
			if (j < starts.length && starts[j] === at && kf[j]! >> 3 === flags) {
				resync.at = j;
				return;
			}
		}
		const { kind, end } = lexOne(s, i);
		if (sink.count === sink.kf.length) sink.grow();
		const k = sink.count++;
		sink.kf[k] = kind | (flags << 3);
		sink.ids[k] = spellings.id(s.slice(i, end));
		sink.starts[k] = orig(i);
		if (sink.ends !== null) sink.ends[k] = orig(end);
		bol = false;
		white = false;
		i = end;
	}
}

/** Lexes a whole file. `fileIndex` is stored in every token; spellings are interned in `spellings`. */
export function lexFile(path: string, text: string, fileIndex: number, spellings: Spellings = sharedSpellings): LexedFile {
	const { s, map } = removeSplices(text);
	const problems: LexProblem[] = [];
	const sink = new Sink(256, map !== null);
	scan(s, text, map, 0, true, false, sink, spellings, problems, null);
	const { kf, ids, starts, ends, count } = sink;
	const lf = new LexedFile(
		path,
		text,
		fileIndex,
		lineStarts(text),
		problems,
		kf.slice(0, count),
		ids.slice(0, count),
		starts.slice(0, count),
		ends === null ? null : ends.slice(0, count),
		spellings.list,
	);
	analyseGuard(lf);
	return lf;
}

/**
 * Lexes `text`, a new version of the file `old` was lexed from (same path, file index and spellings),
 * re-lexing only around the changed region: from a token before it whose lexing read nothing of the
 * change, to the first token after it where the lexer is back in the state the old lexing had there.
 * The result equals `lexFile(old.path, text, old.fileIndex, spellings)`; `reuse` tells which of its
 * tokens are old ones (their `Token` objects may be reused: `LexedFile.materialize`). Undefined when
 * either text has line splices (use `lexFile`).
 */
export function relexFile(old: LexedFile, text: string, spellings: Spellings = sharedSpellings): { lf: LexedFile; reuse: Reuse } | undefined {
	const before = old.text;
	if (old.ends !== null || old.spellings !== spellings.list) return undefined;
	const { s, map } = removeSplices(text);
	if (map !== null) return undefined;
	// The changed region: before[p, oldEnd) became text[p, newEnd).
	const min = Math.min(before.length, text.length);
	// By chunks first (string comparison is a memory compare), then character by character.
	let p = 0;
	while (p + 256 <= min && before.slice(p, p + 256) === text.slice(p, p + 256)) p += 256;
	while (p < min && before.charCodeAt(p) === text.charCodeAt(p)) p++;
	let sfx = 0;
	const lb = before.length;
	const lt = text.length;
	while (sfx + 256 <= min - p && before.slice(lb - sfx - 256, lb - sfx) === text.slice(lt - sfx - 256, lt - sfx)) sfx += 256;
	while (sfx < min - p && before.charCodeAt(lb - 1 - sfx) === text.charCodeAt(lt - 1 - sfx)) sfx++;
	const oldEnd = before.length - sfx;
	const newEnd = text.length - sfx;
	const delta = newEnd - oldEnd;
	const { kf, ids, starts } = old;
	const count = kf.length;
	// Restart at token k: every character the lexing of the tokens before it read is before p (a token
	// reads up to its end, a punctuator two characters on; a name `L` before a quote, to the line's end:
	// see `lexOne`), and k starts before p, so that the skipping of blanks and comments up to it read
	// nothing at or after p either. The lexer's state there is k's offset and flags.
	let k = upperBound(starts, p - 1); // tokens [0, k) start before p
	while (k > 0) {
		const t = k - 1;
		const start = starts[t]!;
		const end = start + spellings.list[ids[t]!]!.length;
		const isL = (kf[t]! & 7) === Kind.Name && end === start + 1 && before.charCodeAt(start) === 76;
		if (Math.max(end, start + 2) < p && !isL && starts[k] !== undefined && starts[k]! < p) break;
		k--;
	}
	// k === 0: from the start of the file, in the initial state.
	const from = k === 0 ? 0 : starts[k]!;
	const bol = k === 0 ? true : ((kf[k]! >> 3) & Flag.Bol) !== 0;
	const white = k === 0 ? false : ((kf[k]! >> 3) & Flag.PrevWhite) !== 0;
	const problems: LexProblem[] = [];
	for (const q of old.problems) if (q.start < from) problems.push(q);
	const sink = new Sink(Math.max(256, count + 16), false);
	sink.kf.set(kf.subarray(0, k));
	sink.ids.set(ids.subarray(0, k));
	sink.starts.set(starts.subarray(0, k));
	sink.count = k;
	const resync: Resync = { from: newEnd, delta, starts, kf, at: -1 };
	scan(s, text, null, from, bol, white, sink, spellings, problems, resync);
	let out = sink;
	const reuse: Reuse = { reused: k, tailFrom: -1, tailOld: -1 };
	if (resync.at >= 0) {
		reuse.tailFrom = sink.count;
		reuse.tailOld = resync.at;
		// The rest is the old tokens from resync.at on, shifted by delta.
		const j = resync.at;
		const total = sink.count + (count - j);
		out = new Sink(total, false);
		out.kf.set(sink.kf.subarray(0, sink.count));
		out.ids.set(sink.ids.subarray(0, sink.count));
		out.starts.set(sink.starts.subarray(0, sink.count));
		out.kf.set(kf.subarray(j), sink.count);
		out.ids.set(ids.subarray(j), sink.count);
		const st = out.starts;
		for (let a = j, b = sink.count; a < count; a++, b++) st[b] = starts[a]! + delta;
		out.count = total;
		const at = starts[j]!;
		for (const q of old.problems) if (q.start >= at) problems.push({ ...q, start: q.start + delta, end: q.end + delta });
	}
	const lf = new LexedFile(
		old.path,
		text,
		old.fileIndex,
		relineStarts(old.lineStarts, text, p, oldEnd, newEnd),
		problems,
		out.count === out.kf.length ? out.kf : out.kf.slice(0, out.count),
		out.count === out.ids.length ? out.ids : out.ids.slice(0, out.count),
		out.count === out.starts.length ? out.starts : out.starts.slice(0, out.count),
		null,
		spellings.list,
	);
	analyseGuard(lf);
	return { lf, reuse };
}

/** Number of elements of the sorted `a` that are at most `x`. */
function upperBound(a: Int32Array, x: number): number {
	let lo = 0;
	let hi = a.length;
	while (lo < hi) {
		const mid = (lo + hi) >> 1;
		if (a[mid]! <= x) lo = mid + 1;
		else hi = mid;
	}
	return lo;
}

/**
 * `lineStarts(text)` from the line starts of the text before the edit (`before[p, oldEnd)` became
 * `text[p, newEnd)`): offset L > 0 starts a line when L-1 holds `\n`, or a `\r` not followed by `\n`
 * at L, so only the starts whose two characters touch the changed region are computed again.
 */
function relineStarts(old: readonly number[], text: string, p: number, oldEnd: number, newEnd: number): number[] {
	const delta = newEnd - oldEnd;
	const out: number[] = [0];
	let a = 1;
	// L < p: both characters unchanged.
	while (a < old.length && old[a]! < p) out.push(old[a++]!);
	for (let L = Math.max(p, 1); L <= newEnd && L <= text.length; L++) {
		const c = text.charCodeAt(L - 1);
		if (c === 10 || (c === 13 && text.charCodeAt(L) !== 10)) out.push(L);
	}
	// L > newEnd: both characters in the unchanged suffix (L - 1 >= newEnd).
	while (a < old.length && old[a]! <= oldEnd) a++;
	while (a < old.length) out.push(old[a++]! + delta);
	return out;
}

/**
 * Finds the controlling macro of the multiple-include optimisation, as GCC does: the file's first
 * tokens are `#ifndef X` (or `#if !defined X`), the matching `#endif` is the last line, and the
 * group has no `#else`/`#elif` of its own. Also notes `#pragma once`. Reads the compact form.
 */
function analyseGuard(lf: LexedFile): void {
	const { kf, ids, spellings } = lf;
	const n = kf.length;
	const text = (i: number): string | undefined => (i < n ? spellings[ids[i]!] : undefined);
	const bol = (i: number): boolean => ((kf[i]! >> 3) & Flag.Bol) !== 0;
	const kind = (i: number): number => kf[i]! & 7;
	const isHashAt = (i: number): boolean => i < n && kind(i) === Kind.Punct && bol(i) && spellings[ids[i]!] === '#';
	const nextLine = (i: number): number => {
		let j = i + 1;
		while (j < n && !bol(j)) j++;
		return j;
	};
	// `#pragma once` anywhere: a `#` opening a line, then `pragma` and `once` on that line.
	const BOL = Flag.Bol << 3;
	for (let i = 0; i + 2 < n; i++) {
		const b = kf[i]!;
		if ((b & BOL) === 0 || (b & 7) !== Kind.Punct || (kf[i + 1]! & BOL) !== 0 || spellings[ids[i]!] !== '#') continue;
		if (spellings[ids[i + 1]!] === 'pragma' && spellings[ids[i + 2]!] === 'once') {
			lf.pragmaOnce = true;
			break;
		}
	}
	if (!isHashAt(0)) return;
	const lineEndIdx = nextLine(0);
	const words: string[] = [];
	for (let i = 1; i < lineEndIdx; i++) words.push(text(i)!);
	let guard: string | undefined;
	if (words.length === 2 && words[0] === 'ifndef' && kind(2) === Kind.Name) guard = words[1];
	else if (words[0] === 'if' && words[1] === '!' && words[2] === 'defined') {
		if (words.length === 4 && kind(4) === Kind.Name) guard = words[3];
		else if (words.length === 6 && words[3] === '(' && words[5] === ')' && kind(5) === Kind.Name) guard = words[4];
	}
	if (guard === undefined) return;
	let depth = 0;
	for (let i = 0; i < n; i = nextLine(i)) {
		if (!isHashAt(i)) {
			if (depth === 0) return;
			continue;
		}
		if (i + 1 >= n || bol(i + 1)) {
			if (depth === 0) return;
			continue;
		}
		const d = text(i + 1);
		if (d === 'if' || d === 'ifdef' || d === 'ifndef') depth++;
		else if ((d === 'else' || d === 'elif' || d === 'elifdef' || d === 'elifndef') && depth === 1) return;
		else if (d === 'endif') {
			depth--;
			if (depth === 0) {
				if (nextLine(i) === n) lf.guard = guard;
				return;
			}
		} else if (depth === 0) return;
	}
}
