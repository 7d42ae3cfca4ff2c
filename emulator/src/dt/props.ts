/**
 * Reading properties of a resolved tree the way the kernel's `of_*` helpers do: cells, strings,
 * `status`, `compatible`, `#address-cells`/`#size-cells` inheritance and phandle-with-arguments
 * lists. Shared by every part of the emulator, so that each rule is written once.
 */
import type { DtNodeView, DtPropView, DtView, SourceRef } from '../types';

/** The value as 32-bit big-endian cells; undefined when the length is not a multiple of 4. */
export function u32s(prop: DtPropView | undefined): number[] | undefined {
	if (!prop || prop.bytes.length % 4 !== 0) return undefined;
	const view = new DataView(prop.bytes.buffer, prop.bytes.byteOffset, prop.bytes.byteLength);
	const out: number[] = new Array(prop.bytes.length / 4);
	for (let i = 0; i < out.length; i++) out[i] = view.getUint32(i * 4);
	return out;
}

/** The value as bigint cells (same rules as `u32s`). */
export function cells(prop: DtPropView | undefined): bigint[] | undefined {
	return u32s(prop)?.map((c) => BigInt(c));
}

/** A single-cell property's value (`#iommu-cells = <1>`), as `of_property_read_u32` reads it. */
export function u32(node: DtNodeView, name: string): number | undefined {
	const prop = node.property(name);
	if (!prop || prop.bytes.length < 4) return undefined;
	return new DataView(prop.bytes.buffer, prop.bytes.byteOffset, 4).getUint32(0);
}

/**
 * Answers of this module cached on the view objects themselves, under a symbol no one else uses. A
 * `DtView` is a snapshot of a resolved tree: a property's bytes, a node's properties, parent and
 * children never change once the view is built (what-ifs build new node objects, see `withStatus` in
 * scenario.ts), so an answer computed from them stays valid for the object's lifetime. The checks,
 * the topology and the probe simulation ask the same questions of the same nodes many times per board
 * (a profile of the corpus showed the `compatible` decoding and the walks to the root among the top
 * costs). A slot on the object is cheaper than a WeakMap for the millions of nodes of a corpus run;
 * objects that cannot take a slot (frozen ones) are simply not cached.
 *
 * The shared answers (`walk`, `strings`) are plain arrays typed `readonly`, not frozen: V8 iterates a
 * frozen array through the generic iterator protocol (an allocation per element in `for...of`) and
 * indexes it several times slower, and these lists are read in every loop of the emulator.
 */
const MEMO = Symbol('iommu-lens dt/props memo');

interface NodeMemo {
	/** `isAvailable` */
	available?: boolean;
	/** `isAvailableInTree` */
	inTree?: boolean;
	/** `walk`: the document-order node list of the subtree. */
	subtree?: readonly DtNodeView[];
	/** `busAddressCells` */
	busAddressCells?: number;
	/** `busSizeCells` */
	busSizeCells?: number;
}

interface PropMemo {
	/** `strings` */
	strings?: readonly string[];
	/** `sharedU32s` (null: not a whole number of cells). */
	words?: readonly number[] | null;
}

/** The answers kept on `view` (a node's or a property's), made empty on first use. */
function memoOf<M extends object>(view: object): M {
	const v = view as { [MEMO]?: M };
	let memo = v[MEMO];
	if (!memo) {
		memo = {} as M;
		if (Object.isExtensible(v)) v[MEMO] = memo;
	}
	return memo;
}

const nodeMemo = (node: DtNodeView): NodeMemo => memoOf<NodeMemo>(node);
const propMemo = (prop: DtPropView): PropMemo => memoOf<PropMemo>(prop);

/**
 * `u32s`, kept on the property (see MEMO): for the values read again and again, such as a bus's
 * `ranges`, which every address translation through the bus reads. Shared: do not modify.
 */
export function sharedU32s(prop: DtPropView | undefined): readonly number[] | undefined {
	if (!prop) return undefined;
	const memo = propMemo(prop);
	if (memo.words === undefined) memo.words = u32s(prop) ?? null;
	return memo.words ?? undefined;
}

const NO_STRINGS: readonly string[] = [];

/** The strings of a string-list property (`compatible`, `reg-names`); NUL-separated. Shared: do not modify. */
export function strings(prop: DtPropView | undefined): readonly string[] {
	if (!prop || prop.bytes.length === 0) return NO_STRINGS;
	// The decoded strings, cached on the property (see MEMO).
	const memo = propMemo(prop);
	if (!memo.strings) {
		const list = decodeUtf8(prop.bytes).split('\0');
		if (list[list.length - 1] === '') list.pop();
		memo.strings = list;
	}
	return memo.strings;
}

/** The first string of a property (`status`, `label`, `device_type`). */
export function str(node: DtNodeView, name: string): string | undefined {
	return strings(node.property(name))[0];
}

