/**
 * The outline and the folding ranges of one devicetree source from its syntax tree alone
 * (tree-sitter-devicetree, parsed incrementally by the language server as the user types): no
 * preprocessing, no board. It serves a file before (or without) a build context and a half-typed
 * file, where the resolved outline (`symbols.ts`) is not there yet. Nodes (with their labels as
 * detail; `&label { }` and `&{/path} { }` under the reference) and properties; nodes inside `#if`
 * groups are listed where they are written. Iterative walks, so no depth of nesting overflows the
 * stack.
 */
import { lineStarts, positionAt, type Span } from '../base/source';
import type { SyntaxNode } from '../syntax/parser';
import type { DocumentSymbol } from './types';

interface Draft {
	name: string;
	detail?: string;
	kind: 'node' | 'property';
	span: Span;
	selectionSpan: Span;
	children: Draft[];
}

/** The outline of a file from its syntax tree (`root` parsed from `text`). */
export function syntaxOutline(root: SyntaxNode, text: string, file: string): DocumentSymbol[] {
	const starts = lineStarts(text);
	const span = (from: number, to: number): Span => ({ file, start: positionAt(starts, from), end: positionAt(starts, to) });
	const top: Draft[] = [];
	const stack: Array<{ node: SyntaxNode; into: Draft[] }> = [{ node: root, into: top }];
	while (stack.length > 0) {
		const { node, into } = stack.pop()!;
		let childrenInto = into;
		if (node.type === 'node' || node.type === 'property') {
			const name = node.childForFieldName('name');
			if (name) {
				// The `address` field is `@` and the unit address: the named child is the address itself.
				let address: SyntaxNode | null = null;
				for (let i = 0; node.type === 'node' && i < node.namedChildCount && !address; i++) if (node.namedChild(i)?.type === 'unit_address') address = node.namedChild(i);
				const labels: string[] = [];
				for (let i = 0; i < node.childCount; i++) {
					const c = node.child(i);
					if (!c || c.startIndex >= name.startIndex) break;
					if (c.type === 'identifier') labels.push(c.text);
				}
				const draft: Draft = {
					name: address ? `${name.text}@${address.text}` : name.text,
					...(labels.length ? { detail: labels.map((l) => `${l}:`).join(' ') } : {}),
					kind: node.type,
					span: span(node.startIndex, node.endIndex),
					selectionSpan: span(name.startIndex, (address ?? name).endIndex),
					children: [],
				};
				into.push(draft);
				childrenInto = draft.children;
			}
		}
		if (node.type === 'property') continue;
		// Children pushed in reverse: they come off the stack in document order.
		for (let i = node.namedChildCount - 1; i >= 0; i--) {
			const c = node.namedChild(i);
			if (c) stack.push({ node: c, into: childrenInto });
		}
	}
	return top;
}

/** Folding ranges (0-based first and last line) of every node body spanning several lines, in document order. */
export function syntaxFolding(root: SyntaxNode, text: string): Array<{ startLine: number; endLine: number }> {
	const starts = lineStarts(text);
	const out: Array<{ startLine: number; endLine: number }> = [];
	const stack: SyntaxNode[] = [root];
	while (stack.length > 0) {
		const node = stack.pop()!;
		if (node.type === 'node' || node.type.startsWith('preproc_if')) {
			const start = positionAt(starts, node.startIndex).line;
			// The closing `};` stays visible (as the editor's own bracket folding does).
			const end = positionAt(starts, node.endIndex).line - 1;
			if (end > start) out.push({ startLine: start, endLine: end });
		}
		for (let i = node.namedChildCount - 1; i >= 0; i--) {
			const c = node.namedChild(i);
			if (c) stack.push(c);
		}
	}
	return out;
}
