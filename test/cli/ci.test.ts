/**
 * The command line for CI and whole trees (issue 7): several boards in parallel, SARIF, --fail-on,
 * --only/--skip, --baseline, explain, simulate as DOT/Mermaid, and the bundled example. Runs the
 * built bundle (dist/cli.js and dist/cli-worker.js) in child processes, as users' CI does.
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { FINDING_IDS } from '../../emulator/src/types';
import { REPO_ROOT } from '../harness/corpus';
import { validate } from './json-schema';

const CLI = join(REPO_ROOT, 'dist/cli.js');
/** The official SARIF 2.1.0 schema (the last release candidate, rtm.5), as @microsoft/jest-sarif ships it. */
const SARIF_OFFICIAL = JSON.parse(readFileSync(require.resolve('@microsoft/jest-sarif/lib/schemas/sarif-2.1.0-rtm.5.json'), 'utf8')) as Record<string, unknown>;
/** Stricter on the objects iommu-lens emits: no property the official schema does not name. */
const SARIF_SUBSET = JSON.parse(readFileSync(join(__dirname, 'schemas/sarif-2.1.0-subset.json'), 'utf8')) as Record<string, unknown>;
const sarifErrors = (log: unknown): string[] => [...validate(SARIF_OFFICIAL, log), ...validate(SARIF_SUBSET, log)];
const MARVELL = resolve(REPO_ROOT, '../shared/corpus/linux-dts/src/arm64/marvell');

