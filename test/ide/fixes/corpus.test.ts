/**
 * Nothing lost over the whole corpus (corpus-fixes.ts says what is checked, and why an edit that many
 * boards offer is checked once): every arm64 board, in `SHARDS` worker threads (vitest runs one test
 * file at a time on a 2-core machine; the workers use both cores), each a bundle of corpus-worker.ts.
 * Totals: 1308 boards, 1851 findings with fix data, 1056 of them with fixes offered, 1267 fixes, 262
 * distinct edits checked (211 distinct over the whole corpus: an edit of a .dtsi that boards of both
 * shards read is checked in each).
 *
 * `CORPUS_FIXES_FILTER=<substring>` runs the boards whose path contains it (the totals are then only printed).
 */
import { build } from 'esbuild';
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import { expect, test } from 'vitest';
import { corpusFiles, corpusRoot, REPO_ROOT } from '../../harness/corpus';
import { SHARDS, shardOf, type Counts, type ShardResult } from './corpus-fixes';

const EXPECTED: Counts = { boards: 1308, withFixData: 1851, withFixes: 1056, fixesOffered: 1267, distinctEdits: 262 };

async function workerBundle(): Promise<string> {
	const out = path.join(REPO_ROOT, 'out/test-fixes/corpus-worker.cjs');
	const r = await build({ entryPoints: [path.join(__dirname, 'corpus-worker.ts')], bundle: true, platform: 'node', target: 'node20', format: 'cjs', write: false, packages: 'external', logLevel: 'error', outfile: out });
	mkdirSync(path.dirname(out), { recursive: true });
	const tmp = `${out}.${process.pid}.tmp`;
	writeFileSync(tmp, r.outputFiles[0]!.contents);
	renameSync(tmp, out);
	return out;
}

function run(bundle: string, root: string, boards: string[]): Promise<ShardResult> {
	return new Promise((resolve, reject) => {
		const w = new Worker(bundle, { workerData: { root, boards } });
		w.once('message', (m: ShardResult) => resolve(m));
		w.once('error', reject);
		w.once('exit', (code) => reject(new Error(`corpus worker exited with ${code} before its result`)));
	});
}

test('every quick fix offered on every arm64 board changes only its target', async () => {
	const root = corpusRoot();
	const filter = process.env.CORPUS_FIXES_FILTER;
	const all = corpusFiles('src/arm64', ['.dts']);
	const shards = filter ? [all.filter((b) => b.includes(filter))] : Array.from({ length: SHARDS }, (_, i) => shardOf(all, i));
	const bundle = await workerBundle();
	const results = await Promise.all(shards.map((boards) => run(bundle, root, boards)));
	const total: Counts = { boards: 0, withFixData: 0, withFixes: 0, fixesOffered: 0, distinctEdits: 0 };
	const sum = (into: Record<string, number>, from: Record<string, number>) => {
		for (const [k, v] of Object.entries(from)) into[k] = (into[k] ?? 0) + v;
	};
	const byKind: Record<string, number> = {};
	const refused: Record<string, number> = {};
	for (const r of results) {
		sum(total as unknown as Record<string, number>, r.counts as unknown as Record<string, number>);
		sum(byKind, r.byKind);
		sum(refused, r.refused);
	}
	console.log(
		`quick fixes on the corpus: ${total.boards} boards, ${total.withFixData} findings with fix data, ${total.withFixes} with fixes offered (${total.fixesOffered} fixes), ${total.distinctEdits} distinct edits checked; shards took ${results.map((r) => `${Math.round(r.ms / 1000)} s`).join(', ')}`,
		byKind,
		'not offered:',
		refused,
		'\nrefused by their fix module:\n',
		results.flatMap((r) => r.refusedExamples).join('\n'),
	);
	expect(results.flatMap((r) => r.problems)).toEqual([]);
	if (!filter) {
		expect(total).toEqual(EXPECTED);
		// Every fix the corpus can exercise was applied (msi-map-align: the corpus' msi-map-mismatch findings are mask/entry-count mismatches, which carry no fix data).
		for (const k of ['drop-iommus-entry/Remove', 'iommu-disabled/Enable', 'iommu-disabled/Remove', 'set-unit-address/Rename']) expect(byKind[k] ?? 0, k).toBeGreaterThan(0);
	}
}, 900_000);
