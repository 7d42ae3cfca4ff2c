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

/** Growable typed-array columns of the source map. */
class Columns {
	n = 0;
	out: Int32Array<ArrayBuffer> = new Int32Array(1024);
	file: Int32Array<ArrayBuffer> = new Int32Array(1024);
	start: Int32Array<ArrayBuffer> = new Int32Array(1024);
	end: Int32Array<ArrayBuffer> = new Int32Array(1024);
	exp: Int32Array<ArrayBuffer> = new Int32Array(1024);

	push(out: number, file: number, start: number, end: number, exp: number): void {
		if (this.n === this.out.length) {
			const grow = (a: Int32Array): Int32Array<ArrayBuffer> => {
				const b = new Int32Array(a.length * 2);
				b.set(a);
				return b;
			};
			this.out = grow(this.out);
			this.file = grow(this.file);
			this.start = grow(this.start);
			this.end = grow(this.end);
			this.exp = grow(this.exp);
		}
		const k = this.n++;
		this.out[k] = out;
		this.file[k] = file;
		this.start[k] = start;
		this.end[k] = end;
		this.exp[k] = exp;
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

	/** {@inheritDoc SourceMap.spanOf} */
	spanOf(start: number, end: number): Span {
		const c = this.cols;
		if (c.n === 0) return { file: this.mainFile, start: { line: 0, col: 0 }, end: { line: 0, col: 0 } };
		const i = Math.max(0, this.indexAt(start));
		const j = Math.max(i, this.indexAt(Math.max(start, end - 1)));
		/* Inside a token spelled in a file (same length as its spelling), offsets map one to one. */
		const exact = (k: number): boolean => c.end[k]! - c.start[k]! === this.lengths[k]!;
		const startOf = (k: number, off: number): number => {
			const d = off - c.out[k]!;
			return exact(k) && d > 0 && d < this.lengths[k]! ? c.start[k]! + d : c.start[k]!;
		};
		const endOf = (k: number, off: number): number => {
			const d = off - c.out[k]!;
			return exact(k) && d > 0 && d < this.lengths[k]! ? c.start[k]! + d : c.end[k]!;
		};
		const f = c.file[i]!;
		let s = startOf(i, start);
		let e = i === j ? endOf(i, end) : c.end[i]!;
		if (i !== j && c.file[j] === f) {
			s = Math.min(s, c.start[j]!);
			e = Math.max(e, endOf(j, end));
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

	constructor(
		private readonly markers: boolean,
		private readonly files: FileTable,
	) {}

	private write(s: string): void {
		this.parts.push(s);
		this.len += s.length;
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
		if (this.printed) this.write('\n');
		this.printed = false;
		this.srcLine = line;
		this.srcFile = file;
		if (this.markers) this.write(`# ${line} "${quoteFile(file)}"${flags}\n`);
	}

	private maybePrintLine(line: number, file: string): void {
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

	/** Ends the output and returns the text with its map. */
	finish(expansions: readonly ExpansionRecord[], main: string): { text: string; map: TokenSourceMap } {
		if (this.printed) this.write('\n');
		this.printed = false;
		return { text: this.parts.join(''), map: new TokenSourceMap(this.cols, this.lengths, this.files, expansions, main) };
	}
}
