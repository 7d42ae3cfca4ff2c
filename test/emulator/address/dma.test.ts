import { describe, expect, it } from 'vitest';
import { cpuToDma, dmaView } from '../../../emulator/src/address';
import { buildView } from '../../harness/dtview';

const tree = () =>
	buildView({
		'#address-cells': [2],
		'#size-cells': [2],
		'soc@0': {
			compatible: 'simple-bus',
			'#address-cells': [2],
			'#size-cells': [2],
			ranges: true,
			'dma-ranges': [0x0, 0x0, 0x0, 0x80000000, 0x1, 0x0],
			'dma-coherent': true,
			'bus1@1000000': {
				compatible: 'simple-bus',
				'#address-cells': [2],
				'#size-cells': [2],
				ranges: true,
				'dma-ranges': true,
				'bus2@1000000': {
					compatible: 'simple-bus',
					'#address-cells': [2],
					'#size-cells': [2],
					ranges: true,
					'dma-ranges': true,
					'dev@1000000': { compatible: 'vendor,dev', reg: [0x0, 0x1000000, 0x0, 0x1000] },
					'nc@1001000': { compatible: 'vendor,dev', reg: [0x0, 0x1001000, 0x0, 0x1000], 'dma-noncoherent': true },
				},
			},
			'broken@2000000': {
				compatible: 'simple-bus',
				'#address-cells': [2],
				'#size-cells': [2],
				ranges: true,
				'inner@2000000': {
					compatible: 'simple-bus',
					'#address-cells': [2],
					'#size-cells': [2],
					ranges: true,
					'dma-ranges': true,
					'dev@2000000': { compatible: 'vendor,dev', reg: [0x0, 0x2000000, 0x0, 0x1000] },
				},
				'direct@2100000': { compatible: 'vendor,dev', reg: [0x0, 0x2100000, 0x0, 0x1000] },
			},
		},
		'multi@80000000': {
			compatible: 'simple-bus',
			'#address-cells': [1],
			'#size-cells': [1],
			ranges: [0x0, 0x0, 0x80000000, 0x40000000],
			'dma-ranges': [0x0, 0x0, 0x80000000, 0x10000000, 0x40000000, 0x0, 0xc0000000, 0x20000000],
			'dev@0': { compatible: 'vendor,dev', reg: [0x0, 0x1000] },
		},
		'plain@90000000': {
			compatible: 'simple-bus',
			'#address-cells': [1],
			'#size-cells': [1],
			ranges: [0x0, 0x0, 0x90000000, 0x1000],
			'dev@0': { compatible: 'vendor,dev', reg: [0x0, 0x100] },
		},
		'noc: noc@a0000000': { '#interconnect-cells': [1], 'dma-ranges': [0x0, 0x0, 0x0, 0x0, 0x0, 0x10000000] },
		'icc@b0000000': { compatible: 'vendor,dev', interconnects: ['&noc', 0x5], 'interconnect-names': ['dma-mem'] },
	});

