/**
 * The IOMMU topology of a resolved tree: every IOMMU instance (node, plugin, availability, profile) and
 * every DMA master (platform nodes with `iommus`, legacy `mmu-masters` masters, and the PCI requester IDs
 * a host's `iommu-map` serves), plus `attach()`, which runs each instance's allocation over the masters
 * in a given order, as `of_iommu_configure()` and the drivers' `probe_device` would.
 */
import { hex } from '../addr';
import { cells, compatibles, isAvailableInTree, parsePhandleArgs, u32, u32s, walk } from '../dt/props';
import type { DtNodeView, DtView, SourceRef } from '../types';
import { mapIdIn, parseIdMap, type IdMapEntry, type ParsedIdMap } from './idmap';
import {
	DEFAULT_KERNEL_VERSION,
	ERRNO_VALUES,
	type DecodeResult,
	type DecodedStream,
	type EntrySlot,
	type Errno,
	type FwspecEntry,
	type IommuInstanceState,
	type IommuModelPlugin,
	type IommuProvider,
	type InstanceUsage,
	type KernelEra,
	type MasterRef,
} from './plugin-api';
import { BUILTIN_PLUGINS } from './plugins';
import { resolveProfile, SMMU_V2_LIMITS, SMMU_V3_LIMITS, type ResolvedProfile, type UserProfiles } from './profiles';
import { createRegistry, type IommuRegistry } from './registry';
import { smmuProbeIssues, type SmmuProbeIssue } from './smmu-probe';
import { KeyedCache } from '../keyed-cache';

/** One IOMMU node. */
export interface IommuInstanceInfo {
	readonly node: DtNodeView;
	readonly path: string;
	/** The node's first label, else its name (what messages call it). */
	readonly label: string;
	readonly compatibles: readonly string[];
	readonly plugin: IommuModelPlugin | undefined;
	readonly available: boolean;
	readonly iommuCells: number | undefined;
	readonly profile: ResolvedProfile;
	readonly provider: IommuProvider;
	/** Why the IOMMU itself does not probe (arm-smmu only); empty when it does. */
	readonly probeIssues: readonly SmmuProbeIssue[];
}

/** Why an entry does not reach an IOMMU driver. */
export type EntryProblem =
	| 'empty'
	| 'no-target'
	| 'no-cells-property'
	| 'truncated'
	| 'iommu-disabled'
	| 'decode-error'
	| 'map-error'
	| 'no-map-match'
	| 'map-absent';

/** One `iommus` entry (or the map entry a PCI RID goes through). */
export interface MasterEntry {
	/** Index in `iommus` (or in the map for PCI). */
	readonly index: number;
	readonly loc: SourceRef;
	readonly target: DtNodeView | undefined;
	readonly instance: IommuInstanceInfo | undefined;
	readonly args: readonly bigint[];
	/** The phandle as written (iommus entries). */
	readonly phandle?: number;
	readonly decode?: DecodeResult;
	readonly problem?: EntryProblem;
	/** The kernel's message for `problem`, when there is one. */
	readonly problemMessage?: string;
	/** For PCI functions: the map and entry used, and the RID. */
	readonly via?: { readonly map: ParsedIdMap; readonly entry?: IdMapEntry; readonly rid: bigint };
}

/** One DMA master. */
export interface MasterInfo {
	readonly ref: MasterRef;
	/** Where the master's IOMMU description comes from. */
	readonly source: 'iommus' | 'iommu-map' | 'mmu-masters';
	/** False when the node (or a parent) is disabled: there is no device at all. */
	readonly available: boolean;
	readonly entries: readonly MasterEntry[];
	/** For PCI functions: where the RID comes from (a child node, `bus-range`, the caller). */
	readonly ridOrigin?: { readonly why: string; readonly loc: SourceRef };
}

/** A PCI host (or other bus) with `iommu-map` and/or `msi-map`. */
export interface MapHost {
	readonly node: DtNodeView;
	readonly iommuMap?: ParsedIdMap;
	readonly msiMap?: ParsedIdMap;
	/** RIDs reachable under the host that the emulator can name. */
	readonly rids: readonly ReachableRid[];
}

