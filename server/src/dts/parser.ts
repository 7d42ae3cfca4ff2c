/**
 * The parser of dtc's source language: turns the token stream into a list of top-level
 * statements (root nodes, `&ref { }` extensions, `/delete-node/ &ref;`, `/omit-if-no-ref/ &ref;`)
 * whose values are already evaluated (cell expressions use 64-bit arithmetic, as dtc does).
 * Syntax errors are reported and the parser resumes at the next `;` or `}`.
 */

import { paths, type Diagnostic, type FileSystem, type Span } from '../base/source.js';
import { LazySpan } from './span.js';
import { T, type TokenStream } from './lexer.js';
import type { DtBytesChunk, DtCellItem, DtCellsChunk, DtLabel, DtMemreserve, DtNumberCell, DtRef, DtValueChunk, DtValueLabel } from './types.js';
import { decodeString, evalCharLiteral, evalLiteral, fromUtf8, U64_MAX } from './values.js';

/** Deepest node nesting accepted; deeper bodies are reported and skipped. */
export const MAX_NODE_DEPTH = 256;
/**
 * Deepest expression nesting accepted in a cell (parentheses and `?:` arms); deeper expressions are
 * reported (`nesting-depth`) and the property is skipped. Bounds the parser's recursion.
 */
export const MAX_EXPR_DEPTH = 256;

/** A property definition (`name = value;` or `name;`) inside a node body. */
export interface AstProp {
	kind: 'prop';
	name: string;
	nameSpan: Span;
	labels: DtLabel[];
	value: DtValueChunk[];
	valueSpan?: Span;
	span: Span;
}

/** `/delete-property/ name;` */
export interface AstDeleteProp {
	kind: 'delete-prop';
	name: string;
	nameSpan: Span;
	labels: DtLabel[];
	span: Span;
}

/** A child node definition inside a node body. */
export interface AstChild {
	kind: 'node';
	name: string;
	nameSpan: Span;
	labels: DtLabel[];
	omit: boolean;
	body: AstBody;
	span: Span;
}

/** `/delete-node/ name;` inside a node body. */
export interface AstDeleteNode {
	kind: 'delete-node';
	name: string;
	nameSpan: Span;
	labels: DtLabel[];
	omit: boolean;
	span: Span;
}

/** The inside of `{ ... }`: properties first, then child nodes (dtc's grammar order). */
export interface AstBody {
	props: Array<AstProp | AstDeleteProp>;
	children: Array<AstChild | AstDeleteNode>;
	/** From `{` to `}`. */
	span: Span;
}

/** A top-level statement of a source file. */
export type AstStatement =
	| { kind: 'root'; body: AstBody; nameSpan: Span; span: Span }
	| { kind: 'ref-node'; ref: DtRef; label?: DtLabel; body: AstBody; span: Span }
	| { kind: 'delete-ref'; ref: DtRef; span: Span }
	| { kind: 'omit-ref'; ref: DtRef; span: Span };

/** A parsed source file. */
export interface AstFile {
	v1: boolean;
	plugin: boolean;
	memreserves: DtMemreserve[];
	statements: AstStatement[];
}

/** Splits a reference's text into label and path parts. */
export function makeRef(text: string, span: Span): DtRef {
	if (text.startsWith('/')) return { text, path: text, span };
	const slash = text.indexOf('/');
	if (slash < 0) return { text, label: text, span };
	return { text, label: text.slice(0, slash), path: text.slice(slash), span };
}

const bitsSet = new Set([8, 16, 32, 64]);

class SyntaxErr extends Error {}

/** Parses a token stream. `fs` is used for `/incbin/`. */
export function parse(ts: TokenStream, diags: Diagnostic[], fs?: FileSystem): AstFile {
	return new Parser(ts, diags, fs).file();
}

class Parser {
	private p = 0;
	private readonly kind: Uint8Array;
	private depth = 0;
	/** Nesting of `expr()` (parentheses and `?:` arms), bounded by MAX_EXPR_DEPTH. */
	private exprDepth = 0;
	private lastSyntaxAt = -1;

