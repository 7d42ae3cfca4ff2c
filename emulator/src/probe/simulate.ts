/**
 * The probe-order model: which IOMMU instance (if any) each DMA master ends up behind, for a kernel
 * version, a set of driver facts and a few boot parameters, over every order the kernel could take.
 *
 * What is modelled
 * - Devices: available nodes with `#iommu-cells` (IOMMU instances) and available nodes with `iommus`
 *   or `iommu-map` (masters; an `iommu-map` master stands for the PCI functions below it). Platform
 *   devices exist from `arch_initcall_sync` (`of_platform_default_populate_init()`), so an instance binds
 *   when its driver registers, but not before `arch_sync`.
 * - Drivers: the facts (`DriverFacts`); built-in drivers register at their initcall level in level
 *   order (`INITCALL_LEVELS`), modules load after every built-in at an unspecified time. Masters' own
 *   drivers are not known to the model; they are assumed to probe at `device_initcall` time.
 * - fw_devlink / of_iommu deferral (4.19 and later): a master whose IOMMU node is available waits
 *   (-EPROBE_DEFER) until the instance is bound; when it never binds (no driver, `n`, a module that is
 *   never loaded, a failed probe), the master probes without an IOMMU at the deferred-probe timeout
 *   (or waits forever when the timeout is -1). A disabled IOMMU creates no link: no IOMMU at once.
 * - Before 4.19: no deferral without an `IOMMU_OF_DECLARE` entry: the master gets no IOMMU at once when
 *   the instance has not registered ops by the time the master probes.
 * - Per-bus ops (any driver with `bus_set_iommu()` facts, i.e. kernels before 6.1): the first driver to
 *   call `bus_set_iommu()` on a bus owns it; the others skip (`iommu_present()`), fail their probe
 *   (-EBUSY) or fail their initcall, as their facts say. Masters of a non-owner get a fwspec from
 *   `of_xlate` but the owner's `probe_device`/`add_device` rejects them: no IOMMU, silently (or, for a
 *   rockchip-2017 owner and a master with IOMMU cells, "incorrect number of iommu params").
 * - 6.1 and later: every instance registers its own ops; masters of every bound instance are translated.
 * - A master that ends without an IOMMU while its IOMMU instance is bound behind hardware that blocks
 *   unmatched streams (`arm-smmu.disable_bypass`, sCR0.USFCFG) is `blocked`, not `bypass`. A master
 *   that is translated under `iommu.passthrough=1` gets an identity domain.
 *
 * The reduction (why this is polynomial)
 * The kernel's freedom is (a) the relative order of drivers of one initcall level whose link order is
 * unknown, (b) when modules load, (c) the order of deferred-probe retries. Deferred-probe retry order
 * changes nothing modelled here (a master's result depends only on whether its IOMMU is bound in time
 * and who owns its bus), so (c) is dropped. (a) and (b) only matter through "which driver calls
 * `bus_set_iommu()` first on each bus": for every bus, the candidates with the earliest (phase, level)
 * are the only possible first claimers, narrowed by known link order. Instead of permutations, the
 * model explores one order per possible leader L (L first within its tie group, everyone else in the
 * default order) plus the default order: at most D + 1 orders for D IOMMU drivers, each replayed in
 * O(D * B) for B buses. For each order and master it then branches on the two remaining binary facts:
 * whether a module supplier loads before the master gives up, and (before 4.19) whether the master
 * probes before its IOMMU registers ops. Total work O((D + 1) * (D * B + 4 * M)) for M masters: quadratic
 * in the number of drivers for a fixed SoC shape (`explored` counts the states; a test checks it).
 *
 * Exactness: the set of outcomes is exact when every fight over buses involves the same buses for all
 * its drivers (the common case: arm-smmu vs arm-smmu-v3, rockchip vs arm-smmu). With three or more
 * drivers of one level whose claimed buses only partly overlap, orders where the leader is not first on
 * every bus it claims are not all explored (an under-approximation). A driver's claims are replayed in
 * its call order; a failing call stops the later ones but keeps the earlier ones (as the 5.x arm-smmu-v3
 * probe did before its error unwinding).
 */
import { formatKernelVersion, eraOf, defaultDeferredProbeTimeout, type KernelEra, type KernelVersion } from './era';
import { INITCALL_LEVELS, initcallIndex, matchDriver, type BusName, type DriverFacts, type InitcallLevel } from './drivers';
import { scanTopology, type MasterNode, type ProviderNode } from './topology';
import type { DtView, SourceRef } from '../types';
import { attach, buildTopology, defaultTopology, type AttachReport, type Topology, type TopologyOptions } from '../iommu/topology';
import { KeyedCache } from '../keyed-cache';

/** Inputs of the simulation besides the tree. */
export interface ProbeOptions {
	readonly version: KernelVersion;
	/** The drivers of this kernel (with any y/m/n overrides applied). */
	readonly facts: readonly DriverFacts[];
	/** `deferred_probe_timeout` in seconds; -1 waits forever; default by version (`defaultDeferredProbeTimeout`). */
	readonly deferredProbeTimeout?: number;
	/** `iommu.passthrough=1`: translated masters get an identity domain. */
	readonly passthrough?: boolean;
	/** Boolean boot parameters by name, e.g. `{ 'arm-smmu.disable_bypass': false }`. */
	readonly bootParams?: Readonly<Record<string, boolean>>;
	/** Kconfig booleans by symbol (without `CONFIG_`), e.g. `{ ARM_SMMU_DISABLE_BYPASS_BY_DEFAULT: false }`. */
	readonly kconfig?: Readonly<Record<string, boolean>>;
	/** IOMMU driver names in a forced link order: decides ties within one initcall level (and among modules). */
	readonly driverOrder?: readonly string[];
	/** Plugins and SoC profiles for the stream allocation (`attach()` of emulator/src/iommu); default: the built-in ones. */
	readonly iommu?: Pick<TopologyOptions, 'plugins' | 'profiles'>;
	/** Drivers built as modules that are never loaded. */
	readonly unloadedModules?: readonly string[];
}

