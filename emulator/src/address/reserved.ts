/**
 * `/memory` and `/reserved-memory` as the early FDT scan reads them (drivers/of/fdt.c,
 * drivers/of/of_reserved_mem.c): root-format cells, static (`reg`) and dynamic (`size`,
 * `alignment`, `alloc-ranges`) regions, their flags and pools, and every `memory-region` user.
 */
import { type AddrRange, rangeOf } from '../addr';
import { compatibles, isAvailable, str, strings, u32, u32s, walk } from '../dt/props';
import type { DtNodeView, DtView, SourceRef } from '../types';
import { readNumber } from './translate';
import { KeyedCache } from '../keyed-cache';

/** A range with the source place it came from. */
export interface LocatedRange {
	readonly range: AddrRange;
	readonly loc: SourceRef;
}

/** One bank of RAM from a `device_type = "memory"` node. */
export interface MemoryBank extends LocatedRange {
	readonly node: string;
}

/** What the kernel does with a region, from its compatible and flags. */
export type ReservedPool = 'shared-dma-pool' | 'cma' | 'restricted-dma-pool';

/** One `memory-region` reference to a region. */
export interface MemoryRegionUser {
	readonly node: string;
	/** 0-based index in the user's `memory-region` list. */
	readonly index: number;
	/** The user's name for it, from `memory-region-names`. */
	readonly name?: string;
	readonly loc: SourceRef;
	/** False when the user node is disabled. */
	readonly available: boolean;
}

/** One child of `/reserved-memory`. */
export interface ReservedRegion {
	readonly node: string;
	readonly name: string;
	readonly labels: readonly string[];
	readonly loc: SourceRef;
	/** `static`: `reg`; `dynamic`: `size` (placed at boot); `invalid`: neither, or unreadable. */
	readonly kind: 'static' | 'dynamic' | 'invalid';
	/** Static regions: every `reg` entry (root cell format, CPU physical). */
	readonly ranges: readonly LocatedRange[];
	/** Dynamic regions: the requested size. */
	readonly size?: bigint;
	readonly alignment?: bigint;
	/** Dynamic regions: where the allocator may place it (empty: anywhere in memory). */
	readonly allocRanges: readonly LocatedRange[];
	readonly noMap: boolean;
	readonly reusable: boolean;
	readonly compatibles: readonly string[];
	readonly pool?: ReservedPool;
	/** False for a disabled region: the early scan skips it. */
	readonly available: boolean;
	readonly users: readonly MemoryRegionUser[];
	/** Why the kernel refuses the region (its message), if it does. */
	readonly problem?: string;
}

/** The reserved-memory picture of a tree. */
export interface ReservedMemory {
	/** The `/reserved-memory` node, if any. */
	readonly node?: string;
	readonly loc?: SourceRef;
	/** Set when the kernel ignores the whole node (cell counts differ from the root's, or no `ranges`). */
	readonly formatError?: { readonly message: string; readonly loc: SourceRef };
	readonly rootAddressCells: number;
	readonly rootSizeCells: number;
	readonly regions: readonly ReservedRegion[];
	readonly memory: readonly MemoryBank[];
}

/** Reads `<addr size>` pairs in root format. */
function readPairs(prop: ReturnType<DtNodeView['property']>, na: number, ns: number): LocatedRange[] {
	const cells = (u32s(prop) ?? []).map((c) => BigInt(c));
	const out: LocatedRange[] = [];
	const one = na + ns;
	if (!prop || one === 0) return out;
	for (let i = 0; (i + 1) * one <= cells.length; i++) {
		const start = readNumber(cells.slice(i * one, i * one + na));
		const size = readNumber(cells.slice(i * one + na, (i + 1) * one));
		out.push({ range: rangeOf(start, size), loc: prop.entryLoc(i * one, one) });
	}
	return out;
}

/** Every `memory-region` reference in the tree, by target node path. */
function memoryRegionUsers(view: DtView): Map<string, MemoryRegionUser[]> {
	const users = new Map<string, MemoryRegionUser[]>();
	const all = walk(view.root);
	for (let idx = 0; idx < all.length; idx++) {
		const node = all[idx] as DtNodeView;
		const prop = node.property('memory-region');
		const list = u32s(prop);
		if (!prop || !list) continue;
		const names = strings(node.property('memory-region-names'));
		list.forEach((phandle, index) => {
			const target = view.byPhandle(phandle);
			if (!target) return;
			const name = names[index];
			const user: MemoryRegionUser = { node: node.path, index, ...(name !== undefined ? { name } : {}), loc: prop.entryLoc(index, 1), available: isAvailable(node) };
			const list2 = users.get(target.path) ?? [];
			list2.push(user);
			users.set(target.path, list2);
		});
	}
	return users;
}

