/**
 * The façade: records of includes, macros, uses, files and skipped regions; option handling;
 * the lexing cache shared across runs and its invalidation.
 */

import { describe, expect, it } from 'vitest';
import { memoryFileSystem, type FileSystem } from '../../server/src/base/source';
import { createPreprocessor } from '../../server/src/cpp/index';

const FILES: Record<string, string> = {
	'boards/b.dts': [
		'#include "common.dtsi"', // 0
		'#include <dt-bindings/irq.h>', // 1
		'#define NODE(name, addr, ...) name@addr', // 2
		'#ifdef NOPE', // 3
		'hidden', // 4
		'#elif IRQ_HIGH == 4', // 5
		'shown IRQ_HIGH', // 6
		'#else', // 7
		'hidden too', // 8
		'#endif', // 9
		'NODE(gpio, 10)', // 10
		'',
	].join('\n'),
	'boards/common.dtsi': 'common\n',
	'include/dt-bindings/irq.h': '#ifndef IRQ_H\n#define IRQ_H\n#define IRQ_HIGH 4\n#endif\n',
};

function countingFs(files: Record<string, string>): FileSystem & { reads: string[] } {
	const inner = memoryFileSystem(files);
	const reads: string[] = [];
	return {
		reads,
		readFile(p: string): string | undefined {
			reads.push(p);
			return inner.readFile(p);
		},
	};
}

describe('preprocess() results', () => {
	const r = createPreprocessor(memoryFileSystem(FILES)).preprocess('boards/b.dts', { includePaths: ['include'] });

	it('returns the text', () => {
		expect(r.diagnostics).toEqual([]);
		expect(r.text.replace(/\n+/g, '\n').trim()).toBe('common\nshown 4\ngpio@10');
	});

	it('records includes with their resolution', () => {
		expect(r.includes).toEqual([
			{ directive: { file: 'boards/b.dts', start: { line: 0, col: 0 }, end: { line: 0, col: 22 } }, spelled: 'common.dtsi', system: false, resolved: 'boards/common.dtsi' },
			{ directive: { file: 'boards/b.dts', start: { line: 1, col: 0 }, end: { line: 1, col: 28 } }, spelled: 'dt-bindings/irq.h', system: true, resolved: 'include/dt-bindings/irq.h' },
		]);
		expect(r.files).toEqual(['boards/b.dts', 'boards/common.dtsi', 'include/dt-bindings/irq.h']);
	});

	it('records macro definitions', () => {
		expect(r.macros).toEqual([
			{ name: 'IRQ_H', nameSpan: { file: 'include/dt-bindings/irq.h', start: { line: 1, col: 8 }, end: { line: 1, col: 13 } }, body: '' },
			{ name: 'IRQ_HIGH', nameSpan: { file: 'include/dt-bindings/irq.h', start: { line: 2, col: 8 }, end: { line: 2, col: 16 } }, body: '4' },
			{ name: 'NODE', nameSpan: { file: 'boards/b.dts', start: { line: 2, col: 8 }, end: { line: 2, col: 12 } }, params: ['name', 'addr', '__VA_ARGS__'], variadic: true, body: 'name@addr' },
		]);
	});

	it('records top-level macro uses, in directives too', () => {
		expect(r.macroUses.map((u) => `${u.name} ${u.span.start.line}:${u.span.start.col}-${u.span.end.line}:${u.span.end.col} ${u.definition?.name ?? '-'}`)).toEqual([
			'IRQ_HIGH 5:6-5:14 IRQ_HIGH',
			'IRQ_HIGH 6:6-6:14 IRQ_HIGH',
			'NODE 10:0-10:14 NODE',
		]);
	});

	it('records skipped regions as whole lines', () => {
		expect(r.skipped).toEqual([
			{ file: 'boards/b.dts', start: { line: 4, col: 0 }, end: { line: 5, col: 0 } },
			{ file: 'boards/b.dts', start: { line: 8, col: 0 }, end: { line: 9, col: 0 } },
		]);
	});
});