/** Why a master ends without an IOMMU. */
export type NoIommuReason =
	| 'iommu-disabled'
	| 'bad-specifier'
	| 'no-driver'
	| 'module-not-loaded'
	| 'module-late'
	| 'iommu-probe-failed'
	| 'driver-not-registered'
	| 'bus-owned-by-other'
	| 'no-bus-ops'
	| 'probed-before-iommu'
	/** The node is an rpmsg edge/channel or APR/GPR service: no platform device, no of_dma_configure(). */
	| 'not-a-platform-device'
	/** The IOMMU's stream allocation refuses the master (arm-smmu SMR conflict, SMMUv3 StreamID aliasing): the loser of a probe-order race. */
	| 'stream-conflict';

/** What happens to one master's DMA. */
export type MasterOutcome =
	| { readonly kind: 'translated'; readonly iommu: string; readonly driver: string; readonly domain: 'dma' | 'identity' }
	| {
			readonly kind: 'bypass';
			readonly reason: NoIommuReason;
			/** When the master gives up: at its first probe (`at-once`, including a rejection by probe_device) or at the deferred-probe timeout. */
			readonly when: 'at-once' | 'at-timeout';
			readonly iommu?: string;
			readonly driver?: string;
			readonly detail: string;
	  }
	| { readonly kind: 'blocked'; readonly reason: NoIommuReason; readonly iommu: string; readonly driver: string; readonly param: string; readonly detail: string }
	| { readonly kind: 'deferred-forever'; readonly reason: NoIommuReason; readonly iommu?: string; readonly driver?: string; readonly detail: string };

/** One order of the kernel that produces an outcome. */
export interface Witness {
	/** IOMMU drivers in the order they register or probe in this witness. */
	readonly order: readonly string[];
	/** The driver that owns each bus (`bus_set_iommu()` first); empty from 6.1. */
	readonly busOwners: Readonly<Record<string, string>>;
	/** For module suppliers: whether the module loaded before the master gave up. */
	readonly moduleLoad?: 'before-timeout' | 'after-timeout';
	/** Before 4.19: whether the master probed before its IOMMU registered ops. */
	readonly masterFirst?: boolean;
	/**
	 * Masters of one IOMMU instance whose stream allocations interact (arm-smmu SMRs, SMMUv3
	 * StreamIDs), in the order they probe and attach in this witness; absent when the order of masters
	 * does not matter.
	 */
	readonly probeOrder?: readonly string[];
	/** The witness in one sentence. */
	readonly description: string;
}

/** The result for one master. */
export interface MasterResult {
	readonly path: string;
	readonly via: 'iommus' | 'iommu-map';
	readonly bus: BusName;
	/** The IOMMU node of the master's first entry, if any. */
	readonly iommu?: string;
	/** The driver of that IOMMU node, if any. */
	readonly driver?: string;
	readonly loc: SourceRef;
	/** The outcome in the default order (the trace's order). */
	readonly outcome: MasterOutcome;
	/** Every distinct outcome, each with one order that produces it; the default order's first. */
	readonly outcomes: ReadonlyArray<{ readonly outcome: MasterOutcome; readonly witness: Witness }>;
	readonly orderDependent: boolean;
}

/** The state of one IOMMU node at the end of boot. */
export type InstanceState = 'bound' | 'disabled' | 'no-driver' | 'not-built' | 'module-not-loaded' | 'probe-failed' | 'driver-not-registered';

/** The result for one IOMMU node. */
export interface InstanceResult {
	readonly path: string;
	readonly compatibles: readonly string[];
	readonly driver?: string;
	/** The state in the default order. */
	readonly state: InstanceState;
	/** Every state over the explored orders. */
	readonly states: readonly InstanceState[];
	readonly loc: SourceRef;
}

/** Who may own one bus's IOMMU ops (per-bus drivers only). */
export interface BusResult {
	readonly bus: BusName;
	/** Drivers that call `bus_set_iommu()` on this bus, in the default order. */
	readonly candidates: readonly string[];
	/** Drivers that can be first, over every order. */
	readonly possibleOwners: readonly string[];
	/** The owner in the default order. */
	readonly owner?: string;
	/** How the first claimer is decided. */
	readonly decidedBy: 'single' | 'initcall-level' | 'link-order' | 'undetermined';
}

/** One step of the default-order trace, for the editor's timeline. */
export interface ProbeStep {
	readonly seq: number;
	/** `subsys_initcall`, `device_initcall_sync`, `modules`, `deferred-probe-timeout`, ... */
	readonly at: string;
	readonly action:
		| 'populate'
		| 'register-driver'
		| 'claim-bus'
		| 'bus-busy'
		| 'probe-iommu'
		| 'iommu-bound'
		| 'probe-failed'
		| 'defer'
		| 'attach'
		| 'no-iommu'
		| 'blocked'
		| 'timeout'
		| 'load-module';
	readonly driver?: string;
	readonly node?: string;
	readonly detail: string;
	readonly loc?: SourceRef;
}

/** The whole simulation result: plain data. */
export interface ProbeResult {
	readonly version: string;
	readonly era: KernelEra;
	readonly deferredProbeTimeout: number;
	readonly instances: readonly InstanceResult[];
	readonly masters: readonly MasterResult[];
	readonly buses: readonly BusResult[];
	readonly steps: readonly ProbeStep[];
	/** Number of states the exploration evaluated (orders replayed plus master evaluations). */
	readonly explored: number;
}

/** A driver that can run in this boot. */
interface RunDriver {
	readonly facts: DriverFacts;
	/** 0 = built in, 1 = module. */
	readonly phase: 0 | 1;
	/** Index of the level its instances bind at (never before `arch_sync`). */
	readonly bindLevel: number;
	readonly link: number | undefined;
	readonly instances: readonly ProviderNode[];
	/** True when any node (whatever its status) matches its compatibles. */
	readonly anyNode: boolean;
	readonly docIndex: number;
}

