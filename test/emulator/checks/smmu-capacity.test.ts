import { describe, expect, it } from 'vitest';
import { check } from '../../../emulator/src/checks/smmu-capacity';
import { appsSmmu, brief, run } from './iommu-fixtures';

describe('smmu-capacity', () => {
	it('triggers on more SMRs than a user profile NUMSMRG', () => {
		expect(run(check, { 'apps_smmu: iommu@15000000': appsSmmu(), 'dev@1': { iommus: ['&apps_smmu', 1, 0] }, 'dev@2': { iommus: ['&apps_smmu', 2, 0] }, 'dev@3': { iommus: ['&apps_smmu', 3, 0] } }, { profiles: { byCompatible: { 'arm,mmu-500': { numSmrg: 2 } } } }).map(brief)).toMatchInlineSnapshot(`
			[
			  {
			    "id": "smmu-capacity",
			    "line": 12,
			    "message": "The masters of &apps_smmu need more than its 2 stream-match registers (SoC profile): arm_smmu_find_sme() returns -ENOSPC (silently) for 1 master(s) in document order, and they run without the IOMMU; which ones depends on probe order. Merge entries with masks or disable unused masters.",
			    "related": [
			      23,
			    ],
			    "severity": "warning",
			  },
			]
		`);
	});
	it('triggers on more groups than context banks left after reserved ones', () => {
		expect(run(check, { 'apps_smmu: iommu@15000000': appsSmmu(), 'dev@1': { iommus: ['&apps_smmu', 1, 0] }, 'dev@2': { iommus: ['&apps_smmu', 2, 0] } }, { profiles: { byPath: { '/soc@0/iommu@15000000': { numContextBanks: 2, reservedContextBanks: [0] } } } }).map(brief)).toMatchInlineSnapshot(`
			[
			  {
			    "id": "smmu-capacity",
			    "line": 12,
			    "message": "The IOMMU groups of &apps_smmu need more context banks than its 2 (SoC profile, 1 reserved): the default domain of 1 master(s) gets no context bank in document order, and they run without the IOMMU; which ones depends on probe order.",
			    "related": [
			      21,
			    ],
			    "severity": "warning",
			  },
			]
		`);
	});
	it('stays silent on the same masters without a profile number (silent), and within capacity', () => {
		expect(run(check, { 'apps_smmu: iommu@15000000': appsSmmu(), 'dev@1': { iommus: ['&apps_smmu', 1, 0] }, 'dev@2': { iommus: ['&apps_smmu', 2, 0] }, 'dev@3': { iommus: ['&apps_smmu', 3, 0] } })).toEqual([]);
	});
});
