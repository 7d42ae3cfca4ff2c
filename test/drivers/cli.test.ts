/** The command line with driver sources (the built bundle in a child process, as users' CI runs it). */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../harness/corpus';
import { JUNO_DTS } from './boards';
import { TREE } from './helpers';

const CLI = join(REPO_ROOT, 'dist/cli.js');
const cli = (args: string[], cwd = TREE) => {
	const r = spawnSync(process.execPath, [CLI, ...args], { cwd, encoding: 'utf8' });
	return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
};

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

	it('simulate --drivers uses the Makefile link order', () => {
		const dir = mkdtempSync(join(tmpdir(), 'iommu-lens-drivers-'));
		writeFileSync(join(dir, 'juno.dts'), JUNO_DTS);
		const withC = cli(['simulate', join(dir, 'juno.dts'), '--drivers', 'drivers', '--kconfig', '.', '--kernel', '4.17']);
		expect(withC.code).toBe(0);
		expect(withC.stdout).not.toContain('ORDER-DEPENDENT');
		expect(cli(['simulate', join(dir, 'juno.dts'), '--kernel', '4.17']).stdout).toContain('ORDER-DEPENDENT');
	});
});
