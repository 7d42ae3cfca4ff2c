/** no-driver (devicetree side): unmatched IOMMU compatibles, near-miss master typos, n/m drivers; silent without sources. */
import { describe, expect, it } from 'vitest';
import { runChecks } from '../../../emulator/src/checks';
import { editDistance } from '../../../emulator/src/checks/no-driver';
import { toDriverFacts } from '../../../server/src/drivers/facts';
import { board, JUNO_DTS, rk3288Dts } from '../../drivers/boards';
import { treeSources } from '../../drivers/helpers';

const noDriver = (view: ReturnType<typeof board>, driverFacts?: ReturnType<typeof toDriverFacts>, kernel = '5.10') =>
	runChecks({ view, scenario: { kernel }, ...(driverFacts ? { driverFacts } : {}) }, (id) => id === 'no-driver');

describe('no-driver', () => {
	it('is silent without driver sources, and when every IOMMU has a built-in driver', async () => {
		expect(noDriver(board(JUNO_DTS))).toEqual([]);
		expect(noDriver(board(JUNO_DTS), toDriverFacts(await treeSources({ config: 'juno.config' })))).toEqual([]);
	});

	it('warns on an IOMMU compatible no scanned table matches, with the nearest one and its C line', async () => {
		const facts = toDriverFacts(await treeSources());
		const found = noDriver(board(rk3288Dts('okay', '"arm,mmu-4O0"')), facts);
		expect(found).toHaveLength(1);
		expect(found[0]?.message).toContain('/iommu@ffa00000: no scanned driver matches "arm,mmu-4O0"; the nearest known compatible is "arm,mmu-400" (arm-smmu)');
		expect(found[0]?.related[0]?.loc.file).toMatch(/arm-smmu\.c$/);
		expect(found[0]?.related[0]?.loc.start.line).toBe(163);
	});

	it('warns on a master compatible one edit away from a scanned one; ignores unrelated masters', async () => {
		const facts = toDriverFacts(await treeSources());
		const dts = rk3288Dts().replace('"vendor,periph"', '"qcom,fastrpc-compute-cb "');
		const found = noDriver(board(dts), facts);
		expect(found.map((f) => f.message)).toEqual([expect.stringContaining('did you mean "qcom,fastrpc-compute-cb" (qcom,fastrpc-cb)?')]);
	});

	it('says what a driver built n or m does to the masters at boot, pointing at its Kconfig symbol', async () => {
		const facts = toDriverFacts(await treeSources({ config: 'smmu-module.config' }));
		const found = noDriver(board(JUNO_DTS), facts);
		expect(found.map((f) => f.message)).toEqual([expect.stringContaining('/fpga@60000000/iommu@64000000: its driver arm-smmu-v3 is a module (m) in this configuration (CONFIG_ARM_SMMU_V3=m')]);
		expect(found[0]?.message).toContain('wait until the module is loaded');
		expect(found[0]?.related[0]?.loc.file).toMatch(/drivers\/iommu\/Kconfig$/);
		const rk = noDriver(board(rk3288Dts()), facts, '4.14');
		expect(rk.map((f) => f.message)).toEqual([expect.stringContaining('its driver rockchip-iommu is not built (n)')]);
		expect(rk[0]?.message).toContain('probe without an IOMMU at once');
	});

	it('edit distance', () => {
		expect(editDistance('arm,mmu-400', 'arm,mmu-401')).toBe(1);
		expect(editDistance('', 'abc')).toBe(3);
	});
});
