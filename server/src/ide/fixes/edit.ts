/**
 * Shared helpers of the quick fixes (not a fix itself): reading the snapshot's texts at spans,
 * indentation style, deciding whether a value's cells are written in the file (rather than produced
 * by a macro body), and removing a run of cells from a property value without touching anything else.
 *
 * Every helper returns `undefined` when it cannot be sure its edit is safe: a fix then offers nothing.
 */
import { lineStarts, positionAt, type Position, type Span } from '../../base/source';
import type { DtCellsChunk, DtNode, DtNumberCell, DtProperty, DtRefCell } from '../../dts/types';
import type { BoardSnapshot, TextEdit } from '../types';

/** A file's text with offset/position conversion. */
export class FileText {
	private starts: number[] | undefined;
	constructor(
		readonly path: string,
		readonly text: string,
	) {}
	offset(p: Position): number {
		this.starts ??= lineStarts(this.text);
		const start = this.starts[p.line];
		return start === undefined ? this.text.length : Math.min(start + p.col, this.text.length);
	}
	position(offset: number): Position {
		this.starts ??= lineStarts(this.text);
		return positionAt(this.starts, offset);
	}
	slice(span: Span): string {
		return this.text.slice(this.offset(span.start), this.offset(span.end));
	}
	span(start: number, end: number): Span {
		return { file: this.path, start: this.position(start), end: this.position(end) };
	}
	/** The whitespace that starts the line holding `offset`. */
	indentAt(offset: number): string {
		const lineStart = this.text.lastIndexOf('\n', offset - 1) + 1;
		return /^[ \t]*/.exec(this.text.slice(lineStart))![0];
	}
	/** The line's end-of-line sequence (`\r\n` when the file uses it). */
	get eol(): string {
		return this.text.includes('\r\n') ? '\r\n' : '\n';
	}
}

/** Cached file texts of one snapshot. */
export class Texts {
	private files = new Map<string, FileText | undefined>();
	constructor(readonly snapshot: Pick<BoardSnapshot, 'text'>) {}
	get(path: string): FileText | undefined {
		if (!this.files.has(path)) {
			const t = this.snapshot.text(path);
			this.files.set(path, t === undefined ? undefined : new FileText(path, t));
		}
		return this.files.get(path);
	}
	slice(span: Span): string | undefined {
		return this.get(span.file)?.slice(span);
	}
}

/** One indentation step of a file: a tab when its indented lines use tabs, else the smallest run of spaces. */
export function indentUnit(text: string): string {
	let tabs = 0;
	let spaces = 0;
	let smallest = Infinity;
	for (const m of text.matchAll(/^([ \t]+)\S/gm)) {
		const ws = m[1]!;
		if (ws.startsWith('\t')) tabs++;
		else {
			spaces++;
			smallest = Math.min(smallest, ws.length);
		}
	}
	return tabs >= spaces || smallest === Infinity ? '\t' : ' '.repeat(smallest);
}

/** The indentation one level deeper than `indent`, in the style of `unit`. */
export function deeper(indent: string, unit: string): string {
	return indent + unit;
}

const NUMBER = /^(?:0[xX][0-9a-fA-F]+|0[0-7]*|[1-9][0-9]*)[uU]?[lL]{0,2}$/;

/** The value of a C/dtc integer literal, or undefined when `text` is not one. */
export function literalValue(text: string): bigint | undefined {
	const t = text.trim();
	if (!NUMBER.test(t)) return undefined;
	const digits = t.replace(/[uUlL]+$/, '');
	if (/^0[xX]/.test(digits)) return BigInt(digits);
	if (digits.length > 1 && digits.startsWith('0')) return BigInt(`0o${digits.slice(1)}`);
	return BigInt(digits);
}

export type Cell = { item: DtNumberCell | DtRefCell; chunk: DtCellsChunk };

/** The 32-bit cells of a property in order, or undefined when the value has anything else (strings, other widths, labels). */
export function cellsOf(prop: DtProperty): Cell[] | undefined {
	const out: Cell[] = [];
	for (const chunk of prop.value) {
		if (chunk.kind !== 'cells' || chunk.bits !== 32) return undefined;
		for (const item of chunk.items) {
			if (item.kind === 'label') return undefined;
			out.push({ item, chunk });
		}
	}
	return out;
}

const before = (a: Position, b: Position): boolean => a.line < b.line || (a.line === b.line && a.col <= b.col);

/**
 * True when each cell's text is written in the file where the property is, in order and not shared
 * with another cell (a macro that produced one whole cell is fine: its invocation is that cell's
 * text; a macro that produced several cells, or a `< >`, is not), and each chunk is a written `< >`.
 */
