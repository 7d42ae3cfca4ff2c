/**
 * Shared helpers of the quick-fix tests: snapshot a multi-file fixture (or files on disk with an
 * in-memory overlay), apply a fix's edits, and the four properties every fix must keep:
 * (1) the exact expected text, (2) no new front-end errors, (3) the finding is gone, (4) every line
 * outside the edited ranges is byte-for-byte unchanged (checked per file, lines mapped across edits).
 */
import { expect } from 'vitest';
import type { FileSystem, Span } from '../../../server/src/base/source';
import { lineStarts } from '../../../server/src/base/source';
import { quickFixes } from '../../../server/src/ide/fixes';
import type { BoardSnapshot, QuickFix, TextEdit } from '../../../server/src/ide/types';
import type { AnalysisOptions } from '../../../server/src/model/analysis';
import { createFrontend } from '../../../server/src/model/board';
import { createSnapshot } from '../../../server/src/model/snapshot';
import { parseFixture } from '../../harness/fixture';
import { itemKey, lineMapper } from './corpus-check';

export { itemKey, lineMapper };

/** Files of a fixture (`//- /path` markers, as in test/harness/fixture.ts; annotations are not used here). */
export function fixtureFiles(text: string): { files: Record<string, string>; board: string } {
	const parsed = parseFixture(text);
	const files: Record<string, string> = {};
	for (const f of parsed.files) files[f.path] = f.lines.join('\n');
	return { files, board: parsed.board };
}

/** A file system: the overlay first, then `base`. */
export function overlayFs(overlay: Record<string, string>, base?: FileSystem): FileSystem {
	return { readFile: (p) => (Object.prototype.hasOwnProperty.call(overlay, p) ? overlay[p] : base?.readFile(p)) };
}

export function snapshotOf(fs: FileSystem, board: string, options: Partial<AnalysisOptions> = {}): BoardSnapshot {
	return createSnapshot(createFrontend(fs), fs, board, { includePaths: ['/include'], ...options });
}

const offsetIn = (starts: number[], text: string, p: { line: number; col: number }): number => Math.min((starts[p.line] ?? text.length) + p.col, text.length);

/** Applies edits (non-overlapping) to one text. */
export function applyToText(text: string, edits: readonly TextEdit[]): string {
	const starts = lineStarts(text);
	const sorted = edits.map((e) => ({ from: offsetIn(starts, text, e.span.start), to: offsetIn(starts, text, e.span.end), text: e.newText })).sort((a, b) => b.from - a.from);
	let out = text;
	let limit = Infinity;
	for (const e of sorted) {
		expect(e.to, 'edits overlap').toBeLessThanOrEqual(limit);
		out = out.slice(0, e.from) + e.text + out.slice(e.to);
		limit = e.from;
	}
	return out;
}

/** The files an edit set changes, with their new text. */
export function applyFix(read: (path: string) => string | undefined, fix: QuickFix): Record<string, string> {
	const byFile = new Map<string, TextEdit[]>();
	for (const e of fix.edits) byFile.set(e.span.file, [...(byFile.get(e.span.file) ?? []), e]);
	const out: Record<string, string> = {};
	for (const [file, edits] of byFile) {
		const text = read(file);
		expect(text, `fix edits ${file}, which the snapshot cannot read`).toBeDefined();
		out[file] = applyToText(text as string, edits);
	}
	return out;
}

/** (4): every line outside the edited ranges is unchanged (and in the same order). */
export function expectUntouchedLines(before: string, after: string, edits: readonly TextEdit[]): void {
	const map = lineMapper(edits);
	const oldLines = before.split('\n');
	const newLines = after.split('\n');
	for (let i = 0; i < oldLines.length; i++) {
		const j = map(i);
		if (j === undefined) continue;
		if (newLines[j] !== oldLines[i]) expect(`${j + 1}: ${newLines[j]}`, `line ${i + 1} outside the edits changed`).toBe(`${j + 1}: ${oldLines[i]}`);
	}
}

const errorKeys = (s: BoardSnapshot): string[] => s.analysis.board.diagnostics.filter((d) => d.severity === 'error').map((d) => `${d.code}: ${d.message}`);

export interface FixCase {
	/** The fixture's files and board, or a file system. */
	files: Record<string, string>;
	board: string;
	options?: Partial<AnalysisOptions>;
	/** The finding to fix: its id, and (optional) a substring of its message. */
	finding: string;
	message?: string;
	/** Which offered fix: by title substring; default the preferred one. */
	fix?: string;
	/** (1): the exact text of every file the fix changes. */
	expected: Record<string, string>;
}

/** Runs a fix case through (1)-(4). Returns the fix and the snapshots for more assertions. */
export function checkFix(c: FixCase): { fix: QuickFix; before: BoardSnapshot; after: BoardSnapshot; fixes: QuickFix[] } {
	const fs = overlayFs(c.files);
	const before = snapshotOf(fs, c.board, c.options);
	const item = before.analysis.items.find((i) => i.id === c.finding && (c.message === undefined || i.message.includes(c.message)));
	expect(item, `no ${c.finding} finding; items: ${before.analysis.items.map((i) => `${i.id}: ${i.message}`).join('\n')}`).toBeDefined();
	const fixes = quickFixes(before, item!);
	const fix = c.fix !== undefined ? fixes.find((f) => f.title.includes(c.fix!)) : (fixes.find((f) => f.preferred) ?? fixes[0]);
	expect(fix, `no fix offered; offered: ${fixes.map((f) => f.title).join(', ')}`).toBeDefined();
	expect(fix!.fixes).toBe(c.finding);
	const changed = applyFix((p) => before.text(p), fix!);
	// (1)
	expect(changed).toEqual(c.expected);
	// (4)
	for (const [file, text] of Object.entries(changed)) expectUntouchedLines(before.text(file)!, text, fix!.edits.filter((e) => e.span.file === file));
	// (2)
	const after = snapshotOf(overlayFs(changed, fs), c.board, c.options);
	for (const e of errorKeys(after)) expect(errorKeys(before), `new front-end error: ${e}`).toContain(e);
	// (3)
	const maps = new Map<string, (l: number) => number | undefined>();
	const mapSpan = (s: Span) => (maps.get(s.file) ?? ((l: number) => l))(s.start.line);
	for (const file of Object.keys(changed)) maps.set(file, lineMapper(fix!.edits.filter((e) => e.span.file === file)));
	const fixed = itemKey(item!, mapSpan);
	expect(after.analysis.items.map((i) => itemKey(i))).not.toContain(fixed);
	expect(after.analysis.items.filter((i) => i.id === item!.id && i.message === item!.message)).toEqual([]);
	return { fix: fix!, before, after, fixes };
}
