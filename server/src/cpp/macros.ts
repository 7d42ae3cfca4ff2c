/**
 * Macro definitions: parsing a `#define` line into a replacement list, the redefinition rule,
 * the builtin macros, and the token operations of the expander (`#` and `##`).
 */

import { Flag, Kind, Token, lexOne } from './lexer';

/** What a builtin macro computes. */
export type Builtin = 'file' | 'line' | 'counter' | 'includeLevel' | 'baseFile' | 'fileName' | 'date' | 'time' | 'timestamp' | 'hasInclude' | 'hasIncludeNext';

/** A macro of the table. */
export interface Macro {
	name: string;
	/** Parameter names, or null for an object-like macro. */
	params: string[] | null;
	variadic: boolean;
	/** The replacement list, with `MacroArg`, `VaOpt` and the `PasteLeft`/`Stringify` flags. */
	body: Token[];
	builtin: Builtin | undefined;
	/** Set while the macro's expansion is being rescanned. */
	disabled: boolean;
	/** Where and how it was defined (undefined for builtins and predefined macros). */
	record: import('./index').MacroRecord | undefined;
}

/** Builtin macros that GCC still defines with `-undef -x assembler-with-cpp`. */
export const BUILTINS: ReadonlyArray<[string, Builtin]> = [
	['__FILE__', 'file'],
	['__LINE__', 'line'],
	['__COUNTER__', 'counter'],
	['__INCLUDE_LEVEL__', 'includeLevel'],
	['__BASE_FILE__', 'baseFile'],
	['__FILE_NAME__', 'fileName'],
	['__DATE__', 'date'],
	['__TIME__', 'time'],
	['__TIMESTAMP__', 'timestamp'],
	['__has_include', 'hasInclude'],
	['__has_include_next', 'hasIncludeNext'],
];

/** Object-like macros that `cpp -nostdinc -undef -x assembler-with-cpp -dM` still reports. */
export const PREDEFINED: ReadonlyArray<[string, string]> = [
	['__STDC_HOSTED__', '1'],
	['__STDC__', '1'],
	['__ASSEMBLER__', '1'],
];

/** The result of parsing a `#define` line. */
export type DefineResult = { macro: Macro; nameToken: Token } | { error: string; at: Token | undefined };

/**
 * Parses the tokens after `#define` (up to the end of the line) into a macro.
 * Body tokens are copied and flagged `Synthetic`.
 */
export function parseDefine(line: readonly Token[], fallback: Token): DefineResult {
	const nameToken = line[0];
	if (nameToken === undefined) return { error: 'no macro name given in #define directive', at: fallback };
	if (nameToken.kind !== Kind.Name) return { error: 'macro names must be identifiers', at: nameToken };
	if (nameToken.text === 'defined') return { error: '"defined" cannot be used as a macro name', at: nameToken };
	let i = 1;
	let params: string[] | null = null;
	let variadic = false;
	const open = line[1];
	if (open !== undefined && open.text === '(' && open.kind === Kind.Punct && (open.flags & Flag.PrevWhite) === 0) {
		params = [];
		i = 2;
		for (;;) {
			const t = line[i];
			if (t === undefined) return { error: 'expected parameter name before end of line', at: line[i - 1] };
			if (t.text === ')' && params.length === 0) {
				i++;
				break;
			}
			if (t.text === '...') {
				variadic = true;
				params.push('__VA_ARGS__');
				i++;
			} else if (t.kind === Kind.Name) {
				if (t.text === '__VA_ARGS__') return { error: '__VA_ARGS__ can only appear in the expansion of a C99 variadic macro', at: t };
				if (params.includes(t.text)) return { error: `duplicate macro parameter "${t.text}"`, at: t };
				params.push(t.text);
				i++;
				if (line[i]?.text === '...') {
					variadic = true;
					i++;
				}
			} else return { error: `expected parameter name, found "${t.text}"`, at: t };
			const sep = line[i];
			if (sep === undefined) return { error: 'expected \')\' before end of line', at: line[i - 1] };
			if (sep.text === ')') {
				i++;
				break;
			}
			if (sep.text !== ',' || variadic) return { error: variadic ? 'expected \')\' after "..."' : `expected ',' or ')', found "${sep.text}"`, at: sep };
			i++;
		}
	}
	const bodyResult = compileBody(line.slice(i), params, variadic);
	if (typeof bodyResult === 'string') return { error: bodyResult, at: line[i] ?? nameToken };
	return { macro: { name: nameToken.text, params, variadic, body: bodyResult, builtin: undefined, disabled: false, record: undefined }, nameToken };
}