/** The `/memory` banks (`device_type = "memory"` children of the root, `linux,usable-memory` first). */
export function memoryBanks(view: DtView): MemoryBank[] {
	const na = u32(view.root, '#address-cells') ?? 2;
	const ns = u32(view.root, '#size-cells') ?? 1;
	const out: MemoryBank[] = [];
	for (const child of view.root.children) {
		if (str(child, 'device_type') !== 'memory' || !isAvailable(child)) continue;
		const prop = child.property('linux,usable-memory') ?? child.property('reg');
		for (const r of readPairs(prop, na, ns)) if (r.range.end > r.range.start) out.push({ ...r, node: child.path });
	}
	return out;
}

/** Reads `/memory` and `/reserved-memory` with every `memory-region` user. */
export function reservedMemory(view: DtView): ReservedMemory {
	// Several checks ask: read it once per view (a view never changes; the answer is read-only data).
	let known = reservedCache.get(view);
	if (!known) {
		known = readReservedMemory(view);
		reservedCache.set(view, known);
	}
	return known;
}

const reservedCache = new KeyedCache<DtView, ReservedMemory>('reserved memory');

function readReservedMemory(view: DtView): ReservedMemory {
	const na = u32(view.root, '#address-cells') ?? 2;
	const ns = u32(view.root, '#size-cells') ?? 1;
	const memory = memoryBanks(view);
	const rm = view.byPath('/reserved-memory');
	if (!rm) return { rootAddressCells: na, rootSizeCells: ns, regions: [], memory };
	const users = memoryRegionUsers(view);
	let formatError: ReservedMemory['formatError'];
	// `__reserved_mem_check_root()`: the node must use the root's cell counts and have `ranges`.
	// NOTE: the printed wording is from memory (fdt.c), not re-read in a current tree.
	if (u32(rm, '#address-cells') !== na || u32(rm, '#size-cells') !== ns || !rm.property('ranges')) {
		formatError = { message: 'Reserved memory: unsupported node format, ignoring', loc: rm.loc };
	}
	const regions: ReservedRegion[] = rm.children.map((child) => {
		const compat = compatibles(child);
		const noMap = child.property('no-map') !== undefined;
		const reusable = child.property('reusable') !== undefined;
		const reg = child.property('reg');
		const sizeProp = child.property('size');
		const alignProp = child.property('alignment');
		let kind: ReservedRegion['kind'] = 'invalid';
		let problem: string | undefined;
		let ranges: LocatedRange[] = [];
		let size: bigint | undefined;
		let alignment: bigint | undefined;
		let allocRanges: LocatedRange[] = [];
		if (reg) {
			ranges = readPairs(reg, na, ns);
			kind = ranges.length > 0 ? 'static' : 'invalid';
			if (kind === 'invalid') problem = `reg of ${child.name} holds no whole <address size> entry`;
		} else if (sizeProp) {
			const sizeCells = (u32s(sizeProp) ?? []).map((c) => BigInt(c));
			if (sizeCells.length !== ns) problem = `invalid size property in '${child.name}' node.`;
			else {
				kind = 'dynamic';
				size = readNumber(sizeCells);
				if (alignProp) {
					const a = (u32s(alignProp) ?? []).map((c) => BigInt(c));
					if (a.length !== na) {
						kind = 'invalid';
						problem = `invalid alignment property in '${child.name}' node.`;
					} else alignment = readNumber(a);
				}
				const ar = child.property('alloc-ranges');
				if (ar) {
					const cells = u32s(ar) ?? [];
					if (cells.length % (na + ns) !== 0) {
						kind = 'invalid';
						problem = `invalid alloc-ranges property in '${child.name}', skipping node.`;
					} else allocRanges = readPairs(ar, na, ns);
				}
			}
		} else problem = `${child.name} has neither reg nor size`;
		let pool: ReservedPool | undefined;
		if (compat.includes('restricted-dma-pool')) pool = 'restricted-dma-pool';
		else if (compat.includes('shared-dma-pool')) pool = reusable ? 'cma' : 'shared-dma-pool';
		return {
			node: child.path,
			name: child.name,
			labels: child.labels,
			loc: child.loc,
			kind,
			ranges,
			...(size !== undefined ? { size } : {}),
			...(alignment !== undefined ? { alignment } : {}),
			allocRanges,
			noMap,
			reusable,
			compatibles: compat,
			...(pool ? { pool } : {}),
			available: isAvailable(child),
			users: users.get(child.path) ?? [],
			...(problem ? { problem } : {}),
		};
	});
	return { node: rm.path, loc: rm.loc, ...(formatError ? { formatError } : {}), rootAddressCells: na, rootSizeCells: ns, regions, memory };
}

/** The region a `memory-region` phandle points at, by path. */
export function regionByPath(reserved: ReservedMemory, path: string): ReservedRegion | undefined {
	return reserved.regions.find((r) => r.node === path);
}