	constructor(
		private readonly ts: TokenStream,
		private readonly diags: Diagnostic[],
		private readonly fs: FileSystem | undefined,
	) {
		this.kind = ts.kind;
	}

	/** Span of tokens a..b (inclusive). */
	private span(a: number, b: number = a): Span {
		const ts = this.ts;
		const src = ts.src[a]!;
		const map = ts.sources[src]!.map;
		if (ts.src[b] !== src || b < a) return new LazySpan(map, ts.start[a]!, ts.end[a]!);
		return new LazySpan(map, ts.start[a]!, ts.end[b]!);
	}

	private err(code: string, message: string, span: Span, severity: 'error' | 'warning' = 'error'): void {
		this.diags.push({ severity, code, message, span });
	}

	private isChar(ch: string, at = this.p): boolean {
		return this.kind[at] === T.CHAR && this.ts.value(at) === ch;
	}

	private syntax(what?: string): never {
		const p = this.p;
		if (p !== this.lastSyntaxAt) {
			this.lastSyntaxAt = p;
			const k = this.kind[p];
			const found = k === T.EOF ? 'end of input' : `'${this.ts.value(p)}'`;
			this.err('syntax', `syntax error: unexpected ${found}${what ? `, expected ${what}` : ''}`, this.span(p));
		}
		throw new SyntaxErr();
	}

	private expectChar(ch: string): number {
		if (!this.isChar(ch)) this.syntax(`'${ch}'`);
		return this.p++;
	}

	/** Skips to just after the next `;` at this level, or to a `}` (not consumed). */
	private recover(): void {
		let depth = 0;
		for (;;) {
			const k = this.kind[this.p]!;
			if (k === T.EOF) return;
			if (k === T.CHAR) {
				const v = this.ts.value(this.p);
				if (v === '{') depth++;
				else if (v === '}') {
					if (depth === 0) return;
					depth--;
					if (depth === 0 && this.isChar(';', this.p + 1)) {
						this.p += 2;
						return;
					}
				} else if (v === ';' && depth === 0) {
					this.p++;
					return;
				}
			}
			this.p++;
		}
	}

	file(): AstFile {
		const out: AstFile = { v1: false, plugin: false, memreserves: [], statements: [] };
		// Headers.
		let headerFlags = -1;
		while (this.kind[this.p] === T.V1) {
			const at = this.p;
			this.p++;
			let flags = 1;
			try {
				this.expectChar(';');
				if (this.kind[this.p] === T.PLUGIN) {
					this.p++;
					this.expectChar(';');
					flags = 3;
				}
			} catch (e) {
				if (!(e instanceof SyntaxErr)) throw e;
				this.recover();
			}
			if (headerFlags >= 0 && flags !== headerFlags) this.err('header-mismatch', "Header flags don't match earlier ones", this.span(at));
			if (headerFlags < 0) headerFlags = flags;
			out.v1 = true;
		}
		if (headerFlags < 0) {
			this.err('missing-dts-v1', 'Missing /dts-v1/ header', this.span(this.p));
		}
		out.plugin = headerFlags === 3;
		// Memory reservations.
		for (;;) {
			const at = this.p;
			let q = this.p;
			while (this.kind[q] === T.LABEL) q++;
			if (this.kind[q] !== T.MEMRESERVE) break;
			const written: DtLabel[] = [];
			for (let i = at; i < q; i++) written.push({ name: this.ts.value(i), span: this.span(i) });
			const labels = orderLabels(written);
			this.p = q + 1;
			try {
				const addr = this.integerPrim();
				const size = this.integerPrim();
				const end = this.expectChar(';');
				out.memreserves.push({ labels, address: addr.value, size: size.value, span: this.span(at, end) });
			} catch (e) {
				if (!(e instanceof SyntaxErr)) throw e;
				this.recover();
			}
		}
		// The tree.
		while (this.kind[this.p] !== T.EOF) {
			const at = this.p;
			try {
				this.statement(out, at);
			} catch (e) {
				if (!(e instanceof SyntaxErr)) throw e;
				this.recover();
				// A stray `}` at top level would stop recovery forever; step over it.
				if (this.p === at || this.isChar('}')) this.p++;
			}
		}
		return out;
	}

