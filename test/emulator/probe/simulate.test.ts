import { describe, expect, it } from 'vitest';
import { builtinDriverFacts, exploreFightingSoc, parseKernelVersion, simulateProbe, type MasterResult, type ProbeResult } from '../../../emulator/src/probe';
import { buildView } from '../../harness/dtview';
import { fightingSoc, junoLike, lonelyIommu, rk3288Like } from './fixtures';
import type { DtView } from '../../../emulator/src/types';

const run = (view: DtView, kernel: string, extra: Partial<Parameters<typeof simulateProbe>[1]> = {}): ProbeResult => {
	const version = parseKernelVersion(kernel);
	return simulateProbe(view, { version, facts: builtinDriverFacts(version), ...extra });
};
const master = (r: ProbeResult, path: string): MasterResult => {
	const m = r.masters.find((x) => x.path === path);
	if (!m) throw new Error(`no master ${path}`);
	return m;
};
const kinds = (m: MasterResult): string[] => m.outcomes.map((o) => (o.outcome.kind === 'translated' ? `translated:${o.outcome.iommu}` : `${o.outcome.kind}:${o.outcome.reason}`));

const HDLCD = '/hdlcd@7ff60000';
const DMA = '/dma-controller@7ff00000';
const ACCEL = '/fpga@60000000/accel@64100000';

describe('Juno-like SoC: MMU-401 (arm-smmu) vs MMU-600 (arm-smmu-v3)', () => {
	it('before 6.1 loses one IOMMU\'s masters depending on which driver probes first (5.10)', () => {
		const r = run(junoLike(), '5.10');
		expect(r.era).toBe('per-bus');
		expect(r.buses.find((b) => b.bus === 'platform')).toEqual({
			bus: 'platform',
			candidates: ['arm-smmu', 'arm-smmu-v3'],
			possibleOwners: ['arm-smmu', 'arm-smmu-v3'],
			decidedBy: 'undetermined',
			owner: 'arm-smmu',
		});
		for (const path of [HDLCD, DMA, ACCEL]) expect(master(r, path).orderDependent).toBe(true);
		expect(kinds(master(r, HDLCD))).toEqual(['translated:/iommu@7b600000', 'bypass:iommu-probe-failed']);
		expect(kinds(master(r, DMA))).toEqual(['translated:/iommu@7fb00000', 'bypass:iommu-probe-failed']);
		expect(kinds(master(r, ACCEL))).toEqual(['bypass:iommu-probe-failed', 'translated:/fpga@60000000/iommu@64000000']);
		// The witnesses say who owns the bus.
		const accel = master(r, ACCEL);
		expect(accel.outcomes[0]?.witness.busOwners).toEqual({ platform: 'arm-smmu', amba: 'arm-smmu', pci: 'arm-smmu', 'fsl-mc': 'arm-smmu' });
		expect(accel.outcomes[1]?.witness.busOwners).toEqual({ pci: 'arm-smmu-v3', amba: 'arm-smmu-v3', platform: 'arm-smmu-v3' });
		expect(accel.outcomes[1]?.witness.order).toEqual(['arm-smmu-v3', 'arm-smmu']);
		const lost = master(r, HDLCD).outcomes[1]?.outcome;
		expect(lost).toMatchObject({ kind: 'bypass', when: 'at-timeout', driver: 'arm-smmu' });
		expect(r.instances.map((i) => [i.path, i.states])).toEqual([
			['/iommu@7b600000', ['bound', 'probe-failed']],
			['/iommu@7fb00000', ['bound', 'probe-failed']],
			['/fpga@60000000/iommu@64000000', ['probe-failed', 'bound']],
		]);
	});
	it('before 4.19 the skipped arm-smmu stays bound: its masters are rejected silently (4.14)', () => {
		const r = run(junoLike(), '4.14');
		expect(r.era).toBe('pre-4.19');
		expect(kinds(master(r, HDLCD))).toEqual(['translated:/iommu@7b600000', 'bypass:bus-owned-by-other']);
		expect(kinds(master(r, ACCEL))).toEqual(['bypass:iommu-probe-failed', 'translated:/fpga@60000000/iommu@64000000']);
		expect(master(r, ACCEL).outcomes[0]?.outcome).toMatchObject({ when: 'at-once' });
	});
	it('blocks the rejected masters when arm-smmu.disable_bypass=1 (4.14)', () => {
		const r = run(junoLike(), '4.14', { bootParams: { 'arm-smmu.disable_bypass': true } });
		expect(kinds(master(r, HDLCD))).toEqual(['translated:/iommu@7b600000', 'blocked:bus-owned-by-other']);
	});
	it('6.1 and later translate every master in every order', () => {
		for (const kernel of ['6.1', '7.1']) {
			const r = run(junoLike(), kernel);
			expect(r.buses).toEqual([]);
			for (const m of r.masters) {
				expect(m.orderDependent).toBe(false);
				expect(m.outcome.kind).toBe('translated');
			}
		}
		expect(master(run(junoLike(), '6.6', { passthrough: true }), HDLCD).outcome).toEqual({ kind: 'translated', iommu: '/iommu@7b600000', driver: 'arm-smmu', domain: 'identity' });
	});
	it('lets link order decide when it is known', () => {
		const r = run(junoLike(), '5.10', { driverOrder: ['arm-smmu-v3', 'arm-smmu'] });
		expect(r.buses.find((b) => b.bus === 'platform')?.decidedBy).toBe('link-order');
		expect(kinds(master(r, HDLCD))).toEqual(['bypass:iommu-probe-failed']);
		expect(kinds(master(r, ACCEL))).toEqual(['translated:/fpga@60000000/iommu@64000000']);
	});
});

