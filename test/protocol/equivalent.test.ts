/** Edits that cannot change an analysis (`server/src/lsp/equivalent.ts`): comments and trailing blanks only. */
import { describe, expect, it } from 'vitest';
import { sameTokens } from '../../server/src/lsp/equivalent';

const SRC = '// SPDX\n/ {\n\tnode@1 { reg = <1>; }; /* note */\n\t/* multi\n\t   line */ prop = "a // b";\n#define X 1 // c\n};\n';
const edit = (at: string, insert: string, del = 0): string => {
	const i = SRC.indexOf(at);
	if (i < 0) throw new Error(at);
	return SRC.slice(0, i) + insert + SRC.slice(i + del);
};

describe('sameTokens', () => {
	it('accepts typing inside comments and blanks at the end of lines', () => {
		expect(sameTokens(SRC, edit('SPDX', 'x'))).toBe(true);
		expect(sameTokens(SRC, edit('\n/ {', ' '))).toBe(true); // end of the line comment
		expect(sameTokens(SRC, edit('note', 'a '))).toBe(true); // a block comment with only blanks after it
		expect(sameTokens(SRC, edit('multi', 'x'))).toBe(true); // a block comment closing on a later line
		expect(sameTokens(SRC, edit(' c\n', 'x'))).toBe(true); // a comment after a directive
		expect(sameTokens(SRC, edit('\n\t/* multi', '  '))).toBe(true); // trailing blanks after code
		expect(sameTokens(SRC, edit('SPDX', '', 1))).toBe(true);
	});

	it('refuses anything that can move or change a token', () => {
		expect(sameTokens(SRC, edit('line */', 'x'))).toBe(false); // a token follows this comment on its line
		expect(sameTokens(SRC, edit('<1>', ' '))).toBe(false); // code
		expect(sameTokens(SRC, edit('a // b', 'x'))).toBe(false); // a string, not a comment
		expect(sameTokens(SRC, edit('SPDX', '\n'))).toBe(false); // a new line moves every later token
		expect(sameTokens(SRC, edit('note', '*/'))).toBe(false); // closes the comment
		expect(sameTokens(SRC, edit('* note', ' '))).toBe(false); // splits the comment's opening delimiter
		expect(sameTokens('a = <1>; \\\nb;', 'a = <1>;  \\\nb;')).toBe(false); // before a line splice
		expect(sameTokens('x \\', 'x \\ ')).toBe(false);
	});
});
