import { describe, expect, it } from 'vitest';
import { memoryBanks, reservedMemory } from '../../../emulator/src/address';
import { buildView } from '../../harness/dtview';

const tree = (rmExtra: Record<string, true | number[]> = {}) =>
	buildView({
		'#address-cells': [2],
		'#size-cells': [2],
		'memory@80000000': { device_type: 'memory', reg: [0x0, 0x80000000, 0x0, 0x80000000] },
		'reserved-memory': {
			'#address-cells': [2],
			'#size-cells': [2],
			ranges: true,
			...rmExtra,
			'fw: fw@86000000': { reg: [0x0, 0x86000000, 0x0, 0x200000], 'no-map': true },
			'pool: pool': { compatible: 'shared-dma-pool', size: [0x0, 0x400000], alignment: [0x0, 0x100000], 'alloc-ranges': [0x0, 0x0, 0x0, 0xffffffff], reusable: true },
			'rpool: restricted@90000000': { compatible: 'restricted-dma-pool', reg: [0x0, 0x90000000, 0x0, 0x100000] },
			'bad: bad': { size: [0x400000] },
		},
		'dev@1000': { 'memory-region': ['&fw', '&pool'], 'memory-region-names': ['firmware', 'dma'] },
		'other@2000': { 'memory-region': ['&pool'], status: 'disabled' },
	});

describe('reserved memory', () => {
	it('reads static and dynamic regions, flags, pools and users', () => {
		const view = tree();
		const rm = reservedMemory(view);
		expect(rm.formatError).toBeUndefined();
		expect(rm.memory.map((m) => m.range)).toEqual([{ start: 0x80000000n, end: 0x1_0000_0000n }]);
		const [fw, pool, rpool, bad] = rm.regions;
		expect(fw).toMatchObject({ kind: 'static', noMap: true, reusable: false, labels: ['fw'] });
		expect(fw!.ranges.map((r) => r.range)).toEqual([{ start: 0x86000000n, end: 0x86200000n }]);
		expect(fw!.users).toEqual([{ node: '/dev@1000', index: 0, name: 'firmware', loc: view.byPath('/dev@1000')!.property('memory-region')!.entryLoc(0, 1), available: true }]);
		expect(pool).toMatchObject({ kind: 'dynamic', size: 0x400000n, alignment: 0x100000n, pool: 'cma', reusable: true });
		expect(pool!.allocRanges.map((r) => r.range)).toEqual([{ start: 0n, end: 0xffffffffn }]);
		expect(pool!.users.map((u) => [u.node, u.index, u.name, u.available])).toEqual([
			['/dev@1000', 1, 'dma', true],
			['/other@2000', 0, undefined, false],
		]);
		expect(rpool!.pool).toBe('restricted-dma-pool');
		expect(bad).toMatchObject({ kind: 'invalid', problem: "invalid size property in 'bad' node." });
		expect(memoryBanks(view)).toHaveLength(1);
	});

	it('flags a /reserved-memory the kernel ignores', () => {
		const view = buildView({
			'#address-cells': [2],
			'#size-cells': [2],
			'reserved-memory': { '#address-cells': [1], '#size-cells': [1], ranges: true },
		});
		expect(reservedMemory(view).formatError?.message).toBe('Reserved memory: unsupported node format, ignoring');
	});
});
