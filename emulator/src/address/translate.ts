/**
 * CPU and DMA address translation exactly as drivers/of/address.c does it: the bus kinds of
 * `of_busses[]` (PCI, ISA, "default-flags", default), their `count_cells`/`map`/`translate`
 * callbacks, `of_translate_one()` and the walk of `__of_translate_address()`. Each applied
 * `ranges`/`dma-ranges` level is returned as a hop with its source location.
 */
import { addressCellsFor, busAddressCells, busSizeCells, parsePhandleArgs, sharedU32s, str, strings } from '../dt/props';
import type { DtNodeView, DtView, SourceRef } from '../types';

/** The kernel's `OF_BAD_ADDR` is modelled as an explicit failure; this is the u64 mask of `of_read_number`. */
const U64_MASK = (1n << 64n) - 1n;
const U32_MASK = (1n << 32n) - 1n;

/** Which entry of the kernel's `of_busses[]` table a bus node matches (`of_match_bus()`). */
export type BusKind = 'pci' | 'isa' | 'default-flags' | 'default';

/** PCI address spaces as `phys.hi` bits 25:24 encode them. */
export type PciSpace = 'config' | 'io' | 'mem32' | 'mem64';

/** The `phys.hi` cell of a PCI address, decoded. */
export interface PciPhysHi {
	readonly space: PciSpace;
	readonly prefetchable: boolean;
	readonly relocatable: boolean;
	readonly bus: number;
	readonly device: number;
	readonly function: number;
	readonly register: number;
}

/** Which property a walk applies at each level. */
export type RangesProperty = 'ranges' | 'dma-ranges';

/** One level of a translation: a bus's `ranges` (or `dma-ranges`) applied to an address. */
export interface TranslationHop {
	/** Path of the bus node whose property was applied. */
	readonly bus: string;
	readonly busKind: BusKind;
	readonly property: RangesProperty;
	/**
	 * `window`: an entry matched; `empty`: an empty property (1:1); `missing`: no `dma-ranges`
	 * at this level, which `of_translate_one()` treats as 1:1 for DMA only.
	 */
	readonly mode: 'window' | 'empty' | 'missing';
	/** Index of the matching entry, for `window`. */
	readonly entryIndex?: number;
	/** The address in the bus's child space (without a flags cell), as `of_read_number` reads it. */
	readonly childAddress: bigint;
	/** The address in the parent's space after this level. */
	readonly parentAddress: bigint;
	readonly childCells: readonly bigint[];
	readonly parentCells: readonly bigint[];
	/** The matching entry, the empty property, or the bus node when the property is missing. */
	readonly loc: SourceRef;
}

/** Why a walk produced the kernel's `OF_BAD_ADDR`. */
export type TranslationFailureReason =
	| 'no-parent'
	| 'bad-cell-count'
	| 'no-ranges'
	| 'no-matching-range'
	| 'pci-config-space';

/** Where and why a walk stopped with `OF_BAD_ADDR`. */
export interface TranslationFailure {
	readonly reason: TranslationFailureReason;
	/** Path of the node where the walk stopped. */
	readonly at: string;
	readonly loc: SourceRef;
	/** One sentence, in the kernel's terms (`pr_debug` text where there is one). */
	readonly message: string;
}

/** The result of translating one address up the tree. */
export interface AddressTranslation {
	/** The resulting address (CPU physical for `ranges`); undefined when the walk failed. */
	readonly address: bigint | undefined;
	readonly hops: readonly TranslationHop[];
	readonly failure?: TranslationFailure;
}

/** `of_bus_pci_match()`: `device_type` pci/pciex/vci/ht, or a node named `pcie` (with a kernel warning). */
export function isPciBus(node: DtNodeView): boolean {
	const type = str(node, 'device_type');
	return type === 'pci' || type === 'pciex' || type === 'vci' || type === 'ht' || hasBaseName(node, 'pcie');
}

/** `baseName(node) === base`, without cutting the name (asked of every bus of every translation). */
function hasBaseName(node: DtNodeView, base: string): boolean {
	const name = node.name;
	return name.startsWith(base) && (name.length === base.length || name.charCodeAt(base.length) === 0x40 /* @ */);
}

/** `of_match_bus()`: the first matching entry of `of_busses[]` (CONFIG_PCI assumed). */
export function busKindOf(bus: DtNodeView): BusKind {
	if (isPciBus(bus)) return 'pci';
	if (hasBaseName(bus, 'isa')) return 'isa';
	if (busAddressCells(bus) === 3) return 'default-flags';
	return 'default';
}

/** `flag_cells` of the bus kind: the leading cells `map` skips when comparing addresses. */
export function flagCells(kind: BusKind): number {
	return kind === 'default' ? 0 : 1;
}

/** `bus->count_cells(child)`: PCI is always 3/2 and ISA 2/1; other buses use the inherited cells. */
export function countCells(kind: BusKind, child: DtNodeView): { na: number; ns: number } {
	if (kind === 'pci') return { na: 3, ns: 2 };
	if (kind === 'isa') return { na: 2, ns: 1 };
	const parent = child.parent;
	return { na: addressCellsFor(child), ns: parent ? busSizeCells(parent) : 1 };
}

