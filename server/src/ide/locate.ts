/**
 * The reverse index of a board: from a place in a file (0-based line, UTF-16 column) to what is there
 * in the resolved board — a node name, a label definition, a property name, a value cell (with the
 * property it belongs to), a reference (`&label`, `&{/path}`), a string, an include directive, a macro
 * use or definition. Built once per snapshot (kept on the snapshot: `KeyedCache`), its entries
 * of a file listed when first asked; each lookup is a binary search over the file's entries sorted by
 * start.
 *
 * The index also keeps what the navigation features need: every reference to each node, every use of
 * each macro, every node definition or extension by file.
 */
import type { Position, Span } from '../base/source';
import type { IncludeRecord, MacroRecord, MacroUse } from '../cpp';
import type { DtEvent, DtNode, DtProperty, DtRef } from '../dts/types';
import type { BoardSnapshot } from './types';
import { KeyedCache } from '../../../emulator/src/keyed-cache';

/** One thing at a place. */
export type Located =
	| { readonly kind: 'node-name'; readonly span: Span; readonly node: DtNode }
	| { readonly kind: 'label-def'; readonly span: Span; readonly name: string; readonly node?: DtNode; readonly prop?: DtProperty }
	| { readonly kind: 'property-name'; readonly span: Span; readonly prop: DtProperty; /** False for a definition a later one replaced. */ readonly current: boolean }
	| {
			readonly kind: 'cell';
			readonly span: Span;
			readonly prop: DtProperty;
			/** Index among the property's 32-bit cells; undefined when the value mixes other widths or strings. */
			readonly cellIndex: number | undefined;
			readonly value: bigint;
			/** For `<&label>` cells. */
			readonly ref?: DtRef;
	  }
	| { readonly kind: 'reference'; readonly span: Span; readonly ref: DtRef; /** The property holding it (a path reference in a value), if any. */ readonly prop?: DtProperty }
	| { readonly kind: 'string'; readonly span: Span; readonly prop: DtProperty; readonly value: string; readonly index: number }
	| {
			readonly kind: 'include';
			readonly span: Span;
			/** The directive as written, e.g. `#include <dt-bindings/x.h>`, `/include/ "a.dtsi"`. */
			readonly directive: string;
			readonly spelled: string;
			readonly resolved: string | undefined;
			/** The quoted name inside the directive. */
			readonly nameSpan: Span;
	  }
	| { readonly kind: 'macro-use'; readonly span: Span; readonly use: MacroUse }
	| { readonly kind: 'macro-def'; readonly span: Span; readonly macro: MacroRecord };

/** A node definition or extension in one file (`node { }`, `&label { }`, a re-opened `node { }`). */
export interface NodeBlock {
	readonly node: DtNode;
	readonly event: DtEvent;
	/** The name as written (`serial@1000`, `&uart0`, `&{/soc/x}`, `/`). */
	readonly written: string;
	readonly nameSpan: Span;
	/** The reference of a `&label { }` block. */
	readonly ref?: DtRef;
}

/** A property definition (current or replaced) in one file. */
export interface PropBlock {
	readonly prop: DtProperty;
	readonly event: DtEvent;
	readonly nameSpan: Span;
	readonly current: boolean;
}

export interface BoardIndex {
	/** Everything containing `position` in `file`, innermost (smallest) first. */
	at(file: string, position: Position): Located[];
	/** Entries of `file` (any kind) intersecting `range`. */
	within(range: Span): Located[];
	/** Every reference (in values and `&label { }`) to a node. */
	referencesTo(node: DtNode): readonly Span[];
	/** Every outermost use of a macro definition. */
	usesOf(macro: MacroRecord): readonly MacroUse[];
	/** Macro definitions by name (every `#define` met). */
	macrosNamed(name: string): readonly MacroRecord[];
	/** Node blocks and property definitions in a file, in source order. */
	blocksIn(file: string): { nodes: readonly NodeBlock[]; props: readonly PropBlock[] };
	/** Include directives (`#include` and `/include/`) of a file, in source order. */
	includesIn(file: string): readonly Extract<Located, { kind: 'include' }>[];
	/** Every live node in document order. */
	readonly nodes: readonly DtNode[];
}

