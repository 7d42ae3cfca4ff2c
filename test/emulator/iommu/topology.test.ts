import { describe, expect, it } from 'vitest';
import { attach, buildTopology, mapId, parseIdMap } from '../../../emulator/src/iommu';
import { buildView } from '../../harness/dtview';
import { appsSmmu, board } from './fixtures';

describe('of_map_id', () => {
	it('collapses every RID with Juno iommu-map-mask = <0x0>', () => {
		const view = buildView({
			'smmu_pcie: iommu@2b500000': { compatible: ['arm,mmu-401', 'arm,smmu-v1'], '#iommu-cells': [1] },
			'pcie@40000000': { 'iommu-map': [0x0, '&smmu_pcie', 0x0, 0x1], 'iommu-map-mask': [0x0] },
		});
		const host = view.byPath('/pcie@40000000')!;
		expect(mapId(view, host, 'iommu-map', 0x0300n)).toMatchObject({ kind: 'mapped', maskedId: 0n, args: [0n], target: view.byLabel('smmu_pcie') });
		expect(mapId(view, host, 'msi-map', 0x0300n)).toEqual({ kind: 'absent', id: 0x300n });
	});
	it('first match wins; no match; -EFAULT; bad length; wide entries', () => {
		const view = buildView({
			'its: msi-controller@1': { '#msi-cells': [1] },
			'smmu: iommu@2': { '#iommu-cells': [2] },
			'pcie@3': {
				'iommu-map': [0x0, '&smmu', 0x1400, 0x1, 0x100, '&smmu', 0x1401, 0x100, 0x100, '&smmu', 0x1500, 0x1],
				'msi-map': [0x0, '&its', 0x1400, 0x1, 0x5],
			},
			'pcie@4': { 'iommu-map': [0x100, '&smmu', 0x0, 0x10], 'iommu-map-mask': [0xff] },
			'bus@5': { 'iommu-map': [0x0, '&smmu', 0x20, 0x3, 0x4] },
		});
		const p3 = view.byPath('/pcie@3')!;
		expect(mapId(view, p3, 'iommu-map', 0x100n)).toMatchObject({ kind: 'mapped', args: [0x1401n], entry: { index: 1 } });
		expect(mapId(view, p3, 'iommu-map', 0x300n)).toEqual({ kind: 'no-match', id: 0x300n, maskedId: 0x300n, message: '/pcie@3: no iommu-map translation for id 0x300 on (null)' });
		expect(mapId(view, p3, 'msi-map', 0n)).toEqual({ kind: 'error', errno: 'EINVAL', message: '/pcie@3: Error: Bad msi-map length: 20' });
		expect(mapId(view, view.byPath('/pcie@4')!, 'iommu-map', 0x1n)).toMatchObject({ kind: 'error', errno: 'EFAULT', message: '/pcie@4: Invalid iommu-map translation - iommu-map-mask (0xff) ignores id-base (0x100)' });
		const wide = parseIdMap(view, view.byPath('/bus@5')!, 'iommu-map')!;
		expect(wide.layout).toBe('wide');
		expect(mapId(view, view.byPath('/bus@5')!, 'iommu-map', 2n)).toMatchObject({ kind: 'mapped', args: [0x22n, 0x3n] });
	});
});

describe('topology and attach', () => {
	const view = buildView(
		board({
			'apps_smmu: iommu@15000000': appsSmmu(),
			'pcie0: pcie@1c00000': {
				compatible: 'qcom,pcie-sm8550',
				'bus-range': [0, 0xff],
				'iommu-map': [0x0, '&apps_smmu', 0x1400, 0x1, 0x100, '&apps_smmu', 0x1401, 0x1],
				'pcie@0': { device_type: 'pci', reg: [0, 0, 0, 0, 0], 'bus-range': [1, 0xff] },
			},
			'a: dev@1': { iommus: ['&apps_smmu', 0x10, 0x0] },
			'b: dev@2': { iommus: ['&apps_smmu', 0x10, 0x1] },
			'off: dev@3': { status: 'disabled', iommus: ['&apps_smmu', 0x20, 0x0] },
		}),
	);
	it('finds instances, platform masters and PCI RIDs in document order', () => {
		const t = buildTopology(view);
		expect(t.instances.map((i) => [i.path, i.plugin?.id, i.available])).toEqual([['/soc@0/iommu@15000000', 'arm-smmu', true]]);
		expect(t.masters.map((m) => m.ref.key)).toEqual(['/soc@0/pcie@1c00000 rid 0x0000', '/soc@0/pcie@1c00000 rid 0x0100', '/soc@0/dev@1', '/soc@0/dev@2', '/soc@0/dev@3']);
	});
	it('gives each order its outcome; silent -EINVAL leaves the loser without IOMMU', () => {
		const t = buildTopology(view);
		const doc = attach(t);
		expect(doc.byMaster.get('/soc@0/dev@2')).toMatchObject({ status: 'no-iommu', errno: 'EINVAL', kernelPrints: false, conflictWith: { master: '/soc@0/dev@1', entryIndex: 0 } });
		expect(doc.byMaster.get('/soc@0/dev@2')!.consequence).toMatch(/^Arm SMMUv1\/v2 refuses the device \(-22\); of_iommu_configure\(\) ignores every error but -EPROBE_DEFER/);
		expect(doc.byMaster.get('/soc@0/dev@3')!.status).toBe('not-a-device');
		const rev = attach(t, { order: ['/soc@0/dev@2'] });
		expect(rev.order.slice(0, 2)).toEqual(['/soc@0/dev@2', '/soc@0/pcie@1c00000 rid 0x0000']);
		// The wider entry first: the narrower one is entirely covered, so it reuses the SMR and shares the group.
		expect(rev.byMaster.get('/soc@0/dev@1')).toMatchObject({ status: 'attached', entries: [{ slot: { reused: true, sharedWith: ['/soc@0/dev@2'] } }] });
		expect(rev.byMaster.get('/soc@0/pcie@1c00000 rid 0x0100')!.entries[0]).toMatchObject({ stream: { id: 0x1401n } });
	});
	it('a disabled IOMMU leaves the device without IOMMU', () => {
		const v = buildView(board({ 'smmu: iommu@1': { ...appsSmmu(), status: 'disabled' }, 'dev@2': { iommus: ['&smmu', 1, 0] } }));
		expect(attach(buildTopology(v)).byMaster.get('/soc@0/dev@2')).toMatchObject({ status: 'no-iommu', errno: 'ENODEV' });
	});
});