/** A RID the devicetree implies exists under a host. */
export interface ReachableRid {
	readonly rid: bigint;
	readonly why: string;
	readonly loc: SourceRef;
}

/** Options of `buildTopology`. */
export interface TopologyOptions {
	/** Plugins to use instead of the built-in ones. */
	readonly plugins?: readonly unknown[];
	/** User SoC profiles (see `validateProfile`). */
	readonly profiles?: UserProfiles;
	readonly era?: KernelEra;
	/** Extra PCI requester IDs per host path (endpoints the tree does not describe). */
	readonly pciRids?: Readonly<Record<string, readonly bigint[]>>;
}

/** Everything the IOMMU checks and hovers need about a tree. */
export interface Topology {
	readonly view: DtView;
	readonly registry: IommuRegistry;
	readonly era: KernelEra;
	readonly instances: readonly IommuInstanceInfo[];
	readonly instanceByPath: ReadonlyMap<string, IommuInstanceInfo>;
	readonly masters: readonly MasterInfo[];
	readonly hosts: readonly MapHost[];
}

const labelOf = (node: DtNodeView): string => node.labels[0] ?? (node.name || '/');

/** The limits a plugin's hardware has when nothing else is known. */
function limitsFor(pluginId: string | undefined) {
	return pluginId === 'arm-smmu-v3' ? SMMU_V3_LIMITS : SMMU_V2_LIMITS;
}

/**
 * RIDs the devicetree implies under a PCI host: the root bus's devfn 0 (the root port), each child node
 * with a PCI `reg` (bus/devfn from `phys.hi`), and the first function of the first bus below each root
 * port (the port's `bus-range` start, else the host's first bus + 1).
 */
export function reachableRids(host: DtNodeView): ReachableRid[] {
	const out: ReachableRid[] = [];
	const add = (rid: bigint, why: string, loc: SourceRef): void => {
		if (!out.some((r) => r.rid === rid)) out.push({ rid, why, loc });
	};
	const busRange = u32s(host.property('bus-range'));
	const rootBus = BigInt(busRange?.[0] ?? 0);
	add(rootBus << 8n, `root bus ${hex(rootBus, 2)} device 0 function 0`, host.property('bus-range')?.loc ?? host.loc);
	let nextBus = rootBus + 1n;
	const ports = host.children.filter((c) => c.property('reg') && (c.property('device_type') || /^pcie?@/.test(c.name)));
	for (const port of ports) {
		if (!isAvailableInTree(port)) continue;
		const reg = cells(port.property('reg'));
		const physHi = reg?.[0];
		if (physHi !== undefined) add((physHi >> 8n) & 0xffffn, `${port.name} (reg phys.hi ${hex(physHi)})`, port.property('reg')?.loc ?? port.loc);
		const portRange = u32s(port.property('bus-range'));
		const secondary = portRange ? BigInt(portRange[0] ?? 0) : nextBus;
		nextBus = secondary + 1n;
		add(secondary << 8n, `first function below ${port.name} (bus ${hex(secondary, 2)})`, port.property('bus-range')?.loc ?? port.loc);
		for (const ep of port.children) {
			const epReg = cells(ep.property('reg'));
			const hi = epReg?.[0];
			if (hi !== undefined && isAvailableInTree(ep)) add((hi >> 8n) & 0xffffn, `${ep.name} (reg phys.hi ${hex(hi)})`, ep.property('reg')?.loc ?? ep.loc);
		}
	}
	if (ports.length === 0 && busRange && BigInt(busRange[1] ?? 0) > rootBus) {
		add((rootBus + 1n) << 8n, `first function on bus ${hex(rootBus + 1n, 2)} (bus-range)`, host.property('bus-range')?.loc ?? host.loc);
	}
	return out;
}

