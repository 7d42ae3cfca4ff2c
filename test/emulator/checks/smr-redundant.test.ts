import { describe, expect, it } from 'vitest';
import { check } from '../../../emulator/src/checks/smr-redundant';
import { appsSmmu, brief, run } from './iommu-fixtures';

describe('smr-redundant', () => {
	it('triggers on an entry covered by an earlier entry of the same master', () => {
		expect(run(check, { 'apps_smmu: iommu@15000000': appsSmmu(), 'a: dev@1': { iommus: ['&apps_smmu', 0x1400, 0x30, '&apps_smmu', 0x1410, 0x0] } }).map(brief)).toMatchInlineSnapshot(`
			[
			  {
			    "fix": {
			      "entryIndex": 1,
			      "kind": "drop-iommus-entry",
			      "nodePath": "/soc@0/dev@1",
			    },
			    "id": "smr-redundant",
			    "line": 19,
			    "message": "Entry 1 of &a (SID 0x1410) is entirely covered by entry 0 (SID 0x1400 mask 0x30) on &apps_smmu: arm_smmu_find_sme() reuses that SMR, so the entry has no effect.",
			    "related": [
			      19,
			    ],
			    "severity": "warning",
			  },
			]
		`);
	});
	it('stays silent on distinct entries of one master, and the covering entry in another master', () => {
		expect(run(check, { 'apps_smmu: iommu@15000000': appsSmmu(), 'a: dev@1': { iommus: ['&apps_smmu', 0x1400, 0x30, '&apps_smmu', 0x1500, 0x0] }, 'b: dev@2': { iommus: ['&apps_smmu', 0x1410, 0x0] } })).toEqual([]);
	});
});
