/**
 * The DMA view of a device as `of_dma_configure_id()` builds it: the `dma-ranges` walk of
 * `of_dma_get_range()` (starting at the device's DMA parent), the windows of `dev->dma_range_map`,
 * `bus_dma_limit`, coherency (`of_dma_is_coherent()`), and whether an IOMMU sits in front.
 */
import { type AddrRange, rangeOf } from '../addr';
import { addressCellsFor, busAddressCells, busSizeCells, u32s } from '../dt/props';
import type { DtNodeView, DtView, SourceRef } from '../types';
import {
	type AddressTranslation,
	busKindOf,
	dmaParentOf,
	flagCells,
	readNumber,
	translateAddress,
} from './translate';
import { KeyedCache } from '../keyed-cache';

/** One node visited by the `of_dma_get_range()` walk. */
export interface DmaWalkStep {
	readonly node: string;
	/** `missing`: no property; `empty`: `dma-ranges;` (1:1, the walk goes on); `windows`: the walk stops here. */
	readonly dmaRanges: 'missing' | 'empty' | 'windows';
	/** The property, or the node when it is missing. */
	readonly loc: SourceRef;
	/** How the walk reached this node from the previous one. */
	readonly via: 'parent' | 'interconnects';
}

/** One `dma-ranges` entry as `for_each_of_range()` reads it. */
export interface DmaWindow {
	/** Path of the node that owns the `dma-ranges`. */
	readonly owner: string;
	readonly index: number;
	/** Bus (device-visible) addresses. */
	readonly dma: AddrRange;
	/** CPU physical addresses; undefined when the CPU side could not be translated (entry dropped). */
	readonly cpu?: AddrRange;
	readonly size: bigint;
	readonly loc: SourceRef;
	/** The CPU-side walk through the ancestors' `dma-ranges`. */
	readonly cpuTranslation: AddressTranslation;
}

/** Where the coherency answer came from. */
export interface DmaCoherency {
	readonly coherent: boolean;
	readonly source: 'dma-coherent' | 'dma-noncoherent' | 'arch-default';
	/** The node carrying the property (the device itself or a DMA ancestor). */
	readonly at?: string;
	readonly loc?: SourceRef;
}

/**
 * `none`: no `dma-ranges` found (-ENODEV; 1:1, no limit); `identity`: only empty `dma-ranges` up to
 * the root (also -ENODEV in the kernel, same effect); `windows`: a map was built; `broken-chain`:
 * a non-empty `dma-ranges` exists higher up but a node between lacks the property, so
 * `of_dma_get_range()` returns -ENODEV and the windows are ignored; `invalid`: no entry could be
 * translated (-EINVAL), no map.
 */
export type DmaMapStatus = 'none' | 'identity' | 'windows' | 'broken-chain' | 'invalid';

/** The DMA view of one device. */
export interface DmaView {
	readonly node: string;
	readonly walk: readonly DmaWalkStep[];
	readonly status: DmaMapStatus;
	/** The windows of `dev->dma_range_map` (only for `windows`; the unused ones for `broken-chain`). */
	readonly windows: readonly DmaWindow[];
	/** Entries dropped with "translation of DMA address(%llx) to CPU address failed node(%pOF)". */
	readonly droppedWindows: readonly DmaWindow[];
	/** For `broken-chain`: the node without `dma-ranges` that stopped the walk. */
	readonly breakAt?: { readonly node: string; readonly loc: SourceRef; readonly ignored: string; readonly ignoredLoc: SourceRef };
	/** `dev->bus_dma_limit`: the highest DMA address of the map (inclusive); undefined without a map. */
	readonly busDmaLimit?: bigint;
	/** The width of `DMA_BIT_MASK(ilog2(end) + 1)` the masks are clipped to, with a map. */
	readonly dmaMaskBits?: number;
	readonly coherency: DmaCoherency;
	/** True when an enabled IOMMU translates this device: it then emits IOVAs, and the map does not describe them. */
	readonly behindIommu: boolean;
	readonly emits: 'iova' | 'bus-address';
}

/** Inputs the address part cannot answer alone. */
export interface DmaViewOptions {
	/** Answers "is this device behind an enabled IOMMU?" (the IOMMU part knows). Default: no. */
	readonly isBehindIommu?: (node: DtNodeView) => boolean;
	/** `dma_default_coherent` of the architecture (false on arm64, the default here). */
	readonly dmaDefaultCoherent?: boolean;
}

