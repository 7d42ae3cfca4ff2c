import { describe, expect, it } from 'vitest';
import {
	KernelVersionError,
	NEWEST_KERNEL,
	builtinDriverFacts,
	builtinDriverNames,
	defaultDeferredProbeTimeout,
	eraOf,
	formatKernelVersion,
	matchDriver,
	parseKernelVersion,
	tryParseKernelVersion,
} from '../../../emulator/src/probe';

describe('kernel versions and eras', () => {
	it('parses X.Y and tolerates a patch level, -rc and a leading v', () => {
		expect(parseKernelVersion('5.10')).toEqual({ major: 5, minor: 10 });
		expect(parseKernelVersion(' v6.1-rc3 ')).toEqual({ major: 6, minor: 1 });
		expect(parseKernelVersion('4.19.282')).toEqual({ major: 4, minor: 19 });
		expect(formatKernelVersion(NEWEST_KERNEL)).toBe('7.1');
	});
	it('names the bad value in its errors', () => {
		expect(() => parseKernelVersion('five')).toThrow(KernelVersionError);
		expect(() => parseKernelVersion('five')).toThrow("Invalid kernel version 'five'");
		expect(() => parseKernelVersion('1.0')).toThrow("Invalid kernel version '1.0': major version 1 is out of range");
		expect(tryParseKernelVersion('6')).toEqual({ ok: false, error: "Invalid kernel version '6': expected MAJOR.MINOR such as 5.10 or 6.1." });
	});
	it('splits the eras at 4.19 and 6.1', () => {
		expect(eraOf(parseKernelVersion('4.18'))).toBe('pre-4.19');
		expect(eraOf(parseKernelVersion('4.19'))).toBe('per-bus');
		expect(eraOf(parseKernelVersion('6.0'))).toBe('per-bus');
		expect(eraOf(parseKernelVersion('6.1'))).toBe('per-device');
		expect(eraOf(NEWEST_KERNEL)).toBe('per-device');
		expect(defaultDeferredProbeTimeout(parseKernelVersion('5.10'))).toBe(0);
		expect(defaultDeferredProbeTimeout(parseKernelVersion('6.6'))).toBe(10);
	});
});

describe('built-in driver facts', () => {
	it('has a provenance for every driver of every era', () => {
		for (const version of ['4.14', '4.19', '5.10', '5.15', '6.1', '7.1']) {
			for (const f of builtinDriverFacts(parseKernelVersion(version))) {
				expect(f.provenance.length).toBeGreaterThan(10);
				expect(f.compatibles.length).toBeGreaterThan(0);
			}
		}
		expect(builtinDriverNames()).toContain('rockchip-iommu');
	});
	it('models the rockchip 2017 initcall claim and its later move to probe', () => {
		const rk414 = builtinDriverFacts(parseKernelVersion('4.14')).find((f) => f.name === 'rockchip-iommu');
		expect(rk414?.registration.level).toBe('subsys');
		expect(rk414?.busSetIommu).toEqual([{ bus: 'platform', from: 'initcall', onBusy: 'fail-register', guardedByIommuPresent: false, claimsWhenAnyNodeExists: true }]);
		expect(rk414?.attach).toBe('bus-add-device');
		const rk510 = builtinDriverFacts(parseKernelVersion('5.10')).find((f) => f.name === 'rockchip-iommu');
		expect(rk510?.busSetIommu.map((c) => c.from)).toEqual(['probe']);
		expect(rk510?.compatibles).toEqual(['rockchip,iommu']);
		expect(builtinDriverFacts(parseKernelVersion('5.15')).find((f) => f.name === 'rockchip-iommu')?.compatibles).toEqual(['rockchip,iommu', 'rockchip,rk3568-iommu']);
	});
	it('retires bus_set_iommu() for every driver from 6.1 and leaves out drivers not yet merged', () => {
		const v61 = builtinDriverFacts(parseKernelVersion('6.1'));
		expect(v61.every((f) => f.busSetIommu.length === 0 && f.registersPerInstance)).toBe(true);
		expect(builtinDriverFacts(parseKernelVersion('5.10')).some((f) => f.name === 'apple-dart')).toBe(false);
		expect(builtinDriverFacts(parseKernelVersion('5.10')).find((f) => f.name === 'arm-smmu')?.busSetIommu.map((c) => `${c.bus}:${c.onBusy}`)).toEqual([
			'platform:fail-probe',
			'amba:fail-probe',
			'pci:fail-probe',
			'fsl-mc:fail-probe',
		]);
		expect(builtinDriverFacts(parseKernelVersion('4.14')).find((f) => f.name === 'arm-smmu')?.ofDeclare).toBe(true);
	});
	it('matches the most specific compatible first', () => {
		const facts = builtinDriverFacts(parseKernelVersion('6.6'));
		expect(matchDriver(['arm,mmu-401', 'arm,smmu-v1'], facts)?.name).toBe('arm-smmu');
		expect(matchDriver(['arm,smmu-v3'], facts)?.name).toBe('arm-smmu-v3');
		expect(matchDriver(['vendor,unknown'], facts)).toBeUndefined();
	});
});
