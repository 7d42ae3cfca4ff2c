/**
 * `iommu-map`/`msi-map` (+ `-mask`) parsing and per-ID translation exactly as `of_map_id()`
 * (drivers/of/base.c): classic 4-cell entries `<id-base &target out-base length>`, and entries whose
 * out-base has as many cells as the target's `#iommu-cells`/`#msi-cells` when the map only parses that
 * way. First matching entry wins; an id-base with bits outside the mask is -EFAULT when reached.
 */
import { hex } from '../addr';
import { cells, u32 } from '../dt/props';
import type { DtNodeView, DtPropView, DtView, SourceRef } from '../types';
import type { Errno } from './plugin-api';

/** The two map properties. */
export type MapName = 'iommu-map' | 'msi-map';

/** One entry of a map. */
export interface IdMapEntry {
	readonly index: number;
	readonly idBase: bigint;
	readonly phandle: number;
	readonly target: DtNodeView | undefined;
	/** The out-base cells (one in the classic layout); `outBase` is the first. */
	readonly outCells: readonly bigint[];
	readonly outBase: bigint;
	readonly length: bigint;
	/** Cell offset of the entry in the property and its cell count. */
	readonly cellOffset: number;
	readonly cellCount: number;
	readonly loc: SourceRef;
}

/** A parsed map. `error` is set when `of_map_id()` rejects the whole property. */
export interface ParsedIdMap {
	readonly name: MapName;
	readonly node: DtNodeView;
	readonly prop: DtPropView;
	readonly entries: readonly IdMapEntry[];
	/** `<name>-mask`, default 0xffffffff. */
	readonly mask: bigint;
	readonly maskProp?: DtPropView;
	/** `classic`: 4 cells per entry; `wide`: the out-base has the target's cell count. */
	readonly layout: 'classic' | 'wide';
	readonly error?: { readonly errno: Errno; readonly message: string };
}

const cellsNameOf = (name: MapName): string => (name === 'iommu-map' ? '#iommu-cells' : '#msi-cells');

/** Parses `name` on `node`; undefined when the property is absent. */
export function parseIdMap(view: DtView, node: DtNodeView, name: MapName): ParsedIdMap | undefined {
	// Asked of every node: the parse (whose helpers share its variables, which the engine then
	// allocates on every call) only for the few that have a map.
	const prop = node.property(name);
	return prop ? parseMap(view, node, name, prop) : undefined;
}

function parseMap(view: DtView, node: DtNodeView, name: MapName, prop: DtPropView): ParsedIdMap {
	const maskProp = node.property(`${name}-mask`);
	const mask = maskProp ? BigInt(u32(node, `${name}-mask`) ?? 0xffffffff) : 0xffffffffn;
	const list = cells(prop);
	const base = { name, node, prop, mask, ...(maskProp ? { maskProp } : {}) };
	const badLength = (): ParsedIdMap => ({
		...base,
		entries: [],
		layout: 'classic',
		error: { errno: 'EINVAL', message: `${node.path}: Error: Bad ${name} length: ${prop.bytes.length}` },
	});
	if (!list) return badLength();
	const entry = (index: number, offset: number, outCount: number): IdMapEntry => {
		const phandle = Number(list[offset + 1] ?? 0n);
		const outCells = list.slice(offset + 2, offset + 2 + outCount);
		return {
			index,
			idBase: list[offset] as bigint,
			phandle,
			target: view.byPhandle(phandle),
			outCells,
			outBase: outCells[0] ?? 0n,
			length: list[offset + 2 + outCount] ?? 0n,
			cellOffset: offset,
			cellCount: 3 + outCount,
			loc: prop.entryLoc(offset, 3 + outCount),
		};
	};
	const classic = (): IdMapEntry[] => {
		const out: IdMapEntry[] = [];
		for (let i = 0; i + 4 <= list.length; i += 4) out.push(entry(out.length, i, 1));
		return out;
	};
	const wide = (): IdMapEntry[] | undefined => {
		const out: IdMapEntry[] = [];
		let i = 0;
		while (i < list.length) {
			if (list.length - i < 2) return undefined;
			const target = view.byPhandle(Number(list[i + 1]));
			if (!target) return undefined;
			const n = u32(target, cellsNameOf(name)) ?? 1;
			if (list.length - i < 3 + n) return undefined;
			out.push(entry(out.length, i, n));
			i += 3 + n;
		}
		return out;
	};
	if (list.length % 4 === 0) {
		const c = classic();
		if (c.every((e) => e.target) || !c.some((e) => e.target)) return { ...base, entries: c, layout: 'classic' };
		const w = wide();
		return w && w.some((e) => e.outCells.length !== 1) ? { ...base, entries: w, layout: 'wide' } : { ...base, entries: c, layout: 'classic' };
	}
	const w = wide();
	return w ? { ...base, entries: w, layout: 'wide' } : badLength();
}

/** The result of translating one id. */
export type MapIdResult =
	/** The map is absent: for `iommu-map` the device has no IOMMU (-ENODEV → NO_IOMMU); for `msi-map` the id passes through. */
	| { readonly kind: 'absent'; readonly id: bigint }
	| {
			readonly kind: 'mapped';
			readonly id: bigint;
			readonly maskedId: bigint;
			readonly target: DtNodeView;
			/** The specifier cells for the target: the translated id, then any further out cells. */
			readonly args: readonly bigint[];
			readonly entry: IdMapEntry;
	  }
	/** Nothing matched: the kernel prints `message` (pr_info) and the device gets no IOMMU / an untranslated id. */
	| { readonly kind: 'no-match'; readonly id: bigint; readonly maskedId: bigint; readonly message: string }
	| { readonly kind: 'error'; readonly errno: Errno; readonly message: string; readonly entry?: IdMapEntry };

/** Translates `id` through `node`'s map as `of_map_id()` does (with a target requested). */
export function mapId(view: DtView, node: DtNodeView, name: MapName, id: bigint): MapIdResult {
	const map = parseIdMap(view, node, name);
	return map ? mapIdIn(map, id) : { kind: 'absent', id };
}

/** `mapId` over an already parsed map. */
export function mapIdIn(map: ParsedIdMap, id: bigint): MapIdResult {
	if (map.error) return { kind: 'error', ...map.error };
	const maskedId = id & map.mask;
	for (const e of map.entries) {
		if (e.idBase & ~map.mask) {
			return {
				kind: 'error',
				errno: 'EFAULT',
				entry: e,
				message: `${map.node.path}: Invalid ${map.name} translation - ${map.name}-mask (${hex(map.mask)}) ignores id-base (${hex(e.idBase)})`,
			};
		}
		if (maskedId < e.idBase || maskedId >= e.idBase + e.length) continue;
		if (!e.target) return { kind: 'error', errno: 'ENODEV', entry: e, message: `${map.node.path}: ${map.name} entry ${e.index} names phandle ${e.phandle}, which no node has: of_map_id() returns -ENODEV.` };
		const out = maskedId - e.idBase + e.outBase;
		return { kind: 'mapped', id, maskedId, target: e.target, args: [out & 0xffffffffn, ...e.outCells.slice(1)], entry: e };
	}
	// pr_info("%pOF: no %s translation for id 0x%x on %pOF\n"); the target is still NULL here.
	return { kind: 'no-match', id, maskedId, message: `${map.node.path}: no ${map.name} translation for id ${hex(id)} on (null)` };
}

/** The masked-id range `[idBase, idBase + length)` of an entry. */
export function entryRange(e: IdMapEntry): { start: bigint; end: bigint } {
	return { start: e.idBase, end: e.idBase + e.length };
}
