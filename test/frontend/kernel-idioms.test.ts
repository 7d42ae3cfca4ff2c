/**
 * The whole front-end (our preprocessor, then dtc's language) on the kernel idioms that the raw
 * tree-sitter grammar rejects, and on bad input: each case is checked against real cpp + dtc where
 * they accept it, and positions must map back to where the text was written.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { memoryFileSystem } from '../../server/src/base/source';
import { printDts } from '../../server/src/dts';
import { createFrontend } from '../../server/src/model/board';

type Files = Record<string, string>;

function resolve(files: Files, board = '/b/board.dts') {
	const fe = createFrontend(memoryFileSystem(files));
	return fe.resolve(board, { includePaths: ['/inc'], defines: [{ name: '__DTS__' }] });
}

/** Real cpp + dtc on the same files (written to a temp folder that mirrors /b and /inc). */
function realDtc(files: Files, board = '/b/board.dts'): string {
	const root = mkdtempSync(join(tmpdir(), 'iommu-lens-idioms-'));
	for (const [path, text] of Object.entries(files)) {
		mkdirSync(dirname(join(root, path)), { recursive: true });
		writeFileSync(join(root, path), text);
	}
	const pre = spawnSync('cpp', ['-nostdinc', '-I', join(root, 'inc'), '-undef', '-D__DTS__', '-x', 'assembler-with-cpp', join(root, board)], { encoding: 'utf8' });
	expect(pre.status, pre.stderr).toBe(0);
	const dtc = spawnSync('dtc', ['-q', '-I', 'dts', '-O', 'dts', '-i', join(root, dirname(board)), '-'], { input: pre.stdout, encoding: 'utf8' });
	expect(dtc.status, dtc.stderr).toBe(0);
	return dtc.stdout;
}

const diag = (d: { span: { file: string; start: { line: number; col: number } }; severity: string; code: string }): string =>
	`${d.span.file}:${d.span.start.line + 1}:${d.span.start.col + 1} ${d.severity} ${d.code}`;

describe('kernel idioms through the whole front-end', () => {
	const pinctrl: Files = {
		'/inc/pins.h': [
			'#define PIN_IN\t0',
			'#define PIN(_func, _pin, _pull)\t\\',
			'\t_pin {\t\\',
			'\t\tsamsung,pins = #_pin;\t\\',
			'\t\tsamsung,pin-function = <PIN_ ## _func>;\t\\',
			'\t\tsamsung,pin-pud = <_pull>;\t\\',
			'\t}',
			'#define GPIO_PROPS(n)\tgpio-controller; #gpio-cells = <(n)>;',
		].join('\n'),
		'/b/tmu-conf.dtsi': '/* A property-only fragment, included inside a node. */\nsamsung,tmu_gain = <8>;\nsamsung,tmu_reference_voltage = <16>;\n',
		'/b/extra.dtsi': 'extra-prop = "from /include/";\n',
		'/b/board.dts': [
			'/dts-v1/;',
			'#include <pins.h>',
			'/ {',
			'\tpinctrl: pinctrl@11000000 {',
			'\t\tPIN(IN, gpa0-0, 1);',
			'\t\tPIN(IN, gpa0-1, 3);',
			'\t\tgpa: gpa { GPIO_PROPS(2) };',
			'\t};',
			'\ttmu@10060000 {',
			'\t\tcompatible = "samsung,exynos5433-tmu";',
			'\t\t#include "tmu-conf.dtsi"',
			'\t\t/include/ "extra.dtsi"',
			'\t};',
			'};',
		].join('\n'),
	};

	it('resolves macros that expand to whole nodes and properties, #include and /include/ inside a node, as cpp + dtc do', () => {
		const res = resolve(pinctrl);
		expect(res.diagnostics.map(diag)).toEqual([]);
		expect(printDts(res.tree)).toBe(realDtc(pinctrl));
		const tmu = res.tree.nodeByPath('/tmu@10060000');
		expect(tmu?.properties.map((p) => p.name)).toEqual(['compatible', 'samsung,tmu_gain', 'samsung,tmu_reference_voltage', 'extra-prop']);
	});

	it('maps positions back through macro expansions and includes', () => {
		const res = resolve(pinctrl);
		// A node produced by a macro body: its name maps to the argument where the name was written.
		const pin = res.tree.nodeByPath('/pinctrl@11000000/gpa0-1');
		expect(pin?.nameSpan).toMatchObject({ file: '/b/board.dts', start: { line: 5, col: 10 } });
		// A property the macro body wrote maps to the invocation in the board.
		const fn = pin?.property('samsung,pin-function');
		expect(fn?.nameSpan.file).toBe('/b/board.dts');
		expect(fn?.nameSpan.start.line).toBe(5);
		// A value cell from a macro argument maps to the argument.
		const pud = pin?.property('samsung,pin-pud')?.value[0];
		expect(pud?.kind === 'cells' && pud.items[0]?.span).toMatchObject({ file: '/b/board.dts', start: { line: 5, col: 18 } });
		// Properties of the fragment file and of the /include/d file map to those files.
		expect(res.tree.nodeByPath('/tmu@10060000')?.property('samsung,tmu_gain')?.nameSpan).toMatchObject({ file: '/b/tmu-conf.dtsi', start: { line: 1, col: 0 } });
		expect(res.tree.nodeByPath('/tmu@10060000')?.property('extra-prop')?.nameSpan).toMatchObject({ file: '/b/extra.dtsi', start: { line: 0, col: 0 } });
	});
});

