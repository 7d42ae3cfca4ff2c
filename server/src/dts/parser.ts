/**
 * The parser of dtc's source language: turns the token stream into a list of top-level
 * statements (root nodes, `&ref { }` extensions, `/delete-node/ &ref;`, `/omit-if-no-ref/ &ref;`)
 * whose values are already evaluated (cell expressions use 64-bit arithmetic, as dtc does).
 * Syntax errors are reported and the parser resumes at the next `;` or `}`.
 */

import { paths, type Diagnostic, type FileSystem, type SourceMap, type Span } from '../base/source.js';
import { LazySpan } from './span.js';
import { NAME_AT, NAME_ODD, T, type TokenStream } from './lexer.js';
import type { DtBytesChunk, DtCellItem, DtCellsChunk, DtLabel, DtMemreserve, DtNumberCell, DtRef, DtValueChunk, DtValueLabel } from './types.js';
import { big, decodeString, evalCharLiteral, evalLiteral, fromUtf8, U64_MAX } from './values.js';

const U32_MAX = 0xffffffffn;

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
	/** What the value and the name hold ({@link HAS_LABELS}, {@link HAS_REFS}, {@link NAME_LEXED}...), so the tree builder can skip the rest. */
	flags: number;
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
	/** What the name holds ({@link NAME_LEXED}, {@link NAME_HAS_AT}, {@link NAME_HAS_ODD}). */
	flags: number;
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

/** `AstProp.flags`: the value holds a label, at top level or inside `< >` / `[ ]`. */
export const HAS_LABELS = 1;
/** `AstProp.flags`: the value holds a reference (`&x` in `< >` or as a path). */
export const HAS_REFS = 2;
/**
 * `AstProp.flags`, `AstChild.flags`: the name was read by the lexer, so it only holds name
 * characters, and NAME_HAS_AT / NAME_HAS_ODD tell whether it holds `@` / one of `*#?`.
 */
export const NAME_LEXED = 4;
export const NAME_HAS_AT = 8;
export const NAME_HAS_ODD = 16;

/** Shared empty lists of the syntax tree (never added to). */
const NO_LABELS: DtLabel[] = [];
const NO_PROPS: Array<AstProp | AstDeleteProp> = [];
const NO_CHILDREN: Array<AstChild | AstDeleteNode> = [];

const CH_LT = 60;
const CH_GT = 62;
const CH_LBRACE = 123;
const CH_RBRACE = 125;
const CH_SEMI = 59;
const CH_COMMA = 44;
const CH_EQ = 61;
const CH_LPAREN = 40;
const CH_RPAREN = 41;
const CH_LBRACKET = 91;
const CH_RBRACKET = 93;
const CH_SLASH = 47;

class SyntaxErr extends Error {}

/** Parses a token stream. `fs` is used for `/incbin/`. */
export function parse(ts: TokenStream, diags: Diagnostic[], fs?: FileSystem): AstFile {
	return new Parser(ts, diags, fs).file();
}

