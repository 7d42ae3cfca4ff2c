/**
 * The IOMMU part of the emulator: models of IOMMU families (plugins), SoC profiles, the topology of a
 * tree (instances, masters, `iommu-map` translation) and the attach simulation, plus plain-data views a
 * hover or webview can render.
 */
import { hex } from '../addr';
import type { DtNodeView } from '../types';
import { matchCount, matchedIds } from './model-util';
import type { AttachReport, MasterEntry, Topology } from './topology';
import { attach } from './topology';
import { KeyedCache } from '../keyed-cache';

export {
	/** The plugin API version; plugins must declare it. */
	IOMMU_PLUGIN_API_VERSION,
	/** The errno numbers of the model's error names. */
	ERRNO_VALUES,
	/** The kernel version assumed by default. */
	DEFAULT_KERNEL_VERSION,
	/** True when an era is at least a given release. */
	eraAtLeast,
} from './plugin-api';
export type {
	/** The plugin contract. */
	IommuModelPlugin,
	/** What a plugin sees of an IOMMU node. */
	IommuProvider,
	/** A decoded specifier. */
	DecodedStream,
	/** The result of decoding a specifier. */
	DecodeResult,
	/** Per-simulation instance state. */
	IommuInstanceState,
	/** The outcome of one attach. */
	AttachOutcome,
	/** A slot an instance allocated. */
	EntrySlot,
	/** An instance's usage numbers. */
	InstanceUsage,
	/** A master as the simulation sees it. */
	MasterRef,
	/** One fwspec entry. */
	FwspecEntry,
	/** Kernel error names. */
	Errno,
	/** The kernel era. */
	KernelEra,
} from './plugin-api';
/** The plugin registry. */
export { createRegistry, validatePlugin, compatibleMatches, type IommuRegistry } from './registry';
/** The built-in plugins. */
export { BUILTIN_PLUGINS } from './plugins';
/** SoC profiles. */
export {
	BUILTIN_PROFILES,
	PROFILE_FIELDS,
	SMMU_V2_LIMITS,
	SMMU_V3_LIMITS,
	resolveProfile,
	validateProfile,
	type ArchitectureDefaults,
	type BuiltinProfile,
	type ProfileField,
	type ProfileFields,
	type ReservedStream,
	type ResolvedProfile,
	type UserProfiles,
} from './profiles';
/** `iommu-map`/`msi-map` parsing and `of_map_id()` translation. */
export { entryRange, mapId, mapIdIn, parseIdMap, type IdMapEntry, type MapIdResult, type MapName, type ParsedIdMap } from './idmap';
/** The topology and the attach simulation. */
export {
	attach,
	buildTopology,
	defaultTopology,
	reachableRids,
	type AttachEntryResult,
	type AttachReport,
	type EntryProblem,
	type IommuInstanceInfo,
	type MapHost,
	type MasterAttachResult,
	type MasterEntry,
	type MasterInfo,
	type ReachableRid,
	type Topology,
	type TopologyOptions,
} from './topology';
/** Whether an arm-smmu node probes. */
export { interruptCount, smmuProbeIssues, type SmmuProbeIssue } from './smmu-probe';
/** Stream-match arithmetic. */
export { matchCount, matchedIds, smrCovers, smrOverlaps } from './model-util';
/** `arm_smmu_find_sme()` over an SMR table. */
export { findSme, type FindSmeResult } from './plugins/arm-smmu';

/** One decoded stream, ready for a hover: where it goes and what it gets. */
export interface StreamView {
	/** The master (node path, plus ` rid 0x....` for PCI functions). */
	readonly master: string;
	readonly entryIndex: number;
	/** The IOMMU node path, label and model, e.g. `Arm SMMUv1/v2`. */
	readonly iommu?: { readonly path: string; readonly label: string; readonly model: string; readonly compatibles: readonly string[]; readonly profile: readonly string[] };
	/** `SID 0x1401 mask 0x30`, `dedicated instance`, `context 3 (...)`. */
	readonly label?: string;
	/** The ID and mask as hex strings. */
	readonly id?: string;
	readonly mask?: string;
	/** The stream IDs matched (hex, at most 64) and how many there are in total. */
	readonly matched: readonly string[];
	readonly matchedTotal: string;
	/** `SMR[3]`, `S2CR[7]`, `STE 0x1401 (L1 0x14, L2 0x1)`, ... */
	readonly slot?: string;
	readonly reused?: boolean;
	readonly contextBank?: number;
	readonly group?: number;
	/** Masters sharing the slot or the group. */
	readonly sharedWith: readonly string[];
	/** `attached`, `no-iommu`, `not-a-device`. */
	readonly status: string;
	/** The kernel message and consequence when the master is not attached. */
	readonly error?: string;
	readonly consequence: string;
}

