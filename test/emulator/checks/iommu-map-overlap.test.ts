import { describe, expect, it } from 'vitest';
import { check } from '../../../emulator/src/checks/iommu-map-overlap';
import { appsSmmu, brief, run } from './iommu-fixtures';

describe('iommu-map-overlap', () => {
	it('triggers on an entry shadowed by an earlier one', () => {
		expect(run(check, { 'apps_smmu: iommu@15000000': appsSmmu(), 'pcie@1': { 'iommu-map': [0x0, '&apps_smmu', 0x1400, 0x200, 0x100, '&apps_smmu', 0x1500, 0x100] } }).map(brief)).toMatchInlineSnapshot(`
			[
			  {
			    "fix": {
			      "entryIndex": 1,
			      "kind": "drop-map-entry",
			      "property": "iommu-map",
			    },
			    "id": "iommu-map-overlap",
			    "line": 19,
			    "message": "iommu-map entry 1 of /soc@0/pcie@1 overlaps entry 0 on IDs 0x100-0x1ff: of_map_id() uses the first match, so entry 1 is never used.",
			    "related": [
			      19,
			    ],
			    "severity": "warning",
			  },
			]
		`);
	});
	it('stays silent on adjacent entries', () => {
		expect(run(check, { 'apps_smmu: iommu@15000000': appsSmmu(), 'pcie@1': { 'iommu-map': [0x0, '&apps_smmu', 0x1400, 0x1, 0x100, '&apps_smmu', 0x1401, 0x1] } })).toEqual([]);
	});
});