function cli(args: string[], cwd = REPO_ROOT): { code: number; stdout: string; stderr: string } {
	const res = spawnSync(process.execPath, [CLI, ...args], { cwd, encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
	return { code: res.status ?? -1, stdout: res.stdout, stderr: res.stderr };
}

const example = (name: 'broken' | 'fixed', kernel: string): string[] => {
	const tree = `examples/${name}/linux`;
	return [`examples/${name}/board.dts`, '-I', 'examples/include', '--kernel', kernel, '--drivers', `${tree}/drivers`, '--kconfig', tree, '--config', `${tree}/lens1.config`];
};
const BROKEN = example('broken', '5.10');
const FIXED = example('fixed', '6.1');

/** A board with one warning (smr-redundant, which has a quick fix) and one error (smr-conflict). */
const SMMU_BOARD = `/dts-v1/;
/ {
	#address-cells = <1>;
	#size-cells = <1>;
	smmu: iommu@1000 {
		compatible = "arm,mmu-500";
		reg = <0x1000 0x1000>;
		#iommu-cells = <2>;
		#global-interrupts = <1>;
		interrupts = <0 1 4>, <0 2 4>;
	};
	usb@2000 {
		compatible = "vendor,usb";
		reg = <0x2000 0x100>;
		iommus = <&smmu 0x740 0x1f>, <&smmu 0x744 0x0>;
	};
	display@3000 {
		compatible = "vendor,dpu";
		reg = <0x3000 0x100>;
		iommus = <&smmu 0x880 0x8>;
	};
	camera@4000 {
		compatible = "vendor,cam";
		reg = <0x4000 0x100>;
		iommus = <&smmu 0x888 0x2>;
	};
};
`;

function tempBoard(text = SMMU_BOARD): string {
	const dir = mkdtempSync(join(tmpdir(), 'iommu-lens-ci-'));
	writeFileSync(join(dir, 'board.dts'), text);
	return dir;
}

type Item = { id: string; severity: string; file: string; line: number; message: string; board?: string };

beforeAll(() => {
	if (!existsSync(CLI) || !existsSync(join(REPO_ROOT, 'dist/cli-worker.js'))) throw new Error('dist/cli.js is missing: run `npm run build` (npm test does it first)');
});

describe('explain and the finding docs', () => {
	it('has a doc for every finding id, in the repository and in the bundle', () => {
		for (const id of FINDING_IDS) {
			for (const dir of ['docs/findings', 'dist/docs/findings']) {
				const file = join(REPO_ROOT, dir, `${id}.md`);
				expect(existsSync(file), file).toBe(true);
				const md = readFileSync(file, 'utf8');
				expect(md.startsWith(`# ${id}: `), `${file} title`).toBe(true);
				expect(md).toContain('## How the kernel misbehaves');
				expect(md).toContain('## How to fix');
				expect(md.match(/```/g)?.length, `${file}: an example of the problem and of the fix`).toBeGreaterThanOrEqual(4);
			}
		}
	});

	it('prints a doc, lists the ids, and exits 2 for an unknown id', () => {
		const res = cli(['explain', 'rpmsg-iommus']);
		expect(res.code).toBe(0);
		expect(res.stdout).toBe(readFileSync(join(REPO_ROOT, 'docs/findings/rpmsg-iommus.md'), 'utf8'));
		const list = cli(['explain', '--list']);
		expect(list.code).toBe(0);
		expect(list.stdout.trim().split('\n')).toHaveLength(FINDING_IDS.length);
		expect(cli(['explain', 'no-such-finding'])).toMatchObject({ code: 2, stderr: "iommu-lens: explain: unknown finding id 'no-such-finding' (see: iommu-lens explain --list)\n" });
		expect(cli(['explain']).code).toBe(2);
		expect(cli(['explain', 'a', 'b']).stderr).toContain("unexpected argument 'b'");
	});
});

describe('check: formats, filters, exit codes', () => {
	it('writes SARIF 2.1.0 that validates, with a rule per finding id, locations, related locations and fixes', () => {
		const dir = tempBoard();
		const res = cli(['check', 'board.dts', '--format', 'sarif'], dir);
		expect(res.code).toBe(1);
		const log = JSON.parse(res.stdout) as any;
		expect(sarifErrors(log)).toEqual([]);
		// The schemas can fail: a wrong level, a result without a message, a missing version.
		const bad = JSON.parse(res.stdout) as any;
		bad.runs[0].results[0].level = 'fatal';
		delete bad.runs[0].results[1].message;
		expect(validate(SARIF_OFFICIAL, bad).join('\n')).toMatch(/results\[0\]\.level.*not in|results\[0\].*level/);
		expect(validate(SARIF_OFFICIAL, bad).join('\n')).toMatch(/results\[1\]: missing required 'message'/);
		expect(validate(SARIF_OFFICIAL, { runs: [] })).toEqual(["$: missing required 'version'"]);
		const run = log.runs[0];
		const rules = run.tool.driver.rules as Array<any>;
		expect(rules.map((r) => r.id).slice(0, FINDING_IDS.length)).toEqual([...FINDING_IDS]);
		for (const r of rules.slice(0, FINDING_IDS.length)) {
			expect(r.shortDescription.text.length).toBeGreaterThan(5);
			expect(r.fullDescription.text.length).toBeGreaterThan(20);
			expect(r.help.text).toContain('## How to fix');
			expect(r.helpUri).toMatch(new RegExp(`^https://.*/docs/findings/${r.id}\\.md$`));
		}
		const byRule = new Map((run.results as Array<any>).map((r) => [r.ruleId, r]));
		const redundant = byRule.get('smr-redundant');
		expect(redundant.level).toBe('warning');
		expect(redundant.locations[0].physicalLocation).toEqual({ artifactLocation: { uri: 'board.dts', uriBaseId: 'SRCROOT' }, region: { startLine: 15, startColumn: 33, endLine: 15, endColumn: 48 } });
		expect(run.originalUriBaseIds.SRCROOT.uri).toMatch(/^file:\/\/.*\/$/);
		// The quick fix drops the covered entry: applying the replacement gives the fixed line.
		const change = redundant.fixes[0].artifactChanges[0];
		expect(change.artifactLocation.uri).toBe('board.dts');
		const line = SMMU_BOARD.split('\n')[14] as string;
		const rep = change.replacements[0];
		expect(rep.deletedRegion.startLine).toBe(15);
		const fixed = line.slice(0, rep.deletedRegion.startColumn - 1) + (rep.insertedContent?.text ?? '') + line.slice(rep.deletedRegion.endColumn - 1);
		expect(fixed).toBe('\t\tiommus = <&smmu 0x740 0x1f>;');
		const conflict = byRule.get('smr-conflict');
		expect(conflict.level).toBe('error');
		expect(conflict.relatedLocations[0]).toMatchObject({ id: 1, physicalLocation: { artifactLocation: { uri: 'board.dts' } }, message: { text: expect.any(String) } });
	});

	it('--fail-on decides the exit status', () => {
		const dir = tempBoard(SMMU_BOARD.replace('0x888 0x2', '0x8a0 0x2'));
		expect(cli(['check', 'board.dts'], dir).code).toBe(0);
		expect(cli(['check', 'board.dts', '--fail-on', 'warning'], dir).code).toBe(1);
		const withError = tempBoard();
		expect(cli(['check', 'board.dts', '--fail-on', 'never'], withError).code).toBe(0);
		expect(cli(['check', 'board.dts', '--fail-on', 'error'], withError).code).toBe(1);
		expect(cli(['check', 'board.dts', '--fail-on', 'sometimes'], dir)).toMatchObject({ code: 2, stderr: "iommu-lens: --fail-on must be error, warning or never, not 'sometimes'\n" });
	});

	it('--only and --skip filter by id; unknown ids are a usage error naming them', () => {
		const dir = tempBoard();
		const ids = (args: string[]): string[] => (JSON.parse(cli(['check', 'board.dts', '--format', 'json', ...args], dir).stdout) as Item[]).map((i) => i.id).sort();
		expect(ids([])).toEqual(['smr-conflict', 'smr-redundant']);
		expect(ids(['--only', 'smr-redundant'])).toEqual(['smr-redundant']);
		expect(ids(['--skip', 'smr-redundant,smr-conflict'])).toEqual([]);
		expect(ids(['--only', 'smr-redundant', '--only', 'smr-conflict', '--skip', 'smr-conflict'])).toEqual(['smr-redundant']);
		expect(cli(['check', 'board.dts', '--skip', 'smr-conflict'], dir).code).toBe(0);
		expect(cli(['check', 'board.dts', '--only', 'smr-conflit,nope'], dir)).toMatchObject({ code: 2, stderr: "iommu-lens: --only: unknown finding ids 'smr-conflit', 'nope' (see: iommu-lens explain --list)\n" });
		expect(cli(['check', 'board.dts', '--skip', 'bogus'], dir).stderr).toContain("--skip: unknown finding id 'bogus'");
	});

	it('--baseline (json or SARIF) reports only new findings, matched without line numbers', () => {
		const dir = tempBoard();
		writeFileSync(join(dir, 'base.json'), cli(['check', 'board.dts', '--format', 'json'], dir).stdout);
		writeFileSync(join(dir, 'base.sarif'), cli(['check', 'board.dts', '--format', 'sarif'], dir).stdout);
		// Lines added above every finding, and one new finding.
		const edited = SMMU_BOARD.replace('/ {\n', '/ {\n\t/* a comment\n\t   moving every line */\n').replace('\tcamera@4000', '\tgpu@5000 {\n\t\tcompatible = "vendor,gpu";\n\t\treg = <0x5000 0x100>;\n\t\tiommus = <&smmu 0x900 0x0>, <&smmu 0x900 0x0>;\n\t};\n\tcamera@4000');
		writeFileSync(join(dir, 'board.dts'), edited);
		for (const base of ['base.json', 'base.sarif']) {
			const res = cli(['check', 'board.dts', '--format', 'json', '--baseline', base], dir);
			const items = JSON.parse(res.stdout) as Item[];
			expect(items.map((i) => i.id)).toEqual(['smr-redundant']);
			expect(items[0]!.message).toContain('gpu@5000');
			expect(res.code).toBe(0);
		}
		expect(cli(['check', 'board.dts', '--baseline', 'missing.json'], dir).code).toBe(2);
		writeFileSync(join(dir, 'junk.json'), '{"not": "a baseline"}');
		expect(cli(['check', 'board.dts', '--baseline', 'junk.json'], dir).stderr).toContain('--baseline junk.json: not a JSON array of findings');
	});
});

describe('check over many boards', () => {
	it('finds the same findings in parallel (worker threads) as serially, on a directory of corpus boards', () => {
		const par = cli(['check', MARVELL, '--format', 'json']);
		const ser = cli(['check', MARVELL, '--format', 'json', '--jobs', '1']);
		expect(par.code).toBe(ser.code);
		expect(par.stdout).toBe(ser.stdout);
		const items = JSON.parse(par.stdout) as Item[];
		expect(items.length).toBeGreaterThan(0);
		for (const i of items) expect(i.board).toMatch(/marvell\/[^/]+\.dts$/);
		// The summary goes to stderr for machine formats; no progress bar when stderr is not a terminal.
		expect(par.stderr).toMatch(/^Summary: 35 boards, \d+ with findings: /);
		expect(par.stderr).not.toContain('\r');
		const sarif = JSON.parse(cli(['check', MARVELL, '--format', 'sarif']).stdout);
		expect(sarifErrors(sarif)).toEqual([]);
	});

	it('prints text per board and a summary per finding id', () => {
		const dir = mkdtempSync(join(tmpdir(), 'iommu-lens-ci-'));
		mkdirSync(join(dir, 'boards'));
		writeFileSync(join(dir, 'boards/a.dts'), SMMU_BOARD);
		writeFileSync(join(dir, 'boards/b.dts'), SMMU_BOARD.replace('0x888 0x2', '0x8a0 0x2'));
		writeFileSync(join(dir, 'boards/common.dtsi'), '/* not a board */\n');
		const res = cli(['check', 'boards'], dir);
		expect(res.code).toBe(1);
		expect(res.stdout).toContain('In boards/a.dts:\nboards/a.dts:');
		expect(res.stdout).toContain('In boards/b.dts:\n');
		expect(res.stdout).toMatch(/\nSummary: 2 boards, 2 with findings: 1 errors, 2 warnings, 0 notes\n {2}smr-conflict +error +1 in 1 board\n {2}smr-redundant +warning +2 in 2 boards\n$/);
		expect(cli(['check', 'boards', '-q'], dir).stdout).not.toContain('Summary');
		expect(cli(['check', 'boards', '--jobs', '0'], dir)).toMatchObject({ code: 2, stderr: "iommu-lens: --jobs must be a whole number of at least 1, not '0'\n" });
		mkdirSync(join(dir, 'empty'));
		expect(cli(['check', 'empty'], dir)).toMatchObject({ code: 2, stderr: "iommu-lens: no boards (.dts) in 'empty'\n" });
	});
});

describe('simulate as a graph', () => {
	it('writes Graphviz DOT: masters → IOMMUs → memory, remote processors, channels, the timeline; losers in red', () => {
		const res = cli(['simulate', 'examples/broken/board.dts', '-I', 'examples/include', '--kernel', '5.10', '--format', 'dot']);
		expect(res.code).toBe(0);
		const dot = res.stdout;
		expect(dot.startsWith('digraph iommu_lens {\n')).toBe(true);
		expect(dot.trimEnd().endsWith('}')).toBe(true);
		// Balanced braces and quotes outside strings; every edge endpoint declared.
		const unquoted = dot.replace(/"(?:[^"\\]|\\.)*"/g, '""');
		expect(unquoted.split('{').length).toBe(unquoted.split('}').length);
		const declared = new Set([...unquoted.matchAll(/^\s*(n\d+) \[/gm)].map((m) => m[1]));
		const edges = [...unquoted.matchAll(/^\s*(n\d+) -> (n\d+)/gm)];
		expect(edges.length).toBeGreaterThan(5);
		for (const e of edges) expect(declared.has(e[1]) && declared.has(e[2]), e[0]).toBe(true);
		expect(dot).toMatch(/label="display@ae00000", shape=box, style="rounded", color=red/);
		expect(dot).toMatch(/label="video-codec@3f360000", shape=box, style="rounded"\]/);
		expect(dot).toContain('rpmsg channel (fastrpc)\\niommus ignored');
		expect(dot).toContain('compute context (sid 3)');
		expect(dot).toContain('remote processor');
		expect(dot).toContain('subgraph cluster_timeline');
		const dotTool = spawnSync('dot', ['-Tsvg'], { input: dot, encoding: 'utf8' });
		if (!dotTool.error) expect(dotTool.status, dotTool.stderr).toBe(0);
	});

	it('writes a Mermaid flowchart', () => {
		const res = cli(['simulate', 'examples/broken/board.dts', '-I', 'examples/include', '--kernel', '5.10', '--format', 'mermaid']);
		expect(res.code).toBe(0);
		const lines = res.stdout.split('\n');
		expect(lines.slice(0, 4)).toEqual(['---', 'title: examples/broken/board.dts: kernel 5.10', '---', 'flowchart LR']);
		expect(res.stdout).toMatch(/^ {2}class (n\d+,)*n\d+ lost$/m);
		expect(res.stdout).toMatch(/^ {2}linkStyle [\d,]+ stroke:#c00/m);
		expect(res.stdout).toContain('subgraph timeline["probe timeline (default order)"]');
		for (const l of lines.filter((x) => /-->|-\.->/.test(x))) expect(l).toMatch(/^ {2,4}n\d+ (-->|-\.->)(\|"[^"]*"\|)? n\d+$/);
		expect(cli(['simulate', ...example('fixed', '6.1').slice(0, 3), '--format', 'png'])).toMatchObject({ code: 2, stderr: "iommu-lens: --format must be text, json, dot or mermaid, not 'png'\n" });
	});
});

describe('the bundled example', () => {
	const byFile = (items: Item[]): Record<string, string[]> => {
		const out: Record<string, string[]> = {};
		for (const i of items) (out[i.file] ??= []).push(i.id);
		for (const k of Object.keys(out)) out[k]!.sort();
		return out;
	};

	it('examples/broken shows the seed problems, each where it is written', () => {
		const res = cli(['check', ...BROKEN, '--format', 'json']);
		expect(res.code).toBe(1);
		expect(byFile(JSON.parse(res.stdout) as Item[])).toEqual({
			'examples/broken/board.dts': ['carveout', 'rpmsg-iommus', 'smr-conflict'],
			'examples/lens1.dtsi': ['probe-order-conflict'],
			'examples/broken/linux/drivers/iommu/lens-smmu.c': ['bus-set-iommu', 'bus-set-iommu', 'rpmsg-dma-ops', 'tristate-ifdef'],
			'examples/broken/linux/drivers/iommu/lens-vdec-iommu.c': ['bus-set-iommu'],
		});
		// Without the driver sources (built-in driver table) the devicetree findings are the same.
		const dtOnly = JSON.parse(cli(['check', ...BROKEN.slice(0, 5), '--format', 'json']).stdout) as Item[];
		expect(dtOnly.map((i) => i.id).sort()).toEqual(['carveout', 'probe-order-conflict', 'rpmsg-iommus', 'smr-conflict']);
	});

	it('examples/fixed has none of them', () => {
		const res = cli(['check', ...FIXED, '--format', 'json']);
		expect(res.code).toBe(0);
		expect(JSON.parse(res.stdout)).toEqual([]);
		const sim = JSON.parse(cli(['simulate', ...FIXED, '--format', 'json']).stdout) as { masters: Array<{ outcome: { kind: string } }> };
		expect(sim.masters.length).toBe(4);
		for (const m of sim.masters) expect(m.outcome.kind).toBe('translated');
	});

	it('npm start prints a short account', () => {
		const res = spawnSync(process.execPath, [join(REPO_ROOT, 'scripts/start.mjs')], { cwd: REPO_ROOT, encoding: 'utf8' });
		expect(res.status).toBe(0);
		expect(res.stdout).toContain('smr-conflict');
		expect(res.stdout).toContain('LOST /soc@0/display@ae00000');
		expect(res.stdout).toContain('no findings');
		expect(res.stdout.split('\n').length).toBeLessThan(60);
	});
});

void copyFileSync;
