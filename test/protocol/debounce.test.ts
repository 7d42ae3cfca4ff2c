/** `EditDebounce`: an edit after a pause in typing is analysed at once, one inside a burst once typing pauses. */
import { describe, expect, it } from 'vitest';
import { EditDebounce } from '../../server/src/lsp/debounce';

describe('EditDebounce', () => {
	it('analyses the first edit and every edit after a pause at once', () => {
		const d = new EditDebounce(150);
		expect(d.edited('a.dts', 1000, false)).toBe(0);
		expect(d.edited('a.dts', 1150, false)).toBe(0);
		expect(d.edited('a.dts', 5000, false)).toBe(0);
	});

	it('makes the edits of a burst wait for the pause, each restarting the wait', () => {
		const d = new EditDebounce(150);
		expect(d.edited('a.dts', 1000, false)).toBe(0);
		// 60 ms apart: a burst. The time counts from the last edit, so a long burst keeps waiting.
		for (let t = 1060; t < 3000; t += 60) expect(d.edited('a.dts', t, false)).toBe(150);
		expect(d.edited('a.dts', 3000 + 150, false)).toBe(0);
	});

	it('waits while an analysis of the board is waiting or under way, even after a pause', () => {
		const d = new EditDebounce(150);
		expect(d.edited('a.dts', 1000, true)).toBe(150);
		expect(d.edited('a.dts', 2000, true)).toBe(150);
		expect(d.edited('a.dts', 3000, false)).toBe(0);
	});

	it('keeps the boards apart, and forgets the closed ones', () => {
		const d = new EditDebounce(150);
		expect(d.edited('a.dts', 1000, false)).toBe(0);
		expect(d.edited('b.dts', 1010, false)).toBe(0);
		expect(d.edited('a.dts', 1020, false)).toBe(150);
		d.retain(new Set(['b.dts']));
		// a.dts closed and opened again: its first edit follows no burst.
		expect(d.edited('a.dts', 1030, false)).toBe(0);
		expect(d.edited('b.dts', 1040, false)).toBe(150);
	});
});
