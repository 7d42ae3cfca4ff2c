/**
 * Shared tree fragments for the IOMMU tests: an sdm845-like apps_smmu, a Juno-like PCIe host, and
 * helpers to build small trees around them.
 */
import type { ViewNode } from '../../harness/dtview';

/** `n` GIC SPI interrupt specifiers (3 cells each). */
export function irqs(n: number): number[] {
	const out: number[] = [];
	for (let i = 0; i < n; i++) out.push(0, 64 + i, 4);
	return out;
}

/** An MMU-500 like sdm845's apps_smmu (2 cells, 1 global + `context` context interrupts). */
export function appsSmmu(extra: ViewNode = {}, context = 64): ViewNode {
	return {
		compatible: ['qcom,sdm845-smmu-500', 'arm,mmu-500'],
		reg: [0, 0x15000000, 0, 0x80000],
		'#iommu-cells': [2],
		'#global-interrupts': [1],
		interrupts: irqs(1 + context),
		...extra,
	};
}

/** A root with a GIC and a `soc@0` bus holding `soc`. */
export function board(soc: ViewNode, root: ViewNode = {}): ViewNode {
	return {
		'#address-cells': [2],
		'#size-cells': [2],
		'interrupt-parent': ['&intc'],
		'intc: interrupt-controller@17a00000': { compatible: 'arm,gic-v3', '#interrupt-cells': [3], 'interrupt-controller': true },
		'soc@0': { '#address-cells': [2], '#size-cells': [2], ranges: true, ...soc },
		...root,
	};
}