describe('RK3288-like SoC: rockchip-iommu next to an Arm SMMU', () => {
	it('rockchip claims the platform bus from subsys_initcall; the arm,smmu master is rejected (4.14)', () => {
		const r = run(rk3288Like(), '4.14');
		expect(kinds(master(r, '/vop@ff930000'))).toEqual(['translated:/iommu@ff930300']);
		const periph = master(r, '/periph@ffa10000');
		expect(periph.orderDependent).toBe(false);
		expect(periph.outcome).toMatchObject({ kind: 'bypass', reason: 'bus-owned-by-other', driver: 'arm-smmu' });
		expect(periph.outcome.kind === 'bypass' && periph.outcome.detail).toContain('"incorrect number of iommu params found for /periph@ffa10000 (found 1, expected 0)"');
		expect(r.buses.find((b) => b.bus === 'platform')).toMatchObject({ owner: 'rockchip-iommu', decidedBy: 'initcall-level' });
	});
	it('the 2017 driver claims the bus even when every rockchip node is disabled (4.14), the later one does not (5.10)', () => {
		const old = run(rk3288Like('disabled'), '4.14');
		expect(kinds(master(old, '/vop@ff930000'))).toEqual(['bypass:iommu-disabled']);
		expect(kinds(master(old, '/periph@ffa10000'))).toEqual(['bypass:bus-owned-by-other']);
		expect(old.instances.find((i) => i.path === '/iommu@ff930300')?.state).toBe('disabled');
		const later = run(rk3288Like('disabled'), '5.10');
		expect(kinds(master(later, '/periph@ffa10000'))).toEqual(['translated:/iommu@ffa00000']);
	});
	it('from v5.5 the arm-smmu probe fails with -EBUSY: its master waits, then probes without IOMMU (5.10)', () => {
		const r = run(rk3288Like(), '5.10');
		expect(master(r, '/periph@ffa10000').outcome).toMatchObject({ kind: 'bypass', reason: 'iommu-probe-failed', when: 'at-timeout' });
		expect(master(r, '/periph@ffa10000').orderDependent).toBe(false);
		expect(r.instances.find((i) => i.path === '/iommu@ffa00000')?.state).toBe('probe-failed');
	});
	it('6.1 and later translate both', () => {
		const r = run(rk3288Like(), '6.1');
		expect(r.masters.map((m) => m.outcome.kind)).toEqual(['translated', 'translated']);
	});
	it('traces the default order deterministically', () => {
		const a = run(rk3288Like(), '4.14');
		const b = run(rk3288Like(), '4.14');
		expect(a).toEqual(b);
		expect(a.steps.map((s) => `${s.at} ${s.action} ${s.driver ?? ''} ${s.node ?? ''}`.trim())).toEqual([
			'arch_initcall_sync populate  /',
			'subsys_initcall claim-bus rockchip-iommu',
			'subsys_initcall register-driver rockchip-iommu',
			'subsys_initcall probe-iommu rockchip-iommu /iommu@ff930300',
			'subsys_initcall iommu-bound rockchip-iommu /iommu@ff930300',
			'device_initcall register-driver arm-smmu',
			'device_initcall probe-iommu arm-smmu /iommu@ffa00000',
			'device_initcall bus-busy arm-smmu /iommu@ffa00000',
			'device_initcall claim-bus arm-smmu /iommu@ffa00000',
			'device_initcall claim-bus arm-smmu /iommu@ffa00000',
			'device_initcall iommu-bound arm-smmu /iommu@ffa00000',
			'device_initcall attach rockchip-iommu /vop@ff930000',
			'device_initcall no-iommu  /periph@ffa10000',
		]);
		expect(a.steps.every((s, i) => s.seq === i)).toBe(true);
		expect(a.steps.find((s) => s.action === 'probe-iommu')?.loc).toEqual({ file: 'fixture.dts', start: { line: 3, col: 0 }, end: { line: 3, col: 14 } });
	});
});