/** Reads every entry of a node's non-empty `dma-ranges` as `of_pci_dma_range_parser_init()` does. */
export function dmaWindowsOf(view: DtView, owner: DtNodeView): { windows: DmaWindow[]; dropped: DmaWindow[]; trailingCells: number } {
	// Every device below a bus asks for the bus's windows: read them once per node (a node view belongs
	// to one tree, and the windows depend on nothing else).
	let known = windowsCache.get(owner);
	if (!known) {
		known = readDmaWindows(view, owner);
		windowsCache.set(owner, known);
	}
	return { windows: [...known.windows], dropped: [...known.dropped], trailingCells: known.trailingCells };
}

const windowsCache = new KeyedCache<DtNodeView, { windows: DmaWindow[]; dropped: DmaWindow[]; trailingCells: number }>('dma windows');

function readDmaWindows(view: DtView, owner: DtNodeView): { windows: DmaWindow[]; dropped: DmaWindow[]; trailingCells: number } {
	const prop = owner.property('dma-ranges');
	const cells = (u32s(prop) ?? []).map((c) => BigInt(c));
	const windows: DmaWindow[] = [];
	const dropped: DmaWindow[] = [];
	if (!prop || cells.length === 0) return { windows, dropped, trailingCells: 0 };
	const na = busAddressCells(owner);
	const ns = busSizeCells(owner);
	const pna = owner.parent ? addressCellsFor(owner) : busAddressCells(owner);
	const fna = flagCells(busKindOf(owner));
	const np = na + pna + ns;
	let i = 0;
	for (; (i + 1) * np <= cells.length; i++) {
		const entry = cells.slice(i * np, (i + 1) * np);
		const dmaStart = readNumber(entry.slice(fna, na));
		const size = readNumber(entry.slice(na + pna));
		const cpuTranslation = translateAddress(view, owner, entry.slice(na, na + pna), { property: 'dma-ranges' });
		const base = { owner: owner.path, index: i, dma: rangeOf(dmaStart, size), size, loc: prop.entryLoc(i * np, np), cpuTranslation };
		if (cpuTranslation.address === undefined) dropped.push(base);
		else windows.push({ ...base, cpu: rangeOf(cpuTranslation.address, size) });
	}
	return { windows, dropped, trailingCells: cells.length - i * np };
}

/** `of_dma_is_coherent()`: the first `dma-coherent`/`dma-noncoherent` on the node or a DMA ancestor. */
export function dmaCoherency(view: DtView, node: DtNodeView, dmaDefaultCoherent = false): DmaCoherency {
	for (let n: DtNodeView | undefined = node; n; n = dmaParentOf(view, n)) {
		const yes = n.property('dma-coherent');
		if (yes) return { coherent: true, source: 'dma-coherent', at: n.path, loc: yes.loc };
		const no = n.property('dma-noncoherent');
		if (no) return { coherent: false, source: 'dma-noncoherent', at: n.path, loc: no.loc };
	}
	return { coherent: dmaDefaultCoherent, source: 'arch-default' };
}

/** `ilog2(end) + 1`: the number of address bits needed to reach `end`. */
function bitsFor(end: bigint): number {
	return end <= 0n ? 1 : end.toString(2).length;
}

/** The part of a `DmaView` that depends only on where the walk starts (see `chainFrom`). */
type DmaChain = Pick<DmaView, 'walk' | 'status' | 'windows' | 'droppedWindows' | 'breakAt' | 'busDmaLimit' | 'dmaMaskBits'>;

/**
 * The chains read so far, per first node of the walk and per how the walk reached it. Every device
 * of a bus starts its walk at the bus, so the chain is read once per bus rather than once per device.
 * Valid because a node view belongs to one immutable tree (see dt/props.ts), and the answer depends
 * on nothing else; the answers are shared, read-only data.
 */
const chainCache = new KeyedCache<DtNodeView, { parent?: DmaChain; interconnects?: DmaChain }>('dma chains');

/**
 * Builds the DMA view of `node` as `of_dma_configure_id(dev, node, ...)` would for a platform
 * device: the walk starts at the DMA parent (`__of_get_dma_parent`), stops at the first non-empty
 * `dma-ranges`, and fails with -ENODEV when a node after the first has no `dma-ranges` at all.
 */
