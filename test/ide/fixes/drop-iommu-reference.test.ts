/** Fix drop-iommu-reference (iommu-disabled): the consumer's iommus / iommu-map entry for the disabled IOMMU goes. */
import { describe, expect, it } from 'vitest';
import { checkFix } from './helpers';

const board = (iommus: string) => `/dts-v1/;

/ {
	#address-cells = <1>;
	#size-cells = <1>;

	smmu: iommu@10000000 {
		compatible = "arm,mmu-500";
		reg = <0x10000000 0x10000>;
		#iommu-cells = <2>;
		#global-interrupts = <1>;
		interrupts = <0 65 4>, <0 66 4>, <0 67 4>;
		status = "disabled";
	};

	ufs@20000000 {
		compatible = "example,ufs";
		reg = <0x20000000 0x1000>;
${iommus}		dma-coherent;
	};
};
`;

const pcie = (map: string) => `/dts-v1/;

/ {
    #address-cells = <1>;
    #size-cells = <1>;

    smmu_pcie: iommu@2b500000 {
        compatible = "arm,mmu-401", "arm,smmu-v1";
        reg = <0x2b500000 0x10000>;
        interrupts = <0 40 4>, <0 40 4>;
        #iommu-cells = <1>;
        #global-interrupts = <1>;
        status = "disabled";
    };

    smmu_ok: iommu@2b600000 {
        compatible = "arm,mmu-401", "arm,smmu-v1";
        reg = <0x2b600000 0x10000>;
        interrupts = <0 41 4>, <0 41 4>;
        #iommu-cells = <1>;
        #global-interrupts = <1>;
    };

    pcie@30000000 {
        compatible = "example,pcie";
        reg = <0x30000000 0x3000>;
        device_type = "pci";
        #address-cells = <3>;
        #size-cells = <2>;
        bus-range = <0x00 0xff>;
        ranges = <0x02000000 0x0 0x40000000 0x40000000 0x0 0x10000000>;
        iommu-map = ${map};
    };
};
`;

describe('drop-iommu-reference', () => {
	it('deletes the whole iommus line when the disabled IOMMU was its only entry', () => {
		const { fix, fixes } = checkFix({
			files: { '/board.dts': board('\t\tiommus = <&smmu 0x100 0x0>;\n') },
			board: '/board.dts',
			finding: 'iommu-disabled',
			fix: 'Remove the reference',
			expected: { '/board.dts': board('') },
		});
		expect(fix.title).toBe('Remove the reference to disabled /iommu@10000000 (iommus entry 0)');
		expect(fix.preferred).toBeUndefined();
		// Both fixes of iommu-disabled are offered, enabling first.
		expect(fixes.map((f) => f.title)).toEqual(['Enable /iommu@10000000 (status = "okay")', fix.title]);
	});

	it('deletes one iommu-map entry for the disabled IOMMU', () => {
		checkFix({
			files: { '/board.dts': pcie('<0x0 &smmu_ok 0x0 0x1>,\n                    <0x100 &smmu_pcie 0x100 0x1>') },
			board: '/board.dts',
			finding: 'iommu-disabled',
			fix: 'Remove the reference',
			expected: { '/board.dts': pcie('<0x0 &smmu_ok 0x0 0x1>') },
		});
	});
});