	private statement(out: AstFile, at: number): void {
		const k = this.kind[this.p];
		if (this.isChar('/')) {
			this.p++;
			const body = this.nodedef();
			out.statements.push({ kind: 'root', body, nameSpan: this.span(at), span: this.span(at, this.p - 1) });
			return;
		}
		if (k === T.LABEL || k === T.REF) {
			let label: DtLabel | undefined;
			if (k === T.LABEL) {
				label = { name: this.ts.value(this.p), span: this.span(this.p) };
				this.p++;
				if (this.kind[this.p] !== T.REF) this.syntax('a reference');
			}
			const refAt = this.p++;
			const ref = makeRef(this.ts.value(refAt), this.span(refAt));
			const body = this.nodedef();
			out.statements.push({ kind: 'ref-node', ref, ...(label ? { label } : {}), body, span: this.span(at, this.p - 1) });
			return;
		}
		if (k === T.DEL_NODE || k === T.OMIT) {
			this.p++;
			if (this.kind[this.p] !== T.REF) this.syntax('a reference');
			const refAt = this.p++;
			const ref = makeRef(this.ts.value(refAt), this.span(refAt));
			this.expectChar(';');
			out.statements.push({ kind: k === T.DEL_NODE ? 'delete-ref' : 'omit-ref', ref, span: this.span(at, this.p - 1) });
			return;
		}
		this.syntax();
	}

	/** `{ proplist subnodes } ;` */
	private nodedef(): AstBody {
		const open = this.expectChar('{');
		if (this.depth >= MAX_NODE_DEPTH) {
			this.err('nesting-depth', `Nodes nested too deeply (more than ${MAX_NODE_DEPTH})`, this.span(open));
			this.p = open;
			this.recover();
			return { props: [], children: [], span: this.span(open) };
		}
		this.depth++;
		const body: AstBody = { props: [], children: [], span: this.span(open) };
		try {
			for (;;) {
				if (this.isChar('}')) break;
				if (this.kind[this.p] === T.EOF) this.syntax("'}'");
				try {
					this.item(body);
				} catch (e) {
					if (!(e instanceof SyntaxErr)) throw e;
					this.recover();
				}
			}
			const close = this.p++;
			this.expectChar(';');
			body.span = this.span(open, close);
		} finally {
			this.depth--;
		}
		return body;
	}

	/** One property or child node definition inside a body. */
	private item(body: AstBody): void {
		const at = this.p;
		const labels: DtLabel[] = [];
		let omit = false;
		for (;;) {
			const k = this.kind[this.p];
			if (k === T.LABEL) {
				labels.push({ name: this.ts.value(this.p), span: this.span(this.p) });
				this.p++;
			} else if (k === T.OMIT) {
				omit = true;
				this.p++;
			} else break;
		}
		const ordered = orderLabels(labels);
		const k = this.kind[this.p];
		if (k === T.DEL_PROP) {
			this.p++;
			if (this.kind[this.p] !== T.NAME) this.syntax('a property name');
			const nameAt = this.p++;
			this.expectChar(';');
			if (omit) this.syntaxAt(at);
			this.addProp(body, { kind: 'delete-prop', name: this.ts.value(nameAt), nameSpan: this.span(nameAt), labels: ordered, span: this.span(at, this.p - 1) });
			return;
		}
		if (k === T.DEL_NODE) {
			this.p++;
			if (this.kind[this.p] !== T.NAME) this.syntax('a node name');
			const nameAt = this.p++;
			this.expectChar(';');
			body.children.push({ kind: 'delete-node', name: this.ts.value(nameAt), nameSpan: this.span(nameAt), labels: ordered, omit, span: this.span(at, this.p - 1) });
			return;
		}
		if (k !== T.NAME) this.syntax('a property or node name');
		const nameAt = this.p++;
		const name = this.ts.value(nameAt);
		if (this.isChar('{')) {
			const b = this.nodedef();
			body.children.push({ kind: 'node', name, nameSpan: this.span(nameAt), labels: ordered, omit, body: b, span: this.span(at, this.p - 1) });
			return;
		}
		if (omit) this.syntaxAt(at);
		if (this.isChar(';')) {
			this.p++;
			this.addProp(body, { kind: 'prop', name, nameSpan: this.span(nameAt), labels: ordered, value: [], span: this.span(at, this.p - 1) });
			return;
		}
		if (!this.isChar('=')) this.syntax("'=', ';' or '{'");
		this.p++;
		const vStart = this.p;
		const value = this.propdata();
		const vEnd = this.p - 1;
		this.expectChar(';');
		this.addProp(body, { kind: 'prop', name, nameSpan: this.span(nameAt), labels: ordered, value, valueSpan: this.span(vStart, vEnd), span: this.span(at, this.p - 1) });
	}

