import { describe, expect, it } from 'vitest';
import { check } from '../../../emulator/src/checks/dma-ranges';
import { buildView } from '../../harness/dtview';

const tree = (devExtra: Record<string, true | string | (number | string)[]> = {}) =>
	buildView({
		'#address-cells': [2],
		'#size-cells': [2],
		'reserved-memory': {
			'#address-cells': [2],
			'#size-cells': [2],
			ranges: true,
			'low: low@90000000': { compatible: 'shared-dma-pool', reg: [0x0, 0x90000000, 0x0, 0x100000], 'no-map': true },
			'high: high@100000000': { compatible: 'shared-dma-pool', reg: [0x1, 0x0, 0x0, 0x100000], 'no-map': true },
			'dyn: dyn': { compatible: 'shared-dma-pool', size: [0x0, 0x100000], 'alloc-ranges': [0x2, 0x0, 0x1, 0x0] },
		},
		'soc@0': {
			compatible: 'simple-bus',
			'#address-cells': [2],
			'#size-cells': [2],
			ranges: true,
			'dma-ranges': [0x0, 0x0, 0x0, 0x80000000, 0x0, 0x80000000],
			'mid@1000000': {
				compatible: 'simple-bus',
				'#address-cells': [2],
				'#size-cells': [2],
				ranges: true,
				'leaf@1000000': {
					compatible: 'simple-bus',
					'#address-cells': [2],
					'#size-cells': [2],
					ranges: true,
					'dma-ranges': true,
					'dev@1000000': { compatible: 'vendor,dev', reg: [0x0, 0x1000000, 0x0, 0x1000] },
					'smmu-dev@1001000': { compatible: 'vendor,dev', reg: [0x0, 0x1001000, 0x0, 0x1000], iommus: ['&smmu', 0x1] },
				},
			},
			'dev@2000000': { compatible: 'vendor,dev', reg: [0x0, 0x2000000, 0x0, 0x1000], 'memory-region': ['&low', '&high', '&dyn'], ...devExtra },
			'masked@3000000': { compatible: 'vendor,dev', reg: [0x0, 0x3000000, 0x0, 0x1000], 'memory-region': ['&high'], iommus: ['&smmu', 0x2] },
			'smmu: iommu@15000000': { compatible: 'arm,mmu-500', reg: [0x0, 0x15000000, 0x0, 0x1000], '#iommu-cells': [1] },
		},
		'odd@a0000000': {
			compatible: 'simple-bus',
			'#address-cells': [1],
			'#size-cells': [1],
			ranges: true,
			'dma-ranges': [0x0, 0x0, 0x0, 0x10000000, 0x0],
		},
	});

