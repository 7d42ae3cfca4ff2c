/**
 * The fallback model for any node with `#iommu-cells` that no other plugin serves (MediaTek M4U, Renesas
 * IPMMU, Apple DART, Tegra SMMU, ...): it only knows the cell count, decodes nothing and never reports an
 * allocation error, so that an unmodelled IOMMU cannot produce a false finding.
 */
import { hex } from '../../addr';
import { IOMMU_PLUGIN_API_VERSION, type IommuModelPlugin } from '../plugin-api';
import { GroupTable } from '../model-util';

export const plugin: IommuModelPlugin = {
	apiVersion: IOMMU_PLUGIN_API_VERSION,
	id: 'generic',
	model: 'IOMMU (unmodelled)',
	compatibles: [],
	order: 1000,
	decodeSpecifier(_provider, args) {
		const label = args.length === 0 ? 'no cells' : `cells <${args.map((a) => hex(a)).join(' ')}>`;
		return { kind: 'ok', stream: { ...(args.length === 1 ? { id: args[0] as bigint } : {}), mask: 0n, rawCells: [...args], label } };
	},
	createInstance() {
		const groups = new GroupTable();
		return {
			attach(master, entries) {
				const group = groups.create();
				groups.join(group, master.key);
				return { ok: true, slots: entries.map((e) => ({ entryIndex: e.entryIndex, kind: 'none' as const, reused: false, sharedWith: [] })), group, groupSharedWith: [] };
			},
			usage() {
				return { groups: groups.count };
			},
		};
	},
};
