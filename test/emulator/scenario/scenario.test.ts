import { describe, expect, it } from 'vitest';
import { diffOutcomes, runScenario } from '../../../emulator/src/scenario';
import { builtinDriverFacts, KernelVersionError } from '../../../emulator/src/probe';
import { junoLike, rk3288Like } from '../probe/fixtures';

describe('runScenario', () => {
	it('defaults to the newest kernel and the board as written', () => {
		const { result, errors } = runScenario(junoLike());
		expect(errors).toEqual([]);
		expect(result.version).toBe('7.1');
		expect(result.masters.every((m) => m.outcome.kind === 'translated' && !m.orderDependent)).toBe(true);
	});
	it('disables a node by label and enables one by path', () => {
		const off = runScenario(junoLike(), { kernel: '5.10', disable: ['&smmu_fpga'] }).result;
		expect(off.masters.map((m) => [m.path, m.outcomes.map((o) => o.outcome.kind)])).toEqual([
			['/hdlcd@7ff60000', ['translated']],
			['/dma-controller@7ff00000', ['translated']],
			['/fpga@60000000/accel@64100000', ['bypass']],
		]);
		const on = runScenario(rk3288Like('disabled'), { kernel: '5.10', enable: ['/iommu@ff930300'] }).result;
		expect(on.masters.find((m) => m.path === '/vop@ff930000')?.outcome.kind).toBe('translated');
	});
	it('reports what it cannot apply and still runs the rest', () => {
		const { errors, result } = runScenario(junoLike(), { kernel: '6.6', disable: ['&nope'], drivers: { 'no-such-driver': 'n' } });
		expect(errors).toEqual(["No node '&nope' to disable.", "No driver 'no-such-driver' in kernel 6.6's facts."]);
		expect(result.masters).toHaveLength(3);
		expect(() => runScenario(junoLike(), { kernel: '6.x' })).toThrow(KernelVersionError);
	});
	it('applies driver overrides, the forced order and the bypass switches', () => {
		const n = runScenario(junoLike(), { kernel: '5.10', drivers: { 'arm-smmu': 'n' } }).result;
		expect(n.masters.map((m) => m.outcome.kind === 'bypass' ? m.outcome.reason : m.outcome.kind)).toEqual(['no-driver', 'no-driver', 'translated']);
		const forced = runScenario(junoLike(), { kernel: '5.10', iommuDriverOrder: ['arm-smmu', 'arm-smmu-v3'] }).result;
		expect(forced.masters.map((m) => m.orderDependent)).toEqual([false, false, false]);
		const blocked = runScenario(junoLike(), { kernel: '4.14', armSmmuDisableBypass: true, iommuDriverOrder: ['arm-smmu-v3', 'arm-smmu'] }).result;
		expect(blocked.masters[0]?.outcome).toMatchObject({ kind: 'blocked', reason: 'bus-owned-by-other', param: 'arm-smmu.disable_bypass' });
		const kconfigOff = runScenario(junoLike(), { kernel: '4.17', kconfigDisableBypassByDefault: false, iommuDriverOrder: ['arm-smmu-v3', 'arm-smmu'] }).result;
		expect(kconfigOff.masters[0]?.outcome).toMatchObject({ kind: 'bypass', reason: 'bus-owned-by-other' });
		const kconfigOn = runScenario(junoLike(), { kernel: '4.17', iommuDriverOrder: ['arm-smmu-v3', 'arm-smmu'] }).result;
		expect(kconfigOn.masters[0]?.outcome.kind).toBe('blocked');
		const pt = runScenario(junoLike(), { iommuPassthrough: true }).result;
		expect(pt.masters.every((m) => m.outcome.kind === 'translated' && m.outcome.domain === 'identity')).toBe(true);
		const forever = runScenario(junoLike(), { kernel: '5.10', drivers: { 'arm-smmu-v3': 'n' }, deferredProbeTimeout: -1 }).result;
		expect(forever.masters[2]?.outcome).toMatchObject({ kind: 'deferred-forever', reason: 'no-driver' });
	});
	it('takes driver facts as a list or per version', () => {
		const calls: string[] = [];
		runScenario(junoLike(), { kernel: '5.4' }, (v) => {
			calls.push(`${v.major}.${v.minor}`);
			return builtinDriverFacts(v);
		});
		expect(calls).toEqual(['5.4']);
		const none = runScenario(junoLike(), { kernel: '6.6' }, []).result;
		expect(none.masters.every((m) => m.outcome.kind === 'bypass' && m.outcome.reason === 'no-driver')).toBe(true);
	});
});

describe('diffOutcomes', () => {
	it('says what changed against the board as written', () => {
		const board = runScenario(junoLike(), { kernel: '5.10' }).result;
		const whatIf = runScenario(junoLike(), { kernel: '5.10', disable: ['smmu_fpga'] }).result;
		expect(diffOutcomes(board, whatIf).map((c) => [c.path, c.summary])).toEqual([
			['/dma-controller@7ff00000', 'translated by /iommu@7fb00000 | bypass (iommu-probe-failed, at the timeout) → translated by /iommu@7fb00000'],
			['/fpga@60000000/accel@64100000', 'bypass (iommu-probe-failed, at the timeout) | translated by /fpga@60000000/iommu@64000000 → bypass (iommu-disabled)'],
			['/hdlcd@7ff60000', 'translated by /iommu@7b600000 | bypass (iommu-probe-failed, at the timeout) → translated by /iommu@7b600000'],
		]);
		expect(diffOutcomes(board, board)).toEqual([]);
		const upgraded = runScenario(junoLike(), { kernel: '6.1' }).result;
		expect(diffOutcomes(board, upgraded).map((c) => c.after?.map((o) => o.kind))).toEqual([['translated'], ['translated'], ['translated']]);
	});
	it('reports masters that appear or disappear', () => {
		const board = runScenario(junoLike(), { kernel: '6.6' }).result;
		const noHdlcd = runScenario(junoLike(), { kernel: '6.6', disable: ['/hdlcd@7ff60000'] }).result;
		const changes = diffOutcomes(board, noHdlcd);
		expect(changes).toHaveLength(1);
		expect(changes[0]).toMatchObject({ path: '/hdlcd@7ff60000', summary: 'translated by /iommu@7b600000 → absent' });
		expect(changes[0]?.after).toBeUndefined();
	});
});
