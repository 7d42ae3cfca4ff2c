import { describe, expect, it } from 'vitest';
import { check } from '../../../emulator/src/checks/fastrpc-session';
import { buildView } from '../../harness/dtview';
import { sdm845 } from '../rpmsg/fixtures';

const CH = '/soc@0/remoteproc@17300000/glink-edge/fastrpc';
const cb = (reg: number | null, extra: Record<string, (number | string)[]> = {}) => ({
	compatible: 'qcom,fastrpc-compute-cb',
	...(reg === null ? {} : { reg: [reg] }),
	iommus: ['&apps_smmu', 0x1800 + (reg ?? 0), 0x0],
	...extra,
});
const channel = (label: string, cbs: Record<string, ReturnType<typeof cb>>) => ({
	compatible: 'qcom,fastrpc',
	'qcom,glink-channels': 'fastrpcglink-apps-dsp',
	label,
	'#address-cells': [1],
	'#size-cells': [0],
	...cbs,
});

describe('fastrpc-session', () => {
	it('is silent on the sdm845 layout', () => {
		expect(check({ view: sdm845() })).toEqual([]);
	});

	it('reports a CB without reg and a duplicate reg', () => {
		const view = sdm845({ adspFastrpc: channel('adsp', { 'compute-cb': cb(null), 'compute-cb@3': cb(3), 'compute-cb@3a': cb(3) }) });
		const n = (p: string) => view.byPath(`${CH}/${p}`)!;
		expect(check({ view })).toEqual([
			{
				id: 'fastrpc-session',
				severity: 'error',
				message: `FastRPC Session ID not specified in DT: ${CH}/compute-cb has no reg, so its session uses sid 0 and its buffers reach the DSP untagged, in the context of whatever CB the firmware maps to 0.`,
				loc: n('compute-cb').loc,
				related: [{ loc: view.byPath(CH)!.loc, message: `channel ${CH}` }],
				fix: { kind: 'add-property', node: `${CH}/compute-cb`, property: 'reg' },
			},
			{
				id: 'fastrpc-session',
				severity: 'error',
				message: `${CH}/compute-cb@3a has reg <3> like ${CH}/compute-cb@3: both sessions tag buffers with 0x300000000 (sid 3 << 32), so the DSP uses one context bank for both.`,
				loc: n('compute-cb@3a').property('reg')!.loc,
				related: [{ loc: n('compute-cb@3').property('reg')!.loc, message: `reg of ${CH}/compute-cb@3` }],
			},
		]);
	});

	it('reports too many sessions (-ENOSPC) and silently dropped copies', () => {
		const view = sdm845({
			adspFastrpc: channel('adsp', {
				'compute-cb@1': cb(1, { 'qcom,nsessions': [10] }),
				'compute-cb@2': cb(2, { 'qcom,nsessions': [6] }),
				'compute-cb@3': cb(3),
			}),
		});
		const n = (p: string) => view.byPath(`${CH}/${p}`)!;
		expect(check({ view })).toEqual([
			{
				id: 'fastrpc-session',
				severity: 'warning',
				message: `qcom,nsessions = <6> of ${CH}/compute-cb@2 exceeds the 14 sessions of ${CH}: the last 2 copies are silently dropped.`,
				loc: n('compute-cb@2').property('qcom,nsessions')!.loc,
				related: [],
			},
			{
				id: 'fastrpc-session',
				severity: 'error',
				message: `too many sessions: ${CH} asks for 17 sessions, more than FASTRPC_MAX_SESSIONS (14); fastrpc_cb_probe() of ${CH}/compute-cb@3 fails with -ENOSPC, so this context bank is never used.`,
				loc: n('compute-cb@3').loc,
				related: [
					{ loc: n('compute-cb@1').property('qcom,nsessions')!.loc, message: `${CH}/compute-cb@1: 10 session(s)` },
					{ loc: n('compute-cb@2').property('qcom,nsessions')!.loc, message: `${CH}/compute-cb@2: 4 session(s)` },
				],
			},
		]);
	});

	it('reports invalid, missing and newer-kernel-only labels', () => {
		const bad = sdm845({ adspFastrpc: channel('dsp', { 'compute-cb@3': cb(3) }) });
		expect(check({ view: bad })).toEqual([
			{
				id: 'fastrpc-session',
				severity: 'error',
				message: `FastRPC Invalid Domain ID -1: label "dsp" of ${CH} is not adsp, mdsp, sdsp or cdsp, so fastrpc_rpmsg_probe() fails with -EINVAL (newer kernels print "FastRPC Domain dsp not supported").`,
				loc: bad.byPath(CH)!.property('label')!.loc,
				related: [],
			},
		]);
		const gdsp = sdm845({ adspFastrpc: channel('gdsp0', { 'compute-cb@3': cb(3) }) });
		expect(check({ view: gdsp })).toEqual([
			{
				id: 'fastrpc-session',
				severity: 'warning',
				message: `label "gdsp0" of ${CH} is only accepted by kernels that match the domain by its first four characters (with gdsp support); older kernels fail probe with "FastRPC Invalid Domain ID -1".`,
				loc: gdsp.byPath(CH)!.property('label')!.loc,
				related: [],
			},
		]);
		const { label: _label, ...noLabel } = channel('x', { 'compute-cb@3': cb(3) });
		const missing = sdm845({ adspFastrpc: noLabel });
		expect(check({ view: missing })).toEqual([
			{
				id: 'fastrpc-session',
				severity: 'error',
				message: `FastRPC Domain not specified in DT: ${CH} has no label, so fastrpc_rpmsg_probe() fails and no /dev/fastrpc-* device is created.`,
				loc: missing.byPath(CH)!.loc,
				related: [],
			},
		]);
	});

	it('reports a fastrpc node outside any edge, and one without its channel name', () => {
		const view = buildView({
			'#address-cells': [1],
			'#size-cells': [1],
			'smmu: iommu@0': { '#iommu-cells': [2], reg: [0x0, 0x100] },
			fastrpc: { compatible: 'qcom,fastrpc', label: 'adsp', 'compute-cb@1': { compatible: 'qcom,fastrpc-compute-cb', reg: [1], iommus: ['&smmu', 0x1, 0x0] } },
			'remoteproc@1000': { compatible: 'qcom,x-adsp-pas', reg: [0x1000, 0x100], 'smd-edge': { fastrpc: { compatible: 'qcom,fastrpc', label: 'adsp' } } },
		});
		expect(check({ view })).toEqual([
			{
				id: 'fastrpc-session',
				severity: 'error',
				message: '/fastrpc is not a channel of a glink-edge or smd-edge: no rpmsg device is created for it, so fastrpc_rpmsg_probe() never runs and its compute-cb children never become devices.',
				loc: view.byPath('/fastrpc')!.loc,
				related: [],
			},
			{
				id: 'fastrpc-session',
				severity: 'error',
				message: '/remoteproc@1000/smd-edge/fastrpc has no qcom,smd-channels: the SMD channel the DSP opens is never matched to this node, so the fastrpc driver never probes.',
				loc: view.byPath('/remoteproc@1000/smd-edge/fastrpc')!.loc,
				related: [],
				fix: { kind: 'add-property', node: '/remoteproc@1000/smd-edge/fastrpc', property: 'qcom,smd-channels', value: '"fastrpcsmd-apps-dsp"' },
			},
		]);
	});
});
