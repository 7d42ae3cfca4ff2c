/**
 * Seed case 1 (the 2018 rpmsg/arm-smmu thread): SIDs on rpmsg/APR channel nodes, and the upstream
 * fix with platform-device children (compute-cb, q6asm-dais).
 */
import { describe, expect, test } from 'vitest';
import { checkFindings, outcomesOf, readFixture } from '../harness/fixture';

describe('seed: iommus on rpmsg channels', () => {
	test('iommus on the fastrpc channel and an APR service: rpmsg-iommus for each', () => {
		const analysis = checkFindings(readFixture('seed/rpmsg-glink-iommus.dts'));
		// The kernel never calls of_dma_configure() for rpmsg channel or APR/GPR service devices: the
		// simulation keeps them in its list of masters (so a reader of `simulate` sees where the SIDs
		// went) with the outcome "no IOMMU, not a platform device", agreeing with rpmsg-iommus.
		expect(outcomesOf(analysis)).toEqual({
			'/remoteproc-adsp/glink-edge/apr/service@7': { outcomes: ['bypass (not-a-platform-device)'], orderDependent: false },
			'/remoteproc-adsp/glink-edge/fastrpc': { outcomes: ['bypass (not-a-platform-device)'], orderDependent: false },
		});
		const fastrpc = analysis.simulation.result.masters.find((m) => m.path === '/remoteproc-adsp/glink-edge/fastrpc');
		expect(fastrpc?.outcome.kind === 'bypass' && fastrpc.outcome.detail).toMatch(/not a platform device: the kernel never calls of_dma_configure\(\)/);
	});

	test('the fixed form: each compute-cb and the q6asm-dais child is its own translated master', () => {
		const analysis = checkFindings(readFixture('seed/rpmsg-glink-compute-cb.dts'));
		expect(outcomesOf(analysis)).toEqual({
			'/remoteproc-adsp/glink-edge/apr/service@7/dais': { outcomes: ['translated by /soc@0/iommu@15000000'], orderDependent: false },
			'/remoteproc-adsp/glink-edge/fastrpc/compute-cb@3': { outcomes: ['translated by /soc@0/iommu@15000000'], orderDependent: false },
			'/remoteproc-adsp/glink-edge/fastrpc/compute-cb@4': { outcomes: ['translated by /soc@0/iommu@15000000'], orderDependent: false },
		});
	});
});