export function compatibles(node: DtNodeView): readonly string[] {
	return strings(node.property('compatible'));
}

/** True when any of the node's compatibles is in `list`. */
export function isCompatible(node: DtNodeView, list: readonly string[]): boolean {
	for (const c of compatibles(node)) if (list.includes(c)) return true;
	return false;
}

/**
 * `of_device_is_available()`: a node without `status`, or with `okay`/`ok`, is available; any
 * other status (`disabled`, `fail`, `reserved`, ...) is not.
 */
export function isAvailable(node: DtNodeView): boolean {
	const memo = nodeMemo(node);
	if (memo.available === undefined) {
		const prop = node.property('status');
		const status = prop ? strings(prop)[0] : 'okay';
		memo.available = status === 'okay' || status === 'ok';
	}
	return memo.available;
}

/** True when the node and every ancestor are available (a disabled bus hides its children). */
export function isAvailableInTree(node: DtNodeView): boolean {
	const memo = nodeMemo(node);
	if (memo.inTree !== undefined) return memo.inTree;
	// Up to the nearest ancestor already answered (in document order, as the walks ask, that is the
	// parent), then down again; iterative, so that no depth of tree can overflow the stack.
	const path: Array<{ node: DtNodeView; memo: NodeMemo }> = [{ node, memo }];
	let above = true;
	for (let n = node.parent; n; n = n.parent) {
		const m = nodeMemo(n);
		if (m.inTree !== undefined) {
			above = m.inTree;
			break;
		}
		path.push({ node: n, memo: m });
	}
	for (let i = path.length - 1; i >= 0; i--) {
		const step = path[i] as { node: DtNodeView; memo: NodeMemo };
		above = above && isAvailable(step.node);
		step.memo.inTree = above;
	}
	return above;
}

/**
 * `of_n_addr_cells()`: the `#address-cells` that applies to `node`'s `reg`, i.e. the nearest
 * ancestor's (starting at the parent); the default is 2 (OF_ROOT_NODE_ADDR_CELLS_DEFAULT).
 */
export function addressCellsFor(node: DtNodeView): number {
	return node.parent ? busAddressCells(node.parent) : 2;
}

/** `of_n_size_cells()`: as `addressCellsFor` for `#size-cells`; the default is 1. */
export function sizeCellsFor(node: DtNodeView): number {
	return node.parent ? busSizeCells(node.parent) : 1;
}

/**
 * `of_bus_n_addr_cells()`: the `#address-cells` a node gives its children as a bus: its own
 * property, else the nearest ancestor's, else 2 (as the kernel, which walks up from the node itself).
 */
export function busAddressCells(bus: DtNodeView): number {
	const memo = nodeMemo(bus);
	memo.busAddressCells ??= inheritedCells(bus, '#address-cells', 2);
	return memo.busAddressCells;
}

/** `of_bus_n_size_cells()`: as `busAddressCells` for `#size-cells`, default 1. */
export function busSizeCells(bus: DtNodeView): number {
	const memo = nodeMemo(bus);
	memo.busSizeCells ??= inheritedCells(bus, '#size-cells', 1);
	return memo.busSizeCells;
}

/** The node's own `name` cell count, else the nearest ancestor's, else `fallback` (uncached walk). */
function inheritedCells(bus: DtNodeView, name: '#address-cells' | '#size-cells', fallback: number): number {
	for (let n: DtNodeView | undefined = bus; n; n = n.parent) {
		const v = u32(n, name);
		if (v !== undefined) return v;
	}
	return fallback;
}

/** The unit address part of a node name (`iommu@15000000` → `15000000`), if any. */
export function unitAddress(node: DtNodeView): string | undefined {
	const at = node.name.indexOf('@');
	return at < 0 ? undefined : node.name.slice(at + 1);
}

/** The name without the unit address (`iommu@15000000` → `iommu`). */
export function baseName(node: DtNodeView): string {
	const at = node.name.indexOf('@');
	return at < 0 ? node.name : node.name.slice(0, at);
}

/** One entry of a phandle-with-arguments list (`iommus`, `clocks`, `mboxes`, ...). */
export interface PhandleArgsEntry {
	/** 0-based entry index (what `of_parse_phandle_with_args(..., index)` takes). */
	index: number;
	/** Cell offset of the entry's phandle in the property. */
	cellOffset: number;
	/** The phandle value as written (0 marks an empty entry, which the kernel skips). */
	phandle: number;
	target: DtNodeView | undefined;
	/** The argument cells, as many as the target's `#...-cells` says (or what was left). */
	args: bigint[];
	/** The source place of the whole entry. */
	loc: SourceRef;
	/** Why the kernel cannot use this entry (then `args` may be short); undefined when it can. */
	error?: 'no-target' | 'no-cells-property' | 'truncated';
}

