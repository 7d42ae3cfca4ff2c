/**
 * Checking one quick fix on a real board (shared by the corpus tests): the edit applied in an
 * in-memory overlay (the corpus is never written), the board analysed again, and the four properties:
 * the edited text still resolves (no new front-end error), the finding is gone, every other finding
 * is unchanged (id, severity, message, file, its line mapped across the edits) except what the fix
 * is expected to change (`mayChange`), and every line outside the edits is byte for byte the same.
 * Returns the problems found (empty: the fix keeps everything), so a corpus run reports all of them.
 * No vitest here: the corpus test runs this in worker threads.
 */
import type { FileSystem, Span } from '../../../server/src/base/source';
import type { BoardSnapshot, QuickFix, ReportItem, TextEdit } from '../../../server/src/ide/types';
import type { AnalysisOptions } from '../../../server/src/model/analysis';
import type { Frontend } from '../../../server/src/model/board';
import { createSnapshot } from '../../../server/src/model/snapshot';
import { diskFileSystem } from '../../../server/src/node/disk-fs';
import { lineStarts } from '../../../server/src/base/source';

/** Maps an old line to its new line across the file's edits, or undefined when an edit touches it. */
export function lineMapper(edits: readonly TextEdit[]): (line: number) => number | undefined {
	const sorted = [...edits].sort((a, b) => a.span.start.line - b.span.start.line || a.span.start.col - b.span.start.col);
	return (line) => {
		let delta = 0;
		for (const e of sorted) {
			if (line >= e.span.start.line && line <= e.span.end.line) return undefined;
			if (e.span.end.line < line) delta += e.newText.split('\n').length - 1 - (e.span.end.line - e.span.start.line);
		}
		return line + delta;
	};
}

/** An item's identity across an edit: id, severity, message, file, and the start line mapped through the edits. */
export function itemKey(item: ReportItem, map?: (span: Span) => number | undefined): string {
	const line = map ? map(item.span) : item.span.start.line;
	return `${item.id} ${item.severity} ${item.span.file}:${line ?? 'edited'} ${item.message}`;
}

/** True when `message` names one of `names` (a node path or `&label`) as a whole word. */
export function mentions(message: string, names: readonly string[]): boolean {
	return names.some((n) => new RegExp(`(^|[^\\w@,.&/-])${n.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(?![\\w@,.-])`).test(message));
}

/**
 * Findings that a fix may legitimately change besides the one it fixes: enabling an IOMMU fixes every
 * reference to it; dropping an entry renumbers the later entries of the same list (and what they
 * share with other masters) in the messages about that node; renaming a node changes its path in
 * every message that names it.
 */
export function mayChange(snapshot: BoardSnapshot, fixed: ReportItem, fix: QuickFix, other: ReportItem): boolean {
	const data = fixed.fix!;
	if (fix.title.startsWith('Enable ')) return other.id === 'iommu-disabled' && other.fix?.iommuPath === data.iommuPath;
	const path = String(data.nodePath ?? data.consumerPath ?? data.node ?? '');
	const node = snapshot.analysis.board.tree.nodeByPath(path);
	if (!node) return false;
	const names = [path, ...node.labels.map((l) => `&${l.name}`)];
	if (data.kind === 'set-unit-address') {
		// Messages name the node by its path, or by its name alone (the carveout overlaps).
		const renamed = `${node.name.split('@')[0]}@${String(data.unitAddress)}`;
		names.push(`${path.slice(0, path.lastIndexOf('/') + 1)}${renamed}`, node.name, renamed);
	}
	return mentions(other.message, names);
}

/** The disk with an in-memory overlay in front (what the edits write to). */
export function overlayDisk(): { fs: FileSystem; overlay: Map<string, string> } {
	const disk = diskFileSystem();
	const overlay = new Map<string, string>();
	return { fs: { readFile: (p) => overlay.get(p) ?? disk.readFile(p) }, overlay };
}

const offsetIn = (starts: number[], text: string, p: { line: number; col: number }): number => Math.min((starts[p.line] ?? text.length) + p.col, text.length);

/** Applies non-overlapping edits to one text; undefined when they overlap. */
export function applyEdits(text: string, edits: readonly TextEdit[]): string | undefined {
	const starts = lineStarts(text);
	const sorted = edits.map((e) => ({ from: offsetIn(starts, text, e.span.start), to: offsetIn(starts, text, e.span.end), text: e.newText })).sort((a, b) => b.from - a.from);
	let out = text;
	let limit = Infinity;
	for (const e of sorted) {
		if (e.to > limit || e.from > e.to) return undefined;
		out = out.slice(0, e.from) + e.text + out.slice(e.to);
		limit = e.from;
	}
	return out;
}