/** Builds the topology of `view`. Deterministic; plugin crashes end up in `registry.crashes`. */
export function buildTopology(view: DtView, options: TopologyOptions = {}): Topology {
	const registry = createRegistry(options.plugins ?? BUILTIN_PLUGINS);
	const era: KernelEra = options.era ?? { version: DEFAULT_KERNEL_VERSION };
	const nodes = walk(view.root);

	const bare: Array<Omit<IommuInstanceInfo, 'probeIssues'>> = [];
	for (let idx = 0; idx < nodes.length; idx++) {
		const node = nodes[idx] as DtNodeView;
		const compat = compatibles(node);
		const plugin = registry.pluginFor(node, compat);
		if (!plugin && !node.property('#iommu-cells')) continue;
		const iommuCells = u32(node, '#iommu-cells');
		const profile = resolveProfile(node, compat, limitsFor(plugin?.id), options.profiles);
		const available = isAvailableInTree(node);
		const provider: IommuProvider = { view, node, compatibles: compat, iommuCells, available, profile };
		bare.push({ node, path: node.path, label: labelOf(node), compatibles: compat, plugin, available, iommuCells, profile, provider });
	}
	const issues = smmuProbeIssues(
		view,
		bare
			.filter((i) => i.plugin?.id === 'arm-smmu')
			.map((i) => ({ node: i.node, compatibles: i.compatibles, available: i.available, ...(i.profile.known.numContextBanks !== undefined ? { numContextBanks: i.profile.known.numContextBanks } : {}) })),
	);
	const instances: IommuInstanceInfo[] = bare.map((i) => ({ ...i, probeIssues: issues.get(i.path) ?? [] }));
	const instanceByPath = new Map(instances.map((i) => [i.path, i]));

	const decodeEntry = (instance: IommuInstanceInfo | undefined, args: readonly bigint[], loc: SourceRef): Pick<MasterEntry, 'decode' | 'problem' | 'problemMessage'> => {
		if (!instance) return {};
		if (!instance.available) return { problem: 'iommu-disabled' };
		if (!instance.plugin) return {};
		const decode = registry.decode(instance.plugin, instance.provider, args, era, loc);
		return decode.kind === 'error' ? { decode, problem: 'decode-error', problemMessage: decode.message } : { decode };
	};

	const masters: MasterInfo[] = [];
	const hosts: MapHost[] = [];
	const legacyMasters = new Map<string, MasterEntry[]>();
	for (const inst of instances) {
		if (!inst.node.property('mmu-masters')) continue;
		for (const e of parsePhandleArgs(view, inst.node, 'mmu-masters', '#stream-id-cells')) {
			if (!e.target || e.error) continue;
			const list = legacyMasters.get(e.target.path) ?? [];
			for (const sid of e.args) {
				list.push({ index: list.length, loc: e.loc, target: inst.node, instance: inst, args: [sid], ...decodeEntry(inst, [sid], e.loc) });
			}
			legacyMasters.set(e.target.path, list);
		}
	}

	for (let idx = 0; idx < nodes.length; idx++) {
		const node = nodes[idx] as DtNodeView;
		const available = isAvailableInTree(node);
		if (node.property('iommus')) {
			const entries: MasterEntry[] = [];
			for (const e of parsePhandleArgs(view, node, 'iommus', '#iommu-cells')) {
				if (e.phandle === 0) {
					entries.push({ index: e.index, loc: e.loc, target: undefined, instance: undefined, args: [], problem: 'empty' });
					break;
				}
				if (e.error) {
					entries.push({ index: e.index, loc: e.loc, target: e.target, instance: undefined, args: e.args, phandle: e.phandle, problem: e.error });
					break;
				}
				const instance = e.target ? instanceByPath.get(e.target.path) : undefined;
				entries.push({ index: e.index, loc: e.loc, target: e.target, instance, args: e.args, phandle: e.phandle, ...decodeEntry(instance, e.args, e.loc) });
			}
			masters.push({ ref: { key: node.path, node, isPci: false }, source: 'iommus', available, entries });
		}
		const legacy = legacyMasters.get(node.path);
		if (legacy) masters.push({ ref: { key: node.path, node, isPci: false }, source: 'mmu-masters', available, entries: legacy });
		const iommuMap = parseIdMap(view, node, 'iommu-map');
		const msiMap = parseIdMap(view, node, 'msi-map');
		if (!iommuMap && !msiMap) continue;
		const rids = reachableRids(node);
		for (const extra of options.pciRids?.[node.path] ?? []) {
			if (!rids.some((r) => r.rid === extra)) rids.push({ rid: extra, why: 'given by the caller', loc: node.loc });
		}
		hosts.push({ node, ...(iommuMap ? { iommuMap } : {}), ...(msiMap ? { msiMap } : {}), rids });
		if (!iommuMap) continue;
		for (const r of rids) {
			const result = mapIdIn(iommuMap, r.rid);
			const key = `${node.path} rid ${hex(r.rid, 4)}`;
			const ref: MasterRef = { key, node, rid: r.rid, isPci: true };
			let entry: MasterEntry;
			if (result.kind === 'mapped') {
				const instance = instanceByPath.get(result.target.path);
				entry = {
					index: result.entry.index,
					loc: result.entry.loc,
					target: result.target,
					instance,
					args: result.args,
					via: { map: iommuMap, entry: result.entry, rid: r.rid },
					...decodeEntry(instance, result.args, result.entry.loc),
				};
			} else if (result.kind === 'no-match') {
				entry = { index: -1, loc: iommuMap.prop.loc, target: undefined, instance: undefined, args: [], problem: 'no-map-match', problemMessage: result.message, via: { map: iommuMap, rid: r.rid } };
			} else {
				const problemMessage = result.kind === 'error' ? result.message : undefined;
				const mapEntry = result.kind === 'error' ? result.entry : undefined;
				entry = {
					index: mapEntry?.index ?? -1,
					loc: mapEntry?.loc ?? iommuMap.prop.loc,
					target: undefined,
					instance: undefined,
					args: [],
					problem: 'map-error',
					...(problemMessage ? { problemMessage } : {}),
					via: { map: iommuMap, ...(mapEntry ? { entry: mapEntry } : {}), rid: r.rid },
				};
			}
			masters.push({ ref, source: 'iommu-map', available, entries: [entry], ridOrigin: { why: r.why, loc: r.loc } });
		}
	}
	return { view, registry, era, instances, instanceByPath, masters, hosts };
}