/** One replayed order: bus owners and driver states. */
interface OrderState {
	readonly leader: string | undefined;
	readonly order: readonly string[];
	readonly owners: ReadonlyMap<BusName, string>;
	readonly failed: ReadonlyMap<string, { state: 'probe-failed' | 'driver-not-registered'; bus: BusName; by: string }>;
	/** Steps of bus claims, in order, for the trace. */
	readonly claims: ReadonlyArray<{ driver: string; bus: BusName; result: 'claim' | 'busy-skip' | 'busy-fail'; by?: string; from: 'probe' | 'initcall' }>;
}

const ARCH_SYNC = initcallIndex('arch_sync');
const DEVICE = initcallIndex('device');

/** Runs the probe-order model over `view`. Deterministic. */
export function simulateProbe(view: DtView, options: ProbeOptions): ProbeResult {
	const era = eraOf(options.version);
	const timeout = options.deferredProbeTimeout ?? defaultDeferredProbeTimeout(options.version);
	const topo = scanTopology(view);
	const unloaded = new Set(options.unloadedModules ?? []);
	const forced = options.driverOrder ?? [];
	let explored = 0;

	// Drivers that can bind something in this boot, with their instances.
	const driverOf = new Map<string, DriverFacts | undefined>();
	for (const p of topo.providers) driverOf.set(p.path, matchDriver(p.compatibles, options.facts.filter((f) => f.build !== 'n')) ?? undefined);
	const runs = new Map<string, RunDriver>();
	options.facts.forEach((facts, i) => {
		if (facts.build === 'n' || (facts.build === 'm' && unloaded.has(facts.name))) return;
		const instances = topo.providers.filter((p) => p.available && driverOf.get(p.path)?.name === facts.name);
		const anyNode = topo.providers.some((p) => p.compatibles.some((c) => facts.compatibles.includes(c)));
		if (instances.length === 0 && !anyNode) return;
		const forcedIndex = forced.indexOf(facts.name);
		const firstDoc = instances.length > 0 ? topo.providers.indexOf(instances[0] as ProviderNode) : topo.providers.length + i;
		runs.set(facts.name, {
			facts,
			phase: facts.build === 'm' ? 1 : 0,
			bindLevel: Math.max(initcallIndex(facts.registration.level), ARCH_SYNC),
			link: forcedIndex >= 0 ? forcedIndex : facts.registration.linkOrder,
			instances,
			anyNode,
			docIndex: firstDoc,
		});
	});

	// The level at which a driver's bus_set_iommu() call happens, when it happens at all.
	const claimLevel = (r: RunDriver, from: 'probe' | 'initcall'): number | undefined => {
		if (from === 'initcall') {
			const claims = r.facts.busSetIommu.some((c) => c.from === 'initcall' && c.claimsWhenAnyNodeExists) ? r.anyNode : r.instances.length > 0;
			return claims ? initcallIndex(r.facts.registration.level) : undefined;
		}
		return r.instances.length > 0 ? r.bindLevel : undefined;
	};
	const claimKey = (r: RunDriver): number | undefined => {
		let best: number | undefined;
		for (const c of r.facts.busSetIommu) {
			const l = claimLevel(r, c.from);
			if (l !== undefined && (best === undefined || l < best)) best = l;
		}
		return best;
	};
	const defaultCompare = (a: RunDriver, b: RunDriver): number => {
		const ka = claimKey(a) ?? a.bindLevel;
		const kb = claimKey(b) ?? b.bindLevel;
		return a.phase - b.phase || ka - kb || (a.link ?? Infinity) - (b.link ?? Infinity) || a.docIndex - b.docIndex || (a.facts.name < b.facts.name ? -1 : a.facts.name > b.facts.name ? 1 : 0);
	};
	const ordered = [...runs.values()].sort(defaultCompare);
	const sameGroup = (a: RunDriver, b: RunDriver): boolean => a.phase === b.phase && (claimKey(a) ?? a.bindLevel) === (claimKey(b) ?? b.bindLevel);

	// Per bus: candidates and possible first claimers.
	const buses: BusResult[] = [];
	const busNames: BusName[] = [];
	for (const r of ordered) for (const c of r.facts.busSetIommu) if (claimLevel(r, c.from) !== undefined && !busNames.includes(c.bus)) busNames.push(c.bus);
	const possibleByBus = new Map<BusName, RunDriver[]>();
	for (const bus of busNames) {
		const cands = ordered.filter((r) => r.facts.busSetIommu.some((c) => c.bus === bus && claimLevel(r, c.from) !== undefined));
		const first = cands[0] as RunDriver;
		const group = cands.filter((r) => sameGroup(r, first));
		let possible: RunDriver[];
		let decidedBy: BusResult['decidedBy'];
		if (cands.length === 1) {
			possible = [first];
			decidedBy = 'single';
		} else if (group.length === 1) {
			possible = [first];
			decidedBy = 'initcall-level';
		} else {
			const known = group.filter((r) => r.link !== undefined);
			const unknown = group.filter((r) => r.link === undefined);
			possible = [...(known.length > 0 ? [known[0] as RunDriver] : []), ...unknown];
			decidedBy = possible.length === 1 ? 'link-order' : 'undetermined';
		}
		possibleByBus.set(bus, possible);
		buses.push({ bus, candidates: cands.map((r) => r.facts.name), possibleOwners: possible.map((r) => r.facts.name).sort(), decidedBy });
	}

	// Replays one order: `leader` first within its tie group, everyone else in the default order.
	const replay = (leader: RunDriver | undefined): OrderState => {
		explored++;
		// The leader moves to the front of its tie group; everyone else keeps the default order.
		const seq = leader
			? [...ordered].sort((a, b) => {
					if (!sameGroup(a, b)) return defaultCompare(a, b);
					if (a === leader) return -1;
					if (b === leader) return 1;
					return defaultCompare(a, b);
				})
			: ordered;
		const owners = new Map<BusName, string>();
		const failed = new Map<string, { state: 'probe-failed' | 'driver-not-registered'; bus: BusName; by: string }>();
		const claims: Array<OrderState['claims'][number]> = [];
		// Initcall claims run at the driver's level, probe claims at the bind level: replay by time.
		const events: Array<{ r: RunDriver; from: 'probe' | 'initcall'; level: number }> = [];
		for (const r of seq) {
			const levels = new Set<'probe' | 'initcall'>(r.facts.busSetIommu.map((c) => c.from));
			for (const from of ['initcall', 'probe'] as const) {
				const level = levels.has(from) ? claimLevel(r, from) : undefined;
				if (level !== undefined) events.push({ r, from, level });
			}
		}
		events.sort((a, b) => a.r.phase - b.r.phase || a.level - b.level || seq.indexOf(a.r) - seq.indexOf(b.r));
		for (const ev of events) {
			const name = ev.r.facts.name;
			if (failed.has(name)) continue;
			for (const c of ev.r.facts.busSetIommu) {
				if (c.from !== ev.from) continue;
				const owner = owners.get(c.bus);
				if (owner === undefined) {
					owners.set(c.bus, name);
					claims.push({ driver: name, bus: c.bus, result: 'claim', from: c.from });
				} else if (owner !== name) {
					if (c.onBusy === 'skip') claims.push({ driver: name, bus: c.bus, result: 'busy-skip', by: owner, from: c.from });
					else {
						claims.push({ driver: name, bus: c.bus, result: 'busy-fail', by: owner, from: c.from });
						failed.set(name, { state: c.onBusy === 'fail-probe' ? 'probe-failed' : 'driver-not-registered', bus: c.bus, by: owner });
						break;
					}
				}
			}
		}
		return { leader: leader?.facts.name, order: seq.map((r) => r.facts.name), owners, failed, claims };
	};

	const leaders: RunDriver[] = [];
	for (const possible of possibleByBus.values()) if (possible.length > 1) for (const r of possible) if (!leaders.includes(r)) leaders.push(r);
	const defaultState = replay(undefined);
	const states: OrderState[] = [defaultState, ...leaders.map((l) => replay(l))];
	const busResults = buses.map((b) => {
		const owner = defaultState.owners.get(b.bus);
		return owner === undefined ? b : { ...b, owner };
	});

	const blocking = (d: DriverFacts): string | undefined => {
		const b = d.blocksUnattached;
		if (!b) return undefined;
		const on = options.bootParams?.[b.param] ?? (b.kconfig !== undefined ? options.kconfig?.[b.kconfig] : undefined) ?? b.defaultOn;
		return on ? b.param : undefined;
	};

	const instanceState = (p: ProviderNode, st: OrderState): InstanceState => {
		if (!p.available) return 'disabled';
		const d = driverOf.get(p.path);
		if (!d) {
			const anyDriver = matchDriver(p.compatibles, options.facts);
			return anyDriver ? 'not-built' : 'no-driver';
		}
		if (d.build === 'm' && unloaded.has(d.name)) return 'module-not-loaded';
		const f = st.failed.get(d.name);
		return f ? f.state : 'bound';
	};

	// One master under one order, module timing and (pre-4.19) master-first choice.
	const evaluate = (m: MasterNode, st: OrderState, moduleLate: boolean, masterFirst: boolean): MasterOutcome => {
		explored++;
		if (m.rpmsgRole) {
			return {
				kind: 'bypass',
				reason: 'not-a-platform-device',
				when: 'at-once',
				detail: `${m.path} is ${m.rpmsgRole === 'service' ? 'an APR/GPR service (a device on the APR/GPR bus)' : m.rpmsgRole === 'channel' ? 'an rpmsg channel (an rpmsg device)' : 'a GLINK/SMD edge'}, not a platform device: the kernel never calls of_dma_configure() for it, so its ${m.via} is ignored and DMA done for it is not translated by any IOMMU`,
			};
		}
		const link = m.links.find((l) => l.target !== undefined) ?? m.links[0];
		if (!link || link.error || !link.target) {
			return { kind: 'bypass', reason: 'bad-specifier', when: 'at-once', detail: `the ${m.via} entry cannot be parsed (${link?.error ?? 'empty'}), so of_iommu_configure() finds no IOMMU` };
		}
		const p = topo.providers.find((q) => q.node === link.target) as ProviderNode;
		const state = instanceState(p, st);
		const d = driverOf.get(p.path);
		const at = { iommu: p.path, ...(d ? { driver: d.name } : {}) };
		const giveUp = (reason: NoIommuReason, why: string): MasterOutcome => {
			if (era === 'pre-4.19') return { kind: 'bypass', reason, when: 'at-once', ...at, detail: `${why}; before 4.19 of_iommu_xlate() returns NO_IOMMU and the master probes without an IOMMU at once` };
			if (timeout < 0) return { kind: 'deferred-forever', reason, ...at, detail: `${why}; with deferred_probe_timeout=-1 the master defers (-EPROBE_DEFER) forever` };
			return {
				kind: 'bypass',
				reason,
				when: 'at-timeout',
				...at,
				detail: `${why}; the master defers (-EPROBE_DEFER) until the deferred-probe timeout${timeout > 0 ? ` (${timeout} s)` : ' (end of initcalls)'}, then probes without an IOMMU`,
			};
		};
		const withBlock = (o: MasterOutcome, bound: boolean): MasterOutcome => {
			if (o.kind !== 'bypass' || !bound || !d) return o;
			const param = blocking(d);
			if (!param) return o;
			return { kind: 'blocked', reason: o.reason, iommu: p.path, driver: d.name, param, detail: `${o.detail}; ${d.name} is bound with ${param}=1, so the master's unmatched stream is blocked (fault) instead of bypassing` };
		};
		switch (state) {
			case 'disabled':
				return { kind: 'bypass', reason: 'iommu-disabled', when: 'at-once', iommu: p.path, detail: `${p.path} is disabled: no device link, of_iommu_xlate() gives up (NO_IOMMU / -ENODEV) and the master probes without an IOMMU at once` };
			case 'no-driver':
				return giveUp('no-driver', `no driver matches ${p.compatibles.map((c) => `"${c}"`).join(', ') || 'the IOMMU node (no compatible)'}`);
			case 'not-built':
				return giveUp('no-driver', `the driver for ${p.path} is not built (n)`);
			case 'module-not-loaded':
				return giveUp('module-not-loaded', `the ${d?.name ?? ''} module is never loaded`);
			case 'driver-not-registered': {
				const f = st.failed.get(d?.name ?? '');
				return giveUp('driver-not-registered', `${d?.name ?? ''}'s initcall fails (bus_set_iommu(${f?.bus ?? ''}) -EBUSY, ${f?.by ?? ''} owns the bus) before registering its driver`);
			}
			case 'probe-failed': {
				const f = st.failed.get(d?.name ?? '');
				return giveUp('iommu-probe-failed', `${p.path} (${d?.name ?? ''}) fails to probe: bus_set_iommu(${f?.bus ?? ''}) returns -EBUSY because ${f?.by ?? ''} owns the bus`);
			}
			case 'bound':
				break;
		}
		const drv = d as DriverFacts;
		if (drv.build === 'm' && moduleLate) {
			const o: MasterOutcome =
				era === 'pre-4.19'
					? { kind: 'bypass', reason: 'module-late', when: 'at-once', ...at, detail: `the master probes before the ${drv.name} module registers ops, and without an IOMMU_OF_DECLARE entry of_iommu_xlate() returns NO_IOMMU` }
					: { kind: 'bypass', reason: 'module-late', when: 'at-timeout', ...at, detail: `the ${drv.name} module loads after the deferred-probe timeout; the master already probed without an IOMMU` };
			return withBlock(o, true);
		}
		if (era === 'pre-4.19' && drv.attach === 'of_xlate' && !drv.ofDeclare && masterFirst) {
			return withBlock(
				{ kind: 'bypass', reason: 'probed-before-iommu', when: 'at-once', ...at, detail: `the master probes before ${p.path} registers ops and "${p.compatibles[0] ?? ''}" has no IOMMU_OF_DECLARE entry: of_iommu_xlate() returns NO_IOMMU` },
				true,
			);
		}
		const domain = options.passthrough ? 'identity' : 'dma';
		const translated: MasterOutcome = { kind: 'translated', iommu: p.path, driver: drv.name, domain };
		if (drv.busSetIommu.length === 0 && (era === 'per-device' || drv.registersPerInstance)) return translated;
		const owner = st.owners.get(m.bus);
		if (owner === drv.name) return translated;
		if (owner === undefined) {
			return withBlock({ kind: 'bypass', reason: 'no-bus-ops', when: 'at-once', ...at, detail: `no IOMMU driver installed ops on the ${m.bus} bus (${drv.name} does not call bus_set_iommu() for it), so iommu_probe_device() does nothing` }, true);
		}
		const ownerFacts = runs.get(owner)?.facts;
		const foreign = ownerFacts?.foreignMaster;
		const detail =
			foreign && link.args.length !== foreign.expectedCells
				? `${owner} owns the ${m.bus} bus ops; its add_device rejects the master: "${foreign.message.replace('%s', m.path).replace('%d', String(link.args.length)).replace('%d', String(foreign.expectedCells))}"`
				: `${owner} owns the ${m.bus} bus ops (bus_set_iommu() first); the master gets a fwspec from ${drv.name}'s of_xlate but ${owner}'s probe_device rejects it (fwspec->ops mismatch), silently`;
		return withBlock({ kind: 'bypass', reason: 'bus-owned-by-other', when: 'at-once', ...at, detail }, true);
	};

	const outcomeKey = (o: MasterOutcome): string =>
		o.kind === 'translated' ? `t|${o.iommu}|${o.domain}` : o.kind === 'bypass' ? `b|${o.reason}|${o.when}` : o.kind === 'blocked' ? `x|${o.reason}|${o.iommu}` : `d|${o.reason}`;

	const describe = (st: OrderState, moduleLoad: Witness['moduleLoad'], masterFirst: boolean | undefined, drvName: string | undefined): string => {
		const parts: string[] = [];
		const byDriver = new Map<string, string[]>();
		for (const [b, d] of st.owners) byDriver.set(d, [...(byDriver.get(d) ?? []), b]);
		const owners = [...byDriver.entries()].map(([d, bs]) => `${d} owns ${bs.join(', ')}`);
		if (st.leader) parts.push(`${st.leader} probes first`);
		if (owners.length > 0) parts.push(owners.join(', '));
		if (moduleLoad) parts.push(`${drvName ?? 'the module'} loads ${moduleLoad === 'before-timeout' ? 'before' : 'after'} the master gives up`);
		if (masterFirst !== undefined) parts.push(masterFirst ? 'the master probes before its IOMMU' : 'the IOMMU probes before the master');
		return parts.length > 0 ? `${parts.join('; ')}.` : 'The only order.';
	};

	const masters: MasterResult[] = topo.masters.map((m) => {
		const link = m.links.find((l) => l.target !== undefined);
		const p = link ? topo.providers.find((q) => q.node === link.target) : undefined;
		const d = p ? driverOf.get(p.path) : undefined;
		const isModule = d?.build === 'm' && !unloaded.has(d.name);
		const moduleChoices: boolean[] = isModule ? (era !== 'pre-4.19' && timeout < 0 ? [false] : [false, true]) : [false];
		let masterChoices: boolean[] = [false];
		if (era === 'pre-4.19' && d && !isModule && d.attach === 'of_xlate' && !d.ofDeclare) {
			const lvl = Math.max(initcallIndex(d.registration.level), ARCH_SYNC);
			masterChoices = lvl < DEVICE ? [false] : lvl > DEVICE ? [true] : [false, true];
		}
		const seen = new Map<string, { outcome: MasterOutcome; witness: Witness }>();
		for (const st of states) {
			for (const late of moduleChoices) {
				for (const first of masterChoices) {
					const outcome = evaluate(m, st, late, first);
					const key = outcomeKey(outcome);
					if (seen.has(key)) continue;
					const moduleLoad = isModule ? (late ? 'after-timeout' : 'before-timeout') : undefined;
					const masterFirst = masterChoices.length > 1 || first ? first : undefined;
					seen.set(key, {
						outcome,
						witness: {
							order: st.order,
							busOwners: Object.fromEntries(st.owners),
							...(moduleLoad ? { moduleLoad } : {}),
							...(masterFirst !== undefined ? { masterFirst } : {}),
							description: describe(st, moduleLoad, masterFirst, d?.name),
						},
					});
				}
			}
		}
		const outcomes = [...seen.values()];
		const first = outcomes[0] as { outcome: MasterOutcome };
		return {
			path: m.path,
			via: m.via,
			bus: m.bus,
			...(p ? { iommu: p.path } : {}),
			...(d ? { driver: d.name } : {}),
			loc: m.loc,
			outcome: first.outcome,
			outcomes,
			orderDependent: outcomes.length > 1,
		};
	});

	const joined = joinStreamAllocation(view, options, masters, blocking);
	explored += joined.runs;

	const instances: InstanceResult[] = topo.providers.map((p) => {
		const all: InstanceState[] = [];
		for (const st of states) {
			const s = instanceState(p, st);
			if (!all.includes(s)) all.push(s);
		}
		const d = driverOf.get(p.path);
		return { path: p.path, compatibles: p.compatibles, ...(d ? { driver: d.name } : {}), state: all[0] as InstanceState, states: all, loc: p.node.loc };
	});

	const steps = traceSteps(topo.providers, topo.masters, ordered, defaultState, joined.masters, timeout, era);
	return { version: formatKernelVersion(options.version), era, deferredProbeTimeout: timeout, instances, masters: joined.masters, buses: busResults, steps, explored };
}

