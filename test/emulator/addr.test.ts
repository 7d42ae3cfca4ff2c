import { describe, expect, it } from 'vitest';
import { cellsToBigint, contains, covers, formatRange, intersect, rangeOf, U64_LIMIT } from '../../emulator/src/addr';

describe('addr', () => {
	it('joins cells most significant first and masks each to 32 bits', () => {
		expect(cellsToBigint([0x1n, 0x80000000n])).toBe(0x1_8000_0000n);
		expect(cellsToBigint([0x1_0000_0001n])).toBe(1n);
		expect(cellsToBigint([])).toBe(0n);
	});
	it('treats ranges as half-open, up to the top of the 64-bit space', () => {
		const top = rangeOf(0xffff_ffff_0000_0000n, 0x1_0000_0000n);
		expect(top.end).toBe(U64_LIMIT);
		expect(contains(top, U64_LIMIT - 1n)).toBe(true);
		expect(contains(top, U64_LIMIT)).toBe(false);
		expect(intersect(rangeOf(0n, 0x1000n), rangeOf(0x1000n, 0x1000n))).toBeUndefined();
		expect(intersect(rangeOf(0n, 0x1001n), rangeOf(0x1000n, 0x1000n))).toEqual({ start: 0x1000n, end: 0x1001n });
		expect(covers(rangeOf(0n, 0x2000n), rangeOf(0x1000n, 0x1000n))).toBe(true);
		expect(covers(rangeOf(0n, 0x2000n), rangeOf(0x1000n, 0x1001n))).toBe(false);
	});
	it('prints inclusive ends as the kernel does', () => {
		expect(formatRange(rangeOf(0xa84000n, 0x4000n))).toBe('0x00a84000-0x00a87fff');
		expect(formatRange(rangeOf(0x10n, 0n))).toBe('0x00000010 (empty)');
	});
});
