import { describe, expect, it } from 'vitest';
import { check } from '../../../emulator/src/checks/probe-deferred';
import { junoLike, lonelyIommu } from '../probe/fixtures';

describe('probe-deferred', () => {
	it('says the master defers until the timeout, then probes without IOMMU (6.6)', () => {
		const findings = check({ view: lonelyIommu('no-driver'), scenario: { kernel: '6.6' } });
		expect(findings).toEqual([
			{
				id: 'probe-deferred',
				severity: 'warning',
				message:
					'/gpu@2000000: no driver matches "vendor,mystery-iommu"; the master defers (-EPROBE_DEFER) until the deferred-probe timeout (10 s), then probes without an IOMMU (its DMA is not translated).',
				loc: findings[0]!.loc,
				related: [{ loc: findings[0]!.related[0]!.loc, message: '/iommu@1000000: no driver (no-driver)' }],
			},
		]);
		expect(findings[0]!.loc.start.line).toBe(8);
	});
	it('says before 4.19 the master gets no IOMMU at once', () => {
		const [f] = check({ view: lonelyIommu('no-driver'), scenario: { kernel: '4.14' } });
		expect(f?.message).toBe(
			'/gpu@2000000: no driver matches "vendor,mystery-iommu"; before 4.19 of_iommu_xlate() returns NO_IOMMU and the master probes without an IOMMU at once (its DMA is not translated).',
		);
	});
	it('is an error when the master defers forever', () => {
		const [f] = check({ view: lonelyIommu('no-driver'), scenario: { kernel: '6.6', deferredProbeTimeout: -1 } });
		expect(f?.severity).toBe('error');
		expect(f?.message).toContain('with deferred_probe_timeout=-1 the master defers (-EPROBE_DEFER) forever (the device never probes)');
	});
	it('covers drivers built n and modules that load late or never', () => {
		expect(check({ view: junoLike(), scenario: { kernel: '6.6', drivers: { 'arm-smmu-v3': 'n' } } }).map((f) => f.message)).toEqual([
			'/fpga@60000000/accel@64100000: the driver for /fpga@60000000/iommu@64000000 is not built (n); the master defers (-EPROBE_DEFER) until the deferred-probe timeout (10 s), then probes without an IOMMU (its DMA is not translated).',
		]);
		const late = check({ view: junoLike(), scenario: { kernel: '6.6', drivers: { 'arm-smmu-v3': 'm' } } });
		expect(late.map((f) => f.message)).toEqual([
			'/fpga@60000000/accel@64100000: the arm-smmu-v3 module loads after the deferred-probe timeout; the master already probed without an IOMMU; arm-smmu-v3 is bound with arm-smmu-v3.disable_bypass=1, so the master\'s unmatched stream is blocked (fault) instead of bypassing. Depending on the order, /fpga@60000000/accel@64100000 may instead be translated.',
		]);
		expect(check({ view: junoLike(), scenario: { kernel: '6.6', drivers: { 'arm-smmu-v3': 'm' }, unloadedModules: ['arm-smmu-v3'] } })).toHaveLength(1);
	});
	it('ignores disabled IOMMUs (another check) and bound ones', () => {
		expect(check({ view: lonelyIommu('disabled'), scenario: { kernel: '6.6' } })).toEqual([]);
		expect(check({ view: junoLike() })).toEqual([]);
	});
});
