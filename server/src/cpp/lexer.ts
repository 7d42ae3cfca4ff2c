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
		private readonly kf: Uint8Array,
		/** Per token: number of its spelling in `spellings`. */
		private readonly ids: Int32Array,
		/** Per token: offsets of the spelling in `text` (splices included). */
		private readonly starts: Int32Array,
		/** Per token end offsets; null when the file has no line splices (end = start + length). */
		private readonly ends: Int32Array | null,
		private readonly spellings: readonly string[],
	) {}

	/** Number of tokens. */
	get count(): number {
		return this.kf.length;
	}

	/** Fresh `Token` objects of the whole file (tests; runs go through the preprocessor's cache). */
	get tokens(): Token[] {
		return this.materialize();
	}

	/** Builds the `Token` objects of the file. */
	materialize(): Token[] {
		const n = this.kf.length;
		const out = new Array<Token>(n);
		const { kf, ids, starts, ends, spellings, lineStarts, fileIndex } = this;
		const lines = lineStarts.length;
		let li = 0;
		for (let k = 0; k < n; k++) {
			const start = starts[k]!;
			while (li + 1 < lines && lineStarts[li + 1]! <= start) li++;
			const text = spellings[ids[k]!]!;
			const b = kf[k]!;
			out[k] = new Token(b & 7, text, b >> 3, fileIndex, start, ends === null ? start + text.length : ends[k]!, li, start - lineStarts[li]!);
		}
		return out;
	}
}

const PUNCT3 = new Set(['<<=', '>>=', '...']);
const PUNCT2 = new Set(['==', '!=', '>=', '<=', '+=', '-=', '*=', '/=', '%=', '&=', '|=', '^=', '>>', '<<', '&&', '||', '++', '--', '->', '##']);
const PUNCT1 = '=!><+-*/%&|^~?:,()[]{};.#';

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

/** Length of the punctuator at `i` of `s`, or 0. */
function punctLength(s: string, i: number): number {
	if (PUNCT3.has(s.substr(i, 3))) return 3;
	if (PUNCT2.has(s.substr(i, 2))) return 2;
	return PUNCT1.indexOf(s[i]!) >= 0 ? 1 : 0;
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

/** Lexes a whole file. `fileIndex` is stored in every token; spellings are interned in `spellings`. */
export function lexFile(path: string, text: string, fileIndex: number, spellings: Spellings = sharedSpellings): LexedFile {
	const { s, map } = removeSplices(text);
	const problems: LexProblem[] = [];
	const n = s.length;
	const orig = (k: number): number => (map === null ? k : map[k] ?? text.length);
	let cap = 256;
	let kf = new Uint8Array(cap);
	let ids = new Int32Array(cap);
	let starts = new Int32Array(cap);
	let ends = map === null ? null : new Int32Array(cap);
	let count = 0;
	let i = 0;
	let bol = true;
	let white = false;
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
		const { kind, end } = lexOne(s, i);
		const flags = (white ? Flag.PrevWhite : 0) | (bol ? Flag.Bol : 0);
		if (count === cap) {
			cap *= 2;
			const grow8 = new Uint8Array(cap);
			grow8.set(kf);
			kf = grow8;
			const g1 = new Int32Array(cap);
			g1.set(ids);
			ids = g1;
			const g2 = new Int32Array(cap);
			g2.set(starts);
			starts = g2;
			if (ends !== null) {
				const g3 = new Int32Array(cap);
				g3.set(ends);
				ends = g3;
			}
		}
		kf[count] = kind | (flags << 3);
		ids[count] = spellings.id(s.slice(i, end));
		starts[count] = orig(i);
		if (ends !== null) ends[count] = orig(end);
		count++;
		bol = false;
		white = false;
		i = end;
	}
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
	analyseGuard(lf, lf.materialize());
	return lf;
}

function isHashAt(tokens: readonly Token[], i: number): boolean {
	const t = tokens[i];
	return t !== undefined && t.kind === Kind.Punct && t.text === '#' && (t.flags & Flag.Bol) !== 0;
}

function nextLine(tokens: readonly Token[], i: number): number {
	let j = i + 1;
	while (j < tokens.length && (tokens[j]!.flags & Flag.Bol) === 0) j++;
	return j;
}

/**
 * Finds the controlling macro of the multiple-include optimisation, as GCC does: the file's first
 * tokens are `#ifndef X` (or `#if !defined X`), the matching `#endif` is the last line, and the
 * group has no `#else`/`#elif` of its own. Also notes `#pragma once`.
 */
function analyseGuard(lf: LexedFile, t: readonly Token[]): void {
	for (let i = 0; i < t.length; i = nextLine(t, i)) {
		if (isHashAt(t, i) && t[i + 1]?.text === 'pragma' && t[i + 2]?.text === 'once' && (t[i + 1]!.flags & Flag.Bol) === 0) lf.pragmaOnce = true;
	}
	if (!isHashAt(t, 0)) return;
	const lineEndIdx = nextLine(t, 0);
	const words = t.slice(1, lineEndIdx).map((x) => x.text);
	let guard: string | undefined;
	if (words.length === 2 && words[0] === 'ifndef' && t[2]!.kind === Kind.Name) guard = words[1];
	else if (words[0] === 'if' && words[1] === '!' && words[2] === 'defined') {
		if (words.length === 4 && t[4]!.kind === Kind.Name) guard = words[3];
		else if (words.length === 6 && words[3] === '(' && words[5] === ')' && t[5]!.kind === Kind.Name) guard = words[4];
	}
	if (guard === undefined) return;
	let depth = 0;
	for (let i = 0; i < t.length; i = nextLine(t, i)) {
		if (!isHashAt(t, i)) {
			if (depth === 0) return;
			continue;
		}
		const d = t[i + 1];
		if (d === undefined || (d.flags & Flag.Bol) !== 0) {
			if (depth === 0) return;
			continue;
		}
		if (d.text === 'if' || d.text === 'ifdef' || d.text === 'ifndef') depth++;
		else if ((d.text === 'else' || d.text === 'elif' || d.text === 'elifdef' || d.text === 'elifndef') && depth === 1) return;
		else if (d.text === 'endif') {
			depth--;
			if (depth === 0) {
				if (nextLine(t, i) === t.length) lf.guard = guard;
				return;
			}
		} else if (depth === 0) return;
	}
}
