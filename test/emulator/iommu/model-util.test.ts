import { describe, expect, it } from 'vitest';
import { firstMatchAtOrAbove, matchesAnyInRange } from '../../../emulator/src/iommu/model-util';

/** The former recursive search (the specification the closed form must match bit for bit). */
function reference(id: bigint, mask: bigint, from: bigint): bigint | undefined {
	const fixed = id & ~mask & 0xffffffffn;
	const free = mask & 0xffffffffn;
	let best: bigint | undefined;
	const search = (bit: number, prefix: bigint, greater: boolean): void => {
		if (best !== undefined) return;
		if (bit < 0) {
			best = prefix;
			return;
		}
		const b = 1n << BigInt(bit);
		const want = from & b;
		const options = free & b ? [0n, b] : [fixed & b];
		for (const opt of options) {
			if (!greater && opt < want) continue;
			search(bit - 1, prefix | opt, greater || opt > want);
			if (best !== undefined) return;
		}
	};
	search(31, 0n, false);
	return best;
}

/** A small deterministic generator (xorshift32), so that failures reproduce. */
function rng(seed: number): () => number {
	let x = seed >>> 0 || 1;
	return () => {
		x ^= x << 13;
		x >>>= 0;
		x ^= x >>> 17;
		x ^= x << 5;
		x >>>= 0;
		return x;
	};
}

describe('firstMatchAtOrAbove', () => {
	const edges = [0n, 1n, 2n, 0x7fn, 0x80n, 0x3fn, 0x400n, 0x1400n, 0x1401n, 0xffffn, 0x10000n, 0x7fffffffn, 0x80000000n, 0xfffffffen, 0xffffffffn, 0x100000000n, 0x1_0000_1400n, 0xffff_ffff_ffffn, -1n, -2n, -0x80000000n, 1n << 64n];
	it('matches the recursive search on edge values', () => {
		for (const id of edges) for (const mask of edges) for (const from of edges) expect(firstMatchAtOrAbove(id, mask, from), `${id} ${mask} ${from}`).toBe(reference(id, mask, from));
	});
	it('matches the recursive search on random values', () => {
		const next = rng(12345);
		const big = (): bigint => {
			const kind = next() % 6;
			if (kind === 0) return BigInt(next() & 0xff);
			if (kind === 1) return BigInt(next() & 0xffff);
			if (kind === 2) return BigInt(next());
			if (kind === 3) return (BigInt(next()) << 32n) | BigInt(next());
			if (kind === 4) return BigInt(next() >>> (next() % 32)) & ~BigInt(next() & 0xf0);
			return -BigInt(next());
		};
		for (let k = 0; k < 20000; k++) {
			const id = big();
			const mask = next() % 3 === 0 ? 0n : big();
			const from = next() % 4 === 0 ? id + BigInt(next() % 5) - 2n : big();
			expect(firstMatchAtOrAbove(id, mask, from), `${id} ${mask} ${from}`).toBe(reference(id, mask, from));
		}
	});
	it('answers range questions', () => {
		expect(matchesAnyInRange(0x1401n, 0x30n, 0x1402n, 0x1411n)).toBe(false);
		expect(matchesAnyInRange(0x1401n, 0x30n, 0x1402n, 0x1412n)).toBe(true);
		expect(firstMatchAtOrAbove(0x1401n, 0x30n, 0x1432n)).toBe(undefined);
	});
});