describe('dma-ranges', () => {
	it('reports a broken chain, buffers outside the window and a malformed property', () => {
		const view = tree();
		const soc = view.byPath('/soc@0')!;
		const mid = view.byPath('/soc@0/mid@1000000')!;
		const dev = view.byPath('/soc@0/mid@1000000/leaf@1000000/dev@1000000')!;
		const user = view.byPath('/soc@0/dev@2000000')!;
		const odd = view.byPath('/odd@a0000000')!;
		const socRanges = soc.property('dma-ranges')!.loc;
		expect(check({ view })).toEqual([
			{
				id: 'dma-ranges',
				severity: 'warning',
				message: 'dma-ranges of /odd@a0000000 is 5 cells, not a multiple of 4 (child #address-cells + parent #address-cells + #size-cells): the kernel reads 1 entry and ignores the rest.',
				loc: odd.property('dma-ranges')!.loc,
				related: [],
			},
			{
				id: 'dma-ranges',
				severity: 'warning',
				message:
					'/soc@0/mid@1000000 has no dma-ranges although /soc@0 above it has: of_dma_get_range() returns -ENODEV for 2 devices below it, so the dma-ranges of /soc@0 is ignored and their DMA addresses are taken 1:1 as CPU addresses with no bus_dma_limit.',
				loc: mid.loc,
				related: [
					{ loc: socRanges, message: 'dma-ranges of /soc@0 (ignored)' },
					{ loc: dev.loc, message: '/soc@0/mid@1000000/leaf@1000000/dev@1000000 gets no DMA map' },
					// Behind the SMMU too: of_dma_configure() reads the chain whatever the IOMMU, and the lost
					// window takes bus_dma_limit (which also caps IOVAs) with it.
					{ loc: view.byPath('/soc@0/mid@1000000/leaf@1000000/smmu-dev@1001000')!.loc, message: '/soc@0/mid@1000000/leaf@1000000/smmu-dev@1001000 gets no DMA map' },
				],
				fix: { kind: 'add-empty-dma-ranges', node: '/soc@0/mid@1000000' },
			},
			{
				id: 'dma-ranges',
				severity: 'warning',
				message:
					'memory-region 1 of /soc@0/dev@2000000 (shared-dma-pool high@100000000, CPU 0x100000000-0x1000fffff) is outside the device\'s DMA window (CPU 0x80000000-0xffffffff as bus 0x00000000-0x7fffffff): translate_phys_to_dma() finds no region for it, so DMA to it fails with DMA_MAPPING_ERROR.',
				loc: user.property('memory-region')!.entryLoc(1, 1),
				related: [
					{ loc: view.byPath('/reserved-memory/high@100000000')!.loc, message: 'region /reserved-memory/high@100000000' },
					{ loc: socRanges, message: 'dma-ranges of /soc@0' },
				],
			},
			{
				id: 'dma-ranges',
				severity: 'warning',
				message:
					'memory-region 2 of /soc@0/dev@2000000 (shared-dma-pool dyn) is allocated in alloc-ranges 0x200000000-0x2ffffffff, none of which the device\'s DMA window (CPU 0x80000000-0xffffffff as bus 0x00000000-0x7fffffff) reaches: DMA to it fails with DMA_MAPPING_ERROR.',
				loc: user.property('memory-region')!.entryLoc(2, 1),
				related: [
					{ loc: view.byPath('/reserved-memory/dyn')!.loc, message: 'region /reserved-memory/dyn' },
					{ loc: socRanges, message: 'dma-ranges of /soc@0' },
				],
			},
		]);
	});

	// Near misses above: masked@3000000 has iommus (default answer: behind an IOMMU), so its buffer is
	// not checked against the window; low@90000000 is inside the window, leaf@1000000 itself is exempt as
	// the first node. A broken chain is reported whatever the IOMMU (bus_dma_limit is lost either way).
	it('skips buffers of devices behind an IOMMU, as the callback says, but not broken chains', () => {
		const view = tree();
		const findings = check({ view, isBehindIommu: () => true });
		expect(findings.map((f) => f.message.slice(0, 30))).toEqual(['dma-ranges of /odd@a0000000 is', '/soc@0/mid@1000000 has no dma-']);
	});

	it('sc7180 geniqup pattern: a bus without dma-ranges under an identity /soc@0 window only loses bus_dma_limit (info); near miss: an offset window is the warning', () => {
		const board = (socDmaRanges: number[]) =>
			buildView({
				'#address-cells': [2],
				'#size-cells': [2],
				'soc@0': {
					compatible: 'simple-bus',
					'#address-cells': [2],
					'#size-cells': [2],
					ranges: true,
					'dma-ranges': socDmaRanges,
					'geniqup@8c0000': {
						compatible: 'qcom,geni-se-qup',
						'#address-cells': [2],
						'#size-cells': [2],
						ranges: true,
						// i2c clients get no of_dma_configure(): never reported.
						'i2c@880000': { compatible: 'qcom,geni-i2c', reg: [0x0, 0x880000, 0x0, 0x4000], '#address-cells': [1], '#size-cells': [0], 'codec@1a': { compatible: 'vendor,codec', reg: [0x1a] } },
						'sub@890000': {
							compatible: 'simple-bus',
							'#address-cells': [2],
							'#size-cells': [2],
							ranges: true,
							'dev@890000': { compatible: 'vendor,dev', reg: [0x0, 0x890000, 0x0, 0x1000] },
						},
					},
				},
			});
		expect(check({ view: board([0x0, 0x0, 0x0, 0x0, 0x10, 0x0]) }).map((f) => f.severity)).toEqual(['info']);
		expect(check({ view: board([0x0, 0x0, 0x0, 0x80000000, 0x0, 0x80000000]) }).map((f) => f.severity)).toEqual(['warning']);
	});
});