class Parser {
	private p = 0;
	private readonly kind: Uint8Array;
	private readonly codes: Uint16Array;
	private readonly start: Int32Array;
	private readonly srcOf: Int32Array;
	/** The text of each source, by index. */
	private readonly texts: string[];
	/** The source map of each source, by index. */
	private readonly maps: SourceMap[];
	/** Scratch stacks where lists are gathered before being copied out at their exact size. */
	private readonly stk: unknown[] = [];
	private readonly propStk: Array<AstProp | AstDeleteProp> = [];
	private readonly childStk: Array<AstChild | AstDeleteNode> = [];
	/** Tops of the scratch stacks (entries above are stale). */
	private sp = 0;
	private psp = 0;
	private csp = 0;
	/** What the last `cells()` or `bytes()` held: 1 a label, 2 a reference. */
	private cellFlags = 0;
	/** What the last `propdata()` held ({@link HAS_LABELS}, {@link HAS_REFS}). */
	private valueFlags = 0;
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
		this.codes = ts.code;
		this.start = ts.start;
		this.srcOf = ts.src;
		this.texts = ts.sources.map((s) => s.text);
		this.maps = ts.sources.map((s) => s.map);
	}

	/** The NAME_* flags of the name token at `at`. */
	private nameFlags(at: number): number {
		const b = this.ts.nameBits[at]!;
		return NAME_LEXED | ((b & NAME_AT) !== 0 ? NAME_HAS_AT : 0) | ((b & NAME_ODD) !== 0 ? NAME_HAS_ODD : 0);
	}

	/** The character code of the single-character token at `at`, or -1 for other tokens. */
	private code(at: number): number {
		if (this.kind[at] !== T.CHAR) return -1;
		return this.codes[at]!;
	}

	private isCode(c: number, at = this.p): boolean {
		return this.kind[at] === T.CHAR && this.codes[at] === c;
	}

	/** Span of tokens a..b (inclusive). */
	private span(a: number, b: number = a): Span {
		const srcOf = this.srcOf;
		const src = srcOf[a]!;
		const map = this.maps[src]!;
		const end = this.ts.end;
		if (srcOf[b] !== src || b < a) return new LazySpan(map, this.start[a]!, end[a]!);
		return new LazySpan(map, this.start[a]!, end[b]!);
	}

	private err(code: string, message: string, span: Span, severity: 'error' | 'warning' = 'error'): void {
		this.diags.push({ severity, code, message, span });
	}

	private isChar(ch: string, at = this.p): boolean {
		return ch.length === 1 && this.isCode(ch.charCodeAt(0), at);
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

	private expectCode(c: number): number {
		if (!this.isCode(c)) this.syntax(`'${String.fromCharCode(c)}'`);
		return this.p++;
	}

	/** Skips to just after the next `;` at this level, or to a `}` (not consumed). */
	private recover(): void {
		let depth = 0;
		for (;;) {
			const k = this.kind[this.p]!;
			if (k === T.EOF) return;
			if (k === T.CHAR) {
				const v = this.code(this.p);
				if (v === CH_LBRACE) depth++;
				else if (v === CH_RBRACE) {
					if (depth === 0) return;
					depth--;
					if (depth === 0 && this.isCode(CH_SEMI, this.p + 1)) {
						this.p += 2;
						return;
					}
				} else if (v === CH_SEMI && depth === 0) {
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
		if (this.isCode(CH_SLASH)) {
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
		const open = this.expectCode(CH_LBRACE);
		if (this.depth >= MAX_NODE_DEPTH) {
			this.err('nesting-depth', `Nodes nested too deeply (more than ${MAX_NODE_DEPTH})`, this.span(open));
			this.p = open;
			this.recover();
			return { props: [], children: [], span: this.span(open) };
		}
		this.depth++;
		// Properties and children are gathered on the scratch stacks above these marks.
		const pbase = this.psp;
		const cbase = this.csp;
		try {
			for (;;) {
				if (this.isCode(CH_RBRACE)) break;
				if (this.kind[this.p] === T.EOF) this.syntax("'}'");
				try {
					this.item(cbase);
				} catch (e) {
					if (!(e instanceof SyntaxErr)) throw e;
					this.recover();
				}
			}
			const close = this.p++;
			this.expectCode(CH_SEMI);
			return {
				props: this.psp === pbase ? NO_PROPS : this.propStk.slice(pbase, this.psp),
				children: this.csp === cbase ? NO_CHILDREN : this.childStk.slice(cbase, this.csp),
				span: this.span(open, close),
			};
		} finally {
			this.depth--;
			this.psp = pbase;
			this.csp = cbase;
		}
	}

	/** One property or child node definition inside a body. */
	private item(cbase: number): void {
		const at = this.p;
		let labels: DtLabel[] | undefined;
		let omit = false;
		for (;;) {
			const k = this.kind[this.p];
			if (k === T.LABEL) {
				(labels ??= []).push({ name: this.ts.value(this.p), span: this.span(this.p) });
				this.p++;
			} else if (k === T.OMIT) {
				omit = true;
				this.p++;
			} else break;
		}
		const ordered = labels === undefined ? NO_LABELS : orderLabels(labels);
		const k = this.kind[this.p];
		if (k === T.DEL_PROP) {
			this.p++;
			if (this.kind[this.p] !== T.NAME) this.syntax('a property name');
			const nameAt = this.p++;
			this.expectCode(CH_SEMI);
			if (omit) this.syntaxAt(at);
			this.addProp(cbase, { kind: 'delete-prop', name: this.ts.value(nameAt), nameSpan: this.span(nameAt), labels: ordered, span: this.span(at, this.p - 1) });
			return;
		}
		if (k === T.DEL_NODE) {
			this.p++;
			if (this.kind[this.p] !== T.NAME) this.syntax('a node name');
			const nameAt = this.p++;
			this.expectCode(CH_SEMI);
			this.childStk[this.csp++] = { kind: 'delete-node', name: this.ts.value(nameAt), nameSpan: this.span(nameAt), labels: ordered, omit, span: this.span(at, this.p - 1) };
			return;
		}
		if (k !== T.NAME) this.syntax('a property or node name');
		const nameAt = this.p++;
		const name = this.ts.value(nameAt);
		if (this.isCode(CH_LBRACE)) {
			const b = this.nodedef();
			this.childStk[this.csp++] = { kind: 'node', name, nameSpan: this.span(nameAt), labels: ordered, omit, body: b, span: this.span(at, this.p - 1), flags: this.nameFlags(nameAt) };
			return;
		}
		if (omit) this.syntaxAt(at);
		if (this.isCode(CH_SEMI)) {
			this.p++;
			this.addProp(cbase, { kind: 'prop', name, nameSpan: this.span(nameAt), labels: ordered, value: [], span: this.span(at, this.p - 1), flags: this.nameFlags(nameAt) });
			return;
		}
		if (!this.isCode(CH_EQ)) this.syntax("'=', ';' or '{'");
		this.p++;
		const vStart = this.p;
		const value = this.propdata();
		const vEnd = this.p - 1;
		this.expectCode(CH_SEMI);
		this.addProp(cbase, { kind: 'prop', name, nameSpan: this.span(nameAt), labels: ordered, value, valueSpan: this.span(vStart, vEnd), span: this.span(at, this.p - 1), flags: this.valueFlags | this.nameFlags(nameAt) });
	}

	private syntaxAt(at: number): never {
		this.p = at;
		this.syntax();
	}

	private addProp(cbase: number, prop: AstProp | AstDeleteProp): void {
		if (this.csp > cbase) this.err('properties-after-subnodes', 'Properties must precede subnodes', prop.span);
		this.propStk[this.psp++] = prop;
	}

	/** A property value: chunks separated by commas, with labels anywhere between. */
	private propdata(): DtValueChunk[] {
		const stk = this.stk;
		const base = this.sp;
		let labels = false;
		let refs = false;
		for (;;) {
			while (this.kind[this.p] === T.LABEL) {
				stk[this.sp++] = this.valueLabel();
				labels = true;
			}
			const at = this.p;
			const k = this.kind[at];
			if (k === T.STRING) {
				this.p++;
				const raw = this.ts.value(at);
				const bytes = decodeString(raw);
				stk[this.sp++] = { kind: 'string', bytes, value: raw.indexOf('\\') < 0 ? raw : fromUtf8(bytes), span: this.span(at) };
			} else if (k === T.REF) {
				this.p++;
				const ref = makeRef(this.ts.value(at), this.span(at));
				stk[this.sp++] = { kind: 'path-ref', ref, path: '', span: ref.span };
				refs = true;
			} else if (k === T.BITS || this.isCode(CH_LT)) {
				const c = this.cells();
				stk[this.sp++] = c;
				if (this.cellFlags & 1) labels = true;
				if (this.cellFlags & 2) refs = true;
			} else if (this.isCode(CH_LBRACKET)) {
				const b = this.bytes();
				stk[this.sp++] = b;
				if (this.cellFlags & 1) labels = true;
			} else if (k === T.INCBIN) {
				stk[this.sp++] = this.incbin();
			} else this.syntax('a value');
			while (this.kind[this.p] === T.LABEL) {
				stk[this.sp++] = this.valueLabel();
				labels = true;
			}
			if (this.isCode(CH_COMMA)) {
				this.p++;
				continue;
			}
			const out = stk.slice(base, this.sp) as DtValueChunk[];
			this.sp = base;
			this.valueFlags = (labels ? HAS_LABELS : 0) | (refs ? HAS_REFS : 0);
			return out;
		}
	}

	private valueLabel(): DtValueLabel {
		const at = this.p++;
		return { kind: 'label', name: this.ts.value(at), span: this.span(at) };
	}

	/**
	 * The value of the plain integer literal token at `at` (decimal or hex, at most 2^52, with or
	 * without U/L suffix), or -1 when `evalLiteral` must read it.
	 */
	private quickLiteral(at: number): number {
		const text = this.texts[this.srcOf[at]!]!;
		let i = this.start[at]!;
		let e = this.ts.end[at]!;
		for (;;) {
			const c = text.charCodeAt(e - 1);
			if (c === 85 || c === 76) e--;
			else break;
		}
		if (e <= i) return -1;
		const c0 = text.charCodeAt(i);
		let v = 0;
		if (c0 === 48 && e - i > 1) {
			const c1 = text.charCodeAt(i + 1);
			if (c1 !== 120 && c1 !== 88) return -1;
			i += 2;
			if (e - i > 13 || e === i) return -1;
			for (; i < e; i++) {
				const c = text.charCodeAt(i);
				let d: number;
				if (c >= 48 && c <= 57) d = c - 48;
				else if (c >= 97 && c <= 102) d = c - 87;
				else if (c >= 65 && c <= 70) d = c - 55;
				else return -1;
				v = v * 16 + d;
			}
			return v;
		}
		if (e - i > 15) return -1;
		for (; i < e; i++) {
			const c = text.charCodeAt(i);
			if (c < 48 || c > 57) return -1;
			v = v * 10 + (c - 48);
		}
		return v;
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
		this.expectCode(CH_LT);
		const stk = this.stk;
		const base = this.sp;
		let flags = 0;
		const mask = bits === 64 ? U64_MAX : bits === 32 ? U32_MAX : (1n << BigInt(bits)) - 1n;
		const numMask = bits === 64 ? Number.MAX_SAFE_INTEGER : bits === 32 ? 0xffffffff : bits === 16 ? 0xffff : 0xff;
		for (;;) {
			const k = this.kind[this.p];
			if (k === T.LABEL) {
				stk[this.sp++] = this.valueLabel();
				flags |= 1;
				continue;
			}
			if (k === T.REF) {
				const refAt = this.p++;
				const span = this.span(refAt);
				const ref = makeRef(this.ts.value(refAt), span);
				if (bits !== 32) this.err('ref-in-non-32-bit-array', 'References are only allowed in arrays with 32-bit elements.', span);
				stk[this.sp++] = { kind: 'ref', ref, value: mask, span };
				flags |= 2;
				continue;
			}
			if (k === T.LITERAL) {
				// The common case: a plain literal that fits the element.
				const q = this.quickLiteral(this.p);
				if (q >= 0 && q <= numMask) {
					const cell: DtNumberCell = { kind: 'number', value: big(q), span: this.span(this.p) };
					this.p++;
					stk[this.sp++] = cell;
					continue;
				}
			} else if (this.isCode(CH_GT)) break;
			const start = this.p;
			const v = this.integerPrim().value;
			if (bits < 64 && v > mask && (v | mask) !== U64_MAX) {
				this.err('value-out-of-range', `Value out of range for ${bits}-bit array element`, this.span(start, this.p - 1));
			}
			const cell: DtNumberCell = { kind: 'number', value: v > mask ? v & mask : v, span: this.span(start, this.p - 1) };
			stk[this.sp++] = cell;
		}
		const end = this.p++;
		const items = stk.slice(base, this.sp) as DtCellItem[];
		this.sp = base;
		this.cellFlags = flags;
		return { kind: 'cells', bits: bits as 8 | 16 | 32 | 64, items, span: this.span(at, end) };
	}

	private bytes(): DtBytesChunk {
		const at = this.p++;
		const stk = this.stk;
		const base = this.sp;
		let flags = 0;
		for (;;) {
			const k = this.kind[this.p];
			if (k === T.BYTE) {
				const text = this.texts[this.srcOf[this.p]!]!;
				const s = this.start[this.p]!;
				stk[this.sp++] = { kind: 'number', value: big(hexDigit(text.charCodeAt(s)) * 16 + hexDigit(text.charCodeAt(s + 1))), span: this.span(this.p) };
				this.p++;
			} else if (k === T.LABEL) {
				stk[this.sp++] = this.valueLabel();
				flags |= 1;
			} else break;
		}
		const end = this.expectCode(CH_RBRACKET);
		const items = stk.slice(base, this.sp) as DtBytesChunk['items'];
		this.sp = base;
		this.cellFlags = flags;
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
		if (this.isCode(CH_LPAREN)) {
			this.p++;
			const v = this.expr();
			this.expectCode(CH_RPAREN);
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
		const v = this.code(this.p);
		switch (level) {
			case 0:
				return k === T.OR ? '||' : '';
			case 1:
				return k === T.AND ? '&&' : '';
			case 2:
				return v === 124 ? '|' : '';
			case 3:
				return v === 94 ? '^' : '';
			case 4:
				return v === 38 ? '&' : '';
			case 5:
				return k === T.EQ ? '==' : k === T.NE ? '!=' : '';
			case 6:
				if (k === T.LE) return '<=';
				if (k === T.GE) return '>=';
				return v === 60 ? '<' : v === 62 ? '>' : '';
			case 7:
				return k === T.LSHIFT ? '<<' : k === T.RSHIFT ? '>>' : '';
			case 8:
				return v === 43 ? '+' : v === 45 ? '-' : '';
			default:
				return v === 42 ? '*' : v === 47 ? '/' : v === 37 ? '%' : '';
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
		const first = this.p;
		for (;;) {
			const v = this.code(this.p);
			if (v !== 45 && v !== 126 && v !== 33) break;
			this.p++;
		}
		const last = this.p;
		let value = this.integerPrim().value;
		for (let i = last - 1; i >= first; i--) {
			const op = this.code(i);
			value = op === 45 ? BigInt.asUintN(64, -value) : op === 126 ? BigInt.asUintN(64, ~value) : value === 0n ? 1n : 0n;
		}
		return value;
	}
}

/** The value of a hex digit (the lexer has checked it is one). */
function hexDigit(c: number): number {
	return c <= 57 ? c - 48 : (c | 32) - 87;
}

/** Orders labels written `a: b: x` as dtc stores them (each new label is put first unless present). */
function orderLabels(written: DtLabel[]): DtLabel[] {
	if (written.length === 1) return written;
	const out: DtLabel[] = [];
	for (let i = written.length - 1; i >= 0; i--) addLabel(out, written[i]!);
	return out;
}

/** dtc's add_label: put the label first unless it is already there. */
export function addLabel(list: DtLabel[], l: DtLabel): void {
	for (const x of list) if (x.name === l.name) return;
	list.unshift(l);
}
