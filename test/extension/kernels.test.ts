/** The client's kernel picker table agrees with the emulator's eras (the client may not import it). */
import { describe, expect, it } from 'vitest';
import { KERNEL_ERAS, NEWEST_KERNEL, eraOfVersion } from '../../client/src/kernels';
import { probe } from '../../emulator/src';

describe('client kernel table', () => {
	it('names the emulator newest kernel', () => {
		expect(NEWEST_KERNEL).toBe(probe.formatKernelVersion(probe.NEWEST_KERNEL));
	});

	it('puts every offered version in the era the emulator gives it, newest first', () => {
		for (const era of KERNEL_ERAS) {
			expect(era.versions.length).toBeGreaterThan(0);
			for (const v of era.versions) expect([v, probe.eraOf(probe.parseKernelVersion(v))]).toEqual([v, era.era]);
			const sorted = [...era.versions].sort((a, b) => probe.compareKernelVersions(probe.parseKernelVersion(b), probe.parseKernelVersion(a)));
			expect(era.versions).toEqual(sorted);
		}
		expect(KERNEL_ERAS.map((e) => e.era).sort()).toEqual(['per-bus', 'per-device', 'pre-4.19']);
	});

	it('eraOfVersion matches the emulator at and around every boundary', () => {
		for (const v of ['3.18', '4.4', '4.18', '4.19', '4.20', '5.0', '6.0', '6.1', '6.2', '7.1', '10.0']) {
			expect([v, eraOfVersion(v)]).toEqual([v, probe.eraOf(probe.parseKernelVersion(v))]);
		}
		expect(eraOfVersion('six')).toBeUndefined();
		expect(eraOfVersion('')).toBeUndefined();
	});
});
