/** `changedRegion` compares by chunks: the same region as a character-by-character comparison. */
import { describe, expect, it } from 'vitest';
import { changedRegion } from '../../server/src/lsp/changed-region';

function naive(before: string, after: string): { start: number; oldEnd: number; newEnd: number } {
	const min = Math.min(before.length, after.length);
	let p = 0;
	while (p < min && before.charCodeAt(p) === after.charCodeAt(p)) p++;
	let s = 0;
	while (s < min - p && before.charCodeAt(before.length - 1 - s) === after.charCodeAt(after.length - 1 - s)) s++;
	return { start: p, oldEnd: before.length - s, newEnd: after.length - s };
}

describe('changedRegion', () => {
	it('finds the common prefix and suffix of long texts', () => {
		let seed = 5;
		const r = (): number => {
			seed = (seed * 1103515245 + 12345) & 0x7fffffff;
			return seed / 0x7fffffff;
		};
		const unit = 'ab\n/* x */ \ud83d\ude00 ';
		for (let n = 0; n < 300; n++) {
			const len = Math.floor(r() * 3000);
			let base = '';
			while (base.length < len) base += unit[Math.floor(r() * unit.length)];
			const at = Math.floor(r() * (base.length + 1));
			const del = Math.floor(r() * 600);
			const ins = 'aaaa'.slice(0, Math.floor(r() * 5)) + base.slice(at, at + Math.floor(r() * 600));
			const after = base.slice(0, at) + ins + base.slice(at + del);
			expect(changedRegion(base, after)).toEqual(naive(base, after));
			expect(changedRegion(after, base)).toEqual(naive(after, base));
		}
		const big = 'x'.repeat(100_000);
		expect(changedRegion(big, big)).toEqual(naive(big, big));
		expect(changedRegion(big, `${big}x`)).toEqual(naive(big, `${big}x`));
		expect(changedRegion(`y${big}`, big)).toEqual(naive(`y${big}`, big));
	});
});
