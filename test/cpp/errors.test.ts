/**
 * Bad input: every problem becomes a diagnostic with a precise span, the run keeps going, and
 * nothing throws (a half-typed file in an editor must still give a result).
 */

import { describe, expect, it } from 'vitest';
import { memoryFileSystem, type Diagnostic } from '../../server/src/base/source';
import { createPreprocessor, MAX_ARG_NESTING, MAX_INCLUDE_DEPTH, MAX_MACRO_DEPTH, type PreprocessResult } from '../../server/src/cpp/index';

function run(files: Record<string, string>, main = 'b.dts', includePaths: string[] = ['include']): PreprocessResult {
	return createPreprocessor(memoryFileSystem(files)).preprocess(main, { includePaths });
}

/** `file:line:col-line:col severity code: message`, 1-based like a compiler prints it. */
function show(d: Diagnostic): string {
	const s = d.span;
	return `${s.file}:${s.start.line + 1}:${s.start.col + 1}-${s.end.line + 1}:${s.end.col + 1} ${d.severity} ${d.code}: ${d.message}`;
}

function body(r: PreprocessResult): string {
	return r.text.replace(/\n+/g, '\n').trim();
}

describe('diagnostics', () => {
	it('reports a missing include at the directive and keeps going', () => {
		const r = run({ 'b.dts': 'a\n  #include "nope.h"\n#include <dt-bindings/none.h>\nb\n' });
		expect(r.diagnostics.map(show)).toEqual([
			'b.dts:2:3-2:20 error missing-include: nope.h: No such file or directory',
			'b.dts:3:1-3:30 error missing-include: dt-bindings/none.h: No such file or directory',
		]);
		expect(body(r)).toBe('a\nb');
		expect(r.includes).toEqual([
			{ directive: { file: 'b.dts', start: { line: 1, col: 2 }, end: { line: 1, col: 19 } }, spelled: 'nope.h', system: false, resolved: undefined },
			{ directive: { file: 'b.dts', start: { line: 2, col: 0 }, end: { line: 2, col: 29 } }, spelled: 'dt-bindings/none.h', system: true, resolved: undefined },
		]);
	});

	it('reports malformed #include lines', () => {
		const r = run({ 'b.dts': '#include\n#include-foo\n#include <unterminated\n#define X 3\n#include X\nok\n' });
		expect(r.diagnostics.map(show)).toEqual([
			'b.dts:1:2-1:9 error bad-include: #include expects "FILENAME" or <FILENAME>',
			'b.dts:2:9-2:10 error bad-include: #include expects "FILENAME" or <FILENAME>',
			'b.dts:3:10-3:11 error bad-include: #include expects "FILENAME" or <FILENAME>',
			'b.dts:5:10-5:11 error bad-include: #include expects "FILENAME" or <FILENAME>',
		]);
		expect(body(r)).toBe('ok');
	});

	it('reports unterminated conditionals at their #if, per file', () => {
		const r = run({ 'b.dts': '#include "i.h"\n#if 1\na\n#ifdef X\nb\n', 'i.h': '#ifndef Y\ny\n' });
		expect(r.diagnostics.map(show)).toEqual([
			'i.h:1:1-1:10 error unterminated-conditional: unterminated #ifndef',
			'b.dts:4:1-4:9 error unterminated-conditional: unterminated #ifdef',
			'b.dts:2:1-2:6 error unterminated-conditional: unterminated #if',
		]);
		expect(body(r)).toBe('y\na');
		expect(r.skipped).toEqual([{ file: 'b.dts', start: { line: 4, col: 0 }, end: { line: 5, col: 0 } }]);
	});

	it('reports #else after #else, #elif after #else and stray #endif', () => {
		const r = run({ 'b.dts': '#if 0\na\n#else\nb\n#else\nc\n#elif 1\nd\n#endif\n#endif\n#else\ne\n' });
		expect(r.diagnostics.map(show)).toEqual([
			'b.dts:5:1-5:6 error unbalanced-conditional: #else after #else',
			'b.dts:7:1-7:6 error unbalanced-conditional: #elif after #else',
			'b.dts:10:1-10:7 error unbalanced-conditional: #endif without #if',
			'b.dts:11:1-11:6 error unbalanced-conditional: #else without #if',
		]);
		expect(r.diagnostics[0]!.related).toEqual([{ span: { file: 'b.dts', start: { line: 2, col: 0 }, end: { line: 2, col: 1 } }, message: 'the conditional began here' }]);
		expect(body(r)).toBe('b\ne');
	});

	it('reports bad #if expressions and takes the group as false', () => {
		const r = run({ 'b.dts': '#if (1\na\n#endif\n#if 1 +\nb\n#endif\n#if\nc\n#endif\n#if 1 2\nd\n#endif\n#if "s"\ne\n#endif\n#if 1 ? 2\nf\n#endif\n#if defined\ng\n#endif\n#if 1.5\nh\n#endif\nend\n' });
		expect(r.diagnostics.map((d) => `${d.span.start.line + 1} ${d.severity} ${d.code}: ${d.message}`)).toEqual([
			"1 error bad-expression: missing ')' in expression",
			"4 error bad-expression: operator '+' has no right operand",
			'7 error bad-expression: #if with no expression',
			'10 error bad-expression: missing binary operator before token "2"',
			'13 error bad-expression: token ""s"" is not valid in preprocessor expressions',
			"16 error bad-expression: '?' without following ':'",
			'19 error bad-expression: operator "defined" requires an identifier',
			'22 error bad-expression: floating constant in preprocessor expression',
		]);
		expect(body(r)).toBe('end');
	});

	it('reports division by zero only where it is evaluated, and goes on like cpp', () => {
		const r = run({ 'b.dts': '#if 0 && 1/0\na\n#endif\n#if 1 || 1%0\nb\n#endif\n#if 2/0\nc\n#endif\n' });
		expect(r.diagnostics.map(show)).toEqual(['b.dts:7:1-7:8 error bad-expression: division by zero in #if']);
		/* cpp keeps the left operand as the value of a division by zero. */
		expect(body(r)).toBe('b\nc');
	});

	it('reports #error and #warning and keeps going', () => {
		const r = run({ 'b.dts': 'a\n#error stop  "here"\nb\n#warning careful\nc\n' });
		expect(r.diagnostics.map(show)).toEqual(['b.dts:2:1-2:20 error error-directive: #error stop "here"', 'b.dts:4:1-4:17 warning warning-directive: #warning careful']);
		expect(body(r)).toBe('a\nb\nc');
	});

	it('reports an unterminated comment', () => {
		const r = run({ 'b.dts': 'a /* never\nclosed\n' });
		expect(r.diagnostics.map(show)).toEqual(['b.dts:1:3-1:5 error unterminated-comment: unterminated comment']);
		expect(body(r)).toBe('a');
	});

	it('reports an unterminated argument list and keeps the macro name', () => {
		const r = run({ 'b.dts': '#define F(x) x\na F(1,\nb\n' });
		expect(r.diagnostics.map(show)).toEqual(['b.dts:2:3-2:4 error unterminated-argument-list: unterminated argument list invoking macro "F"']);
		expect(body(r)).toBe('a F');
	});

	it('reports wrong argument counts with the definition as related information', () => {
		const r = run({ 'b.dts': '#define F(x, y) x\nF(1) F(1, 2, 3) F(1, 2)\n' });
		expect(r.diagnostics.map(show)).toEqual([
			'b.dts:2:1-2:5 error macro-arguments: macro "F" requires 2 arguments, but only 1 given',
			'b.dts:2:6-2:16 error macro-arguments: macro "F" passed 3 arguments, but takes just 2',
		]);
		expect(r.diagnostics[0]!.related?.[0]?.span).toEqual({ file: 'b.dts', start: { line: 0, col: 8 }, end: { line: 0, col: 9 } });
		expect(body(r)).toBe('F F 1');
	});

	it('reports bad #define and #undef lines', () => {
		const r = run({ 'b.dts': '#define\n#define 3 x\n#define F(a,a) a\n#define G(a\n#define H(x) ## x\n#define defined 1\n#undef\n#undef X Y\n#define V(x) __VA_ARGS__\nok\n' });
		expect(r.diagnostics.map((d) => `${d.span.start.line + 1} ${d.severity} ${d.code}: ${d.message}`)).toEqual([
			'1 error bad-define: no macro name given in #define directive',
			'2 error bad-define: macro names must be identifiers',
			'3 error bad-define: duplicate macro parameter "a"',
			"4 error bad-define: expected ')' before end of line",
			"5 error bad-define: '##' cannot appear at either end of a macro expansion",
			'6 error bad-define: "defined" cannot be used as a macro name',
			'7 error bad-directive: no macro name given in #undef directive',
			'8 warning extra-tokens: extra tokens at end of #undef directive',
			'9 error bad-define: __VA_ARGS__ can only appear in the expansion of a C99 variadic macro',
		]);
		expect(body(r)).toBe('ok');
	});

	it('warns about incompatible redefinitions, pointing at the previous one', () => {
		const r = run({ 'b.dts': '#define A 1\n#define A 1\n#define A 2\n' });
		expect(r.diagnostics.map(show)).toEqual(['b.dts:3:9-3:10 warning macro-redefined: "A" redefined']);
		expect(r.diagnostics[0]!.related).toEqual([{ span: { file: 'b.dts', start: { line: 1, col: 8 }, end: { line: 1, col: 9 } }, message: 'this is the location of the previous definition' }]);
	});

	it('turns an include cycle into a diagnostic at the include depth limit', () => {
		expect(MAX_INCLUDE_DEPTH).toBe(200);
		const r = run({ 'b.dts': '#include "a.h"\nend\n', 'a.h': 'a\n#include "c.h"\n', 'c.h': '#include "a.h"\n' });
		expect(r.diagnostics).toHaveLength(1);
		expect(r.diagnostics[0]!.code).toBe('include-cycle');
		expect(r.diagnostics[0]!.message).toMatch(/^#include nested depth 200 exceeds maximum of 200: .* includes itself/);
		expect(r.text.split('a').length - 1).toBe(100);
		expect(body(r).endsWith('end')).toBe(true);
	});

	it('stops runaway macro nesting with a diagnostic', () => {
		expect(MAX_MACRO_DEPTH).toBe(10000);
		const lines = ['#define M0 x'];
		for (let i = 1; i <= MAX_MACRO_DEPTH + 5; i++) lines.push(`#define M${i} M${i - 1}`);
		lines.push(`M${MAX_MACRO_DEPTH + 5} y`);
		const r = run({ 'b.dts': `${lines.join('\n')}\n` });
		expect(r.diagnostics.map((d) => d.code)).toEqual(['macro-limit']);
		expect(body(r)).toBe('M5 y');
	});

	it('stops arguments nested too deeply with a diagnostic instead of overflowing the stack', () => {
		const n = MAX_ARG_NESTING + 50;
		const r = run({ 'b.dts': `#define F(x) x\n${'F('.repeat(n)}1${')'.repeat(n)} end\n` });
		expect(r.diagnostics.map((d) => d.code)).toEqual(['macro-limit']);
		expect(body(r).endsWith('end')).toBe(true);
	});

	it('reports a missing main file', () => {
		const r = run({}, 'none.dts');
		expect(r.diagnostics.map(show)).toEqual(['none.dts:1:1-1:1 error missing-file: none.dts: No such file or directory']);
		expect(r.text).toBe('');
	});
});

describe('robustness', () => {
	const SAMPLE = [
		'/dts-v1/;',
		'#include <dt-bindings/gpio.h>',
		'#include "soc.dtsi"',
		'#define NODE(name, addr, ...) name@addr { __VA_ARGS__ }',
		'#define STR(x) #x',
		'#define CAT(a, b) a ## b',
		'#if defined(GPIO_ACTIVE_HIGH) && GPIO_ACTIVE_HIGH == 0 /* c */',
		'/ {',
		"\tNODE(gpio, 1000, compatible = STR(vendor-gpio); #gpio-cells = <2>;);",
		'\tCAT(pin, ctrl-0) = <&tlmm GPIO_ACTIVE_HIGH>; // it\'s',
		'\tx = "str\\"ing";',
		'};',
		'#elif 1',
		'#else',
		'#endif',
		'',
	].join('\n');
	const FILES = { 'include/dt-bindings/gpio.h': '#ifndef G\n#define G\n#define GPIO_ACTIVE_HIGH 0\n#endif\n', 'soc.dtsi': '/ { soc { }; };\n' };

	it('never throws on any prefix of a board being typed', () => {
		const pp = createPreprocessor(memoryFileSystem({ ...FILES, 'b.dts': SAMPLE }));
		const full = pp.preprocess('b.dts', { includePaths: ['include'], lineMarkers: true });
		expect(full.diagnostics).toEqual([]);
		for (let n = 0; n <= SAMPLE.length; n++) {
			const files = { ...FILES, 'b.dts': SAMPLE.slice(0, n) };
			const r = createPreprocessor(memoryFileSystem(files)).preprocess('b.dts', { includePaths: ['include'], lineMarkers: n % 2 === 0 });
			expect(typeof r.text).toBe('string');
			for (let o = 0; o < r.text.length; o += 7) r.map.spanOf(o, o + 3);
		}
	});

	it('never throws on random damage', () => {
		let seed = 12345;
		const rand = (k: number): number => {
			seed = (seed * 1103515245 + 12345) & 0x7fffffff;
			return seed % k;
		};
		const alphabet = ['#', '(', ')', ',', '"', "'", '\\', '\n', '/*', '*/', '##', '#if', '#endif', '#else', '#define F(x) x', 'F(', '__VA_ARGS__', '//', ' '];
		for (let round = 0; round < 200; round++) {
			let text = SAMPLE;
			for (let k = 0; k < 5; k++) {
				const at = rand(text.length + 1);
				text = text.slice(0, at) + alphabet[rand(alphabet.length)]! + text.slice(at + rand(3));
			}
			const r = createPreprocessor(memoryFileSystem({ ...FILES, 'b.dts': text })).preprocess('b.dts', { includePaths: ['include'], lineMarkers: true });
			expect(typeof r.text).toBe('string');
			expect(r.diagnostics.every((d) => d.code !== 'internal-limit')).toBe(true);
		}
	});
});
