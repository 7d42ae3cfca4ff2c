/**
 * Compares two preprocessing results field by field (text, every source-map entry, diagnostics,
 * include, macro and macro-use records, files, skipped regions); returns the first difference.
 * The include-memoisation tests check that a replayed run equals a fresh one.
 */
import type { PreprocessResult } from '../../server/src/cpp';
import type { TokenSourceMap } from '../../server/src/cpp/output';

export function firstDifference(a: PreprocessResult, b: PreprocessResult): string | undefined {
	if (a.text !== b.text) {
		let k = 0;
		while (k < a.text.length && a.text[k] === b.text[k]) k++;
		return `text differs at offset ${k}: ${JSON.stringify(a.text.slice(k, k + 60))} vs ${JSON.stringify(b.text.slice(k, k + 60))}`;
	}
	const ma = a.map as TokenSourceMap;
	const mb = b.map as TokenSourceMap;
	if (ma.tokenCount !== mb.tokenCount) return `token count ${ma.tokenCount} vs ${mb.tokenCount}`;
	for (let k = 0; k < ma.tokenCount; k++) {
		const x = JSON.stringify(ma.entry(k));
		const y = JSON.stringify(mb.entry(k));
		if (x !== y) return `map entry ${k}: ${x} vs ${y}`;
		const ex = ma.entry(k).expansion;
		if (ex >= 0) {
			const off = ma.entry(k).out;
			const p = JSON.stringify(ma.expansionAt(off));
			const q = JSON.stringify(mb.expansionAt(off));
			if (p !== q) return `expansion at ${off}: ${p} vs ${q}`;
		}
	}
	const plainMacro = (m: PreprocessResult['macros'][number]): unknown => ({ ...m });
	const plainUse = (u: PreprocessResult['macroUses'][number]): unknown => ({ name: u.name, span: u.span, definition: u.definition === undefined ? undefined : plainMacro(u.definition) });
	const lists: Array<[string, unknown[], unknown[]]> = [
		['diagnostics', a.diagnostics, b.diagnostics],
		['includes', a.includes, b.includes],
		['macros', a.macros.map(plainMacro), b.macros.map(plainMacro)],
		['macroUses', a.macroUses.map(plainUse), b.macroUses.map(plainUse)],
		['files', a.files, b.files],
		['skipped', a.skipped, b.skipped],
	];
	for (const [name, x, y] of lists) {
		if (x.length !== y.length) return `${name}: ${x.length} vs ${y.length}`;
		for (let k = 0; k < x.length; k++) {
			const p = JSON.stringify(x[k]);
			const q = JSON.stringify(y[k]);
			if (p !== q) return `${name}[${k}]: ${p} vs ${q}`;
		}
	}
	return undefined;
}
