/** Fix drop-iommus-entry (smr-redundant): the covered entry goes, with its separator; nothing else moves. */
import { describe, expect, it } from 'vitest';
import { quickFixes } from '../../../server/src/ide/fixes';
import { checkFix, fixtureFiles, overlayFs, snapshotOf } from './helpers';

const board = (iommus: string, head = '') => `${head}/dts-v1/;

/ {
	#address-cells = <1>;
	#size-cells = <1>;

	smmu: iommu@10000000 {
		compatible = "arm,mmu-500";
		reg = <0x10000000 0x10000>;
		#iommu-cells = <2>;
		#global-interrupts = <1>;
		interrupts = <0 65 4>, <0 66 4>, <0 67 4>;
	};

	ufs@20000000 {
		compatible = "example,ufs";
		reg = <0x20000000 0x1000>;
		iommus = ${iommus};
		dma-coherent;
	};
};
`;

describe('drop-iommus-entry', () => {
	it('drops a covered entry written as its own < > with the comma before it', () => {
		const { fix } = checkFix({
			files: { '/board.dts': board('<&smmu 0x100 0x0f>, <&smmu 0x104 0x0>') },
			board: '/board.dts',
			finding: 'smr-redundant',
			expected: { '/board.dts': board('<&smmu 0x100 0x0f>') },
		});
		expect(fix.title).toBe('Remove iommus entry 1 of /ufs@20000000');
		expect(fix.preferred).toBe(true);
	});

	it('drops an entry in the middle of a multi-line list, keeping the other lines as written', () => {
		checkFix({
			files: { '/board.dts': board('<&smmu 0x100 0x0f>,\n\t\t\t <&smmu 0x104 0x0>,\n\t\t\t <&smmu 0x200 0x0>') },
			board: '/board.dts',
			finding: 'smr-redundant',
			expected: { '/board.dts': board('<&smmu 0x100 0x0f>,\n\t\t\t <&smmu 0x200 0x0>') },
		});
	});

	it('drops an entry inside one < > (cells only)', () => {
		checkFix({
			files: { '/board.dts': board('<&smmu 0x100 0xf &smmu 0x104 0>') },
			board: '/board.dts',
			finding: 'smr-redundant',
			expected: { '/board.dts': board('<&smmu 0x100 0xf>') },
		});
	});

	it('a macro per cell is deleted at its invocation', () => {
		const head = '#define SID_A 0x100\n#define SID_B 0x104\n';
		checkFix({
			files: { '/board.dts': board('<&smmu SID_A 0xf>, <&smmu SID_B 0x0>', head) },
			board: '/board.dts',
			finding: 'smr-redundant',
			expected: { '/board.dts': board('<&smmu SID_A 0xf>', head) },
		});
	});

	it('offers nothing when one macro produced the whole list', () => {
		const { files } = fixtureFiles(board('UFS_SIDS', '#define UFS_SIDS <&smmu 0x100 0xf>, <&smmu 0x104 0x0>\n'));
		const s = snapshotOf(overlayFs(files), '/board.dts');
		const item = s.analysis.items.find((i) => i.id === 'smr-redundant');
		expect(item).toBeDefined();
		expect(quickFixes(s, item!)).toEqual([]);
	});
});
