/**
 * Limits of the devicetree front-end (server/src/dts): node and expression nesting, dtc's own
 * `/include/` (depth, count, size), and the inputs without a constant that must stay bounded: a
 * million cells, 64-bit overflow in cell expressions, long label and reference chains.
 */
import { describe, expect, it } from 'vitest';
import { MAX_EXPR_DEPTH, MAX_FILE_SIZE, MAX_INCLUDE_COUNT, MAX_INCLUDE_DEPTH, MAX_NODE_DEPTH, printDts, type DtNode } from '../../server/src/dts';
import { at, placesOf, resolveTimed, within } from './helpers';

const depthOf = (n: DtNode): number => {
	let d = 0;
	for (let c: DtNode | undefined = n; c && c.children.length > 0; c = c.children[0]) d++;
	return d;
};

describe('devicetree limits', () => {
	it(`MAX_NODE_DEPTH (${MAX_NODE_DEPTH}): 10k levels of nodes give nesting-depth at the first brace beyond, the tree keeps ${MAX_NODE_DEPTH} levels`, () => {
		const text = `/dts-v1/;\n/ {${' a {'.repeat(10_000)}${' };'.repeat(10_000)} };\n`;
		const { r } = within(5_000, () => resolveTimed({ '/b.dts': text }));
		expect(r.diagnostics.map(at)).toEqual([`nesting-depth@/b.dts:1:${3 + 4 * (MAX_NODE_DEPTH - 1) + 3}`]);
		expect(depthOf(r.tree.root)).toBe(MAX_NODE_DEPTH);
		expect(within(2_000, () => printDts(r.tree)).length).toBeGreaterThan(MAX_NODE_DEPTH);
		// Unclosed: the same, plus the syntax error at the end.
		const open = within(5_000, () => resolveTimed({ '/b.dts': `/dts-v1/;\n/ {${' a {'.repeat(10_000)}\n` })).r;
		expect(open.diagnostics.map((d) => d.code)).toEqual(['nesting-depth', 'syntax']);
	});

	it(`MAX_EXPR_DEPTH (${MAX_EXPR_DEPTH}): 10k nested parentheses or ?: arms in a cell give nesting-depth at the opening token beyond`, () => {
		const prefix = '/dts-v1/;\n/ { x = <';
		for (const [expr, col] of [
			['('.repeat(10_000) + '1' + ')'.repeat(10_000), 9 + MAX_EXPR_DEPTH],
			['(' + '1?'.repeat(10_000) + '1' + ':1'.repeat(10_000) + ')', 11 + 2 * (MAX_EXPR_DEPTH - 1)],
		] as const) {
			const { r } = within(5_000, () => resolveTimed({ '/b.dts': `${prefix}${expr}>; ok; };\n` }));
			expect(r.diagnostics.map(at)[0]).toBe(`nesting-depth@/b.dts:1:${col}`);
			expect(printDts(r.tree)).toContain('ok;');
		}
		// Unary operators are read iteratively: 10k of them are fine (an even number of `-` cancels).
		const { r } = within(5_000, () => resolveTimed({ '/b.dts': `${prefix}(${'-'.repeat(10_000)}7) (${'~'.repeat(10_001)}0)>; };\n` }));
		expect(r.diagnostics).toEqual([]);
		expect(printDts(r.tree)).toContain('x = <0x07 0xffffffff>;');
	});

	it(`MAX_INCLUDE_DEPTH (${MAX_INCLUDE_DEPTH}): /include/ cycles and chains deeper than dtc's limit are reported at the directive`, () => {
		expect(placesOf(resolveTimed({ '/b.dts': '/dts-v1/;\n/include/ "b.dts"\n/ { };\n' }).r.diagnostics, 'include-cycle')).toEqual(['include-cycle@/b.dts:1:0']);
		const files: Record<string, string> = { '/b.dts': '/dts-v1/;\n/include/ "h0.dtsi"\n/ { };\n' };
		for (let i = 0; i < 300; i++) files[`/h${i}.dtsi`] = `/include/ "h${i + 1}.dtsi"\n`;
		const { r } = within(5_000, () => resolveTimed(files));
		expect(placesOf(r.diagnostics, 'include-depth')).toEqual([`include-depth@/h${MAX_INCLUDE_DEPTH - 2}.dtsi:0:0`]);
	});

	it(`MAX_INCLUDE_COUNT (${MAX_INCLUDE_COUNT}): an /include/ bomb stops with one include-limit`, () => {
		const files: Record<string, string> = { '/b.dts': '/dts-v1/;\n/include/ "h0.dtsi"\n/ { };\n' };
		for (let i = 0; i < 40; i++) files[`/h${i}.dtsi`] = `/include/ "h${i + 1}.dtsi"\n/include/ "h${i + 1}.dtsi"\n`;
		files['/h40.dtsi'] = '/ { };\n';
		const { r } = within(10_000, () => resolveTimed(files));
		const limit = r.diagnostics.filter((d) => d.code === 'include-limit');
		expect(limit).toHaveLength(1);
		expect(limit[0]!.span.file).toMatch(/^\/h\d+\.dtsi$/);
	});

	it(`MAX_FILE_SIZE (${MAX_FILE_SIZE}): /include/ of a 20 MB file is file-too-large at the directive`, () => {
		const { r } = within(5_000, () => resolveTimed({ '/b.dts': '/dts-v1/;\n/include/ "big.dtsi"\n/ { ok; };\n', '/big.dtsi': `/ {${' '.repeat(20_000_000)}};` }));
		expect(placesOf(r.diagnostics, 'file-too-large')).toEqual(['file-too-large@/b.dts:1:0']);
		expect(printDts(r.tree)).toContain('ok;');
	});
});

