/** The command line with driver sources (the built bundle in a child process, as users' CI runs it). */
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, renameSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../harness/corpus';
import { JUNO_DTS } from './boards';
import { CASES, TREE } from './helpers';

const CLI = join(REPO_ROOT, 'dist/cli.js');
/** The environment without ARCH, plus `env` (the fixture tree is an arm64 tree: ARCH=arm64 unless told otherwise). */
const environment = (env: Record<string, string | undefined>): NodeJS.ProcessEnv => {
	const out: NodeJS.ProcessEnv = { ...process.env };
	delete out.ARCH;
	for (const [k, v] of Object.entries(env)) if (v !== undefined) out[k] = v;
	return out;
};
const cli = (args: string[], cwd = TREE, env: Record<string, string | undefined> = { ARCH: 'arm64' }) => {
	const r = spawnSync(process.execPath, [CLI, ...args], { cwd, encoding: 'utf8', env: environment(env) });
	return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
};
type JsonItem = { id: string; file: string; line: number; message: string; related: Array<{ file: string; line: number; message: string }> };

beforeAll(() => {
	if (!existsSync(CLI)) throw new Error('dist/cli.js is missing: run `npm run build` (npm test does it first)');
});

describe('iommu-lens with driver sources', () => {
	it('check FILE.c runs the C checks only', () => {
		const r = cli(['check', 'drivers/iommu/arm-smmu.c', '--kconfig', '.', '--config', 'configs/juno.config', '--kernel', '4.14', '--format', 'json']);
		expect(r.code).toBe(1);
		const items = JSON.parse(r.stdout) as Array<{ id: string; file: string; line: number }>;
		expect(items.map((i) => `${i.id} ${i.file}:${i.line}`)).toEqual([
			'bus-set-iommu drivers/iommu/arm-smmu.c:96',
			'bus-set-iommu drivers/iommu/arm-smmu.c:99',
			'bus-set-iommu drivers/iommu/arm-smmu.c:104',
			'bus-set-iommu drivers/iommu/arm-smmu.c:109',
			'tristate-ifdef drivers/iommu/arm-smmu.c:107',
			'rpmsg-dma-ops drivers/iommu/arm-smmu.c:109',
		]);
		expect(cli(['check', 'drivers/iommu/arm-smmu.c', '--config', 'no/such.config']).code).toBe(2);
	});

	it('check BOARD.dts --drivers: the board\'s findings use the C facts, and the C findings point at the board', () => {
		const dir = mkdtempSync(join(tmpdir(), 'iommu-lens-drivers-'));
		writeFileSync(join(dir, 'juno.dts'), JUNO_DTS);
		const r = cli(['check', join(dir, 'juno.dts'), '--drivers', 'drivers', '--kconfig', '.', '--config', 'configs/smmu-module.config', '--kernel', '5.10', '--format', 'json']);
		const items = JSON.parse(r.stdout) as Array<{ id: string; message: string; related: Array<{ message: string }> }>;
		expect(items.filter((i) => i.id === 'no-driver').map((i) => i.message)).toEqual([expect.stringContaining('its driver arm-smmu-v3 is a module (m)')]);
		const bsi = items.filter((i) => i.id === 'bus-set-iommu');
		expect(bsi.length).toBeGreaterThan(0);
		expect(bsi.flatMap((i) => i.related.map((x) => x.message))).toContain('/iommu@7b600000 is bound by this driver');
	});

	it('--kconfig reads arch/$(SRCARCH)/Kconfig for ARCH from the environment (x86_64 → arch/x86)', () => {
		const file = join(CASES, 'arch-tristate.c');
		const arm64 = JSON.parse(cli(['check', file, '--kconfig', '.', '--format', 'json']).stdout) as JsonItem[];
		expect(arm64.map((i) => `${i.id} ${i.file.slice(i.file.lastIndexOf('/') + 1)}:${i.line}`)).toEqual(['tristate-ifdef arch-tristate.c:6']);
		expect(arm64[0]!.related[0]).toMatchObject({ file: 'arch/arm64/Kconfig', line: 5, message: 'config ARM64_SMMU_TRACE is tristate' });
		// ARCH=x86_64: SRCARCH is x86, which this tree lacks: no tristate known, and the Kconfig line says what it tried.
		const x86 = JSON.parse(cli(['check', file, '--kconfig', '.', '--format', 'json'], TREE, { ARCH: 'x86_64' }).stdout) as JsonItem[];
		expect(x86.map((i) => `${i.id} ${i.file}:${i.line}`)).toEqual(['kconfig-missing-source Kconfig:9']);
		expect(x86[0]!.message).toBe(`cannot read Kconfig file ${join(TREE, 'arch/x86/Kconfig')} (source "arch/$(SRCARCH)/Kconfig" with SRCARCH=x86)`);
	});

	it('without ARCH, --kconfig is read for the architecture of the checked boards in the tree (arch/<arch>/boot/dts)', () => {
		// A copy of the fixture whose architecture is no host's, so only the board can name it.
		const dir = mkdtempSync(join(tmpdir(), 'iommu-lens-drivers-arch-'));
		cpSync(TREE, dir, { recursive: true });
		renameSync(join(dir, 'arch/arm64'), join(dir, 'arch/lens'));
		cpSync(join(CASES, 'arch-tristate.c'), join(dir, 'drivers/misc/arch-tristate.c'));
		mkdirSync(join(dir, 'arch/lens/boot/dts/vendor'), { recursive: true });
		writeFileSync(join(dir, 'arch/lens/boot/dts/vendor/juno.dts'), JUNO_DTS);
		const tristates = (args: string[]) => (JSON.parse(cli(args, dir, {}).stdout) as JsonItem[]).filter((i) => i.id === 'tristate-ifdef').map((i) => `${i.file}:${i.line}`);
		const drivers = ['--drivers', 'drivers/misc', '--kconfig', '.', '--format', 'json'];
		expect(tristates(['check', 'arch/lens/boot/dts/vendor/juno.dts', ...drivers])).toEqual(['drivers/misc/arch-tristate.c:6']);
		// The same board outside the tree names no architecture (and neither does the host).
		writeFileSync(join(dir, 'juno.dts'), JUNO_DTS);
		expect(tristates(['check', 'juno.dts', ...drivers])).toEqual([]);
	});

	it('simulate --drivers uses the Makefile link order', () => {
		const dir = mkdtempSync(join(tmpdir(), 'iommu-lens-drivers-'));
		writeFileSync(join(dir, 'juno.dts'), JUNO_DTS);
		const withC = cli(['simulate', join(dir, 'juno.dts'), '--drivers', 'drivers', '--kconfig', '.', '--kernel', '4.17']);
		expect(withC.code).toBe(0);
		expect(withC.stdout).not.toContain('ORDER-DEPENDENT');
		expect(cli(['simulate', join(dir, 'juno.dts'), '--kernel', '4.17']).stdout).toContain('ORDER-DEPENDENT');
	});
});
