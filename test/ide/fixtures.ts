/**
 * The boards the editor-feature tests share: an sdm845-like SoC (an MMU-500 with a fastrpc DSP, two
 * masters sharing a stream, a UART behind two `ranges`, reserved memory) with a Juno-like PCIe host
 * (`iommu-map-mask = <0>`), and its board file. Cursor markers (`$0`, `$1`, ...) are placed by each
 * test (see `mark`).
 */
export const GIC = `//- /include/dt-bindings/arm-gic.h
#define GIC_SPI 0
#define IRQ_TYPE_LEVEL_HIGH 4
//- /include/dt-bindings/sid.h
#define CDSP_SID(n) (0x1400 | (n))
`;

export const SOC_DTSI = `//- /soc.dtsi
#include <dt-bindings/arm-gic.h>
#include <dt-bindings/sid.h>

/ {
	#address-cells = <2>;
	#size-cells = <2>;

	reserved-memory {
		#address-cells = <2>;
		#size-cells = <2>;
		ranges;

		cdsp_mem: memory@8b800000 {
			reg = <0 0x8b800000 0 0x1400000>;
			no-map;
		};
	};

	cdsp_pas: remoteproc-cdsp {
		compatible = "qcom,sdm845-cdsp-pas";
		memory-region = <&cdsp_mem>;
		status = "disabled";

		glink-edge {
			label = "turing";

			fastrpc {
				compatible = "qcom,fastrpc";
				qcom,glink-channels = "fastrpcglink-apps-dsp";
				label = "cdsp";
				#address-cells = <1>;
				#size-cells = <0>;

				compute-cb@1 {
					compatible = "qcom,fastrpc-compute-cb";
					reg = <1>;
					iommus = <&apps_smmu 0x1401 0x30>;
				};

				compute-cb@2 {
					compatible = "qcom,fastrpc-compute-cb";
					reg = <2>;
					iommus = <&apps_smmu CDSP_SID(2) 0x30>;
				};
			};
		};
	};

	soc: soc@0 {
		compatible = "simple-bus";
		#address-cells = <2>;
		#size-cells = <2>;
		ranges = <0 0 0 0 0x10 0>;
		dma-ranges = <0 0 0 0 0x10 0>;

		aggre: bus@a00000 {
			compatible = "simple-bus";
			#address-cells = <1>;
			#size-cells = <1>;
			ranges = <0x0 0x0 0xa00000 0x100000>;

			qup: bus@80000 {
				compatible = "simple-bus";
				#address-cells = <1>;
				#size-cells = <1>;
				ranges = <0x0 0x80000 0x10000>;

				uart: serial@4000 {
					compatible = "qcom,geni-uart";
					reg = <0x4000 0x100>;
					status = "disabled";
				};
			};
		};

		cryptobam: dma-controller@1dc4000 {
			compatible = "qcom,bam-v1.7.0";
			reg = <0 0x01dc4000 0 0x24000>;
			iommus = <&apps_smmu 0x704 0x1>;
		};

		crypto: crypto@1dfa000 {
			compatible = "qcom,crypto-v5.4";
			reg = <0 0x01dfa000 0 0x6000>;
			iommus = <&apps_smmu 0x704 0x1>;
		};

		its: msi-controller@2c010000 {
			compatible = "arm,gic-v3-its";
			reg = <0 0x2c010000 0 0x20000>;
			msi-controller;
			#msi-cells = <1>;
		};

		pcie: pcie@40000000 {
			compatible = "pci-host-ecam-generic";
			device_type = "pci";
			reg = <0 0x40000000 0 0x10000000>;
			bus-range = <0 255>;
			#address-cells = <3>;
			#size-cells = <2>;
			ranges = <0x02000000 0x0 0x50000000 0x0 0x50000000 0x0 0x8000000>;
			iommu-map-mask = <0x0>;
			iommu-map = <0x0 &smmu_pcie 0x0 0x1>;
			msi-map = <0x0 &its 0x0 0x10000>;
		};

		smmu_pcie: iommu@2b500000 {
			compatible = "arm,mmu-401", "arm,smmu-v1";
			reg = <0 0x2b500000 0 0x10000>;
			#iommu-cells = <1>;
			#global-interrupts = <1>;
			interrupts = <GIC_SPI 40 IRQ_TYPE_LEVEL_HIGH>, <GIC_SPI 41 IRQ_TYPE_LEVEL_HIGH>;
		};

		apps_smmu: iommu@15000000 {
			compatible = "qcom,sdm845-smmu-500", "arm,mmu-500";
			reg = <0 0x15000000 0 0x80000>;
			#iommu-cells = <2>;
			#global-interrupts = <1>;
			interrupts = <GIC_SPI 65 IRQ_TYPE_LEVEL_HIGH>,
				     <GIC_SPI 96 IRQ_TYPE_LEVEL_HIGH>,
				     <GIC_SPI 97 IRQ_TYPE_LEVEL_HIGH>,
				     <GIC_SPI 98 IRQ_TYPE_LEVEL_HIGH>,
				     <GIC_SPI 99 IRQ_TYPE_LEVEL_HIGH>;
		};
	};
};
`;

export const BOARD = `//- /board.dts
/dts-v1/;
#include "soc.dtsi"

/ {
	model = "Test board";
};

&cdsp_pas {
	status = "okay";
};

&uart {
	status = "okay";
};

&{/soc@0/crypto@1dfa000} {
	status = "okay";
};

/ {
	aliases {
		serial0 = &uart;
		crypto = &{/soc@0/crypto@1dfa000};
	};
};
`;

/** The whole sdm845-like fixture. */
export const SDM845_LIKE = GIC + SOC_DTSI + BOARD;

/**
 * Puts `marker` into `fixture` just before the `nth` (0-based) occurrence of `needle`, offset by
 * `offset` characters into it.
 */
export function mark(fixture: string, needle: string, marker = '$0', offset = 0, nth = 0): string {
	let at = -1;
	for (let i = 0; i <= nth; i++) {
		at = fixture.indexOf(needle, at + 1);
		if (at < 0) throw new Error(`'${needle}' (#${nth}) is not in the fixture`);
	}
	return fixture.slice(0, at + offset) + marker + fixture.slice(at + offset);
}
