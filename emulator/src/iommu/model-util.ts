/**
 * Small pure helpers shared by the IOMMU models and checks: stream-match arithmetic and IOMMU group
 * bookkeeping.
 */
import { hex } from '../addr';
import type { IommuInstanceState } from './plugin-api';

/** `(mask & smr.mask) == mask && !((id ^ smr.id) & ~smr.mask)`: the new entry is entirely matched by `smr`. */
export function smrCovers(smr: { id: bigint; mask: bigint }, entry: { id: bigint; mask: bigint }): boolean {
	return (entry.mask & smr.mask) === entry.mask && ((entry.id ^ smr.id) & ~smr.mask) === 0n;
}

/** `!((id ^ smr.id) & ~(smr.mask | mask))`: at least one stream ID matches both. */
export function smrOverlaps(a: { id: bigint; mask: bigint }, b: { id: bigint; mask: bigint }): boolean {
	return ((a.id ^ b.id) & ~(a.mask | b.mask)) === 0n;
}

/** The number of stream IDs an (id, mask) pair matches: 2^popcount(mask). */
export function matchCount(mask: bigint): bigint {
	let n = 0n;
	for (let m = mask; m > 0n; m >>= 1n) if (m & 1n) n++;
	return 1n << n;
}

/** The stream IDs an (id, mask) pair matches, ascending, at most `cap` of them. */
export function matchedIds(id: bigint, mask: bigint, cap = 64): bigint[] {
	const bits: bigint[] = [];
	for (let b = 0n, m = mask; m > 0n; b++, m >>= 1n) if (m & 1n) bits.push(1n << b);
	const base = id & ~mask;
	const out: bigint[] = [];
	const total = 1 << Math.min(bits.length, 20);
	for (let i = 0; i < total && out.length < cap; i++) {
		let v = base;
		for (let k = 0; k < bits.length && k < 20; k++) if (i & (1 << k)) v |= bits[k] as bigint;
		out.push(v);
	}
	return out.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

/** True when some stream ID in `[start, end)` matches (id, mask). */
export function matchesAnyInRange(id: bigint, mask: bigint, start: bigint, end: bigint): boolean {
	const first = firstMatchAtOrAbove(id, mask, start);
	return first !== undefined && first < end;
}

/**
 * The smallest value `v >= from` with `(v & ~mask) == (id & ~mask)`, within 32 bits; undefined when
 * there is none. Only bits 31..0 of `id`, `mask` and `from` count (higher bits of `from` are ignored,
 * i.e. `from` is taken modulo 2^32; a negative bigint reads as its two's complement).
 *
 * Closed form, without allocation (this runs for every stream ID entry against every map window):
 * when `from` itself matches it is the answer; otherwise let `h` be the highest bit where `from`
 * contradicts a fixed bit. The answer agrees with `from` above some bit `i >= h`, has a 1 there where
 * `from` has a 0 (a free bit, or a fixed bit that is 1), and takes the smallest value below (the fixed
 * bits, free bits 0). The lowest such `i` gives the smallest answer; when there is none, no 32-bit
 * value matches.
 */
export function firstMatchAtOrAbove(id: bigint, mask: bigint, from: bigint): bigint | undefined {
	const free = Number(BigInt.asUintN(32, mask));
	const fixed = Number(BigInt.asUintN(32, id)) & ~free;
	const f = Number(BigInt.asUintN(32, from));
	const conflicts = (f ^ fixed) & ~free;
	if (conflicts === 0) return BigInt(f);
	const h = 31 - Math.clz32(conflicts);
	// Bits at or above h where `from` has a 0 and the answer may have a 1.
	const raisable = ~f & (free | fixed) & ~lowBits(h);
	if (raisable === 0) return undefined;
	const i = 31 - Math.clz32(raisable & -raisable);
	return BigInt(((f & ~lowBits(i + 1)) | (1 << i) | (fixed & lowBits(i))) >>> 0);
}

/** The `n` lowest bits set (0 <= n <= 32), for 32-bit bitwise operators. */
function lowBits(n: number): number {
	return n >= 32 ? -1 : (1 << n) - 1;
}

/** `SID 0x1401 mask 0x30` style label. */
export function sidLabel(id: bigint, mask: bigint, word = 'SID'): string {
	return mask ? `${word} ${hex(id)} mask ${hex(mask)}` : `${word} ${hex(id)}`;
}

/** Group bookkeeping of one instance: numbered groups and their member masters. */
export class GroupTable {
	/** Members in join order (a Set keeps insertion order and makes `join` constant time). */
	private readonly members = new Map<number, Set<string>>();
	private next = 0;

	/** A new empty group's number. */
	create(): number {
		const g = this.next++;
		this.members.set(g, new Set());
		return g;
	}

	/** Adds a master to a group (once). */
	join(group: number, master: string): void {
		let set = this.members.get(group);
		if (!set) {
			set = new Set();
			this.members.set(group, set);
		}
		set.add(master);
	}

	/** The other members of `group`, in join order. */
	others(group: number, master: string): string[] {
		const out: string[] = [];
		for (const m of this.members.get(group) ?? []) if (m !== master) out.push(m);
		return out;
	}

	get count(): number {
		let n = 0;
		for (const m of this.members.values()) if (m.size > 0) n++;
		return n;
	}
}

/**
 * The instance state of a 0-cell IOMMU that serves its masters as one unit (Rockchip, OMAP): every
 * master joins the instance's single group, and each entry occupies the whole instance.
 */
export function dedicatedInstanceState(): IommuInstanceState {
	const groups = new GroupTable();
	const group = groups.create();
	return {
		attach(master, entries) {
			groups.join(group, master.key);
			const others = groups.others(group, master.key);
			return {
				ok: true,
				slots: entries.map((e) => ({ entryIndex: e.entryIndex, kind: 'instance' as const, index: 0, reused: others.length > 0, sharedWith: others })),
				group,
				groupSharedWith: others,
			};
		},
		usage() {
			return { groups: groups.count };
		},
	};
}