/**
 * Topologies with the built-in plugins and no profiles or extra RIDs, per view and kernel version.
 * The probe simulation and the checks of one analysis need this same topology; building it is a
 * walk of the whole tree, so they share one. Valid because a topology is a pure function of the view
 * (which never changes) and these options; the only state it carries is `registry.crashes`, which then
 * lists the crashes of both readers.
 */
const defaultTopologies = new KeyedCache<DtView, Map<string, Topology>>('default topologies');

/** `buildTopology(view, { era })`, built once per view and kernel version (see `defaultTopologies`). */
export function defaultTopology(view: DtView, era: KernelEra = { version: DEFAULT_KERNEL_VERSION }): Topology {
	let byVersion = defaultTopologies.get(view);
	if (!byVersion) {
		byVersion = new Map();
		defaultTopologies.set(view, byVersion);
	}
	const key = `${era.version[0]}.${era.version[1]}`;
	let t = byVersion.get(key);
	if (!t) {
		t = buildTopology(view, { era });
		byVersion.set(key, t);
	}
	return t;
}

/** One entry's outcome in a simulation. */
export interface AttachEntryResult {
	readonly entryIndex: number;
	readonly loc: SourceRef;
	/** The IOMMU instance path and model. */
	readonly instance?: string;
	readonly model?: string;
	readonly stream?: DecodedStream;
	readonly slot?: EntrySlot;
	readonly group?: number;
	readonly contextBank?: number;
	/** Other masters in the same group. */
	readonly groupSharedWith: readonly string[];
}

/** What happens to one master. */
export interface MasterAttachResult {
	readonly master: string;
	readonly node: string;
	/** `attached`: translated by its IOMMU(s); `no-iommu`: the device works without translation; `not-a-device`: disabled, never created. */
	readonly status: 'attached' | 'no-iommu' | 'not-a-device';
	readonly errno?: Errno;
	/** The kernel's message (or the emulator's explanation when `kernelPrints` is false). */
	readonly message?: string;
	readonly kernelPrints?: boolean;
	/** One sentence: what the kernel does with the device. */
	readonly consequence: string;
	readonly failedEntry?: number;
	readonly conflictWith?: { readonly master: string; readonly entryIndex: number };
	readonly entries: readonly AttachEntryResult[];
}

