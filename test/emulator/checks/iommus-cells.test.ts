import { describe, expect, it } from 'vitest';
import { check } from '../../../emulator/src/checks/iommus-cells';
import { appsSmmu, brief, run } from './iommu-fixtures';

describe('iommus-cells', () => {
	it('triggers on a 2-cell arm-smmu entry on #iommu-cells = <1> desynchronises the list (fix: the target cell count)', () => {
		expect(run(check, { 'smmu: iommu@1': { compatible: 'arm,mmu-500', '#iommu-cells': [1], '#global-interrupts': [1] }, 'dev@2': { iommus: ['&smmu', 0x10, 0x0, '&smmu', 0x11, 0x0] } }).map(brief)).toMatchInlineSnapshot(`
			[
			  {
			    "fix": {
			      "entries": [
			        [
			          "0x10",
			        ],
			        [
			          "0x11",
			        ],
			      ],
			      "kind": "iommus-cells",
			      "nodePath": "/soc@0/dev@2",
			      "property": "iommus",
			      "setTargetCells": 2,
			      "targetCells": 1,
			      "targetPath": "/soc@0/iommu@1",
			      "writtenCells": 2,
			    },
			    "id": "iommus-cells",
			    "line": 17,
			    "message": "/soc@0/dev@2 writes 2 cell(s) per iommus entry but &smmu has #iommu-cells = <1>: of_parse_phandle_with_args() splits the list by 1, so entry 1 onward is misread (a 0 where a phandle should be ends the walk) and the device uses only the entries before it.",
			    "related": [
			      14,
			    ],
			    "severity": "error",
			  },
			]
		`);
	});
	it('triggers on a list that ends inside an entry', () => {
		expect(run(check, { 'smmu: iommu@1': { compatible: 'arm,smmu-v3', '#iommu-cells': [1] }, 'other: iommu@3': { compatible: 'arm,smmu-v3', '#iommu-cells': [2] }, 'dev@2': { iommus: ['&smmu', 0x10, '&other', 0x1] } }).map(brief)).toMatchInlineSnapshot(`
			[
			  {
			    "id": "iommus-cells",
			    "line": 19,
			    "message": "The iommus list of /soc@0/dev@2 ends inside entry 1 (&other needs 2 cell(s)): of_parse_phandle_with_args() fails and of_iommu_configure() ignores this entry and anything after it.",
			    "related": [
			      14,
			    ],
			    "severity": "error",
			  },
			  {
			    "fix": {
			      "cells": 1,
			      "kind": "set-iommu-cells",
			      "nodePath": "/soc@0/iommu@3",
			    },
			    "id": "iommus-cells",
			    "line": 17,
			    "message": "&other (Arm SMMUv3) has #iommu-cells = <2>, but the arm,smmu-v3 binding takes exactly 1 (the StreamID): of_parse_phandle_with_args() reads 2 cells per iommus entry and arm_smmu_of_xlate() uses only the first, so the other 1 cell(s) of every entry are ignored (an SMR-style mask has no meaning on SMMUv3). A binding violation: masters still get their StreamIDs.",
			    "related": [],
			    "severity": "warning",
			  },
			]
		`);
	});
	it('triggers on a rockchip IOMMU with #iommu-cells = <1> under the 2017 driver', () => {
		expect(run(check, { 'mmu: iommu@1': { compatible: 'rockchip,iommu', '#iommu-cells': [1] }, 'dev@2': { iommus: ['&mmu', 0x1] } }, { era: { version: [4, 14] } }).map(brief)).toMatchInlineSnapshot(`
			[
			  {
			    "fix": {
			      "cells": 0,
			      "kind": "set-iommu-cells",
			      "nodePath": "/soc@0/iommu@1",
			    },
			    "id": "iommus-cells",
			    "line": 14,
			    "message": "&mmu (Rockchip IOMMU) has #iommu-cells = <1>, but its binding takes 0 cell(s). The driver says "incorrect number of iommu params found for /soc@0/iommu@1 (found 1, expected 0)" and the master runs without IOMMU.",
			    "related": [
			      16,
			    ],
			    "severity": "error",
			  },
			]
		`);
	});
	it('stays silent on 2-cell arm-smmu specifiers on #iommu-cells = <2>', () => {
		expect(run(check, { 'apps_smmu: iommu@15000000': appsSmmu(), 'dev@2': { iommus: ['&apps_smmu', 0x10, 0x0, '&apps_smmu', 0x11, 0x0] } })).toEqual([]);
	});
	it('stays silent on a 0-cell rockchip reference', () => {
		expect(run(check, { 'vopb_mmu: iommu@ff930300': { compatible: 'rockchip,iommu', '#iommu-cells': [0] }, 'vop@ff930000': { iommus: ['&vopb_mmu'] } })).toEqual([]);
	});
});
