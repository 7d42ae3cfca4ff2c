/**
 * Directives: `#define`, `#undef`, `#include`/`#include_next`, the conditionals, `#line`,
 * `#error`/`#warning`, `#pragma`, `#ident`, and assembler mode's rule that a `#` line that is not a
 * directive is ordinary text.
 */

import { MAX_INCLUDE_COUNT, type Engine } from './expand';
import { evaluate, parseChar, parseInteger, type ExprProblem, type ExprToken } from './expr';
import { MAX_INCLUDE_DEPTH } from './include';
import { Flag, Kind, type Token } from './lexer';

const CONDITIONALS = new Set(['if', 'ifdef', 'ifndef', 'elif', 'else', 'endif', 'elifdef', 'elifndef']);
const DIRECTIVES = new Set([
	...CONDITIONALS,
	'define',
	'undef',
	'include',
	'include_next',
	'import',
	'line',
	'error',
	'warning',
	'pragma',
	'ident',
	'sccs',
	'assert',
	'unassert',
]);

/** Spelling of tokens as cpp prints a directive's text: a space where the source had whitespace. */
function spell(tokens: readonly Token[]): string {
	let s = '';
	for (const t of tokens) {
		if (s !== '' && (t.flags & Flag.PrevWhite) !== 0) s += ' ';
		s += t.text;
	}
	return s;
}

/**
 * Handles the line starting with the `#` token `hash` (already consumed from the current file).
 * Returns false when the line is not a directive and must be read as text (assembler mode).
 */
export function handleDirective(e: Engine, hash: Token): boolean {
	const fr = e.frame;
	const toks = fr.toks;
	let end = fr.pos;
	while (end < toks.length && (toks[end]!.flags & Flag.Bol) === 0) end++;
	const nameTok = fr.pos < end ? toks[fr.pos]! : undefined;
	if (nameTok === undefined) {
		fr.pos = end;
		return true;
	}
	if (nameTok.kind !== Kind.Name || !DIRECTIVES.has(nameTok.text)) {
		if (e.skipping) {
			fr.pos = end;
			return true;
		}
		return false;
	}
	const name = nameTok.text;
	if (e.skipping && !CONDITIONALS.has(name)) {
		fr.pos = end;
		return true;
	}
	const include = name === 'include' || name === 'include_next' || name === 'import';
	// An include recording's segment ends before the line: the line and what it includes run live at replays.
	if (include) e.beforeIncludeLine(fr.pos - 1, end);
	const savedParsing = e.parsingArgs;
	const savedPrevent = e.preventExpansion;
	const depth = e.ctx.length;
	e.parsingArgs = 0;
	e.preventExpansion = 0;
	e.inDirective = true;
	e.dirEnd = end;
	fr.pos++;
	const rest = toks.slice(fr.pos, end);
	const last = toks[end - 1]!;
	const lineSpan = e.tokenSpan(hash, last);
	let pushed: (() => void) | undefined;
	switch (name) {
		case 'define':
			e.define(rest, nameTok);
			break;
		case 'undef':
			doUndef(e, rest, nameTok);
			break;
		case 'include':
		case 'include_next':
		case 'import':
			pushed = doInclude(e, hash, nameTok, rest, last, name === 'include_next');
			break;
		case 'if':
		case 'ifdef':
		case 'ifndef':
			doIf(e, hash, name, rest, nameTok);
			break;
		case 'elif':
		case 'elifdef':
		case 'elifndef':
		case 'else':
			doElse(e, hash, name, rest, nameTok);
			break;
		case 'endif':
			doEndif(e, hash, rest, nameTok);
			break;
		case 'line':
			doLine(e, last, lineSpan);
			break;
		case 'error':
		case 'warning':
			e.diag(name === 'error' ? 'error' : 'warning', name === 'error' ? 'error-directive' : 'warning-directive', `#${name} ${spell(rest)}`.trimEnd(), lineSpan);
			break;
		case 'pragma':
			doPragma(e, rest, lineSpan);
			break;
		default:
			break;
	}
	e.popContextsTo(depth);
	e.inDirective = false;
	e.parsingArgs = savedParsing;
	e.preventExpansion = savedPrevent;
	fr.pos = end;
	if (pushed !== undefined) pushed();
	if (include) e.afterIncludeLine();
	return true;
}

