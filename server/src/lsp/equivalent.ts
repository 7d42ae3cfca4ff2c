/**
 * Edits that cannot change an analysis: typing inside a comment, or spaces and tabs at the end of a
 * line, where every token of the file keeps its line and column. Then the preprocessor and dtc see
 * the same tokens at the same places, so every result (diagnostics, spans, the resolved tree) is the
 * same, and the language server publishes the results it has instead of analysing again.
 *
 * Conservative: one changed region (common prefix and suffix), no line break, quote, backslash,
 * `*` or `/` in it or at its edges, inside a comment of the old text (and the rest of the line after
 * that comment is blank, or the comment goes on past the line), or blank up to the end of the line.
 */

import { changedRegion } from './changed-region';

const SAFE = (c: number): boolean => c !== 10 && c !== 13 && c !== 34 && c !== 39 && c !== 42 && c !== 47 && c !== 92; // \n \r " ' * / \

/** True when `before` → `after` changes only comment text or trailing blanks, keeping every token's place. */
export function sameTokens(before: string, after: string): boolean {
	if (before === after) return true;
	const { start: p, oldEnd, newEnd } = changedRegion(before, after);
	for (let i = p; i < oldEnd; i++) if (!SAFE(before.charCodeAt(i))) return false;
	for (let i = p; i < newEnd; i++) if (!SAFE(after.charCodeAt(i))) return false;
	// An insertion must not split a comment delimiter or a line splice, nor a deletion join one.
	if (oldEnd === p && joins(before.charCodeAt(p - 1), before.charCodeAt(p))) return false;
	if (newEnd === p && joins(after.charCodeAt(p - 1), after.charCodeAt(p))) return false;
	const state = stateAt(before, p);
	if (state === 'line-comment') return true;
	if (state === 'block-comment') {
		// The comment ends on a later line, or only blanks follow it on this line.
		const close = after.indexOf('*/', newEnd);
		const eol = lineEnd(after, newEnd);
		if (close < 0 || close > eol) return true;
		return blank(after, close + 2, eol);
	}
	if (state !== 'code') return false;
	// Blanks at the end of a line (not after a backslash, which would splice the next line).
	const eol = lineEnd(after, newEnd);
	if (!blank(after, p, eol) || !blank(before, p, lineEnd(before, oldEnd))) return false;
	let k = p - 1;
	while (k >= 0 && (after.charCodeAt(k) === 32 || after.charCodeAt(k) === 9)) k--;
	return k < 0 || after.charCodeAt(k) !== 92;
}

/** `/*`, `*\/`, `//`, or a backslash before a line break. */
function joins(a: number, b: number): boolean {
	return (a === 47 && (b === 42 || b === 47)) || (a === 42 && b === 47) || (a === 92 && (b === 10 || b === 13));
}

function lineEnd(text: string, from: number): number {
	const i = text.indexOf('\n', from);
	return i < 0 ? text.length : i;
}

function blank(text: string, from: number, to: number): boolean {
	for (let i = from; i < to; i++) {
		const c = text.charCodeAt(i);
		if (c !== 32 && c !== 9 && c !== 13) return false;
	}
	return true;
}

/** The lexical state at offset `at`: in code, a string or character literal, or a comment. */
function stateAt(text: string, at: number): 'code' | 'string' | 'line-comment' | 'block-comment' {
	let i = 0;
	while (i < at) {
		const c = text.charCodeAt(i);
		if (c === 47 && text.charCodeAt(i + 1) === 47) {
			// A line comment runs to the end of the line (a backslash before the newline splices the next).
			let j = i + 2;
			for (;;) {
				const nl = text.indexOf('\n', j);
				const end = nl < 0 ? text.length : nl;
				if (at < end || (at === end && nl < 0)) return 'line-comment';
				if (at === end) return 'line-comment';
				let b = end - 1;
				if (text.charCodeAt(b) === 13) b--;
				if (text.charCodeAt(b) !== 92) {
					i = end;
					break;
				}
				j = end + 1;
			}
			continue;
		}
		if (c === 47 && text.charCodeAt(i + 1) === 42) {
			const close = text.indexOf('*/', i + 2);
			if (close < 0 || at < close + 2) return at >= i + 2 && (close < 0 || at <= close) ? 'block-comment' : 'code';
			i = close + 2;
			continue;
		}
		if (c === 34 || c === 39) {
			let j = i + 1;
			while (j < text.length && text.charCodeAt(j) !== c && text.charCodeAt(j) !== 10) j += text.charCodeAt(j) === 92 ? 2 : 1;
			if (at <= j) return 'string';
			i = j + 1;
			continue;
		}
		i++;
	}
	return 'code';
}