	private syntaxAt(at: number): never {
		this.p = at;
		this.syntax();
	}

	private addProp(body: AstBody, prop: AstProp | AstDeleteProp): void {
		if (body.children.length > 0) this.err('properties-after-subnodes', 'Properties must precede subnodes', prop.span);
		body.props.push(prop);
	}

	/** A property value: chunks separated by commas, with labels anywhere between. */
	private propdata(): DtValueChunk[] {
		const out: DtValueChunk[] = [];
		for (;;) {
			while (this.kind[this.p] === T.LABEL) out.push(this.valueLabel());
			const at = this.p;
			const k = this.kind[at];
			if (k === T.STRING) {
				this.p++;
				const bytes = decodeString(this.ts.value(at));
				const raw = this.ts.value(at);
				out.push({ kind: 'string', bytes, value: raw.indexOf('\\') < 0 ? raw : fromUtf8(bytes), span: this.span(at) });
			} else if (k === T.REF) {
				this.p++;
				const ref = makeRef(this.ts.value(at), this.span(at));
				out.push({ kind: 'path-ref', ref, path: '', span: ref.span });
			} else if (this.isChar('<') || k === T.BITS) {
				out.push(this.cells());
			} else if (this.isChar('[')) {
				out.push(this.bytes());
			} else if (k === T.INCBIN) {
				out.push(this.incbin());
			} else this.syntax('a value');
			while (this.kind[this.p] === T.LABEL) out.push(this.valueLabel());
			if (this.isChar(',')) {
				this.p++;
				continue;
			}
			return out;
		}
	}

	private valueLabel(): DtValueLabel {
		const at = this.p++;
		return { kind: 'label', name: this.ts.value(at), span: this.span(at) };
	}

	private cells(): DtCellsChunk {
		const at = this.p;
		let bits = 32;
		if (this.kind[this.p] === T.BITS) {
			this.p++;
			if (this.kind[this.p] !== T.LITERAL) this.syntax('a bit width');
			const litAt = this.p++;
			const lit = evalLiteral(this.ts.value(litAt));
			if (lit.error) this.err(lit.error.startsWith('Bad') ? 'bad-integer-literal' : 'integer-out-of-range', lit.error, this.span(litAt));
			const b = lit.value <= 64n ? Number(lit.value) : 0;
			if (!bitsSet.has(b)) this.err('bad-bits', 'Array elements must be 8, 16, 32 or 64-bits', this.span(litAt));
			else bits = b;
		}
		this.expectChar('<');
		const items: DtCellItem[] = [];
		const mask = bits === 64 ? U64_MAX : (1n << BigInt(bits)) - 1n;
		for (;;) {
			const k = this.kind[this.p];
			if (k === T.LABEL) {
				items.push(this.valueLabel());
				continue;
			}
			if (k === T.REF) {
				const refAt = this.p++;
				const span = this.span(refAt);
				const ref = makeRef(this.ts.value(refAt), span);
				if (bits !== 32) this.err('ref-in-non-32-bit-array', 'References are only allowed in arrays with 32-bit elements.', span);
				items.push({ kind: 'ref', ref, value: mask, span });
				continue;
			}
			if (this.isChar('>')) break;
			const start = this.p;
			const v = this.integerPrim();
			if (bits < 64 && v.value > mask && (v.value | mask) !== U64_MAX) {
				this.err('value-out-of-range', `Value out of range for ${bits}-bit array element`, this.span(start, this.p - 1));
			}
			const cell: DtNumberCell = { kind: 'number', value: v.value & mask, span: this.span(start, this.p - 1) };
			items.push(cell);
		}
		const end = this.p++;
		return { kind: 'cells', bits: bits as 8 | 16 | 32 | 64, items, span: this.span(at, end) };
	}

