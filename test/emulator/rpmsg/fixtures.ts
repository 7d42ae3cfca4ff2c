/**
 * Shared fixtures of the rpmsg and carveout tests: an sdm845-style Qualcomm layout (ADSP and CDSP
 * PAS remoteprocs with GLINK edges, FastRPC channels and an APR channel) and a TI K3 R5F whose bus
 * reaches only part of DRAM.
 */
import type { ViewNode } from '../../harness/dtview';
import { buildView } from '../../harness/dtview';

const cdspCbs = (): ViewNode => {
	const out: Record<string, ViewNode> = {};
	for (let i = 1; i <= 8; i++) {
		out[`compute-cb@${i}`] = { compatible: 'qcom,fastrpc-compute-cb', reg: [i], iommus: ['&apps_smmu', 0x1400 + i, 0x30] };
	}
	return out;
};

/** sdm845-style: adsp CBs @3/@4, cdsp CBs @1..8 with mask 0x30. `adspFastrpc` and `cdspFastrpc` override the channel nodes. */
export function sdm845(overrides: { adspFastrpc?: ViewNode; cdspFastrpc?: ViewNode; adspPas?: ViewNode; smmuStatus?: string } = {}) {
	return buildView({
		'#address-cells': [2],
		'#size-cells': [2],
		'memory@80000000': { device_type: 'memory', reg: [0x0, 0x80000000, 0x0, 0x80000000] },
		'reserved-memory': {
			'#address-cells': [2],
			'#size-cells': [2],
			ranges: true,
			'adsp_mem: memory@8c500000': { reg: [0x0, 0x8c500000, 0x0, 0x1a00000], 'no-map': true },
			'cdsp_mem: memory@8e000000': { reg: [0x0, 0x8e000000, 0x0, 0x800000], 'no-map': true },
			'fastrpc_mem: fastrpc': { compatible: 'shared-dma-pool', 'alloc-ranges': [0x0, 0x0, 0x0, 0xffffffff], reusable: true, alignment: [0x0, 0x400000], size: [0x0, 0x1000000] },
		},
		'soc@0': {
			compatible: 'simple-bus',
			'#address-cells': [2],
			'#size-cells': [2],
			ranges: [0x0, 0x0, 0x0, 0x0, 0x10, 0x0],
			'dma-ranges': [0x0, 0x0, 0x0, 0x0, 0x10, 0x0],
			'apps_smmu: iommu@15000000': {
				compatible: ['qcom,sdm845-smmu-500', 'arm,mmu-500'],
				reg: [0x0, 0x15000000, 0x0, 0x80000],
				'#iommu-cells': [2],
				...(overrides.smmuStatus ? { status: overrides.smmuStatus } : {}),
			},
			'adsp_pas: remoteproc@17300000': {
				compatible: 'qcom,sdm845-adsp-pas',
				reg: [0x0, 0x17300000, 0x0, 0x100],
				'memory-region': ['&adsp_mem'],
				'glink-edge': {
					label: 'lpass',
					'qcom,remote-pid': [2],
					fastrpc: overrides.adspFastrpc ?? {
						compatible: 'qcom,fastrpc',
						'qcom,glink-channels': 'fastrpcglink-apps-dsp',
						label: 'adsp',
						'#address-cells': [1],
						'#size-cells': [0],
						'compute-cb@3': { compatible: 'qcom,fastrpc-compute-cb', reg: [3], iommus: ['&apps_smmu', 0x1823, 0x0] },
						'compute-cb@4': { compatible: 'qcom,fastrpc-compute-cb', reg: [4], iommus: ['&apps_smmu', 0x1824, 0x0] },
					},
					apr: {
						compatible: 'qcom,apr-v2',
						'qcom,glink-channels': 'apr_audio_svc',
						'#address-cells': [1],
						'#size-cells': [0],
						'service@3': { compatible: 'qcom,q6core', reg: [3] },
						'service@7': {
							compatible: 'qcom,q6asm',
							reg: [7],
							dais: { compatible: 'qcom,q6asm-dais', iommus: ['&apps_smmu', 0x1821, 0x0] },
						},
					},
				},
				...overrides.adspPas,
			},
			'cdsp_pas: remoteproc@8300000': {
				compatible: 'qcom,sdm845-cdsp-pas',
				reg: [0x0, 0x8300000, 0x0, 0x4040],
				'memory-region': ['&cdsp_mem'],
				'glink-edge': {
					label: 'turing',
					fastrpc: overrides.cdspFastrpc ?? {
						compatible: 'qcom,fastrpc',
						'qcom,glink-channels': 'fastrpcglink-apps-dsp',
						label: 'cdsp',
						'memory-region': ['&fastrpc_mem'],
						'qcom,vmids': [0x16, 0x25],
						'#address-cells': [1],
						'#size-cells': [0],
						...cdspCbs(),
					},
				},
			},
		},
	});
}

/**
 * A TI K3 R5F under a bus whose dma-ranges reach CPU 0x8000_0000-0xffff_ffff only. `memoryRegion`
 * replaces the R5F's `memory-region` (null: none); `r5f` adds properties.
 */
export function k3(memoryRegion: string[] | null = ['&r5f_dma', '&r5f_mem'], extraRegions: ViewNode = {}, r5f: ViewNode = {}) {
	return buildView({
		'#address-cells': [2],
		'#size-cells': [2],
		'memory@80000000': { device_type: 'memory', reg: [0x0, 0x80000000, 0x1, 0x80000000] },
		'reserved-memory': {
			'#address-cells': [2],
			'#size-cells': [2],
			ranges: true,
			'r5f_dma: r5f-dma-memory@a0000000': { compatible: 'shared-dma-pool', reg: [0x0, 0xa0000000, 0x0, 0x100000], 'no-map': true },
			'r5f_mem: r5f-memory@a0100000': { reg: [0x0, 0xa0100000, 0x0, 0xf00000], 'no-map': true },
			'r5f_high: r5f-memory@100000000': { reg: [0x1, 0x0, 0x0, 0x1000000], 'no-map': true },
			...extraRegions,
		},
		'bus@100000': {
			compatible: 'simple-bus',
			'#address-cells': [2],
			'#size-cells': [2],
			ranges: true,
			'dma-ranges': [0x0, 0x0, 0x0, 0x80000000, 0x0, 0x80000000],
			'r5fss@5c00000': {
				compatible: 'ti,j721e-r5fss',
				'#address-cells': [1],
				'#size-cells': [1],
				ranges: [0x5c00000, 0x0, 0x5c00000, 0x20000],
				'r5f@5c00000': {
					compatible: 'ti,j721e-r5f',
					reg: [0x5c00000, 0x8000],
					...(memoryRegion ? { 'memory-region': memoryRegion } : {}),
					...r5f,
				},
			},
		},
	});
}