describe('devicetree inputs without a named limit stay bounded', () => {
	it('a property of 1M cells resolves and prints in bounded time', () => {
		const { r } = within(30_000, () => resolveTimed({ '/b.dts': `/dts-v1/;\n/ { x = <${'1 '.repeat(1_000_000)}>; };\n` }));
		expect(r.diagnostics).toEqual([]);
		const x = r.tree.root.property('x')!;
		expect(x.value[0]!.kind === 'cells' && x.value[0]!.items.length).toBe(1_000_000);
		expect(within(10_000, () => printDts(r.tree)).length).toBeGreaterThan(5_000_000);
	});

	it('64-bit overflow in cell expressions wraps as dtc does; literals beyond 64 bits and division by zero are reported in place', () => {
		const { r } = resolveTimed({
			'/b.dts': '/dts-v1/;\n/ {\n\ta = /bits/ 64 <(0xffffffffffffffff + 1) (0xffffffffffffffff * 0xffffffffffffffff) (1 << 64) (0 - 1)>;\n\tb = <0x1ffffffffffffffff>;\n\tc = <(5 / 0) (5 % 0)>;\n\td = <0x100000000>;\n};\n',
		});
		expect(r.diagnostics.map((d) => `${at(d)} ${d.message}`)).toMatchInlineSnapshot(`
			[
			  "integer-out-of-range@/b.dts:3:6 Integer literal '0x1ffffffffffffffff' out of range",
			  "division-by-zero@/b.dts:4:7 Division by zero",
			  "division-by-zero@/b.dts:4:15 Division by zero",
			  "value-out-of-range@/b.dts:5:6 Value out of range for 32-bit array element",
			]
		`);
		expect(printDts(r.tree)).toMatchInlineSnapshot(`
			"/dts-v1/;

			/ {
				a = /bits/ 64 <0x00 0x01 0x00 0xffffffffffffffff>;
				b = <0xffffffff>;
				c = <0x00 0x00>;
				d = <0x00>;
			};
			"
		`);
	});

	it('10k labels each referencing the next resolve in bounded time', () => {
		const nodes = Array.from({ length: 10_000 }, (_, i) => `l${i}: n${i} { p = <&l${(i + 1) % 10_000}>; };`).join('\n');
		const { r } = within(15_000, () => resolveTimed({ '/b.dts': `/dts-v1/;\n/ {\n${nodes}\n};\n` }));
		expect(r.diagnostics).toEqual([]);
		expect(r.tree.root.children).toHaveLength(10_000);
	});
});
