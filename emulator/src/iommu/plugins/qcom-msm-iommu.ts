/**
 * Qualcomm "msm-iommu-v1" (drivers/iommu/arm/arm-smmu/qcom_iommu.c, MSM8916/MSM8953): one cell, the
 * ASID, which is the number of a `qcom,msm-iommu-v1-ns`/`-sec` context child (`reg / 0x1000`).
 * `qcom_iommu_of_xlate()` rejects other cell counts ("incorrect number of iommu params ...") and ASIDs
 * outside 1..num_ctxs (`WARN_ON`, -EINVAL); num_ctxs is the highest child ASID. Every device gets its own
 * group (`generic_device_group`); masters naming the same ASID program the same context.
 */
import { hex } from '../../addr';
import { cells, compatibles } from '../../dt/props';
import type { DtNodeView } from '../../types';
import { IOMMU_PLUGIN_API_VERSION, type IommuModelPlugin } from '../plugin-api';
import { GroupTable } from '../model-util';

const CONTEXT_COMPATIBLES = ['qcom,msm-iommu-v1-ns', 'qcom,msm-iommu-v1-sec'];

/** `get_asid()`: the first `reg` cell of a context child divided by 0x1000. */
export function contextAsid(child: DtNodeView): number | undefined {
	const reg = cells(child.property('reg'));
	const first = reg?.[0];
	return first === undefined ? undefined : Number(first / 0x1000n);
}

/** The ASIDs of the provider's context children and the driver's `num_ctxs` (the highest ASID of any child). */
export function contextTable(node: DtNodeView): { contexts: Map<number, DtNodeView>; numCtxs: number } {
	const contexts = new Map<number, DtNodeView>();
	let numCtxs = 0;
	for (const child of node.children) {
		const asid = contextAsid(child);
		if (asid === undefined) continue;
		numCtxs = Math.max(numCtxs, asid);
		if (compatibles(child).some((c) => CONTEXT_COMPATIBLES.includes(c))) contexts.set(asid, child);
	}
	return { contexts, numCtxs };
}

export const plugin: IommuModelPlugin = {
	apiVersion: IOMMU_PLUGIN_API_VERSION,
	id: 'qcom-msm-iommu',
	model: 'Qualcomm MSM IOMMU v1',
	compatibles: ['qcom,msm-iommu-v1'],
	cellCounts: [1],
	decodeSpecifier(provider, args) {
		if (args.length !== 1) {
			return { kind: 'error', errno: 'EINVAL', kernelPrints: true, message: `incorrect number of iommu params found for ${provider.node.path} (found ${args.length}, expected 1)` };
		}
		const asid = args[0] as bigint;
		const { contexts, numCtxs } = contextTable(provider.node);
		if (asid < 1n || asid > BigInt(numCtxs)) {
			return { kind: 'error', errno: 'EINVAL', kernelPrints: true, message: `WARN_ON(asid ${asid < 1n ? '< 1' : '> qcom_iommu->num_ctxs'}) in qcom_iommu_of_xlate(): ASID ${hex(asid)} is not one of the context banks 1..${numCtxs}` };
		}
		const child = contexts.get(Number(asid));
		if (!child) {
			return { kind: 'error', errno: 'ENODEV', kernelPrints: false, message: `No qcom,msm-iommu-v1-ns/-sec child has ASID ${asid} (reg ${hex(asid * 0x1000n)}): the context the master names does not exist.` };
		}
		return { kind: 'ok', stream: { id: asid, mask: 0n, rawCells: [...args], label: `context ${asid} (${child.name})` } };
	},
	createInstance() {
		const groups = new GroupTable();
		const users = new Map<bigint, string[]>();
		return {
			attach(master, entries) {
				const group = groups.create();
				groups.join(group, master.key);
				const slots = entries.map((e) => {
					const asid = e.stream.id ?? 0n;
					const list = users.get(asid) ?? [];
					const others = list.filter((m) => m !== master.key);
					if (!list.includes(master.key)) list.push(master.key);
					users.set(asid, list);
					return { entryIndex: e.entryIndex, kind: 'context' as const, index: Number(asid), reused: others.length > 0, sharedWith: others };
				});
				const first = entries[0]?.stream.id;
				return { ok: true, slots, group, ...(first !== undefined ? { contextBank: Number(first) } : {}), groupSharedWith: [] };
			},
			usage() {
				return { groups: groups.count };
			},
		};
	},
};