function macroName(e: Engine, rest: readonly Token[], directive: Token): string | undefined {
	const t = rest[0];
	if (t === undefined) {
		e.diag('error', 'bad-directive', `no macro name given in #${directive.text} directive`, e.tokenSpan(directive));
		return undefined;
	}
	if (t.kind !== Kind.Name) {
		e.diag('error', 'bad-directive', 'macro names must be identifiers', e.tokenSpan(t));
		return undefined;
	}
	if (t.text === 'defined') {
		e.diag('error', 'bad-directive', '"defined" cannot be used as a macro name', e.tokenSpan(t));
		return undefined;
	}
	if (rest.length > 1) e.diag('warning', 'extra-tokens', `extra tokens at end of #${directive.text} directive`, e.tokenSpan(rest[1]!, rest[rest.length - 1]!));
	return t.text;
}

function doUndef(e: Engine, rest: readonly Token[], directive: Token): void {
	const name = macroName(e, rest, directive);
	if (name === undefined) return;
	const m = e.lookupMacro(name);
	if (m?.builtin !== undefined) e.diag('warning', 'undef-builtin', `undefining "${name}"`, e.tokenSpan(rest[0]!));
	e.deleteMacro(name);
}

/** Reads the header name of `#include`; undefined (after a diagnostic) when malformed. */
function headerName(e: Engine, rest: readonly Token[], directive: Token): { spelled: string; system: boolean } | undefined {
	const first = rest[0];
	const bad = (): undefined => {
		e.diag('error', 'bad-include', `#${directive.text} expects "FILENAME" or <FILENAME>`, e.tokenSpan(first ?? directive));
		return undefined;
	};
	if (first === undefined) return bad();
	if (first.kind === Kind.String && first.text.startsWith('"')) return { spelled: first.text.slice(1, -1), system: false };
	if (first.kind === Kind.Punct && first.text === '<') {
		const text = e.frame.lf.text;
		let j = first.end;
		while (j < text.length && text[j] !== '>' && text[j] !== '\n' && text[j] !== '\r') j++;
		if (text[j] !== '>') return bad();
		return { spelled: text.slice(first.end, j), system: true };
	}
	/* A computed include: the macro-expanded line must be a string or a `<...>` sequence. */
	const items: Token[] = [];
	for (;;) {
		const t = e.getToken();
		if (t.kind === Kind.Eof) break;
		if (t.kind !== Kind.Padding) items.push(t);
	}
	const h = items[0];
	if (h !== undefined && h.kind === Kind.String && h.text.startsWith('"')) return { spelled: h.text.slice(1, -1), system: false };
	if (h !== undefined && h.kind === Kind.Punct && h.text === '<') {
		let s = '';
		for (let k = 1; k < items.length; k++) {
			const t = items[k]!;
			if (t.kind === Kind.Punct && t.text === '>') return { spelled: s, system: true };
			if (s !== '' && (t.flags & Flag.PrevWhite) !== 0) s += ' ';
			s += t.text;
		}
	}
	return bad();
}

function doInclude(e: Engine, hash: Token, directive: Token, rest: readonly Token[], last: Token, next: boolean): (() => void) | undefined {
	const h = headerName(e, rest, directive);
	if (h === undefined) return undefined;
	const span = e.tokenSpan(hash, last);
	const record = { directive: span, spelled: h.spelled, system: h.system, resolved: undefined as string | undefined };
	e.includes.push(record);
	const fr = e.frame;
	const found = e.resolveInclude(h.spelled, h.system, next);
	if (found === undefined) {
		e.diag('error', 'missing-include', `${h.spelled}: No such file or directory`, span);
		return undefined;
	}
	record.resolved = found.path;
	if (e.entered.has(found.path) && (found.lf.pragmaOnce || directive.text === 'import' || (found.lf.guard !== undefined && e.lookupMacro(found.lf.guard) !== undefined))) return undefined;
	if (e.frames.length >= MAX_INCLUDE_DEPTH) {
		const chain = e.frames.map((f) => f.lf.path);
		const cycle = chain.includes(found.path);
		e.diag(
			'error',
			cycle ? 'include-cycle' : 'include-depth',
			cycle
				? `#include nested depth ${e.frames.length} exceeds maximum of ${MAX_INCLUDE_DEPTH}: ${found.path} includes itself (${chain.slice(chain.indexOf(found.path)).slice(0, 4).join(' -> ')} -> ...)`
				: `#include nested depth ${e.frames.length} exceeds maximum of ${MAX_INCLUDE_DEPTH}`,
			span,
		);
		return undefined;
	}
	if (++e.includeCount > MAX_INCLUDE_COUNT) {
		if (e.includeCount === MAX_INCLUDE_COUNT + 1) e.diag('error', 'include-limit', `more than ${MAX_INCLUDE_COUNT} files included; further #include directives are ignored`, span);
		return undefined;
	}
	const includeLine = hash.line + 1 + fr.lineDelta;
	const returnLine = last.line + 2;
	return () => {
		e.printer.enterFile(fr.presumedFile, includeLine, found.path);
		e.enterInclude(found.lf, found.index, found.dirIndex, returnLine);
	};
}