	private bytes(): DtBytesChunk {
		const at = this.p++;
		const items: DtBytesChunk['items'] = [];
		for (;;) {
			const k = this.kind[this.p];
			if (k === T.BYTE) {
				items.push({ kind: 'number', value: BigInt(parseInt(this.ts.value(this.p), 16)), span: this.span(this.p) });
				this.p++;
			} else if (k === T.LABEL) items.push(this.valueLabel());
			else break;
		}
		const end = this.expectChar(']');
		return { kind: 'bytes', items, span: this.span(at, end) };
	}

	private incbin(): DtValueChunk {
		const at = this.p++;
		this.expectChar('(');
		if (this.kind[this.p] !== T.STRING) this.syntax('a file name');
		const nameAt = this.p++;
		let offset = 0n;
		let len = -1n;
		if (this.isChar(',')) {
			this.p++;
			offset = this.integerPrim().value;
			this.expectChar(',');
			len = this.integerPrim().value;
		}
		const end = this.expectChar(')');
		const span = this.span(at, end);
		const file = fromUtf8(decodeString(this.ts.value(nameAt)));
		const src = this.ts.sources[this.ts.src[at]!]!;
		const dir = src.file.includes('/') ? src.file.slice(0, src.file.lastIndexOf('/')) : '';
		// Normalized (`..` resolved) like every other path the front-end asks for, so a FileSystem that
		// bounds what is read by path sees where the file really is.
		const path = paths.normalize(file.startsWith('/') || dir === '' ? file : `${dir}/${file}`);
		const text = this.fs?.readFile(path);
		if (text === undefined) {
			this.err('missing-include', `Couldn't open "${file}"`, span);
			return { kind: 'incbin', file: path, bytes: new Uint8Array(0), span };
		}
		// The file system gives text; each UTF-16 unit's low byte is taken as a byte (latin1).
		const all = new Uint8Array(text.length);
		for (let i = 0; i < text.length; i++) all[i] = text.charCodeAt(i) & 255;
		const from = Number(offset > BigInt(all.length) ? BigInt(all.length) : offset);
		const to = len < 0n ? all.length : Math.min(all.length, from + Number(len));
		return { kind: 'incbin', file: path, bytes: all.slice(from, to), span };
	}

	/** `integer_prim`: a literal, a character literal or a parenthesised expression. */
	private integerPrim(): { value: bigint } {
		const at = this.p;
		const k = this.kind[at];
		if (k === T.LITERAL) {
			this.p++;
			const lit = evalLiteral(this.ts.value(at));
			if (lit.error) this.err(lit.error.startsWith('Bad') ? 'bad-integer-literal' : 'integer-out-of-range', lit.error, this.span(at));
			return lit;
		}
		if (k === T.CHAR_LITERAL) {
			this.p++;
			const c = evalCharLiteral(this.ts.value(at));
			if (c.error) this.err('bad-char-literal', c.error, this.span(at));
			return c;
		}
		if (this.isChar('(')) {
			this.p++;
			const v = this.expr();
			this.expectChar(')');
			return { value: v };
		}
		return this.syntax('an integer');
	}

	private expr(): bigint {
		if (this.exprDepth >= MAX_EXPR_DEPTH) {
			this.err('nesting-depth', `Expression nested too deeply (more than ${MAX_EXPR_DEPTH})`, this.span(this.p - 1));
			this.syntax();
		}
		this.exprDepth++;
		try {
			const c = this.binary(0);
			if (this.isChar('?')) {
				this.p++;
				const a = this.expr();
				this.expectChar(':');
				const b = this.expr();
				return c !== 0n ? a : b;
			}
			return c;
		} finally {
			this.exprDepth--;
		}
	}

