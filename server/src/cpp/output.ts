/**
 * The output writer: prints tokens with GCC's spacing rules (`scan_translation_unit` and
 * `cpp_avoid_paste` of cpp's -E output), its line structure and line markers, and records the
 * source map (one entry per printed token, in typed arrays).
 */

import { positionAt, type Span, type SourceMap } from '../base/source';
import { Flag, Kind, type Token } from './lexer';

/** Where printed text came from: enough to build spans lazily. */
export interface FileTable {
	/** Path of file index `i`. */
	path(i: number): string;
	/** Line starts of file index `i`. */
	lineStarts(i: number): readonly number[];
}

/** An outermost macro invocation in a real file. */
export interface ExpansionRecord {
	name: string;
	file: number;
	start: number;
	end: number;
}

const EQ_PASTERS = new Set(['=', '!', '>', '<', '+', '-', '*', '/', '%', '&', '|', '^', '>>', '<<']);

/** GCC's `cpp_avoid_paste`: whether printing `b` right after `a` could lex differently. */
export function avoidPaste(a: Token, b: Token): boolean {
	const c = b.kind === Kind.Punct ? b.text.charCodeAt(0) : -1;
	if (a.kind === Kind.Punct) {
		if (c === 61 && EQ_PASTERS.has(a.text)) return true;
		switch (a.text) {
			case '>':
				return c === 62;
			case '<':
				return c === 60 || c === 37 || c === 58;
			case '+':
				return c === 43;
			case '-':
				return c === 45 || c === 62;
			case '/':
				return c === 47 || c === 42;
			case '%':
				return c === 58 || c === 37;
			case '&':
				return c === 38;
			case '|':
				return c === 124;
			case ':':
				return c === 58 || c === 62;
			case '->':
				return c === 42;
			case '.':
				return c === 46 || c === 37 || b.kind === Kind.Number;
			case '#':
				return c === 35 || c === 37;
			case '<=':
				return c === 62;
			default:
				return false;
		}
	}
	switch (a.kind) {
		case Kind.Name:
			return (b.kind === Kind.Number && /^[A-Za-z_$][A-Za-z0-9_$]*$/.test(b.text)) || b.kind === Kind.Name || b.kind === Kind.Char || b.kind === Kind.String;
		case Kind.Number:
			return b.kind === Kind.Number || b.kind === Kind.Name || b.kind === Kind.Char || c === 46 || c === 43 || c === 45;
		case Kind.Other:
			return a.text.charCodeAt(0) === 92 && b.kind === Kind.Name;
		default:
			return false;
	}
}

