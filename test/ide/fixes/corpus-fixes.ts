/**
 * Nothing lost, over the whole corpus: on EVERY arm64 board of ../shared/corpus/linux-dts (read in
 * place; edits go to an in-memory overlay, never to the corpus), every finding that carries fix data
 * is asked for its quick fixes, and every fix offered is applied and checked (corpus-check.ts): the
 * edited text still resolves (no new front-end error), the finding is gone, the board's other
 * findings are unchanged (modulo the lines the edit shifts, and what the fix is expected to change:
 * `mayChange`), and every untouched line of every edited file is byte for byte the same.
 *
 * Deduplicated: most fixable findings sit in a SoC .dtsi that tens of boards include, and each of
 * those boards offers byte-identical edits (same file, same spans, same text). Such an edit is
 * checked once (per shard), on the first board (in path order) that offers it. That is exact for
 * what is checked of the text (the edited file is the same text, so its untouched lines are the
 * same), and the board-level properties (still resolves, finding gone, other findings unchanged) are
 * checked on a real board that includes the edited file. What it leaves out: another board that
 * also overrides the edited node, whose other findings could react differently to the same edit;
 * the price of 262 re-analyses instead of one per board and fix (1267). Every board is still
 * analysed, and every fix it offers is computed (so a fix that throws, or an edit that differs on
 * one board, is seen).
 *
 * This module is the work of one shard (no vitest: it runs in a worker thread, corpus-worker.ts);
 * corpus.test.ts runs `SHARDS` of them at once, one per core (vitest itself runs one test file at a
 * time on a 2-core machine), and asserts the problems and the totals.
 */
import path from 'node:path';
import { FIXES, quickFixes } from '../../../server/src/ide/fixes';
import { Texts } from '../../../server/src/ide/fixes/edit';
import type { BoardSnapshot } from '../../../server/src/ide/types';
import { createFrontend } from '../../../server/src/model/board';
import { createSnapshot } from '../../../server/src/model/snapshot';
import { checkFixOnBoard, editKey, overlayDisk, type BoardContext } from './corpus-check';

export const SHARDS = 2;

const FIX_MODULE_KINDS = new Set(FIXES.flatMap((f) => f.kinds));

export interface Counts {
	boards: number;
	/** Findings that carry fix data. */
	withFixData: number;
	/** Of those, findings for which at least one fix is offered. */
	withFixes: number;
	/** Fixes offered (one finding may have several: enable the IOMMU, or drop the reference). */
	fixesOffered: number;
	/** Distinct (file, edits) checked. */
	distinctEdits: number;
}

/**
 * The boards of one shard: boards grouped by SoC (vendor folder and the name's first word: `qcom/sdm845`,
 * `rockchip/rk3399`), since the boards of one SoC share its .dtsi edits; the groups dealt, largest first,
 * to the shard with the least work so far (a Qualcomm board costs about four others, measured), in path order.
 */
export function shardOf(all: readonly string[], shard: number): string[] {
	const groups = new Map<string, string[]>();
	for (const b of all) {
		const [, , vendor, name] = b.split('/');
		const key = `${vendor}/${(name ?? '').split('-')[0]}`;
		groups.set(key, [...(groups.get(key) ?? []), b]);
	}
	const cost = (g: string[]) => g.length * (g[0]!.includes('/qcom/') ? 4 : 1);
	const load = new Array<number>(SHARDS).fill(0);
	const mine = new Set<string>();
	for (const [, g] of [...groups].sort((a, b) => cost(b[1]) - cost(a[1]) || (a[0] < b[0] ? -1 : 1))) {
		const target = load.indexOf(Math.min(...load));
		load[target]! += cost(g);
		if (target === shard) for (const b of g) mine.add(b);
	}
	return all.filter((b) => mine.has(b));
}

export interface ShardResult {
	counts: Counts;
	byKind: Record<string, number>;
	refused: Record<string, number>;
	/** Findings whose fix data a fix module reads, for which it offered nothing (it judged no edit safe). */
	refusedExamples: string[];
	problems: string[];
	ms: number;
}

/** Checks every fix offered on the boards of one shard (or those whose path contains `filter`). */
export function checkShard(root: string, boards: readonly string[]): ShardResult {
	const includePaths = ['include', 'src', 'src/arm64'].map((d) => path.join(root, d));
	const { fs, overlay } = overlayDisk();
	const frontend = createFrontend(fs);
	const options = { includePaths, defines: [{ name: '__DTS__' }] };
	const counts: Counts = { boards: 0, withFixData: 0, withFixes: 0, fixesOffered: 0, distinctEdits: 0 };
	const byKind: Record<string, number> = {};
	const refused: Record<string, number> = {};
	const refusedExamples: string[] = [];
	const checked = new Set<string>();
	const problems: string[] = [];
	const t0 = performance.now();
	for (const b of boards) {
		const file = path.join(root, b);
		const ctx: BoardContext = { file, frontend, fs, overlay, options, root };
		let before: BoardSnapshot;
		try {
			before = createSnapshot(frontend, fs, file, options);
		} catch (error) {
			problems.push(`${b}: analysis threw: ${String(error)}`);
			continue;
		}
		counts.boards++;
		for (const item of before.analysis.items) {
			if (!item.fix) continue;
			counts.withFixData++;
			// quickFixes() drops a fix that throws (the editor must not break): call the modules directly to see one.
			for (const m of FIXES) {
				if (!m.kinds.includes(item.fix.kind)) continue;
				try {
					m.offer({ snapshot: before, item, data: item.fix, texts: new Texts(before), tree: before.analysis.board.tree });
				} catch (error) {
					problems.push(`${b}: fix ${m.id} threw on ${item.id} at ${path.relative(root, item.span.file)}:${item.span.start.line + 1}: ${String(error)}`);
				}
			}
			const fixes = quickFixes(before, item);
			if (fixes.length === 0) {
				refused[item.fix.kind] = (refused[item.fix.kind] ?? 0) + 1;
				if (refusedExamples.length < 8 && FIX_MODULE_KINDS.has(item.fix.kind)) refusedExamples.push(`${b}: ${item.id} at ${path.relative(root, item.span.file)}:${item.span.start.line + 1}: ${item.message.slice(0, 120)}`);
				continue;
			}
			counts.withFixes++;
			for (const fix of fixes) {
				counts.fixesOffered++;
				const kind = `${item.fix.kind}/${fix.title.split(' ')[0]}`;
				byKind[kind] = (byKind[kind] ?? 0) + 1;
				const key = editKey(fix);
				if (checked.has(key)) continue;
				checked.add(key);
				counts.distinctEdits++;
				for (const p of checkFixOnBoard(ctx, before, item, fix)) problems.push(`${b}: "${fix.title}" for ${item.id} at ${path.relative(root, item.span.file)}:${item.span.start.line + 1}: ${p}`);
			}
		}
	}
	return { counts, byKind, refused, refusedExamples, problems, ms: Math.round(performance.now() - t0) };
}