const COL_BITS = 2 ** 22;
export const keyOf = (p: Position): number => p.line * COL_BITS + Math.min(p.col, COL_BITS - 1);

export function contains(span: Span, file: string, p: Position): boolean {
	if (span.file !== file) return false;
	const k = keyOf(p);
	return keyOf(span.start) <= k && k <= keyOf(span.end);
}

const sizeOf = (s: Span): number => keyOf(s.end) - keyOf(s.start);

/** A property's value in the sorted lists: expanded to its cells, strings and references on lookup. */
interface ValueEntry {
	readonly kind: 'value';
	readonly span: Span;
	readonly prop: DtProperty;
}
type Entry = Located | ValueEntry;

/** The cells, strings, references and labels of a value. */
function valueItems(prop: DtProperty): Located[] {
	const out: Located[] = [];
	const all32 = prop.value.every((c) => c.kind === 'label' || (c.kind === 'cells' && c.bits === 32));
	let cell = 0;
	let str = 0;
	for (const chunk of prop.value) {
		switch (chunk.kind) {
			case 'label':
				out.push({ kind: 'label-def', span: chunk.span, name: chunk.name, prop });
				break;
			case 'cells':
			case 'bytes':
				for (const item of chunk.items) {
					if (item.kind === 'label') {
						out.push({ kind: 'label-def', span: item.span, name: item.name, prop });
						continue;
					}
					const index = chunk.kind === 'cells' && chunk.bits === 32 && all32 ? cell : undefined;
					if (item.kind === 'ref') out.push({ kind: 'cell', span: item.ref.span, prop, cellIndex: index, value: item.value, ref: item.ref });
					else out.push({ kind: 'cell', span: item.span, prop, cellIndex: index, value: item.value });
					cell++;
				}
				break;
			case 'string':
				out.push({ kind: 'string', span: chunk.span, prop, value: chunk.value, index: str++ });
				break;
			case 'path-ref':
				out.push({ kind: 'reference', span: chunk.ref.span, ref: chunk.ref, prop });
				break;
			case 'incbin':
				break;
		}
	}
	return out;
}

interface FileEntries {
	list: Entry[];
	starts: number[];
	/** Max end key over list[0..i]. */
	maxEnd: number[];
}

const cache = new KeyedCache<BoardSnapshot, BoardIndex>('position index');

/** The index of a snapshot (built on first use, then kept as long as the snapshot lives). */
export function boardIndex(snapshot: BoardSnapshot): BoardIndex {
	let idx = cache.get(snapshot);
	if (!idx) {
		idx = buildIndex(snapshot);
		cache.set(snapshot, idx);
	}
	return idx;
}

/** The offsets at which the lines of `text` start. */
function lineStartsOf(text: string): number[] {
	const s = [0];
	for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) s.push(i + 1);
	return s;
}

/** Line start offsets per file text (for scanning names after labels). */
function textAt(snapshot: BoardSnapshot): (span: Span) => { text: string; offset: number; starts: number[] } | undefined {
	const starts = new Map<string, number[]>();
	return (span) => {
		const text = snapshot.text(span.file);
		if (text === undefined) return undefined;
		let s = starts.get(span.file);
		if (!s) {
			s = lineStartsOf(text);
			starts.set(span.file, s);
		}
		const lineStart = s[span.start.line];
		if (lineStart === undefined) return undefined;
		return { text, offset: lineStart + span.start.col, starts: s };
	};
}

