/**
 * The lexer of dtc's source language, with dtc 1.6.1's lexer states: names are only recognised
 * after `{`, `;`, `/delete-node/` and friends, byte strings only inside `[ ]`, and `/include/`
 * is expanded here, as dtc does. Line markers (`# 12 "file"`) at line starts are skipped.
 */

import { paths, type Diagnostic, type FileSystem, type SourceMap, type Span } from '../base/source.js';
import { LineMarkerSourceMap, parseLineMarker } from './linemap.js';

/** Token kinds. */
export const T = {
	EOF: 0,
	V1: 1,
	PLUGIN: 2,
	MEMRESERVE: 3,
	BITS: 4,
	DEL_PROP: 5,
	DEL_NODE: 6,
	OMIT: 7,
	LABEL: 8,
	LITERAL: 9,
	CHAR_LITERAL: 10,
	REF: 11,
	STRING: 12,
	BYTE: 13,
	NAME: 14,
	INCBIN: 15,
	LSHIFT: 16,
	RSHIFT: 17,
	LE: 18,
	GE: 19,
	EQ: 20,
	NE: 21,
	AND: 22,
	OR: 23,
	/** A single character; its code is in `value` as a one-character string. */
	CHAR: 24,
} as const;

/** `TokenStream.nameBits`: the name holds `@` (not allowed in property names). */
export const NAME_AT = 1;
/** `TokenStream.nameBits`: the name holds `*`, `#` or `?` (not allowed in node names). */
export const NAME_ODD = 2;

/** Deepest `/include/` nesting accepted (dtc's MAX_SRCFILE_DEPTH). */
export const MAX_INCLUDE_DEPTH = 200;
/** Most files `/include/` enters in one build (as the preprocessor's MAX_INCLUDE_COUNT); beyond: `include-limit`, the rest ignored. */
export const MAX_INCLUDE_COUNT = 10_000;
/** Largest file `/include/` reads, in UTF-16 code units (as the preprocessor's MAX_FILE_SIZE); larger: `file-too-large`. */
export const MAX_FILE_SIZE = 8 * 1024 * 1024;

/** One text the lexer read: the main input or an `/include/`d file. */
export interface LexSource {
	file: string;
	text: string;
	map: SourceMap;
}

/**
 * The tokens of a whole input, as parallel typed arrays (cheap to build and to index, and nothing
 * for the garbage collector to trace). The text payload of a token is sliced from its source only
 * when asked (`value`).
 */
export class TokenStream {
	kind: Uint8Array<ArrayBuffer>;
	start: Int32Array<ArrayBuffer>;
	end: Int32Array<ArrayBuffer>;
	/** Index into `sources` of the text each token comes from. */
	src: Int32Array<ArrayBuffer>;
	/** For a NAME token: NAME_AT when it holds `@`, NAME_ODD when it holds `*`, `#` or `?`. */
	nameBits: Uint8Array<ArrayBuffer>;
	/** For a CHAR token: its (first) character code. */
	code: Uint16Array<ArrayBuffer>;
	/** Number of tokens. */
	count = 0;
	sources: LexSource[] = [];
	/** Files read by `/include/` (in the order read). */
	includes: string[] = [];

	/** @param capacity the number of tokens expected (the arrays grow beyond it as needed). */
	constructor(capacity = 1024) {
		const n = Math.max(16, capacity);
		this.kind = new Uint8Array(n);
		this.start = new Int32Array(n);
		this.end = new Int32Array(n);
		this.src = new Int32Array(n);
		this.nameBits = new Uint8Array(n);
		this.code = new Uint16Array(n);
	}

