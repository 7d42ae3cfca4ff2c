import { describe, expect, it } from 'vitest';
import { check } from '../../../emulator/src/checks/msi-map-mismatch';
import { appsSmmu, brief, run } from './iommu-fixtures';

describe('msi-map-mismatch', () => {
	it('triggers on a Qualcomm host whose msi-map does not mirror its iommu-map', () => {
		expect(run(check, { 'its: msi-controller@1': { '#msi-cells': [1] }, 'apps_smmu: iommu@15000000': appsSmmu(), 'pcie@1': { compatible: 'qcom,pcie-sm8450-pcie0', 'iommu-map': [0x0, '&apps_smmu', 0x1c00, 0x1, 0x100, '&apps_smmu', 0x1c01, 0x1], 'msi-map': [0x0, '&its', 0x5980, 0x1, 0x100, '&its', 0x5982, 0x1] } }).map(brief)).toMatchInlineSnapshot(`
			[
			  {
			    "fix": {
			      "entryIndex": 1,
			      "hostPath": "/soc@0/pcie@1",
			      "idBase": "0x100",
			      "kind": "msi-map-align",
			      "length": "0x1",
			      "outBase": "0x5981",
			    },
			    "id": "msi-map-mismatch",
			    "line": 23,
			    "message": "msi-map entry 1 (RID 0x100, length 0x1 → 0x5982) does not mirror iommu-map entry 1 (RID 0x100, length 0x1 → 0x1c01; expected msi out 0x5981). /soc@0/pcie@1 derives both from one BDF-to-SID table, so MSIs carry a DeviceID the ITS was not set up for and endpoint interrupts are lost.",
			    "related": [
			      22,
			    ],
			    "severity": "warning",
			  },
			]
		`);
	});
	it('stays silent on mirrored maps, and a non-Qualcomm host', () => {
		expect(run(check, { 'its: msi-controller@1': { '#msi-cells': [1] }, 'apps_smmu: iommu@15000000': appsSmmu(), 'pcie@1': { compatible: 'qcom,pcie-sm8550', 'iommu-map': [0x0, '&apps_smmu', 0x1400, 0x1, 0x100, '&apps_smmu', 0x1401, 0x1], 'msi-map': [0x0, '&its', 0x1400, 0x1, 0x100, '&its', 0x1401, 0x1] }, 'pcie@2': { compatible: 'arm,juno-r1-pcie', 'iommu-map': [0x0, '&apps_smmu', 0x0, 0x1], 'iommu-map-mask': [0x0], 'msi-map': [0x0, '&its', 0x0, 0x10000] } })).toEqual([]);
	});
});
