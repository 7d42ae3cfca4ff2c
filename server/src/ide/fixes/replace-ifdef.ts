/**
 * Fix: replace-ifdef
 *
 * Fixes `tristate-ifdef` (fix data: `replacement`, `macro`, `symbol`): rewrites the directive so a
 * module build counts: `#ifdef CONFIG_X` → `#if IS_ENABLED(CONFIG_X)`, `#ifndef CONFIG_X` →
 * `#if !IS_ENABLED(CONFIG_X)`, `#if defined(CONFIG_X)` / `#elif !defined CONFIG_X` → the same
 * directive with `IS_ENABLED(CONFIG_X)` / `!IS_ENABLED(CONFIG_X)`. Two fixes: the fix data's macro
 * (IS_REACHABLE when built-in code may call into the module, preferred) and the other one. Only the
 * directive and its condition are replaced: a trailing comment stays. Not offered for a directive
 * continued over several lines.
 */
import type { QuickFix } from '../types';
import { str, type TextFixModule } from './fix';

export const replaceIfdef: TextFixModule = {
	id: 'replace-ifdef',
	kinds: ['replace-ifdef'],
	offer({ item, data, texts }) {
		const symbol = str(data.symbol);
		const preferred = str(data.macro);
		if (!symbol || (preferred !== 'IS_ENABLED' && preferred !== 'IS_REACHABLE')) return [];
		const file = texts.get(item.span.file);
		if (!file) return [];
		const start = file.offset(item.span.start);
		const lineEnd = file.text.indexOf('\n', start);
		const line = file.text.slice(start, lineEnd < 0 ? file.text.length : lineEnd).replace(/\r$/, '');
		if (/\\\s*$/.test(line)) return [];
		const sym = `CONFIG_${symbol}`;
		const ifdef = new RegExp(`^#([ \\t]*)(ifdef|ifndef)[ \\t]+${sym}\\b`).exec(line);
		const cond = new RegExp(`^#([ \\t]*)(if|elif)[ \\t]+(!?)[ \\t]*defined[ \\t]*(?:\\([ \\t]*${sym}[ \\t]*\\)|[ \\t]+${sym}\\b)`).exec(line);
		const m = ifdef ?? cond;
		if (!m) return [];
		const negated = ifdef ? m[2] === 'ifndef' : m[3] === '!';
		const directive = ifdef ? 'if' : m[2]!;
		const out: QuickFix[] = [];
		for (const macro of [preferred, preferred === 'IS_ENABLED' ? 'IS_REACHABLE' : 'IS_ENABLED']) {
			const text = `#${m[1]}${directive} ${negated ? '!' : ''}${macro}(${sym})`;
			out.push({ title: `Replace with ${text.replace(/^#\s*/, '#')}`, fixes: item.id, edits: [{ span: file.span(start, start + m[0].length), newText: text }], ...(macro === preferred ? { preferred: true } : {}) });
		}
		return out;
	},
};
