import { describe, expect, it } from 'vitest';
import { check } from '../../../emulator/src/checks/stream-shared';
import { appsSmmu, brief, run } from './iommu-fixtures';

describe('stream-shared', () => {
	it('triggers on sdm845 <&apps_smmu 0x1401 0x30> matches 0x1421 of another master', () => {
		expect(run(check, { 'apps_smmu: iommu@15000000': appsSmmu(), 'a: dev@1': { iommus: ['&apps_smmu', 0x1401, 0x30] }, 'b: dev@2': { iommus: ['&apps_smmu', 0x1421, 0x0] } }).map(brief)).toMatchInlineSnapshot(`
			[
			  {
			    "id": "stream-shared",
			    "line": 21,
			    "message": "&a iommus entry 0 (SID 0x1401 mask 0x30) and &b iommus entry 0 (SID 0x1421) resolve to the same stream-match entry on &apps_smmu: arm_smmu_device_group() puts both devices into one IOMMU group and context bank, so they are not isolated from each other. If the master with the narrower entry (&b iommus entry 0 (SID 0x1421)) is attached first, the wider one gets -EINVAL from arm_smmu_find_sme() and runs without the IOMMU instead (probe-order dependent).",
			    "related": [
			      19,
			    ],
			    "severity": "warning",
			  },
			]
		`);
	});
	it('triggers on an SMMUv3 StreamID used by two masters (6.8 and 6.7)', () => {
		expect(run(check, { 'smmu: iommu@1': { compatible: 'arm,smmu-v3', '#iommu-cells': [1] }, 'dev@2': { iommus: ['&smmu', 0x20] }, 'dev@3': { iommus: ['&smmu', 0x20] } }).map(brief)).toMatchInlineSnapshot(`
			[
			  {
			    "id": "stream-shared",
			    "line": 18,
			    "message": "/soc@0/dev@2 iommus entry 0 (SID 0x20) and /soc@0/dev@3 iommus entry 0 (SID 0x20) use the same StreamID on &smmu: the second device to probe gets "Aliasing StreamID 0x20 (from ...) unsupported, expect DMA to be broken" and -ENODEV, and runs without the IOMMU.",
			    "related": [
			      16,
			    ],
			    "severity": "error",
			  },
			]
		`);
	});
	it('triggers on an SMMUv3 StreamID used by two masters under 6.7', () => {
		expect(run(check, { 'smmu: iommu@1': { compatible: 'arm,smmu-v3', '#iommu-cells': [1] }, 'dev@2': { iommus: ['&smmu', 0x20] }, 'dev@3': { iommus: ['&smmu', 0x20] } }, { era: { version: [6, 7] } }).map(brief)).toMatchInlineSnapshot(`
			[
			  {
			    "id": "stream-shared",
			    "line": 18,
			    "message": "/soc@0/dev@2 iommus entry 0 (SID 0x20) and /soc@0/dev@3 iommus entry 0 (SID 0x20) use the same StreamID on &smmu: the second device to probe gets "stream 32 already in tree" and -EINVAL, and runs without the IOMMU.",
			    "related": [
			      16,
			    ],
			    "severity": "error",
			  },
			]
		`);
	});
	it('stays silent on sdm845 compute CBs 0x1401/0x30 and 0x1402/0x30, and a partial overlap (smr-conflict instead)', () => {
		expect(run(check, { 'apps_smmu: iommu@15000000': appsSmmu(), 'a: dev@1': { iommus: ['&apps_smmu', 0x1401, 0x30] }, 'b: dev@2': { iommus: ['&apps_smmu', 0x1402, 0x30] }, 'c: dev@3': { iommus: ['&apps_smmu', 0x1500, 0x30] }, 'd: dev@4': { iommus: ['&apps_smmu', 0x1510, 0x101] } })).toEqual([]);
	});
});