	/** Binary operators by precedence level (0 = `||` ... 9 = `*`). */
	private binary(level: number): bigint {
		if (level > 9) return this.unary();
		const start = this.p;
		let l = this.binary(level + 1);
		for (;;) {
			const op = this.binOp(level);
			if (op === '') return l;
			this.p++;
			const r = this.binary(level + 1);
			l = this.apply(op, l, r, start);
		}
	}

	private binOp(level: number): string {
		const k = this.kind[this.p];
		const v = this.ts.value(this.p);
		switch (level) {
			case 0:
				return k === T.OR ? '||' : '';
			case 1:
				return k === T.AND ? '&&' : '';
			case 2:
				return k === T.CHAR && v === '|' ? '|' : '';
			case 3:
				return k === T.CHAR && v === '^' ? '^' : '';
			case 4:
				return k === T.CHAR && v === '&' ? '&' : '';
			case 5:
				return k === T.EQ ? '==' : k === T.NE ? '!=' : '';
			case 6:
				if (k === T.LE) return '<=';
				if (k === T.GE) return '>=';
				return k === T.CHAR && (v === '<' || v === '>') ? v : '';
			case 7:
				return k === T.LSHIFT ? '<<' : k === T.RSHIFT ? '>>' : '';
			case 8:
				return k === T.CHAR && (v === '+' || v === '-') ? v : '';
			default:
				return k === T.CHAR && (v === '*' || v === '/' || v === '%') ? v! : '';
		}
	}

	private apply(op: string, l: bigint, r: bigint, start: number): bigint {
		const u = (x: bigint): bigint => BigInt.asUintN(64, x);
		switch (op) {
			case '||':
				return l !== 0n || r !== 0n ? 1n : 0n;
			case '&&':
				return l !== 0n && r !== 0n ? 1n : 0n;
			case '|':
				return l | r;
			case '^':
				return l ^ r;
			case '&':
				return l & r;
			case '==':
				return l === r ? 1n : 0n;
			case '!=':
				return l !== r ? 1n : 0n;
			case '<':
				return l < r ? 1n : 0n;
			case '>':
				return l > r ? 1n : 0n;
			case '<=':
				return l <= r ? 1n : 0n;
			case '>=':
				return l >= r ? 1n : 0n;
			case '<<':
				return r < 64n ? u(l << r) : 0n;
			case '>>':
				return r < 64n ? l >> r : 0n;
			case '+':
				return u(l + r);
			case '-':
				return u(l - r);
			case '*':
				return u(l * r);
			default:
				if (r === 0n) {
					this.err('division-by-zero', 'Division by zero', this.span(start, this.p - 1));
					return 0n;
				}
				return op === '/' ? l / r : l % r;
		}
	}

	/** Prefix operators then a primary; iterative, so a long run of `-`/`~`/`!` cannot overflow the stack. */
	private unary(): bigint {
		const ops: string[] = [];
		while (this.kind[this.p] === T.CHAR) {
			const v = this.ts.value(this.p);
			if (v !== '-' && v !== '~' && v !== '!') break;
			ops.push(v);
			this.p++;
		}
		let value = this.integerPrim().value;
		for (let i = ops.length - 1; i >= 0; i--) {
			const op = ops[i];
			value = op === '-' ? BigInt.asUintN(64, -value) : op === '~' ? BigInt.asUintN(64, ~value) : value === 0n ? 1n : 0n;
		}
		return value;
	}
}

/** Orders labels written `a: b: x` as dtc stores them (each new label is put first unless present). */
function orderLabels(written: DtLabel[]): DtLabel[] {
	const out: DtLabel[] = [];
	for (let i = written.length - 1; i >= 0; i--) addLabel(out, written[i]!);
	return out;
}

/** dtc's add_label: put the label first unless it is already there. */
export function addLabel(list: DtLabel[], l: DtLabel): void {
	for (const x of list) if (x.name === l.name) return;
	list.unshift(l);
}
