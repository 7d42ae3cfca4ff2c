import { describe, expect, it } from 'vitest';
import { decodeReg, translateReg } from '../../../emulator/src/address';
import { buildView } from '../../harness/dtview';

/** Three buses with ranges: soc@0 (offset 0x8000_0000) > bus@10000000 > sub@200000 > uart@1000. */
const chain = () =>
	buildView({
		'#address-cells': [2],
		'#size-cells': [2],
		'soc@0': {
			compatible: 'simple-bus',
			'#address-cells': [2],
			'#size-cells': [2],
			ranges: [0x0, 0x0, 0x0, 0x80000000, 0x1, 0x0],
			'bus@10000000': {
				compatible: 'simple-bus',
				'#address-cells': [1],
				'#size-cells': [1],
				reg: [0x0, 0x10000000, 0x0, 0x1000000],
				ranges: [0x0, 0x0, 0x10000000, 0x1000000],
				'sub@200000': {
					compatible: 'simple-bus',
					'#address-cells': [1],
					'#size-cells': [1],
					reg: [0x200000, 0x100000],
					ranges: [0x0, 0x200000, 0x100000],
					'uart@1000': { compatible: 'ns16550a', reg: [0x1000, 0x100, 0x2000, 0x10], 'reg-names': ['regs', 'extra'] },
				},
			},
			'nobus@20000000': {
				'#address-cells': [1],
				'#size-cells': [1],
				'dev@0': { reg: [0x0, 0x100] },
			},
			'empty@30000000': {
				'#address-cells': [2],
				'#size-cells': [2],
				ranges: true,
				'dev@30001000': { reg: [0x0, 0x30001000, 0x0, 0x100] },
			},
			'narrow@40000000': {
				'#address-cells': [1],
				'#size-cells': [1],
				ranges: [0x0, 0x0, 0x40000000, 0x1000],
				'dev@2000': { reg: [0x2000, 0x100] },
			},
			'i2c@50000000': {
				'#address-cells': [1],
				'#size-cells': [0],
				'codec@1a': { reg: [0x1a] },
			},
		},
	});

describe('reg translation through ranges', () => {
	it('walks a chain of three buses, one hop per ranges entry with its location', () => {
		const view = chain();
		const uart = view.byPath('/soc@0/bus@10000000/sub@200000/uart@1000')!;
		const entries = translateReg(view, uart);
		expect(entries).toHaveLength(2);
		const first = entries[0]!;
		expect(first.name).toBe('regs');
		expect(first.busAddress).toBe(0x1000n);
		expect(first.size).toBe(0x100n);
		expect(first.cpuRange).toEqual({ start: 0x90201000n, end: 0x90201100n });
		expect(first.loc).toEqual(uart.property('reg')!.entryLoc(0, 2));
		const hops = first.translation.hops;
		expect(hops.map((h) => [h.bus, h.mode, h.childAddress, h.parentAddress])).toEqual([
			['/soc@0/bus@10000000/sub@200000', 'window', 0x1000n, 0x201000n],
			['/soc@0/bus@10000000', 'window', 0x201000n, 0x10201000n],
			['/soc@0', 'window', 0x10201000n, 0x90201000n],
		]);
		expect(hops[0]!.loc).toEqual(view.byPath('/soc@0/bus@10000000/sub@200000')!.property('ranges')!.entryLoc(0, 3));
		expect(hops[2]!.loc).toEqual(view.byPath('/soc@0')!.property('ranges')!.entryLoc(0, 6));
		expect(entries[1]!.cpuRange).toEqual({ start: 0x90202000n, end: 0x90202010n });
	});

	it('fails at a bus without ranges (OF_BAD_ADDR) and treats an empty ranges as 1:1', () => {
		const view = chain();
		const bad = translateReg(view, view.byPath('/soc@0/nobus@20000000/dev@0')!)[0]!;
		expect(bad.cpuRange).toBeUndefined();
		expect(bad.translation.failure).toMatchObject({ reason: 'no-ranges', at: '/soc@0/nobus@20000000' });
		const ok = translateReg(view, view.byPath('/soc@0/empty@30000000/dev@30001000')!)[0]!;
		expect(ok.translation.hops[0]).toMatchObject({ mode: 'empty', childAddress: 0x30001000n, parentAddress: 0x30001000n });
		expect(ok.cpuRange?.start).toBe(0xb0001000n);
	});

	it('fails when no ranges entry covers the address', () => {
		const view = chain();
		const e = translateReg(view, view.byPath('/soc@0/narrow@40000000/dev@2000')!)[0]!;
		expect(e.translation.failure).toMatchObject({ reason: 'no-matching-range', at: '/soc@0/narrow@40000000' });
	});

	it('decodes but does not translate reg on a bus with #size-cells = <0>', () => {
		const view = chain();
		const d = decodeReg(view, view.byPath('/soc@0/i2c@50000000/codec@1a')!);
		expect(d.sizeCells).toBe(0);
		expect(d.entries[0]!.busAddress).toBe(0x1an);
		expect(d.entries[0]!.translation.failure?.reason).toBe('bad-cell-count');
	});

	it('reports cells after the last whole entry', () => {
		const view = buildView({ '#address-cells': [1], '#size-cells': [1], 'dev@100': { reg: [0x100, 0x10, 0x200] } });
		const d = decodeReg(view, view.byPath('/dev@100')!);
		expect(d.entries).toHaveLength(1);
		expect(d.trailingCells).toBe(1);
		expect(d.entries[0]!.cpuRange).toEqual({ start: 0x100n, end: 0x110n });
	});
});