/** `OF_CHECK_COUNTS()`: 1..4 address cells and a non-zero size. */
export function checkCounts(na: number, ns: number): boolean {
	return na > 0 && na <= 4 && ns > 0;
}

/** `of_read_number()`: cells joined most significant first, truncated to 64 bits. */
export function readNumber(cells: readonly bigint[]): bigint {
	return readNumberAt(cells, 0, cells.length);
}

/** `readNumber(cells.slice(from, to))`, without the copy. */
export function readNumberAt(cells: readonly bigint[], from: number, to: number): bigint {
	let value = 0n;
	for (let i = from; i < to && i < cells.length; i++) value = ((value << 32n) | ((cells[i] as bigint) & U32_MASK)) & U64_MASK;
	return value;
}

/** `readNumber` of the 32-bit cells `words[from..to)` (a property's raw cells). */
export function readWordsAt(words: readonly number[], from: number, to: number): bigint {
	let value = 0n;
	for (let i = from; i < to && i < words.length; i++) value = ((value << 32n) | BigInt(words[i] as number)) & U64_MASK;
	return value;
}

/** Decodes `phys.hi` of a PCI address. */
export function decodePciPhysHi(hi: bigint): PciPhysHi {
	const w = Number(hi & U32_MASK);
	const code = (w >>> 24) & 3;
	return {
		space: (['config', 'io', 'mem32', 'mem64'] as const)[code] as PciSpace,
		prefetchable: (w & 0x40000000) !== 0,
		relocatable: (w & 0x80000000) === 0,
		bus: (w >>> 16) & 0xff,
		device: (w >>> 11) & 0x1f,
		function: (w >>> 8) & 0x7,
		register: w & 0xff,
	};
}

/** `IORESOURCE_IO`/`IORESOURCE_MEM` of `of_bus_pci_get_flags()`, as the two bits `of_bus_pci_map` compares. */
function pciTypeBits(hi: bigint): number {
	const code = Number((hi >> 24n) & 3n);
	if (code === 1) return 1;
	if (code === 2 || code === 3) return 2;
	return 0;
}

/**
 * The bus kind's `map` callback: the offset inside the matching entry, or undefined (`OF_BAD_ADDR`).
 * The entry is the `na + pna + ns` cells of `words` (the property's raw cells) from `at`.
 */
function mapEntry(kind: BusKind, addr: readonly bigint[], words: readonly number[], at: number, na: number, ns: number, pna: number): bigint | undefined {
	const fna = flagCells(kind);
	if (kind !== 'default') {
		const range0 = BigInt(words[at] as number);
		if (kind === 'pci' && (pciTypeBits(addr[0] ?? 0n) ^ pciTypeBits(range0)) !== 0) return undefined;
		if (kind === 'isa' && (((addr[0] ?? 0n) ^ range0) & 1n) !== 0n) return undefined;
		if (kind === 'default-flags' && (addr[0] ?? 0n) !== range0) return undefined;
	}
	const cp = readWordsAt(words, at + fna, at + na);
	const s = readWordsAt(words, at + na + pna, at + na + pna + ns);
	const da = readNumberAt(addr, fna, na);
	// NOTE: the kernel computes `cp + s` in u64, so a window ending exactly at 2^64 wraps to 0 and
	// matches nothing; this is modelled on purpose.
	if (da < cp || da >= ((cp + s) & U64_MASK)) return undefined;
	return da - cp;
}

/** The parent bus kind's `translate` callback: add the offset to the low 64 bits, keeping a flags cell. */
function applyOffset(kind: BusKind, addr: readonly bigint[], offset: bigint, pna: number): bigint[] {
	const fna = flagCells(kind);
	const out = addr.slice(0, pna);
	while (out.length < pna) out.push(0n);
	const body = out.slice(fna);
	const a = (readNumber(body) + offset) & U64_MASK;
	const n = body.length;
	const next = body.map(() => 0n);
	if (n > 1) next[n - 2] = a >> 32n;
	if (n > 0) next[n - 1] = a & U32_MASK;
	return [...out.slice(0, fna), ...next];
}

/** The value of an address at one level, without its flags cell. */
function valueOf(kind: BusKind, addr: readonly bigint[]): bigint {
	return readNumberAt(addr, flagCells(kind), addr.length);
}

/**
 * `__of_get_dma_parent()`: the target of the `interconnects` entry named `dma-mem` when there is
 * one, else the tree parent.
 */
export function dmaParentOf(view: DtView, node: DtNodeView): DtNodeView | undefined {
	const index = strings(node.property('interconnect-names')).indexOf('dma-mem');
	if (index >= 0) {
		const entry = parsePhandleArgs(view, node, 'interconnects', '#interconnect-cells')[index];
		if (entry?.target && !entry.error) return entry.target;
	}
	return node.parent;
}

/** The next node of a walk: the DMA parent for `dma-ranges`, else the tree parent. */
function parentFor(view: DtView, node: DtNodeView, dma: boolean): DtNodeView | undefined {
	return dma ? dmaParentOf(view, node) : node.parent;
}

