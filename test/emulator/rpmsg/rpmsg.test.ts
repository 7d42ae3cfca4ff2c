import { describe, expect, it } from 'vitest';
import { FASTRPC_MAX_SESSIONS, fastrpcChannels, fastrpcLabelStatus, remoteprocFamily, remoteProcessors } from '../../../emulator/src/rpmsg';
import { k3, sdm845 } from './fixtures';

describe('fastrpc channels (sdm845 layout)', () => {
	it('gives the adsp channel sessions 3 and 4 with their DSP address bases', () => {
		const view = sdm845();
		const [adsp, cdsp] = fastrpcChannels(view);
		expect(adsp).toMatchObject({
			node: '/soc@0/remoteproc@17300000/glink-edge/fastrpc',
			label: 'adsp',
			labelStatus: 'ok',
			domainId: 0,
			edgeKind: 'glink',
			remoteproc: '/soc@0/remoteproc@17300000',
			channelNames: ['fastrpcglink-apps-dsp'],
			requestedSessions: 2,
			secure: true,
		});
		expect(adsp!.sessions.map((s) => [s.index, s.sid, s.dspAddressBase, s.cb])).toEqual([
			[0, 3, 0x3_0000_0000n, '/soc@0/remoteproc@17300000/glink-edge/fastrpc/compute-cb@3'],
			[1, 4, 0x4_0000_0000n, '/soc@0/remoteproc@17300000/glink-edge/fastrpc/compute-cb@4'],
		]);
		expect(adsp!.computeCbs[0]!.iommus).toEqual([
			{ iommu: '/soc@0/iommu@15000000', args: [0x1823n, 0x0n], loc: view.byPath('/soc@0/remoteproc@17300000/glink-edge/fastrpc/compute-cb@3')!.property('iommus')!.entryLoc(0, 3), iommuAvailable: true },
		]);
		expect(adsp!.computeCbs[0]!.dmaMaskBits).toBe(32);
		expect(cdsp).toMatchObject({ label: 'cdsp', domainId: 3, vmids: [0x16, 0x25], requestedSessions: 8 });
		expect(cdsp!.sessions.map((s) => s.sid)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
		expect(cdsp!.sessions.map((s) => s.dspAddressBase)).toEqual([1n, 2n, 3n, 4n, 5n, 6n, 7n, 8n].map((n) => n << 32n));
		expect(cdsp!.computeCbs.map((cb) => cb.iommus[0]!.args)).toEqual([1, 2, 3, 4, 5, 6, 7, 8].map((n) => [BigInt(0x1400 + n), 0x30n]));
	});

	it('duplicates sessions with qcom,nsessions and stops at 14', () => {
		const view = sdm845({
			adspFastrpc: {
				compatible: 'qcom,fastrpc',
				'qcom,glink-channels': 'fastrpcglink-apps-dsp',
				label: 'adsp',
				'#address-cells': [1],
				'#size-cells': [0],
				'compute-cb@1': { compatible: 'qcom,fastrpc-compute-cb', reg: [1], 'qcom,nsessions': [10], iommus: ['&apps_smmu', 0x1801, 0x0] },
				'compute-cb@2': { compatible: 'qcom,fastrpc-compute-cb', reg: [2], 'qcom,nsessions': [6], iommus: ['&apps_smmu', 0x1802, 0x0] },
				'compute-cb@3': { compatible: 'qcom,fastrpc-compute-cb', reg: [3], iommus: ['&apps_smmu', 0x1803, 0x0] },
			},
		});
		const adsp = fastrpcChannels(view)[0]!;
		expect(adsp.sessions).toHaveLength(FASTRPC_MAX_SESSIONS);
		expect(adsp.computeCbs.map((cb) => [cb.sessions.length, cb.droppedCopies, cb.tooManySessions])).toEqual([
			[10, 0, false],
			[4, 2, false],
			[0, 0, true],
		]);
		expect(adsp.sessions[1]).toMatchObject({ sid: 1, duplicate: true });
		expect(adsp.requestedSessions).toBe(17);
	});

	it('reads labels as each kernel era does', () => {
		expect(fastrpcLabelStatus('cdsp')).toEqual({ status: 'ok', domainId: 3 });
		expect(fastrpcLabelStatus('cdsp1')).toEqual({ status: 'newer-only', domainId: 3 });
		expect(fastrpcLabelStatus('gdsp0')).toEqual({ status: 'newer-only', domainId: 4 });
		expect(fastrpcLabelStatus('dsp')).toEqual({ status: 'invalid' });
		expect(fastrpcLabelStatus(undefined)).toEqual({ status: 'missing' });
	});
});

describe('remote processors', () => {
	it('finds PAS remoteprocs with their edges, channels, services and carveouts', () => {
		const view = sdm845();
		const [adsp, cdsp] = remoteProcessors(view);
		expect(adsp).toMatchObject({ node: '/soc@0/remoteproc@17300000', family: 'qcom-pas', available: true });
		expect(adsp!.edges).toHaveLength(1);
		const edge = adsp!.edges[0]!;
		expect(edge.kind).toBe('glink');
		expect(edge.channels.map((c) => [c.name, c.kind, c.channelNames])).toEqual([
			['fastrpc', 'fastrpc', ['fastrpcglink-apps-dsp']],
			['apr', 'apr', ['apr_audio_svc']],
		]);
		expect(edge.channels[1]!.services).toEqual(['/soc@0/remoteproc@17300000/glink-edge/apr/service@3', '/soc@0/remoteproc@17300000/glink-edge/apr/service@7']);
		expect(adsp!.carveouts.map((c) => [c.index, c.target, c.region?.noMap])).toEqual([[0, '/reserved-memory/memory@8c500000', true]]);
		expect(adsp!.view.kind).toBe('windows');
		expect(adsp!.view.windows).toEqual([{ start: 0n, end: 0x10_0000_0000n }]);
		expect(cdsp!.family).toBe('qcom-pas');
	});

	it('gives a PAS remoteproc with iommus an IOMMU view', () => {
		const view = sdm845({ adspPas: { iommus: ['&apps_smmu', 0x1800, 0x0] } });
		expect(remoteProcessors(view)[0]!.view).toMatchObject({ kind: 'iommu', iommus: ['/soc@0/iommu@15000000'] });
	});

	it('computes the DRAM window a TI K3 R5F reaches through its bus dma-ranges', () => {
		const view = k3();
		const [r5f] = remoteProcessors(view);
		expect(r5f).toMatchObject({ node: '/bus@100000/r5fss@5c00000/r5f@5c00000', family: 'ti-k3-r5f' });
		expect(r5f!.view).toMatchObject({ kind: 'windows', windows: [{ start: 0x80000000n, end: 0x1_0000_0000n }], source: { node: '/bus@100000' } });
		expect(r5f!.carveouts.map((c) => c.region?.name)).toEqual(['r5f-dma-memory@a0000000', 'r5f-memory@a0100000']);
	});

	it('classifies remoteproc compatibles', () => {
		expect(remoteprocFamily(['qcom,sm8550-cdsp-pas'])).toBe('qcom-pas');
		expect(remoteprocFamily(['ti,j721e-r5fss'])).toBeUndefined();
		expect(remoteprocFamily(['ti,j721e-c66-dsp'])).toBe('ti-k3-dsp');
		expect(remoteprocFamily(['ti,am64-m4fss'])).toBe('ti-k3-m4');
		expect(remoteprocFamily(['ti,dra7-dsp'])).toBe('ti-omap');
		expect(remoteprocFamily(['st,stm32mp1-m4', 'vendor,remoteproc'])).toBe('generic');
		expect(remoteprocFamily(['arm,mmu-500'])).toBeUndefined();
	});
});