	push(k: number, s: number, e: number, src: number): void {
		if (this.count === this.kind.length) {
			const n = this.count * 2;
			const k8 = new Uint8Array(n);
			k8.set(this.kind);
			this.kind = k8;
			const b8 = new Uint8Array(n);
			b8.set(this.nameBits);
			this.nameBits = b8;
			const c16 = new Uint16Array(n);
			c16.set(this.code);
			this.code = c16;
			const grow = (a: Int32Array): Int32Array<ArrayBuffer> => {
				const b = new Int32Array(n);
				b.set(a);
				return b;
			};
			this.start = grow(this.start);
			this.end = grow(this.end);
			this.src = grow(this.src);
		}
		const i = this.count++;
		this.kind[i] = k;
		this.start[i] = s;
		this.end[i] = e;
		this.src[i] = src;
	}

	/** The token's text payload: label name, reference, name, literal, string body, character. */
	value(i: number): string {
		const k = this.kind[i]!;
		if (k === T.EOF || i >= this.count) return '';
		const text = this.sources[this.src[i]!]!.text;
		const s = this.start[i]!;
		const e = this.end[i]!;
		switch (k) {
			case T.LABEL:
				return text.slice(s, e - 1);
			case T.STRING:
			case T.CHAR_LITERAL:
				return text.slice(s + 1, e - 1);
			case T.NAME:
				return text.charCodeAt(s) === 92 ? text.slice(s + 1, e) : text.slice(s, e);
			case T.REF:
				return text.charCodeAt(s + 1) === 123 ? text.slice(s + 2, e - 1) : text.slice(s + 1, e);
			default:
				return text.slice(s, e);
		}
	}
}

/** Options of {@link lex}. */
export interface LexOptions {
	/** Reads `/include/`d files. Without it, every `/include/` is reported missing. */
	fs?: FileSystem;
	/** Directories searched after the including file's directory (dtc's `-i`). */
	includeDirs?: readonly string[];
}

