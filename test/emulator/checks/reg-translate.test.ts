import { describe, expect, it } from 'vitest';
import { check } from '../../../emulator/src/checks/reg-translate';
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
			'nobus@20000000': {
				compatible: 'simple-bus',
				'#address-cells': [1],
				'#size-cells': [1],
				'smmu: iommu@0': { compatible: 'arm,mmu-500', reg: [0x0, 0x10000], '#iommu-cells': [2] },
				'off@100': { compatible: 'vendor,off', reg: [0x100, 0x10], status: 'disabled' },
			},
			'narrow@40000000': {
				compatible: 'simple-bus',
				'#address-cells': [1],
				'#size-cells': [1],
				ranges: [0x0, 0x0, 0x40000000, 0x1000],
				'dev@0': { compatible: 'vendor,dev', reg: [0x0, 0x100, 0x2000, 0x100], 'reg-names': ['ctrl', 'dma'] },
			},
			'odd@50000000': { compatible: 'vendor,odd', reg: [0x0, 0x50000000, 0x0, 0x1000, 0x0] },
			'i2c@60000000': { reg: [0x0, 0x60000000, 0x0, 0x1000], '#address-cells': [1], '#size-cells': [0], 'codec@1a': { reg: [0x1a] } },
			'pcie@70000000': {
				device_type: 'pci',
				'#address-cells': [3],
				'#size-cells': [2],
				reg: [0x0, 0x70000000, 0x0, 0x1000],
				ranges: [0x02000000, 0x0, 0x80000000, 0x0, 0x80000000, 0x0, 0x10000000],
				'ep@0,0': { reg: [0x00010000, 0x0, 0x0, 0x0, 0x0, 0x02010010, 0x0, 0x80000000, 0x0, 0x1000] },
			},
		},
		'reserved-memory': { '#address-cells': [2], '#size-cells': [2], 'r@90000000': { reg: [0x0, 0x90000000, 0x0, 0x1000] } },
	});

describe('reg-translate', () => {
	it('reports untranslatable entries, a short reg, and nothing else', () => {
		const view = tree();
		const smmu = view.byPath('/soc@0/nobus@20000000/iommu@0')!;
		const nobus = view.byPath('/soc@0/nobus@20000000')!;
		const dev = view.byPath('/soc@0/narrow@40000000/dev@0')!;
		const narrow = view.byPath('/soc@0/narrow@40000000')!;
		const odd = view.byPath('/soc@0/odd@50000000')!;
		expect(check({ view })).toEqual([
			{
				id: 'reg-translate',
				severity: 'error',
				message:
					'reg entry 0 of /soc@0/nobus@20000000/iommu@0 (0x0) cannot be translated to a CPU address: /soc@0/nobus@20000000 has no ranges property. of_address_to_resource() returns -EINVAL and of_device_alloc() stops counting resources there, so the platform device has no memory resource for any entry, and a driver that maps it fails its probe.',
				loc: smmu.property('reg')!.entryLoc(0, 2),
				related: [{ loc: nobus.loc, message: '/soc@0/nobus@20000000 has no ranges' }],
				fix: { kind: 'add-empty-ranges', bus: '/soc@0/nobus@20000000' },
			},
			{
				id: 'reg-translate',
				severity: 'warning',
				message:
					'reg entry 1 ("dma") of /soc@0/narrow@40000000/dev@0 (0x2000) cannot be translated to a CPU address: no ranges entry of /soc@0/narrow@40000000 covers it. of_address_to_resource() returns -EINVAL and of_device_alloc() stops counting resources there, so the platform device has no memory resource for this entry or a later one, and a driver that maps it fails its probe.',
				loc: dev.property('reg')!.entryLoc(2, 2),
				related: [{ loc: narrow.property('ranges')!.loc, message: 'ranges of /soc@0/narrow@40000000' }],
			},
			{
				id: 'reg-translate',
				severity: 'warning',
				message:
					'reg of /soc@0/odd@50000000 is 5 cells, not a multiple of 4 (#address-cells 2 + #size-cells 2): the kernel reads 1 entry and ignores the last 1 cell.',
				loc: odd.property('reg')!.loc,
				related: [],
			},
		]);
	});

	it('accepts a translation through empty ranges and PCI memory space', () => {
		const view = buildView({
			'#address-cells': [1],
			'#size-cells': [1],
			'bus@0': { '#address-cells': [1], '#size-cells': [1], ranges: true, 'dev@100': { reg: [0x100, 0x10] } },
		});
		expect(check({ view })).toEqual([]);
	});
});

describe('reg-translate: only platform devices of_platform_default_populate() creates', () => {
	it('sun50i-a64 eeprom / imx8mp efuse pattern: nvmem cells under an efuse without ranges are offsets, not CPU addresses', () => {
		const view = buildView({
			'#address-cells': [1],
			'#size-cells': [1],
			soc: {
				compatible: 'simple-bus',
				'#address-cells': [1],
				'#size-cells': [1],
				ranges: true,
				'efuse@1c14000': {
					compatible: 'allwinner,sun50i-a64-sid',
					reg: [0x1c14000, 0x400],
					'#address-cells': [1],
					'#size-cells': [1],
					'thermal-sensor-calibration@34': { reg: [0x34, 0x8] },
					'nvmem-layout': { compatible: 'fixed-layout', '#address-cells': [1], '#size-cells': [1], 'mac-address@90': { compatible: 'mac-base', reg: [0x90, 0x6] } },
				},
				// A sub-block of an interrupt controller (armada-cp11x ICU pattern): its driver populates it and uses the parent's registers.
				'interrupt-controller@1e0000': {
					compatible: 'marvell,cp110-icu',
					reg: [0x1e0000, 0x440],
					'#address-cells': [1],
					'#size-cells': [1],
					'interrupt-controller@10': { compatible: 'marvell,cp110-icu-nsr', reg: [0x10, 0x20] },
				},
			},
		});
		expect(check({ view })).toEqual([]);
	});

	it('rk3399 GRF usb2phy pattern: a syscon child reg is an offset into the regmap; near miss: the same child under a plain simple-mfd is reported', () => {
		const view = buildView({
			'#address-cells': [1],
			'#size-cells': [1],
			soc: {
				compatible: 'simple-bus',
				'#address-cells': [1],
				'#size-cells': [1],
				ranges: true,
				'syscon@ff770000': {
					compatible: ['rockchip,rk3399-grf', 'syscon', 'simple-mfd'],
					reg: [0xff770000, 0x10000],
					'#address-cells': [1],
					'#size-cells': [1],
					'usb2phy@e450': { compatible: 'rockchip,rk3399-usb2phy', reg: [0xe450, 0x10] },
				},
				'mfd@ff780000': {
					compatible: ['vendor,mfd', 'simple-mfd'],
					reg: [0xff780000, 0x10000],
					'#address-cells': [1],
					'#size-cells': [1],
					'phy@e450': { compatible: 'vendor,phy', reg: [0xe450, 0x10] },
				},
			},
		});
		expect(check({ view }).map((f) => [f.severity, f.message.split(':')[0]])).toEqual([
			['error', 'reg entry 0 of /soc/mfd@ff780000/phy@e450 (0xe450) cannot be translated to a CPU address'],
		]);
	});
});