/** A whole simulation. */
export interface AttachReport {
	/** Master keys in the order they were attached. */
	readonly order: readonly string[];
	readonly masters: readonly MasterAttachResult[];
	readonly byMaster: ReadonlyMap<string, MasterAttachResult>;
	/** Per IOMMU path, the usage after the run. */
	readonly usage: ReadonlyMap<string, InstanceUsage>;
}

const NO_IOMMU_DMA =
	'of_iommu_configure() ignores every error but -EPROBE_DEFER (only dev_dbg "Adding to IOMMU failed: %d"), so the device probes and does DMA without the IOMMU: untranslated, or blocked ("Blocked unknown Stream ID") when the SMMU disables bypass.';

/**
 * Runs every available instance's allocation over the masters in `order` (master keys; masters not
 * named follow in document order). Each master's entries are used as `of_iommu_configure()` does: the
 * walk stops at an entry the phandle parser cannot read (earlier entries still count); a disabled IOMMU
 * or an `of_xlate` error leaves the whole device without IOMMU; then each instance allocates for the
 * master's fwspec. Errors other than -EPROBE_DEFER never fail the device's probe: it runs without the
 * IOMMU (this model has no unregistered drivers, so it never returns -EPROBE_DEFER itself).
 */
export function attach(topology: Topology, options: { order?: readonly string[] } = {}): AttachReport {
	const { registry, era } = topology;
	const states = new Map<string, IommuInstanceState>();
	const stateOf = (inst: IommuInstanceInfo): IommuInstanceState | undefined => {
		if (!inst.plugin || !inst.available) return undefined;
		let s = states.get(inst.path);
		if (!s) {
			s = registry.createInstance(inst.plugin, inst.provider, { era });
			states.set(inst.path, s);
		}
		return s;
	};
	const byKey = new Map<string, MasterInfo[]>();
	for (const m of topology.masters) {
		const list = byKey.get(m.ref.key);
		if (list) list.push(m);
		else byKey.set(m.ref.key, [m]);
	}
	// The order, each key once (a set beside the list: thousands of masters on one board are fine).
	const keys: string[] = [];
	const named = new Set<string>();
	const add = (k: string): void => {
		if (named.has(k)) return;
		named.add(k);
		keys.push(k);
	};
	for (const k of options.order ?? []) if (byKey.has(k)) add(k);
	for (const m of topology.masters) add(m.ref.key);

	const results: MasterAttachResult[] = [];
	for (const key of keys) {
		for (const master of byKey.get(key) ?? []) results.push(attachOne(master, stateOf));
	}
	const usage = new Map<string, InstanceUsage>();
	for (const inst of topology.instances) {
		const s = states.get(inst.path);
		if (s) usage.set(inst.path, s.usage());
	}
	return { order: keys, masters: results, byMaster: new Map(results.map((r) => [r.master, r])), usage };
}

