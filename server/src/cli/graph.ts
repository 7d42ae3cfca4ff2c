/**
 * `simulate --format dot|mermaid`: the board's DMA topology and probe timeline as a graph. Masters →
 * IOMMU instances → memory; remote processors with their rpmsg channels, compute contexts and
 * carveouts; masters that lose translation (bypass, blocked, deferred forever) in red; the default
 * order's probe steps as a chain.
 */
import { probe, rpmsg, scenario as scenarios, type DtView } from '../../../emulator/src';

interface GNode {
	id: string;
	label: string;
	shape: 'box' | 'iommu' | 'memory' | 'remote' | 'channel' | 'step' | 'region';
	lost?: boolean;
}

interface GEdge {
	from: string;
	to: string;
	label?: string;
	lost?: boolean;
	dashed?: boolean;
}

interface Graph {
	title: string;
	nodes: GNode[];
	edges: GEdge[];
	/** Node ids of the timeline, in order. */
	timeline: string[];
}

const short = (path: string): string => path.split('/').pop() || '/';

/** The graph of a simulation result (and the board's remote processors). */
export function buildGraph(result: probe.ProbeResult, view: DtView, board: string): Graph {
	const nodes = new Map<string, GNode>();
	const edges: GEdge[] = [];
	const ids = new Map<string, string>();
	const idOf = (key: string): string => {
		let id = ids.get(key);
		if (!id) {
			id = `n${ids.size}`;
			ids.set(key, id);
		}
		return id;
	};
	const add = (key: string, label: string, shape: GNode['shape'], lost?: boolean): string => {
		const id = idOf(key);
		const old = nodes.get(id);
		if (!old) nodes.set(id, { id, label, shape, ...(lost ? { lost } : {}) });
		else if (lost) old.lost = true;
		return id;
	};
	const memory = add('memory', 'memory (DRAM)', 'memory');
	for (const i of result.instances) {
		const id = add(i.path, `${short(i.path)}\n${i.compatibles[0] ?? '?'}\n${i.driver ?? 'no driver'}: ${i.state}`, 'iommu');
		edges.push({ from: id, to: memory, label: 'translated' });
	}
	for (const m of result.masters) {
		const lost = m.outcome.kind !== 'translated';
		const id = add(m.path, `${short(m.path)}${m.orderDependent ? '\n[order-dependent]' : ''}`, 'box', lost || m.orderDependent);
		if (m.outcome.kind === 'translated') {
			edges.push({ from: id, to: idOf(m.outcome.iommu), label: m.via });
		} else {
			if (m.iommu) edges.push({ from: id, to: idOf(m.iommu), label: `${m.via} (not used)`, lost: true, dashed: true });
			edges.push({ from: id, to: memory, label: scenarios.describeOutcome(m.outcome).split(':')[0] ?? m.outcome.kind, lost: true });
		}
	}
	for (const rp of rpmsg.remoteProcessors(view)) {
		if (!rp.available) continue;
		const rid = add(rp.node, `${short(rp.node)}\nremote processor (${rp.family})`, 'remote');
		for (const c of rp.carveouts) {
			if (!c.target) continue;
			const cid = add(c.target, `${short(c.target)}\ncarveout`, 'region');
			edges.push({ from: rid, to: cid, label: `memory-region[${c.index}]` });
			edges.push({ from: cid, to: memory, dashed: true });
		}
		for (const e of rp.edges) {
			for (const ch of e.channels) {
				const label = `${short(ch.node)}\nrpmsg channel (${ch.kind})${ch.iommusLoc ? '\niommus ignored' : ''}`;
				const chid = add(ch.node, label, 'channel', ch.iommusLoc !== undefined);
				const n = nodes.get(chid);
				if (n) Object.assign(n, { label, shape: 'channel' });
				edges.push({ from: rid, to: chid, label: e.kind });
			}
		}
	}
	for (const f of rpmsg.fastrpcChannels(view)) {
		if (!f.available) continue;
		const chid = add(f.node, `${short(f.node)}\nrpmsg channel (fastrpc)`, 'channel');
		for (const cb of f.computeCbs) {
			if (!cb.available) continue;
			const known = ids.has(cb.node);
			const cbid = add(cb.node, `${short(cb.node)}\ncompute context (sid ${cb.sid})`, 'box');
			if (!known) {
				const n = nodes.get(cbid);
				if (n) n.label = `${short(cb.node)}\ncompute context (sid ${cb.sid})`;
			} else {
				const n = nodes.get(cbid);
				if (n && !n.label.includes('compute context')) n.label += `\ncompute context (sid ${cb.sid})`;
			}
			edges.push({ from: chid, to: cbid, label: 'of_platform_populate', dashed: true });
		}
	}
	const timeline: string[] = [];
	for (const s of result.steps) {
		const id = add(`step:${s.seq}`, `${s.seq}. ${s.at}\n${s.action}: ${s.detail}`, 'step');
		timeline.push(id);
	}
	return { title: `${board}: kernel ${result.version}`, nodes: [...nodes.values()], edges, timeline };
}

