/** Fix iommus-cells: pad or trim each specifier to the target's #iommu-cells; or set #iommu-cells to what is written. */
import { describe, expect, it } from 'vitest';
import { checkFix } from './helpers';

const board = (cells: number, iommus: string, other = '') => `/dts-v1/;

/ {
    #address-cells = <1>;
    #size-cells = <1>;

    smmu: iommu@10000000 {
        compatible = "arm,mmu-500";
        reg = <0x10000000 0x10000>;
        #iommu-cells = <${cells}>;
        #global-interrupts = <1>;
        interrupts = <0 65 4>, <0 66 4>, <0 67 4>;
    };

    gpu@20000000 {
        compatible = "example,gpu";
        reg = <0x20000000 0x1000>;
        iommus = ${iommus};
    };
${other}};
`;

describe('iommus-cells', () => {
	it('trims each specifier to #iommu-cells = <1> (preferred)', () => {
		const { fix, fixes } = checkFix({
			files: { '/board.dts': board(1, '<&smmu 0x400 0x0>, <&smmu 0x401 0x0>') },
			board: '/board.dts',
			finding: 'iommus-cells',
			expected: { '/board.dts': board(1, '<&smmu 0x400>, <&smmu 0x401>') },
		});
		expect(fix.title).toBe('Trim each iommus specifier of /gpu@20000000 to 1 cell(s) (#iommu-cells of /iommu@10000000)');
		expect(fixes.map((f) => f.title)).toEqual([fix.title, 'Set #iommu-cells of /iommu@10000000 to <2>']);
	});

	it('or sets #iommu-cells to the written count when the master is the only user', () => {
		checkFix({
			files: { '/board.dts': board(1, '<&smmu 0x400 0x0>, <&smmu 0x401 0x0>') },
			board: '/board.dts',
			finding: 'iommus-cells',
			fix: 'Set #iommu-cells',
			expected: { '/board.dts': board(2, '<&smmu 0x400 0x0>, <&smmu 0x401 0x0>') },
		});
	});

	it('pads each specifier with 0x0, also inside one < > over several lines', () => {
		const { fixes } = checkFix({
			files: { '/board.dts': board(2, '<&smmu 0x400\n                  &smmu 0x401>', '\n    dsp@30000000 {\n        compatible = "example,dsp";\n        reg = <0x30000000 0x1000>;\n        iommus = <&smmu 0x500 0x0>;\n    };\n') },
			board: '/board.dts',
			finding: 'iommus-cells',
			expected: { '/board.dts': board(2, '<&smmu 0x400 0x0\n                  &smmu 0x401 0x0>', '\n    dsp@30000000 {\n        compatible = "example,dsp";\n        reg = <0x30000000 0x1000>;\n        iommus = <&smmu 0x500 0x0>;\n    };\n') },
		});
		// Another master uses the SMMU with 2 cells: changing #iommu-cells is not offered.
		expect(fixes.map((f) => f.title)).not.toContain('Set #iommu-cells of /iommu@10000000 to <1>');
		expect(fixes).toHaveLength(1);
	});
});
