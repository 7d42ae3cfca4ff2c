import { describe, expect, it } from 'vitest';
import { check } from '../../../emulator/src/checks/probe-order-conflict';
import { junoLike, rk3288Like } from '../probe/fixtures';

describe('probe-order-conflict', () => {
	it('reports the Juno MMU-401 vs MMU-600 fight before 6.1 with both outcomes', () => {
		const findings = check({ view: junoLike(), scenario: { kernel: '5.10' } });
		expect(findings).toHaveLength(1);
		const f = findings[0]!;
		expect(f.id).toBe('probe-order-conflict');
		expect(f.severity).toBe('error');
		expect(f.message).toBe(
			'Kernel 5.10 installs IOMMU ops per bus: arm-smmu, arm-smmu-v3 all call bus_set_iommu() on the platform, amba, pci buses and only the first owns each; ' +
				'which one calls it first depends on link order or module load time (arm-smmu or arm-smmu-v3). ' +
				'If arm-smmu wins, /fpga@60000000/accel@64100000 (bypass (iommu-probe-failed, at the timeout)) loses its IOMMU; ' +
				'if arm-smmu-v3 wins, /hdlcd@7ff60000 (bypass (iommu-probe-failed, at the timeout)), /dma-controller@7ff00000 (bypass (iommu-probe-failed, at the timeout)) lose their IOMMU.',
		);
		// Points at the MMU-600 (the loser in the default order); related: the MMU-401s and the three masters.
		expect(f.loc.start.line).toBe(21);
		expect(f.related.map((r) => r.message)).toEqual([
			'/iommu@7b600000 (arm-smmu, bound)',
			'/iommu@7fb00000 (arm-smmu, bound)',
			'/hdlcd@7ff60000: translated by /iommu@7b600000 or bypass (iommu-probe-failed, at the timeout)',
			'/dma-controller@7ff00000: translated by /iommu@7fb00000 or bypass (iommu-probe-failed, at the timeout)',
			'/fpga@60000000/accel@64100000: bypass (iommu-probe-failed, at the timeout) or translated by /fpga@60000000/iommu@64000000',
		]);
	});
	it('is silent from 6.1', () => {
		expect(check({ view: junoLike(), scenario: { kernel: '6.1' } })).toEqual([]);
		expect(check({ view: junoLike() })).toEqual([]);
	});
	it('reports the RK3288 rockchip claim, decided by initcall level, with the disabled-nodes case in the 2017 driver', () => {
		const [f] = check({ view: rk3288Like('disabled'), scenario: { kernel: '4.14' } });
		expect(f?.message).toBe(
			'Kernel 4.14 installs IOMMU ops per bus: rockchip-iommu, arm-smmu all call bus_set_iommu() on the platform bus and only the first owns each; ' +
				'rockchip-iommu always calls it first (earlier initcall level). If rockchip-iommu wins, /periph@ffa10000 (bypass (bus-owned-by-other)) loses its IOMMU.',
		);
		expect(check({ view: rk3288Like('disabled'), scenario: { kernel: '5.10' } })).toEqual([]);
		expect(check({ view: rk3288Like(), scenario: { kernel: '5.10' } })).toHaveLength(1);
	});
	it('finds nothing for a bad kernel version (reported elsewhere)', () => {
		expect(check({ view: junoLike(), scenario: { kernel: 'x' } })).toEqual([]);
	});
});
