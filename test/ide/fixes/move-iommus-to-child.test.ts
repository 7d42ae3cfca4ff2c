/** Fix move-iommus-to-child (rpmsg-iommus): the channel's iommus moves into a new compute-cb child. */
import { describe, expect, it } from 'vitest';
import { checkFix } from './helpers';

const board = (fastrpc: string) => `/dts-v1/;

/ {
    #address-cells = <1>;
    #size-cells = <1>;

    apps_smmu: iommu@15000000 {
        compatible = "arm,mmu-500";
        reg = <0x15000000 0x10000>;
        #iommu-cells = <2>;
        #global-interrupts = <1>;
        interrupts = <0 65 4>, <0 66 4>, <0 67 4>;
    };

    remoteproc-adsp {
        compatible = "qcom,sdm845-adsp-pas";

        glink-edge {
            label = "lpass";
            qcom,remote-pid = <2>;

            fastrpc {
                compatible = "qcom,fastrpc";
                qcom,glink-channels = "fastrpcglink-apps-dsp";
                label = "adsp";
${fastrpc}            };
        };
    };
};
`;

describe('move-iommus-to-child', () => {
	it('moves iommus into compute-cb@1 with a platform compatible and reg', () => {
		const { fix } = checkFix({
			files: { '/board.dts': board('                #address-cells = <1>;\n                #size-cells = <0>;\n                iommus = <&apps_smmu 0x1823 0x0>;\n') },
			board: '/board.dts',
			finding: 'rpmsg-iommus',
			expected: {
				'/board.dts': board(
					'                #address-cells = <1>;\n                #size-cells = <0>;\n\n                compute-cb@1 {\n                    compatible = "qcom,fastrpc-compute-cb";\n                    reg = <1>;\n                    iommus = <&apps_smmu 0x1823 0x0>;\n                };\n',
				),
			},
		});
		expect(fix.title).toBe('Move iommus of /remoteproc-adsp/glink-edge/fastrpc into a new compute-cb@1 child (qcom,fastrpc-compute-cb)');
	});

	it('after the existing compute-cbs, with the next free reg, adding #address-cells/#size-cells', () => {
		const cb = '\n                compute-cb@3 {\n                    compatible = "qcom,fastrpc-compute-cb";\n                    reg = <3>;\n                    iommus = <&apps_smmu 0x1803 0x0>;\n                };\n';
		checkFix({
			files: { '/board.dts': board(`                iommus = <&apps_smmu 0x1823 0x0>,\n                         <&apps_smmu 0x1824 0x0>;\n${cb}`) },
			board: '/board.dts',
			finding: 'rpmsg-iommus',
			expected: {
				'/board.dts': board(
					`                #address-cells = <1>;\n                #size-cells = <0>;\n${cb}\n                compute-cb@4 {\n                    compatible = "qcom,fastrpc-compute-cb";\n                    reg = <4>;\n                    iommus = <&apps_smmu 0x1823 0x0>,\n                             <&apps_smmu 0x1824 0x0>;\n                };\n`,
				),
			},
		});
	});
});
