/**
 * The preprocessing lexer in assembler-with-cpp mode: tokens, flags, splices, comments,
 * unterminated quotes, and the controlling-macro analysis of the multiple-include optimisation.
 */

import { describe, expect, it } from 'vitest';
import { Flag, Kind, lexFile, lexOne } from '../../server/src/cpp/lexer';

function toks(text: string): string[] {
	return lexFile('f', text, 0).tokens.map((t) => `${(t.flags & Flag.Bol) !== 0 ? '^' : ''}${(t.flags & Flag.PrevWhite) !== 0 ? '_' : ''}${t.text}`);
}

describe('lexer', () => {
	it('splits devicetree text into preprocessing tokens', () => {
		expect(toks('gpio@1000 {\n\t#gpio-cells = <2>;\n\tlabel: &tlmm 0x1f;\n};')).toEqual([
			'^gpio', '@', '1000', '_{',
			'^_#', 'gpio', '-', 'cells', '_=', '_<', '2', '>', ';',
			'^_label', ':', '_&', 'tlmm', '_0x1f', ';',
			'^}', ';',
		]);
	});

	it('lexes punctuators greedily and pp-numbers with exponents', () => {
		expect(toks('a<<=b>>c...d->e##f 1e+5 1.2.3x 0x1p-3 .5')).toEqual(['^a', '<<=', 'b', '>>', 'c', '...', 'd', '->', 'e', '##', 'f', '_1e+5', '_1.2.3x', '_0x1p', '-', '3', '_.5']);
	});

	it('keeps unterminated quotes as text up to the end of the line', () => {
		const f = lexFile('f', "it's here\n\"open\nx 'a' 'b c'", 0);
		expect(f.tokens.map((t) => [t.kind, t.text])).toEqual([
			[Kind.Name, 'it'],
			[Kind.Other, "'s here"],
			[Kind.Other, '"open'],
			[Kind.Name, 'x'],
			[Kind.Char, "'a'"],
			[Kind.Char, "'b c'"],
		]);
		expect(f.problems).toEqual([]);
	});

	it('removes comments and line splices, keeping original offsets', () => {
		const text = 'a/* x */b // c \\\nstill\nd\\\ne "s\\\nt"';
		const f = lexFile('f', text, 0);
		expect(f.tokens.map((t) => [t.text, t.start, t.end, t.line, t.col, t.flags & (Flag.Bol | Flag.PrevWhite)])).toEqual([
			['a', 0, 1, 0, 0, Flag.Bol],
			['b', 8, 9, 0, 8, Flag.PrevWhite],
			['de', 23, 27, 2, 0, Flag.Bol],
			['"st"', 28, 34, 3, 2, Flag.PrevWhite],
		]);
	});

	it('does not start a new logical line inside a block comment', () => {
		expect(toks('#define X 1 /* a\nb */ 2\nY')).toEqual(['^#', 'define', '_X', '_1', '_2', '^Y']);
	});

	it('reports an unterminated comment', () => {
		const f = lexFile('f', 'a\n/* open', 0);
		expect(f.problems).toEqual([{ start: 2, end: 4, code: 'unterminated-comment', message: 'unterminated comment' }]);
	});

	it('handles CRLF and lone CR line ends', () => {
		const f = lexFile('f', 'a\r\nb\rc', 0);
		expect(f.tokens.map((t) => [t.text, t.line, (t.flags & Flag.Bol) !== 0])).toEqual([
			['a', 0, true],
			['b', 1, true],
			['c', 2, true],
		]);
	});

	it('lexes one token for ## pasting', () => {
		expect(lexOne('foo-cells', 0)).toEqual({ kind: Kind.Name, end: 3 });
		expect(lexOne('<<=', 0)).toEqual({ kind: Kind.Punct, end: 3 });
		expect(lexOne("L'x'", 0)).toEqual({ kind: Kind.Char, end: 4 });
	});

	it('finds the controlling macro of guarded files', () => {
		expect(lexFile('f', '/* c */\n#ifndef G\n#define G\nx\n#endif\n\n', 0).guard).toBe('G');
		expect(lexFile('f', '#if !defined(G)\n#define G\n#endif\n', 0).guard).toBe('G');
		expect(lexFile('f', '#if !defined G\n#endif\n', 0).guard).toBe('G');
		expect(lexFile('f', '#ifndef G\n#else\n#endif\n', 0).guard).toBeUndefined();
		expect(lexFile('f', 'x\n#ifndef G\n#endif\n', 0).guard).toBeUndefined();
		expect(lexFile('f', '#ifndef G\n#endif\nx\n', 0).guard).toBeUndefined();
		expect(lexFile('f', '#ifndef G\n#endif\n#ifndef H\n#endif\n', 0).guard).toBeUndefined();
		expect(lexFile('f', '#pragma once\n', 0).pragmaOnce).toBe(true);
	});
});
