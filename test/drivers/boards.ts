/** Small boards written as .dts and resolved through the front-end, for the driver-source tests. */
import { memoryFileSystem } from '../../server/src/base/source';
import { createFrontend } from '../../server/src/model/board';
import { toDtView } from '../../server/src/model/dtview';
import type { DtView } from '../../emulator/src/types';

export const JUNO_DTS = `/dts-v1/;
/ {
	#address-cells = <2>;
	#size-cells = <2>;
	smmu_hdlcd0: iommu@7b600000 {
		compatible = "arm,mmu-401", "arm,smmu-v1";
		reg = <0 0x7b600000 0 0x10000>;
		#iommu-cells = <1>;
		#global-interrupts = <1>;
	};
	smmu_dma: iommu@7fb00000 {
		compatible = "arm,mmu-401", "arm,smmu-v1";
		reg = <0 0x7fb00000 0 0x10000>;
		#iommu-cells = <1>;
		#global-interrupts = <1>;
	};
	hdlcd@7ff60000 {
		compatible = "arm,hdlcd";
		iommus = <&smmu_hdlcd0 0>;
	};
	dma-controller@7ff00000 {
		compatible = "arm,pl330", "arm,primecell";
		iommus = <&smmu_dma 0>, <&smmu_dma 1>;
	};
	fpga@60000000 {
		compatible = "simple-bus";
		smmu_fpga: iommu@64000000 {
			compatible = "arm,smmu-v3";
			#iommu-cells = <1>;
		};
		accel@64100000 {
			compatible = "vendor,fpga-accel";
			iommus = <&smmu_fpga 0x10>;
		};
	};
};
`;

export const rk3288Dts = (rockchipStatus = 'okay', smmuCompatible = '"arm,mmu-400", "arm,smmu-v1"'): string => `/dts-v1/;
/ {
	#address-cells = <1>;
	#size-cells = <1>;
	vopb_mmu: iommu@ff930300 {
		compatible = "rockchip,iommu";
		reg = <0xff930300 0x100>;
		#iommu-cells = <0>;
		status = "${rockchipStatus}";
	};
	vopb: vop@ff930000 {
		compatible = "rockchip,rk3288-vop";
		iommus = <&vopb_mmu>;
	};
	smmu: iommu@ffa00000 {
		compatible = ${smmuCompatible};
		reg = <0xffa00000 0x10000>;
		#iommu-cells = <1>;
		#global-interrupts = <1>;
	};
	periph@ffa10000 {
		compatible = "vendor,periph";
		iommus = <&smmu 3>;
	};
};
`;

/** Resolves a .dts text through the front-end (cpp + dtc semantics) into the emulator's view. */
export function board(text: string, file = '/boards/board.dts'): DtView {
	const resolved = createFrontend(memoryFileSystem({ [file]: text })).resolve(file, { includePaths: [] });
	if (resolved.diagnostics.some((d) => d.severity === 'error')) throw new Error(resolved.diagnostics.map((d) => d.message).join('\n'));
	return toDtView(resolved.tree);
}