describe('PCI host with three-cell ranges', () => {
	const pci = () =>
		buildView({
			'#address-cells': [2],
			'#size-cells': [2],
			'pcie@40000000': {
				device_type: 'pci',
				'#address-cells': [3],
				'#size-cells': [2],
				reg: [0x0, 0x40000000, 0x0, 0x1000],
				ranges: [
					0x01000000, 0x0, 0x0, 0x0, 0x50000000, 0x0, 0x10000,
					0x02000000, 0x0, 0x60000000, 0x0, 0x60000000, 0x0, 0x10000000,
					0x43000000, 0x4, 0x0, 0x4, 0x0, 0x1, 0x0,
				],
				'ep@0,0': {
					reg: [
						0x00010000, 0x0, 0x0, 0x0, 0x0,
						0x02010010, 0x0, 0x60001000, 0x0, 0x1000,
						0x01010014, 0x0, 0x100, 0x0, 0x100,
						0x43010018, 0x4, 0x1000, 0x0, 0x1000,
						0x01010020, 0x0, 0x60000010, 0x0, 0x10,
					],
				},
			},
		});

	it('matches each address with the ranges entry of its space', () => {
		const view = pci();
		const entries = translateReg(view, view.byPath('/pcie@40000000/ep@0,0')!);
		expect(entries.map((e) => e.pci?.space)).toEqual(['config', 'mem32', 'io', 'mem64', 'io']);
		expect(entries[0]!.translation.failure?.reason).toBe('pci-config-space');
		expect(entries[1]!.cpuRange?.start).toBe(0x60001000n);
		expect(entries[1]!.translation.hops[0]).toMatchObject({ bus: '/pcie@40000000', busKind: 'pci', entryIndex: 1 });
		expect(entries[2]!.cpuRange?.start).toBe(0x50000100n);
		expect(entries[2]!.translation.hops[0]!.entryIndex).toBe(0);
		expect(entries[3]!.pci?.prefetchable).toBe(true);
		expect(entries[3]!.cpuRange?.start).toBe(0x4_0000_1000n);
		// An I/O address inside the MEM32 window's numbers still needs an I/O entry.
		expect(entries[4]!.translation.failure?.reason).toBe('no-matching-range');
		expect(entries[1]!.pci).toMatchObject({ bus: 1, device: 0, function: 0, register: 0x10 });
	});
});
