/**
 * The syntax trees of the open devicetree documents (tree-sitter-devicetree), kept up to date by
 * incremental reparses: on a request, a document whose text changed since its last parse is told
 * the edit (the one changed region between the old and the new text) and parsed again reusing the
 * old tree (afresh when the text has syntax errors: see `tree`). Serves the outline and folding of files that have no build context or are half-typed.
 * Trees live in WASM memory: a closed document's tree is freed.
 */
import type { Grammar, InputEdit, Point, SyntaxTree } from '../syntax/parser';
import { changedRegion } from './changed-region';

/** The single edit that turns `before` into `after` (their one changed region), as tree-sitter wants it. */
export function inputEdit(before: string, after: string): InputEdit {
	const { start, oldEnd, newEnd } = changedRegion(before, after);
	return {
		startIndex: start,
		oldEndIndex: oldEnd,
		newEndIndex: newEnd,
		startPosition: pointAt(before, start),
		oldEndPosition: pointAt(before, oldEnd),
		newEndPosition: pointAt(after, newEnd),
	};
}

/**
 * Row and column (UTF-16 units, as the parser wrapper counts) of an offset. Rows end at `\n` only, as
 * tree-sitter counts them (not `base/source` `lineStarts`, which also ends a line at a lone `\r`).
 */
function pointAt(text: string, offset: number): Point {
	let row = 0;
	let lineStart = 0;
	for (let i = text.indexOf('\n'); i >= 0 && i < offset; i = text.indexOf('\n', i + 1)) {
		row++;
		lineStart = i + 1;
	}
	return { row, column: offset - lineStart };
}

export class SyntaxDocuments {
	private readonly docs = new Map<string, { text: string; tree: SyntaxTree }>();
	/** Parses done, full and incremental (for tests and the status). */
	readonly counts = { full: 0, incremental: 0 };

	constructor(private readonly grammar: () => Promise<Grammar | undefined>) {}

	/** The tree of `file` for `text`, reparsed incrementally when the text changed; undefined without a grammar. */
	async tree(file: string, text: string): Promise<SyntaxTree | undefined> {
		const grammar = await this.grammar();
		if (!grammar) return undefined;
		const known = this.docs.get(file);
		if (known?.text === text) return known.tree;
		let tree: SyntaxTree;
		if (known) {
			known.tree.edit(inputEdit(known.text, text));
			tree = grammar.parse(text, known.tree);
			known.tree.delete();
			this.counts.incremental++;
			// Error recovery depends on the old tree: a text with errors (half-typed) may come out of an
			// incremental parse as another tree than out of a fresh one. Parsed afresh then, so the tree
			// (and the outline) depends on the text only, never on the history of edits.
			if (tree.rootNode.hasError) {
				tree.delete();
				tree = grammar.parse(text);
				this.counts.full++;
			}
		} else {
			tree = grammar.parse(text);
			this.counts.full++;
		}
		this.docs.set(file, { text, tree });
		return tree;
	}

	/** Frees the tree of a closed document. */
	close(file: string): void {
		this.docs.get(file)?.tree.delete();
		this.docs.delete(file);
	}
}
