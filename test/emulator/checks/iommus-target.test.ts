import { describe, expect, it } from 'vitest';
import { check } from '../../../emulator/src/checks/iommus-target';
import { appsSmmu, brief, run } from './iommu-fixtures';

describe('iommus-target', () => {
	it('triggers on an iommus entry pointing at a clock controller', () => {
		expect(run(check, { 'clk: clock@1': { '#clock-cells': [1] }, 'smmu: iommu@1': appsSmmu(), 'dev@2': { iommus: ['&clk', 0x10] } }).map(brief)).toMatchInlineSnapshot(`
			[
			  {
			    "fix": {
			      "candidates": [
			        "/soc@0/iommu@1",
			      ],
			      "entryIndex": 0,
			      "kind": "iommus-target",
			    },
			    "id": "iommus-target",
			    "line": 21,
			    "message": "iommus entry 0 of /soc@0/dev@2 points at &clk, which has no #iommu-cells (it is not an IOMMU): of_parse_phandle_with_args() fails and /soc@0/dev@2 runs without IOMMU.",
			    "related": [
			      12,
			    ],
			    "severity": "error",
			  },
			]
		`);
	});
	it('stays silent on an entry pointing at the IOMMU', () => {
		expect(run(check, { 'apps_smmu: iommu@15000000': appsSmmu(), 'dev@2': { iommus: ['&apps_smmu', 0x10, 0] } })).toEqual([]);
	});
});
