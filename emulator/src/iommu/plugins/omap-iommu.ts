/**
 * TI OMAP IOMMU (drivers/iommu/omap-iommu.c): `#iommu-cells = <0>`; a DRA7 DSP lists two MMUs
 * (`iommus = <&mmu0_dsp1>, <&mmu1_dsp1>`), which the driver handles as one master of several instances.
 * Masters of one instance share its group.
 */
import { IOMMU_PLUGIN_API_VERSION, type IommuModelPlugin } from '../plugin-api';
import { dedicatedInstanceState } from '../model-util';

export const plugin: IommuModelPlugin = {
	apiVersion: IOMMU_PLUGIN_API_VERSION,
	id: 'omap-iommu',
	model: 'TI OMAP IOMMU',
	compatibles: ['ti,omap2-iommu', 'ti,omap4-iommu', 'ti,dra7-iommu', 'ti,dra7-dsp-iommu'],
	cellCounts: [0],
	multiInstance: true,
	decodeSpecifier(_provider, args) {
		return { kind: 'ok', stream: { mask: 0n, rawCells: [...args], label: 'dedicated instance' } };
	},
	createInstance() {
		return dedicatedInstanceState();
	},
};