function quoteFile(p: string): string {
	return p.replace(/[\\"]/g, (m) => `\\${m}`).replace(/\n/g, '\\n');
}

/** Printed text and its source map entries, relative to where they started (include memoisation). */
export interface PrinterChunk {
	text: string;
	tokenCount: number;
	/** The line state when the chunk started. */
	start: LineState;
	/**
	 * The chunk's first move to a line (`maybePrintLine` or `printLine`), whose text (`length`
	 * characters at the chunk's start) depends on the line state: replayed live when that differs.
	 * Undefined when the chunk printed nothing.
	 */
	first: { kind: 'maybe' | 'print'; line: number; file: string; flags: string; length: number } | undefined;
	/** Per token: output offset relative to the chunk, file index, source start and end, expansion index relative to the chunk's first (-1: none), printed length. */
	out: Int32Array;
	file: Int32Array;
	starts: Int32Array;
	ends: Int32Array;
	exp: Int32Array;
	lengths: Int32Array;
}

/** The printer's line state: whether the current line has text, and the presumed source line and file. */
export interface LineState {
	printed: boolean;
	srcLine: number;
	srcFile: string;
}

/**
 * The printer's state after a chunk: the line state when the chunk moved to a line, `tail` when it
 * printed a token (else the state before it stands).
 */
export interface PrinterExit {
	line?: LineState;
	tail?: { prev: Token | null; source: Token | null; avoid: boolean };
}

/** Where a chunk starts (`Printer.mark`); one chunk is open at a time. */
export interface PrinterMark {
	parts: number;
	len: number;
	n: number;
	paddings: number;
	start: LineState;
	first?: { kind: 'maybe' | 'print'; line: number; file: string; flags: string; at: number; length: number };
}

/** Growable typed-array columns of the source map. */
class Columns {
	n = 0;
	out: Int32Array<ArrayBuffer> = new Int32Array(1024);
	file: Int32Array<ArrayBuffer> = new Int32Array(1024);
	start: Int32Array<ArrayBuffer> = new Int32Array(1024);
	end: Int32Array<ArrayBuffer> = new Int32Array(1024);
	exp: Int32Array<ArrayBuffer> = new Int32Array(1024);

	push(out: number, file: number, start: number, end: number, exp: number): void {
		if (this.n === this.out.length) this.grow(this.n + 1);
		const k = this.n++;
		this.out[k] = out;
		this.file[k] = file;
		this.start[k] = start;
		this.end[k] = end;
		this.exp[k] = exp;
	}

	/** Makes room for `need` entries. */
	grow(need: number): void {
		if (need > this.out.length) {
			let size = this.out.length * 2;
			while (size < need) size *= 2;
			const grow = (a: Int32Array): Int32Array<ArrayBuffer> => {
				const b = new Int32Array(size);
				b.set(a);
				return b;
			};
			this.out = grow(this.out);
			this.file = grow(this.file);
			this.start = grow(this.start);
			this.end = grow(this.end);
			this.exp = grow(this.exp);
		}
	}
}

/** The source map of one preprocessing run. */
export class TokenSourceMap implements SourceMap {
	constructor(
		private readonly cols: Columns,
		private readonly lengths: Int32Array,
		private readonly files: FileTable,
		private readonly expansions: readonly ExpansionRecord[],
		private readonly mainFile: string,
	) {}

	/** Number of printed tokens. */
	get tokenCount(): number {
		return this.cols.n;
	}

	/** Index of the last token starting at or before `offset`, or -1. */
	private indexAt(offset: number): number {
		const a = this.cols.out;
		let lo = 0;
		let hi = this.cols.n - 1;
		if (hi < 0 || a[0]! > offset) return -1;
		while (lo < hi) {
			const mid = (lo + hi + 1) >> 1;
			if (a[mid]! <= offset) lo = mid;
			else hi = mid - 1;
		}
		return lo;
	}

	private span(file: number, start: number, end: number): Span {
		const starts = this.files.lineStarts(file);
		return { file: this.files.path(file), start: positionAt(starts, start), end: positionAt(starts, end) };
	}

	/**
	 * The file offset of output `off` in printed token `k`: inside a token spelled in a file (same
	 * length as its spelling) offsets map one to one; otherwise the token's start (or `end`).
	 */
	private fileOffset(k: number, off: number, atEnd: boolean): number {
		const c = this.cols;
		const length = this.lengths[k]!;
		const d = off - c.out[k]!;
		if (d > 0 && d < length && c.end[k]! - c.start[k]! === length) return c.start[k]! + d;
		return atEnd ? c.end[k]! : c.start[k]!;
	}

	/** {@inheritDoc SourceMap.spanOf} */
	spanOf(start: number, end: number): Span {
		const c = this.cols;
		if (c.n === 0) return { file: this.mainFile, start: { line: 0, col: 0 }, end: { line: 0, col: 0 } };
		const i = Math.max(0, this.indexAt(start));
		const j = Math.max(i, this.indexAt(Math.max(start, end - 1)));
		const f = c.file[i]!;
		let s = this.fileOffset(i, start, false);
		let e = i === j ? this.fileOffset(i, end, true) : c.end[i]!;
		if (i !== j && c.file[j] === f) {
			s = Math.min(s, c.start[j]!);
			e = Math.max(e, this.fileOffset(j, end, true));
		}
		if (e < s) e = s;
		return this.span(f, s, e);
	}

	/** {@inheritDoc SourceMap.expansionAt} */
	expansionAt(offset: number): { span: Span; macro: string } | undefined {
		const i = this.indexAt(offset);
		if (i < 0) return undefined;
		if (offset >= this.cols.out[i]! + this.lengths[i]!) return undefined;
		const x = this.cols.exp[i]!;
		const e = x >= 0 ? this.expansions[x] : undefined;
		if (e === undefined) return undefined;
		return { span: this.span(e.file, e.start, e.end), macro: e.name };
	}

	/** The raw entry of printed token `k` (tests and the differential checker). */
	entry(k: number): { out: number; length: number; file: string; start: number; end: number; expansion: number } {
		const c = this.cols;
		return { out: c.out[k]!, length: this.lengths[k]!, file: this.files.path(c.file[k]!), start: c.start[k]!, end: c.end[k]!, expansion: c.exp[k]! };
	}
}

/** The printer's buffer of short ASCII writes (bytes), the longest write it takes, and its decoder. */
const SCRATCH_BYTES = 4096;
const SHORT_WRITE = 64;
const ASCII = new TextDecoder();

/**
 * The printer, a transcription of the behaviour of cpp's `-E` output: a space goes before a token
 * when it had whitespace before it (directly or through the padding of a macro expansion) or when
 * the two tokens would otherwise lex differently; each logical line starts on its own line,
 * indented as in the source; line markers or newlines keep dtc's idea of file:line right.
 */
export class Printer {
	private readonly parts: string[] = [];
	private len = 0;
	private printed = false;
	private srcLine = 1;
	private srcFile = '';
	private prev: Token | null = null;
	private source: Token | null = null;
	private avoid = false;
	private readonly cols = new Columns();
	private lengths = new Int32Array(1024);
	/** Padding tokens seen (include memoisation: a chunk that printed nothing but paddings changed the state). */
	private paddings = 0;
	/** The chunk being recorded (include memoisation). */
	private open: PrinterMark | undefined;

	constructor(
		private readonly markers: boolean,
		private readonly files: FileTable,
	) {}

	/**
	 * Short ASCII strings (a token, a space, a newline) are gathered here and become one part when it
	 * fills: a part per token made the parts array and its join most of what a run allocated (and much
	 * of the garbage a language server's keystroke leaves). Other strings are parts of their own.
	 */
	private readonly scratch = new Uint8Array(SCRATCH_BYTES);
	private fill = 0;

	private write(s: string): void {
		const n = s.length;
		this.len += n;
		if (n <= SHORT_WRITE) {
			if (this.fill + n > SCRATCH_BYTES) this.flush();
			const b = this.scratch;
			const at = this.fill;
			let i = 0;
			for (; i < n; i++) {
				const c = s.charCodeAt(i);
				if (c >= 0x80) break;
				b[at + i] = c;
			}
			if (i === n) {
				this.fill = at + n;
				return;
			}
		}
		this.flush();
		this.parts.push(s);
	}

	/** Makes the gathered short strings one part. */
	private flush(): void {
		if (this.fill === 0) return;
		// ASCII bytes: the decoded string holds the same characters (a one-byte string).
		this.parts.push(ASCII.decode(this.scratch.subarray(0, this.fill)));
		this.fill = 0;
	}

	/** Starts the output of the main file. */
	begin(main: string): void {
		this.srcFile = main;
		this.srcLine = 1;
		if (this.markers) {
			const q = quoteFile(main);
			this.write(`# 0 "${q}"\n# 0 "<built-in>"\n# 0 "<command-line>"\n# 1 "${q}"\n`);
		}
	}

	private printLine(line: number, file: string, flags: string): void {
		const o = this.open;
		const first = o !== undefined && o.first === undefined ? (o.first = { kind: 'print', line, file, flags, at: this.len, length: 0 }) : undefined;
		if (this.printed) this.write('\n');
		this.printed = false;
		this.srcLine = line;
		this.srcFile = file;
		if (this.markers) this.write(`# ${line} "${quoteFile(file)}"${flags}\n`);
		if (first !== undefined) first.length = this.len - first.at;
	}

	private maybePrintLine(line: number, file: string): void {
		const o = this.open;
		const first = o !== undefined && o.first === undefined ? (o.first = { kind: 'maybe', line, file, flags: '', at: this.len, length: 0 }) : undefined;
		if (this.printed) {
			this.write('\n');
			this.srcLine++;
			this.printed = false;
		}
		if (file === this.srcFile && line >= this.srcLine && (line < this.srcLine + 8 || !this.markers)) {
			while (line > this.srcLine) {
				this.write('\n');
				this.srcLine++;
			}
		} else this.printLine(line, file, '');
		if (first !== undefined) first.length = this.len - first.at;
	}

	/** A file is entered by an `#include` on 1-based line `line` of `parent`. */
	enterFile(parent: string, line: number, file: string): void {
		this.maybePrintLine(line, parent);
		this.printLine(1, file, ' 1');
	}

	/** Back in `parent` at 1-based `line` after an included file ended. */
	leaveFile(parent: string, line: number): void {
		this.printLine(line, parent, ' 2');
	}

	/** `#line`: the presumed position changes. */
	rename(file: string, line: number): void {
		this.printLine(line, file, '');
	}

	/**
	 * The first token of a logical line: `byteCol` is its 0-based column in UTF-8 bytes (as GCC
	 * counts), `line` the 1-based presumed line.
	 */
	lineChange(byteCol: number, line: number, file: string): void {
		this.maybePrintLine(line, file);
		this.prev = null;
		this.source = null;
		this.printed = true;
		if (byteCol > 1) this.write(' '.repeat(byteCol - 1));
	}

	/** A padding token of the expander. */
	padding(p: Token): void {
		this.paddings++;
		this.avoid = true;
		if (this.source === null || ((this.source.flags & Flag.PrevWhite) === 0 && p.source === null)) this.source = p.source;
	}

	/** Prints a token; `file/start/end` say where the map points, `exp` the outermost expansion or -1. */
	token(t: Token, file: number, start: number, end: number, exp: number): void {
		if (this.avoid) {
			const src = this.source ?? t;
			if ((src.flags & Flag.PrevWhite) !== 0 || (this.prev !== null && avoidPaste(this.prev, t)) || (this.prev === null && t.kind === Kind.Punct && t.text === '#')) this.write(' ');
		} else if ((t.flags & Flag.PrevWhite) !== 0) this.write(' ');
		this.avoid = false;
		this.source = null;
		this.prev = t;
		const k = this.cols.n;
		this.cols.push(this.len, file, start, end, exp);
		if (k === this.lengths.length) {
			const b = new Int32Array(this.lengths.length * 2);
			b.set(this.lengths);
			this.lengths = b;
		}
		this.lengths[k] = t.text.length;
		this.write(t.text);
		this.printed = true;
	}

	// ---- Include memoisation (memo.ts) ----

	/** Whether a padding asked for a space before the next token (part of a chunk's starting state). */
	get avoidPending(): boolean {
		return this.avoid;
	}

	/** Starts a chunk (and ends any chunk still open). */
	mark(): PrinterMark {
		this.flush();
		const m: PrinterMark = { parts: this.parts.length, len: this.len, n: this.cols.n, paddings: this.paddings, start: { printed: this.printed, srcLine: this.srcLine, srcFile: this.srcFile } };
		this.open = m;
		return m;
	}

	/** Whether something printed since `m` depends on state before it that a chunk does not record. */
	openSince(m: PrinterMark): boolean {
		return this.cols.n === m.n && this.paddings !== m.paddings;
	}

	/**
	 * The text and map entries printed since `m`, relative to it (`expBase`: the first expansion index
	 * of the chunk), and the state it leaves; undefined when they cannot be replayed. Ends the chunk.
	 */
	capture(m: PrinterMark, expBase: number): { chunk: PrinterChunk; exit: PrinterExit } | undefined {
		if (this.open === m) this.open = undefined;
		const c = this.cols;
		const count = c.n - m.n;
		const first = m.first;
		// Nothing is written before a chunk's first move to a line; a chunk without one prints nothing.
		if (first === undefined ? this.len !== m.len || count !== 0 : first.at !== m.len) return undefined;
		const out = c.out.slice(m.n, c.n);
		const exp = c.exp.slice(m.n, c.n);
		for (let k = 0; k < count; k++) {
			out[k]! -= m.len;
			const x = exp[k]!;
			if (x >= 0) {
				if (x < expBase) return undefined;
				exp[k] = x - expBase;
			}
		}
		this.flush();
		const text = this.parts.slice(m.parts).join('');
		const chunk: PrinterChunk = {
			text,
			tokenCount: count,
			start: m.start,
			first: first === undefined ? undefined : { kind: first.kind, line: first.line, file: first.file, flags: first.flags, length: first.length },
			out,
			file: c.file.slice(m.n, c.n),
			starts: c.start.slice(m.n, c.n),
			ends: c.end.slice(m.n, c.n),
			exp,
			lengths: this.lengths.slice(m.n, c.n),
		};
		const exit: PrinterExit = {};
		if (first !== undefined) exit.line = { printed: this.printed, srcLine: this.srcLine, srcFile: this.srcFile };
		if (count > 0) exit.tail = { prev: this.prev, source: this.source, avoid: this.avoid };
		return { chunk, exit };
	}

	/** Prints a recorded chunk (its expansion indices start at `expBase`) and restores the state it left. */
	replay(chunk: PrinterChunk, exit: PrinterExit, expBase: number): void {
		const first = chunk.first;
		if (first === undefined) return;
		let text = chunk.text;
		let shift = this.len;
		const st = chunk.start;
		if (this.printed !== st.printed || this.srcLine !== st.srcLine || this.srcFile !== st.srcFile) {
			// The line state differs from the recording's: move to the line live, then print the rest.
			const before = this.len;
			if (first.kind === 'maybe') this.maybePrintLine(first.line, first.file);
			else this.printLine(first.line, first.file, first.flags);
			shift = before + (this.len - before) - first.length;
			text = text.slice(first.length);
		}
		const c = this.cols;
		const n = c.n;
		const count = chunk.tokenCount;
		c.grow(n + count);
		if (n + count > this.lengths.length) {
			let size = this.lengths.length * 2;
			while (size < n + count) size *= 2;
			const b = new Int32Array(size);
			b.set(this.lengths);
			this.lengths = b;
		}
		for (let k = 0; k < count; k++) {
			c.out[n + k] = chunk.out[k]! + shift;
			const x = chunk.exp[k]!;
			c.exp[n + k] = x >= 0 ? x + expBase : -1;
		}
		c.file.set(chunk.file, n);
		c.start.set(chunk.starts, n);
		c.end.set(chunk.ends, n);
		this.lengths.set(chunk.lengths, n);
		c.n = n + count;
		if (text.length > 0) this.write(text);
		if (exit.line !== undefined) {
			this.printed = exit.line.printed;
			this.srcLine = exit.line.srcLine;
			this.srcFile = exit.line.srcFile;
		}
		if (exit.tail !== undefined) {
			this.prev = exit.tail.prev;
			this.source = exit.tail.source;
			this.avoid = exit.tail.avoid;
		}
	}

	/** Ends the output and returns the text with its map. */
	finish(expansions: readonly ExpansionRecord[], main: string): { text: string; map: TokenSourceMap } {
		if (this.printed) this.write('\n');
		this.printed = false;
		this.flush();
		return { text: this.parts.join(''), map: new TokenSourceMap(this.cols, this.lengths, this.files, expansions, main) };
	}
}
