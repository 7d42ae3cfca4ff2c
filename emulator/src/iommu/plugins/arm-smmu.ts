/**
 * Arm SMMUv1/v2 (drivers/iommu/arm/arm-smmu/arm-smmu.c): `#iommu-cells` 1 or 2, cell 0 = stream ID,
 * cell 1 = SMR mask (or the provider's `stream-match-mask` with one cell). Instance state follows
 * `arm_smmu_probe_device()` (range checks), `arm_smmu_master_alloc_smes()`/`arm_smmu_find_sme()` (SMR
 * allocation, all-or-nothing per master), `arm_smmu_device_group()` (masters sharing an SME share a
 * group) and the context-bank bitmap of the default domain.
 */
import { hex } from '../../addr';
import { u32 } from '../../dt/props';
import {
	IOMMU_PLUGIN_API_VERSION,
	type AttachOutcome,
	type EntrySlot,
	type IommuInstanceState,
	type IommuModelPlugin,
} from '../plugin-api';
import { GroupTable, sidLabel, smrCovers, smrOverlaps } from '../model-util';

const FIELD = 0xffffn;

interface Owner {
	readonly master: string;
	readonly entryIndex: number;
}

interface S2cr {
	count: number;
	group?: number;
	owners: Owner[];
}

/** Result of `arm_smmu_find_sme()`: an index, or the error with the SMR that caused it. */
export type FindSmeResult = { kind: 'index'; index: number } | { kind: 'conflict'; index: number } | { kind: 'full' };

/**
 * `arm_smmu_find_sme()` over an SMR table (undefined = stream indexing): the first valid SMR that
 * entirely covers the entry is reused; any other overlap with a valid SMR, met first, is -EINVAL;
 * otherwise the first free index; none is -ENOSPC.
 */
export function findSme(smrs: readonly ({ id: bigint; mask: bigint } | undefined)[] | undefined, id: bigint, mask: bigint): FindSmeResult {
	if (!smrs) return { kind: 'index', index: Number(id) };
	let free = -1;
	for (let i = 0; i < smrs.length; i++) {
		const smr = smrs[i];
		if (!smr) {
			if (free < 0) free = i;
			continue;
		}
		if (smrCovers(smr, { id, mask })) return { kind: 'index', index: i };
		if (smrOverlaps(smr, { id, mask })) return { kind: 'conflict', index: i };
	}
	return free < 0 ? { kind: 'full' } : { kind: 'index', index: free };
}

