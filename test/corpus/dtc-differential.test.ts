/**
 * Differential test over the Linux arm64 corpus: every board is preprocessed with the real cpp,
 * compiled with the real dtc 1.6.1 (`-I dts -O dts`) and with ours; trees and printed text must
 * be identical. The whole front-end (our preprocessor, then ours) must give the same result too. Boards that dtc rejects must be the known users of `&{label/path}` (newer than
 * dtc 1.6.1), and for those, ours must resolve the references.
 */

import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { buildDts, printDts, type DtTree } from '../../server/src/dts/index.js';
import { diffTrees } from '../dts/dtc-helper.js';
import { createFrontend } from '../../server/src/model/board.js';
import { diskFileSystem } from '../../server/src/node/disk-fs.js';

const repoRoot = path.resolve(__dirname, '../..');
const corpus = path.resolve(repoRoot, '../shared/corpus/linux-dts');

/** Boards that use `&{label/path}`, which dtc 1.6.1 rejects, and what each must resolve to. */
const skovBoards = [
	'imx8mp-skov-basic',
	'imx8mp-skov-revb-hdmi',
	'imx8mp-skov-revb-lt6',
	'imx8mp-skov-revb-mi1010ait-1cp1',
	'imx8mp-skov-revc-bd500',
	'imx8mp-skov-revc-hdmi',
	'imx8mp-skov-revc-jutouch-jt101tm023',
	'imx8mp-skov-revc-tian-g07017',
];
/** imx8mp-nominal.dtsi: `/delete-node/ &{noc_opp_table/opp-1000000000};` removes one OPP only. */
function checkSkov(t: DtTree): void {
	const table = t.labels.get('noc_opp_table');
	expect(table?.path).toBe('/soc@0/interconnect@32700000/opp-table');
	expect(table!.children.map((c) => c.name)).toEqual(['opp-200000000', 'opp-800000000']);
	expect(t.nodeByRef('noc_opp_table/opp-800000000')?.property('opp-hz')).toBeDefined();
	expect(t.nodeByRef('noc_opp_table/opp-1000000000')).toBeUndefined();
}
const labelPathBoards: Record<string, (t: DtTree) => void> = Object.fromEntries(skovBoards.map((b) => [`src/arm64/freescale/${b}.dts`, checkSkov]));

/** The corpus on disk, paths relative to its root. */
const fs = {
	readFile(p: string): string | undefined {
		try {
			return readFileSync(path.resolve(corpus, p), 'utf8');
		} catch {
			return undefined;
		}
	},
};

