/**
 * Seed case 1 (the 2018 rpmsg/arm-smmu thread): SIDs on rpmsg/APR channel nodes, and the upstream
 * fix with platform-device children (compute-cb, q6asm-dais).
 */
import { describe, expect, test } from 'vitest';
import { checkFindings, outcomesOf, readFixture } from '../harness/fixture';

describe('seed: iommus on rpmsg channels', () => {
	test('iommus on the fastrpc channel and an APR service: rpmsg-iommus for each', () => {
		const analysis = checkFindings(readFixture('seed/rpmsg-glink-iommus.dts'));
		// FIXME: the probe simulation treats the channel nodes as DMA masters and reports them
		// translated, contradicting rpmsg-iommus (the kernel never calls of_dma_configure() for
		// rpmsg/APR devices: their DMA is untranslated). They should not be masters at all, or be
		// reported as without IOMMU.
		expect(outcomesOf(analysis)).toEqual({
			'/remoteproc-adsp/glink-edge/apr/service@7': { outcomes: ['translated by /soc@0/iommu@15000000'], orderDependent: false },
			'/remoteproc-adsp/glink-edge/fastrpc': { outcomes: ['translated by /soc@0/iommu@15000000'], orderDependent: false },
		});
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