const LABELS = /^(?:\s*[A-Za-z_][A-Za-z0-9_]*\s*:)*\s*/y;
const NODE_NAME = /[A-Za-z0-9,._+@#-]+|\//y;
const PROP_NAME = /[A-Za-z0-9,._+?#-]+/y;
const REF = /&(?:\{[^}]*\}|[A-Za-z_][A-Za-z0-9_]*)/y;

function buildIndex(snapshot: BoardSnapshot): BoardIndex {
	const { board } = snapshot.analysis;
	const tree = board.tree;
	const pre = board.preprocessed;
	const files = new Map<string, Entry[]>();
	const add = (e: Entry): void => {
		if (!e.span.file) return;
		let l = files.get(e.span.file);
		if (!l) files.set(e.span.file, (l = []));
		l.push(e);
	};
	/** The references of `&label { }` blocks by node, found by the walk; those in values are listed on first use. */
	const blockRefs = new Map<DtNode, DtRef[]>();
	const nodeBlocks = new Map<string, NodeBlock[]>();
	const propBlocks = new Map<string, PropBlock[]>();
	const push = <T>(m: Map<string, T[]>, file: string, v: T): void => {
		let l = m.get(file);
		if (!l) m.set(file, (l = []));
		l.push(v);
	};
	const read = textAt(snapshot);
	const spanFrom = (file: string, starts: number[], from: number, to: number): Span => {
		const pos = (o: number): Position => {
			let lo = 0;
			let hi = starts.length - 1;
			while (lo < hi) {
				const mid = (lo + hi + 1) >> 1;
				if (starts[mid]! <= o) lo = mid;
				else hi = mid - 1;
			}
			return { line: lo, col: o - starts[lo]! };
		};
		return { file, start: pos(from), end: pos(to) };
	};
	/** The name written after optional labels at the start of `span`, matched by `re`. */
	const nameAfterLabels = (span: Span, re: RegExp): { text: string; span: Span } | undefined => {
		const t = read(span);
		if (!t) return undefined;
		LABELS.lastIndex = t.offset;
		const m = LABELS.exec(t.text);
		const at = m ? LABELS.lastIndex : t.offset;
		re.lastIndex = at;
		const n = re.exec(t.text);
		if (!n || n.index !== at) return undefined;
		return { text: n[0], span: spanFrom(span.file, t.starts, at, at + n[0].length) };
	};

	const nodes: DtNode[] = [];
	const walk = (node: DtNode): void => {
		if (node.generated) return;
		nodes.push(node);
		if (node.nameSpan.file) add({ kind: 'node-name', span: node.nameSpan, node });
		for (const l of node.labels) add({ kind: 'label-def', span: l.span, name: l.name, node });
		for (const ev of node.events) {
			if (ev.kind === 'delete' || !ev.span.file) continue;
			if (ev.kind === 'define') {
				push(nodeBlocks, ev.span.file, { node, event: ev, written: node.name || '/', nameSpan: node.nameSpan.file === ev.span.file ? node.nameSpan : ev.span });
				continue;
			}
			// An extension: `&ref { }` at the top level or a re-opened `name { }`.
			const r = nameAfterLabels(ev.span, REF);
			if (r) {
				const text = r.text.startsWith('&{') ? r.text.slice(2, -1) : r.text.slice(1);
				const ref: DtRef = { text, ...(text.startsWith('/') ? { path: text } : { label: text }), span: r.span, target: node };
				add({ kind: 'reference', span: r.span, ref });
				const l = blockRefs.get(node);
				if (l) l.push(ref);
				else blockRefs.set(node, [ref]);
				push(nodeBlocks, ev.span.file, { node, event: ev, written: r.text, nameSpan: r.span, ref });
				continue;
			}
			const n = nameAfterLabels(ev.span, NODE_NAME);
			const nameSpan = n?.span ?? ev.span;
			if (n) add({ kind: 'node-name', span: nameSpan, node });
			push(nodeBlocks, ev.span.file, { node, event: ev, written: node.name || '/', nameSpan });
		}
		// Properties are indexed per node on first use (their spans cost a source-map search each),
		// the references in their values on the first `referencesTo`.
		for (const c of node.children) walk(c);
	};
	walk(tree.root);

	let refs: Map<DtNode, Span[]> | undefined;
	const referencesTo = (node: DtNode): readonly Span[] => {
		if (!refs) {
			const m = new Map<DtNode, Span[]>();
			const addRef = (ref: DtRef): void => {
				if (!ref.target) return;
				let l = m.get(ref.target);
				if (!l) m.set(ref.target, (l = []));
				l.push(ref.span);
			};
			for (const n of nodes) {
				for (const ref of blockRefs.get(n) ?? []) addRef(ref);
				for (const prop of n.properties) {
					if (prop.generated) continue;
					for (const chunk of prop.value) {
						if (chunk.kind === 'path-ref') addRef(chunk.ref);
						else if (chunk.kind === 'cells') for (const item of chunk.items) if (item.kind === 'ref') addRef(item.ref);
					}
				}
			}
			refs = m;
		}
		return refs.get(node) ?? [];
	};

	/** A node's property-level entries (names, labels, values) and property definitions, built once. */
	const propLevel = new Map<DtNode, { entries: Entry[]; blocks: PropBlock[] }>();
	const propsOf = (node: DtNode): { entries: Entry[]; blocks: PropBlock[] } => {
		let r = propLevel.get(node);
		if (r) return r;
		r = { entries: [], blocks: [] };
		propLevel.set(node, r);
		for (const prop of node.properties) {
			if (prop.generated) continue;
			if (prop.nameSpan.file) r.entries.push({ kind: 'property-name', span: prop.nameSpan, prop, current: true });
			for (const l of prop.labels) r.entries.push({ kind: 'label-def', span: l.span, name: l.name, prop });
			for (const ev of prop.events) {
				if (ev.kind === 'delete' || !ev.span.file) continue;
				const current = ev.span === prop.span || (ev.span.file === prop.span.file && keyOf(ev.span.start) === keyOf(prop.span.start));
				let nameSpan = current ? prop.nameSpan : undefined;
				if (!nameSpan) {
					const n = nameAfterLabels(ev.span, PROP_NAME);
					nameSpan = n?.span ?? ev.span;
					r.entries.push({ kind: 'property-name', span: nameSpan, prop, current: false });
				}
				r.blocks.push({ prop, event: ev, nameSpan, current });
			}
			// A value is one entry; its cells are listed when a lookup lands in it.
			if (prop.valueSpan?.file) r.entries.push({ kind: 'value', span: prop.valueSpan, prop });
		}
		return r;
	};

	// Preprocessor records and the per-file lists, each made on first use: a hover reads one file.
	let includeRecords: Map<string, IncludeRecord[]> | undefined;
	const includes = new Map<string, Extract<Located, { kind: 'include' }>[]>();
	/** A file's include directives in source order: the preprocessor's records and dtc's `/include/`. */
	const includesOf = (file: string): Extract<Located, { kind: 'include' }>[] => {
		let out = includes.get(file);
		if (out) return out;
		if (!includeRecords) {
			includeRecords = new Map();
			for (const inc of pre.includes) push(includeRecords, inc.directive.file, inc);
		}
		out = (includeRecords.get(file) ?? []).map((inc) => includeEntry(inc, read, spanFrom));
		// dtc's `/include/ "file"`: not in the preprocessor's records; found in the text of the file.
		const text = pre.files.includes(file) ? snapshot.text(file) : undefined;
		if (text?.includes('/include/')) {
			const starts = lineStartsOf(text);
			const re = /\/include\/\s*"([^"\n]*)"/g;
			for (let m = re.exec(text); m; m = re.exec(text)) {
				const lineStart = starts[spanFrom(file, starts, m.index, m.index).start.line]!;
				if (/^\s*(\/\/|\*|\/\*)/.test(text.slice(lineStart, m.index))) continue;
				const spelled = m[1]!;
				const q = m.index + m[0].lastIndexOf('"', m[0].length - 2);
				const dir = file.slice(0, file.lastIndexOf('/'));
				const own = `${dir}/${spelled}`;
				const resolved = tree.includes.find((f) => f === own) ?? tree.includes.find((f) => f.endsWith(`/${spelled}`));
				out.push({ kind: 'include', span: spanFrom(file, starts, m.index, m.index + m[0].length), directive: `/include/ "${spelled}"`, spelled, resolved, nameSpan: spanFrom(file, starts, q, q + spelled.length + 2) });
			}
		}
		out.sort((a, b) => keyOf(a.span.start) - keyOf(b.span.start));
		includes.set(file, out);
		return out;
	};
	let uses: Map<MacroRecord, MacroUse[]> | undefined;
	let macrosByName: Map<string, MacroRecord[]> | undefined;
	const macroMaps = (): { uses: Map<MacroRecord, MacroUse[]>; macrosByName: Map<string, MacroRecord[]> } => {
		if (!uses || !macrosByName) {
			uses = new Map();
			macrosByName = new Map();
			for (const m of pre.macros) {
				const l = macrosByName.get(m.name);
				if (l) l.push(m);
				else macrosByName.set(m.name, [m]);
			}
			for (const u of pre.macroUses) {
				if (!u.definition) continue;
				const l = uses.get(u.definition);
				if (l) l.push(u);
				else uses.set(u.definition, [u]);
			}
		}
		return { uses, macrosByName };
	};

	const byFile = new Map<string, FileEntries>();
	/** A file's entries (nodes, labels, block references, includes, macros) sorted by start. */
	const entriesOf = (file: string): FileEntries => {
		let fe = byFile.get(file);
		if (fe) return fe;
		const all: Entry[] = [...(files.get(file) ?? []), ...includesOf(file)];
		for (const m of pre.macros) if (m.nameSpan.file === file) all.push({ kind: 'macro-def', span: m.nameSpan, macro: m });
		for (const u of pre.macroUses) if (u.span.file === file) all.push({ kind: 'macro-use', span: u.span, use: u });
		// Sorted by start, the larger first; keys read once per entry, not per comparison.
		const n = all.length;
		const startKey = new Float64Array(n);
		const endKey = new Float64Array(n);
		for (let i = 0; i < n; i++) {
			const span = all[i]!.span;
			startKey[i] = keyOf(span.start);
			endKey[i] = keyOf(span.end);
		}
		const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => startKey[a]! - startKey[b]! || endKey[b]! - startKey[b]! - (endKey[a]! - startKey[a]!));
		const list: Entry[] = [];
		const starts: number[] = [];
		const maxEnd: number[] = [];
		let m = -1;
		for (const i of order) {
			list.push(all[i]!);
			starts.push(startKey[i]!);
			m = Math.max(m, endKey[i]!);
			maxEnd.push(m);
		}
		fe = { list, starts, maxEnd };
		byFile.set(file, fe);
		return fe;
	};
	/** Per file: the node blocks sorted by start, their start keys, and each block's enclosing block. */
	const blockTrees = new Map<string, { blocks: NodeBlock[]; starts: number[]; parent: number[] }>();
	const blockTreeOf = (file: string): { blocks: NodeBlock[]; starts: number[]; parent: number[] } => {
		let t = blockTrees.get(file);
		if (t) return t;
		const l = nodeBlocks.get(file) ?? [];
		l.sort((a, b) => keyOf(a.event.span.start) - keyOf(b.event.span.start) || sizeOf(b.event.span) - sizeOf(a.event.span));
		const parent: number[] = [];
		const stack: number[] = [];
		l.forEach((b, i) => {
			while (stack.length > 0 && keyOf(l[stack[stack.length - 1]!]!.event.span.end) < keyOf(b.event.span.end)) stack.pop();
			parent.push(stack.length > 0 ? stack[stack.length - 1]! : -1);
			stack.push(i);
		});
		t = { blocks: l, starts: l.map((b) => keyOf(b.event.span.start)), parent };
		blockTrees.set(file, t);
		return t;
	};
	/** The nodes whose blocks in `file` contain key `k` (innermost first). */
	const nodesAround = (file: string, k: number): DtNode[] => {
		const t = blockTreeOf(file);
		let lo = 0;
		let hi = t.starts.length - 1;
		let i = -1;
		while (lo <= hi) {
			const mid = (lo + hi) >> 1;
			if (t.starts[mid]! <= k) {
				i = mid;
				lo = mid + 1;
			} else hi = mid - 1;
		}
		const out: DtNode[] = [];
		for (; i >= 0; i = t.parent[i]!) {
			const b = t.blocks[i]!;
			if (keyOf(b.event.span.end) >= k && !out.includes(b.node)) out.push(b.node);
		}
		return out;
	};
	const expand = (e: Entry, keep: (s: Span) => boolean, out: Located[]): void => {
		if (e.kind !== 'value') {
			if (keep(e.span)) out.push(e);
			return;
		}
		if (!keep(e.span)) return;
		for (const item of valueItems(e.prop)) if (keep(item.span)) out.push(item);
	};
	const propBlocksIn = (file: string): PropBlock[] => {
		let l = propBlocks.get(file);
		if (l) return l;
		l = [];
		for (const node of new Set((nodeBlocks.get(file) ?? []).map((b) => b.node))) for (const b of propsOf(node).blocks) if (b.event.span.file === file) l.push(b);
		l.sort((a, b) => keyOf(a.event.span.start) - keyOf(b.event.span.start));
		propBlocks.set(file, l);
		return l;
	};

	const kindRank: Record<Entry['kind'], number> = {
		value: 7,
		reference: 0,
		cell: 1,
		string: 1,
		'label-def': 2,
		'property-name': 3,
		'node-name': 3,
		'macro-use': 5,
		'macro-def': 4,
		include: 6,
	};
	return {
		nodes,
		at(file, position) {
			const fe = entriesOf(file);
			const k = keyOf(position);
			// Last entry starting at or before k.
			let lo = 0;
			let hi = fe.starts.length - 1;
			let last = -1;
			while (lo <= hi) {
				const mid = (lo + hi) >> 1;
				if (fe.starts[mid]! <= k) {
					last = mid;
					lo = mid + 1;
				} else hi = mid - 1;
			}
			const out: Located[] = [];
			const keep = (s: Span): boolean => contains(s, file, position);
			for (let i = last; i >= 0 && fe.maxEnd[i]! >= k; i--) expand(fe.list[i]!, keep, out);
			for (const node of nodesAround(file, k)) for (const e of propsOf(node).entries) expand(e, keep, out);
			return out.sort((a, b) => sizeOf(a.span) - sizeOf(b.span) || kindRank[a.kind] - kindRank[b.kind]);
		},
		within(range) {
			const fe = entriesOf(range.file);
			const from = keyOf(range.start);
			const to = keyOf(range.end);
			const keep = (s: Span): boolean => s.file === range.file && keyOf(s.end) >= from && keyOf(s.start) <= to;
			const out: Located[] = [];
			for (let i = 0; i < fe.list.length && fe.starts[i]! <= to; i++) expand(fe.list[i]!, keep, out);
			const seen = new Set<DtNode>();
			for (const b of blockTreeOf(range.file).blocks) {
				if (keyOf(b.event.span.start) > to) break;
				if (keyOf(b.event.span.end) < from || seen.has(b.node)) continue;
				seen.add(b.node);
				for (const e of propsOf(b.node).entries) expand(e, keep, out);
			}
			return out.sort((a, b) => keyOf(a.span.start) - keyOf(b.span.start) || sizeOf(b.span) - sizeOf(a.span));
		},
		referencesTo,
		usesOf: (macro) => macroMaps().uses.get(macro) ?? [],
		macrosNamed: (name) => macroMaps().macrosByName.get(name) ?? [],
		blocksIn: (file) => ({ nodes: blockTreeOf(file).blocks, props: propBlocksIn(file) }),
		includesIn: includesOf,
	};
}

