/**
 * The source map of the preprocessor: where every piece of output text was written, through
 * includes and macro expansions.
 */

import { describe, expect, it } from 'vitest';
import { memoryFileSystem, type Span } from '../../server/src/base/source';
import { createPreprocessor, type PreprocessResult } from '../../server/src/cpp/index';

const BOARD = [
	'#define NODE(name, addr) name@addr', // 0
	'#define ADDR 0x1000', // 1
	'#include "a.dtsi"', // 2
	'/ {', // 3
	'\tNODE(gpio, ADDR) { };', // 4
	'\tNODE(uart,', // 5
	'\t     2000) { };', // 6
	'};', // 7
	'#define WRAP(x) <x>', // 8
	'#define INNER NODE(i2c, 3)', // 9
	'WRAP(ADDR) INNER', // 10
	'', // 11
].join('\n');

const FILES = { 'board.dts': BOARD, 'a.dtsi': 'x = <1>;\n' };

function run(lineMarkers: boolean): PreprocessResult {
	return createPreprocessor(memoryFileSystem(FILES)).preprocess('board.dts', { includePaths: [], lineMarkers });
}

function sp(file: string, l0: number, c0: number, l1: number, c1: number): Span {
	return { file, start: { line: l0, col: c0 }, end: { line: l1, col: c1 } };
}

/** Offset of the `n`-th occurrence of `needle` in `text`. */
function at(text: string, needle: string, n = 0): number {
	let i = -1;
	for (let k = 0; k <= n; k++) {
		i = text.indexOf(needle, i + 1);
		if (i < 0) throw new Error(`${needle} not found`);
	}
	return i;
}

describe('source map', () => {
	for (const markers of [false, true]) {
		describe(markers ? 'with line markers' : 'without line markers', () => {
			const r = run(markers);
			const spanAt = (needle: string, n = 0, len = needle.length): Span => {
				const o = at(r.text, needle, n);
				return r.map.spanOf(o, o + len);
			};

			it('produces the expected text', () => {
				expect(r.diagnostics).toEqual([]);
				expect(r.text.replace(/^#.*\n/gm, '').replace(/\n+/g, '\n').trim()).toBe(
					'x = <1>;\n/ {\n gpio@0x1000 { };\n uart@2000 { };\n};\n<0x1000> i2c@3',
				);
			});

			it('maps text of an included file to that file', () => {
				expect(spanAt('x')).toEqual(sp('a.dtsi', 0, 0, 0, 1));
				expect(spanAt('<1>')).toEqual(sp('a.dtsi', 0, 4, 0, 7));
				expect(r.map.expansionAt?.(at(r.text, 'x'))).toBeUndefined();
			});

			it('maps plain text of the main file to where it was written', () => {
				expect(spanAt('/ {')).toEqual(sp('board.dts', 3, 0, 3, 3));
				expect(spanAt('{ };', 0)).toEqual(sp('board.dts', 4, 18, 4, 22));
			});

			it('maps a macro argument to where the argument was written', () => {
				expect(spanAt('gpio')).toEqual(sp('board.dts', 4, 6, 4, 10));
				expect(spanAt('uart')).toEqual(sp('board.dts', 5, 6, 5, 10));
				expect(spanAt('2000')).toEqual(sp('board.dts', 6, 6, 6, 10));
				/* Part of a token spelled in the file maps to part of it. */
				const o = at(r.text, 'gpio');
				expect(r.map.spanOf(o + 1, o + 3)).toEqual(sp('board.dts', 4, 7, 4, 9));
			});

			it('maps macro body text to the outermost invocation', () => {
				const invocation = sp('board.dts', 4, 1, 4, 17);
				expect(spanAt('@')).toEqual(invocation);
				/* 0x1000 comes from ADDR's body, ADDR being an argument of NODE: still NODE's invocation. */
				expect(spanAt('0x1000')).toEqual(invocation);
				expect(spanAt('@', 1)).toEqual(sp('board.dts', 5, 1, 6, 11));
				expect(r.map.expansionAt?.(at(r.text, '@'))).toEqual({ span: invocation, macro: 'NODE' });
				expect(r.map.expansionAt?.(at(r.text, 'gpio'))).toEqual({ span: invocation, macro: 'NODE' });
				expect(r.map.expansionAt?.(at(r.text, '2000'))).toEqual({ span: sp('board.dts', 5, 1, 6, 11), macro: 'NODE' });
			});

			it('maps nested expansions to the outermost invocation', () => {
				expect(spanAt('<0x1000>', 0, 1)).toEqual(sp('board.dts', 10, 0, 10, 10));
				expect(r.map.expansionAt?.(at(r.text, '<0x1000>') + 1)).toEqual({ span: sp('board.dts', 10, 0, 10, 10), macro: 'WRAP' });
				/* i2c is an argument written in INNER's body: it maps to INNER's invocation. */
				expect(spanAt('i2c')).toEqual(sp('board.dts', 10, 11, 10, 16));
				expect(r.map.expansionAt?.(at(r.text, 'i2c'))).toEqual({ span: sp('board.dts', 10, 11, 10, 16), macro: 'INNER' });
			});

			it('maps a range over several tokens to the range of their sources', () => {
				const o = at(r.text, '/ {');
				expect(r.map.spanOf(o, at(r.text, 'gpio') + 4)).toEqual(sp('board.dts', 3, 0, 4, 10));
				const g = at(r.text, 'gpio@0x1000');
				expect(r.map.spanOf(g, g + 'gpio@0x1000'.length)).toEqual(sp('board.dts', 4, 1, 4, 17));
			});

			it('records the top-level macro uses', () => {
				expect(r.macroUses.map((u) => [u.name, u.span.start.line, u.span.start.col, u.span.end.line, u.span.end.col, u.definition?.nameSpan.start.line])).toEqual([
					['NODE', 4, 1, 4, 17, 0],
					['NODE', 5, 1, 6, 11, 0],
					['WRAP', 10, 0, 10, 10, 8],
					['INNER', 10, 11, 10, 16, 9],
				]);
			});
		});
	}

	it('keeps one output line per source line without markers', () => {
		const r = createPreprocessor(memoryFileSystem({ 'b.dts': 'a\n#define X 1\n\n\nX b\n' })).preprocess('b.dts', { includePaths: [] });
		expect(r.text).toBe('a\n\n\n\n1 b\n');
	});

	it('maps offsets past the end and in empty output without throwing', () => {
		const empty = createPreprocessor(memoryFileSystem({ 'e.dts': '' })).preprocess('e.dts', { includePaths: [] });
		expect(empty.text).toBe('');
		expect(empty.map.spanOf(0, 0)).toEqual(sp('e.dts', 0, 0, 0, 0));
		const r = run(false);
		expect(r.map.spanOf(r.text.length + 10, r.text.length + 20).file).toBe('board.dts');
	});

	it('gives builtins and stringified text the invocation span', () => {
		const files = { 'b.dts': '#define S(x) #x\nS(a b) __LINE__\n' };
		const r = createPreprocessor(memoryFileSystem(files)).preprocess('b.dts', { includePaths: [] });
		expect(r.text).toBe('\n"a b" 2\n');
		expect(r.map.spanOf(1, 6)).toEqual(sp('b.dts', 1, 0, 1, 6));
		expect(r.map.spanOf(7, 8)).toEqual(sp('b.dts', 1, 7, 1, 15));
		expect(r.map.expansionAt?.(7)).toEqual({ span: sp('b.dts', 1, 7, 1, 15), macro: '__LINE__' });
	});
});