export const plugin: IommuModelPlugin = {
	apiVersion: IOMMU_PLUGIN_API_VERSION,
	id: 'arm-smmu',
	model: 'Arm SMMUv1/v2',
	compatibles: [
		'arm,smmu-v1',
		'arm,smmu-v2',
		'arm,mmu-400',
		'arm,mmu-401',
		'arm,mmu-500',
		'qcom,smmu-v2',
		'qcom,smmu-500',
		'qcom,*-smmu-500',
		'qcom,*-smmu-v2',
		'qcom,adreno-smmu',
		'nvidia,smmu-500',
		'nvidia,*-smmu',
		'cavium,smmu-v2',
		'marvell,ap806-smmu-500',
	],
	cellCounts: [1, 2],
	decodeSpecifier(provider, args) {
		// arm_smmu_of_xlate(): FIELD_PREP() keeps 16 bits of each cell; with one cell the mask comes from
		// the provider's stream-match-mask, if any.
		const rawId = args[0] ?? 0n;
		const rawMask = args.length > 1 ? (args[1] as bigint) : BigInt(u32(provider.node, 'stream-match-mask') ?? 0);
		const id = rawId & FIELD;
		const mask = rawMask & FIELD;
		const truncated = id !== rawId || mask !== rawMask;
		return { kind: 'ok', stream: { id, mask, truncated, rawCells: [...args], label: sidLabel(id, mask) } };
	},
	createInstance(provider) {
		const eff = provider.profile.effective;
		const sidMask = (1n << BigInt(eff.streamIdBits)) - 1n;
		const smrMaskMask = (1n << BigInt(eff.smrMaskBits)) - 1n;
		const smrs: ({ id: bigint; mask: bigint } | undefined)[] | undefined = eff.streamMatching ? new Array(eff.numSmrg).fill(undefined) : undefined;
		const s2crs = new Map<number, S2cr>();
		const groups = new GroupTable();
		const groupCb = new Map<number, number>();
		const cbUsed = new Set<number>();
		const reserved = new Set(eff.reservedContextBanks ?? []);
		const attached = new Set<string>();
		const fail = (o: Omit<AttachOutcome, 'ok' | 'slots' | 'groupSharedWith'>): AttachOutcome => ({ ok: false, slots: [], groupSharedWith: [], ...o });

		const state: IommuInstanceState = {
			attach(master, entries) {
				if (attached.has(master.key)) return fail({ errno: 'EEXIST', message: 'arm_smmu_master_alloc_smes() returns -EEXIST: the master already owns stream map entries.', kernelPrints: false });
				for (const e of entries) {
					const id = e.stream.id ?? 0n;
					if (id & ~sidMask) return fail({ errno: 'EINVAL', failedEntry: e.entryIndex, message: `stream ID ${hex(id)} out of range for SMMU (${hex(sidMask)})`, kernelPrints: true });
					if (e.stream.mask & ~smrMaskMask) return fail({ errno: 'EINVAL', failedEntry: e.entryIndex, message: `SMR mask ${hex(e.stream.mask)} out of range for SMMU (${hex(smrMaskMask)})`, kernelPrints: true });
				}
				// arm_smmu_master_alloc_smes(): SMRs become valid as they are claimed (a later entry of the same
				// master sees them); on any error every claim of this master is undone.
				const claimed: Array<{ index: number; newSmr: boolean }> = [];
				const undo = (): void => {
					for (const c of claimed.reverse()) {
						const s2cr = s2crs.get(c.index) as S2cr;
						s2cr.count--;
						s2cr.owners.pop();
						if (s2cr.count === 0) {
							s2crs.delete(c.index);
							if (smrs && c.newSmr) smrs[c.index] = undefined;
						}
					}
				};
				const indices: number[] = [];
				const reusedFlags: boolean[] = [];
				for (const e of entries) {
					const id = e.stream.id ?? 0n;
					const found = findSme(smrs, id, e.stream.mask);
					if (found.kind !== 'index') {
						undo();
						if (found.kind === 'full') {
							return fail({ errno: 'ENOSPC', failedEntry: e.entryIndex, kernelPrints: false, message: `arm_smmu_find_sme() finds no free stream-match register (all ${smrs?.length ?? 0} in use) and returns -ENOSPC.` });
						}
						const other = s2crs.get(found.index)?.owners[0];
						const smr = smrs?.[found.index];
						return fail({
							errno: 'EINVAL',
							failedEntry: e.entryIndex,
							kernelPrints: false,
							...(other ? { conflictWith: other } : {}),
							message: `arm_smmu_find_sme() returns -EINVAL: ${e.stream.label} partially overlaps SMR[${found.index}] (${smr ? sidLabel(smr.id, smr.mask) : '?'}${other ? ` of ${other.master}` : ''}) without being entirely covered by it.`,
						});
					}
					let s2cr = s2crs.get(found.index);
					const newSmr = !s2cr;
					if (!s2cr) {
						s2cr = { count: 0, owners: [] };
						s2crs.set(found.index, s2cr);
						if (smrs) smrs[found.index] = { id, mask: e.stream.mask };
					}
					reusedFlags.push(s2cr.count > 0);
					s2cr.count++;
					s2cr.owners.push({ master: master.key, entryIndex: e.entryIndex });
					claimed.push({ index: found.index, newSmr });
					indices.push(found.index);
				}
				// arm_smmu_device_group(): the group already attached to any of the SMEs, else a new one; two
				// different existing groups are -EINVAL.
				let group: number | undefined;
				for (const idx of indices) {
					const g = s2crs.get(idx)?.group;
					if (g === undefined) continue;
					if (group !== undefined && g !== group) {
						undo();
						return fail({ errno: 'EINVAL', kernelPrints: false, message: 'arm_smmu_device_group() returns -EINVAL: the master\'s stream map entries already belong to two different IOMMU groups.' });
					}
					group = g;
				}
				let cb = group === undefined ? undefined : groupCb.get(group);
				if (cb === undefined) {
					// The default DMA domain is stage 1: __arm_smmu_alloc_bitmap() from NUMS2CB to NUMCB.
					for (let i = eff.numS2ContextBanks; i < eff.numContextBanks; i++) {
						if (!cbUsed.has(i) && !reserved.has(i)) {
							cb = i;
							break;
						}
					}
					if (cb === undefined) {
						undo();
						return fail({ errno: 'ENOSPC', kernelPrints: false, message: `No free context bank for the default domain (${eff.numContextBanks} in total, ${reserved.size} reserved): __arm_smmu_alloc_bitmap() returns -ENOSPC and the device gets no DMA domain.` });
					}
				}
				if (group === undefined) group = groups.create();
				cbUsed.add(cb);
				groupCb.set(group, cb);
				for (const idx of indices) (s2crs.get(idx) as S2cr).group = group;
				groups.join(group, master.key);
				attached.add(master.key);
				const slots: EntrySlot[] = entries.map((e, i) => {
					const idx = indices[i] as number;
					const owners = (s2crs.get(idx) as S2cr).owners.map((o) => o.master).filter((m) => m !== master.key);
					return { entryIndex: e.entryIndex, kind: smrs ? 'smr' : 's2cr', index: idx, reused: reusedFlags[i] as boolean, sharedWith: [...new Set(owners)] };
				});
				return { ok: true, slots, group, contextBank: cb, groupSharedWith: groups.others(group, master.key) };
			},
			usage() {
				return {
					...(smrs ? { smrsUsed: smrs.filter((s) => s).length, smrsTotal: smrs.length } : {}),
					contextBanksUsed: cbUsed.size,
					contextBanksTotal: eff.numContextBanks,
					groups: groups.count,
				};
			},
		};
		return state;
	},
};