/** Reads and evaluates the rest of a `#if`/`#elif` line with macro expansion. */
function evalCondition(e: Engine, lineSpan: ReturnType<Engine['tokenSpan']>): boolean {
	const items: ExprToken[] = [];
	const problems: ExprProblem[] = [];
	const next = (): Token => {
		for (;;) {
			const t = e.getToken();
			if (t.kind !== Kind.Padding) return t;
		}
	};
	for (;;) {
		const t = next();
		if (t.kind === Kind.Eof) break;
		if (t.kind === Kind.Name && t.text === 'defined') {
			e.preventExpansion++;
			let n = next();
			const paren = n.kind === Kind.Punct && n.text === '(';
			if (paren) n = next();
			let ok = n.kind === Kind.Name;
			if (ok && paren) {
				const close = next();
				ok = close.kind === Kind.Punct && close.text === ')';
				if (!ok) problems.push({ message: 'missing \')\' after "defined"', fatal: true });
			} else if (!ok) problems.push({ message: 'operator "defined" requires an identifier', fatal: true });
			e.preventExpansion--;
			items.push({ kind: 'value', value: { v: ok && e.lookupMacro(n.text) !== undefined ? 1n : 0n, unsigned: false }, text: 'defined' });
			if (!ok) break;
			continue;
		}
		switch (t.kind) {
			case Kind.Number:
				items.push({ kind: 'value', value: parseInteger(t.text, problems), text: t.text });
				break;
			case Kind.Char:
				items.push({ kind: 'value', value: parseChar(t.text, problems), text: t.text });
				break;
			case Kind.Name:
				items.push({ kind: 'value', value: { v: 0n, unsigned: false }, text: t.text });
				break;
			default:
				items.push({ kind: 'op', text: t.text });
		}
	}
	let v: ReturnType<typeof evaluate> = undefined;
	if (!problems.some((p) => p.fatal)) v = evaluate(items, problems);
	for (const p of problems) e.diag(p.fatal || p.error === true ? 'error' : 'warning', 'bad-expression', p.message, lineSpan);
	return v !== undefined && v.v !== 0n;
}

/** The line following the directive ending with `last`: where a skipped group starts. */
function afterLine(e: Engine, last: Token): number {
	const lf = e.frame.lf;
	return lf.lineStarts[last.line + 1] ?? lf.text.length;
}

function startSkipping(e: Engine, last: Token): void {
	if (!e.skipping) {
		e.skipping = true;
		e.skipFrom = { file: e.frame.fileIndex, offset: afterLine(e, last) };
	}
}

function stopSkipping(e: Engine, hash: Token): void {
	if (e.skipping) {
		e.skipping = false;
		const lf = e.frame.lf;
		e.closeSkip(e.frame.fileIndex, lf.lineStarts[hash.line] ?? hash.start);
	}
}

function doIf(e: Engine, hash: Token, name: string, rest: readonly Token[], directive: Token): void {
	const fr = e.frame;
	const last = fr.toks[e.dirEnd - 1]!;
	const cond = { wasSkipping: e.skipping, taken: false, elseTok: undefined, hash, name, span: e.tokenSpan(hash, last) };
	fr.conds.push(cond);
	if (e.skipping) return;
	let value: boolean;
	if (name === 'if') value = evalCondition(e, e.tokenSpan(hash, last));
	else {
		const m = macroName(e, rest, directive);
		value = m !== undefined && (e.lookupMacro(m) !== undefined) === (name === 'ifdef');
	}
	cond.taken = value;
	if (!value) startSkipping(e, last);
}

function doElse(e: Engine, hash: Token, name: string, rest: readonly Token[], directive: Token): void {
	const fr = e.frame;
	const last = fr.toks[e.dirEnd - 1]!;
	const cond = fr.conds[fr.conds.length - 1];
	if (cond === undefined) {
		e.diag('error', 'unbalanced-conditional', `#${name} without #if`, e.tokenSpan(hash, directive));
		return;
	}
	if (cond.elseTok !== undefined) {
		e.diag('error', 'unbalanced-conditional', `#${name} after #else`, e.tokenSpan(hash, directive), [{ span: e.tokenSpan(cond.elseTok), message: 'the conditional began here' }]);
	}
	if (name === 'else') {
		cond.elseTok = hash;
		if (!cond.wasSkipping && rest.length > 0) e.diag('warning', 'extra-tokens', 'extra tokens at end of #else directive', e.tokenSpan(rest[0]!, rest[rest.length - 1]!));
	}
	if (cond.wasSkipping) return;
	if (cond.taken) {
		startSkipping(e, last);
		return;
	}
	let value: boolean;
	if (name === 'else') value = true;
	else if (name === 'elif') {
		const saved = e.skipping;
		e.skipping = false;
		value = evalCondition(e, e.tokenSpan(hash, last));
		e.skipping = saved;
	} else {
		const m = macroName(e, rest, directive);
		value = m !== undefined && (e.lookupMacro(m) !== undefined) === (name === 'elifdef');
	}
	if (value) {
		cond.taken = true;
		stopSkipping(e, hash);
	} else startSkipping(e, last);
}

