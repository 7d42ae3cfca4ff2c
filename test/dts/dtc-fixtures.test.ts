/**
 * Valid inputs: our printed output must be byte-identical to the real `dtc -I dts -O dts` (1.6.1)
 * on the same text, and our tree must resolve without errors.
 */

import { describe, expect, test } from 'vitest';
import { printDts } from '../../server/src/dts/index.js';
import { build, runDtc } from './dtc-helper.js';

const fixtures: Record<string, string> = {
	'header, memreserve with labels': `/dts-v1/;
/memreserve/ 0x1000 0x2000;
a: b: /memreserve/ 0x10000000 (0x100 * 2);
/ { };
`,
	'labels on nodes and properties, merged labels accumulate': `/dts-v1/;
/ {
	l1: l2: l1: node@1 { reg = <1>; p1: p2: prop = <1>; };
};
/ { node@1 { l3: prop = <2>; }; };
lx: &l2 { q; };
&l1 { ly: r = "x"; };
`,
	'value forms': `/dts-v1/;
/ {
	n2: n2 { };
	a {
		s = "a\\tb\\"\\\\", "c", "";
		esc = "\\x41\\101\\a\\b\\f\\v\\r\\n\\033\\xff";
		bytes = [00 11 22], [0011223344], [];
		b8 = /bits/ 8 <1 0xff 'a'>;
		b16 = /bits/ 16 <0xffff (-1)>;
		b64 = /bits/ 64 <(-1) 0x123456789abcdef0>;
		chars = <'a' '\\n' '\\x41' '\\101' '\\''>;
		mixed = "x", <1>, [ab], /bits/ 16 <2>, "y";
		lbl = vl1: <1 vl2: 2> vl3:, vl4: "s" vl5:, [01 vb: 02];
		empty;
		emptycells = <>;
		lits = <0x1U 2UL 3ULL 010 4L 5LL 0 00 0xABCDEF>;
	};
};
`,
	'cell expressions': `/dts-v1/;
/ {
	e = <(1 + 2) (7 - 9) (3 * 4) (10 / 3) (10 % 3) (1 << 4) (256 >> 4)
		(1 < 2) (2 > 1) (1 <= 1) (2 >= 3) (1 == 1) (1 != 1)
		(6 & 3) (6 | 1) (6 ^ 3) (1 && 0) (0 || 7) (!0) (~0) (-1)
		(1 ? 2 : 3) (0 ? 2 : 3) (1 + 2 * 3 - 4 / 2) ((1 << 64)) ((-1) < 0)
		(0x7fffffff * 2) (1 ? 0 ? 4 : 5 : 6) (-0x80000001)>;
	f = /bits/ 64 <(0xffffffffffffffff + 2) (0x8000000000000000 >> 63) (5 % 0x100000000)>;
};
`,
	'references: phandles, paths, &{/path}, phandle order': `/dts-v1/;
/ {
	n2: node@2 { };
	n3: n3 { phandle = <7>; };
	n4: n4 { linux,phandle = <9>; };
	n5: n5 { phandle = <&n5>; };
	a {
		p = &n2;
		q = <&n2 1 2>, <3>;
		r = <1 &n3>, &{/n4}, "x", &n2;
		s = <&{/node@2} &{/} &n6l>;
		n6l: sub { };
	};
	b { x = <&n4 &n5>; };
};
`,
	'merging: replace in place, delete and revive': `/dts-v1/;
/ {
	a: node { p1 = <1>; p2 = <2>; p3 = <3>; c1 { }; c2 { x; }; c3 { }; };
};
/ {
	node { p2 = "two"; /delete-property/ p1; p4; /delete-node/ c2; c4 { }; };
};
&a { p1 = <11>; c2 { y; }; };
/ { node { /delete-property/ p3; }; };
/ { node { p3 = <33>; }; };
`,
	'delete-node by label and path, fresh-body placeholders': `/dts-v1/;
/ {
	/delete-node/ ghost;
	ghost { p; };
	x: x { y: y { }; };
	z: z { };
	w { };
};
/delete-node/ &y;
/delete-node/ &{/w};
/ { zz { q; }; };
/delete-node/ &z;
/ { z { back; }; };
`,
	'omit-if-no-ref': `/dts-v1/;
/ {
	/omit-if-no-ref/ unused: unused { };
	used: /omit-if-no-ref/ used { };
	pathused: pathused { };
	keep: keep { };
	users { a = <&used>; b = &pathused; };
};
/omit-if-no-ref/ &pathused;
/omit-if-no-ref/ &keep;
&keep { q; };
/ { more { r = <&keep>; }; };
`,
	'names: property and node character sets, escapes': `/dts-v1/;
/ {
	#address-cells = <1>;
	#size-cells = <0>;
	a,b.c_d+e-h@1,2 { reg = <1>; };
	\\node-with-backslash { \\prop = <1>; };
	cpu@0,1 { ,prop; .dot; a?b*c#d; };
	1234 { };
};
`,
	'comments and whitespace': `/dts-v1/; // header
/* block
   comment */ / { a = /* inside */ <1 /* x */ 2>; // end
	b = "/* not a comment */";
};
`,
	'deep label order and ref with label': `/dts-v1/;
/ { a: b: c: n { }; };
d: &b { };
e: &{/n} { };
`,
	'no newline at end and line markers': `# 1 "board.dts"
# 1 "<built-in>"
# 1 "board.dts"
/dts-v1/;
# 1 "inc.dtsi" 1
/ { from-inc; };
# 3 "board.dts" 2
/ { from-board; };`,
};

describe('printed output equals dtc -I dts -O dts', () => {
	for (const [name, src] of Object.entries(fixtures)) {
		test(name, () => {
			const dtc = runDtc(src);
			expect(dtc.stderr).toBe('');
			expect(dtc.ok).toBe(true);
			const tree = build(src);
			expect(tree.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
			expect(printDts(tree)).toBe(dtc.stdout);
		});
	}
});

describe('dtc -@ (__symbols__)', () => {
	for (const name of ['labels on nodes and properties, merged labels accumulate', 'references: phandles, paths, &{/path}, phandle order', 'omit-if-no-ref', 'delete-node by label and path, fresh-body placeholders']) {
		test(name, () => {
			const src = fixtures[name]!;
			const dtc = runDtc(src, ['-@']);
			expect(dtc.ok).toBe(true);
			expect(printDts(build(src, 'test.dts', true))).toBe(dtc.stdout);
		});
	}
});

const plugins: Record<string, string> = {
	'overlay with label and path targets': `/dts-v1/;
/plugin/;
&foo { status = "okay"; bar = <&baz 1>; child { x = <&foo>; }; };
&{/soc/uart@1000} { status = "disabled"; };
/ { frag: fragment@9 { target = <&zz>; __overlay__ { q = <&frag>; }; }; };
`,
	'overlay with local references': `/dts-v1/;
/plugin/;
&bus { local: dev@1 { reg = <1>; }; other { ref = <&local &local 3 &ext>; p = &local; }; };
`,
};

describe('/plugin/ overlays equal dtc', () => {
	for (const [name, src] of Object.entries(plugins)) {
		test(name, () => {
			const dtc = runDtc(src);
			expect(dtc.ok).toBe(true);
			expect(printDts(build(src))).toBe(dtc.stdout);
		});
		test(`${name} (-@)`, () => {
			const dtc = runDtc(src, ['-@']);
			expect(dtc.ok).toBe(true);
			expect(printDts(build(src, 'test.dts', true))).toBe(dtc.stdout);
		});
	}
});
