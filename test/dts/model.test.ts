/**
 * The model: spans through cpp line markers, events, value structure and bytes, lookups,
 * `/include/` inside a node body, and `&{label/path}` (newer than dtc 1.6.1, checked by hand).
 */

import { describe, expect, test } from 'vitest';
import { memoryFileSystem, type SourceMap, type Span } from '../../server/src/base/source.js';
import { buildDts, LineMarkerSourceMap, printDts, valueBytes } from '../../server/src/dts/index.js';

const at = (s: Span): string => `${s.file}:${s.start.line}:${s.start.col}-${s.end.line}:${s.end.col}`;

describe('line markers', () => {
	test('map generated offsets back to the files named by the markers', () => {
		const text = '# 1 "board.dts"\n# 1 "inc.dtsi" 1 3\n/dts-v1/;\n# 7 "board.dts" 2\n/ { x = <1>; };\n';
		const map = new LineMarkerSourceMap('stdin', text);
		const i = text.indexOf('/dts');
		expect(at(map.spanOf(i, i + 8))).toBe('inc.dtsi:0:0-0:8');
		const j = text.indexOf('x =');
		expect(at(map.spanOf(j, j + 1))).toBe('board.dts:6:4-6:5');
		const t = buildDts({ file: 'stdin', text });
		const x = t.root.property('x')!;
		expect(at(x.nameSpan)).toBe('board.dts:6:4-6:5');
		expect(at(x.valueSpan!)).toBe('board.dts:6:8-6:11');
	});
	test('#line directives', () => {
		const t = buildDts({ file: 'f', text: '/dts-v1/;\n#line 40 "other.dts"\n/ { y; };\n' });
		expect(at(t.root.property('y')!.span)).toBe('other.dts:39:4-39:6');
	});
	test('an injected SourceMap is used instead of markers', () => {
		const map: SourceMap = { spanOf: (s, e) => ({ file: 'mapped', start: { line: 0, col: s }, end: { line: 0, col: e } }) };
		const t = buildDts({ file: 'x', text: '/dts-v1/; / { z; };', map });
		expect(at(t.root.property('z')!.nameSpan)).toBe('mapped:0:14-0:15');
	});
});

describe('model', () => {
	const src = `/dts-v1/;
/ {
	l: node@1 { a = <1 &l (2 + 3)>, "s"; b = [01 02]; };
};
&l { a = <7>; /delete-property/ b; c = &l; };
/ { node@1 { b = <9>; }; };
`;
	const t = buildDts({ file: 'm.dts', text: src });
	const n = t.labels.get('l')!;
	test('events of nodes and properties', () => {
		expect(n.events.map((e) => `${e.kind}@${e.span.start.line}`)).toEqual(['define@2', 'extend@4', 'extend@5']);
		expect(n.property('a')!.events.map((e) => `${e.kind}@${e.span.start.line}`)).toEqual(['define@2', 'override@4']);
		expect(n.property('b')!.events.map((e) => `${e.kind}@${e.span.start.line}`)).toEqual(['define@2', 'delete@4', 'define@5']);
	});
	test('lookups by path, label, phandle and reference', () => {
		expect(t.nodeByPath('/node@1')).toBe(n);
		expect(t.nodeByRef('l')).toBe(n);
		expect(t.nodeByRef('/node@1')).toBe(n);
		// The override removed the only phandle reference; `c = &l` is a path reference.
		expect(t.phandles.size).toBe(0);
		expect(n.phandle).toBeUndefined();
		expect(n.child('x')).toBeUndefined();
	});
	test('value structure and bytes', () => {
		const tt = buildDts({ file: 'm.dts', text: src.replace('&l { a = <7>;', '&l {') });
		const a = tt.nodeByPath('/node@1')!.property('a')!;
		const cells = a.value[0]!;
		if (cells.kind !== 'cells') throw new Error('cells expected');
		expect(cells.items.map((i) => i.kind)).toEqual(['number', 'ref', 'number']);
		const ref = cells.items[1]!;
		if (ref.kind !== 'ref') throw new Error('ref expected');
		expect(ref.ref.label).toBe('l');
		expect(ref.ref.target?.path).toBe('/node@1');
		expect(ref.value).toBe(1n);
		expect(at(cells.items[2]!.span)).toBe('m.dts:2:23-2:30');
		expect(Array.from(valueBytes(a.value))).toEqual([0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 5, 0x73, 0]);
		const c = tt.nodeByPath('/node@1')!.property('c')!.value[0]!;
		expect(c.kind === 'path-ref' && c.path).toBe('/node@1');
	});
	test('/include/ inside a node body, relative to the including file', () => {
		const fs = memoryFileSystem({ 'dir/props.dtsi': 'p = <1>;\nq;\n' });
		const tt = buildDts({ file: 'dir/b.dts', text: '/dts-v1/;\n/ { n {\n/include/ "props.dtsi"\n}; };\n' }, { fs });
		const p = tt.nodeByPath('/n')!.property('p')!;
		expect(at(p.span)).toBe('dir/props.dtsi:0:0-0:8');
		expect(tt.includes).toEqual(['dir/props.dtsi']);
	});
});

describe('&{label/path} (newer dtc syntax, expectations by hand)', () => {
	const src = `/dts-v1/;
/ {
	soc { bus: bus@1 { dev@2 { reg = <2>; sub { }; }; other { }; gone { }; }; };
};
&{bus/dev@2} { status = "okay"; };
&{bus/dev@2/sub} { x = <&{bus/other}>; y = &{bus/dev@2}; };
/delete-node/ &{bus/gone};
/ { z = <&{bus}>; };
`;
	const t = buildDts({ file: 'lp.dts', text: src });
	test('resolves as the label then the path below it', () => {
		expect(t.diagnostics).toEqual([]);
		expect(t.nodeByPath('/soc/bus@1/dev@2')!.property('status')).toBeDefined();
		expect(t.nodeByRef('bus/dev@2/sub')!.property('x')).toBeDefined();
		expect(t.nodeByPath('/soc/bus@1/gone')).toBeUndefined();
		expect(t.nodeByPath('/soc/bus@1/other')!.phandle).toBe(2);
		const y = t.nodeByPath('/soc/bus@1/dev@2/sub')!.property('y')!.value[0]!;
		expect(y.kind === 'path-ref' && y.path).toBe('/soc/bus@1/dev@2');
		expect(y.kind === 'path-ref' && y.ref.label).toBe('bus');
		expect(y.kind === 'path-ref' && y.ref.path).toBe('/dev@2');
	});
	test('prints like dtc would once it accepts the syntax', () => {
		expect(printDts(t)).toBe(`/dts-v1/;

/ {
	z = <0x01>;

	soc {

		bus: bus@1 {
			phandle = <0x01>;

			dev@2 {
				reg = <0x02>;
				status = "okay";

				sub {
					x = <0x02>;
					y = "/soc/bus@1/dev@2";
				};
			};

			other {
				phandle = <0x02>;
			};
		};
	};
};
`);
	});
	test('an unknown label in a label path is reported', () => {
		const u = buildDts({ file: 'u.dts', text: '/dts-v1/;\n/ { };\n&{nolabel/x} { };\n' });
		expect(u.diagnostics.map((d) => `${d.code} ${d.message}`)).toEqual(['unknown-reference Label or path nolabel/x not found']);
	});
});
