/**
 * The only module that imports a tree-sitter runtime.
 *
 * Two back-ends give the same trees: web-tree-sitter (WASM, the default everywhere: no native ABI to
 * match inside VS Code) and the native `tree-sitter` binding (an optional fast path for the command
 * line, used only when it is installed and loads). Everything above this module sees the small
 * structural interfaces below, never a runtime's own classes.
 *
 * Offsets and columns are UTF-16 code units in both back-ends (both feed the parser UTF-16 text).
 */

import { createRequire } from 'node:module';

export type GrammarName = 'devicetree' | 'c';
export type BackendKind = 'wasm' | 'native';

export interface Point {
	row: number;
	column: number;
}

/** A syntax node, as both runtimes expose it. */
export interface SyntaxNode {
	readonly type: string;
	readonly text: string;
	readonly startIndex: number;
	readonly endIndex: number;
	readonly startPosition: Point;
	readonly endPosition: Point;
	readonly childCount: number;
	readonly namedChildCount: number;
	readonly isNamed: boolean;
	readonly isMissing: boolean;
	readonly hasError: boolean;
	readonly parent: SyntaxNode | null;
	child(index: number): SyntaxNode | null;
	namedChild(index: number): SyntaxNode | null;
	childForFieldName(name: string): SyntaxNode | null;
	toString(): string;
}

export interface InputEdit {
	startIndex: number;
	oldEndIndex: number;
	newEndIndex: number;
	startPosition: Point;
	oldEndPosition: Point;
	newEndPosition: Point;
}

export interface SyntaxTree {
	readonly rootNode: SyntaxNode;
	/** Tells the tree about an edit so the next parse can reuse unchanged parts. */
	edit(edit: InputEdit): void;
	/** Frees the tree (WASM memory); the tree must not be used afterwards. */
	delete(): void;
}

export interface QueryCapture {
	name: string;
	node: SyntaxNode;
}

export interface SyntaxQuery {
	captures(node: SyntaxNode): QueryCapture[];
}

export interface Grammar {
	readonly name: GrammarName;
	/** Parses `text`; with `oldTree` (already told about the edits) the parse is incremental. */
	parse(text: string, oldTree?: SyntaxTree): SyntaxTree;
	/** Compiles a query (the `.scm` text) for this grammar. Throws on an invalid query. */
	query(source: string): SyntaxQuery;
}

export interface ParserRuntime {
	readonly kind: BackendKind;
	grammar(name: GrammarName): Grammar;
}

export interface LoadOptions {
	/** Which back-end; `wasm` is the default. `native` falls back to `wasm` when the binding is missing. */
	kind?: BackendKind;
	/** Folder holding `devicetree/tree-sitter-devicetree.wasm` and `c/tree-sitter-c.wasm`. */
	grammarDir: string;
	/** Path of web-tree-sitter's own `web-tree-sitter.wasm` (bundled builds copy it beside the bundle). */
	runtimeWasm?: string;
}

const GRAMMARS: readonly GrammarName[] = ['devicetree', 'c'];

/** Loads a parser runtime with both grammars. */
export async function loadParserRuntime(options: LoadOptions): Promise<ParserRuntime> {
	if (options.kind === 'native') {
		const native = tryLoadNative();
		if (native) return native;
	}
	return loadWasm(options);
}

async function loadWasm(options: LoadOptions): Promise<ParserRuntime> {
	const wts = await import('web-tree-sitter');
	await wts.Parser.init(
		options.runtimeWasm ? { locateFile: () => options.runtimeWasm as string } : undefined,
	);
	const grammars = new Map<GrammarName, Grammar>();
	for (const name of GRAMMARS) {
		const language = await wts.Language.load(`${options.grammarDir}/${name}/tree-sitter-${name}.wasm`);
		const parser = new wts.Parser();
		parser.setLanguage(language);
		grammars.set(name, {
			name,
			parse(text, oldTree) {
				const tree = parser.parse(text, oldTree as never);
				if (!tree) throw new Error(`tree-sitter returned no tree for a ${name} text`);
				return tree as unknown as SyntaxTree;
			},
			query(source) {
				const query = new wts.Query(language, source);
				return { captures: (node) => query.captures(node as never) as unknown as QueryCapture[] };
			},
		});
	}
	return { kind: 'wasm', grammar: (name) => grammars.get(name) as Grammar };
}

interface NativeParser {
	setLanguage(language: unknown): void;
	parse(text: string, oldTree?: unknown, options?: { bufferSize?: number }): SyntaxTree;
}
interface NativeModule {
	new (): NativeParser;
	Query: new (language: unknown, source: string) => { captures(node: unknown): QueryCapture[] };
}

function tryLoadNative(): ParserRuntime | undefined {
	try {
		const req = createRequire(__filename);
		const Parser = req('tree-sitter') as NativeModule;
		const languages: Record<GrammarName, unknown> = {
			devicetree: req('tree-sitter-devicetree'),
			c: req('tree-sitter-c'),
		};
		const grammars = new Map<GrammarName, Grammar>();
		for (const name of GRAMMARS) {
			const parser = new Parser();
			parser.setLanguage(languages[name]);
			grammars.set(name, {
				name,
				parse(text, oldTree) {
					// The binding's default input buffer is small; give it the whole text at once.
					const tree = parser.parse(text, oldTree, { bufferSize: text.length * 2 + 1024 });
					// Native trees are garbage-collected and have no `delete`; give them a no-op one.
					if (typeof (tree as Partial<SyntaxTree>).delete !== 'function') {
						(tree as { delete: () => void }).delete = () => undefined;
					}
					return tree;
				},
				query(source) {
					const query = new Parser.Query(languages[name], source);
					return { captures: (node) => query.captures(node) };
				},
			});
		}
		return { kind: 'native', grammar: (name) => grammars.get(name) as Grammar };
	} catch {
		return undefined;
	}
}
