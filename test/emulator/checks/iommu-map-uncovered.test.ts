import { describe, expect, it } from 'vitest';
import { check } from '../../../emulator/src/checks/iommu-map-uncovered';
import { appsSmmu, brief, run } from './iommu-fixtures';

describe('iommu-map-uncovered', () => {
	it('triggers on the bus below the root port has no entry', () => {
		expect(run(check, { 'apps_smmu: iommu@15000000': appsSmmu(), 'pcie@1': { 'bus-range': [0, 0xff], 'iommu-map': [0x0, '&apps_smmu', 0x1400, 0x1], 'pcie@0': { device_type: 'pci', reg: [0, 0, 0, 0, 0], 'bus-range': [1, 0xff] } } }).map(brief)).toMatchInlineSnapshot(`
			[
			  {
			    "fix": {
			      "hostPath": "/soc@0/pcie@1",
			      "kind": "iommu-map-extend",
			      "maskedRid": "0x0100",
			      "rid": "0x0100",
			    },
			    "id": "iommu-map-uncovered",
			    "line": 20,
			    "message": "RID 0x0100 (first function below pcie@0 (bus 0x01)) is not covered by the iommu-map of /soc@0/pcie@1: the kernel prints "/soc@0/pcie@1: no iommu-map translation for id 0x100 on (null)" and that PCI function runs without IOMMU.",
			    "related": [
			      24,
			    ],
			    "severity": "warning",
			  },
			]
		`);
	});
	it('stays silent on an sm8550-like map covering the root port and bus 1, and a Juno-like mask', () => {
		expect(run(check, { 'apps_smmu: iommu@15000000': appsSmmu(), 'pcie@1': { 'bus-range': [0, 0xff], 'iommu-map': [0x0, '&apps_smmu', 0x1400, 0x1, 0x100, '&apps_smmu', 0x1401, 0x1], 'pcie@0': { device_type: 'pci', reg: [0, 0, 0, 0, 0], 'bus-range': [1, 0xff] } }, 'pcie@2': { 'bus-range': [0, 0xff], 'iommu-map': [0x0, '&apps_smmu', 0x0, 0x1], 'iommu-map-mask': [0x0] } })).toEqual([]);
	});
});
