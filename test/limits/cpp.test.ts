/**
 * Limits of the preprocessor (server/src/cpp): each named constant, what happens beyond it (a
 * diagnostic with its code and place), and a time bound. Also the inputs without a constant that
 * must stay bounded: macro recursion, 64-bit overflow in `#if`, a BOM, CRLF, NUL bytes, non-UTF-8.
 */
import { describe, expect, it } from 'vitest';
import { memoryFileSystem } from '../../server/src/base/source';
import {
	createPreprocessor,
	MAX_ARG_NESTING,
	MAX_FILE_SIZE,
	MAX_IF_EXPR_DEPTH,
	MAX_INCLUDE_COUNT,
	MAX_INCLUDE_DEPTH,
	MAX_MACRO_DEPTH,
	MAX_MACRO_EXPANSIONS,
	MAX_OUTPUT_TOKENS,
} from '../../server/src/cpp';
import { printDts } from '../../server/src/dts';
import { at, placesOf, resolveTimed, within } from './helpers';

const preprocess = (files: Record<string, string>, file = '/b.dts') => createPreprocessor(memoryFileSystem(files)).preprocess(file, { includePaths: ['/include'] });

describe('preprocessor limits', () => {
	it(`MAX_INCLUDE_DEPTH (${MAX_INCLUDE_DEPTH}): a file including itself is an include-cycle at the directive`, () => {
		const { r } = within(5_000, () => resolveTimed({ '/b.dts': '/dts-v1/;\n#include "b.dts"\n/ { };\n' }));
		expect(placesOf(r.diagnostics, 'include-cycle')).toEqual(['include-cycle@/b.dts:1:0']);
		// A chain of distinct files deeper than the limit: include-depth in the file at the limit.
		const files: Record<string, string> = { '/b.dts': '/dts-v1/;\n#include "h0.h"\n/ { };\n' };
		for (let i = 0; i < 300; i++) files[`/h${i}.h`] = `#include "h${i + 1}.h"\n`;
		const deep = within(5_000, () => resolveTimed(files)).r;
		expect(placesOf(deep.diagnostics, 'include-depth')).toEqual([`include-depth@/h${MAX_INCLUDE_DEPTH - 2}.h:0:0`]);
	});

	it(`MAX_INCLUDE_COUNT (${MAX_INCLUDE_COUNT}): an include bomb (each header including the next twice, 2^40 files) stops with include-limit`, () => {
		const files: Record<string, string> = { '/b.dts': '/dts-v1/;\n#include "h0.h"\n/ { };\n' };
		for (let i = 0; i < 40; i++) files[`/h${i}.h`] = `#include "h${i + 1}.h"\n#include "h${i + 1}.h"\n`;
		files['/h40.h'] = '#define X 1\n';
		const { r } = within(10_000, () => resolveTimed(files));
		const limit = r.diagnostics.filter((d) => d.code === 'include-limit');
		expect(limit).toHaveLength(1);
		expect(limit[0]!.span.file).toMatch(/^\/h\d+\.h$/);
		expect(printDts(r.tree)).toBe('/dts-v1/;\n\n/ {\n};\n');
	});

	it(`MAX_FILE_SIZE (${MAX_FILE_SIZE}): a 20 MB board or header is read as empty, with file-too-large at its start`, () => {
		const big = `/dts-v1/;\n/ {\n${'\tp = <1>;\n'.repeat(2_000_000)}};\n`;
		expect(big.length).toBeGreaterThan(20_000_000);
		const { r } = within(5_000, () => resolveTimed({ '/b.dts': big }));
		expect(placesOf(r.diagnostics, 'file-too-large')).toEqual(['file-too-large@/b.dts:0:0']);
		const { r: withHeader } = within(5_000, () => resolveTimed({ '/b.dts': '/dts-v1/;\n#include "big.h"\n/ { ok; };\n', '/big.h': `#define X 1\n${' '.repeat(20_000_000)}` }));
		expect(placesOf(withHeader.diagnostics, 'file-too-large')).toEqual(['file-too-large@/big.h:0:0']);
		expect(printDts(withHeader.tree)).toContain('ok;');
	});

	it(`MAX_MACRO_DEPTH (${MAX_MACRO_DEPTH}): a chain of macros nested deeper stops with macro-limit`, () => {
		const lines: string[] = [];
		for (let i = 1; i <= MAX_MACRO_DEPTH + 5; i++) lines.push(`#define M${i} M${i - 1}`);
		lines.push(`M${MAX_MACRO_DEPTH + 5} y`);
		const r = within(10_000, () => preprocess({ '/b.dts': lines.join('\n') }));
		expect(placesOf(r.diagnostics, 'macro-limit')).toHaveLength(1);
	});

	it(`MAX_ARG_NESTING (${MAX_ARG_NESTING}): 10k nested macro invocations in arguments stop with macro-limit`, () => {
		const { r } = within(10_000, () => resolveTimed({ '/b.dts': `#define F(x) x\n/dts-v1/;\n/ { x = <${'F('.repeat(10_000)}1${')'.repeat(10_000)}>; };\n` }));
		expect(placesOf(r.diagnostics, 'macro-limit')).toEqual([`macro-limit@/b.dts:2:${9 + 2 * MAX_ARG_NESTING + 2}`]);
	});

	it(`MAX_MACRO_EXPANSIONS (${MAX_MACRO_EXPANSIONS}): an exponential macro bomb in #if stops with macro-limit`, () => {
		let text = '#define A0 1+1\n';
		for (let i = 1; i <= 40; i++) text += `#define A${i} A${i - 1}+A${i - 1}\n`;
		const { r } = within(30_000, () => resolveTimed({ '/b.dts': `${text}#if A40\n#endif\n/dts-v1/;\n/ { };\n` }));
		const limit = r.diagnostics.filter((d) => d.code === 'macro-limit');
		expect(limit).toHaveLength(1);
		expect(limit[0]!.message).toBe(`more than ${MAX_MACRO_EXPANSIONS} macro expansions; expansion stopped`);
		expect(limit[0]!.span.file).toBe('/b.dts');
	});

	it(`MAX_OUTPUT_TOKENS (${MAX_OUTPUT_TOKENS}): output beyond it stops with output-limit at the token`, () => {
		const r = within(20_000, () => preprocess({ '/b.dts': '1\n'.repeat(MAX_OUTPUT_TOKENS + 10) }));
		expect(r.diagnostics.map(at)).toEqual([`output-limit@/b.dts:${MAX_OUTPUT_TOKENS}:0`]);
	});

	it(`MAX_IF_EXPR_DEPTH (${MAX_IF_EXPR_DEPTH}): 10k nested parentheses, unary operators or ?: arms in #if are bad-expression on the line`, () => {
		for (const expr of ['('.repeat(10_000) + '1' + ')'.repeat(10_000), '!'.repeat(10_000) + '1', '1?'.repeat(10_000) + '1' + ':1'.repeat(10_000)]) {
			const { r } = within(5_000, () => resolveTimed({ '/b.dts': `/dts-v1/;\n#if ${expr}\n#endif\n/ { };\n` }));
			expect(r.diagnostics.map((d) => `${at(d)} ${d.message}`)).toEqual([`bad-expression@/b.dts:1:0 #if expression nested deeper than ${MAX_IF_EXPR_DEPTH} levels`]);
		}
		// At the limit it still evaluates.
		const ok = preprocess({ '/b.dts': `#if ${'('.repeat(MAX_IF_EXPR_DEPTH - 1)}1${')'.repeat(MAX_IF_EXPR_DEPTH - 1)}\nyes\n#endif\n` });
		expect(ok.diagnostics).toEqual([]);
		expect(ok.text).toContain('yes');
	});
});

