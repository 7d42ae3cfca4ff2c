/**
 * The command line as users' CI runs it: the built bundle (dist/cli.js, made by `npm test` before the
 * tests run) in a child process. Options, exit codes and output formats are a contract.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { corpusRoot, REPO_ROOT } from '../harness/corpus';

const CLI = join(REPO_ROOT, 'dist/cli.js');
const EXAMPLE = ['examples/fixed/board.dts', '-I', 'examples/include'];

function cli(args: string[], cwd = REPO_ROOT): { code: number; stdout: string; stderr: string } {
	const res = spawnSync(process.execPath, [CLI, ...args], { cwd, encoding: 'utf8' });
	return { code: res.status ?? -1, stdout: res.stdout, stderr: res.stderr };
}

beforeAll(() => {
	if (!existsSync(CLI)) throw new Error('dist/cli.js is missing: run `npm run build` (npm test does it first)');
});

describe('iommu-lens (command line)', () => {
	it('prints usage and exits 2 without a command, 0 with --help', () => {
		expect(cli([]).code).toBe(2);
		const help = cli(['--help']);
		expect(help.code).toBe(0);
		expect(help.stdout).toContain('iommu-lens check BOARD.dts');
		for (const command of ['check', 'simulate', 'translate', 'dump', 'explain']) {
			const res = cli([command, '--help']);
			expect(res.code).toBe(0);
			expect(res.stdout).toContain(`Usage: iommu-lens ${command}`);
			expect(res.stdout).toContain('Examples:');
		}
	});

	it('names the bad argument on bad usage, with exit status 2', () => {
		expect(cli(['frobnicate'])).toMatchObject({ code: 2, stderr: "iommu-lens: unknown command 'frobnicate' (try: iommu-lens --help)\n" });
		expect(cli(['check', ...EXAMPLE, '--bogus'])).toMatchObject({ code: 2, stderr: "iommu-lens: unknown option '--bogus'\n" });
		expect(cli(['check', ...EXAMPLE, '--kernel', 'six']).stderr).toMatch(/^iommu-lens: --kernel: .*six/);
		expect(cli(['check', ...EXAMPLE, '--format', 'xml'])).toMatchObject({ code: 2, stderr: "iommu-lens: --format must be text, json or sarif, not 'xml'\n" });
		expect(cli(['check'])).toMatchObject({ code: 2, stderr: 'iommu-lens: check needs BOARD.dts\n' });
		expect(cli(['simulate', ...EXAMPLE, '--what-if', 'explode'])).toMatchObject({ code: 2 });
		expect(cli(['simulate', ...EXAMPLE, '--what-if', 'explode']).stderr).toContain("unknown what-if 'explode'");
		expect(cli(['check', 'no/such/board.dts'])).toMatchObject({ code: 2, stderr: "iommu-lens: cannot read 'no/such/board.dts'\n" });
	});

	it('dump prints exactly what cpp + dtc print for the example', () => {
		const ours = cli(['dump', ...EXAMPLE]);
		expect(ours.code).toBe(0);
		const pre = spawnSync('cpp', ['-nostdinc', '-I', '../include', '-I', '.', '-undef', '-D__DTS__', '-x', 'assembler-with-cpp', 'board.dts'], { cwd: join(REPO_ROOT, 'examples/fixed'), encoding: 'utf8' });
		const dtc = spawnSync('dtc', ['-q', '-I', 'dts', '-O', 'dts', '-'], { input: pre.stdout, encoding: 'utf8' });
		expect(dtc.status).toBe(0);
		expect(ours.stdout).toBe(dtc.stdout);
	});

	it('dump uses the kernel tree\'s include folders without -I', () => {
		const res = cli(['dump', join(corpusRoot(), 'src/arm64/arm/juno.dts')]);
		expect(res.code).toBe(0);
		expect(res.stdout).toContain('compatible = "arm,juno", "arm,vexpress";');
	});

	it('check reports broken input with file, line and column, and exits 1', () => {
		const dir = mkdtempSync(join(tmpdir(), 'iommu-lens-cli-'));
		writeFileSync(join(dir, 'bad.dts'), '/dts-v1/;\n#include "missing.dtsi"\n/ {\n\tnode { prop = <1 2; };\n};\n');
		const text = cli(['check', 'bad.dts'], dir);
		expect(text.code).toBe(1);
		expect(text.stdout.split('\n')[0]).toBe('bad.dts:2:1: error: missing.dtsi: No such file or directory [missing-include]');
		const json = cli(['check', 'bad.dts', '--format', 'json'], dir);
		expect(json.code).toBe(1);
		const items = JSON.parse(json.stdout) as Array<Record<string, unknown>>;
		expect(items[0]).toEqual({ id: 'missing-include', severity: 'error', file: 'bad.dts', line: 2, column: 1, endLine: expect.any(Number), endColumn: expect.any(Number), message: 'missing.dtsi: No such file or directory', related: [] });
		expect(items.some((i) => i.id === 'syntax' && i.line === 4)).toBe(true);
	});

	it('check --format json follows the contract on a real board', () => {
		const res = cli(['check', join(corpusRoot(), 'src/arm64/qcom/sdm845-db845c.dts'), '--format', 'json']);
		expect([0, 1]).toContain(res.code);
		const items = JSON.parse(res.stdout) as Array<Record<string, unknown>>;
		for (const item of items) {
			expect(Object.keys(item)).toEqual(['id', 'severity', 'file', 'line', 'column', 'endLine', 'endColumn', 'message', 'related']);
			expect(item.line).toBeGreaterThanOrEqual(1);
			expect(item.column).toBeGreaterThanOrEqual(1);
		}
		expect(res.code).toBe(items.some((i) => i.severity === 'error') ? 1 : 0);
	});

	it('simulate shows the probe-order fight of the example under an old kernel, not under the newest', () => {
		const old = cli(['simulate', ...EXAMPLE, '--kernel', '5.10']);
		expect(old.code).toBe(0);
		expect(old.stdout).toContain('platform: owner rockchip-iommu');
		expect(old.stdout).toMatch(/\/soc@0\/display@ae00000: bypass/);
		const now = cli(['simulate', ...EXAMPLE]);
		expect(now.stdout).toContain('/soc@0/display@ae00000: translated by /soc@0/iommu@15000000');
		const json = JSON.parse(cli(['simulate', ...EXAMPLE, '--format', 'json']).stdout) as { masters: Array<{ path: string; loc: { line: number } }> };
		expect(json.masters.map((m) => m.path)).toContain('/soc@0/video-codec@3f360000');
		expect(json.masters[0]!.loc.line).toBeGreaterThan(0);
	});

	it('translate prints the chains a hover shows', () => {
		const res = cli(['translate', ...EXAMPLE.slice(0, 1), 'dsp', ...EXAMPLE.slice(1)]);
		expect(res.code).toBe(0);
		expect(res.stdout).toContain('⇒ CPU 0x17300000-0x173000ff');
		expect(res.stdout).toContain('memory-region[0] → /reserved-memory/dsp@8b000000: 0x8b000000-0x8cffffff [no-map]');
		const cb = cli(['translate', EXAMPLE[0]!, '/soc@0/remoteproc@17300000/glink-edge/fastrpc/compute-cb@3', ...EXAMPLE.slice(1)]);
		expect(cb.stdout).toContain('SID 0x1803');
		expect(cb.stdout).toContain('reg[0]: 0x3 on a bus without sizes (#size-cells = <0>): an address on that bus, not memory-mapped');
		expect(cb.stdout).toContain('session 0: sid 3: the DSP sees iova | 0x300000000 (iova + (3 << 32))');
		expect(cli(['translate', EXAMPLE[0]!, 'nosuchlabel', ...EXAMPLE.slice(1)]).code).toBe(1);
	});

	it('dump -o writes the file', () => {
		const dir = mkdtempSync(join(tmpdir(), 'iommu-lens-cli-'));
		const out = join(dir, 'out.dts');
		expect(cli(['dump', ...EXAMPLE, '-o', out]).code).toBe(0);
		expect(readFileSync(out, 'utf8')).toMatch(/^\/dts-v1\/;\n/);
	});
});