describe('IOMMUs without a driver, disabled IOMMUs, modules', () => {
	it('defers a master whose IOMMU has no driver, then probes it without IOMMU at the timeout', () => {
		const r = run(lonelyIommu('no-driver'), '6.6');
		expect(r.masters[0]?.outcome).toMatchObject({ kind: 'bypass', reason: 'no-driver', when: 'at-timeout' });
		expect(r.steps.map((s) => `${s.at} ${s.action}`)).toEqual([
			'arch_initcall_sync populate',
			'device_initcall defer',
			'deferred-probe-timeout no-iommu',
			'deferred-probe-timeout timeout',
		]);
		expect(run(lonelyIommu('no-driver'), '6.6', { deferredProbeTimeout: -1 }).masters[0]?.outcome.kind).toBe('deferred-forever');
		expect(run(lonelyIommu('no-driver'), '4.14').masters[0]?.outcome).toMatchObject({ kind: 'bypass', reason: 'no-driver', when: 'at-once' });
		expect(r.instances[0]?.state).toBe('no-driver');
	});
	it('gives a master of a disabled IOMMU no IOMMU at once (no device link)', () => {
		const r = run(lonelyIommu('disabled'), '6.6');
		expect(r.masters[0]?.outcome).toMatchObject({ kind: 'bypass', reason: 'iommu-disabled', when: 'at-once' });
		expect(r.steps.map((s) => s.action)).toEqual(['populate', 'register-driver', 'no-iommu']);
	});
	it('a module IOMMU may load before or after the timeout; a late SMMUv3 then blocks the master', () => {
		const version = parseKernelVersion('6.6');
		const facts = builtinDriverFacts(version).map((f) => (f.name === 'arm-smmu-v3' ? { ...f, build: 'm' as const } : f));
		const r = simulateProbe(junoLike(), { version, facts });
		expect(kinds(master(r, ACCEL))).toEqual(['translated:/fpga@60000000/iommu@64000000', 'blocked:module-late']);
		expect(master(r, ACCEL).outcomes[1]?.witness.moduleLoad).toBe('after-timeout');
		const never = simulateProbe(junoLike(), { version, facts, unloadedModules: ['arm-smmu-v3'] });
		expect(kinds(master(never, ACCEL))).toEqual(['bypass:module-not-loaded']);
		const forever = simulateProbe(junoLike(), { version, facts, deferredProbeTimeout: -1 });
		expect(kinds(master(forever, ACCEL))).toEqual(['translated:/fpga@60000000/iommu@64000000']);
	});
});