describe('bad input through the whole front-end: a diagnostic with a place, and the rest of the tree', () => {
	it('missing include, unknown label, syntax error and unterminated #if, all reported, the rest resolved', () => {
		const res = resolve({
			'/b/board.dts': [
				'/dts-v1/;',
				'#include "missing.dtsi"',
				'/ {',
				'\tgood { value = <1>; };',
				'\tbroken { value = <1 2; };',
				'\tuser { ref = <&nolabel>; };',
				'\tafter { ok; };',
				'};',
				'#if 1',
			].join('\n'),
		});
		expect(res.diagnostics.map(diag)).toEqual([
			'/b/board.dts:2:1 error missing-include',
			'/b/board.dts:9:1 error unterminated-conditional',
			'/b/board.dts:5:23 error syntax',
			'/b/board.dts:6:16 error unresolved-reference',
		]);
		expect(res.tree.nodeByPath('/good')?.property('value')).toBeDefined();
		expect(res.tree.nodeByPath('/after')?.property('ok')).toBeDefined();
	});

	it('an include cycle is reported (at the #include that re-enters it a second time) instead of nesting 200 deep', () => {
		const res = resolve({
			'/b/board.dts': '/dts-v1/;\n#include "a.dtsi"\n/ { x; };\n',
			'/b/a.dtsi': '#include "b.dtsi"\n',
			'/b/b.dtsi': '#include "a.dtsi"\n',
		});
		expect(res.diagnostics.map(diag)).toEqual(['/b/a.dtsi:1:1 error include-cycle']);
		expect(res.tree.nodeByPath('/')?.property('x')).toBeDefined();
	});

	it('never throws on a half-typed file', () => {
		const text = pinctrl_board();
		for (let cut = 0; cut <= text.length; cut += 7) {
			const res = resolve({ '/inc/pins.h': '#define PIN(a, b, c) b { f = <c>; }\n', '/b/board.dts': text.slice(0, cut) });
			expect(res.tree.root).toBeDefined();
		}
	});
});

function pinctrl_board(): string {
	return '/dts-v1/;\n#include <pins.h>\n/ {\n\tp: pinctrl@1 {\n\t\tPIN(IN, gpa0-0, 1);\n\t\tlabel: node@2 { reg = <2 (1 + 2) >; s = "a", "b"; b = [00 11]; };\n\t};\n};\n&p { status = "okay"; };\n';
}
