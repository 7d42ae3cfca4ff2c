/**
 * `reg` decoding as `__of_get_address()` reads it (the parent bus kind's cell counts, whole entries
 * only) and CPU physical address translation of every entry (`of_address_to_resource()`).
 */
import type { AddrRange } from '../addr';
import { sharedU32s, strings } from '../dt/props';
import type { DtNodeView, DtView, SourceRef } from '../types';
import {
	type AddressTranslation,
	type BusKind,
	busKindOf,
	checkCounts,
	countCells,
	decodePciPhysHi,
	type PciPhysHi,
	readNumberAt,
	readWordsAt,
	translateAddress,
} from './translate';
import { KeyedCache } from '../keyed-cache';

/** One `reg` entry with its CPU physical translation. */
export interface RegEntryTranslation {
	/** 0-based entry index (what `of_address_to_resource(np, index)` takes). */
	readonly index: number;
	/** The entry's name from `reg-names`, if any. */
	readonly name?: string;
	/** The raw cells of the address part (including a PCI `phys.hi`). */
	readonly addressCells: readonly bigint[];
	/** The address in the parent bus's space, without a flags cell. */
	readonly busAddress: bigint;
	readonly size: bigint;
	/** For entries on a PCI bus: the decoded `phys.hi`. */
	readonly pci?: PciPhysHi;
	readonly loc: SourceRef;
	/** The walk through each `ranges` up to the root. */
	readonly translation: AddressTranslation;
	/** `[cpu, cpu + size)` when the translation succeeded. */
	readonly cpuRange?: AddrRange;
}

/** How a node's `reg` reads, and every entry translated. */
export interface RegDecoding {
	readonly node: string;
	/** The kind of the parent bus, which decides the entry format. */
	readonly busKind: BusKind;
	readonly addressCells: number;
	readonly sizeCells: number;
	/** Undefined when the node has no `reg`. */
	readonly loc?: SourceRef;
	readonly entries: readonly RegEntryTranslation[];
	/** Cells after the last whole entry, which `__of_get_address()` never reads (0 when the length is right). */
	readonly trailingCells: number;
	/** Set when the kernel reads no entry at all: the cell counts are unusable (e.g. `#size-cells = <0>`). */
	readonly unusable?: 'no-parent' | 'bad-cell-count';
}

/**
 * Decodes `reg` of `node` and translates every entry to a CPU physical address. PCI children's
 * configuration-space entries are decoded but not translated (the kernel uses `assigned-addresses`
 * for their resources).
 */
export function decodeReg(view: DtView, node: DtNodeView): RegDecoding {
	// Several checks decode the same nodes: decode each once (see `decoded`).
	let known = decoded.get(node);
	if (!known) {
		known = readReg(view, node);
		decoded.set(node, known);
	}
	return known;
}

/**
 * The decodings made so far, per node. Valid because a node view belongs to one immutable tree (see
 * dt/props.ts) and the decoding depends on nothing else; the answers are shared, read-only data.
 */
const decoded = new KeyedCache<DtNodeView, RegDecoding>('reg decoding');

function readReg(view: DtView, node: DtNodeView): RegDecoding {
	const prop = node.property('reg');
	const parent = node.parent;
	if (!parent) return { node: node.path, busKind: 'default', addressCells: 0, sizeCells: 0, entries: [], trailingCells: 0, unusable: 'no-parent', ...(prop ? { loc: prop.loc } : {}) };
	const busKind = busKindOf(parent);
	const { na, ns } = countCells(busKind, node);
	const base = { node: node.path, busKind, addressCells: na, sizeCells: ns, ...(prop ? { loc: prop.loc } : {}) };
	const words = sharedU32s(prop) ?? [];
	const onesize = na + ns;
	if (!prop) return { ...base, entries: [], trailingCells: 0 };
	// NOTE: with #size-cells = 0 (i2c, spi, ...) the kernel's `OF_CHECK_COUNTS` refuses translation;
	// the entries are still decoded (address only) so that a hover can show them.
	if (na <= 0 || na > 4) return { ...base, entries: [], trailingCells: words.length, unusable: 'bad-cell-count' };
	const names = strings(node.property('reg-names'));
	const entries: RegEntryTranslation[] = [];
	for (let i = 0; (i + 1) * onesize <= words.length; i++) {
		const at = i * onesize;
		const addressCells: bigint[] = [];
		for (let k = at; k < at + na; k++) addressCells.push(BigInt(words[k] as number));
		const size = readWordsAt(words, at + na, at + onesize);
		const loc = prop.entryLoc(at, onesize);
		const pci = busKind === 'pci' ? decodePciPhysHi(addressCells[0] ?? 0n) : undefined;
		const busAddress = readNumberAt(addressCells, busKind === 'default' ? 0 : 1, na);
		let translation: AddressTranslation;
		if (!checkCounts(na, ns)) {
			translation = {
				address: undefined,
				hops: [],
				failure: { reason: 'bad-cell-count', at: parent.path, loc: parent.loc, message: `Bad cell count for ${node.path} (#size-cells ${ns}): not a memory-mapped address` },
			};
		} else if (pci?.space === 'config') {
			translation = {
				address: undefined,
				hops: [],
				failure: { reason: 'pci-config-space', at: node.path, loc, message: 'a PCI configuration-space address has no CPU address (resources come from assigned-addresses)' },
			};
		} else {
			translation = translateAddress(view, node, addressCells, { property: 'ranges' });
		}
		const name = names[i];
		entries.push({
			index: i,
			...(name !== undefined ? { name } : {}),
			addressCells,
			busAddress,
			size,
			...(pci ? { pci } : {}),
			loc,
			translation,
			...(translation.address !== undefined ? { cpuRange: { start: translation.address, end: translation.address + size } } : {}),
		});
	}
	// `base` spelled out (a spread is slow here), in the same field order.
	return { node: base.node, busKind, addressCells: na, sizeCells: ns, loc: prop.loc, entries, trailingCells: onesize > 0 ? words.length % onesize : words.length };
}

/** Every `reg` entry of `node` with its CPU physical translation (`decodeReg(...).entries`). */
export function translateReg(view: DtView, node: DtNodeView): RegEntryTranslation[] {
	return [...decodeReg(view, node).entries];
}
