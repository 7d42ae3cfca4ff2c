import { describe, expect, it } from 'vitest';
import { check } from '../../../emulator/src/checks/iommu-disabled';
import { appsSmmu, brief, run } from './iommu-fixtures';

describe('iommu-disabled', () => {
	it('triggers on an enabled device on a disabled SMMU', () => {
		expect(run(check, { 'smmu: iommu@1': { ...appsSmmu(), status: 'disabled' }, 'dev@2': { iommus: ['&smmu', 0x10, 0] } }).map(brief)).toMatchInlineSnapshot(`
			[
			  {
			    "fix": {
			      "consumerPath": "/soc@0/dev@2",
			      "entryIndex": 0,
			      "iommuPath": "/soc@0/iommu@1",
			      "kind": "iommu-disabled",
			      "options": [
			        "enable-iommu",
			        "drop-reference",
			      ],
			      "property": "iommus",
			    },
			    "id": "iommu-disabled",
			    "line": 20,
			    "message": "/soc@0/dev@2 uses &smmu (iommus entry 0), which is disabled: of_iommu_xlate() returns NO_IOMMU, so the device runs without IOMMU and its DMA is untranslated (or faults if bypass is blocked).",
			    "related": [
			      18,
			    ],
			    "severity": "warning",
			  },
			]
		`);
	});
	it('triggers on a Juno-like PCIe host whose iommu-map = <0x0 &smmu_pcie 0x0 0x1> (mask 0) targets the disabled smmu_pcie', () => {
		expect(run(check, { 'smmu_pcie: iommu@2b500000': { compatible: ['arm,mmu-401', 'arm,smmu-v1'], '#iommu-cells': [1], '#global-interrupts': [1], status: 'disabled' }, 'pcie@40000000': { 'bus-range': [0, 0xff], 'iommu-map': [0x0, '&smmu_pcie', 0x0, 0x1], 'iommu-map-mask': [0x0] } }).map(brief)).toMatchInlineSnapshot(`
			[
			  {
			    "fix": {
			      "consumerPath": "/soc@0/pcie@40000000",
			      "entryIndex": 0,
			      "iommuPath": "/soc@0/iommu@2b500000",
			      "kind": "iommu-disabled",
			      "options": [
			        "enable-iommu",
			        "drop-reference",
			      ],
			      "property": "iommu-map",
			    },
			    "id": "iommu-disabled",
			    "line": 19,
			    "message": "/soc@0/pcie@40000000 uses &smmu_pcie (iommu-map entry 0), which is disabled: of_iommu_xlate() returns NO_IOMMU, so the PCI functions behind it run without IOMMU and their DMA is untranslated (or faults if bypass is blocked).",
			    "related": [
			      16,
			    ],
			    "severity": "warning",
			  },
			]
		`);
	});
	it('stays silent on a disabled device on a disabled SMMU, and an enabled SMMU', () => {
		expect(run(check, { 'smmu: iommu@1': { ...appsSmmu(), status: 'disabled' }, 'dev@2': { status: 'disabled', iommus: ['&smmu', 0x10, 0] }, 'ok: iommu@3': appsSmmu(), 'dev@4': { iommus: ['&ok', 0x10, 0] } })).toEqual([]);
	});
});
