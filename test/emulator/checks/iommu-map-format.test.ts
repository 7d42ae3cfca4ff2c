import { describe, expect, it } from 'vitest';
import { check } from '../../../emulator/src/checks/iommu-map-format';
import { appsSmmu, brief, run } from './iommu-fixtures';

describe('iommu-map-format', () => {
	it('triggers on an id-base the mask ignores, a bad length, and a length-0 entry', () => {
		expect(run(check, { 'apps_smmu: iommu@15000000': appsSmmu(), 'pcie@1': { 'iommu-map': [0x100, '&apps_smmu', 0x0, 0x10], 'iommu-map-mask': [0xff] }, 'pcie@2': { 'iommu-map': [0x0, '&apps_smmu', 0x0, 0x1, 0x5, 0x6] }, 'pcie@3': { 'iommu-map': [0x0, '&apps_smmu', 0x0, 0x0] } }).map(brief)).toMatchInlineSnapshot(`
			[
			  {
			    "fix": {
			      "entryIndex": 0,
			      "idBase": "0x0",
			      "kind": "iommu-map-id-base",
			      "property": "iommu-map",
			    },
			    "id": "iommu-map-format",
			    "line": 19,
			    "message": "/soc@0/pcie@1: Invalid iommu-map translation - iommu-map-mask (0xff) ignores id-base (0x100): of_map_id() returns -EFAULT for every ID that is not matched by an earlier entry, so the PCI functions it should translate get no IOMMU.",
			    "related": [
			      20,
			    ],
			    "severity": "error",
			  },
			  {
			    "id": "iommu-map-format",
			    "line": 22,
			    "message": "/soc@0/pcie@2: Error: Bad iommu-map length: 24: of_map_id() returns -EINVAL for every ID, so the PCI functions it should translate get no IOMMU.",
			    "related": [],
			    "severity": "error",
			  },
			  {
			    "fix": {
			      "entryIndex": 0,
			      "kind": "drop-map-entry",
			      "property": "iommu-map",
			    },
			    "id": "iommu-map-format",
			    "line": 24,
			    "message": "iommu-map entry 0 of /soc@0/pcie@3 has length 0 and never matches any ID.",
			    "related": [],
			    "severity": "warning",
			  },
			]
		`);
	});
	it('stays silent on a Juno-like iommu-map with iommu-map-mask = <0x0>', () => {
		expect(run(check, { 'smmu_pcie: iommu@2b500000': { compatible: ['arm,mmu-401', 'arm,smmu-v1'], '#iommu-cells': [1], '#global-interrupts': [1] }, 'pcie@40000000': { 'iommu-map': [0x0, '&smmu_pcie', 0x0, 0x1], 'iommu-map-mask': [0x0] } })).toEqual([]);
	});
});
