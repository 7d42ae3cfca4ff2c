/** Fix msi-map-align (msi-map-mismatch): the msi-map entry's cells that differ are rewritten to mirror iommu-map. */
import { describe, expect, it } from 'vitest';
import { quickFixes } from '../../../server/src/ide/fixes';
import { checkFix, overlayFs, snapshotOf } from './helpers';

const board = (msi: string, head = '') => `${head}/dts-v1/;

/ {
\t#address-cells = <1>;
\t#size-cells = <1>;

\tsmmu: iommu@10000000 {
\t\tcompatible = "arm,mmu-500";
\t\treg = <0x10000000 0x10000>;
\t\t#iommu-cells = <1>;
\t\t#global-interrupts = <1>;
\t\tinterrupts = <0 65 4>, <0 66 4>, <0 67 4>;
\t};

\tits: msi-controller@17a40000 {
\t\tcompatible = "arm,gic-v3-its";
\t\treg = <0x17a40000 0x20000>;
\t\tmsi-controller;
\t\t#msi-cells = <1>;
\t};

\tpcie@30000000 {
\t\tcompatible = "qcom,pcie-sm8450-pcie0";
\t\treg = <0x30000000 0x3000>;
\t\tdevice_type = "pci";
\t\t#address-cells = <3>;
\t\t#size-cells = <2>;
\t\tbus-range = <0x00 0xff>;
\t\tranges = <0x02000000 0x0 0x40000000 0x40000000 0x0 0x10000000>;
\t\tiommu-map = <0x0 &smmu 0x1c00 0x1>,
\t\t\t    <0x100 &smmu 0x1c01 0x1>;
\t\tmsi-map = ${msi};
\t};
};
`;

describe('msi-map-align', () => {
	it('rewrites only the msi base of the mismatched entry', () => {
		const { fix } = checkFix({
			files: { '/board.dts': board('<0x0 &its 0x5981 0x1>,\n\t\t\t  <0x100 &its 0x5980 0x1>') },
			board: '/board.dts',
			finding: 'msi-map-mismatch',
			expected: { '/board.dts': board('<0x0 &its 0x5981 0x1>,\n\t\t\t  <0x100 &its 0x5982 0x1>') },
		});
		expect(fix.title).toBe('Make msi-map entry 1 of /pcie@30000000 mirror iommu-map entry 1');
	});

	it('rewrites the RID base and length too, leaving the phandle as written', () => {
		checkFix({
			files: { '/board.dts': board('<0x0 &its 0x5980 0x1>,\n\t\t\t  <0x200 &its 0x5981 0x2>') },
			board: '/board.dts',
			finding: 'msi-map-mismatch',
			expected: { '/board.dts': board('<0x0 &its 0x5980 0x1>,\n\t\t\t  <0x100 &its 0x5981 0x1>') },
		});
	});

	it('offers nothing when the cell to change is a macro', () => {
		const files = { '/board.dts': board('<0x0 &its 0x5981 0x1>,\n\t\t\t  <0x100 &its MSI_BASE 0x1>', '#define MSI_BASE 0x5980\n') };
		const s = snapshotOf(overlayFs(files), '/board.dts');
		const item = s.analysis.items.find((i) => i.id === 'msi-map-mismatch');
		expect(item?.fix?.kind).toBe('msi-map-align');
		expect(quickFixes(s, item!)).toEqual([]);
	});
});