describe('options', () => {
	it('applies -D and -U in order', () => {
		const pp = createPreprocessor(memoryFileSystem({ 'b.dts': 'A B C __STDC__ __ASSEMBLER__\n' }));
		const r = pp.preprocess('b.dts', { includePaths: [], defines: [{ name: 'A' }, { name: 'B', value: 'x y' }, { name: 'C', value: '' }], undefs: ['__STDC__'] });
		expect(r.text).toBe('1 x y __STDC__ 1\n');
	});

	it('prints line markers like cpp when asked', () => {
		const pp = createPreprocessor(memoryFileSystem({ 'b.dts': 'a\n#include "i.h"\nb\n', 'i.h': 'i\n' }));
		expect(pp.preprocess('b.dts', { includePaths: [], lineMarkers: true }).text).toBe(
			'# 0 "b.dts"\n# 0 "<built-in>"\n# 0 "<command-line>"\n# 1 "b.dts"\na\n# 1 "i.h" 1\ni\n# 3 "b.dts" 2\nb\n',
		);
		expect(pp.preprocess('b.dts', { includePaths: [] }).text).toBe('a\ni\nb\n');
	});
});

describe('lexing cache', () => {
	it('reads and lexes each file once across runs', () => {
		const fs = countingFs(FILES);
		const pp = createPreprocessor(fs);
		const a = pp.preprocess('boards/b.dts', { includePaths: ['include'] });
		const b = pp.preprocess('boards/b.dts', { includePaths: ['include'] });
		expect(b.text).toBe(a.text);
		expect(fs.reads.filter((p) => p === 'boards/common.dtsi')).toHaveLength(1);
		expect(fs.reads.filter((p) => p === 'include/dt-bindings/irq.h')).toHaveLength(1);
	});

	it('re-reads a file after invalidate()', () => {
		const files = { ...FILES };
		const fs = countingFs(files);
		const pp = createPreprocessor({ readFile: (p) => fs.readFile(p) });
		expect(pp.preprocess('boards/b.dts', { includePaths: ['include'] }).text).toContain('common');
		files['boards/common.dtsi'] = 'changed\n';
		expect(pp.preprocess('boards/b.dts', { includePaths: ['include'] }).text).toContain('common');
		pp.invalidate('boards/common.dtsi');
		const r = pp.preprocess('boards/b.dts', { includePaths: ['include'] });
		expect(r.text).toContain('changed');
		expect(r.text).not.toContain('common');
	});

	it('keeps maps of earlier runs valid after an invalidation', () => {
		const files: Record<string, string> = { 'b.dts': 'one two\n' };
		const pp = createPreprocessor(memoryFileSystem(files));
		const first = pp.preprocess('b.dts', { includePaths: [] });
		files['b.dts'] = '\n\n\nthree\n';
		pp.invalidate('b.dts');
		const second = pp.preprocess('b.dts', { includePaths: [] });
		expect(first.map.spanOf(4, 7)).toEqual({ file: 'b.dts', start: { line: 0, col: 4 }, end: { line: 0, col: 7 } });
		expect(second.map.spanOf(3, 8)).toEqual({ file: 'b.dts', start: { line: 3, col: 0 }, end: { line: 3, col: 5 } });
	});
});

describe('output text', () => {
	it('keeps every UTF-16 code unit of a long output (short writes gathered, surrogate pairs split across parts)', () => {
		// Lines of a few short tokens, many times over: the output crosses the printer's buffer of short
		// writes at every offset, also inside a surrogate pair.
		const line = (i: number): string => `n${i} = "Ünï ☃ 😀 ${'x'.repeat(i % 7)}" , < 0x${i.toString(16)} > ;`;
		const lines = Array.from({ length: 3000 }, (_, i) => line(i));
		const long = `p = "${'y'.repeat(200)}";`;
		const pp = createPreprocessor(memoryFileSystem({ 'u.dts': [...lines, long, '#include "v.dtsi"', ''].join('\n'), 'v.dtsi': `${long}\nz = "😀";\n` }));
		const { text, map } = pp.preprocess('u.dts', { includePaths: [] });
		expect(text).toBe(`${[...lines, long, long, 'z = "😀";'].join('\n')}\n`);
		// The map's output offsets still point at the tokens.
		const at = text.indexOf('0x' + (2999).toString(16));
		expect(map.spanOf(at, at + 5)).toEqual({ file: 'u.dts', start: { line: 2999, col: line(2999).indexOf('0x') }, end: { line: 2999, col: line(2999).indexOf('0x') + 5 } });
	});
});
