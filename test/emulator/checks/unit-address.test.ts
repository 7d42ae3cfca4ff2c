import { describe, expect, it } from 'vitest';
import { check } from '../../../emulator/src/checks/unit-address';
import { buildView } from '../../harness/dtview';

const tree = () =>
	buildView({
		'#address-cells': [2],
		'#size-cells': [2],
		'reserved-memory': {
			'#address-cells': [2],
			'#size-cells': [2],
			ranges: true,
			'fw: fw@86000000': { reg: [0x0, 0x86100000, 0x0, 0x1000], 'no-map': true },
			'ok@87000000': { reg: [0x0, 0x87000000, 0x0, 0x1000] },
			pool: { compatible: 'shared-dma-pool', size: [0x0, 0x100000] },
		},
		'soc@0': {
			compatible: 'simple-bus',
			'#address-cells': [2],
			'#size-cells': [2],
			ranges: true,
			'smmu: iommu@15000000': { compatible: 'arm,mmu-500', reg: [0x0, 0x15001000, 0x0, 0x80000], '#iommu-cells': [1] },
			'iommu@16000000': { compatible: 'arm,mmu-500', reg: [0x0, 0x016000000, 0x0, 0x80000], '#iommu-cells': [1] },
			'gpu@3d00000': { compatible: 'vendor,gpu', reg: [0x0, 0x3d00000, 0x0, 0x1000], iommus: ['&smmu', 0x0] },
			'vpu@aa00000': { compatible: 'vendor,vpu', reg: [0x0, 0xab00000, 0x0, 0x1000], iommus: ['&smmu', 0x1] },
			'uart@a84000': { compatible: 'vendor,uart', reg: [0x0, 0xa85000, 0x0, 0x1000] },
			'rproc: remoteproc@17300000': { compatible: 'qcom,sdm845-adsp-pas', 'memory-region': ['&fw'] },
			'dsp@1000': { compatible: 'vendor,dsp', iommus: ['&smmu', 0x2], reg: [0x0, 0x1000, 0x0, 0x100], status: 'disabled' },
			'pcie@40000000': {
				device_type: 'pci',
				'#address-cells': [3],
				'#size-cells': [2],
				reg: [0x0, 0x40000000, 0x0, 0x1000],
				ranges: [0x02000000, 0x0, 0x80000000, 0x0, 0x80000000, 0x0, 0x10000000],
				'wifi@0,1': { reg: [0x00010900, 0x0, 0x0, 0x0, 0x0], iommus: ['&smmu', 0x3] },
				'nic@1': { reg: [0x00010800, 0x0, 0x0, 0x0, 0x0], iommus: ['&smmu', 0x4] },
			},
		},
	});

describe('unit-address', () => {
	// Near misses in the same tree: iommu@16000000 (matches), gpu@3d00000 (matches),
	// uart@a84000 (mismatch, but not a DMA/IOMMU node), dsp@1000 (disabled), nic@1 (PCI dev 1, fn 0),
	// ok@87000000 (matches) and pool (dynamic, no unit address, no reg).
	it('reports mismatches on IOMMUs, DMA masters, reserved regions and remoteprocs only', () => {
		const view = tree();
		const n = (p: string) => view.byPath(p)!;
		const finding = (path: string, message: string, expected: string) => ({
			id: 'unit-address',
			severity: 'info',
			message,
			loc: n(path).loc,
			related: [{ loc: n(path).property('reg')!.entryLoc(0, n(path).parent!.property('device_type') ? 5 : 4), message: 'first reg entry' }],
			fix: { kind: 'set-unit-address', node: path, unitAddress: expected },
		});
		expect(check({ view })).toEqual([
			finding(
				'/reserved-memory/fw@86000000',
				'unit address "86000000" of reserved-memory region /reserved-memory/fw@86000000 does not match its first reg address (expected "86100000"): the kernel uses reg (CPU 0x86100000), not the name, so either reg or the name is wrong.',
				'86100000',
			),
			finding(
				'/soc@0/iommu@15000000',
				'unit address "15000000" of IOMMU /soc@0/iommu@15000000 does not match its first reg address (expected "15001000"): the kernel uses reg (CPU 0x15001000), not the name, so either reg or the name is wrong.',
				'15001000',
			),
			finding(
				'/soc@0/vpu@aa00000',
				'unit address "aa00000" of DMA master /soc@0/vpu@aa00000 does not match its first reg address (expected "ab00000"): the kernel uses reg (CPU 0xab00000), not the name, so either reg or the name is wrong.',
				'ab00000',
			),
			{
				id: 'unit-address',
				severity: 'info',
				message: 'remote processor /soc@0/remoteproc@17300000 has a unit address but no reg or ranges: the kernel has no address for it, so the name promises a location nothing describes.',
				loc: n('/soc@0/remoteproc@17300000').loc,
				related: [],
			},
			finding(
				'/soc@0/pcie@40000000/wifi@0,1',
				'unit address "0,1" of DMA master /soc@0/pcie@40000000/wifi@0,1 does not match its first reg address (expected "1,1"): the kernel uses reg, not the name, so either reg or the name is wrong.',
				'1,1',
			),
		]);
	});
});