// Character classes.
const C_PROPNODE = 1;
const C_LABEL_START = 2;
const C_LABEL = 4;
const C_HEX = 8;
const C_DIGIT = 16;
const C_WS = 32;
const C_PATH = 64;
const C_AT = 128;
const C_ODD = 256;
const cls = new Uint16Array(128);
for (let c = 0; c < 128; c++) {
	const ch = String.fromCharCode(c);
	let f = 0;
	const alpha = (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
	const digit = c >= 48 && c <= 57;
	if (alpha || digit || ',._+*#?@-'.includes(ch)) f |= C_PROPNODE | C_PATH;
	if (ch === '/') f |= C_PATH;
	if (ch === '@') f |= C_AT;
	if (ch === '*' || ch === '#' || ch === '?') f |= C_ODD;
	if (alpha || ch === '_') f |= C_LABEL_START | C_LABEL;
	if (digit) f |= C_LABEL | C_DIGIT;
	if (digit || (c >= 65 && c <= 70) || (c >= 97 && c <= 102)) f |= C_HEX;
	if (c === 32 || (c >= 9 && c <= 13)) f |= C_WS;
	cls[c] = f;
}

function is(c: number, f: number): boolean {
	return c < 128 && (cls[c]! & f) !== 0;
}

const S_V1 = 0;
const S_BYTES = 1;
const S_NAME = 2;

const keywords: ReadonlyArray<[string, number, number]> = [
	// [text, token kind, next state (-1 keeps it)]
	['/dts-v1/', T.V1, S_V1],
	['/plugin/', T.PLUGIN, -1],
	['/memreserve/', T.MEMRESERVE, S_V1],
	['/bits/', T.BITS, S_V1],
	['/delete-property/', T.DEL_PROP, S_NAME],
	['/delete-node/', T.DEL_NODE, S_NAME],
	['/omit-if-no-ref/', T.OMIT, S_NAME],
];

/**
 * Splits `text` into tokens, following `/include/`s. Problems (missing include, include cycle)
 * are appended to `diags`.
 */
export function lex(file: string, text: string, map: SourceMap | undefined, opts: LexOptions, diags: Diagnostic[]): TokenStream {
	// About one token per five characters in board files: sized so that the arrays rarely grow.
	const ts = new TokenStream(Math.min(Math.max(1024, text.length >> 2), 1 << 18));
	const state = { s: S_V1 };
	const stack: string[] = [];
	lexSource(ts, state, { file, text, map: map ?? new LineMarkerSourceMap(file, text) }, stack, opts, diags);
	const last = ts.sources[0]!;
	ts.push(T.EOF, last.text.length, last.text.length, 0);
	return ts;
}

function lexSource(ts: TokenStream, state: { s: number }, source: LexSource, stack: string[], opts: LexOptions, diags: Diagnostic[]): void {
	const srcIndex = ts.sources.length;
	ts.sources.push(source);
	stack.push(source.file);
	const text = source.text;
	const n = text.length;
	let i = 0;
	const push = (k: number, s: number, e: number): void => ts.push(k, s, e, srcIndex);
	while (i < n) {
		const c = text.charCodeAt(i);
		// Whitespace (a run of it).
		if (c <= 32 && (cls[c]! & C_WS) !== 0) {
			i++;
			while (i < n) {
				const d = text.charCodeAt(i);
				if (d > 32 || (cls[d]! & C_WS) === 0) break;
				i++;
			}
			continue;
		}
		// The common punctuation, which nothing else starts: `;` `{` `}`, `,` (but where a name may
		// start, as names may begin with it), and `<` `>` `=` when no two-character operator follows
		// (a shortcut through the cases below, with the same result).
		if (c === 59 || c === 123 || c === 125 || (c === 44 && state.s !== S_NAME) || ((c === 60 || c === 62 || c === 61) && !isOpSecond(c, text.charCodeAt(i + 1)))) {
			push(T.CHAR, i, i + 1);
			ts.code[ts.count - 1] = c;
			if (c === 123 || c === 59) state.s = S_NAME;
			i++;
			continue;
		}
		// Line markers at the start of a line.
		if (c === 35 && (i === 0 || text.charCodeAt(i - 1) === 10)) {
			const m = parseLineMarker(text, i);
			if (m !== undefined) {
				i = m.end;
				continue;
			}
		}
		if (c === 47) {
			const c1 = text.charCodeAt(i + 1);
			// Comments.
			if (c1 === 42) {
				const e = text.indexOf('*/', i + 2);
				if (e >= 0) {
					i = e + 2;
					continue;
				}
			} else if (c1 === 47) {
				const e = text.indexOf('\n', i + 2);
				i = e < 0 ? n : e + 1;
				continue;
			}
			// Keywords.
			if (text.startsWith('/include/', i)) {
				let p = i + 9;
				while (p < n && is(text.charCodeAt(p), C_WS)) p++;
				if (text.charCodeAt(p) === 34) {
					const e = scanString(text, p);
					if (e > 0) {
						const name = text.slice(p + 1, e - 1);
						include(ts, state, source, name, i, e, stack, opts, diags);
						i = e;
						continue;
					}
				}
			}
			let matched = false;
			for (const [kw, kind, next] of keywords) {
				if (text.startsWith(kw, i)) {
					push(kind, i, i + kw.length);
					if (next >= 0) state.s = next;
					i += kw.length;
					matched = true;
					break;
				}
			}
			if (matched) continue;
			if (state.s !== S_NAME && state.s !== S_BYTES && text.startsWith('/incbin/', i)) {
				push(T.INCBIN, i, i + 8);
				i += 8;
				continue;
			}
		}
		// Strings.
		if (c === 34) {
			const e = scanString(text, i);
			if (e > 0) {
				push(T.STRING, i, e);
				i = e;
				continue;
			}
		}
		// Labels (`name:`), and in name state, property and node names.
		let labelEnd = i;
		if (is(c, C_LABEL_START)) {
			let p = i + 1;
			while (p < n && is(text.charCodeAt(p), C_LABEL)) p++;
			if (text.charCodeAt(p) === 58) {
				push(T.LABEL, i, p + 1);
				i = p + 1;
				continue;
			}
			labelEnd = p;
		}
		if (state.s === S_NAME) {
			// Label characters are name characters: go on from where the label scan stopped.
			let p = c === 92 ? i + 1 : labelEnd;
			const ns = c === 92 ? p : i;
			let bits = 0;
			while (p < n) {
				const d = text.charCodeAt(p);
				if (d >= 128) break;
				const f = cls[d]!;
				if ((f & C_PROPNODE) === 0) break;
				bits |= f;
				p++;
			}
			if (p > ns) {
				push(T.NAME, i, p);
				ts.nameBits[ts.count - 1] = ((bits & C_AT) !== 0 ? NAME_AT : 0) | ((bits & C_ODD) !== 0 ? NAME_ODD : 0);
				state.s = S_V1;
				i = p;
				continue;
			}
		}
		if (state.s === S_BYTES) {
			if (is(c, C_HEX) && is(text.charCodeAt(i + 1), C_HEX)) {
				push(T.BYTE, i, i + 2);
				i += 2;
				continue;
			}
			if (c === 93) {
				push(T.CHAR, i, i + 1);
				ts.code[ts.count - 1] = c;
				state.s = S_V1;
				i++;
				continue;
			}
		}
		// Integer literals.
		if (state.s === S_V1 && c >= 48 && c <= 57) {
			let p = i + 1;
			const c1 = text.charCodeAt(p);
			if (c === 48 && (c1 === 120 || c1 === 88) && is(text.charCodeAt(p + 1), C_HEX)) {
				p += 2;
				while (p < n && is(text.charCodeAt(p), C_HEX)) p++;
			} else {
				while (p < n && is(text.charCodeAt(p), C_DIGIT)) p++;
			}
			const s0 = text.charCodeAt(p);
			if (s0 === 85 || s0 === 76) {
				if (text.startsWith('ULL', p)) p += 3;
				else if (text.startsWith('UL', p) || text.startsWith('LL', p)) p += 2;
				else p += 1;
			}
			push(T.LITERAL, i, p);
			i = p;
			continue;
		}
		// Character literals: `'` then any characters or `\'` pairs then `'`, longest match.
		if (c === 39) {
			let p = i + 1;
			let last = -1;
			while (p < n) {
				if (text.charCodeAt(p) === 39) {
					last = p + 1;
					if (p - 1 > i && text.charCodeAt(p - 1) === 92) {
						p++;
						continue;
					}
					break;
				}
				p++;
			}
			if (last > 0) {
				push(T.CHAR_LITERAL, i, last);
				i = last;
				continue;
			}
		}
		// References.
		if (c === 38) {
			const c1 = text.charCodeAt(i + 1);
			if (is(c1, C_LABEL_START)) {
				let p = i + 2;
				while (p < n && is(text.charCodeAt(p), C_LABEL)) p++;
				push(T.REF, i, p);
				i = p;
				continue;
			}
			if (c1 === 123) {
				// `&{/path}` (dtc 1.6.1) and `&{label/path}` (newer dtc).
				let p = i + 2;
				let ok = false;
				if (text.charCodeAt(p) === 47) ok = true;
				else if (is(text.charCodeAt(p), C_LABEL_START)) {
					p++;
					while (p < n && is(text.charCodeAt(p), C_LABEL)) p++;
					ok = text.charCodeAt(p) === 47 || text.charCodeAt(p) === 125;
				}
				if (ok) {
					while (p < n && is(text.charCodeAt(p), C_PATH)) p++;
					if (text.charCodeAt(p) === 125) {
						push(T.REF, i, p + 1);
						i = p + 1;
						continue;
					}
				}
			}
		}
		// Two-character operators.
		const c1 = text.charCodeAt(i + 1);
		let op = -1;
		if (c === 60 && c1 === 60) op = T.LSHIFT;
		else if (c === 62 && c1 === 62) op = T.RSHIFT;
		else if (c === 60 && c1 === 61) op = T.LE;
		else if (c === 62 && c1 === 61) op = T.GE;
		else if (c === 61 && c1 === 61) op = T.EQ;
		else if (c === 33 && c1 === 61) op = T.NE;
		else if (c === 38 && c1 === 38) op = T.AND;
		else if (c === 124 && c1 === 124) op = T.OR;
		if (op >= 0) {
			push(op, i, i + 2);
			i += 2;
			continue;
		}
		// Any other character is a token by itself.
		let len = 1;
		if (c >= 0xd800 && c <= 0xdbff && i + 1 < n) len = 2;
		push(T.CHAR, i, i + len);
		ts.code[ts.count - 1] = c;
		if (c === 91) state.s = S_BYTES;
		else if (c === 123 || c === 59) state.s = S_NAME;
		i += len;
	}
	stack.pop();
}

/** Whether `c1` after `c` (one of `<`, `>`, `=`) makes a two-character operator (`<<`, `<=`, `>>`, `>=`, `==`). */
function isOpSecond(c: number, c1: number): boolean {
	return c1 === 61 || (c !== 61 && c1 === c);
}

/** End offset (after the closing quote) of the string starting at `i`, or -1 if unterminated. */
function scanString(text: string, i: number): number {
	const n = text.length;
	let p = i + 1;
	while (p < n) {
		const c = text.charCodeAt(p);
		if (c === 34) return p + 1;
		if (c === 92) {
			// dtc's `\\.`: a backslash escapes any character but a newline.
			if (p + 1 >= n || text.charCodeAt(p + 1) === 10) return -1;
			p += 2;
			continue;
		}
		p++;
	}
	return -1;
}

function include(
	ts: TokenStream,
	state: { s: number },
	from: LexSource,
	name: string,
	start: number,
	end: number,
	stack: string[],
	opts: LexOptions,
	diags: Diagnostic[],
): void {
	const span: Span = from.map.spanOf(start, end);
	const dirs = [paths.dirname(from.file), ...(opts.includeDirs ?? [])];
	let found: string | undefined;
	let text: string | undefined;
	if (opts.fs !== undefined) {
		for (const d of name.startsWith('/') ? [''] : dirs) {
			const p = d === '' ? paths.normalize(name) : paths.join(d, name);
			const t = opts.fs.readFile(p);
			if (t !== undefined) {
				found = p;
				text = t;
				break;
			}
		}
	}
	if (found === undefined || text === undefined) {
		diags.push({ severity: 'error', code: 'missing-include', message: `Couldn't open "${name}"`, span });
		return;
	}
	if (text.length > MAX_FILE_SIZE) {
		diags.push({ severity: 'error', code: 'file-too-large', message: `"${found}" is larger than ${MAX_FILE_SIZE} characters (${text.length}); not read`, span });
		return;
	}
	if (stack.includes(found)) {
		diags.push({ severity: 'error', code: 'include-cycle', message: `Include cycle: "${found}" includes itself`, span });
		return;
	}
	if (stack.length >= MAX_INCLUDE_DEPTH) {
		diags.push({ severity: 'error', code: 'include-depth', message: `Includes nested too deeply (more than ${MAX_INCLUDE_DEPTH})`, span });
		return;
	}
	if (ts.includes.length >= MAX_INCLUDE_COUNT) {
		// Reported once: the first file refused is listed (not read), so the length passes the limit.
		if (ts.includes.length === MAX_INCLUDE_COUNT) {
			diags.push({ severity: 'error', code: 'include-limit', message: `More than ${MAX_INCLUDE_COUNT} files included; further /include/ directives are ignored`, span });
			ts.includes.push(found);
		}
		return;
	}
	ts.includes.push(found);
	lexSource(ts, state, { file: found, text, map: new LineMarkerSourceMap(found, text) }, stack, opts, diags);
}
