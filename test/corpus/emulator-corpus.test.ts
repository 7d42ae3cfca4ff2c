/**
 * The emulator over every arm64 board of the Linux corpus, as the kernel's build sees it: each board
 * preprocessed with the real cpp, resolved by our front-end (positions mapped back through cpp's line
 * markers), adapted with `toDtView`, then every check (`runChecks`) and the probe-order simulation
 * with the newest kernel and with 5.10.
 *
 * Asserted: nothing throws (no `plugin-crashed`), every finding points into a real corpus file, the
 * totals per finding id equal `EXPECTED_TOTALS` (a change is visible in review), and every
 * error-severity finding on these upstream boards is in `ALLOWED_ERRORS`, each with the real defect
 * and why the kernel misbehaves. Anything else fails.
 *
 * `EMULATOR_CORPUS_FILTER=<substring>` runs a subset (the totals are then only printed);
 * `EMULATOR_CORPUS_DUMP=<file>` writes every finding as JSON lines for triage.
 */
import { spawn } from 'node:child_process';
import { appendFileSync, existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { runChecks } from '../../emulator/src/checks/index';
import { FINDING_IDS, type Finding, type FindingId } from '../../emulator/src/types';
import { runScenario } from '../../emulator/src/scenario/index';
import { buildDts } from '../../server/src/dts/index';
import { toDtView } from '../../server/src/model/dtview';

const repoRoot = path.resolve(__dirname, '../..');
const corpus = path.resolve(repoRoot, '../shared/corpus/linux-dts');
const CPP_ARGS = ['-nostdinc', '-I', 'include', '-I', 'src', '-I', 'src/arm64', '-undef', '-D__DTS__', '-x', 'assembler-with-cpp'];
const CONCURRENCY = 2;

/**
 * Findings per id over the whole corpus with the newest kernel, by severity. Ids not listed must
 * have none. A change here is a change of the emulator's verdicts on upstream boards: say why in review.
 */
const EXPECTED_TOTALS: Partial<Record<FindingId, Counts>> = {
	'iommu-disabled': { error: 0, warning: 211, info: 0 },
	'stream-id-range': { error: 0, warning: 2, info: 0 },
	// +3 with stream-shared -3: a covering SMR allocated after the entry it covers (sm8750 cdsp cb@14 on two boards, fsd-evb ethernet1) is -EINVAL in document order.
	'smr-conflict': { error: 5, warning: 0, info: 0 },
	'smr-redundant': { error: 0, warning: 276, info: 0 },
	'stream-shared': { error: 0, warning: 446, info: 0 },
	'iommu-map-format': { error: 0, warning: 35, info: 0 },
	'iommu-map-uncovered': { error: 0, warning: 30, info: 0 },
	'msi-map-mismatch': { error: 0, warning: 22, info: 0 },
	'fastrpc-session': { error: 0, warning: 15, info: 0 },
	'fastrpc-no-iommus': { error: 4, warning: 0, info: 43 },
	// -124 fastrpc channel nodes (rpmsg devices, never of_dma_configure()d), +198 fastrpc compute-cb platform devices (populated by the fastrpc driver) below glink-edge/smd-edge nodes without dma-ranges.
	'dma-ranges': { error: 0, warning: 4, info: 699 },
	carveout: { error: 11, warning: 47, info: 0 },
	'reg-translate': { error: 70, warning: 6, info: 0 },
	'unit-address': { error: 0, warning: 0, info: 571 },
	// probe-deferred: 0 since qcom_iommu matches "qcom,msm-iommu-v2" (msm8953 GPU IOMMU).
};

/**
 * Error-severity findings allowed on upstream boards, keyed `board | id | file:line` (board relative
 * to src/arm64 without `.dts`; `*` for every board including a shared .dtsi), each with the real
 * defect and what the kernel does. Anything else that is an error fails the test.
 */
const ALLOWED_ERRORS: Record<string, string> = {
	// sc7280-herobrine-lte-sku.dtsi / sc7280-idp*.dts grow rmtfs_mem to 8 MiB (0x9c900000-0x9d100000) over kodiak.dtsi's adsp-rpc-remote-heap (0x9cb80000-0x9d380000): of_reserved_mem prints "OVERLAP DETECTED!" and rmtfs (hyp-assigned to the modem) and the ADSP fastrpc heap share 5.5 MiB.
	'* | carveout | src/arm64/qcom/kodiak.dtsi:195': 'rmtfs_mem enlarged over adsp_rpc_remote_heap_mem',
	// sm8750.dtsi cdsp compute-cb@12 lists <0x0c2c 0x20> ({0xc0c,0xc2c}) and <0x0c0c 0x40> ({0xc0c,0xc4c}): partial overlap, arm_smmu_find_sme() returns -EINVAL for the second, the CB's probe_device fails and it runs without the SMMU.
	'* | smr-conflict | src/arm64/qcom/sm8750.dtsi:5916': 'sm8750 cdsp cb@12 SMR entries partially overlap',
	// The same cb@12 consequence: no IOMMU, so fastrpc hands the CDSP physical addresses tagged 12 << 32 that its SMMU context does not map.
	'* | fastrpc-no-iommus | src/arm64/qcom/sm8750.dtsi:5914': 'sm8750 cdsp cb@12 loses its IOMMU (see smr-conflict)',
	// sm8750.dtsi cdsp compute-cb@14 <0x0c0e 0x20> ({0xc0e,0xc2e}) after cb@13's <0x0c2e 0x0>: the new SMR is not covered by the existing one but overlaps it, so find_sme() returns -EINVAL in document order and cb@14 runs without the SMMU (smr-conflict on cb@14's entry; was a stream-shared warning before the covered-first case was told apart).
	'* | smr-conflict | src/arm64/qcom/sm8750.dtsi:5936': 'sm8750 cdsp cb@14 entry 1 covers cb@13 entry 2, which attaches first',
	'* | fastrpc-no-iommus | src/arm64/qcom/sm8750.dtsi:5935': 'sm8750 cdsp cb@14 SMR overlaps cb@13 entry 2',
	// fsd.dtsi: pdma1 (<&smmu_peric 0x1 0x0>, line 586 node) comes before ethernet1 (<&smmu_peric 0x0 0x1> = {0x0,0x1}, enabled on fsd-evb) in document order: ethernet1's SMR covers pdma1's but is allocated second, so find_sme() returns -EINVAL and the Ethernet controller runs without the SMMU (unless it happens to probe before pdma1; then both share one SMR and group).
	'* | smr-conflict | src/arm64/tesla/fsd.dtsi:1009': 'fsd ethernet1 SMR covers pdma1, which attaches first',
	// TI K3 interrupt routers (ti,sci-intr) at 0xa00000 are outside every ranges window of the main bus: the platform device gets no MEM resource. Harmless in Linux only because irq-ti-sci-intr.c programs the router through TISCI and never maps reg.
	'* | reg-translate | src/arm64/ti/k3-am62-main.dtsi:512': 'main_gpio_intr reg outside cbass_main ranges',
	'* | reg-translate | src/arm64/ti/k3-am62a-main.dtsi:544': 'main_gpio_intr reg outside cbass_main ranges',
	'* | reg-translate | src/arm64/ti/k3-am62p-j722s-common-main.dtsi:545': 'main_gpio_intr reg outside cbass_main ranges',
	'* | reg-translate | src/arm64/ti/k3-am64-main.dtsi:585': 'main_gpio_intr reg outside cbass_main ranges',
	'* | reg-translate | src/arm64/ti/k3-am65-main.dtsi:604': 'intr_main_gpio reg outside cbass_main ranges',
	'* | reg-translate | src/arm64/ti/k3-j721s2-main.dtsi:166': 'main_gpio_intr reg outside cbass_main ranges',
	'* | reg-translate | src/arm64/ti/k3-j784s4-j742s2-main-common.dtsi:228': 'main_gpio_intr reg outside cbass_main ranges',
	'* | reg-translate | src/arm64/ti/k3-j7200-main.dtsi:89': 'main_gpio_intr reg outside cbass_main ranges',
	'* | reg-translate | src/arm64/ti/k3-j721e-main.dtsi:194': 'main_gpio_intr reg outside cbass_main ranges',
	// am65 main_esm (ti,j721e-esm) at 0x700000 is outside cbass_main ranges: no MEM resource; harmless in Linux only because no Linux driver binds ti,j721e-esm (U-Boot's k3_esm does, with its own bus handling).
	'* | reg-translate | src/arm64/ti/k3-am65-main.dtsi:59': 'main_esm reg outside cbass_main ranges',
};

interface Counts {
	error: number;
	warning: number;
	info: number;
}

/** The corpus on disk, read afresh each time (no cache shared between boards). */
const corpusFs = {
	readFile(p: string): string | undefined {
		try {
			return readFileSync(path.resolve(corpus, p), 'utf8');
		} catch {
			return undefined;
		}
	},
};

function run(cmd: string, args: string[], cwd: string): Promise<{ code: number; stdout: string; stderr: string }> {
	return new Promise((resolve, reject) => {
		const p = spawn(cmd, args, { cwd });
		const out: Buffer[] = [];
		const err: Buffer[] = [];
		p.stdout.on('data', (d: Buffer) => out.push(d));
		p.stderr.on('data', (d: Buffer) => err.push(d));
		p.on('error', reject);
		p.on('close', (code) => resolve({ code: code ?? -1, stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8') }));
		p.stdin.end();
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

interface BoardOutcome {
	readonly board: string;
	readonly findings: readonly Finding[];
	readonly problems: readonly string[];
	readonly ms: { cpp: number; build: number; checks: number; probe: number };
}

/** `a/b/c.dts` → `b/c` (relative to src/arm64, without extension). */
const shortName = (board: string): string => board.replace(/^src\/arm64\//, '').replace(/\.dts$/, '');

const findingKey = (board: string, f: Finding): string => `${shortName(board)} | ${f.id} | ${f.loc.file}:${f.loc.start.line + 1}`;
const findingKeyAny = (f: Finding): string => `* | ${f.id} | ${f.loc.file}:${f.loc.start.line + 1}`;

async function runBoard(board: string): Promise<BoardOutcome> {
	const problems: string[] = [];
	const t0 = performance.now();
	const pre = await run('cpp', [...CPP_ARGS, board], corpus);
	const t1 = performance.now();
	if (pre.code !== 0) return { board, findings: [], problems: [`cpp failed: ${pre.stderr.slice(0, 500)}`], ms: { cpp: t1 - t0, build: 0, checks: 0, probe: 0 } };
	// Nothing is shared across boards: a fresh tree, view and check context per board.
	// As the kernel's build does, dtc's own `/include/` is searched in the board's directory.
	const dir = path.dirname(board);
	const tree = buildDts({ file: board, text: pre.stdout }, { fs: corpusFs, includeDirs: [dir] });
	for (const d of tree.diagnostics) if (d.severity === 'error') problems.push(`front-end error ${d.span.file}:${d.span.start.line + 1}: ${d.message}`);
	const view = toDtView(tree);
	const t2 = performance.now();
	let findings: Finding[] = [];
	try {
		findings = runChecks({ view });
	} catch (error) {
		problems.push(`runChecks threw: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
	}
	const t3 = performance.now();
	for (const kernel of [undefined, '5.10']) {
		try {
			const r = runScenario(view, kernel ? { kernel } : {});
			if (r.errors.length > 0) problems.push(`runScenario(${kernel ?? 'newest'}) errors: ${r.errors.join('; ')}`);
			for (const m of r.result.masters) if (m.outcomes.length === 0) problems.push(`probe (${kernel ?? 'newest'}): master ${m.path} has no outcome`);
		} catch (error) {
			problems.push(`runScenario(${kernel ?? 'newest'}) threw: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
		}
	}
	const t4 = performance.now();
	for (const f of findings) {
		if (f.id === 'plugin-crashed') problems.push(`plugin-crashed: ${f.message}`);
		for (const ref of [f.loc, ...f.related.map((r) => r.loc)]) {
			if (ref.file.startsWith('<') || !ref.file.startsWith('src/') && !ref.file.startsWith('include/') || !existsSync(path.resolve(corpus, ref.file))) {
				problems.push(`${f.id} points at '${ref.file}', not a corpus file`);
			}
		}
	}
	return { board, findings, problems, ms: { cpp: t1 - t0, build: t2 - t1, checks: t3 - t2, probe: t4 - t3 } };
}

describe('the emulator over the arm64 corpus', () => {
	test('every board: no crash, real locations, expected totals, only justified errors', { timeout: 600_000 }, async () => {
		if (!existsSync(path.join(corpus, 'src/arm64'))) throw new Error(`The kernel devicetree corpus is missing: expected ${corpus}/src/arm64 (../shared/corpus/linux-dts beside the repository).`);
		const boards = listDts(path.join(corpus, 'src/arm64'), []).map((p) => path.relative(corpus, p));
		const only = process.env.EMULATOR_CORPUS_FILTER;
		const selected = only ? boards.filter((b) => b.includes(only)) : boards;
		const dump = process.env.EMULATOR_CORPUS_DUMP;
		if (dump) writeFileSync(dump, '');
		const t0 = performance.now();
		const outcomes: BoardOutcome[] = [];
		let next = 0;
		const worker = async (): Promise<void> => {
			for (;;) {
				const i = next++;
				if (i >= selected.length) return;
				const o = await runBoard(selected[i]!);
				outcomes.push(o);
				if (dump) {
					appendFileSync(
						dump,
						o.findings
							.map((f) => JSON.stringify({ board: shortName(o.board), id: f.id, severity: f.severity, file: f.loc.file, line: f.loc.start.line + 1, message: f.message }) + '\n')
							.join(''),
					);
				}
			}
		};
		await Promise.all(Array.from({ length: CONCURRENCY }, worker));
		const wall = performance.now() - t0;
		outcomes.sort((a, b) => (a.board < b.board ? -1 : a.board > b.board ? 1 : 0));

		const totals = new Map<FindingId, { error: number; warning: number; info: number; total: number }>();
		for (const id of FINDING_IDS) totals.set(id, { error: 0, warning: 0, info: 0, total: 0 });
		const unexpectedErrors: string[] = [];
		const usedAllowances = new Set<string>();
		for (const o of outcomes) {
			for (const f of o.findings) {
				const t = totals.get(f.id)!;
				t[f.severity]++;
				t.total++;
				if (f.severity !== 'error') continue;
				const key = findingKey(o.board, f);
				const anyKey = findingKeyAny(f);
				if (key in ALLOWED_ERRORS) usedAllowances.add(key);
				else if (anyKey in ALLOWED_ERRORS) usedAllowances.add(anyKey);
				else unexpectedErrors.push(`${key}: ${f.message}`);
			}
		}
		const sum = (k: 'cpp' | 'build' | 'checks' | 'probe'): string => (outcomes.reduce((s, o) => s + o.ms[k], 0) / 1000).toFixed(1);
		const lines = [...totals].filter(([, t]) => t.total > 0).map(([id, t]) => `  ${id.padEnd(22)} ${String(t.total).padStart(6)}  (error ${t.error}, warning ${t.warning}, info ${t.info})`);
		console.log(
			[
				`emulator over ${outcomes.length} boards in ${(wall / 1000).toFixed(1)} s (cpp ${sum('cpp')} s, build ${sum('build')} s, checks ${sum('checks')} s, probe 2 kernels ${sum('probe')} s; summed over ${CONCURRENCY} workers)`,
				'findings per id (newest kernel):',
				...(lines.length > 0 ? lines : ['  none']),
			].join('\n'),
		);

		const problems = outcomes.flatMap((o) => o.problems.map((p) => `${o.board}: ${p}`));
		expect(problems.slice(0, 30), `${problems.length} problems`).toEqual([]);
		expect(unexpectedErrors.slice(0, 40), `${unexpectedErrors.length} unexpected error-severity findings`).toEqual([]);
		if (!only) {
			const actual = Object.fromEntries([...totals].filter(([, t]) => t.total > 0).map(([id, t]) => [id, { error: t.error, warning: t.warning, info: t.info }]));
			expect(actual).toEqual(EXPECTED_TOTALS);
			const unused = Object.keys(ALLOWED_ERRORS).filter((k) => !usedAllowances.has(k));
			expect(unused, 'allow-list entries that no longer match a finding').toEqual([]);
		}
	});
});
