import { describe, expect, it } from 'vitest';
import { check } from '../../../emulator/src/checks/stream-id-range';
import { appsSmmu, brief, run } from './iommu-fixtures';

describe('stream-id-range', () => {
	it('triggers on SIDs beyond MMU-401 15-bit SIDs and beyond the 16-bit SMR field', () => {
		expect(run(check, { 'smmu: iommu@1': { compatible: ['arm,mmu-401', 'arm,smmu-v1'], '#iommu-cells': [1], '#global-interrupts': [1] }, 'dev@2': { iommus: ['&smmu', 0x8000] }, 'dev@3': { iommus: ['&smmu', 0x12345] } }).map(brief)).toMatchInlineSnapshot(`
			[
			  {
			    "id": "stream-id-range",
			    "line": 17,
			    "message": "stream ID 0x8000 out of range for SMMU (0x7fff): arm_smmu_probe_device() returns -EINVAL and /soc@0/dev@2 runs without IOMMU.",
			    "related": [
			      12,
			    ],
			    "severity": "error",
			  },
			  {
			    "id": "stream-id-range",
			    "line": 19,
			    "message": "/soc@0/dev@3: cells <0x12345> do not fit the 16-bit SMR ID/MASK fields: arm_smmu_of_xlate() keeps only SID 0x2345 (silently), so the SMMU matches other streams than intended.",
			    "related": [
			      12,
			    ],
			    "severity": "error",
			  },
			]
		`);
	});
	it('triggers on an SMMUv3 StreamID beyond a user profile SIDSIZE, and a secure stream', () => {
		expect(run(check, { 'smmu: iommu@1': { compatible: 'arm,smmu-v3', '#iommu-cells': [1] }, 'dev@2': { iommus: ['&smmu', 0x10000] }, 'apps_smmu: iommu@15000000': appsSmmu(), 'dev@3': { iommus: ['&apps_smmu', 0x1c00, 0x3] } }, { profiles: { byCompatible: { 'arm,smmu-v3': { streamIdBits: 16 }, 'qcom,sdm845-smmu-500': { secureStreams: [{ id: 0x1c01, note: 'cb@10 (S2-only)' }] } } } }).map(brief)).toMatchInlineSnapshot(`
			[
			  {
			    "id": "stream-id-range",
			    "line": 16,
			    "message": "StreamID 0x10000 is beyond the SMMU's 16-bit stream table: arm_smmu_sid_in_range() fails, probe_device returns -ERANGE and /soc@0/dev@2 runs without IOMMU.",
			    "related": [
			      12,
			    ],
			    "severity": "error",
			  },
			  {
			    "fix": {
			      "entryIndex": 0,
			      "kind": "drop-iommus-entry",
			      "nodePath": "/soc@0/dev@3",
			    },
			    "id": "stream-id-range",
			    "line": 24,
			    "message": "/soc@0/dev@3: SID 0x1c00 mask 0x3 includes stream 0x1c01, which the SoC profile lists as secure/stage-2 only (cb@10 (S2-only)): under a hypervisor, HLOS use of it faults or hangs.",
			    "related": [
			      17,
			    ],
			    "severity": "info",
			  },
			]
		`);
	});
	it('stays silent on the same wide SID on an SMMU without a profile number (silent)', () => {
		expect(run(check, { 'smmu: iommu@1': { compatible: 'arm,mmu-500', '#iommu-cells': [1], '#global-interrupts': [1] }, 'dev@2': { iommus: ['&smmu', 0x8000] } })).toEqual([]);
	});

	it('amd-seattle pattern: an iommu-map of the whole RID space onto a 15-bit MMU-401 is a warning; near miss: a map whose first SID is already out of range is an error', () => {
		const smmu = { compatible: 'arm,mmu-401', '#iommu-cells': [1], '#global-interrupts': [1], interrupts: [0, 333, 4, 0, 333, 4] };
		const pcie = (outBase: number, length: number) => ({ device_type: 'pci', '#address-cells': [3], '#size-cells': [2], 'iommu-map': [0x0, '&pcie_smmu', outBase, length] });
		expect(run(check, { 'pcie_smmu: iommu@e0a00000': smmu, 'pcie0: pcie@f0000000': pcie(0x0, 0x10000) }).map((f) => [f.severity, f.message])).toEqual([
			[
				'warning',
				"iommu-map entry 0 of &pcie0 produces stream IDs up to 0xffff, beyond &pcie_smmu's 15-bit stream IDs: a PCI function enumerated at RID 0x8000 (bus 0x80) or above would be refused and run without IOMMU.",
			],
		]);
		expect(run(check, { 'pcie_smmu: iommu@e0a00000': smmu, 'pcie0: pcie@f0000000': pcie(0x8000, 0x100) }).map((f) => [f.severity, f.message])).toEqual([
			[
				'error',
				"iommu-map entry 0 of &pcie0 produces stream IDs 0x8000-0x80ff, beyond &pcie_smmu's 15-bit stream IDs: every PCI function it maps is refused and runs without IOMMU.",
			],
		]);
	});
});
