import { describe, expect, it } from 'vitest';
import { check } from '../../../emulator/src/checks/smmu-config';
import { appsSmmu, brief, run } from './iommu-fixtures';

describe('smmu-config', () => {
	it('triggers on too few context interrupts for the profile NUMCB, and a missing #global-interrupts', () => {
		expect(run(check, { 'smmu: iommu@1': appsSmmu({}, 30), 'smmu2: iommu@2': { compatible: 'arm,mmu-500', '#iommu-cells': [1] }, 'dev@3': { iommus: ['&smmu', 1, 0] } }).map(brief)).toMatchInlineSnapshot(`
			[
			  {
			    "id": "smmu-config",
			    "line": 17,
			    "message": "/soc@0/iommu@1: found only 30 context irq(s) but 64 required: an SMMUv2 needs one context interrupt per context bank (NUMCB 64 from the SoC profile); the probe fails with -ENODEV and its masters run without IOMMU.",
			    "related": [
			      16,
			    ],
			    "severity": "error",
			  },
			  {
			    "fix": {
			      "kind": "add-property",
			      "nodePath": "/soc@0/iommu@2",
			      "property": "#global-interrupts",
			      "value": "<1>",
			    },
			    "id": "smmu-config",
			    "line": 18,
			    "message": "/soc@0/iommu@2: missing #global-interrupts property: arm_smmu_device_dt_probe() returns -ENODEV, the SMMU is never registered, and its masters wait for it (fw_devlink) and then run without IOMMU.",
			    "related": [],
			    "severity": "error",
			  },
			]
		`);
	});
	it('triggers on a legacy mmu-masters SMMU first, then a generic one', () => {
		expect(run(check, { 'legacy: iommu@1': { compatible: 'arm,mmu-500', '#global-interrupts': [1], interrupts: [0, 1, 4, 0, 2, 4], 'mmu-masters': ['&dma', 0x1] }, 'dma: dma@2': { '#stream-id-cells': [1] }, 'gen: iommu@3': { compatible: 'arm,mmu-500', '#iommu-cells': [1], '#global-interrupts': [1], interrupts: [0, 3, 4, 0, 4, 4] } }).map(brief)).toMatchInlineSnapshot(`
			[
			  {
			    "id": "smmu-config",
			    "line": 16,
			    "message": "/soc@0/iommu@1: deprecated "mmu-masters" DT property in use; DMA API support unavailable: masters of this binding get no IOMMU DMA ops.",
			    "related": [],
			    "severity": "info",
			  },
			  {
			    "id": "smmu-config",
			    "line": 21,
			    "message": "/soc@0/iommu@3: not probing due to mismatched DT properties: /soc@0/iommu@3 uses the generic "#iommu-cells" binding while /soc@0/iommu@1 (probed first in document order) uses the legacy one; this SMMU returns -ENODEV and its masters run without IOMMU. Which SMMU loses depends on probe order.",
			    "related": [
			      12,
			    ],
			    "severity": "error",
			  },
			]
		`);
	});
	it('stays silent on an sdm845-like apps_smmu with 64 context interrupts', () => {
		expect(run(check, { 'apps_smmu: iommu@15000000': appsSmmu(), 'dev@2': { iommus: ['&apps_smmu', 1, 0] } })).toEqual([]);
	});

	it('sm8550 adreno_smmu pattern: the GPU SMMU shares the SoC compatible but not the apps_smmu profile (NUMCB 96)', () => {
		const gpu = (interrupts: number) => ({
			compatible: ['qcom,sm8550-smmu-500', 'qcom,adreno-smmu', 'qcom,smmu-500', 'arm,mmu-500'],
			'#iommu-cells': [2],
			'#global-interrupts': [1],
			interrupts: Array.from({ length: interrupts }, (_, i) => [0, 600 + i, 4]).flat(),
		});
		// 1 global + 24 context interrupts: fine for the GPU SMMU (no profile: NUMCB unknown).
		expect(run(check, { 'adreno_smmu: iommu@3da0000': gpu(25) })).toEqual([]);
		// Near miss: the apps SMMU with the same interrupts is held to the profile's 96 context banks.
		const apps = { ...gpu(25), compatible: ['qcom,sm8550-smmu-500', 'qcom,smmu-500', 'arm,mmu-500'] };
		expect(run(check, { 'apps_smmu: iommu@15000000': apps }).map((f) => f.message.split(':')[1]?.trim())).toEqual(['found only 24 context irq(s) but 96 required']);
	});
});
