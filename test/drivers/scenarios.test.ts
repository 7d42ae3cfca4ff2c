/**
 * The probe-order model on facts read from the C fixtures: the same verdicts as the built-in table
 * on a Juno-like and an RK3288-like board (written as .dts, resolved through the front-end), and
 * different verdicts where the C, the Makefiles or the configuration say so.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { scenario as scenarios, type DtView } from '../../emulator/src';
import type { DriverFacts } from '../../emulator/src/probe';
import { toDriverFacts } from '../../server/src/drivers/facts';
import { readDriverSources } from '../../server/src/drivers/sources';
import { memoryFileSystem } from '../../server/src/base/source';
import { board, JUNO_DTS, rk3288Dts } from './boards';
import { CASES, cFiles, extractor, TREE, treeSources } from './helpers';

/** Every master's distinct outcomes, as text. */
function verdicts(view: DtView, kernel: string, facts?: readonly DriverFacts[], extra: scenarios.Scenario = {}): Record<string, string[]> {
	const r = scenarios.runScenario(view, { kernel, ...extra }, facts).result;
	return Object.fromEntries(r.masters.map((m) => [m.path, m.outcomes.map((o) => scenarios.describeOutcome(o.outcome))]));
}

/** Facts from the fixture C files alone (no Makefiles: link order unknown, as in the built-in table). */
async function cOnly(config?: string, replace: Record<string, string> = {}): Promise<DriverFacts[]> {
	const files = cFiles(join(TREE, 'drivers')).map((path) => {
		const k = Object.keys(replace).find((x) => path.endsWith(x));
		return { path, text: k ? (replace[k] as string) : readFileSync(path, 'utf8') };
	});
	const s = readDriverSources(await extractor(), { files, fs: memoryFileSystem({}), ...(config ? { config: { path: 'c', text: config } } : {}) });
	return toDriverFacts(s);
}

describe('Juno-like board: MMU-401 (arm-smmu) and MMU-600 (arm-smmu-v3)', () => {
	const view = board(JUNO_DTS, '/boards/juno.dts');
	it('gives the built-in table\'s verdicts with the C facts (4.17)', async () => {
		const facts = await cOnly();
		const builtin = verdicts(view, '4.17');
		expect(verdicts(view, '4.17', facts)).toEqual(builtin);
		expect(builtin['/hdlcd@7ff60000']).toEqual(['translated by /iommu@7b600000', 'blocked (bus-owned-by-other, arm-smmu.disable_bypass)']);
	});

	it('the Makefile\'s link order decides the fight (arm-smmu links first): no longer order-dependent', async () => {
		const facts = toDriverFacts(await treeSources());
		const v = verdicts(view, '4.17', facts);
		expect(v['/hdlcd@7ff60000']).toEqual(['translated by /iommu@7b600000']);
		expect(v['/fpga@60000000/accel@64100000']).toEqual([expect.stringMatching(/^bypass \(iommu-probe-failed/)]);
	});

	it('arm-smmu-v3 as a module that is not loaded: the MMU-600 master never gets its IOMMU', async () => {
		const s = await treeSources({ config: 'smmu-module.config' });
		const facts = toDriverFacts(s);
		expect(facts.find((f) => f.name === 'arm-smmu-v3')?.build).toBe('m');
		const v = verdicts(view, '5.10', facts, { unloadedModules: ['arm-smmu-v3'] });
		expect(v['/fpga@60000000/accel@64100000']).toEqual([expect.stringMatching(/module-not-loaded/)]);
		expect(v['/hdlcd@7ff60000']).toEqual(['translated by /iommu@7b600000']);
	});
});

describe('RK3288-like board: rockchip-iommu next to an Arm MMU-400', () => {
	const noBypassDefault = 'CONFIG_ARM_SMMU=y\nCONFIG_ROCKCHIP_IOMMU=y\n# CONFIG_ARM_SMMU_DISABLE_BYPASS_BY_DEFAULT is not set\n';
	it('gives the built-in table\'s verdicts with the C facts (4.14), also with every rockchip node disabled', async () => {
		const facts = await cOnly(noBypassDefault);
		for (const status of ['okay', 'disabled']) {
			const view = board(rk3288Dts(status));
			expect(verdicts(view, '4.14', facts)).toEqual(verdicts(view, '4.14'));
		}
		const v = verdicts(board(rk3288Dts()), '4.14', facts);
		expect(v['/periph@ffa10000']).toEqual(['bypass (bus-owned-by-other)']);
	});

	it('moved from subsys_initcall to device_initcall, the rockchip driver no longer always wins', async () => {
		const moved = readFileSync(join(CASES, 'rockchip-iommu-device.c'), 'utf8');
		const facts = await cOnly(noBypassDefault, { 'drivers/iommu/rockchip-iommu.c': moved });
		expect(facts.find((f) => f.name === 'rockchip-iommu')?.registration).toMatchObject({ macro: 'initcall', level: 'device' });
		const view = board(rk3288Dts());
		const before = verdicts(view, '4.14', await cOnly(noBypassDefault));
		const after = verdicts(view, '4.14', facts);
		expect(after).not.toEqual(before);
		expect(after['/periph@ffa10000']).toContain('translated by /iommu@ffa00000');
	});
});
