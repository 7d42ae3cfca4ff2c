/**
 * The `#if` evaluator: intmax_t/uintmax_t arithmetic, literals, operators and errors, checked
 * through whole `#if` lines (so macro expansion and `defined` take part) and directly.
 */

import { describe, expect, it } from 'vitest';
import { memoryFileSystem } from '../../server/src/base/source';
import { createPreprocessor } from '../../server/src/cpp/index';
import { evaluate, parseChar, parseInteger, type ExprProblem, type ExprToken } from '../../server/src/cpp/expr';

/** Whether `#if expr` takes its group, with the diagnostics' messages. */
function cond(expr: string, defines = ''): { taken: boolean; messages: string[] } {
	const text = `${defines}#if ${expr}\nYES\n#else\nNO\n#endif\n`;
	const r = createPreprocessor(memoryFileSystem({ 'b.dts': text })).preprocess('b.dts', { includePaths: [] });
	return { taken: r.text.includes('YES'), messages: r.diagnostics.map((d) => d.message) };
}

const TRUE: string[] = [
	'1',
	'-1',
	'1 + 2 * 3 == 7',
	'(1 + 2) * 3 == 9',
	'10 / 3 == 3 && 10 % 3 == 1',
	'-7 / 2 == -3 && -7 % 2 == -1',
	'0x7fffffffffffffff + 0 > 0',
	'0xffffffffffffffff == -1',
	'0xffffffffffffffff > 0',
	'-1 < 0',
	'-1 > 0u',
	'-1 / 2u == 0x7fffffffffffffff',
	'1 << 62 > 0',
	'(1 << 63) < 0',
	'(1u << 63) > 0',
	'-16 >> 2 == -4',
	'-1 >> 63 == -1',
	'0xffffffffffffffffu >> 63 == 1',
	'1 << 64 == 0',
	'1 >> -1 == 2',
	'(2 || 1 / 0) && !(0 && 1 / 0)',
	'0 ? 1 / 0 : 1',
	'(1 ? -1 : 0u) > 0',
	'(1 ? -1 : 0) < 0',
	'(1, 2) == 2',
	'~0 == -1 && ~0u == 0xffffffffffffffff',
	'!0 == 1 && !5 == 0',
	'(3 & 5) == 1 && (3 | 5) == 7 && (3 ^ 5) == 6',
	'3 <= 3 && 3 >= 3 && 2 < 3 && 3 > 2 && 2 != 3',
	"'a' == 97 && '\\n' == 10 && '\\0' == 0 && '\\x41' == 65 && '\\101' == 65",
	"'\\377' == -1",
	"'ab' == 24930",
	'010 == 8 && 0b101 == 5 && 0X1F == 31 && 1000000000000ULL == 1000000000000 && 5l == 5',
	'UNDEFINED_NAME == 0',
	'defined ONE && defined(ONE) && !defined TWO && !defined(TWO)',
	'ONE + ONE == 2',
	'F(3) == 3 && F(ONE) == 1',
	'defined F',
	'__INCLUDE_LEVEL__ == 0 && __LINE__ == 3',
	'9223372036854775807 > 0',
	'-9223372036854775807 - 1 < 0',
];

const FALSE: string[] = ['0', '1 - 1', '0u', 'UNDEFINED_NAME', '-1 < 0u', '1u > -1', 'defined TWO', '1 > 2', '2 == 3', "'b' == 'a'", '0 && 1', '0 || 0'];

describe('#if evaluation', () => {
	const defs = '#define ONE 1\n#define F(x) x\n';
	for (const e of TRUE) {
		it(`takes: ${e}`, () => {
			const r = cond(e, defs);
			expect(r.taken).toBe(true);
			expect(r.messages.filter((m) => !m.includes('multi-character') && !m.includes('overflow'))).toEqual([]);
		});
	}
	for (const e of FALSE) {
		it(`skips: ${e}`, () => {
			expect(cond(e, defs)).toEqual({ taken: false, messages: [] });
		});
	}

	it('warns about overflow and large constants without changing the result', () => {
		expect(cond('(1 << 63) < 0').messages).toEqual(['integer overflow in preprocessor expression']);
		expect(cond('18446744073709551615 == -1').messages).toEqual(['integer constant is so large that it is unsigned']);
		expect(cond('0x10000000000000000 == 0').messages).toEqual(['integer constant is too large for its type']);
		expect(cond("'ab' > 0").messages).toEqual(['multi-character character constant']);
	});

	it('rejects bad literals', () => {
		expect(cond('1.0')).toEqual({ taken: false, messages: ['floating constant in preprocessor expression'] });
		expect(cond('0x1g')).toEqual({ taken: false, messages: ['invalid suffix "g" on integer constant'] });
		expect(cond('08')).toEqual({ taken: false, messages: ['invalid digit "8" in octal constant'] });
		expect(cond('1lul')).toEqual({ taken: false, messages: ['invalid suffix "lul" on integer constant'] });
	});

	it('does not expand the operand of defined', () => {
		expect(cond('defined(X)', '#define X Y\n').taken).toBe(true);
		expect(cond('defined X && X == 0', '#define X Y\n').taken).toBe(true);
	});

	it('supports __has_include', () => {
		const files = { 'b.dts': '#if __has_include("b.dts") && !__has_include(<nope.h>) && __has_include(<i/x.h>)\nYES\n#endif\n', 'i/x.h': '' };
		const r = createPreprocessor(memoryFileSystem(files)).preprocess('b.dts', { includePaths: ['.'] });
		expect(r.text.trim()).toBe('YES');
		expect(r.diagnostics).toEqual([]);
	});
});

describe('evaluator API', () => {
	const v = (n: bigint, unsigned = false): ExprToken => ({ kind: 'value', value: { v: n, unsigned }, text: String(n) });
	const o = (text: string): ExprToken => ({ kind: 'op', text });

	it('evaluates token lists', () => {
		const problems: ExprProblem[] = [];
		expect(evaluate([v(1n), o('+'), v(2n), o('*'), v(3n)], problems)).toEqual({ v: 7n, unsigned: false });
		expect(evaluate([v(1n, true), o('-'), v(2n)], problems)).toEqual({ v: (1n << 64n) - 1n, unsigned: true });
		expect(evaluate([o('-'), v(-(1n << 63n))], problems)).toEqual({ v: -(1n << 63n), unsigned: false });
		expect(problems.map((p) => p.message)).toEqual(['integer overflow in preprocessor expression']);
	});

	it('reports syntax errors as fatal', () => {
		const problems: ExprProblem[] = [];
		expect(evaluate([v(1n), o(':'), v(2n)], problems)).toBeUndefined();
		expect(evaluate([o('('), o(')')], problems)).toBeUndefined();
		expect(evaluate([], problems)).toBeUndefined();
		expect(problems.map((p) => [p.message, p.fatal])).toEqual([
			["':' without preceding '?'", true],
			["missing expression between '(' and ')'", true],
			['#if with no expression', true],
		]);
	});

	it('parses literals', () => {
		const p: ExprProblem[] = [];
		expect(parseInteger('0x7fffffffffffffff', p)).toEqual({ v: (1n << 63n) - 1n, unsigned: false });
		expect(parseInteger('0x8000000000000000', p)).toEqual({ v: 1n << 63n, unsigned: true });
		expect(parseInteger('12u', p)).toEqual({ v: 12n, unsigned: true });
		expect(parseChar("L'\\xff'", p)).toEqual({ v: 255n, unsigned: false });
		expect(parseChar("'\\''", p)).toEqual({ v: 39n, unsigned: false });
		expect(p).toEqual([]);
	});
});