/** Lines outside the edits that changed (empty: none), as `line N: before → after`. */
export function touchedLines(before: string, after: string, edits: readonly TextEdit[]): string[] {
	const map = lineMapper(edits);
	const oldLines = before.split('\n');
	const newLines = after.split('\n');
	const out: string[] = [];
	for (let i = 0; i < oldLines.length; i++) {
		const j = map(i);
		if (j !== undefined && newLines[j] !== oldLines[i]) out.push(`line ${i + 1}: ${JSON.stringify(oldLines[i])} → ${JSON.stringify(newLines[j])}`);
	}
	return out;
}

/** A fix's identity: the files and exact edits (two boards sharing a .dtsi offer the same one). */
export function editKey(fix: QuickFix): string {
	return JSON.stringify([...fix.edits].map((e) => [e.span.file, e.span.start.line, e.span.start.col, e.span.end.line, e.span.end.col, e.newText]).sort());
}

export interface BoardContext {
	file: string;
	frontend: Frontend;
	fs: FileSystem;
	overlay: Map<string, string>;
	options: AnalysisOptions;
	/** The files a fix may edit (the corpus). */
	root: string;
}

const frontErrors = (s: BoardSnapshot): string[] => s.analysis.board.diagnostics.filter((d) => d.severity === 'error').map((d) => `${d.code}: ${d.message}`);

/** Applies `fix` (offered for `item` on `before`) and checks the four properties; returns the problems. */
export function checkFixOnBoard(ctx: BoardContext, before: BoardSnapshot, item: ReportItem, fix: QuickFix): string[] {
	const problems: string[] = [];
	if (fix.fixes !== item.id) problems.push(`says it fixes ${fix.fixes}`);
	const byFile = new Map<string, TextEdit[]>();
	for (const e of fix.edits) byFile.set(e.span.file, [...(byFile.get(e.span.file) ?? []), e]);
	const changed = new Map<string, string>();
	for (const [f, edits] of byFile) {
		if (!f.startsWith(ctx.root)) problems.push(`edits ${f}, outside the corpus`);
		const text = before.text(f);
		if (text === undefined) {
			problems.push(`edits ${f}, which the board does not read`);
			continue;
		}
		const after = applyEdits(text, edits);
		if (after === undefined) {
			problems.push(`its edits of ${f} overlap`);
			continue;
		}
		if (after === text) problems.push(`its edits of ${f} change nothing`);
		for (const l of touchedLines(text, after, edits).slice(0, 3)) problems.push(`changes ${f} outside its edits: ${l}`);
		changed.set(f, after);
	}
	if (problems.length > 0) return problems;
	for (const [f, text] of changed) {
		ctx.overlay.set(f, text);
		ctx.frontend.invalidate(f);
	}
	try {
		const after = createSnapshot(ctx.frontend, ctx.fs, ctx.file, ctx.options);
		const old = new Set(frontErrors(before));
		for (const e of frontErrors(after)) if (!old.has(e)) problems.push(`new front-end error: ${e}`);
		const maps = new Map([...byFile].map(([f, edits]) => [f, lineMapper(edits)]));
		const mapped = (i: ReportItem) => itemKey(i, (s) => (maps.get(s.file) ?? ((l: number) => l))(s.start.line));
		const now = after.analysis.items.map((i) => itemKey(i));
		if (now.includes(mapped(item))) problems.push('the finding is still there');
		const expected = before.analysis.items.filter((i) => i !== item && !mayChange(before, item, fix, i)).map(mapped).sort();
		const actual = after.analysis.items.filter((i) => !mayChange(before, item, fix, i)).map((i) => itemKey(i)).sort();
		const actualSet = new Set(actual);
		const expectedSet = new Set(expected);
		for (const k of expected.filter((k) => !actualSet.has(k)).slice(0, 3)) problems.push(`another finding is gone: ${k}`);
		for (const k of actual.filter((k) => !expectedSet.has(k)).slice(0, 3)) problems.push(`a finding appeared: ${k}`);
	} finally {
		for (const f of changed.keys()) {
			ctx.overlay.delete(f);
			ctx.frontend.invalidate(f);
		}
	}
	return problems;
}
