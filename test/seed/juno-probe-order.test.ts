/**
 * Seed case 2: Juno's MMU-401s (arm-smmu) and an MMU-600 (arm-smmu-v3) in the FPGA tile. Before v6.1
 * both drivers fight over bus_set_iommu(); from v6.1 every instance has its own ops.
 */
import { describe, expect, test } from 'vitest';
import { checkFindings, outcomesOf, readFixture } from '../harness/fixture';

const SOC = ['/dma@7ff00000', '/hdlcd@7ff60000'];
const TILE = ['/fpga-tile@60000000/dma-controller@100000', '/fpga-tile@60000000/accel@200000'];
const socIommu: Record<string, string> = { '/dma@7ff00000': '/iommu@7fb00000', '/hdlcd@7ff60000': '/iommu@7fb20000' };
const TILE_IOMMU = '/fpga-tile@60000000/iommu@0';

describe('seed: Juno MMU-401 + MMU-600 FPGA tile', () => {
	test('5.10: probe-order-conflict; either IOMMU driver\'s masters can lose translation', () => {
		const out = outcomesOf(checkFindings(readFixture('seed/juno-mmu401-mmu600.5.10.dts'), { kernel: '5.10' }));
		const lost = 'bypass (iommu-probe-failed, at the timeout)';
		expect(out).toEqual({
			...Object.fromEntries(SOC.map((p) => [p, { outcomes: [`translated by ${socIommu[p]}`, lost], orderDependent: true }])),
			...Object.fromEntries(TILE.map((p) => [p, { outcomes: [lost, `translated by ${TILE_IOMMU}`], orderDependent: true }])),
		});
	});

	test('4.14: probe-order-conflict; the SoC masters lose to a bus owned by arm-smmu-v3, or the tile masters to a failed v3 probe', () => {
		const out = outcomesOf(checkFindings(readFixture('seed/juno-mmu401-mmu600.4.14.dts'), { kernel: '4.14' }));
		expect(out).toEqual({
			...Object.fromEntries(SOC.map((p) => [p, { outcomes: [`translated by ${socIommu[p]}`, 'bypass (bus-owned-by-other)'], orderDependent: true }])),
			...Object.fromEntries(TILE.map((p) => [p, { outcomes: ['bypass (iommu-probe-failed)', `translated by ${TILE_IOMMU}`], orderDependent: true }])),
		});
	});

	for (const kernel of ['6.1', undefined]) {
		test(`${kernel ?? 'default kernel'}: no conflict, every master translated`, () => {
			const out = outcomesOf(checkFindings(readFixture('seed/juno-mmu401-mmu600.dts'), kernel ? { kernel } : {}));
			expect(out).toEqual({
				...Object.fromEntries(SOC.map((p) => [p, { outcomes: [`translated by ${socIommu[p]}`], orderDependent: false }])),
				...Object.fromEntries(TILE.map((p) => [p, { outcomes: [`translated by ${TILE_IOMMU}`], orderDependent: false }])),
			});
		});
	}
});
