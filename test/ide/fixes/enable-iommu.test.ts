/** Fix enable-iommu (iommu-disabled): status = "okay" in place, or as a board override of a shared .dtsi. */
import { describe, expect, it } from 'vitest';
import { checkFix } from './helpers';

const SMMU = (status: string, indent = '\t') => `${indent}smmu: iommu@10000000 {
${indent}${indent}compatible = "arm,mmu-500";
${indent}${indent}reg = <0x10000000 0x10000>;
${indent}${indent}#iommu-cells = <2>;
${indent}${indent}#global-interrupts = <1>;
${indent}${indent}interrupts = <0 65 4>, <0 66 4>, <0 67 4>;${status ? `\n${indent}${indent}status = ${status};` : ''}
${indent}};`;

const soc = (status: string, indent = '\t') => `/ {
${indent}#address-cells = <1>;
${indent}#size-cells = <1>;

${SMMU(status, indent)}

${indent}ufs@20000000 {
${indent}${indent}compatible = "example,ufs";
${indent}${indent}reg = <0x20000000 0x1000>;
${indent}${indent}iommus = <&smmu 0x100 0x0>;
${indent}};
};
`;

describe('enable-iommu', () => {
	it('replaces the status value in place when the board disables the IOMMU', () => {
		const { fix, after } = checkFix({
			files: { '/board.dts': `/dts-v1/;\n\n${soc('"disabled"')}` },
			board: '/board.dts',
			finding: 'iommu-disabled',
			expected: { '/board.dts': `/dts-v1/;\n\n${soc('"okay"')}` },
		});
		expect(fix.title).toBe('Enable /iommu@10000000 (status = "okay")');
		expect(after.analysis.items.filter((i) => i.id === 'iommu-disabled')).toEqual([]);
	});

	it('adds a &label override to the board (in its indentation) when a shared .dtsi disables it', () => {
		const board = '/dts-v1/;\n#include "soc.dtsi"\n\n&{/} {\n    model = "x";\n};\n';
		const { fix } = checkFix({
			files: { '/soc.dtsi': soc('"disabled"'), '/board.dts': board },
			board: '/board.dts',
			finding: 'iommu-disabled',
			expected: { '/board.dts': `${board}\n&smmu {\n    status = "okay";\n};\n` },
		});
		expect(fix.title).toBe('Enable /iommu@10000000 (status = "okay") in board.dts');
	});

	it('adds the status to the board\'s existing &label block, after its last property', () => {
		const board = (extra: string) => `/dts-v1/;\n#include "soc.dtsi"\n\n&smmu {\n\tdma-coherent;${extra}\n};\n`;
		checkFix({
			files: { '/soc.dtsi': soc('"disabled"'), '/board.dts': board('') },
			board: '/board.dts',
			finding: 'iommu-disabled',
			expected: { '/board.dts': board('\n\tstatus = "okay";') },
		});
	});

	it('edits the board\'s own "disabled" override in place rather than adding another', () => {
		const board = (s: string) => `/dts-v1/;\n#include "soc.dtsi"\n\n&smmu {\n\tstatus = ${s};\n};\n`;
		checkFix({
			files: { '/soc.dtsi': soc('"okay"'), '/board.dts': board('"disabled"') },
			board: '/board.dts',
			finding: 'iommu-disabled',
			expected: { '/board.dts': board('"okay"') },
		});
	});
});