function includeEntry(
	inc: IncludeRecord,
	read: (span: Span) => { text: string; offset: number; starts: number[] } | undefined,
	spanFrom: (file: string, starts: number[], from: number, to: number) => Span,
): Extract<Located, { kind: 'include' }> {
	let nameSpan = inc.directive;
	const t = read(inc.directive);
	if (t) {
		const lineEnd = t.text.indexOf('\n', t.offset);
		const line = t.text.slice(t.offset, lineEnd < 0 ? undefined : lineEnd);
		const quoted = inc.system ? `<${inc.spelled}>` : `"${inc.spelled}"`;
		const i = line.indexOf(quoted);
		if (i >= 0) nameSpan = spanFrom(inc.directive.file, t.starts, t.offset + i, t.offset + i + quoted.length);
	}
	return { kind: 'include', span: inc.directive, directive: `#include ${inc.system ? `<${inc.spelled}>` : `"${inc.spelled}"`}`, spelled: inc.spelled, resolved: inc.resolved, nameSpan };
}

/** The node a located entry is about, if any. */
export function nodeOf(e: Located): DtNode | undefined {
	switch (e.kind) {
		case 'node-name':
			return e.node;
		case 'label-def':
			return e.node ?? e.prop?.node;
		case 'reference':
			return e.ref.target;
		case 'cell':
			return e.ref?.target;
		default:
			return undefined;
	}
}
