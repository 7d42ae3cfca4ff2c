/**
 * virtio-iommu (drivers/iommu/virtio-iommu.c): one cell, the endpoint ID (`viommu_of_xlate()` adds it to
 * the fwspec). PCI masters normally reach it through the host's `iommu-map`. Each device gets its own
 * group; endpoints named by two devices are reported as shared (the device's behaviour then is
 * unmodelled).
 */
import { IOMMU_PLUGIN_API_VERSION, type IommuModelPlugin } from '../plugin-api';
import { GroupTable, sidLabel } from '../model-util';

export const plugin: IommuModelPlugin = {
	apiVersion: IOMMU_PLUGIN_API_VERSION,
	id: 'virtio-iommu',
	model: 'virtio-iommu',
	compatibles: ['virtio,pci-iommu', 'pci1af4,1057'],
	cellCounts: [1],
	decodeSpecifier(_provider, args) {
		const id = args[0] ?? 0n;
		return { kind: 'ok', stream: { id, mask: 0n, rawCells: [...args], label: sidLabel(id, 0n, 'endpoint') } };
	},
	createInstance() {
		const groups = new GroupTable();
		const endpoints = new Map<bigint, string[]>();
		return {
			attach(master, entries) {
				const group = groups.create();
				groups.join(group, master.key);
				const slots = entries.map((e) => {
					const id = e.stream.id ?? 0n;
					const list = endpoints.get(id) ?? [];
					const others = list.filter((m) => m !== master.key);
					if (!list.includes(master.key)) list.push(master.key);
					endpoints.set(id, list);
					return { entryIndex: e.entryIndex, kind: 'endpoint' as const, index: Number(id), reused: others.length > 0, sharedWith: others };
				});
				return { ok: true, slots, group, groupSharedWith: [] };
			},
			usage() {
				return { groups: groups.count };
			},
		};
	},
};