function run(cmd: string, args: string[], input: string | undefined, cwd: string): Promise<{ code: number; stdout: string; stderr: string; ms: number }> {
	return new Promise((resolve, reject) => {
		const t0 = performance.now();
		const p = spawn(cmd, args, { cwd });
		const out: Buffer[] = [];
		const err: Buffer[] = [];
		p.stdout.on('data', (d: Buffer) => out.push(d));
		p.stderr.on('data', (d: Buffer) => err.push(d));
		p.on('error', reject);
		p.on('close', (code) => resolve({ code: code ?? -1, stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8'), ms: performance.now() - t0 }));
		if (input !== undefined) p.stdin.end(input);
		else p.stdin.end();
	});
}

function listDts(dir: string, out: string[]): string[] {
	for (const e of readdirSync(dir).sort()) {
		const p = path.join(dir, e);
		if (statSync(p).isDirectory()) listDts(p, out);
		else if (e.endsWith('.dts')) out.push(p);
	}
	return out;
}

interface BoardResult {
	board: string;
	dtcOk: boolean;
	dtcStderr: string;
	identical: boolean;
	diffs: string[];
	oursMs: number;
	dtcMs: number;
	errors: string[];
	/** Kept only for boards dtc rejects (memory). */
	tree?: DtTree;
	/** The whole front-end (our preprocessor + ours): identical to dtc's output, and its errors. */
	fullIdentical: boolean;
	fullDiffs: string[];
	fullErrors: string[];
	fullTree?: DtTree;
}

describe('dtc differential over the arm64 corpus', () => {
	test('every board matches dtc 1.6.1', { timeout: 900_000 }, async () => {
		if (!existsSync(path.join(corpus, 'src/arm64'))) throw new Error(`corpus not found at ${corpus} (expected ../shared/corpus/linux-dts relative to the repository)`);
		const boards = listDts(path.join(corpus, 'src/arm64'), []).map((p) => path.relative(corpus, p));
		const only = process.env.DTS_CORPUS_FILTER;
		const selected = only ? boards.filter((b) => b.includes(only)) : boards;
		const results: BoardResult[] = [];
		const t0 = performance.now();
		let next = 0;
		const worker = async (): Promise<void> => {
			// One front-end per worker, as the language server and the command line use it: shared
			// .dtsi and header files are lexed once.
			const frontend = createFrontend(diskFileSystem());
			for (;;) {
				const i = next++;
				if (i >= selected.length) return;
				const board = selected[i]!;
				const pre = await run('cpp', ['-nostdinc', '-I', 'include', '-I', 'src', '-I', 'src/arm64', '-undef', '-D__DTS__', '-x', 'assembler-with-cpp', board], undefined, corpus);
				if (pre.code !== 0) throw new Error(`cpp failed on ${board}: ${pre.stderr}`);
				// As the kernel does, `-i` the board's directory for `/include/`.
				const dir = path.dirname(board);
				const dtc = await run('dtc', ['-q', '-I', 'dts', '-O', 'dts', '-i', dir, '-'], pre.stdout, corpus);
				const s = performance.now();
				const tree = buildDts({ file: board, text: pre.stdout }, { fs, includeDirs: [dir] });
				const printed = printDts(tree);
				const oursMs = performance.now() - s;
				const errors = tree.diagnostics.filter((d) => d.severity === 'error').map((d) => `${d.span.file}:${d.span.start.line + 1}:${d.span.start.col + 1}: ${d.code}: ${d.message}`);
				let diffs: string[] = [];
				const identical = dtc.code === 0 && printed === dtc.stdout;
				if (dtc.code === 0 && !identical) {
					const expected = buildDts({ file: 'dtc-output', text: dtc.stdout });
					diffs = diffTrees(expected, tree);
					if (diffs.length === 0) {
						const a = dtc.stdout.split('\n');
						const b = printed.split('\n');
						const k = a.findIndex((l, j) => l !== b[j]);
						diffs.push(`printed text differs at line ${k + 1}: expected ${JSON.stringify(a[k])}, actual ${JSON.stringify(b[k])}`);
					}
				}
				const full = frontend.resolve(path.join(corpus, board), {
					includePaths: ['include', 'src', 'src/arm64'].map((d) => path.join(corpus, d)),
					defines: [{ name: '__DTS__' }],
				});
				const fullPrinted = printDts(full.tree);
				const fullErrors = full.diagnostics.filter((d) => d.severity === 'error').map((d) => `${d.span.file}:${d.span.start.line + 1}:${d.span.start.col + 1}: ${d.code}: ${d.message}`);
				const fullIdentical = dtc.code === 0 && fullPrinted === dtc.stdout;
				let fullDiffs: string[] = [];
				if (dtc.code === 0 && !fullIdentical) {
					fullDiffs = diffTrees(buildDts({ file: 'dtc-output', text: dtc.stdout }), full.tree);
					if (fullDiffs.length === 0) fullDiffs.push('printed text differs');
				}
				results.push({
					board,
					dtcOk: dtc.code === 0,
					dtcStderr: dtc.stderr,
					identical,
					diffs,
					oursMs,
					dtcMs: dtc.ms,
					errors,
					fullIdentical,
					fullDiffs,
					fullErrors,
					...(dtc.code === 0 ? {} : { tree, fullTree: full.tree }),
				});
			}
		};
		await Promise.all([worker(), worker()]);
		const wall = performance.now() - t0;
		results.sort((a, b) => a.board.localeCompare(b.board));
		const rejected = results.filter((r) => !r.dtcOk);
		const accepted = results.filter((r) => r.dtcOk);
		const same = accepted.filter((r) => r.identical && r.errors.length === 0);
		const fullSame = accepted.filter((r) => r.fullIdentical && r.fullErrors.length === 0);
		const oursTotal = results.reduce((s, r) => s + r.oursMs, 0);
		const dtcTotal = results.reduce((s, r) => s + r.dtcMs, 0);
		console.log(
			`corpus: ${results.length} boards, dtc accepted ${accepted.length}, identical ${same.length}/${accepted.length}; ` +
				`whole front-end identical ${fullSame.length}/${accepted.length}; ` +
				`ours ${(oursTotal / 1000).toFixed(2)} s, dtc ${(dtcTotal / 1000).toFixed(2)} s (sum per board, without cpp); wall ${(wall / 1000).toFixed(1)} s`,
		);
		for (const r of rejected) console.log(`dtc rejected ${r.board}: ${r.dtcStderr.split('\n')[0]}; ours: ${r.errors.length} errors`);
		const report: string[] = [];
		for (const r of accepted) {
			if (r.identical && r.errors.length === 0 && r.fullIdentical && r.fullErrors.length === 0) continue;
			report.push(`${r.board}:`, ...r.errors.slice(0, 5).map((e) => `  error: ${e}`), ...r.diffs.slice(0, 20).map((d) => `  ${d}`));
			report.push(...r.fullErrors.slice(0, 5).map((e) => `  whole front-end error: ${e}`), ...r.fullDiffs.slice(0, 20).map((d) => `  whole front-end: ${d}`));
		}
		expect(report.join('\n')).toBe('');
		if (!only) {
			expect(rejected.map((r) => r.board)).toEqual(Object.keys(labelPathBoards).sort());
			for (const r of rejected) {
				expect(r.errors).toEqual([]);
				expect(r.fullErrors).toEqual([]);
				labelPathBoards[r.board]!(r.tree!);
				labelPathBoards[r.board]!(r.fullTree!);
			}
		}
	});
});
