import { describe, expect, it } from 'vitest';
import { check } from '../../../emulator/src/checks/rpmsg-iommus';
import { sdm845 } from '../rpmsg/fixtures';

const FASTRPC = '/soc@0/remoteproc@17300000/glink-edge/fastrpc';

describe('rpmsg-iommus', () => {
	it('is silent when the SIDs sit on platform children (compute-cb, q6asm dais)', () => {
		expect(check({ view: sdm845() })).toEqual([]);
	});

	it('reports iommus on the fastrpc channel node (the 2018 patch layout)', () => {
		const view = sdm845({
			adspFastrpc: {
				compatible: 'qcom,fastrpc',
				'qcom,glink-channels': 'fastrpcglink-apps-dsp',
				label: 'adsp',
				iommus: ['&apps_smmu', 0x1823, 0x0],
			},
		});
		const node = view.byPath(FASTRPC)!;
		expect(check({ view })).toEqual([
			{
				id: 'rpmsg-iommus',
				severity: 'error',
				message: `iommus on rpmsg channel node ${FASTRPC} is ignored: it is not a platform device and the kernel never calls of_dma_configure() for it, so DMA done for this channel is not translated by the IOMMU. Move the SIDs into a child node with a platform compatible (qcom,fastrpc-compute-cb).`,
				loc: node.property('iommus')!.loc,
				related: [{ loc: node.loc, message: `rpmsg channel node ${FASTRPC}` }],
				fix: { kind: 'move-iommus-to-child', node: FASTRPC, property: 'iommus', childName: 'compute-cb@1', compatible: 'qcom,fastrpc-compute-cb' },
			},
		]);
	});

	it('reports iommus on an APR service node and on the edge itself', () => {
		const view = sdm845({
			adspPas: {
				'glink-edge': {
					iommus: ['&apps_smmu', 0x1800, 0x0],
					apr: {
						compatible: 'qcom,apr-v2',
						'qcom,glink-channels': 'apr_audio_svc',
						'service@7': { compatible: 'qcom,q6asm', reg: [7], iommus: ['&apps_smmu', 0x1821, 0x0] },
					},
				},
			},
		});
		const edge = view.byPath('/soc@0/remoteproc@17300000/glink-edge')!;
		const svc = view.byPath('/soc@0/remoteproc@17300000/glink-edge/apr/service@7')!;
		expect(check({ view })).toEqual([
			{
				id: 'rpmsg-iommus',
				severity: 'error',
				message: `iommus on GLINK/SMD edge node ${edge.path} is ignored: it is not a platform device and the kernel never calls of_dma_configure() for it, so DMA done for this channel is not translated by the IOMMU. Move the SIDs into a child node with a platform compatible.`,
				loc: edge.property('iommus')!.loc,
				related: [{ loc: edge.loc, message: `GLINK/SMD edge node ${edge.path}` }],
				fix: { kind: 'move-iommus-to-child', node: edge.path, property: 'iommus', childName: 'dma-master' },
			},
			{
				id: 'rpmsg-iommus',
				severity: 'error',
				message: `iommus on APR/GPR service node ${svc.path} is ignored: it is not a platform device and the kernel never calls of_dma_configure() for it, so DMA done for this channel is not translated by the IOMMU. Move the SIDs into a child node with a platform compatible.`,
				loc: svc.property('iommus')!.loc,
				related: [{ loc: svc.loc, message: `APR/GPR service node ${svc.path}` }],
				fix: { kind: 'move-iommus-to-child', node: svc.path, property: 'iommus', childName: 'dma-master' },
			},
		]);
	});
});
