/**
 * The resolved devicetree: the model that the tree builder produces and that the printer, the
 * language server and the emulator read. Every node and property knows every source place
 * that created, changed or deleted it; values keep the structure they were written with.
 */

import type { Diagnostic, Span } from '../base/source.js';

/** How a source place affected a node or a property. */
export type DtEventKind = 'define' | 'extend' | 'override' | 'delete';

/**
 * One source place that touched a node or property: `define` created it, `extend` re-opened a
 * node (a later `node { }` or `&label { }`), `override` replaced a property's value, `delete`
 * is a `/delete-node/` or `/delete-property/`.
 */
export interface DtEvent {
	kind: DtEventKind;
	span: Span;
}

/** A label (`name:`) on a node, a property or inside a value. */
export interface DtLabel {
	name: string;
	span: Span;
}

/**
 * A reference as written: `&label`, `&{/path}` or `&{label/path}`.
 * `text` is what follows `&` (without braces); `label` and `path` are its parts.
 */
export interface DtRef {
	text: string;
	/** The label part, absent for `&{/path}`. */
	label?: string;
	/** The path part: the whole path for `&{/path}`, the part below the label for `&{label/path}`. */
	path?: string;
	span: Span;
	/** The node it resolved to, once the tree is built (absent when unresolved). */
	target?: DtNode;
}

/** A label inside a value (`prop = a: <1 b: 2> c:;`). */
export interface DtValueLabel {
	kind: 'label';
	name: string;
	span: Span;
}

/** One integer of a cell array (`<...>`) or of a byte string (`[...]`). */
export interface DtNumberCell {
	kind: 'number';
	/** The value, truncated to the element width, unsigned. */
	value: bigint;
	span: Span;
}

/** A phandle reference inside a cell array: `<&label>`. */
export interface DtRefCell {
	kind: 'ref';
	ref: DtRef;
	/** The phandle it resolved to; all ones while unresolved (as dtc writes it). */
	value: bigint;
	span: Span;
}

/** An element of a cell array. */
export type DtCellItem = DtNumberCell | DtRefCell | DtValueLabel;

/** `<...>` or `/bits/ N <...>`. */
export interface DtCellsChunk {
	kind: 'cells';
	bits: 8 | 16 | 32 | 64;
	items: DtCellItem[];
	span: Span;
}

/** A byte string `[00 11 22]`. Items are numbers (bytes) and labels. */
export interface DtBytesChunk {
	kind: 'bytes';
	items: Array<DtNumberCell | DtValueLabel>;
	span: Span;
}

/** A string literal `"..."`; the NUL terminator is implied. */
export interface DtStringChunk {
	kind: 'string';
	/** The decoded string (escapes processed), as UTF-8 bytes without the terminator. */
	bytes: Uint8Array;
	/** The decoded string as text (bytes read as UTF-8). */
	value: string;
	span: Span;
}

/** A path reference outside `< >` (`prop = &label;`): its value is the target's full path. */
export interface DtPathRefChunk {
	kind: 'path-ref';
	ref: DtRef;
	/** The resolved path ('' while unresolved: nothing is emitted then, as in dtc). */
	path: string;
	span: Span;
}

/** Raw bytes of an `/incbin/`. */
export interface DtIncbinChunk {
	kind: 'incbin';
	file: string;
	bytes: Uint8Array;
	span: Span;
}

/** One piece of a property value, in source order. */
export type DtValueChunk = DtCellsChunk | DtBytesChunk | DtStringChunk | DtPathRefChunk | DtIncbinChunk | DtValueLabel;

/** A property of the resolved tree. */
export interface DtProperty {
	name: string;
	/** Labels in dtc's order (the order dtc prints them). */
	labels: DtLabel[];
	/** The value's chunks; empty for a property without value (`prop;`). */
	value: DtValueChunk[];
	/** Span of the name in the definition that gave the current value. */
	nameSpan: Span;
	/** Span of the whole definition that gave the current value. */
	span: Span;
	/** Span of the value (after `=`), absent for empty properties. */
	valueSpan?: Span;
	/** Every source place that defined, overrode or deleted it. */
	events: DtEvent[];
	/** True for properties dtc adds itself (`phandle`, `__symbols__`, overlay bookkeeping). */
	generated?: boolean;
	/** The node holding it. */
	node: DtNode;
}

/** A node of the resolved tree. */
export interface DtNode {
	/** Name with unit address (`serial@1000`); '' for the root. */
	name: string;
	/** Full path ('/' for the root). */
	path: string;
	parent?: DtNode;
	labels: DtLabel[];
	properties: DtProperty[];
	children: DtNode[];
	/** Span of the name in the first definition (the `/` for the root). */
	nameSpan: Span;
	/** Span of the first definition (name to `};`). */
	span: Span;
	/** Every source place that defined, extended or deleted it. */
	events: DtEvent[];
	/** The phandle, when the node has one (explicit or assigned). */
	phandle?: number;
	/** Marked `/omit-if-no-ref/` (and kept because referenced). */
	omitIfNoRef?: boolean;
	/** Referenced by a phandle or path reference. */
	referenced?: boolean;
	/** True for nodes dtc adds itself (`__symbols__`, overlay fragments). */
	generated?: boolean;
	/** Child by exact name. */
	child(name: string): DtNode | undefined;
	/** Property by name. */
	property(name: string): DtProperty | undefined;
}

/** A `/memreserve/` entry. */
export interface DtMemreserve {
	labels: DtLabel[];
	address: bigint;
	size: bigint;
	span: Span;
}

/** The result of building a devicetree. */
export interface DtTree {
	root: DtNode;
	memreserves: DtMemreserve[];
	/** `/plugin/` was given: this is an overlay. */
	plugin: boolean;
	/** Node labels to nodes. */
	labels: ReadonlyMap<string, DtNode>;
	/** Property labels to properties. */
	propertyLabels: ReadonlyMap<string, DtProperty>;
	/** Phandles to nodes. */
	phandles: ReadonlyMap<number, DtNode>;
	/** Node by full path (exact names), or undefined. */
	nodeByPath(path: string): DtNode | undefined;
	/** Node by reference text: a label, a path starting with '/', or `label/path`. */
	nodeByRef(ref: string): DtNode | undefined;
	/** Everything found, in source order of discovery. */
	diagnostics: Diagnostic[];
	/** Files read by `/include/`. */
	includes: string[];
}
