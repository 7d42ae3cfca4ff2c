import { describe, expect, it } from 'vitest';
import { check } from '../../../emulator/src/checks/pcie-iommus-overlap';
import { appsSmmu, brief, run } from './iommu-fixtures';

describe('pcie-iommus-overlap', () => {
	it('triggers on a host whose own iommus covers its iommu-map outputs', () => {
		expect(run(check, { 'apps_smmu: iommu@15000000': appsSmmu(), 'pcie@1c00000': { 'bus-range': [0, 0xff], iommus: ['&apps_smmu', 0x1d80, 0x7f], 'iommu-map': [0x0, '&apps_smmu', 0x1d80, 0x1, 0x100, '&apps_smmu', 0x1d81, 0x1] } }).map(brief)).toMatchInlineSnapshot(`
			[
			  {
			    "fix": {
			      "entryIndex": 0,
			      "kind": "drop-iommus-entry",
			      "nodePath": "/soc@0/pcie@1c00000",
			    },
			    "id": "pcie-iommus-overlap",
			    "line": 20,
			    "message": "The host's own /soc@0/pcie@1c00000 iommus entry 0 (SID 0x1d80 mask 0x7f) matches stream IDs its iommu-map gives PCI functions (entry 0, entry 1) on &apps_smmu: the controller and the endpoints share a stream-match entry, IOMMU group and context bank (attached in the other order, arm_smmu_find_sme() returns -EINVAL for the wider entry).",
			    "related": [
			      21,
			      21,
			    ],
			    "severity": "warning",
			  },
			]
		`);
	});
	it('stays silent on a host iommus disjoint from the map outputs', () => {
		expect(run(check, { 'apps_smmu: iommu@15000000': appsSmmu(), 'pcie@1c00000': { iommus: ['&apps_smmu', 0x1c00, 0x0], 'iommu-map': [0x0, '&apps_smmu', 0x1d80, 0x1, 0x100, '&apps_smmu', 0x1d81, 0x1] } })).toEqual([]);
	});
});
