/** Fix set-unit-address (unit-address): the node's name gets the unit address of its reg, wherever the name is written. */
import { describe, expect, it } from 'vitest';
import { quickFixes } from '../../../server/src/ide/fixes';
import { checkFix, overlayFs, snapshotOf } from './helpers';

const soc = (name: string, extra = '') => `/ {
\t#address-cells = <1>;
\t#size-cells = <1>;
${extra}
\tsmmu: ${name} {
\t\tcompatible = "arm,mmu-500";
\t\treg = <0x10010000 0x10000>;
\t\t#iommu-cells = <1>;
\t\t#global-interrupts = <1>;
\t\tinterrupts = <0 65 4>, <0 66 4>, <0 67 4>;
\t};
};
`;

describe('set-unit-address', () => {
	it('renames the node to the unit address of its reg', () => {
		const { fix } = checkFix({
			files: { '/board.dts': `/dts-v1/;\n\n${soc('iommu@10000000')}` },
			board: '/board.dts',
			finding: 'unit-address',
			expected: { '/board.dts': `/dts-v1/;\n\n${soc('iommu@10010000')}` },
		});
		expect(fix.title).toBe('Rename iommu@10000000 to iommu@10010000 (the unit address of its reg)');
	});

	it('adds a missing unit address', () => {
		checkFix({
			files: { '/board.dts': `/dts-v1/;\n\n${soc('iommu')}` },
			board: '/board.dts',
			finding: 'unit-address',
			expected: { '/board.dts': `/dts-v1/;\n\n${soc('iommu@10010000')}` },
		});
	});

	it('renames every place that re-opens the node by name (not &label ones)', () => {
		const board = (name: string) => `/dts-v1/;\n#include "soc.dtsi"\n\n/ {\n\t${name} {\n\t\tdma-coherent;\n\t};\n};\n\n&smmu {\n\tstatus = "okay";\n};\n`;
		checkFix({
			files: { '/soc.dtsi': soc('iommu@10000000'), '/board.dts': board('iommu@10000000') },
			board: '/board.dts',
			finding: 'unit-address',
			expected: { '/soc.dtsi': soc('iommu@10010000'), '/board.dts': board('iommu@10010000') },
		});
	});

	it('offers nothing when a path names the node (an alias would break)', () => {
		const files = { '/board.dts': `/dts-v1/;\n\n${soc('iommu@10000000', '\n\taliases {\n\t\tsmmu0 = "/iommu@10000000";\n\t};\n')}` };
		const s = snapshotOf(overlayFs(files), '/board.dts');
		const item = s.analysis.items.find((i) => i.id === 'unit-address');
		expect(item?.fix?.kind).toBe('set-unit-address');
		expect(quickFixes(s, item!)).toEqual([]);
	});
});
