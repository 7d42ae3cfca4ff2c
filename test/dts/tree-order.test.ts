/**
 * The tree builder's checks and fix-ups share walks (and build lists lazily); these cases pin the
 * exact diagnostics, in order, and the printed trees that the one-walk-per-check implementation
 * gave (tree-order.expected.json), on inputs where several checks report in several nodes.
 */

import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { memoryFileSystem } from '../../server/src/base/source.js';
import { buildDts, printDts, type DtTree } from '../../server/src/dts/index.js';

const many = (n: number, f: (i: number) => string): string => Array.from({ length: n }, (_, i) => f(i)).join(' ');
export const cases: Record<string, { text: string; symbols?: boolean }> = {
	'checks interleave across nodes': {
		text: `/dts-v1/;
/ {
	l1: a { p; p; q@r = <1>; name = "x"; phandle = <&l2>; lp: v = <&nope &l2>, &{/nowhere}; };
	l1: b { name = "b"; x#y { }; x#y { }; linux,phandle = <7>; phandle = <8>; w = &missing, <&gone>; };
	l2: c { lp: z = [00 lv: 11]; y = lv2: "s" lv: ; phandle = <7>; r = <&l1>; };
	d@1@2 { a*b; };
};
`,
	},
	'omit-if-no-ref, deletions and references': {
		text: `/dts-v1/;
/ {
	/omit-if-no-ref/ o1: o1 { /omit-if-no-ref/ inner: inner { }; kept: kept { }; };
	/omit-if-no-ref/ o2 { x; };
	/omit-if-no-ref/ o3: o3 { };
	u { r = <&kept>; s = &o3; };
	del: del { k: kk { }; };
	again { };
};
/delete-node/ &del;
&{/again} { m = <&k>; };
/omit-if-no-ref/ &{/u};
/ { again { n = &{/u}; }; };
`,
	},
	'root omitted': { text: `/dts-v1/;\n/ { a { b; }; };\n/omit-if-no-ref/ &{/};\n` },
	'many properties and children': {
		text: `/dts-v1/;
/ {
	big: big { ${many(40, (i) => `p${i % 37} = <${i}>;`)} name = "big"; name = "nope"; ${many(20, (i) => `c${i % 18} { v = <${i}>; };`)} };
	big2 { ${many(40, (i) => `q${i} = <${i}>;`)} name = "big3"; };
};
&big { p3 = <99>; /delete-property/ p4; /delete-property/ nothere; c2 { w; }; /delete-node/ c3; /delete-node/ nothere; c19 { }; };
/ { big { p4 = "back"; c3 { }; }; };
`,
	},
	'labels move and symbols': {
		symbols: true,
		text: `/dts-v1/;
/ {
	a: b: a { x: y: p = <1>; };
	c { r = <&a &b>; };
	/omit-if-no-ref/ s: s { };
	/omit-if-no-ref/ t { };
};
&a { a: q; };
/delete-node/ &{/c};
`,
	},
	'escaped and odd names, bytes and bits': {
		text: `/dts-v1/;
/ {
	\\#size-cells = <1>;
	\\node { };
	a { /bits/ 8 <1 0x1ff 'a' (2 + 3)>; /bits/ 16 <0xffff 0x10000 &x>; /bits/ 64 <0xffffffffffffffff 18446744073709551616>; };
	b { v = <(1 ? 2 : 3) (-1) (~0) (!0) (10 / 0) (1 << 70) 010 09 0x1ULL 12L>; w = [0a0B lab: ff]; };
};
`,
	},
};
export const overlay = `/dts-v1/;
/plugin/;
&foo { a = <&bar>; b = <&foo 1 &{/x}>; c = &bar; };
&{/soc/x} { d = <1>; e: e { f = <&e>; }; };
/ { g { h = <&bar>; }; };
`;

const expected = JSON.parse(readFileSync(path.join(__dirname, 'tree-order.expected.json'), 'utf8')) as Record<string, { diags: string[]; text: string }>;

function diags(t: DtTree): string[] {
	return t.diagnostics.map((d) => `${d.severity} ${d.code} ${d.span.file}:${d.span.start.line}:${d.span.start.col}-${d.span.end.line}:${d.span.end.col} ${d.message}`);
}

describe('tree builder order', () => {
	for (const [name, c] of Object.entries(cases)) {
		test(name, () => {
			const t = buildDts({ file: 'main.dts', text: c.text }, { fs: memoryFileSystem({}), symbols: c.symbols });
			expect(diags(t)).toEqual(expected[name]!.diags);
			expect(printDts(t)).toBe(expected[name]!.text);
		});
	}
	test('overlay with symbols', () => {
		const t = buildDts({ file: 'main.dts', text: overlay }, { fs: memoryFileSystem({}), symbols: true });
		expect(diags(t)).toEqual(expected.overlay!.diags);
		expect(printDts(t)).toBe(expected.overlay!.text);
	});
	test('events are recorded lazily but in full', () => {
		const t = buildDts({ file: 'main.dts', text: `/dts-v1/;\n/ { a { p = <1>; q; }; };\n/ { a { p = <2>; /delete-property/ q; }; };\n/ { a { q = "x"; }; };\n` }, { fs: memoryFileSystem({}) });
		const a = t.nodeByPath('/a')!;
		expect(a.events.map((e) => `${e.kind}@${e.span.start.line}`)).toEqual(['define@1', 'extend@2', 'extend@3']);
		expect(a.property('p')!.events.map((e) => `${e.kind}@${e.span.start.line}`)).toEqual(['define@1', 'override@2']);
		expect(a.property('q')!.events.map((e) => `${e.kind}@${e.span.start.line}`)).toEqual(['define@1', 'delete@2', 'define@3']);
		expect(a.property('p')!.span.start.line).toBe(2);
	});
});
