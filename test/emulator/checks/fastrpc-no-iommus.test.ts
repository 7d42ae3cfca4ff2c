import { describe, expect, it } from 'vitest';
import { check } from '../../../emulator/src/checks/fastrpc-no-iommus';
import { sdm845 } from '../rpmsg/fixtures';

const CH = '/soc@0/remoteproc@17300000/glink-edge/fastrpc';

describe('fastrpc-no-iommus', () => {
	it('is silent on the sdm845 layout', () => {
		expect(check({ view: sdm845() })).toEqual([]);
	});

	it('reports a compute-cb without iommus', () => {
		const view = sdm845({
			adspFastrpc: {
				compatible: 'qcom,fastrpc',
				'qcom,glink-channels': 'fastrpcglink-apps-dsp',
				label: 'adsp',
				'#address-cells': [1],
				'#size-cells': [0],
				'compute-cb@3': { compatible: 'qcom,fastrpc-compute-cb', reg: [3] },
				'compute-cb@4': { compatible: 'qcom,fastrpc-compute-cb', reg: [4], iommus: ['&apps_smmu', 0x1824, 0x0], status: 'disabled' },
			},
		});
		expect(check({ view })).toEqual([
			{
				id: 'fastrpc-no-iommus',
				severity: 'error',
				message: `${CH}/compute-cb@3 has no iommus: of_dma_configure() attaches no IOMMU, so its buffers reach the DSP as physical addresses tagged with sid 3 instead of IOVAs of its context bank, and the DSP faults.`,
				loc: view.byPath(`${CH}/compute-cb@3`)!.loc,
				related: [{ loc: view.byPath(CH)!.loc, message: `channel ${CH}` }],
				fix: { kind: 'add-property', node: `${CH}/compute-cb@3`, property: 'iommus' },
			},
		]);
	});

	it('reports compute-cbs whose IOMMU is disabled', () => {
		const view = sdm845({ smmuStatus: 'disabled' });
		const findings = check({ view });
		expect(findings).toHaveLength(10);
		const smmu = view.byPath('/soc@0/iommu@15000000')!;
		expect(findings[0]).toEqual({
			id: 'fastrpc-no-iommus',
			severity: 'error',
			message: `${CH}/compute-cb@3 lists iommus, but its IOMMU is disabled: the device runs without an IOMMU, so its buffers reach the DSP as physical addresses tagged with sid 3 instead of IOVAs, and the DSP faults.`,
			loc: view.byPath(`${CH}/compute-cb@3`)!.property('iommus')!.loc,
			related: [{ loc: smmu.property('status')!.loc, message: 'IOMMU /soc@0/iommu@15000000' }],
		});
	});

	it('uses the IOMMU part answer when given', () => {
		const view = sdm845();
		const findings = check({ view, isBehindIommu: (n) => n.path !== `${CH}/compute-cb@4` });
		expect(findings.map((f) => [f.loc, f.message])).toEqual([
			[
				view.byPath(`${CH}/compute-cb@4`)!.property('iommus')!.loc,
				`${CH}/compute-cb@4 lists iommus, but no enabled IOMMU translates it: the device runs without an IOMMU, so its buffers reach the DSP as physical addresses tagged with sid 4 instead of IOVAs, and the DSP faults.`,
			],
		]);
	});

	it('msm8916 / sdm845 SLPI pattern: a channel none of whose CBs has iommus is a DSP on physical addresses (info, not error)', () => {
		const view = sdm845({
			adspFastrpc: {
				compatible: 'qcom,fastrpc',
				'qcom,glink-channels': 'fastrpcglink-apps-dsp',
				label: 'adsp',
				'#address-cells': [1],
				'#size-cells': [0],
				'cb@1': { compatible: 'qcom,fastrpc-compute-cb', reg: [1] },
			},
		});
		expect(check({ view }).map((f) => [f.severity, f.message])).toEqual([
			[
				'info',
				`${CH}/cb@1 has no iommus, nor has any compute CB of its channel: fastrpc gives the DSP physical addresses (tagged with sid 1), which is right only when no SMMU context sits between this DSP and memory.`,
			],
		]);
	});
});