function doEndif(e: Engine, hash: Token, rest: readonly Token[], directive: Token): void {
	const fr = e.frame;
	const cond = fr.conds.pop();
	if (cond === undefined) {
		e.diag('error', 'unbalanced-conditional', '#endif without #if', e.tokenSpan(hash, directive));
		return;
	}
	if (!cond.wasSkipping && rest.length > 0) e.diag('warning', 'extra-tokens', 'extra tokens at end of #endif directive', e.tokenSpan(rest[0]!, rest[rest.length - 1]!));
	if (!cond.wasSkipping) stopSkipping(e, hash);
}

function doLine(e: Engine, last: Token, lineSpan: ReturnType<Engine['tokenSpan']>): void {
	const items: Token[] = [];
	for (;;) {
		const t = e.getToken();
		if (t.kind === Kind.Eof) break;
		if (t.kind !== Kind.Padding) items.push(t);
	}
	const n = items[0];
	if (n === undefined || n.kind !== Kind.Number || !/^[0-9]+$/.test(n.text)) {
		e.diag('error', 'bad-line', `"${n?.text ?? ''}" after #line is not a positive integer`, lineSpan);
		return;
	}
	const fr = e.frame;
	const f = items[1];
	if (f !== undefined) {
		if (f.kind !== Kind.String || !f.text.startsWith('"')) {
			e.diag('error', 'bad-line', `invalid filename "${f.text}"`, lineSpan);
			return;
		}
		fr.presumedFile = f.text.slice(1, -1).replace(/\\(.)/g, '$1');
	}
	const target = Number(n.text);
	fr.lineDelta = target - (last.line + 2);
	e.printer.rename(fr.presumedFile, target);
}

/** Pragmas that libcpp itself registers; cpp -E in assembler mode prints only their indentation. */
const REGISTERED_PRAGMAS = new Set(['once', 'push_macro', 'pop_macro', 'GCC poison', 'GCC system_header', 'GCC dependency', 'GCC warning', 'GCC error']);

function doPragma(e: Engine, rest: readonly Token[], lineSpan: ReturnType<Engine['tokenSpan']>): void {
	const first = rest[0];
	if (first === undefined) return;
	const key = first.text === 'GCC' ? `GCC ${rest[1]?.text ?? ''}` : first.text;
	if (!REGISTERED_PRAGMAS.has(key)) return;
	const fr = e.frame;
	e.printer.lineChange(first.col, first.line + 1 + fr.lineDelta, fr.presumedFile);
	const str = (t: Token | undefined): string | undefined => (t !== undefined && t.kind === Kind.String && t.text.startsWith('"') ? t.text.slice(1, -1) : undefined);
	switch (key) {
		case 'once':
			if (e.frames.length === 1) e.diag('warning', 'pragma', '#pragma once in main file', lineSpan);
			break;
		case 'GCC system_header':
			if (e.frames.length === 1) e.diag('warning', 'pragma', '#pragma system_header ignored outside include file', lineSpan);
			break;
		case 'GCC warning':
		case 'GCC error':
			e.diag(key === 'GCC error' ? 'error' : 'warning', 'pragma', str(rest[2]) ?? '', lineSpan);
			break;
		case 'push_macro':
		case 'pop_macro': {
			const name = rest[1]?.text === '(' ? str(rest[2]) : undefined;
			if (name === undefined) break;
			// The stacks are state include recordings do not track.
			e.poison();
			let stack = e.pushedMacros.get(name);
			if (key === 'push_macro') {
				if (stack === undefined) e.pushedMacros.set(name, (stack = []));
				stack.push(e.lookupMacro(name));
			} else if (stack !== undefined && stack.length > 0) {
				const m = stack.pop();
				if (m === undefined) e.deleteMacro(name);
				else e.setMacro(name, m);
			}
			break;
		}
		default:
			break;
	}
}
