/**
 * Scenarios: what-ifs on top of the board as written (disable or enable nodes, another kernel, driver
 * y/m/n overrides, a forced IOMMU driver order, boot parameters, the deferred-probe timeout), run
 * through the probe-order model, and the difference between two runs.
 */
import type { DtNodeView, DtPropView, DtView, SourceRef } from '../types';
import { NEWEST_KERNEL, parseKernelVersion, type KernelVersion } from '../probe/era';
import { builtinDriverFacts, type BuildState, type DriverFacts } from '../probe/drivers';
import { simulateProbe, type MasterOutcome, type ProbeResult } from '../probe/simulate';

/** What-ifs on top of the board. Every field is optional; an empty scenario is the board as written. */
export interface Scenario {
	/** A name for the editor. */
	readonly name?: string;
	/** Kernel version `X.Y`; default: the newest (`NEWEST_KERNEL`). */
	readonly kernel?: string;
	/** Nodes to disable, by path (`/soc/iommu@1000`) or label (`smmu` or `&smmu`). */
	readonly disable?: readonly string[];
	/** Nodes to enable (`status = "okay"`), by path or label. */
	readonly enable?: readonly string[];
	/** Driver build overrides by driver name: y, m or n. */
	readonly drivers?: Readonly<Record<string, BuildState>>;
	/** Modules (drivers built `m`) that are never loaded. */
	readonly unloadedModules?: readonly string[];
	/** A forced order of IOMMU drivers; decides ties within an initcall level and among modules. */
	readonly iommuDriverOrder?: readonly string[];
	/** `iommu.passthrough=1`. */
	readonly iommuPassthrough?: boolean;
	/** `arm-smmu.disable_bypass=0|1`; default from `kconfigDisableBypassByDefault`. */
	readonly armSmmuDisableBypass?: boolean;
	/** `CONFIG_ARM_SMMU_DISABLE_BYPASS_BY_DEFAULT`; default y. */
	readonly kconfigDisableBypassByDefault?: boolean;
	/** `deferred_probe_timeout` in seconds (-1: wait forever); default by kernel version. */
	readonly deferredProbeTimeout?: number;
}

/** Driver facts for the scenario's kernel: a fixed list, or a function of the version. */
export type FactsSource = readonly DriverFacts[] | ((version: KernelVersion) => readonly DriverFacts[]);

/** The result of one scenario: the probe result plus what could not be applied. */
export interface ScenarioResult {
	readonly scenario: Scenario;
	readonly result: ProbeResult;
	/** Scenario entries that could not be applied (unknown node, unknown driver); the rest still ran. */
	readonly errors: readonly string[];
}

/**
 * Runs a scenario on a board: applies the status overrides to a copy of the view, picks the facts for
 * the kernel, applies the driver overrides, and simulates. Throws `KernelVersionError` for a bad
 * `kernel`; other problems are reported in `errors`.
 */
export function runScenario(view: DtView, scenario: Scenario = {}, facts?: FactsSource): ScenarioResult {
	const errors: string[] = [];
	const version = scenario.kernel !== undefined ? parseKernelVersion(scenario.kernel) : NEWEST_KERNEL;
	const overrides = new Map<string, 'okay' | 'disabled'>();
	const resolve = (ref: string): DtNodeView | undefined => (ref.startsWith('/') ? view.byPath(ref) : view.byLabel(ref.replace(/^&/, '')));
	for (const [list, status] of [
		[scenario.disable ?? [], 'disabled'],
		[scenario.enable ?? [], 'okay'],
	] as const) {
		for (const ref of list) {
			const node = resolve(ref);
			if (node) overrides.set(node.path, status);
			else errors.push(`No node '${ref}' to ${status === 'okay' ? 'enable' : 'disable'}.`);
		}
	}
	const base = facts === undefined ? builtinDriverFacts(version) : typeof facts === 'function' ? facts(version) : facts;
	const names = new Set(base.map((f) => f.name));
	for (const name of Object.keys(scenario.drivers ?? {})) if (!names.has(name)) errors.push(`No driver '${name}' in kernel ${version.major}.${version.minor}'s facts.`);
	for (const name of scenario.iommuDriverOrder ?? []) if (!names.has(name)) errors.push(`No driver '${name}' to order in kernel ${version.major}.${version.minor}'s facts.`);
	const effective = base.map((f) => {
		const build = scenario.drivers?.[f.name];
		return build === undefined ? f : { ...f, build };
	});
	const bootParams: Record<string, boolean> = {};
	if (scenario.armSmmuDisableBypass !== undefined) bootParams['arm-smmu.disable_bypass'] = scenario.armSmmuDisableBypass;
	const result = simulateProbe(overrides.size > 0 ? withStatus(view, overrides) : view, {
		version,
		facts: effective,
		...(scenario.deferredProbeTimeout !== undefined ? { deferredProbeTimeout: scenario.deferredProbeTimeout } : {}),
		...(scenario.iommuPassthrough !== undefined ? { passthrough: scenario.iommuPassthrough } : {}),
		bootParams,
		...(scenario.kconfigDisableBypassByDefault !== undefined ? { kconfig: { ARM_SMMU_DISABLE_BYPASS_BY_DEFAULT: scenario.kconfigDisableBypassByDefault } } : {}),
		...(scenario.iommuDriverOrder ? { driverOrder: scenario.iommuDriverOrder } : {}),
		...(scenario.unloadedModules ? { unloadedModules: scenario.unloadedModules } : {}),
	});
	return { scenario, result, errors };
}

