import { describe, expect, it } from 'vitest';
import { attach, buildTopology, describeStreams } from '../../../emulator/src/iommu';
import { buildView } from '../../harness/dtview';
import { board } from './fixtures';

const v3 = (extra = {}) => ({ compatible: 'arm,smmu-v3', '#iommu-cells': [1], ...extra });

describe('arm-smmu-v3', () => {
	const view = buildView(board({ 'smmu: iommu@2b400000': v3(), 'a: dev@1': { iommus: ['&smmu', 0x1234] }, 'b: dev@2': { iommus: ['&smmu', 0x1234] }, 'c: dev@3': { iommus: ['&smmu', 0x40000] } }));
	it('indexes a two-level stream table and checks the SID width (-ERANGE)', () => {
		const t = buildTopology(view, { profiles: { byCompatible: { 'arm,smmu-v3': { streamIdBits: 16 } } } });
		const r = attach(t);
		expect(describeStreams(t, view.byLabel('a')!, r)[0]).toMatchObject({ slot: 'STE 0x1234 (L1 0x12, L2 0x34)' });
		expect(r.byMaster.get('/soc@0/dev@3')).toMatchObject({ status: 'no-iommu', errno: 'ERANGE' });
		const linear = buildTopology(view, { profiles: { byCompatible: { 'arm,smmu-v3': { streamIdBits: 20, twoLevelStreamTable: false } } } });
		expect(describeStreams(linear, view.byLabel('a')!)[0]).toMatchObject({ slot: 'STE 0x1234 (linear)' });
	});
	it('handles aliasing StreamIDs per era', () => {
		expect(attach(buildTopology(view)).byMaster.get('/soc@0/dev@2')).toMatchObject({ errno: 'ENODEV', message: 'Aliasing StreamID 0x1234 (from /soc@0/dev@1) unsupported, expect DMA to be broken' });
		expect(attach(buildTopology(view, { era: { version: [6, 7] } })).byMaster.get('/soc@0/dev@2')).toMatchObject({ errno: 'EINVAL', message: 'stream 4660 already in tree' });
	});
});

describe('rockchip-iommu', () => {
	const view = buildView(board({ 'vopb_mmu: iommu@ff930300': { compatible: 'rockchip,iommu', '#iommu-cells': [0] }, 'vopb: vop@ff930000': { iommus: ['&vopb_mmu'] } }));
	it('binds a 0-cell reference to the dedicated instance', () => {
		expect(describeStreams(buildTopology(view), view.byLabel('vopb')!)[0]).toMatchObject({ label: 'dedicated instance', slot: 'dedicated instance', status: 'attached' });
	});
	it('the 2017 driver rejects arguments', () => {
		const v = buildView(board({ 'mmu: iommu@1': { compatible: 'rockchip,iommu', '#iommu-cells': [1] }, 'dev@2': { iommus: ['&mmu', 5] } }));
		expect(attach(buildTopology(v, { era: { version: [4, 14] } })).byMaster.get('/soc@0/dev@2')).toMatchObject({
			status: 'no-iommu',
			message: 'incorrect number of iommu params found for /soc@0/iommu@1 (found 1, expected 0)',
		});
	});
});

describe('qcom-msm-iommu', () => {
	const view = buildView(
		board({
			'apps_iommu: iommu@1ef0000': {
				compatible: 'qcom,msm-iommu-v1',
				'#iommu-cells': [1],
				'#address-cells': [1],
				'#size-cells': [1],
				'iommu-ctx@4000': { compatible: 'qcom,msm-iommu-v1-ns', reg: [0x4000, 0x1000] },
				'iommu-ctx@5000': { compatible: 'qcom,msm-iommu-v1-sec', reg: [0x5000, 0x1000] },
			},
			'a: mdp@1': { iommus: ['&apps_iommu', 4] },
			'b: venus@2': { iommus: ['&apps_iommu', 6] },
		}),
	);
	it('maps the cell to a context child and checks the range', () => {
		const r = attach(buildTopology(view));
		expect(describeStreams(buildTopology(view), view.byLabel('a')!)[0]).toMatchObject({ label: 'context 4 (iommu-ctx@4000)', slot: 'context bank 4', contextBank: 4 });
		expect(r.byMaster.get('/soc@0/venus@2')).toMatchObject({ status: 'no-iommu', errno: 'EINVAL', message: 'WARN_ON(asid > qcom_iommu->num_ctxs) in qcom_iommu_of_xlate(): ASID 0x6 is not one of the context banks 1..5' });
	});
});

describe('omap-iommu', () => {
	it('lets a DSP use two 0-cell MMUs', () => {
		const view = buildView(
			board({
				'mmu0_dsp1: mmu@40d01000': { compatible: 'ti,dra7-dsp-iommu', '#iommu-cells': [0] },
				'mmu1_dsp1: mmu@40d02000': { compatible: 'ti,dra7-dsp-iommu', '#iommu-cells': [0] },
				'dsp1: dsp@40800000': { iommus: ['&mmu0_dsp1', '&mmu1_dsp1'] },
			}),
		);
		const r = attach(buildTopology(view));
		expect(r.byMaster.get('/soc@0/dsp@40800000')).toMatchObject({ status: 'attached' });
		expect(r.byMaster.get('/soc@0/dsp@40800000')!.entries.map((e) => e.instance)).toEqual(['/soc@0/mmu@40d01000', '/soc@0/mmu@40d02000']);
	});
});

describe('virtio-iommu and generic', () => {
	it('reaches virtio-iommu through iommu-map and never errors on unmodelled IOMMUs', () => {
		const view = buildView({
			'pcie@10000000': {
				compatible: 'pci-host-ecam-generic',
				'bus-range': [0, 1],
				'iommu-map': [0x0, '&viommu', 0x0, 0x8, 0x9, '&viommu', 0x9, 0xfff7],
				'viommu: iommu@1,0': { compatible: 'pci1af4,1057', '#iommu-cells': [1], reg: [0x800, 0, 0, 0, 0] },
			},
			'm4u: iommu@14018000': { compatible: 'mediatek,mt8173-m4u', '#iommu-cells': [1] },
			'vdec@1': { iommus: ['&m4u', 0x123] },
		});
		const t = buildTopology(view);
		const r = attach(t);
		expect(r.byMaster.get('/pcie@10000000 rid 0x0100')!.entries[0]).toMatchObject({ model: 'virtio-iommu', slot: { kind: 'endpoint', index: 0x100 } });
		expect(r.byMaster.get('/vdec@1')).toMatchObject({ status: 'attached' });
		const s = describeStreams(t, view.byPath('/vdec@1')!, r)[0]!;
		expect(s.iommu?.model).toBe('IOMMU (unmodelled)');
		expect(s.slot).toBeUndefined();
	});
});