/** What the stream allocation needs of a tree: the IOMMU topology and, per master, the masters that must probe first to change an outcome. */
interface StreamPlan {
	readonly topology: Topology;
	/** Master paths `b` of every pair (a before b in document order) whose allocation depends on who attaches first, in document order. */
	readonly flips: readonly string[];
}

const plans = new KeyedCache<DtView, Map<string, StreamPlan>>('stream plans');

/**
 * The IOMMU topology of `view` and the masters whose stream allocation is order-sensitive: on an
 * arm-smmu with stream matching, two masters' entries that partially overlap or where one entirely
 * covers the other (`arm_smmu_find_sme()` reuses an SMR only for an entry inside it); on an SMMUv3,
 * two masters with the same StreamID. Cached per view and kernel version (the checks and the
 * analysis simulate the same view several times).
 */
function streamPlan(view: DtView, version: KernelVersion, iommu: ProbeOptions['iommu']): StreamPlan {
	const key = `${version.major}.${version.minor}`;
	let byVersion = plans.get(view);
	const cacheable = iommu === undefined;
	const hit = cacheable ? byVersion?.get(key) : undefined;
	if (hit) return hit;
	const era = { version: [version.major, version.minor] as const };
	const topology = cacheable ? defaultTopology(view, era) : buildTopology(view, { era, ...(iommu?.plugins ? { plugins: iommu.plugins } : {}), ...(iommu?.profiles ? { profiles: iommu.profiles } : {}) });
	// Entries per instance as plain numbers (SMR fields are 16 bits; SMMUv3 StreamIDs are keys).
	const smr = new Map<string, Array<{ master: string; id: number; mask: number }>>();
	const sids = new Map<string, Map<string, string>>();
	const flips = new Set<string>();
	for (const m of topology.masters) {
		if (!m.available || m.source !== 'iommus' || m.ref.isPci) continue;
		for (const e of m.entries) {
			const inst = e.instance;
			if (!inst || !inst.available || e.decode?.kind !== 'ok' || e.decode.stream.id === undefined) continue;
			const id = e.decode.stream.id;
			if (inst.plugin?.id === 'arm-smmu' && inst.profile.effective.streamMatching !== false) {
				const list = smr.get(inst.path) ?? [];
				list.push({ master: m.ref.key, id: Number(id & 0xffffn), mask: Number(e.decode.stream.mask & 0xffffn) });
				smr.set(inst.path, list);
			} else if (inst.plugin?.id === 'arm-smmu-v3') {
				const seen = sids.get(inst.path) ?? new Map<string, string>();
				const k = id.toString(16);
				const first = seen.get(k);
				if (first === undefined) seen.set(k, m.ref.key);
				else if (first !== m.ref.key) flips.add(m.ref.key);
				sids.set(inst.path, seen);
			}
		}
	}
	// SMR entries: a master flips when an earlier entry of another master overlaps one of its entries
	// (some stream ID matches both) without being the identical SMR. Overlapping entries agree outside
	// the union of the instance's masks, so only entries of one bucket (`id & ~union`) are compared:
	// linear for distinct stream IDs, the same answer as comparing every earlier entry.
	for (const list of smr.values()) {
		let union = 0;
		for (const entry of list) union |= entry.mask;
		const buckets = new Map<number, Array<{ master: string; id: number; mask: number }>>();
		for (const entry of list) {
			const key = entry.id & ~union & 0xffff;
			const earlier = buckets.get(key) ?? [];
			for (const other of earlier) {
				if (other.master === entry.master) continue;
				if ((other.id ^ entry.id) & ~(other.mask | entry.mask) & 0xffff) continue;
				// Overlapping: order-insensitive only when the two SMRs are identical.
				if (other.mask === entry.mask && (other.id & ~other.mask) === (entry.id & ~entry.mask)) continue;
				flips.add(entry.master);
			}
			earlier.push(entry);
			buckets.set(key, earlier);
		}
	}
	// Each flipping master once, in document order.
	const listed = new Set<string>();
	const flipOrder: string[] = [];
	for (const m of topology.masters) {
		if (flips.has(m.ref.key) && !listed.has(m.ref.key)) {
			listed.add(m.ref.key);
			flipOrder.push(m.ref.key);
		}
	}
	const plan: StreamPlan = { topology, flips: flipOrder };
	if (cacheable) {
		if (!byVersion) {
			byVersion = new Map();
			plans.set(view, byVersion);
		}
		byVersion.set(key, plan);
	}
	return plan;
}