/** One master whose outcomes differ between two runs. */
export interface OutcomeChange {
	readonly path: string;
	/** The distinct outcomes before (undefined: the master did not exist, e.g. it was disabled). */
	readonly before?: readonly MasterOutcome[];
	readonly after?: readonly MasterOutcome[];
	/** A one-line summary, e.g. `bypass (bus-owned-by-other) → translated by /iommu@2b500000`. */
	readonly summary: string;
}

/** A short text for one outcome. */
export function describeOutcome(o: MasterOutcome): string {
	switch (o.kind) {
		case 'translated':
			return `translated by ${o.iommu}${o.domain === 'identity' ? ' (identity)' : ''}`;
		case 'bypass':
			return `bypass (${o.reason}${o.when === 'at-timeout' ? ', at the timeout' : ''})`;
		case 'blocked':
			return `blocked (${o.reason}, ${o.param})`;
		case 'deferred-forever':
			return `deferred forever (${o.reason})`;
	}
}

const summarise = (list: readonly MasterOutcome[] | undefined): string => (list === undefined ? 'absent' : list.map(describeOutcome).join(' | '));

/**
 * The masters whose set of possible outcomes changed from `a` (e.g. the board as written) to `b`
 * (a scenario), in path order.
 */
export function diffOutcomes(a: ProbeResult, b: ProbeResult): OutcomeChange[] {
	const before = new Map(a.masters.map((m) => [m.path, m.outcomes.map((x) => x.outcome)]));
	const after = new Map(b.masters.map((m) => [m.path, m.outcomes.map((x) => x.outcome)]));
	const paths = [...new Set([...before.keys(), ...after.keys()])].sort();
	const out: OutcomeChange[] = [];
	for (const path of paths) {
		const x = before.get(path);
		const y = after.get(path);
		const sx = summarise(x);
		const sy = summarise(y);
		if (sx === sy) continue;
		out.push({ path, ...(x ? { before: x } : {}), ...(y ? { after: y } : {}), summary: `${sx} → ${sy}` });
	}
	return out;
}

/** A read-only view whose nodes' `status` is overridden by path; every other property is shared. */
function withStatus(view: DtView, overrides: ReadonlyMap<string, 'okay' | 'disabled'>): DtView {
	const byPath = new Map<string, DtNodeView>();
	const byOriginal = new Map<DtNodeView, DtNodeView>();
	const wrap = (node: DtNodeView, parent: DtNodeView | undefined): DtNodeView => {
		const status = overrides.get(node.path);
		const properties: DtPropView[] = status === undefined ? [...node.properties] : [...node.properties.filter((p) => p.name !== 'status'), statusProp(status, node.property('status')?.loc ?? node.loc)];
		const children: DtNodeView[] = [];
		const w: DtNodeView = {
			path: node.path,
			name: node.name,
			labels: node.labels,
			parent,
			children,
			properties,
			phandle: node.phandle,
			loc: node.loc,
			property: (name: string) => properties.find((p) => p.name === name),
		};
		byPath.set(node.path, w);
		byOriginal.set(node, w);
		for (const c of node.children) children.push(wrap(c, w));
		return w;
	};
	const root = wrap(view.root, undefined);
	const map = (n: DtNodeView | undefined): DtNodeView | undefined => (n ? byOriginal.get(n) : undefined);
	return {
		root,
		byPhandle: (p) => map(view.byPhandle(p)),
		byPath: (p) => byPath.get(p),
		byLabel: (l) => map(view.byLabel(l)),
	};
}

function statusProp(status: string, loc: SourceRef): DtPropView {
	const bytes = new Uint8Array(status.length + 1);
	for (let i = 0; i < status.length; i++) bytes[i] = status.charCodeAt(i);
	return { name: 'status', bytes, loc, cellLoc: () => undefined, entryLoc: () => loc };
}
