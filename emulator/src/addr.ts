/**
 * Address arithmetic for the emulator. All addresses and sizes are bigint; ranges are half-open
 * `[start, end)`. A range may reach 2^64 exactly (a 64-bit window ending at the top of the space).
 */

/** A half-open address range. Invariant: `start <= end`. */
export interface AddrRange {
	readonly start: bigint;
	readonly end: bigint;
}

export const U32_MAX = (1n << 32n) - 1n;
export const U64_LIMIT = 1n << 64n;

/** The range `[start, start + size)`. */
export function rangeOf(start: bigint, size: bigint): AddrRange {
	return { start, end: start + size };
}

export function size(range: AddrRange): bigint {
	return range.end - range.start;
}

export function contains(range: AddrRange, addr: bigint): boolean {
	return addr >= range.start && addr < range.end;
}

/** True when `inner` lies entirely inside `outer` (an empty inner range is inside any range that holds its start). */
export function covers(outer: AddrRange, inner: AddrRange): boolean {
	return inner.start >= outer.start && inner.end <= outer.end;
}

/** The overlap of two ranges, or undefined when they do not overlap. */
export function intersect(a: AddrRange, b: AddrRange): AddrRange | undefined {
	const start = a.start > b.start ? a.start : b.start;
	const end = a.end < b.end ? a.end : b.end;
	return start < end ? { start, end } : undefined;
}

/** Joins cells (most significant first, 32 bits each) into one number, as `of_read_number` does. */
export function cellsToBigint(cells: readonly bigint[]): bigint {
	let value = 0n;
	for (const cell of cells) value = (value << 32n) | (cell & U32_MAX);
	return value;
}

/** `0x` and lower-case hex, at least `minDigits` digits. */
export function hex(value: bigint, minDigits = 1): string {
	return `0x${value.toString(16).padStart(minDigits, '0')}`;
}

/** `0x0000_1000-0x0000_1fff` style (inclusive end, as the kernel prints resources). */
export function formatRange(range: AddrRange, minDigits = 8): string {
	if (range.end === range.start) return `${hex(range.start, minDigits)} (empty)`;
	return `${hex(range.start, minDigits)}-${hex(range.end - 1n, minDigits)}`;
}