function attachOne(master: MasterInfo, stateOf: (i: IommuInstanceInfo) => IommuInstanceState | undefined): MasterAttachResult {
	const base = { master: master.ref.key, node: master.ref.node.path };
	const noIommu = (o: Partial<MasterAttachResult> & { consequence?: string }): MasterAttachResult => ({
		...base,
		status: 'no-iommu',
		consequence: NO_IOMMU_DMA,
		entries: [],
		...o,
	});
	if (!master.available) return { ...base, status: 'not-a-device', consequence: 'The node is disabled: no device is created, nothing is attached.', entries: [] };
	const usable: MasterEntry[] = [];
	for (const e of master.entries) {
		if (e.problem === 'empty' || e.problem === 'no-target' || e.problem === 'no-cells-property' || e.problem === 'truncated') break;
		if (e.problem === 'iommu-disabled') {
			return noIommu({
				failedEntry: e.index,
				errno: 'ENODEV',
				kernelPrints: false,
				message: `${e.target?.path ?? 'The IOMMU'} is disabled: of_iommu_xlate() returns NO_IOMMU (-ENODEV in 6.x).`,
				consequence: 'The device probes without IOMMU: its DMA is untranslated (bypass), or faults if the IOMMU blocks unknown streams.',
			});
		}
		if (e.problem === 'no-map-match' || e.problem === 'map-error' || e.problem === 'map-absent') {
			return noIommu({ failedEntry: e.index, ...(e.problemMessage ? { message: e.problemMessage, kernelPrints: true } : {}), consequence: 'of_map_id() gives no IOMMU for this RID: the PCI function does DMA without the IOMMU.' });
		}
		if (e.problem === 'decode-error' && e.decode?.kind === 'error') {
			return noIommu({ failedEntry: e.index, errno: e.decode.errno, message: e.decode.message, kernelPrints: e.decode.kernelPrints });
		}
		usable.push(e);
	}
	const withInstance = usable.filter((e) => e.instance && e.decode?.kind === 'ok');
	if (withInstance.length === 0) return noIommu({ consequence: 'No usable IOMMU specifier: the device does DMA without an IOMMU.' });
	const perInstance = new Map<IommuInstanceInfo, MasterEntry[]>();
	for (const e of withInstance) {
		const inst = e.instance as IommuInstanceInfo;
		perInstance.set(inst, [...(perInstance.get(inst) ?? []), e]);
	}
	const insts = [...perInstance.keys()];
	const first = insts[0] as IommuInstanceInfo;
	if (insts.length > 1 && !first.plugin?.multiInstance) {
		const second = insts[1] as IommuInstanceInfo;
		return noIommu({
			failedEntry: (perInstance.get(second) as MasterEntry[])[0]?.index,
			errno: 'EINVAL',
			kernelPrints: false,
			conflictWith: undefined,
			message: `The device names two IOMMU instances (${first.path}, ${second.path}); iommu_fwspec_init() refuses a second one for one device (-EINVAL; 5.x kernels instead put every ID into the first instance's fwspec).`,
		});
	}
	for (const inst of insts) {
		const fatal = inst.probeIssues.find((p) => p.fatal);
		if (fatal) {
			return noIommu({
				failedEntry: (perInstance.get(inst) as MasterEntry[])[0]?.index,
				errno: 'ENODEV',
				message: `${inst.path} does not probe: ${fatal.message}`,
				kernelPrints: true,
				consequence: 'The IOMMU is never registered: with fw_devlink the device waits for it, then (after deferred_probe_timeout) probes without IOMMU.',
			});
		}
	}
	const entries: AttachEntryResult[] = [];
	for (const inst of insts) {
		const state = stateOf(inst);
		const list = perInstance.get(inst) as MasterEntry[];
		if (!state) continue;
		const fwspec: FwspecEntry[] = list.map((e) => ({ entryIndex: e.index, stream: (e.decode as { kind: 'ok'; stream: DecodedStream }).stream, loc: e.loc }));
		const outcome = state.attach(master.ref, fwspec);
		if (!outcome.ok) {
			return noIommu({
				...(outcome.errno ? { errno: outcome.errno } : {}),
				...(outcome.message ? { message: outcome.message } : {}),
				...(outcome.kernelPrints !== undefined ? { kernelPrints: outcome.kernelPrints } : {}),
				...(outcome.failedEntry !== undefined ? { failedEntry: outcome.failedEntry } : {}),
				...(outcome.conflictWith ? { conflictWith: outcome.conflictWith } : {}),
				consequence: `${inst.plugin?.model ?? 'The IOMMU'} refuses the device (${outcome.errno ? `${ERRNO_VALUES[outcome.errno]}` : 'error'}); ${NO_IOMMU_DMA}`,
			});
		}
		for (const e of list) {
			const slot = outcome.slots.find((s) => s.entryIndex === e.index);
			entries.push({
				entryIndex: e.index,
				loc: e.loc,
				instance: inst.path,
				...(inst.plugin ? { model: inst.plugin.model } : {}),
				stream: (e.decode as { kind: 'ok'; stream: DecodedStream }).stream,
				...(slot ? { slot } : {}),
				...(outcome.group !== undefined ? { group: outcome.group } : {}),
				...(outcome.contextBank !== undefined ? { contextBank: outcome.contextBank } : {}),
				groupSharedWith: outcome.groupSharedWith,
			});
		}
	}
	return { ...base, status: 'attached', consequence: 'The device is attached: its DMA is translated by the IOMMU.', entries };
}