describe('exploration stays polynomial', () => {
	it('explores at most (n + 1)^2 states for n IOMMU drivers fighting over one bus, and finds both outcomes for every master', () => {
		const explored: number[] = [];
		for (let n = 2; n <= 16; n++) {
			const { view, facts } = fightingSoc(n);
			const r = simulateProbe(view, { version: parseKernelVersion('5.10'), facts });
			explored.push(r.explored);
			expect(r.explored).toBeLessThanOrEqual((n + 1) ** 2);
			expect(r.buses[0]?.possibleOwners.length).toBe(n);
			for (const m of r.masters) expect(kinds(m).sort()).toEqual([`bypass:bus-owned-by-other`, `translated:${m.iommu ?? ''}`].sort());
		}
		// Quadratic, not factorial: doubling n at most quadruples the work (plus slack for the linear terms).
		const at = (n: number): number => explored[n - 2] as number;
		expect(at(16) / at(8)).toBeLessThan(4.5);
		expect(at(8) / at(4)).toBeLessThan(4.5);
	});
});
describe('the benchmark workload', () => {
	it('exploreFightingSoc(n) stays within (n + 1)^2 states for n = 2..16', () => {
		const explored = [];
		for (let n = 2; n <= 16; n++) {
			const r = exploreFightingSoc(n);
			expect(r.explored).toBe((n + 1) ** 2);
			expect(r.masters.every((m) => m.orderDependent)).toBe(true);
			explored.push(r.explored);
		}
		expect(explored[0]).toBe(9);
		expect(explored[14]).toBe(289);
	});
});

describe('before 4.19 without IOMMU_OF_DECLARE', () => {
	it('a master of a device-level driver may probe before its IOMMU registers ops (mtk_iommu, 4.14)', () => {
		const view = buildView({
			'm4u: iommu@10205000': { compatible: 'mediatek,mt8173-m4u', '#iommu-cells': [1] },
			'vdec@16000000': { compatible: 'mediatek,mt8173-vcodec-dec', iommus: ['&m4u', 5] },
		});
		const m = run(view, '4.14').masters[0] as MasterResult;
		expect(kinds(m)).toEqual(['translated:/iommu@10205000', 'bypass:probed-before-iommu']);
		expect(m.outcomes.map((o) => o.witness.masterFirst)).toEqual([false, true]);
		expect(m.outcomes[1]?.witness.description).toBe('mtk_iommu owns platform; the master probes before its IOMMU.');
		// From 4.19 the master defers instead, so the order no longer matters.
		expect(kinds(run(view, '4.19').masters[0] as MasterResult)).toEqual(['translated:/iommu@10205000']);
	});
});

describe('stream allocation joins the probe outcomes', () => {
	const smmuV3 = (masters: number) => {
		const nodes: Record<string, Record<string, unknown>> = {
			'smmu: iommu@10000000': { compatible: 'arm,smmu-v3', '#iommu-cells': [1] },
		};
		// Every master uses StreamID 0x20: each pair aliases.
		for (let i = 0; i < masters; i++) nodes[`dev@${(0x20000000 + i * 0x1000).toString(16)}`] = { compatible: 'example,dev', iommus: ['&smmu', 0x20] };
		return buildView(nodes as Parameters<typeof buildView>[0]);
	};

	it('two masters with one SMMUv3 StreamID: whoever probes second loses (aliasing), both orders reported', () => {
		const r = simulateProbe(smmuV3(2), { version: parseKernelVersion('6.8'), facts: builtinDriverFacts(parseKernelVersion('6.8')) });
		const [a, b] = r.masters;
		expect(a?.orderDependent).toBe(true);
		expect(b?.orderDependent).toBe(true);
		expect(kinds(a!)).toEqual(['translated:/iommu@10000000', 'blocked:stream-conflict']);
		expect(kinds(b!)).toEqual(['blocked:stream-conflict', 'translated:/iommu@10000000']);
		const lost = b?.outcomes[0]?.outcome;
		expect(lost?.kind === 'blocked' && lost.detail).toMatch(/Aliasing StreamID 0x20 \(from \/dev@20000000\)/);
		expect(b?.outcomes[1]?.witness.probeOrder).toEqual(['/dev@20001000', '/dev@20000000']);
	});

	it('one extra attach run per order-sensitive master: linear, not permutations', () => {
		const explored: number[] = [];
		for (const n of [4, 8, 16]) {
			const version = parseKernelVersion('6.8');
			const r = simulateProbe(smmuV3(n), { version, facts: builtinDriverFacts(version) });
			explored.push(r.explored);
			// Every master can win (probe first) or lose.
			for (const m of r.masters) expect(m.orderDependent).toBe(true);
		}
		// n evaluations + (n - 1) flips: doubling n at most doubles the work (plus slack).
		expect(explored[1]! / explored[0]!).toBeLessThan(2.5);
		expect(explored[2]! / explored[1]!).toBeLessThan(2.5);
	});
});