const dotString = (s: string): string => `"${s.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')}"`;

const DOT_SHAPE: Record<GNode['shape'], string> = {
	box: 'shape=box, style="rounded"',
	iommu: 'shape=hexagon',
	memory: 'shape=cylinder',
	remote: 'shape=box3d',
	channel: 'shape=note',
	step: 'shape=box, fontsize=9',
	region: 'shape=folder',
};

/** Graphviz DOT. */
export function toDot(g: Graph): string {
	const lines = [`digraph iommu_lens {`, `\tlabel=${dotString(g.title)};`, '\tlabelloc=t;', '\trankdir=LR;', '\tnode [fontname="Helvetica", fontsize=10];', '\tedge [fontname="Helvetica", fontsize=9];'];
	const timeline = new Set(g.timeline);
	for (const n of g.nodes) {
		if (timeline.has(n.id)) continue;
		const lost = n.lost ? ', color=red, fontcolor=red, penwidth=2' : '';
		lines.push(`\t${n.id} [label=${dotString(n.label)}, ${DOT_SHAPE[n.shape]}${lost}];`);
	}
	for (const e of g.edges) {
		const attrs = [e.label ? `label=${dotString(e.label)}` : '', e.lost ? 'color=red, fontcolor=red' : '', e.dashed ? 'style=dashed' : ''].filter(Boolean).join(', ');
		lines.push(`\t${e.from} -> ${e.to}${attrs ? ` [${attrs}]` : ''};`);
	}
	if (g.timeline.length > 0) {
		lines.push('\tsubgraph cluster_timeline {', '\t\tlabel="probe timeline (default order)";', '\t\trankdir=TB;');
		for (const id of g.timeline) {
			const n = g.nodes.find((x) => x.id === id) as GNode;
			lines.push(`\t\t${n.id} [label=${dotString(n.label)}, ${DOT_SHAPE.step}];`);
		}
		for (let i = 1; i < g.timeline.length; i++) lines.push(`\t\t${g.timeline[i - 1]} -> ${g.timeline[i]} [style=dotted];`);
		lines.push('\t}');
	}
	lines.push('}');
	return `${lines.join('\n')}\n`;
}

const mermaidText = (s: string): string => `"${s.replace(/"/g, '#quot;').replace(/\n/g, '<br/>')}"`;

const MERMAID_SHAPE: Record<GNode['shape'], [string, string]> = {
	box: ['(', ')'],
	iommu: ['{{', '}}'],
	memory: ['[(', ')]'],
	remote: ['[[', ']]'],
	channel: ['>', ']'],
	step: ['[', ']'],
	region: ['[/', '/]'],
};

/** A Mermaid flowchart. */
export function toMermaid(g: Graph): string {
	const lines = ['---', `title: ${g.title.replace(/\n/g, ' ')}`, '---', 'flowchart LR'];
	const timeline = new Set(g.timeline);
	for (const n of g.nodes) {
		if (timeline.has(n.id)) continue;
		const [open, close] = MERMAID_SHAPE[n.shape];
		lines.push(`  ${n.id}${open}${mermaidText(n.label)}${close}`);
	}
	const lost: number[] = [];
	g.edges.forEach((e, i) => {
		const arrow = e.dashed ? '-.->' : '-->';
		lines.push(`  ${e.from} ${arrow}${e.label ? `|${mermaidText(e.label)}|` : ''} ${e.to}`);
		if (e.lost) lost.push(i);
	});
	if (g.timeline.length > 0) {
		lines.push('  subgraph timeline["probe timeline (default order)"]', '    direction TB');
		for (const id of g.timeline) {
			const n = g.nodes.find((x) => x.id === id) as GNode;
			lines.push(`    ${n.id}[${mermaidText(n.label)}]`);
		}
		for (let i = 1; i < g.timeline.length; i++) lines.push(`    ${g.timeline[i - 1]} --> ${g.timeline[i]}`);
		lines.push('  end');
	}
	lines.push('  classDef lost stroke:#c00,stroke-width:3px,color:#c00');
	const lostNodes = g.nodes.filter((n) => n.lost).map((n) => n.id);
	if (lostNodes.length > 0) lines.push(`  class ${lostNodes.join(',')} lost`);
	if (lost.length > 0) lines.push(`  linkStyle ${lost.join(',')} stroke:#c00,color:#c00`);
	return `${lines.join('\n')}\n`;
}
