/**
 * The devicetree source front-end: preprocessed dts text in, the resolved devicetree out
 * (what `dtc -I dts -O dts` computes), with positions and diagnostics.
 */

import type { FileSystem, SourceMap } from '../base/source.js';
import { lex, MAX_FILE_SIZE, MAX_INCLUDE_COUNT, MAX_INCLUDE_DEPTH } from './lexer.js';
import { parse, MAX_EXPR_DEPTH, MAX_NODE_DEPTH, type AstFile } from './parser.js';
import { buildTree } from './tree.js';
import type { DtTree } from './types.js';
import type { Diagnostic } from '../base/source.js';

export * from './types.js';
export { LineMarkerSourceMap, parseLineMarker } from './linemap.js';
export { printDts, formatValue } from './printer.js';
export { encodeValue, valueBytes, type EncodedValue, type Marker } from './values.js';
export type { AstFile, AstStatement, AstBody, AstProp, AstDeleteProp, AstChild, AstDeleteNode } from './parser.js';
export { MAX_FILE_SIZE, MAX_INCLUDE_COUNT, MAX_INCLUDE_DEPTH, MAX_NODE_DEPTH, MAX_EXPR_DEPTH };

/** The input of {@link parseDts} / {@link buildDts}. */
export interface DtsInput {
	/** Name of the text (the main file). */
	file: string;
	/** The preprocessed text. */
	text: string;
	/** Where the text came from; without it, cpp line markers in the text are honoured. */
	map?: SourceMap;
}

/** Options of {@link buildDts}. */
export interface DtsOptions {
	/** Reads `/include/`d and `/incbin/` files. */
	fs?: FileSystem;
	/** Directories searched for `/include/` after the including file's own (dtc's `-i`). */
	includeDirs?: readonly string[];
	/** Generate `__symbols__`, as `dtc -@`. */
	symbols?: boolean;
}

/** Parses dts text to its syntax (statements with evaluated values), without building the tree. */
export function parseDts(input: DtsInput, opts: DtsOptions = {}): { ast: AstFile; diagnostics: Diagnostic[]; includes: string[] } {
	const diagnostics: Diagnostic[] = [];
	const ts = lex(input.file, input.text, input.map, { ...(opts.fs ? { fs: opts.fs } : {}), ...(opts.includeDirs ? { includeDirs: opts.includeDirs } : {}) }, diagnostics);
	const ast = parse(ts, diagnostics, opts.fs);
	return { ast, diagnostics, includes: ts.includes };
}

/** Parses dts text and builds the resolved devicetree, as dtc 1.6.1 does. Never throws on bad input. */
export function buildDts(input: DtsInput, opts: DtsOptions = {}): DtTree {
	const { ast, diagnostics, includes } = parseDts(input, opts);
	const tree = buildTree(ast, diagnostics, { ...(opts.symbols ? { symbols: true } : {}) });
	tree.includes.push(...includes);
	return tree;
}
