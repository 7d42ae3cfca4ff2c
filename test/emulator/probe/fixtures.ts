/**
 * Boards shared by the probe-order, scenario and check tests: a Juno-like SoC (MMU-401 instances in
 * the SoC, an MMU-600 in the FPGA tile), an RK3288-like SoC (rockchip IOMMUs next to an Arm SMMU),
 * a board whose IOMMU has no driver and one whose IOMMU is disabled, and a generated SoC with n IOMMU
 * drivers fighting over the platform bus.
 */
import { buildView, type ViewNode } from '../../harness/dtview';
import type { DtView } from '../../../emulator/src/types';
import type { DriverFacts } from '../../../emulator/src/probe';
import { fightingSocWorkload } from '../../../emulator/src/probe/bench';

/** Juno-like: two MMU-401s (arm-smmu) with an HDLCD (platform) and a DMA-330 (AMBA), an MMU-600 (arm-smmu-v3) in the FPGA tile. */
export function junoLike(): DtView {
	return buildView({
		'#address-cells': [2],
		'#size-cells': [2],
		'smmu_hdlcd0: iommu@7b600000': { compatible: ['arm,mmu-401', 'arm,smmu-v1'], reg: [0, 0x7b600000, 0, 0x10000], '#iommu-cells': [1], '#global-interrupts': [1] },
		'smmu_dma: iommu@7fb00000': { compatible: ['arm,mmu-401', 'arm,smmu-v1'], reg: [0, 0x7fb00000, 0, 0x10000], '#iommu-cells': [1], '#global-interrupts': [1] },
		'hdlcd@7ff60000': { compatible: 'arm,hdlcd', iommus: ['&smmu_hdlcd0', 0] },
		'dma-controller@7ff00000': { compatible: ['arm,pl330', 'arm,primecell'], iommus: ['&smmu_dma', 0, '&smmu_dma', 1] },
		'fpga: fpga@60000000': {
			compatible: 'simple-bus',
			'smmu_fpga: iommu@64000000': { compatible: 'arm,smmu-v3', '#iommu-cells': [1] },
			'accel@64100000': { compatible: 'vendor,fpga-accel', iommus: ['&smmu_fpga', 0x10] },
		},
	});
}

/** RK3288-like: a VOP behind its rockchip IOMMU, and a peripheral behind an (undocumented) Arm MMU-400. */
export function rk3288Like(rockchipStatus?: 'disabled'): DtView {
	const mmu: ViewNode = { compatible: 'rockchip,iommu', reg: [0xff930300, 0x100], '#iommu-cells': [0], ...(rockchipStatus ? { status: rockchipStatus } : {}) };
	return buildView({
		'#address-cells': [1],
		'#size-cells': [1],
		'vopb_mmu: iommu@ff930300': mmu,
		'vopb: vop@ff930000': { compatible: 'rockchip,rk3288-vop', iommus: ['&vopb_mmu'] },
		'smmu: iommu@ffa00000': { compatible: ['arm,mmu-400', 'arm,smmu-v1'], reg: [0xffa00000, 0x10000], '#iommu-cells': [1], '#global-interrupts': [1] },
		'periph@ffa10000': { compatible: 'vendor,periph', iommus: ['&smmu', 3] },
	});
}

/** An IOMMU no driver matches, or a disabled one, with one master. */
export function lonelyIommu(kind: 'no-driver' | 'disabled'): DtView {
	const iommu: ViewNode =
		kind === 'no-driver'
			? { compatible: 'vendor,mystery-iommu', '#iommu-cells': [1] }
			: { compatible: ['arm,mmu-500', 'arm,smmu-v2'], '#iommu-cells': [1], '#global-interrupts': [1], status: 'disabled' };
	return buildView({
		'#address-cells': [1],
		'#size-cells': [1],
		'iommu0: iommu@1000000': iommu,
		'gpu@2000000': { compatible: 'vendor,gpu', iommus: ['&iommu0', 7] },
	});
}

/** A generated SoC: n IOMMU drivers of one initcall level (unknown link order), one instance and one master each (the benchmark's workload). */
export function fightingSoc(n: number): { view: DtView; facts: DriverFacts[] } {
	return fightingSocWorkload(n);
}
