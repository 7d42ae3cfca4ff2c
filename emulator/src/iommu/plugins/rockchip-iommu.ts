/**
 * Rockchip IOMMU (drivers/iommu/rockchip-iommu.c): `#iommu-cells = <0>`, one IOMMU instance per master
 * (VOP, VPU, ISP, ...). The 2017 driver had no `of_xlate` and rejected arguments in
 * `rk_iommu_group_set_iommudata()`; later drivers bind the device to the instance in `rk_iommu_of_xlate()`.
 * All masters of one instance share that instance's group.
 */
import { IOMMU_PLUGIN_API_VERSION, eraAtLeast, type IommuModelPlugin } from '../plugin-api';
import { dedicatedInstanceState } from '../model-util';

/** The release whose rockchip-iommu uses `of_xlate` (OF_IOMMU) instead of the 2017 argument check (unverified boundary). */
export const ROCKCHIP_OF_XLATE_SINCE: readonly [number, number] = [4, 18];

export const plugin: IommuModelPlugin = {
	apiVersion: IOMMU_PLUGIN_API_VERSION,
	id: 'rockchip-iommu',
	model: 'Rockchip IOMMU',
	compatibles: ['rockchip,iommu', 'rockchip,rk3568-iommu', 'rockchip,rk3588-iommu'],
	cellCounts: [0],
	decodeSpecifier(provider, args, era) {
		if (args.length !== 0 && !eraAtLeast(era, ROCKCHIP_OF_XLATE_SINCE[0], ROCKCHIP_OF_XLATE_SINCE[1])) {
			return {
				kind: 'error',
				errno: 'EINVAL',
				kernelPrints: true,
				message: `incorrect number of iommu params found for ${provider.node.path} (found ${args.length}, expected 0)`,
			};
		}
		return { kind: 'ok', stream: { mask: 0n, rawCells: [...args], label: 'dedicated instance' } };
	},
	createInstance() {
		return dedicatedInstanceState();
	},
};