/**
 * Joins the probe outcomes with the IOMMU model's stream allocation: masters translated by one
 * instance attach in the order they probe (their own drivers are not modelled, so any order is
 * possible), and `arm_smmu_find_sme()` (-EINVAL) or the SMMUv3 stream tree (-EINVAL / -ENODEV
 * "Aliasing StreamID") refuses the one that comes second. The default order is document order (the
 * order `of_platform_populate()` creates and, without deferral, probes the devices); for every master
 * of an order-sensitive pair one more order is replayed with that master first. That is one
 * `attach()` run per such master, not permutations: O(K * M) for K sensitive masters among M.
 */
function joinStreamAllocation(
	view: DtView,
	options: ProbeOptions,
	masters: readonly MasterResult[],
	blocking: (d: DriverFacts) => string | undefined,
): { masters: MasterResult[]; runs: number } {
	const candidates = masters.filter((m) => m.via === 'iommus' && m.outcome.kind === 'translated');
	if (candidates.length === 0) return { masters: [...masters], runs: 0 };
	const plan = streamPlan(view, options.version, options.iommu);
	const order = candidates.map((m) => m.path);
	const isCandidate = new Set(order);
	const defaultReport = attach(plan.topology, { order });
	const refused = (r: AttachReport, path: string) => {
		const a = r.byMaster.get(path);
		return a && a.status === 'no-iommu' && a.conflictWith !== undefined ? a : undefined;
	};
	const flips = plan.flips.filter((p) => isCandidate.has(p));
	const runs: Array<{ first?: string; report: AttachReport }> = [{ report: defaultReport }];
	for (const f of flips) runs.push({ first: f, report: attach(plan.topology, { order: [f, ...order.filter((p) => p !== f)] }) });
	// Masters refused in some order, and their rivals; every other master keeps its outcomes.
	const touched = new Set<string>();
	const partners = new Map<string, Set<string>>();
	const partner = (a: string, b: string): void => {
		partners.set(a, (partners.get(a) ?? new Set()).add(b));
	};
	for (const { report } of runs) {
		for (const path of order) {
			const a = refused(report, path);
			if (!a) continue;
			touched.add(path);
			const rival = a.conflictWith?.master;
			if (rival !== undefined && rival !== path && isCandidate.has(rival)) {
				touched.add(rival);
				partner(path, rival);
				partner(rival, path);
			}
		}
	}
	if (touched.size === 0) return { masters: [...masters], runs: runs.length - 1 };

	const out = masters.map((m): MasterResult => {
		if (!touched.has(m.path) || m.outcome.kind !== 'translated') return m;
		const translated = m.outcome;
		const drv = options.facts.find((f) => f.name === translated.driver);
		const param = drv ? blocking(drv) : undefined;
		const seen = new Map<string, { outcome: MasterOutcome; witness: Witness }>();
		const base = m.outcomes[0]?.witness as Witness;
		for (const { first, report } of runs) {
			const a = refused(report, m.path);
			const rival = a?.conflictWith?.master;
			let outcome: MasterOutcome;
			if (!a) outcome = translated;
			else {
				const why = `${a.message ?? 'the IOMMU refuses the master'}${rival && rival !== m.path ? ` (${rival} attached first)` : ''}; of_iommu_configure() ignores the error and the master probes without the IOMMU`;
				outcome = param
					? { kind: 'blocked', reason: 'stream-conflict', iommu: translated.iommu, driver: translated.driver, param, detail: `${why}; ${translated.driver} is bound with ${param}=1, so the master's unmatched streams are blocked (fault) instead of bypassing` }
					: { kind: 'bypass', reason: 'stream-conflict', when: 'at-once', iommu: translated.iommu, driver: translated.driver, detail: why };
			}
			const key = outcome.kind;
			if (seen.has(key)) continue;
			const involved = partners.get(m.path) ?? new Set<string>();
			const runOrder = first === undefined ? order : [first, ...order.filter((p) => p !== first)];
			const probeOrder = runOrder.filter((p) => p === m.path || involved.has(p));
			const who =
				first === undefined
					? `masters of ${translated.iommu} probe in document order${rival && rival !== m.path ? ` (${rival} before ${m.path})` : ''}`
					: first === m.path
						? `${m.path} probes before the other masters of ${translated.iommu}`
						: `${first} probes before ${m.path} on ${translated.iommu}`;
			const description = base.description === 'The only order.' ? `${who[0]?.toUpperCase() ?? ''}${who.slice(1)}.` : `${base.description.replace(/\.$/, '')}; ${who}.`;
			seen.set(key, { outcome, witness: { ...base, ...(probeOrder.length > 1 ? { probeOrder } : {}), description } });
		}
		const alternatives = m.outcomes.slice(1).filter((o) => o.outcome.kind !== 'translated');
		const outcomes = [...seen.values(), ...alternatives];
		return { ...m, outcome: (outcomes[0] as { outcome: MasterOutcome }).outcome, outcomes, orderDependent: outcomes.length > 1 };
	});
	return { masters: out, runs: runs.length - 1 };
}