export function dmaView(view: DtView, node: DtNodeView, options: DmaViewOptions = {}): DmaView {
	const behindIommu = options.isBehindIommu?.(node) ?? false;
	const coherency = dmaCoherency(view, node, options.dmaDefaultCoherent ?? false);
	const emits = behindIommu ? ('iova' as const) : ('bus-address' as const);
	const start = dmaParentOf(view, node);
	const chain: DmaChain = start ? chainFrom(view, start, start === node.parent ? 'parent' : 'interconnects') : NO_CHAIN;
	// The same fields in the same order as always (results are printed and compared as JSON).
	const { walk, status, windows, droppedWindows } = chain;
	if (status === 'windows') return { node: node.path, coherency, behindIommu, emits, walk, status, windows, droppedWindows, busDmaLimit: chain.busDmaLimit, dmaMaskBits: chain.dmaMaskBits };
	if (chain.breakAt) return { node: node.path, coherency, behindIommu, emits, walk, status, windows, droppedWindows, breakAt: chain.breakAt };
	return { node: node.path, coherency, behindIommu, emits, walk, status, windows, droppedWindows };
}

const NO_CHAIN: DmaChain = { walk: [], status: 'none', windows: [], droppedWindows: [] };

/** The walk of `of_dma_get_range()` from `start` (the device's DMA parent, reached `via`), cached. */
function chainFrom(view: DtView, start: DtNodeView, via: DmaWalkStep['via']): DmaChain {
	let known = chainCache.get(start);
	if (!known) {
		known = {};
		chainCache.set(start, known);
	}
	let chain = known[via];
	if (!chain) {
		chain = readChain(view, start, via);
		known[via] = chain;
	}
	return chain;
}

function readChain(view: DtView, start: DtNodeView, firstVia: DmaWalkStep['via']): DmaChain {
	const walk: DmaWalkStep[] = [];
	let found = false;
	let prev: DtNodeView | undefined;
	let cur: DtNodeView | undefined = start;
	let owner: DtNodeView | undefined;
	let breakNode: DtNodeView | undefined;
	while (cur) {
		const prop = cur.property('dma-ranges');
		const via = prev === undefined ? firstVia : cur === prev.parent ? ('parent' as const) : ('interconnects' as const);
		const state = !prop ? 'missing' : prop.bytes.length > 0 ? 'windows' : 'empty';
		walk.push({ node: cur.path, dmaRanges: state, loc: prop ? prop.loc : cur.loc, via });
		if (state === 'windows') {
			owner = cur;
			break;
		}
		if (found && !prop) {
			breakNode = cur;
			break;
		}
		found = true;
		prev = cur;
		cur = dmaParentOf(view, cur);
	}
	if (breakNode) {
		// The kernel stops here; look further up only to tell a broken chain from "no dma-ranges".
		for (let up = dmaParentOf(view, breakNode); up; up = dmaParentOf(view, up)) {
			const prop = up.property('dma-ranges');
			if (prop && prop.bytes.length > 0) {
				const { windows, dropped } = dmaWindowsOf(view, up);
				return {
					walk,
					status: 'broken-chain',
					windows,
					droppedWindows: dropped,
					breakAt: { node: breakNode.path, loc: breakNode.loc, ignored: up.path, ignoredLoc: prop.loc },
				};
			}
		}
		return { walk, status: 'none', windows: [], droppedWindows: [] };
	}
	if (!owner) {
		const anyEmpty = walk.some((s) => s.dmaRanges === 'empty');
		return { walk, status: anyEmpty ? 'identity' : 'none', windows: [], droppedWindows: [] };
	}
	const { windows, dropped } = dmaWindowsOf(view, owner);
	if (windows.length === 0) return { walk, status: 'invalid', windows, droppedWindows: dropped };
	let end = 0n;
	for (const w of windows) if (w.dma.end - 1n > end) end = w.dma.end - 1n;
	return { walk, status: 'windows', windows, droppedWindows: dropped, busDmaLimit: end, dmaMaskBits: bitsFor(end) };
}

/**
 * The DMA address a device uses for CPU physical range `cpu` (`translate_phys_to_dma()`), or
 * undefined when no window holds all of it (`DMA_MAPPING_ERROR`). Without a map the address is 1:1.
 */
export function cpuToDma(dma: DmaView, cpu: AddrRange): AddrRange | undefined {
	if (dma.status !== 'windows') return cpu;
	for (const w of dma.windows) {
		if (w.cpu && cpu.start >= w.cpu.start && cpu.end <= w.cpu.end) {
			const offset = w.dma.start - w.cpu.start;
			return { start: cpu.start + offset, end: cpu.end + offset };
		}
	}
	return undefined;
}