describe('DMA view (of_dma_get_range / of_dma_configure_id)', () => {
	it('follows empty dma-ranges through a chain of three buses and limits DMA to 32 bits', () => {
		const view = tree();
		const dev = view.byPath('/soc@0/bus1@1000000/bus2@1000000/dev@1000000')!;
		const dma = dmaView(view, dev);
		expect(dma.walk.map((s) => [s.node, s.dmaRanges])).toEqual([
			['/soc@0/bus1@1000000/bus2@1000000', 'empty'],
			['/soc@0/bus1@1000000', 'empty'],
			['/soc@0', 'windows'],
		]);
		expect(dma.status).toBe('windows');
		expect(dma.windows).toHaveLength(1);
		expect(dma.windows[0]).toMatchObject({ owner: '/soc@0', dma: { start: 0n, end: 0x1_0000_0000n }, cpu: { start: 0x80000000n, end: 0x1_8000_0000n } });
		expect(dma.windows[0]!.loc).toEqual(view.byPath('/soc@0')!.property('dma-ranges')!.entryLoc(0, 6));
		expect(dma.busDmaLimit).toBe(0xffffffffn);
		expect(dma.dmaMaskBits).toBe(32);
		expect(cpuToDma(dma, { start: 0x90000000n, end: 0x90001000n })).toEqual({ start: 0x10000000n, end: 0x10001000n });
		expect(cpuToDma(dma, { start: 0x1_8000_0000n, end: 0x1_8000_1000n })).toBeUndefined();
		expect(dma.coherency).toMatchObject({ coherent: true, source: 'dma-coherent', at: '/soc@0' });
		expect(dma.emits).toBe('bus-address');
	});

	it('lets dma-noncoherent on the device win over an ancestor dma-coherent', () => {
		const view = tree();
		const dma = dmaView(view, view.byPath('/soc@0/bus1@1000000/bus2@1000000/nc@1001000')!);
		expect(dma.coherency).toMatchObject({ coherent: false, source: 'dma-noncoherent', at: '/soc@0/bus1@1000000/bus2@1000000/nc@1001000' });
	});

	it('returns -ENODEV (broken chain) when a bus above the first lacks dma-ranges', () => {
		const view = tree();
		const dma = dmaView(view, view.byPath('/soc@0/broken@2000000/inner@2000000/dev@2000000')!);
		expect(dma.status).toBe('broken-chain');
		expect(dma.breakAt).toMatchObject({ node: '/soc@0/broken@2000000', ignored: '/soc@0' });
		expect(dma.busDmaLimit).toBeUndefined();
		// The first node above the device is exempt, as in the kernel.
		const direct = dmaView(view, view.byPath('/soc@0/broken@2000000/direct@2100000')!);
		expect(direct.status).toBe('windows');
	});

	it('takes bus_dma_limit from the highest window of several', () => {
		const view = tree();
		const dma = dmaView(view, view.byPath('/multi@80000000/dev@0')!);
		expect(dma.windows.map((w) => [w.dma.start, w.cpu?.start])).toEqual([
			[0x0n, 0x80000000n],
			[0x40000000n, 0xc0000000n],
		]);
		expect(dma.busDmaLimit).toBe(0x5fffffffn);
		expect(dma.dmaMaskBits).toBe(31);
		expect(dma.coherency).toEqual({ coherent: false, source: 'arch-default' });
	});

	it('reports no map without any dma-ranges, and IOVAs behind an IOMMU', () => {
		const view = tree();
		const dev = view.byPath('/plain@90000000/dev@0')!;
		expect(dmaView(view, dev).status).toBe('none');
		const behind = dmaView(view, dev, { isBehindIommu: () => true, dmaDefaultCoherent: true });
		expect(behind).toMatchObject({ behindIommu: true, emits: 'iova', coherency: { coherent: true, source: 'arch-default' } });
	});

	it('walks to the interconnect named dma-mem instead of the parent', () => {
		const view = tree();
		const dma = dmaView(view, view.byPath('/icc@b0000000')!);
		expect(dma.walk[0]).toMatchObject({ node: '/noc@a0000000', via: 'interconnects', dmaRanges: 'windows' });
		expect(dma.status).toBe('windows');
		expect(dma.busDmaLimit).toBe(0xfffffffn);
	});

	it('drops windows of a dma-ranges on the root itself (no parent to translate through: -EINVAL)', () => {
		const view = buildView({
			'#address-cells': [1],
			'#size-cells': [1],
			'dma-ranges': [0x0, 0x0, 0x10000000],
			'dev@0': { compatible: 'vendor,dev', reg: [0x0, 0x100] },
		});
		const dma = dmaView(view, view.byPath('/dev@0')!);
		expect(dma.status).toBe('invalid');
		expect(dma.droppedWindows[0]!.cpuTranslation.failure?.reason).toBe('no-parent');
	});
});