/**
 * Plain data for every `iommus` entry (and each PCI RID's map entry) of `node`: the decoded stream,
 * the matched stream IDs, what the simulation allocated and who shares it. `report` defaults to a
 * document-order simulation.
 */
export function describeStreams(topology: Topology, node: DtNodeView, report: AttachReport = attach(topology)): StreamView[] {
	const out: StreamView[] = [];
	for (const m of topology.masters) {
		if (m.ref.node !== node) continue;
		const result = report.byMaster.get(m.ref.key);
		for (const e of m.entries) out.push(viewOf(m.ref.key, e, result, report));
	}
	return out;
}

function viewOf(master: string, e: MasterEntry, result: AttachReport['masters'][number] | undefined, report: AttachReport): StreamView {
	const stream = e.decode?.kind === 'ok' ? e.decode.stream : undefined;
	const attached = result?.entries.find((x) => x.entryIndex === e.index && x.instance === e.instance?.path);
	const slot = attached?.slot;
	let slotText: string | undefined;
	if (slot?.kind === 'smr') slotText = `SMR[${slot.index}] / S2CR[${slot.index}]`;
	else if (slot?.kind === 's2cr') slotText = `S2CR[${slot.index}] (stream indexing)`;
	else if (slot?.kind === 'ste') slotText = slot.l1 !== undefined ? `STE ${hex(BigInt(slot.index ?? 0))} (L1 ${hex(BigInt(slot.l1))}, L2 ${hex(BigInt(slot.l2 ?? 0))})` : `STE ${hex(BigInt(slot.index ?? 0))} (linear)`;
	else if (slot?.kind === 'context') slotText = `context bank ${slot.index}`;
	else if (slot?.kind === 'instance') slotText = 'dedicated instance';
	else if (slot?.kind === 'endpoint') slotText = `endpoint ${slot.index}`;
	// Sharing is read from the final state of the run: every other master with the same slot or group.
	const shared = new Set<string>();
	for (const other of report.masters) {
		if (other.master === master || !attached) continue;
		for (const oe of other.entries) {
			if (oe.instance !== attached.instance) continue;
			const sameSlot = slot && slot.kind !== 'none' && oe.slot?.kind === slot.kind && oe.slot.index === slot.index;
			const sameGroup = attached.group !== undefined && oe.group === attached.group;
			if (sameSlot || sameGroup) shared.add(other.master);
		}
	}
	const id = stream?.id;
	return {
		master,
		entryIndex: e.index,
		...(e.instance
			? { iommu: { path: e.instance.path, label: e.instance.label, model: e.instance.plugin?.model ?? 'unknown', compatibles: e.instance.compatibles, profile: e.instance.profile.sources } }
			: {}),
		...(stream ? { label: stream.label } : {}),
		...(id !== undefined ? { id: hex(id), mask: hex(stream?.mask ?? 0n) } : {}),
		matched: id !== undefined ? matchedIds(id, stream?.mask ?? 0n).map((v) => hex(v)) : [],
		matchedTotal: id !== undefined ? matchCount(stream?.mask ?? 0n).toString() : '0',
		...(slotText ? { slot: slotText } : {}),
		...(slot ? { reused: slot.reused } : {}),
		...(attached?.contextBank !== undefined ? { contextBank: attached.contextBank } : {}),
		...(attached?.group !== undefined ? { group: attached.group } : {}),
		sharedWith: [...shared],
		status: result?.status ?? 'no-iommu',
		...(result?.message ? { error: result.message } : e.problemMessage ? { error: e.problemMessage } : {}),
		consequence: result?.consequence ?? 'Not simulated.',
	};
}

/**
 * The answer to `CheckContext.isBehindIommu`: true when the simulation attached at least one of the
 * node's masters to an IOMMU.
 */
export function isBehindIommu(topology: Topology, report: AttachReport, node: DtNodeView): boolean {
	return attachedNodes(topology, report).has(node);
}

/**
 * The nodes with at least one attached master, per topology and report. Both are immutable results,
 * and checks ask once per node: without the index every question scanned every master (quadratic in
 * the masters of a board).
 */
const attachedIndex = new KeyedCache<Topology, KeyedCache<AttachReport, ReadonlySet<DtNodeView>>>('attached nodes by report');

function attachedNodes(topology: Topology, report: AttachReport): ReadonlySet<DtNodeView> {
	let byReport = attachedIndex.get(topology);
	if (!byReport) {
		byReport = new KeyedCache('attached nodes');
		attachedIndex.set(topology, byReport);
	}
	let nodes = byReport.get(report);
	if (!nodes) {
		const set = new Set<DtNodeView>();
		for (const m of topology.masters) if (report.byMaster.get(m.ref.key)?.status === 'attached') set.add(m.ref.node);
		nodes = set;
		byReport.set(report, nodes);
	}
	return nodes;
}