/** Reasons a blocked master has from its first probe (no deferral before them). */
const AT_ONCE_REASONS: ReadonlySet<NoIommuReason> = new Set(['bus-owned-by-other', 'no-bus-ops', 'probed-before-iommu', 'stream-conflict', 'not-a-platform-device']);

/** Builds the default-order trace: every event with a stage, sorted by stage then creation order. */
function traceSteps(
	providers: readonly ProviderNode[],
	masterNodes: readonly MasterNode[],
	ordered: readonly RunDriver[],
	st: OrderState,
	masters: readonly MasterResult[],
	timeout: number,
	era: KernelEra,
): ProbeStep[] {
	const levelName = (i: number): string => `${INITCALL_LEVELS[i] as InitcallLevel}_initcall`.replace(/_sync_initcall$/, '_initcall_sync');
	// Stages: initcall levels, then modules and the timeout in the order they happen.
	const MODULES = timeout === 0 ? INITCALL_LEVELS.length + 1 : INITCALL_LEVELS.length;
	const TIMEOUT = timeout === 0 ? INITCALL_LEVELS.length : INITCALL_LEVELS.length + 1;
	const stageName = (s: number): string => (s === MODULES ? 'modules' : s === TIMEOUT ? 'deferred-probe-timeout' : levelName(s));
	const events: Array<{ stage: number; n: number; step: Omit<ProbeStep, 'seq' | 'at'> }> = [];
	let n = 0;
	const add = (stage: number, step: Omit<ProbeStep, 'seq' | 'at'>): void => {
		events.push({ stage, n: n++, step });
	};
	add(ARCH_SYNC, { action: 'populate', node: '/', detail: `of_platform_default_populate() creates the platform devices of ${providers.filter((p) => p.available).length} IOMMU node(s) and ${masterNodes.filter((m) => !m.rpmsgRole).length} master(s)` });
	const bindStage = new Map<string, number>();
	for (const r of ordered) {
		const name = r.facts.name;
		const regStage = r.phase === 1 ? MODULES : initcallIndex(r.facts.registration.level);
		const instStage = r.phase === 1 ? MODULES : r.bindLevel;
		const loc = r.facts.registration.loc ?? r.facts.loc;
		if (r.phase === 1) add(MODULES, { action: 'load-module', driver: name, detail: `modprobe ${name}`, ...(loc ? { loc } : {}) });
		const failed = st.failed.get(name);
		for (const c of st.claims.filter((x) => x.driver === name && x.from === 'initcall')) {
			add(regStage, claimStep(c));
		}
		if (failed?.state === 'driver-not-registered') continue;
		add(regStage, { action: 'register-driver', driver: name, detail: `${r.facts.registration.macro} registers ${name} (${r.phase === 1 ? 'module' : levelName(initcallIndex(r.facts.registration.level))})`, ...(loc ? { loc } : {}) });
		for (const inst of r.instances) {
			add(instStage, { action: 'probe-iommu', driver: name, node: inst.path, detail: `${name} probes ${inst.path}`, loc: inst.node.loc });
			if (inst === r.instances[0]) for (const c of st.claims.filter((x) => x.driver === name && x.from === 'probe')) add(instStage, { ...claimStep(c), node: inst.path });
			if (failed) add(instStage, { action: 'probe-failed', driver: name, node: inst.path, detail: `probe of ${inst.path} fails with -EBUSY (${failed.by} owns the ${failed.bus} bus)`, loc: inst.node.loc });
			else {
				add(instStage, { action: 'iommu-bound', driver: name, node: inst.path, detail: `${inst.path} is bound${era === 'per-device' ? '; iommu_device_register() replays bus_iommu_probe()' : ''}`, loc: inst.node.loc });
				bindStage.set(inst.path, instStage);
			}
		}
	}
	let waited = false;
	for (const m of masters) {
		const o = m.outcome;
		const supplierStage = m.iommu !== undefined ? bindStage.get(m.iommu) : undefined;
		if (o.kind === 'translated') {
			add(Math.max(DEVICE, supplierStage ?? DEVICE), { action: 'attach', node: m.path, driver: o.driver, detail: `${m.path} probes and is attached to ${o.iommu} (${o.domain === 'identity' ? 'identity domain' : 'DMA domain'})`, loc: m.loc });
			continue;
		}
		const late = o.kind === 'deferred-forever' || (o.kind !== 'blocked' && o.when === 'at-timeout') || (o.kind === 'blocked' && !AT_ONCE_REASONS.has(o.reason) && era !== 'pre-4.19');
		if (late) {
			waited = true;
			add(DEVICE, { action: 'defer', node: m.path, detail: `${m.path} defers (-EPROBE_DEFER): ${m.iommu ?? 'its IOMMU'} is not bound`, loc: m.loc });
			if (o.kind !== 'deferred-forever') add(TIMEOUT, { action: 'no-iommu', node: m.path, detail: `${m.path} probes without an IOMMU: ${o.detail}`, loc: m.loc });
		} else {
			add(Math.max(DEVICE, o.reason === 'bus-owned-by-other' ? (supplierStage ?? DEVICE) : DEVICE), { action: 'no-iommu', node: m.path, detail: `${m.path} probes without an IOMMU: ${o.detail}`, loc: m.loc });
		}
		if (o.kind === 'blocked') add(Math.max(DEVICE, supplierStage ?? DEVICE), { action: 'blocked', node: m.path, driver: o.driver, detail: `${o.iommu} blocks ${m.path}'s unmatched stream (${o.param}=1)`, loc: m.loc });
	}
	if (waited && timeout >= 0 && era !== 'pre-4.19') add(TIMEOUT, { action: 'timeout', detail: `deferred_probe_timeout${timeout > 0 ? ` (${timeout} s)` : ' (end of initcalls)'} expires: fw_devlink relaxes and deferred masters probe without their IOMMU` });
	events.sort((a, b) => a.stage - b.stage || a.n - b.n);
	return events.map((e, i) => ({ seq: i, at: stageName(e.stage), ...e.step }));
}

function claimStep(c: OrderState['claims'][number]): Omit<ProbeStep, 'seq' | 'at'> {
	if (c.result === 'claim') return { action: 'claim-bus', driver: c.driver, detail: `${c.driver} calls bus_set_iommu(${c.bus}) from its ${c.from} and owns the ${c.bus} bus` };
	return {
		action: 'bus-busy',
		driver: c.driver,
		detail: `${c.driver}: bus_set_iommu(${c.bus}) finds ${c.by ?? ''} already installed (${c.result === 'busy-skip' ? 'skipped' : '-EBUSY, fails'})`,
	};
}
