/**
 * Symbols: the outline of one file as the board resolves it (nodes and properties written in that
 * file, nested as written; a `&label { }` block nested under the node it extends when that node is
 * defined in the same file, else at the top level with the node's path as detail; `#define`s), and
 * workspace symbols (labels, node names, node paths) across snapshots.
 */
import type { Span } from '../base/source';
import { boardIndex, keyOf, type NodeBlock } from './locate';
import type { BoardSnapshot, DocumentSymbol, WorkspaceSymbol } from './types';

interface MutableSymbol {
	name: string;
	detail?: string;
	kind: DocumentSymbol['kind'];
	span: Span;
	selectionSpan: Span;
	children: MutableSymbol[];
	block?: NodeBlock;
}

const size = (s: Span): number => keyOf(s.end) - keyOf(s.start);

/** The outline of one file as the board resolves it. */
export function documentSymbols(snapshot: BoardSnapshot, file: string): DocumentSymbol[] {
	const index = boardIndex(snapshot);
	const { nodes, props } = index.blocksIn(file);
	const items: MutableSymbol[] = [];
	for (const b of nodes) {
		const labels = b.node.labels.filter((l) => l.span.file === file).map((l) => l.name);
		const detail = b.ref ? b.node.path : labels.length > 0 ? labels.map((l) => `${l}:`).join(' ') : undefined;
		items.push({ name: b.written, ...(detail ? { detail } : {}), kind: 'node', span: b.event.span, selectionSpan: b.nameSpan, children: [], block: b });
	}
	for (const p of props) items.push({ name: p.prop.name, ...(p.current ? {} : { detail: '(replaced)' }), kind: 'property', span: p.event.span, selectionSpan: p.nameSpan, children: [] });
	for (const m of snapshot.analysis.board.preprocessed.macros) {
		if (m.nameSpan.file !== file) continue;
		items.push({ name: m.name, detail: m.params ? `(${m.params.join(', ')})` : m.body, kind: 'macro', span: m.nameSpan, selectionSpan: m.nameSpan, children: [] });
	}
	items.sort((a, b) => keyOf(a.span.start) - keyOf(b.span.start) || size(b.span) - size(a.span));
	const roots: MutableSymbol[] = [];
	const stack: MutableSymbol[] = [];
	for (const it of items) {
		while (stack.length > 0 && keyOf(stack[stack.length - 1]!.span.end) < keyOf(it.span.end)) stack.pop();
		const parent = stack[stack.length - 1];
		if (parent && keyOf(parent.span.start) <= keyOf(it.span.start) && it.kind !== 'macro') parent.children.push(it);
		else roots.push(it);
		if (it.kind === 'node') stack.push(it);
	}
	// `&label { }` blocks go under the node they extend when that node has a symbol in this file.
	const byNode = new Map<unknown, MutableSymbol>();
	const visit = (list: MutableSymbol[]): void => {
		for (const s of list) {
			if (s.block && !s.block.ref && !byNode.has(s.block.node)) byNode.set(s.block.node, s);
			visit(s.children);
		}
	};
	visit(roots);
	const out = roots.filter((s) => {
		if (!s.block?.ref) return true;
		const owner = byNode.get(s.block.node);
		if (!owner) return true;
		owner.children.push(s);
		return false;
	});
	const freeze = (s: MutableSymbol): DocumentSymbol => ({
		name: s.name,
		...(s.detail !== undefined ? { detail: s.detail } : {}),
		kind: s.kind,
		span: s.span,
		selectionSpan: s.selectionSpan,
		children: s.children.map(freeze),
	});
	return out.map(freeze);
}

/** At most this many workspace symbols. */
export const MAX_WORKSPACE_SYMBOLS = 1000;

/** Labels, node names and paths matching `query` across the snapshots. */
export function workspaceSymbols(snapshots: readonly BoardSnapshot[], query: string): WorkspaceSymbol[] {
	const q = query.trim().toLowerCase();
	const byPath = q.includes('/');
	const seen = new Set<string>();
	const out: WorkspaceSymbol[] = [];
	const push = (s: WorkspaceSymbol): boolean => {
		const key = `${s.kind}|${s.name}|${s.span.file}:${s.span.start.line}:${s.span.start.col}`;
		if (seen.has(key)) return true;
		seen.add(key);
		out.push(s);
		return out.length < MAX_WORKSPACE_SYMBOLS;
	};
	for (const snapshot of snapshots) {
		for (const node of boardIndex(snapshot).nodes) {
			if (!node.nameSpan.file) continue;
			if (byPath) {
				if (node.path.toLowerCase().includes(q) && !push({ name: node.path, kind: 'node', container: node.nameSpan.file, span: node.nameSpan })) return out;
				continue;
			}
			for (const l of node.labels) if (matches(l.name, q) && !push({ name: l.name, kind: 'label', container: node.path, span: l.span })) return out;
			const name = node.name || '/';
			if (matches(name, q) && !push({ name, kind: 'node', container: node.path, span: node.nameSpan })) return out;
		}
	}
	return out;
}

/** Case-insensitive: a substring, or the query's characters in order (`apsm` finds `apps_smmu`). */
function matches(name: string, q: string): boolean {
	if (q === '') return true;
	const n = name.toLowerCase();
	if (n.includes(q)) return true;
	let i = 0;
	for (const c of n) if (c === q[i] && ++i === q.length) return true;
	return false;
}