/**
 * Walks a phandle-with-arguments list exactly as `of_parse_phandle_with_args()` (via
 * `of_phandle_iterator_next()`) does: each entry is a phandle followed by as many cells as the
 * target's `cellsName` property says. A phandle of 0 is an empty entry of no arguments. An unknown
 * phandle or a target without `cellsName` stops the walk with an error (the kernel cannot know where
 * the next entry starts), and so does a list that ends in the middle of an entry.
 *
 * `fixedCells` replaces `cellsName` for lists whose argument count is fixed by the binding.
 */
export function parsePhandleArgs(
	view: DtView,
	node: DtNodeView,
	listName: string,
	cellsName: string,
	fixedCells?: number,
): PhandleArgsEntry[] {
	const prop = node.property(listName);
	const list = sharedU32s(prop);
	if (!prop || !list) return [];
	const out: PhandleArgsEntry[] = [];
	let i = 0;
	while (i < list.length) {
		const phandle = list[i] as number;
		if (phandle === 0) {
			out.push({ index: out.length, cellOffset: i, phandle, target: undefined, args: [], loc: prop.entryLoc(i, 1) });
			i += 1;
			continue;
		}
		const target = view.byPhandle(phandle);
		if (!target) {
			out.push({ index: out.length, cellOffset: i, phandle, target, args: [], loc: prop.entryLoc(i, 1), error: 'no-target' });
			break;
		}
		const count = fixedCells ?? u32(target, cellsName);
		if (count === undefined) {
			out.push({ index: out.length, cellOffset: i, phandle, target, args: [], loc: prop.entryLoc(i, 1), error: 'no-cells-property' });
			break;
		}
		const available = Math.min(count, list.length - i - 1);
		const args: bigint[] = [];
		for (let k = i + 1; k < i + 1 + available; k++) args.push(BigInt(list[k] as number));
		const entry: PhandleArgsEntry = { index: out.length, cellOffset: i, phandle, target, args, loc: prop.entryLoc(i, 1 + available) };
		if (available < count) entry.error = 'truncated';
		out.push(entry);
		i += 1 + count;
	}
	return out;
}

/**
 * Every node of the subtree in document (depth-first, pre-order) order. Shared: do not modify.
 * The emulator's walks over the whole tree loop over it by index: a board's checks run once, mostly
 * before the engine optimises them, and unoptimised `for...of` allocates a result per node.
 */
export function walk(node: DtNodeView): readonly DtNodeView[] {
	const memo = nodeMemo(node);
	let list = memo.subtree;
	if (!list) {
		const out: DtNodeView[] = [];
		// Iterative pre-order: children pushed in reverse so the first child is visited first.
		const stack: DtNodeView[] = [node];
		while (stack.length > 0) {
			const n = stack.pop() as DtNodeView;
			out.push(n);
			const kids = n.children;
			for (let i = kids.length - 1; i >= 0; i--) stack.push(kids[i] as DtNodeView);
		}
		list = out;
		memo.subtree = list;
	}
	return list;
}

/** UTF-8 to string without the host's TextDecoder (the emulator has no host APIs); bad bytes become U+FFFD. */
export function decodeUtf8(bytes: Uint8Array): string {
	// Devicetree strings are nearly always ASCII: then each byte is its own code unit, and one call
	// makes the whole (flat) string instead of a concatenation per character.
	if (bytes.length <= ASCII_CHUNK && isAscii(bytes)) return String.fromCharCode.apply(null, bytes as unknown as number[]);
	let out = '';
	for (let i = 0; i < bytes.length; ) {
		const b = bytes[i] as number;
		let cp = 0xfffd;
		let len = 1;
		if (b < 0x80) cp = b;
		else if (b >= 0xc2 && b < 0xe0) len = 2;
		else if (b >= 0xe0 && b < 0xf0) len = 3;
		else if (b >= 0xf0 && b < 0xf5) len = 4;
		if (len > 1) {
			let v = b & (0xff >> (len + 1));
			let ok = i + len <= bytes.length;
			for (let k = 1; ok && k < len; k++) {
				const c = bytes[i + k] as number;
				if ((c & 0xc0) !== 0x80) ok = false;
				else v = (v << 6) | (c & 0x3f);
			}
			if (ok && v >= [0, 0, 0x80, 0x800, 0x10000][len]! && v <= 0x10ffff && !(v >= 0xd800 && v < 0xe000)) cp = v;
			else len = 1;
		}
		out += String.fromCodePoint(cp);
		i += len;
	}
	return out;
}

/** The longest value `decodeUtf8` decodes in one `String.fromCharCode` call (well below engines' argument limits). */
const ASCII_CHUNK = 4096;

function isAscii(bytes: Uint8Array): boolean {
	for (let i = 0; i < bytes.length; i++) if ((bytes[i] as number) >= 0x80) return false;
	return true;
}
