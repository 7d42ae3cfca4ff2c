/**
 * From a driver's C source to the devicetree: the `of_device_id` entry under the cursor
 * (`{ .compatible = "arm,mmu-500" }`) and, in an analysed board, the nodes whose `compatible`
 * lists that string (the nodes the driver binds), at the string where the board says so.
 * The other direction (a `compatible` string to the driver's entry) is in `navigation.ts`.
 */
import type { Position, Span } from '../base/source';
import type { CFileFacts } from '../drivers/c/types';
import type { DtNode } from '../dts/types';
import { contains } from './locate';
import type { BoardSnapshot } from './types';

/** The compatible string of the `of_device_id` entry at `position` of a C file, if any. */
export function compatibleAt(facts: CFileFacts, file: string, position: Position): string | undefined {
	for (const table of facts.ofMatchTables) {
		for (const entry of table.entries) if (contains(entry.span, file, position)) return entry.compatible;
	}
	for (const d of facts.ofDeclares) if (contains(d.span, file, position)) return d.compatible;
	return undefined;
}

/**
 * The places in a board where a node lists `compatible`: the span of that string in each node's
 * `compatible` property, in tree order. The walk uses its own stack (no recursion on the tree depth).
 */
export function boundNodes(snapshot: BoardSnapshot, compatible: string): Array<{ node: string; span: Span }> {
	const out: Array<{ node: string; span: Span }> = [];
	const stack: DtNode[] = [snapshot.analysis.board.tree.root];
	while (stack.length > 0) {
		const node = stack.pop()!;
		const prop = node.property('compatible');
		for (const chunk of prop?.value ?? []) if (chunk.kind === 'string' && chunk.value === compatible) out.push({ node: node.path, span: chunk.span });
		for (let i = node.children.length - 1; i >= 0; i--) stack.push(node.children[i]!);
	}
	return out;
}