export function cellsWritten(texts: Texts, prop: DtProperty, cells: readonly Cell[]): boolean {
	const value = prop.valueSpan;
	if (!value) return false;
	const file = texts.get(value.file);
	if (!file) return false;
	let last: Position | undefined;
	const chunks = new Set<DtCellsChunk>();
	for (const c of cells) {
		const s = c.item.span;
		if (s.file !== value.file || !before(value.start, s.start) || !before(s.end, value.end)) return false;
		if (last && !before(last, s.start)) return false;
		if (s.start.line === s.end.line && s.start.col === s.end.col) return false;
		last = s.end;
		chunks.add(c.chunk);
		const text = file.slice(s);
		if (c.item.kind === 'ref' ? !text.startsWith('&') : /[;{}]/.test(text)) return false;
	}
	for (const chunk of chunks) {
		const t = file.slice(chunk.span);
		if (chunk.span.file !== value.file || !t.startsWith('<') || !t.endsWith('>')) return false;
	}
	return true;
}

/** True when the cell's text is a number literal of its value (so replacing that text edits just this value). */
export function literalCell(texts: Texts, cell: Cell): boolean {
	if (cell.item.kind !== 'number') return false;
	const t = texts.slice(cell.item.span);
	return t !== undefined && literalValue(t) === cell.item.value;
}

/** Text between two offsets is only separators (whitespace and commas). */
const onlySeparators = (s: string): boolean => /^[\s,]*$/.test(s);

/**
 * Edits that delete a whole property definition: the line when the definition is alone on it. When an
 * earlier definition (a .dtsi) would come back, the definition is replaced by `/delete-property/`.
 */
export function deleteProperty(texts: Texts, prop: DtProperty): TextEdit[] | undefined {
	const file = texts.get(prop.span.file);
	if (!file) return undefined;
	const start = file.offset(prop.span.start);
	const end = file.offset(prop.span.end);
	const written = file.text.slice(start, end);
	if (!written.startsWith(prop.name) && !/^[\w-]+:/.test(written)) return undefined;
	const earlier = prop.events.filter((e) => e.kind !== 'delete').length > 1;
	if (earlier) return [{ span: file.span(start, end), newText: `/delete-property/ ${prop.name};` }];
	const lineStart = file.text.lastIndexOf('\n', start - 1) + 1;
	const nl = file.text.indexOf('\n', end);
	const lineEnd = nl < 0 ? file.text.length : nl + 1;
	if (/^[ \t]*$/.test(file.text.slice(lineStart, start)) && /^[ \t]*\r?$/.test(file.text.slice(end, nl < 0 ? file.text.length : nl))) {
		return [{ span: file.span(lineStart, lineEnd), newText: '' }];
	}
	return [{ span: file.span(start, end), newText: '' }];
}

/**
 * Edits that remove cells [first, first + count) of a property (one entry of a list) with the
 * separator next to them; the whole property when they are all of it. Undefined when not safe.
 */
export function deleteCells(texts: Texts, prop: DtProperty, first: number, count: number): TextEdit[] | undefined {
	const cells = cellsOf(prop);
	if (!cells || count <= 0 || first < 0 || first + count > cells.length) return undefined;
	if (count === cells.length) return deleteProperty(texts, prop);
	if (!cellsWritten(texts, prop, cells)) return undefined;
	const file = texts.get(prop.valueSpan!.file)!;
	const entry = cells.slice(first, first + count);
	const chunks = [...new Set(cells.map((c) => c.chunk))];
	const firstChunk = chunks.indexOf(entry[0]!.chunk);
	const lastChunk = chunks.indexOf(entry[entry.length - 1]!.chunk);
	const whole = chunks.slice(firstChunk, lastChunk + 1).every((ch) => ch.items.every((it) => entry.some((e) => e.item === it)));
	let from: number;
	let to: number;
	if (whole) {
		const startOf = file.offset(chunks[firstChunk]!.span.start);
		const endOf = file.offset(chunks[lastChunk]!.span.end);
		if (firstChunk > 0) {
			from = file.offset(chunks[firstChunk - 1]!.span.end);
			to = endOf;
			if (!onlySeparators(file.text.slice(from, startOf))) return undefined;
		} else {
			from = startOf;
			to = file.offset(chunks[lastChunk + 1]!.span.start);
			if (!onlySeparators(file.text.slice(endOf, to))) return undefined;
		}
	} else {
		if (firstChunk !== lastChunk) return undefined;
		const chunk = entry[0]!.chunk;
		const inChunk = cells.filter((c) => c.chunk === chunk);
		const i = inChunk.indexOf(entry[0]!);
		const j = inChunk.indexOf(entry[entry.length - 1]!);
		const startOf = file.offset(entry[0]!.item.span.start);
		const endOf = file.offset(entry[entry.length - 1]!.item.span.end);
		if (i > 0) {
			from = file.offset(inChunk[i - 1]!.item.span.end);
			to = endOf;
			if (!/^\s*$/.test(file.text.slice(from, startOf))) return undefined;
		} else {
			from = startOf;
			to = file.offset(inChunk[j + 1]!.item.span.start);
			if (!/^\s*$/.test(file.text.slice(endOf, to))) return undefined;
		}
	}
	// Whatever lies between the deleted cells must be whitespace too (no comments are lost).
	for (let k = 1; k < entry.length; k++) {
		const gap = file.text.slice(file.offset(entry[k - 1]!.item.span.end), file.offset(entry[k]!.item.span.start));
		if (!/^[\s<>,]*$/.test(gap)) return undefined;
	}
	return [{ span: file.span(from, to), newText: '' }];
}