/** A walk that stopped with `OF_BAD_ADDR` after `hops`. */
function failed(hops: readonly TranslationHop[], reason: TranslationFailureReason, at: DtNodeView, loc: SourceRef, message: string): AddressTranslation {
	return { address: undefined, hops, failure: { reason, at: at.path, loc, message } };
}

/** Options of `translateAddress`. */
export interface TranslateOptions {
	/** `ranges` walks tree parents (`of_translate_address`); `dma-ranges` walks DMA parents (`of_translate_dma_address`). */
	readonly property: RangesProperty;
}

/**
 * `__of_translate_address()`: translates `addr` (cells in the bus format of `node`'s parent) up to
 * the root. The root ends the walk and its own property is never applied; a missing `ranges` on a
 * non-root bus fails ("no ranges; cannot translate"), while a missing `dma-ranges` is 1:1.
 */
export function translateAddress(view: DtView, node: DtNodeView, addr: readonly bigint[], options: TranslateOptions): AddressTranslation {
	// No closures here: the engine would allocate them and their scope on every call (one per `reg` entry).
	const dma = options.property === 'dma-ranges';
	const hops: TranslationHop[] = [];
	let parent = parentFor(view, node, dma);
	if (!parent) return failed(hops, 'no-parent', node, node.loc, `${node.path} has no parent bus to translate through`);
	let bus = busKindOf(parent);
	let { na, ns } = countCells(bus, node);
	if (!checkCounts(na, ns)) {
		return failed(hops, 'bad-cell-count', parent, parent.loc, `Bad cell count for ${node.path} (#address-cells ${na}, #size-cells ${ns})`);
	}
	let cur = addr.slice(0, na);
	let dev: DtNodeView = node;
	for (;;) {
		dev = parent;
		parent = parentFor(view, dev, dma);
		if (!parent) return { address: readNumber(cur), hops };
		const pbus = busKindOf(parent);
		const { na: pna, ns: pns } = countCells(pbus, dev);
		if (!checkCounts(pna, pns)) {
			return failed(hops, 'bad-cell-count', parent, parent.loc, `Bad cell count for ${dev.path} (#address-cells ${pna}, #size-cells ${pns})`);
		}
		const prop = dev.property(options.property);
		const childValue = valueOf(bus, cur);
		const childCells = cur;
		if (!prop && options.property === 'ranges') {
			return failed(hops, 'no-ranges', dev, dev.loc, `${dev.path} has no ranges; cannot translate`);
		}
		let offset: bigint;
		let base: bigint[];
		let mode: TranslationHop['mode'];
		let entryIndex: number | undefined;
		let loc: SourceRef;
		if (!prop || prop.bytes.length === 0) {
			offset = readNumber(cur);
			base = new Array<bigint>(pna).fill(0n);
			mode = prop ? 'empty' : 'missing';
			loc = prop ? prop.loc : dev.loc;
		} else {
			const words = sharedU32s(prop) ?? [];
			const rone = na + pna + ns;
			let found: bigint | undefined;
			let i = 0;
			for (; (i + 1) * rone <= words.length; i++) {
				found = mapEntry(bus, cur, words, i * rone, na, ns, pna);
				if (found !== undefined) break;
			}
			if (found === undefined) {
				return failed(
					hops,
					'no-matching-range',
					dev,
					prop.loc,
					`no ${options.property} entry of ${dev.path} covers ${describeAddress(bus, childCells)}; cannot translate`,
				);
			}
			offset = found;
			base = [];
			for (let k = i * rone + na; k < i * rone + na + pna; k++) base.push(BigInt(words[k] as number));
			mode = 'window';
			entryIndex = i;
			loc = prop.entryLoc(i * rone, rone);
		}
		cur = applyOffset(pbus, base, offset, pna);
		const parentAddress = valueOf(pbus, cur);
		// Two literals rather than a spread of the optional field (same fields, same order).
		hops.push(
			entryIndex !== undefined
				? { bus: dev.path, busKind: bus, property: options.property, mode, entryIndex, childAddress: childValue, parentAddress, childCells, parentCells: cur, loc }
				: { bus: dev.path, busKind: bus, property: options.property, mode, childAddress: childValue, parentAddress, childCells, parentCells: cur, loc },
		);
		na = pna;
		ns = pns;
		bus = pbus;
	}
}

/** A readable form of an address in a bus's format (`pci mem32 0x40000000`, or hex). */
export function describeAddress(kind: BusKind, cells: readonly bigint[]): string {
	if (kind === 'pci') {
		const hi = decodePciPhysHi(cells[0] ?? 0n);
		return `pci ${hi.space}${hi.prefetchable ? ' prefetchable' : ''} 0x${readNumber(cells.slice(1)).toString(16)}`;
	}
	if (kind === 'default' || cells.length === 0) return `0x${readNumber(cells).toString(16)}`;
	return `<0x${(cells[0] ?? 0n).toString(16)}> 0x${readNumber(cells.slice(1)).toString(16)}`;
}