describe('preprocessor inputs without a named limit stay bounded', () => {
	it('macro recursion (self and mutual reference) expands once, as cpp does', () => {
		const r = within(2_000, () => preprocess({ '/b.dts': '#define A B A\n#define B A B\n#define F(x) F(x) G(x)\n#define G(x) F(x)\nA F(1)\n' }));
		expect(r.diagnostics).toEqual([]);
		expect(r.text.trim()).toBe('A B A F(1) F(1)');
	});

	it('64-bit overflow in #if: unsigned arithmetic wraps, signed overflow and a too-large literal warn (as GCC), division by zero is an error', () => {
		const r = preprocess({
			'/b.dts': '#if 0xffffffffffffffff + 1 == 0\nwrap\n#endif\n#if 9223372036854775807 + 1\n#endif\n#if 0x1ffffffffffffffff\n#endif\n#if 1 / 0\n#endif\n',
		});
		expect(r.text).toContain('wrap');
		expect(r.diagnostics.map((d) => `${at(d)} ${d.severity}: ${d.message}`)).toMatchInlineSnapshot(`
			[
			  "bad-expression@/b.dts:3:0 warning: integer overflow in preprocessor expression",
			  "bad-expression@/b.dts:5:0 warning: integer constant is too large for its type",
			  "bad-expression@/b.dts:7:0 error: division by zero in #if",
			]
		`);
	});

	it('a UTF-8 byte-order mark is dropped as cpp drops it; CRLF line ends keep line numbers', () => {
		const { r } = resolveTimed({ '/b.dts': '\uFEFF/dts-v1/;\r\n/ {\r\n\tx = <1>;\r\n\ty = <&nowhere>;\r\n};\r\n' });
		expect(r.diagnostics.map(at)).toEqual(['unresolved-reference@/b.dts:3:6']);
		expect(printDts(r.tree)).toContain('x = <0x01>;');
	});

	it('NUL bytes, lone surrogates and U+FFFD (non-UTF-8 text as the disk read decodes it) give diagnostics, never a crash', () => {
		const { r } = within(2_000, () => resolveTimed({ '/b.dts': '/dts-v1/;\n/ {\n\ta\0b = <1\0>;\n\ts = "x\0y\uD800\uFFFD";\n\t\uDC00 = <1>;\n};\0\n#if 1\0\n#endif\n' }));
		expect(r.diagnostics.map(at)).toMatchInlineSnapshot(`
			[
			  "syntax@/b.dts:2:3",
			  "syntax@/b.dts:4:1",
			]
		`);
	});
});