/**
 * The `iommus` entries of a property: [first cell, cell count] per entry, split by each target's
 * `#iommu-cells` as `of_parse_phandle_with_args()` does. Undefined when a phandle does not resolve.
 */
export function iommusEntries(prop: DtProperty, byPhandle: (phandle: number) => DtNode | undefined): Array<[number, number]> | undefined {
	const cells = cellsOf(prop);
	if (!cells) return undefined;
	const out: Array<[number, number]> = [];
	for (let i = 0; i < cells.length; ) {
		const target = byPhandle(Number(cells[i]!.item.value));
		const n = target ? u32Of(target.property('#iommu-cells')) : undefined;
		if (n === undefined || i + 1 + n > cells.length) return undefined;
		out.push([i, 1 + n]);
		i += 1 + n;
	}
	return out;
}

/** A one-cell property's value. */
export function u32Of(prop: DtProperty | undefined): number | undefined {
	const cells = prop ? cellsOf(prop) : undefined;
	return cells && cells.length === 1 ? Number(cells[0]!.item.value) : undefined;
}

/** The body (`{ ... }`) of `node` written in the definition or extension that holds `inner`, as offsets of `{` and `}`. */
export function bodyHolding(texts: Texts, node: DtNode, inner: Span): { file: FileText; open: number; close: number } | undefined {
	const file = texts.get(inner.file);
	if (!file) return undefined;
	const holding = node.events
		.filter((e) => (e.kind === 'define' || e.kind === 'extend') && e.span.file === inner.file && before(e.span.start, inner.start) && before(inner.end, e.span.end))
		.sort((a, b) => file.offset(b.span.start) - file.offset(a.span.start))[0];
	if (!holding) return undefined;
	const s = file.offset(holding.span.start);
	const e = file.offset(holding.span.end);
	const open = file.text.indexOf('{', s);
	const close = file.text.lastIndexOf('}', e);
	if (open < 0 || close < 0 || open > file.offset(inner.start) || close < file.offset(inner.end)) return undefined;
	return { file, open, close };
}

/**
 * Edits that add one property (`text`, e.g. `status = "okay";`) to `node` in the board file, never in
 * a shared .dtsi (other boards include it): inside the node's last definition or `&label { }` written
 * in the board (after its last property there, indented like it), else a new `&label { text };` block
 * appended to the board file (`&{/path}` when the node has no label), indented like the board file.
 */
export function addPropertyInBoard(texts: Texts, board: string, node: DtNode, text: string): TextEdit[] | undefined {
	const file = texts.get(board);
	if (!file) return undefined;
	const unit = indentUnit(file.text);
	const eol = file.eol;
	const written = [...node.events].reverse().find((e) => (e.kind === 'extend' || e.kind === 'define') && e.span.file === board);
	if (written) {
		const body = bodyHolding(texts, node, { file: board, start: written.span.end, end: written.span.end }) ?? bodyWithin(file, written.span);
		if (!body) return undefined;
		const props = node.properties.filter((p) => p.span.file === board && file.offset(p.span.start) > body.open && file.offset(p.span.end) <= body.close);
		const lastProp = props.sort((a, b) => file.offset(b.span.end) - file.offset(a.span.end))[0];
		const closeIndent = file.indentAt(body.close);
		const indent = lastProp ? file.indentAt(file.offset(lastProp.span.start)) : closeIndent + unit;
		const at = lastProp ? file.offset(lastProp.span.end) : body.open + 1;
		if (!lastProp && file.text.slice(body.open + 1, body.close).trim() === '' && !file.text.slice(body.open, body.close).includes('\n')) {
			// `&smmu { };` on one line.
			return [{ span: file.span(body.open + 1, body.close), newText: ` ${text} ` }];
		}
		return [{ span: file.span(at, at), newText: `${eol}${indent}${text}` }];
	}
	const ref = node.labels[0] ? `&${node.labels[0].name}` : `&{${node.path}}`;
	const block = `${ref} {${eol}${unit}${text}${eol}};${eol}`;
	const end = file.text.length;
	const lead = file.text.length === 0 ? '' : file.text.endsWith('\n') ? eol : eol + eol;
	return [{ span: file.span(end, end), newText: lead + block }];
}

/** The outermost `{` and `}` within a span of a file. */
function bodyWithin(file: FileText, span: Span): { open: number; close: number } | undefined {
	const s = file.offset(span.start);
	const e = file.offset(span.end);
	const open = file.text.indexOf('{', s);
	const close = file.text.lastIndexOf('}', e);
	return open >= 0 && close > open ? { open, close } : undefined;
}