function compileBody(src: readonly Token[], params: string[] | null, variadic: boolean): Token[] | string {
	const out: Token[] = [];
	for (let k = 0; k < src.length; k++) {
		const t = src[k]!;
		let tok = t.withFlags((t.flags & Flag.PrevWhite) | Flag.Synthetic);
		if (t.kind === Kind.Name) {
			if (t.text === '__VA_ARGS__' && !variadic) return '__VA_ARGS__ can only appear in the expansion of a C99 variadic macro';
			if (params !== null && t.text === '__VA_OPT__' && variadic) {
				const groupEnd = matchParen(src, k + 1);
				if (groupEnd < 0) return 'unterminated __VA_OPT__';
				const inner = compileBody(src.slice(k + 2, groupEnd), params, variadic);
				if (typeof inner === 'string') return inner;
				tok = new Token(Kind.VaOpt, '__VA_OPT__', tok.flags, t.file, t.start, src[groupEnd]!.end, t.line, t.col, 0, null, inner);
				k = groupEnd;
			} else if (params !== null) {
				const p = params.indexOf(t.text);
				if (p >= 0) tok = new Token(Kind.MacroArg, t.text, tok.flags, t.file, t.start, t.end, t.line, t.col, p);
			}
		} else if (t.kind === Kind.Punct && t.text === '#' && params !== null) {
			const next = src[k + 1];
			const p = next !== undefined && next.kind === Kind.Name ? params.indexOf(next.text) : -1;
			if (p >= 0) {
				tok = new Token(Kind.MacroArg, next!.text, (t.flags & Flag.PrevWhite) | Flag.Synthetic | Flag.Stringify, next!.file, t.start, next!.end, t.line, t.col, p);
				k++;
			}
			/* In assembler mode a `#` that is not followed by a parameter is kept as it is. */
		} else if (t.kind === Kind.Punct && t.text === '##') {
			const prev = out[out.length - 1];
			if (prev === undefined || k === src.length - 1) return '\'##\' cannot appear at either end of a macro expansion';
			prev.flags |= Flag.PasteLeft;
			/* A `#` stringification on the right of `##` keeps the `##` semantics: nothing else to do. */
			continue;
		}
		out.push(tok);
	}
	const first = out[0];
	if (first !== undefined) first.flags &= ~Flag.PrevWhite;
	return out;
}

function matchParen(src: readonly Token[], open: number): number {
	if (src[open]?.text !== '(') return -1;
	let depth = 0;
	for (let k = open; k < src.length; k++) {
		const x = src[k]!.text;
		if (x === '(') depth++;
		else if (x === ')' && --depth === 0) return k;
	}
	return -1;
}

/** Whether two definitions of a macro are the same (no redefinition warning). */
export function sameDefinition(a: Macro, b: Macro): boolean {
	if ((a.params === null) !== (b.params === null) || a.variadic !== b.variadic) return false;
	if (a.params !== null && b.params !== null && a.params.join(',') !== b.params.join(',')) return false;
	return sameTokens(a.body, b.body);
}

function sameTokens(x: readonly Token[], y: readonly Token[]): boolean {
	if (x.length !== y.length) return false;
	for (let k = 0; k < x.length; k++) {
		const s = x[k]!;
		const t = y[k]!;
		if (s.kind !== t.kind || s.text !== t.text) return false;
		const mask = Flag.PrevWhite | Flag.PasteLeft | Flag.Stringify;
		if ((s.flags & mask) !== (t.flags & mask)) return false;
		if (s.group !== null && t.group !== null && !sameTokens(s.group, t.group)) return false;
	}
	return true;
}

/** The body of a macro as `#define` spelled it (for records and hovers). */
export function bodyText(body: readonly Token[]): string {
	let s = '';
	for (const t of body) {
		if (s !== '' && (t.flags & Flag.PrevWhite) !== 0) s += ' ';
		if (t.kind === Kind.MacroArg && (t.flags & Flag.Stringify) !== 0) s += '#';
		if (t.kind === Kind.VaOpt) s += `__VA_OPT__(${bodyText(t.group ?? [])})`;
		else s += t.text;
		if ((t.flags & Flag.PasteLeft) !== 0) s += ' ##';
	}
	return s;
}

/** `#arg`: the spelling of the argument's tokens as a string literal. */
export function stringify(arg: readonly Token[], at: Token): Token {
	let s = '"';
	let source: Token | null = null;
	let first = true;
	for (const t of arg) {
		if (t.kind === Kind.Padding) {
			if (source === null || ((source.flags & Flag.PrevWhite) === 0 && t.source === null)) source = t.source;
			continue;
		}
		if (!first) {
			const src = source ?? t;
			if ((src.flags & Flag.PrevWhite) !== 0) s += ' ';
		}
		source = null;
		first = false;
		if (t.kind === Kind.String || t.kind === Kind.Char) s += t.text.replace(/[\\"]/g, (m) => `\\${m}`);
		else s += t.text;
	}
	/* GCC drops a final backslash that would escape the closing quote. */
	let bs = 0;
	for (let k = s.length - 1; k > 0 && s[k] === '\\'; k--) bs++;
	if (bs % 2 === 1) s = s.slice(0, -1);
	s += '"';
	return new Token(Kind.String, s, Flag.Synthetic, at.file, at.start, at.end, at.line, at.col);
}

/**
 * `lhs ## rhs`: the pasted token, or undefined when the spelling is not one token (which
 * assembler mode accepts silently: the two tokens stay apart).
 */
export function paste(lhs: Token, rhs: Token): Token | undefined {
	const sep = lhs.kind === Kind.Punct && lhs.text === '/' && !(rhs.kind === Kind.Punct && rhs.text === '=') ? ' ' : '';
	const s = lhs.text + sep + rhs.text;
	if (s.length === 0) return undefined;
	const { kind, end } = lexOne(s, 0);
	if (end !== s.length) return undefined;
	return new Token(kind, s, (lhs.flags & Flag.PrevWhite) | Flag.Synthetic, lhs.file, lhs.start, lhs.end, lhs.line, lhs.col);
}

/** Spelling of a string literal for `__FILE__` and friends. */
export function quoteString(s: string): string {
	return `"${s.replace(/[\\"]/g, (m) => `\\${m}`)}"`;
}
