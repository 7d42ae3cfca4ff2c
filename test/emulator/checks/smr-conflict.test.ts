import { describe, expect, it } from 'vitest';
import { check } from '../../../emulator/src/checks/smr-conflict';
import { appsSmmu, brief, run } from './iommu-fixtures';

describe('smr-conflict', () => {
	it('triggers on two masters whose SMRs partially overlap (both named, probe-order dependent)', () => {
		expect(run(check, { 'apps_smmu: iommu@15000000': appsSmmu(), 'a: dev@1': { iommus: ['&apps_smmu', 0x1400, 0x30] }, 'b: dev@2': { iommus: ['&apps_smmu', 0x1410, 0x101] } }).map(brief)).toMatchInlineSnapshot(`
			[
			  {
			    "id": "smr-conflict",
			    "line": 21,
			    "message": "&a iommus entry 0 (SID 0x1400 mask 0x30) and &b iommus entry 0 (SID 0x1410 mask 0x101) partially overlap on &apps_smmu (neither covers the other): arm_smmu_find_sme() returns -EINVAL (silently) for whichever master is attached second, and that device runs without the IOMMU. Which one loses depends on probe order: in document order &b loses; if it probes first, &a loses.",
			    "related": [
			      19,
			    ],
			    "severity": "error",
			  },
			]
		`);
	});
	it('triggers on a master whose later entry covers its earlier one', () => {
		expect(run(check, { 'apps_smmu: iommu@15000000': appsSmmu(), 'a: dev@1': { iommus: ['&apps_smmu', 0x1410, 0x0, '&apps_smmu', 0x1400, 0x30] } }).map(brief)).toMatchInlineSnapshot(`
			[
			  {
			    "fix": {
			      "entryIndex": 0,
			      "kind": "drop-iommus-entry",
			      "nodePath": "/soc@0/dev@1",
			    },
			    "id": "smr-conflict",
			    "line": 19,
			    "message": "&a iommus entry 1 (SID 0x1400 mask 0x30) covers the master's earlier entry 0 (SID 0x1410) on &apps_smmu: arm_smmu_find_sme() meets the narrower SMR first, finds a partial overlap and returns -EINVAL, so &a always runs without the IOMMU. List the wider entry first or drop the covered one.",
			    "related": [
			      19,
			    ],
			    "severity": "error",
			  },
			]
		`);
	});
	it('stays silent on an entry fully covered by another master entry (stream-shared, not smr-conflict)', () => {
		expect(run(check, { 'apps_smmu: iommu@15000000': appsSmmu(), 'a: dev@1': { iommus: ['&apps_smmu', 0x1401, 0x30] }, 'b: dev@2': { iommus: ['&apps_smmu', 0x1421, 0x0] } })).toEqual([]);
	});
	it('stays silent on sm8550-like compute CBs with three entries each', () => {
		expect(run(check, { 'apps_smmu: iommu@15000000': appsSmmu(), 'cb1: compute-cb@1': { iommus: ['&apps_smmu', 0x1961, 0x0, '&apps_smmu', 0x0c01, 0x20, '&apps_smmu', 0x19c1, 0x10] }, 'cb2: compute-cb@2': { iommus: ['&apps_smmu', 0x1962, 0x0, '&apps_smmu', 0x0c02, 0x20, '&apps_smmu', 0x19c2, 0x10] } })).toEqual([]);
	});
});
