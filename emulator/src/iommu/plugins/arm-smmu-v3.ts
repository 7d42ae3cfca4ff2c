/**
 * Arm SMMUv3 (drivers/iommu/arm/arm-smmu-v3/arm-smmu-v3.c): one cell, the StreamID; no masks. Instance
 * state follows `arm_smmu_probe_device()`: `arm_smmu_sid_in_range()` (-ERANGE), the stream table index
 * (linear, or level-1 descriptor `sid >> STRTAB_SPLIT` and level-2 index with STRTAB_SPLIT = 8), and
 * `arm_smmu_insert_master()`'s per-SMMU stream tree, whose duplicate handling changed over time.
 */
import { hex } from '../../addr';
import { IOMMU_PLUGIN_API_VERSION, eraAtLeast, type AttachOutcome, type IommuModelPlugin } from '../plugin-api';
import { GroupTable, sidLabel } from '../model-util';

const STRTAB_SPLIT = 8;

/**
 * The release from which a StreamID shared by two masters is only a warning ("Aliasing StreamID ...
 * unsupported, expect DMA to be broken", -ENODEV for the newcomer) instead of "stream %u already in tree"
 * (-EINVAL). Domain notes §1.7 give 6.8; the commit "iommu/arm-smmu-v3: Fail aliasing StreamIDs more
 * gracefully" may be later (unverified boundary).
 */
export const ALIASING_WARNING_SINCE: readonly [number, number] = [6, 8];

export const plugin: IommuModelPlugin = {
	apiVersion: IOMMU_PLUGIN_API_VERSION,
	id: 'arm-smmu-v3',
	model: 'Arm SMMUv3',
	compatibles: ['arm,smmu-v3'],
	cellCounts: [1],
	decodeSpecifier(_provider, args) {
		// arm_smmu_of_xlate() adds args[0] as one fwspec id; StreamIDs are 32-bit.
		const id = args[0] ?? 0n;
		return { kind: 'ok', stream: { id, mask: 0n, rawCells: [...args], label: sidLabel(id, 0n) } };
	},
	createInstance(provider, options) {
		const eff = provider.profile.effective;
		const bits = eff.streamIdBits;
		const twoLevel = eff.twoLevelStreamTable && bits > STRTAB_SPLIT;
		const limit = 1n << BigInt(bits);
		const streams = new Map<bigint, { master: string; entryIndex: number }>();
		const groups = new GroupTable();
		const modern = eraAtLeast(options.era, ALIASING_WARNING_SINCE[0], ALIASING_WARNING_SINCE[1]);
		const fail = (o: Omit<AttachOutcome, 'ok' | 'slots' | 'groupSharedWith'>): AttachOutcome => ({ ok: false, slots: [], groupSharedWith: [], ...o });
		return {
			attach(master, entries) {
				const inserted: bigint[] = [];
				const undo = (): void => {
					for (const sid of inserted) streams.delete(sid);
				};
				for (const e of entries) {
					const sid = e.stream.id ?? 0n;
					if (sid >= limit) {
						undo();
						return fail({ errno: 'ERANGE', failedEntry: e.entryIndex, kernelPrints: false, message: `StreamID ${hex(sid)} is beyond the ${bits}-bit stream table: arm_smmu_sid_in_range() fails and probe_device returns -ERANGE.` });
					}
					const existing = streams.get(sid);
					if (existing && (existing.master !== master.key || !modern)) {
						if (existing.master === master.key && modern) continue;
						undo();
						if (modern) {
							return fail({ errno: 'ENODEV', failedEntry: e.entryIndex, conflictWith: existing, kernelPrints: true, message: `Aliasing StreamID ${hex(sid)} (from ${existing.master}) unsupported, expect DMA to be broken` });
						}
						return fail({ errno: 'EINVAL', failedEntry: e.entryIndex, ...(existing.master !== master.key ? { conflictWith: existing } : {}), kernelPrints: true, message: `stream ${sid.toString(10)} already in tree` });
					}
					if (existing) continue;
					streams.set(sid, { master: master.key, entryIndex: e.entryIndex });
					inserted.push(sid);
				}
				const group = groups.create();
				groups.join(group, master.key);
				const slots = entries.map((e) => {
					const sid = e.stream.id ?? 0n;
					return {
						entryIndex: e.entryIndex,
						kind: 'ste' as const,
						index: Number(sid),
						...(twoLevel ? { l1: Number(sid >> BigInt(STRTAB_SPLIT)), l2: Number(sid & ((1n << BigInt(STRTAB_SPLIT)) - 1n)) } : {}),
						reused: false,
						sharedWith: [],
					};
				});
				return { ok: true, slots, group, groupSharedWith: [] };
			},
			usage() {
				return { groups: groups.count };
			},
		};
	},
};
