import { describe, expect, it } from 'vitest';
import { check } from '../../../emulator/src/checks/carveout';
import { buildView } from '../../harness/dtview';
import { k3, sdm845 } from '../rpmsg/fixtures';

const R5F = '/bus@100000/r5fss@5c00000/r5f@5c00000';

describe('carveout', () => {
	it('is silent on the sdm845 and K3 layouts as written', () => {
		expect(check({ view: sdm845() })).toEqual([]);
		expect(check({ view: k3() })).toEqual([]);
	});

	it('reports a carveout outside the window the remote reaches through dma-ranges', () => {
		const view = k3(['&r5f_dma', '&r5f_high']);
		const r5f = view.byPath(R5F)!;
		expect(check({ view })).toEqual([
			{
				id: 'carveout',
				severity: 'error',
				message:
					'carveout r5f-memory@100000000 (0x100000000-0x100ffffff) of /bus@100000/r5fss@5c00000/r5f@5c00000 is outside what the remote can reach (0x80000000-0xffffffff through dma-ranges of /bus@100000): its firmware cannot address the memory it is loaded into.',
				loc: r5f.property('memory-region')!.entryLoc(1, 1),
				related: [
					{ loc: view.byPath('/reserved-memory/r5f-memory@100000000')!.loc, message: 'region /reserved-memory/r5f-memory@100000000' },
					{ loc: view.byPath('/bus@100000')!.property('dma-ranges')!.loc, message: 'dma-ranges of /bus@100000' },
				],
			},
		]);
		// Near miss: with its own IOMMU the remote maps the carveout wherever it is.
		expect(check({ view: k3(['&r5f_dma', '&r5f_high'], {}, { iommus: ['&r5f_dma'] }) })).toEqual([]);
	});

	it('applies the TI K3 memory-region rules', () => {
		const none = k3(null);
		expect(check({ view: none })).toEqual([
			{
				id: 'carveout',
				severity: 'error',
				message: `device does not have reserved memory regions, ret = -22: ${R5F} fails probe; it needs a shared-dma-pool (entry 0) and its firmware carveout(s).`,
				loc: none.byPath(R5F)!.loc,
				related: [],
				fix: { kind: 'add-memory-region', node: R5F },
			},
		]);
		const one = k3(['&r5f_mem']);
		const mr = one.byPath(R5F)!.property('memory-region')!;
		expect(check({ view: one })).toEqual([
			{
				id: 'carveout',
				severity: 'error',
				message: `device needs at least two memory regions to be defined, num = 1: ${R5F} fails probe with -EINVAL.`,
				loc: mr.loc,
				related: [],
			},
			{
				id: 'carveout',
				severity: 'error',
				message: `device cannot initialize DMA pool, ret = -22: memory-region 0 of ${R5F} (r5f-memory@a0100000) is not a shared-dma-pool, so of_reserved_mem_device_init_by_idx() fails and probe fails.`,
				loc: mr.entryLoc(0, 1),
				related: [{ loc: one.byPath('/reserved-memory/r5f-memory@a0100000')!.loc, message: 'region /reserved-memory/r5f-memory@a0100000' }],
				fix: { kind: 'add-compatible', node: '/reserved-memory/r5f-memory@a0100000', compatible: 'shared-dma-pool' },
			},
		]);
	});

	it('reports a firmware carveout without no-map, overlaps and regions outside /memory', () => {
		const view = k3(['&r5f_dma', '&plain'], {
			'plain: plain@a1000000': { reg: [0x0, 0xa1000000, 0x0, 0x100000] },
			'ov@a0080000': { compatible: 'qcom,rmtfs-mem', reg: [0x0, 0xa0080000, 0x0, 0x100000] },
			'far@300000000': { reg: [0x3, 0x0, 0x0, 0x1000], 'no-map': true },
		});
		const rm = (p: string) => view.byPath(`/reserved-memory/${p}`)!;
		const mem = view.byPath('/memory@80000000')!;
		expect(check({ view })).toEqual([
			{
				id: 'carveout',
				severity: 'error',
				message:
					'OVERLAP DETECTED! r5f-dma-memory@a0000000 (0x00000000a0000000--0x00000000a0100000) overlaps with ov@a0080000 (0x00000000a0080000--0x00000000a0180000): both users get the same memory (/bus@100000/r5fss@5c00000/r5f@5c00000 and /reserved-memory/ov@a0080000).',
				loc: rm('ov@a0080000').property('reg')!.entryLoc(0, 4),
				related: [{ loc: rm('r5f-dma-memory@a0000000').property('reg')!.entryLoc(0, 4), message: 'reg of /reserved-memory/r5f-dma-memory@a0000000' }],
			},
			{
				id: 'carveout',
				severity: 'warning',
				message:
					'OVERLAP DETECTED! ov@a0080000 (0x00000000a0080000--0x00000000a0180000) overlaps with r5f-memory@a0100000 (0x00000000a0100000--0x00000000a1000000): the kernel logs this at boot; only /reserved-memory/ov@a0080000 uses the memory, so nothing is handed out twice.',
				loc: rm('ov@a0080000').property('reg')!.entryLoc(0, 4),
				related: [{ loc: rm('r5f-memory@a0100000').property('reg')!.entryLoc(0, 4), message: 'reg of /reserved-memory/r5f-memory@a0100000' }],
			},
			{
				id: 'carveout',
				severity: 'warning',
				message:
					'/reserved-memory/far@300000000 (0x300000000-0x300000fff) is not inside any /memory bank (0x80000000-0x1ffffffff): it is not RAM the kernel knows about, so reserving it protects nothing and its users map addresses Linux does not manage.',
				loc: rm('far@300000000').property('reg')!.entryLoc(0, 4),
				related: [{ loc: mem.property('reg')!.entryLoc(0, 4), message: 'memory bank of /memory@80000000' }],
			},
			{
				id: 'carveout',
				severity: 'error',
				message: `carveout plain@a1000000 (memory-region 1 of ${R5F}) has no no-map: it stays in the kernel's linear map, and the driver's ioremap_wc() of RAM is refused on arm64, so probe fails (and Linux may hand the pages to others meanwhile).`,
				loc: view.byPath(R5F)!.property('memory-region')!.entryLoc(1, 1),
				related: [{ loc: rm('plain@a1000000').loc, message: 'region /reserved-memory/plain@a1000000' }],
				fix: { kind: 'add-no-map', node: '/reserved-memory/plain@a1000000' },
			},
		]);
	});

	it('reports a carveout shared by two remote processors, and a PAS remote without memory-region', () => {
		const view = sdm845({ adspPas: { 'memory-region': ['&cdsp_mem'] } });
		const adsp = view.byPath('/soc@0/remoteproc@17300000')!;
		const cdsp = view.byPath('/soc@0/remoteproc@8300000')!;
		expect(check({ view })).toEqual([
			{
				id: 'carveout',
				severity: 'error',
				message: 'carveout memory@8e000000 is used by both /soc@0/remoteproc@17300000 and /soc@0/remoteproc@8300000: each remote\'s firmware is loaded into the same memory and overwrites the other\'s.',
				loc: cdsp.property('memory-region')!.entryLoc(0, 1),
				related: [
					{ loc: adsp.property('memory-region')!.entryLoc(0, 1), message: 'memory-region of /soc@0/remoteproc@17300000' },
					{ loc: view.byPath('/reserved-memory/memory@8e000000')!.loc, message: 'region /reserved-memory/memory@8e000000' },
				],
			},
		]);
		const pas = buildView({ '#address-cells': [1], '#size-cells': [1], 'remoteproc@1000': { compatible: 'qcom,sm8550-adsp-pas', reg: [0x1000, 0x100] } });
		expect(check({ view: pas })).toEqual([
			{
				id: 'carveout',
				severity: 'error',
				message: 'no memory-region specified: the Qualcomm PAS driver fails probe of /remoteproc@1000 with -EINVAL, so the remote processor is never booted.',
				loc: pas.byPath('/remoteproc@1000')!.loc,
				related: [],
				fix: { kind: 'add-memory-region', node: '/remoteproc@1000' },
			},
		]);
	});

	it('reports a /reserved-memory the kernel ignores', () => {
		const view = buildView({ '#address-cells': [2], '#size-cells': [2], 'reserved-memory': { '#address-cells': [2], '#size-cells': [2], 'r@1000': { reg: [0x0, 0x1000, 0x0, 0x1000] } } });
		expect(check({ view })).toEqual([
			{
				id: 'carveout',
				severity: 'error',
				message:
					"Reserved memory: unsupported node format, ignoring: /reserved-memory must have the root's #address-cells (2), #size-cells (2) and a ranges property, otherwise none of its 1 regions is reserved and the memory is handed to the page allocator.",
				loc: view.byPath('/reserved-memory')!.loc,
				related: [],
				fix: { kind: 'fix-reserved-memory-root', node: '/reserved-memory', addressCells: 2, sizeCells: 2 },
			},
		]);
	});

	it('msm8998 sony-yoshino hyp_mem pattern: an enlarged firmware region over smem is logged by the kernel but hands nothing out twice (warning); kodiak rmtfs vs adsp heap (two users) is the error', () => {
		const tree = (heapUser: boolean) =>
			buildView({
				'#address-cells': [2],
				'#size-cells': [2],
				'memory@80000000': { device_type: 'memory', reg: [0x0, 0x80000000, 0x0, 0x80000000] },
				'reserved-memory': {
					'#address-cells': [2],
					'#size-cells': [2],
					ranges: true,
					'hyp_mem: memory@85800000': { reg: [0x0, 0x85800000, 0x0, 0x3700000], 'no-map': true },
					'smem_mem: smem-mem@86000000': { reg: [0x0, 0x86000000, 0x0, 0x200000], 'no-map': true },
				},
				'smem': { compatible: 'qcom,smem', 'memory-region': ['&smem_mem'] },
				...(heapUser ? { 'fw': { compatible: 'vendor,fw', 'memory-region': ['&hyp_mem'] } } : {}),
			});
		expect(check({ view: tree(false) }).map((f) => [f.severity, f.message])).toEqual([
			[
				'warning',
				'OVERLAP DETECTED! memory@85800000 (0x0000000085800000--0x0000000088f00000) overlaps with smem-mem@86000000 (0x0000000086000000--0x0000000086200000): the kernel logs this at boot; only /smem uses the memory, so nothing is handed out twice.',
			],
		]);
		expect(check({ view: tree(true) }).map((f) => f.severity)).toEqual(['error']);
	});
});
