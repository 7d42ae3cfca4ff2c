/**
 * Seed case 3: RK3288's rockchip-iommu instances (0 cells, one per master) and its undocumented Arm
 * MMU-400. rockchip-iommu owns the platform bus first (subsys_initcall) before v6.1.
 */
import { describe, expect, test } from 'vitest';
import { checkFindings, outcomesOf, readFixture } from '../harness/fixture';

const rockchip = {
	'/video-codec@ff9a0000': { outcomes: ['translated by /iommu@ff9a0800'], orderDependent: false },
	'/vop@ff930000': { outcomes: ['translated by /iommu@ff930300'], orderDependent: false },
};

describe('seed: RK3288 rockchip-iommu + MMU-400', () => {
	test('5.10: the arm-smmu master loses its IOMMU (arm-smmu probe fails -EBUSY; timeout)', () => {
		const out = outcomesOf(checkFindings(readFixture('seed/rk3288-rockchip-and-mmu400.5.10.dts'), { kernel: '5.10' }));
		expect(out).toEqual({ ...rockchip, '/crypto@ff8a0000': { outcomes: ['bypass (iommu-probe-failed, at the timeout)'], orderDependent: false } });
	});

	test('4.14: the arm-smmu master loses its IOMMU (rockchip owns the platform bus)', () => {
		const out = outcomesOf(checkFindings(readFixture('seed/rk3288-rockchip-and-mmu400.4.14.dts'), { kernel: '4.14' }));
		expect(out).toEqual({ ...rockchip, '/crypto@ff8a0000': { outcomes: ['bypass (bus-owned-by-other)'], orderDependent: false } });
	});

	for (const kernel of ['6.1', undefined]) {
		test(`${kernel ?? 'default kernel'}: every master translated`, () => {
			const out = outcomesOf(checkFindings(readFixture('seed/rk3288-rockchip-and-mmu400.dts'), kernel ? { kernel } : {}));
			expect(out).toEqual({ ...rockchip, '/crypto@ff8a0000': { outcomes: ['translated by /iommu@ffa00000'], orderDependent: false } });
		});
	}
});
