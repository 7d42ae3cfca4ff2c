/** The custom requests' results (server/src/protocol/ext.ts) from a snapshot: plain JSON, no bigint. */
import { address, probe, rpmsg, scenario as scenarios, type SourceRef } from '../../../emulator/src';
import type { BoardSnapshot } from '../ide/types';
import type { AnalysisOptions } from '../model/analysis';
import type { ScenarioParams, SimulateResult, TopologyEdge, TopologyNode, TopologyResult } from '../protocol/ext';
import { toLocation, type ToUri } from './convert';

const hex = (v: bigint): string => `0x${v.toString(16)}`;

export function simulate(snapshot: BoardSnapshot, params: ScenarioParams, options: AnalysisOptions, toUri: ToUri): SimulateResult {
	const fallback = options.kernel ?? probe.formatKernelVersion(probe.NEWEST_KERNEL);
	// A bad `kernel` is one more entry that could not be applied (runScenario throws on it; found by fuzzing).
	const parsed = params.kernel === undefined ? undefined : probe.tryParseKernelVersion(String(params.kernel));
	const kernel = parsed?.ok ? String(params.kernel) : fallback;
	const view = snapshot.analysis.view;
	const asWritten = scenarios.runScenario(view, { kernel });
	const run = scenarios.runScenario(view, { ...params, kernel });

	const loc = (r: SourceRef) => toLocation(r, toUri);
	return {
		context: toUri(snapshot.board),
		kernel,
		errors: [...(parsed && !parsed.ok ? [`kernel: ${parsed.error}; simulated ${kernel}.`] : []), ...run.errors],
		trace: run.result.steps.map((s) => ({ seq: s.seq, at: s.at, action: s.action, ...(s.driver ? { driver: s.driver } : {}), ...(s.node ? { node: s.node } : {}), detail: s.detail, ...(s.loc ? { location: loc(s.loc) } : {}) })),
		masters: run.result.masters.map((m) => ({
			path: m.path,
			outcome: scenarios.describeOutcome(m.outcome),
			outcomes: m.outcomes.map((o) => scenarios.describeOutcome(o.outcome)),
			orderDependent: m.orderDependent,
			...(m.iommu ? { iommu: m.iommu } : {}),
			location: loc(m.loc),
		})),
		instances: run.result.instances.map((i) => ({ path: i.path, ...(i.driver ? { driver: i.driver } : {}), state: String(i.state), states: i.states.map(String), location: loc(i.loc) })),
		diff: scenarios.diffOutcomes(asWritten.result, run.result).map((c) => ({
			path: c.path,
			before: (c.before ?? []).map(scenarios.describeOutcome),
			after: (c.after ?? []).map(scenarios.describeOutcome),
			summary: c.summary,
		})),
	};
}

export function topology(snapshot: BoardSnapshot, kernel: string, toUri: ToUri): TopologyResult {
	const view = snapshot.analysis.view;
	const topo = snapshot.topology();
	const nodes: TopologyNode[] = [];
	const edges: TopologyEdge[] = [];
	const loc = (r: SourceRef) => toLocation(r, toUri);
	for (const i of topo.instances) {
		nodes.push({ id: i.path, kind: 'iommu', label: i.label, available: i.available, detail: { compatible: i.compatibles.join(', '), plugin: i.plugin?.id ?? '', cells: String(i.iommuCells ?? '') }, location: loc(i.node.loc) });
	}
	for (const m of topo.masters) {
		const label = m.ref.node.labels[0] ?? m.ref.node.name;
		nodes.push({ id: m.ref.key, kind: 'master', label: m.ref.rid !== undefined ? `${label} rid ${hex(m.ref.rid)}` : label, available: m.available, detail: { source: m.source }, location: loc(m.ref.node.loc) });
		for (const e of m.entries) if (e.target) edges.push({ from: m.ref.key, to: e.target.path, kind: m.source === 'iommu-map' ? 'iommu-map' : 'iommus', label: e.args.map(hex).join(' '), location: loc(e.loc) });
	}
	const reserved = address.reservedMemory(view);
	for (const r of reserved.regions) {
		nodes.push({
			id: r.node, kind: 'memory-region', label: r.labels[0] ?? r.name, available: true,
			detail: { kind: r.kind, ranges: r.ranges.map((x) => `${hex(x.range.start)}..${hex(x.range.end)}`).join(', '), ...(r.size !== undefined ? { size: hex(r.size) } : {}), 'no-map': String(r.noMap) },
			location: loc(r.loc),
		});
	}
	for (const p of rpmsg.remoteProcessors(view, reserved)) {
		nodes.push({ id: p.node, kind: 'remoteproc', label: p.name, available: p.available, detail: { family: p.family, compatible: p.compatibles.join(', '), memory: p.view.kind }, location: loc(p.loc) });
		for (const c of p.carveouts) if (c.target) edges.push({ from: p.node, to: c.target, kind: 'memory-region', ...(c.name ? { label: c.name } : {}), location: loc(c.loc) });
		for (const e of p.edges) {
			nodes.push({ id: e.node, kind: 'rpmsg-edge', label: e.node.slice(e.node.lastIndexOf('/') + 1), available: p.available, detail: { kind: e.kind }, location: loc(e.loc) });
			edges.push({ from: p.node, to: e.node, kind: 'edge', location: loc(e.loc) });
			for (const ch of e.channels) {
				nodes.push({ id: ch.node, kind: 'rpmsg-channel', label: ch.name, available: p.available, detail: { kind: ch.kind, channels: ch.channelNames.join(', ') }, location: loc(ch.loc) });
				edges.push({ from: e.node, to: ch.node, kind: 'channel', label: ch.channelNames.join(', '), location: loc(ch.loc) });
			}
		}
	}
	for (const f of rpmsg.fastrpcChannels(view)) {
		nodes.push({ id: f.node, kind: 'fastrpc', label: f.label ?? f.node, available: f.available, detail: { secure: String(f.secure), sessions: String(f.sessions.length) }, location: loc(f.loc) });
		for (const cb of f.computeCbs) {
			nodes.push({ id: cb.node, kind: 'compute-context', label: cb.node.slice(cb.node.lastIndexOf('/') + 1), available: cb.available, detail: { sid: String(cb.sid), sessions: String(cb.sessions.length) }, location: loc(cb.loc) });
			edges.push({ from: f.node, to: cb.node, kind: 'compute-cb', location: loc(cb.loc) });
		}
	}
	return { context: toUri(snapshot.board), kernel, nodes, edges };
}
