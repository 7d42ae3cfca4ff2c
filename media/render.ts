/**
 * Pure rendering of the simulation panel (no DOM, no VS Code API): the topology picture as SVG, the
 * probe timeline, the per-master outcomes and the diff against the board as written, each as an HTML
 * string. Used by the webview script (media/webview.ts) and unit-tested in test/webview/.
 *
 * Every user-controlled string (node paths, labels, outcome text, trace detail) goes through `esc`.
 * Clickable elements carry `data-uri`/`data-line`/`data-col`/`data-eline`/`data-ecol` (a source span);
 * the webview turns a click on them into a `reveal` message. Nothing here adds an event handler.
 */
import type { ScenarioParams, SimulateMaster, SimulateResult, TopologyEdge, TopologyNode, TopologyResult } from '../server/src/protocol/ext.js';

export type { ScenarioParams, SimulateResult, TopologyResult };

export interface Span {
	uri: string;
	range: { start: { line: number; character: number }; end: { line: number; character: number } };
}

/** What happens to a master's DMA; `translated` is the healthy case. */
export type OutcomeKind = 'translated' | 'bypass' | 'blocked' | 'deferred' | 'unknown';

/** Escapes text for HTML and SVG (element content and double-quoted attributes). */
export function esc(text: unknown): string {
	return String(text ?? '').replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

export function outcomeKind(outcome: string): OutcomeKind {
	if (outcome.startsWith('translated')) return 'translated';
	if (outcome.startsWith('bypass')) return 'bypass';
	if (outcome.startsWith('blocked')) return 'blocked';
	if (outcome.startsWith('deferred')) return 'deferred';
	return 'unknown';
}

/** The text marker that goes with a colour (never colour alone). */
export const MARKER: Record<OutcomeKind | 'order', string> = {
	translated: '✓ translated',
	bypass: '⚠ BYPASS',
	blocked: '✖ BLOCKED',
	deferred: '∞ DEFERRED FOREVER',
	unknown: '? unknown',
	order: '⇄ ORDER-DEPENDENT',
};

/** The same markers, short enough for a box of the topology picture. */
export const SHORT_MARKER: Record<OutcomeKind | 'order', string> = { translated: '✓', bypass: '⚠ BYPASS', blocked: '✖ BLOCKED', deferred: '∞ DEFERRED', unknown: '?', order: '⇄ ORDER' };

/** The worst of a master's outcomes (over every probe order), and whether it depends on the order. */
export function masterStatus(m: SimulateMaster | undefined): { kind: OutcomeKind; orderDependent: boolean; flagged: boolean } {
	if (!m) return { kind: 'unknown', orderDependent: false, flagged: false };
	const rank: OutcomeKind[] = ['blocked', 'deferred', 'bypass', 'unknown', 'translated'];
	const kinds = (m.outcomes.length ? m.outcomes : [m.outcome]).map(outcomeKind);
	const kind = rank.find((k) => kinds.includes(k)) ?? 'unknown';
	return { kind, orderDependent: m.orderDependent, flagged: kind !== 'translated' || m.orderDependent };
}

/** The source-span attributes of a clickable element. */
export function spanAttrs(loc: Span | undefined): string {
	if (!loc) return '';
	const r = loc.range;
	return ` data-uri="${esc(loc.uri)}" data-line="${r.start.line}" data-col="${r.start.character}" data-eline="${r.end.line}" data-ecol="${r.end.character}" tabindex="0" role="link"`;
}

/** Reads back a span written by `spanAttrs` (the webview calls it with an element's dataset). */
export function spanFromData(d: Record<string, string | undefined>): Span | undefined {
	if (!d.uri || d.line === undefined) return undefined;
	const n = (s: string | undefined, dflt: number) => (s !== undefined && /^\d+$/.test(s) ? Number(s) : dflt);
	const line = n(d.line, 0);
	const col = n(d.col, 0);
	return { uri: d.uri, range: { start: { line, character: col }, end: { line: n(d.eline, line), character: n(d.ecol, col) } } };
}

const ROW = 24;
const BOX_H = 18;
const COL_W = 250;
const GAP = 90;
const TOP = 28;

function clip(s: string, max: number): string {
	return s.length > max ? `${s.slice(0, max - 1)}…` : s;
}

export interface TopologyPicture {
	svg: string;
	/** Counts for tests and the `rendered` message. */
	counts: { masters: number; iommus: number; memory: number; remoteprocs: number; paths: number; flagged: number };
	flagged: string[];
}

/**
 * The DMA picture: masters (left) → IOMMU instances (middle) → memory (right: system memory and the
 * reserved regions). Each master's path follows its simulated outcome: through its IOMMU to memory
 * when translated, straight to memory (dashed) when it bypasses, stopped at the IOMMU when blocked,
 * dotted and ending nowhere when deferred forever. Flagged masters get a text marker and a class.
 */
export function renderTopologySvg(topo: TopologyResult, sim: SimulateResult | null): TopologyPicture {
	const simulated = new Map((sim?.masters ?? []).map((m) => [m.path, m]));
	// A PCI function (`/pcie@… rid 0x0100`) takes its host bridge's simulated outcome.
	const byMaster = { get: (id: string) => simulated.get(id) ?? simulated.get(id.split(' rid ')[0]!), has: (id: string) => simulated.has(id) || simulated.has(id.split(' rid ')[0]!) };
	const instState = new Map((sim?.instances ?? []).map((i) => [i.path, i]));
	const masters = topo.nodes.filter((n) => n.kind === 'master');
	for (const m of sim?.masters ?? []) if (!masters.some((n) => n.id === m.path || n.id.startsWith(`${m.path} rid `))) masters.push({ id: m.path, kind: 'master', label: m.path.split('/').pop() || m.path, available: true, detail: {}, location: m.location });
	const remoteprocs = topo.nodes.filter((n) => n.kind === 'remoteproc');
	const left: TopologyNode[] = [...masters, ...remoteprocs];
	const iommus = topo.nodes.filter((n) => n.kind === 'iommu');
	const regions = topo.nodes.filter((n) => n.kind === 'memory-region');
	const dram: TopologyNode = { id: '(system memory)', kind: 'memory-region', label: 'system memory (DRAM)', available: true, detail: {}, location: undefined as never };
	const right = [dram, ...regions];

	const x0 = 8;
	const x1 = x0 + COL_W + GAP;
	const x2 = x1 + COL_W + GAP;
	const yOf = (i: number) => TOP + i * ROW;
	const leftY = new Map(left.map((n, i) => [n.id, yOf(i)]));
	const iommuY = new Map(iommus.map((n, i) => [n.id, yOf(i)]));
	const rightY = new Map(right.map((n, i) => [n.id, yOf(i)]));
	const height = yOf(Math.max(left.length, iommus.length, right.length, 1)) + 8;
	const width = x2 + COL_W + 8;
	const mid = (y: number) => y + BOX_H / 2;

	const lines: string[] = [];
	const boxes: string[] = [];
	const flagged: string[] = [];
	let paths = 0;
	const edgesFrom = new Map<string, TopologyEdge[]>();
	for (const e of topo.edges) edgesFrom.set(e.from, [...(edgesFrom.get(e.from) ?? []), e]);

	// Column headings.
	const heads = [
		[x0, 'DMA masters / remote processors'],
		[x1, 'IOMMU instances'],
		[x2, 'memory'],
	] as const;
	for (const [x, t] of heads) boxes.push(`<text class="heading" x="${x}" y="16">${esc(t)}</text>`);

	// Paths.
	for (const n of masters) {
		const y = mid(leftY.get(n.id)!);
		const m = byMaster.get(n.id);
		const st = masterStatus(m);
		const cls = `path ${st.kind}${st.orderDependent ? ' order' : ''}${n.available ? '' : ' unavailable'}`;
		const title = m ? (m.outcomes.length > 1 ? m.outcomes.join(' | ') : m.outcome) : n.available ? 'not simulated' : 'disabled';
		const target = m?.iommu ?? (edgesFrom.get(n.id) ?? []).find((e) => e.kind === 'iommus' || e.kind === 'iommu-map')?.to;
		const iy = target !== undefined ? iommuY.get(target) : undefined;
		const loc = (edgesFrom.get(n.id) ?? []).find((e) => e.to === target)?.location ?? m?.location ?? n.location;
		const attrs = `${spanAttrs(loc)} data-master="${esc(n.id)}"`;
		const t = `<title>${esc(n.id)}: ${esc(title)}</title>`;
		const dy = mid(0);
		if (!m || !n.available) {
			if (iy !== undefined) lines.push(`<path class="${cls}" d="M${x0 + COL_W} ${y} L${x1} ${iy + dy}"${attrs}>${t}</path>`);
		} else if (st.kind === 'translated' && iy !== undefined) {
			lines.push(`<path class="${cls}" d="M${x0 + COL_W} ${y} L${x1} ${iy + dy} M${x1 + COL_W} ${iy + dy} L${x2} ${mid(rightY.get(dram.id)!)}"${attrs}>${t}</path>`);
		} else if (st.kind === 'blocked' && iy !== undefined) {
			lines.push(`<path class="${cls}" d="M${x0 + COL_W} ${y} L${x1 - 10} ${iy + dy}"${attrs}>${t}</path>`);
			lines.push(`<text class="stop" x="${x1 - 12}" y="${iy + dy + 4}" aria-hidden="true">✖</text>`);
		} else if (st.kind === 'bypass') {
			lines.push(`<path class="${cls}" d="M${x0 + COL_W} ${y} C${x1 - 40} ${y}, ${x1 - 40} ${height - 4}, ${(x1 + x2) / 2} ${height - 4} S${x2 - 20} ${mid(rightY.get(dram.id)!)}, ${x2} ${mid(rightY.get(dram.id)!)}"${attrs}>${t}</path>`);
		} else {
			lines.push(`<path class="${cls}" d="M${x0 + COL_W} ${y} L${x0 + COL_W + GAP / 2} ${y}"${attrs}>${t}</path>`);
		}
		paths++;
		for (const e of edgesFrom.get(n.id) ?? []) {
			if (e.kind !== 'memory-region' || !rightY.has(e.to)) continue;
			lines.push(`<path class="path region" d="M${x0 + COL_W} ${y} L${x2} ${mid(rightY.get(e.to)!)}"${spanAttrs(e.location)}><title>${esc(`${n.id} → ${e.to}`)}</title></path>`);
		}
		if (st.flagged && n.available) flagged.push(n.id);
	}
	for (const n of remoteprocs) {
		const y = mid(leftY.get(n.id)!);
		for (const e of edgesFrom.get(n.id) ?? []) {
			if (e.kind !== 'memory-region' || !rightY.has(e.to)) continue;
			lines.push(`<path class="path region" d="M${x0 + COL_W} ${y} L${x2} ${mid(rightY.get(e.to)!)}"${spanAttrs(e.location)}><title>${esc(`${n.id} → ${e.to}`)}</title></path>`);
		}
	}

	// Boxes.
	const box = (n: TopologyNode, x: number, y: number, cls: string, marker: string, tip: string) =>
		`<g class="node ${cls}${n.available ? '' : ' unavailable'}"${spanAttrs(n.location)} data-id="${esc(n.id)}" data-kind="${esc(n.kind)}"><title>${esc(tip)}</title>` +
		`<rect x="${x}" y="${y}" width="${COL_W}" height="${BOX_H}" rx="3"/>` +
		`<text x="${x + 6}" y="${y + 13}">${esc(clip(n.label + (n.available ? "" : " (disabled)"), marker ? Math.max(8, 34 - Math.round(marker.length * 1.3)) : 38))}</text>` +
		(marker ? `<text class="marker" x="${x + COL_W - 4}" y="${y + 13}" text-anchor="end">${esc(marker)}</text>` : '') +
		`</g>`;
	for (const n of masters) {
		const st = masterStatus(byMaster.get(n.id));
		const marker = !n.available || !byMaster.has(n.id) ? '' : st.orderDependent ? SHORT_MARKER.order : st.kind === 'translated' ? '' : SHORT_MARKER[st.kind];
		const cls = `master ${st.kind}${st.orderDependent ? ' order' : ''}${st.flagged ? ' flagged' : ''}`;
		boxes.push(box(n, x0, leftY.get(n.id)!, cls, marker, `${n.id}\n${byMaster.get(n.id)?.outcomes.join('\n') ?? ''}`));
	}
	for (const n of remoteprocs) boxes.push(box(n, x0, leftY.get(n.id)!, 'remoteproc', 'rproc', `${n.id}\n${Object.entries(n.detail).map(([k, v]) => `${k}: ${v}`).join('\n')}`));
	for (const n of iommus) {
		const s = instState.get(n.id);
		const marker = s ? (s.states.length > 1 ? `⇄ ${s.states.join('/')}` : s.state) : '';
		const bad = s && s.states.some((x) => x !== 'bound');
		boxes.push(box(n, x1, iommuY.get(n.id)!, `iommu${bad ? ' flagged not-bound' : ''}`, marker, `${n.id}\n${n.detail.compatible ?? ''}\ndriver: ${s?.driver ?? n.detail.plugin ?? '?'}\nstate: ${s?.states.join(', ') ?? '?'}`));
	}
	boxes.push(`<g class="node memory dram"><title>system memory</title><rect x="${x2}" y="${rightY.get(dram.id)!}" width="${COL_W}" height="${BOX_H}" rx="3"/><text x="${x2 + 6}" y="${rightY.get(dram.id)! + 13}">${esc(dram.label)}</text></g>`);
	for (const n of regions) boxes.push(box(n, x2, rightY.get(n.id)!, 'memory', n.detail.kind ?? '', `${n.id}\n${n.detail.ranges ?? ''}`));

	const svg =
		`<svg class="topology" xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" role="img" aria-label="DMA topology: ${masters.length} masters, ${iommus.length} IOMMU instances, ${regions.length} memory regions">` +
		`<g class="lines">${lines.join('')}</g><g class="boxes">${boxes.join('')}</g></svg>`;
	return { svg, counts: { masters: masters.length, iommus: iommus.length, memory: regions.length, remoteprocs: remoteprocs.length, paths, flagged: flagged.length }, flagged };
}

/**
 * The remote processors as a tree: remoteproc → rpmsg edge → channels → fastrpc → compute contexts,
 * each compute context marked by its simulated outcome (they are DMA masters too).
 */
export function renderRemoteprocs(topo: TopologyResult, sim: SimulateResult | null): { html: string; count: number } {
	const byMaster = new Map((sim?.masters ?? []).map((m) => [m.path, m]));
	const nodes = new Map(topo.nodes.map((n) => [`${n.kind} ${n.id}`, n]));
	const children = (id: string, kinds: string[]) =>
		topo.edges.filter((e) => e.from === id && kinds.includes(e.kind)).map((e) => ({ e, n: topo.nodes.find((n) => n.id === e.to && n.kind !== 'master' && n.kind !== 'fastrpc') }));
	const item = (n: TopologyNode | undefined, id: string, kind: string, extra = '', inner = '') => {
		const label = n?.label ?? id;
		const detail = n ? Object.entries(n.detail).map(([k, v]) => `${k}=${v}`).join(' ') : '';
		return `<li class="rp-${esc(kind)}${n && !n.available ? ' unavailable' : ''}"><span class="rp-node"${spanAttrs(n?.location)}><span class="kind">${esc(kind)}</span> ${esc(label)}${n && !n.available ? ' (disabled)' : ''} <span class="detail">${esc(detail)}</span>${extra}</span>${inner}</li>`;
	};
	const rps = topo.nodes.filter((n) => n.kind === 'remoteproc');
	if (!rps.length) return { html: '<p class="empty">No remote processors on this board.</p>', count: 0 };
	const out = rps.map((rp) => {
		const edges = children(rp.id, ['edge']).map(({ e, n }) => {
			const chans = children(e.to, ['channel']).map(({ e: ce, n: cn }) => {
				const fr = nodes.get(`fastrpc ${ce.to}`);
				const cbs = topo.edges
					.filter((x) => x.from === ce.to && x.kind === 'compute-cb')
					.map((x) => {
						const st = masterStatus(byMaster.get(x.to));
						const m = byMaster.get(x.to);
						const mark = m ? `<span class="badge ${st.kind}${st.orderDependent ? ' order' : ''}">${esc(st.orderDependent ? MARKER.order : MARKER[st.kind])}</span>` : '';
						return item(nodes.get(`compute-context ${x.to}`), x.to, 'compute-context', mark);
					});
				const frItem = fr ? item(fr, ce.to, 'fastrpc', '', cbs.length ? `<ul>${cbs.join('')}</ul>` : '') : '';
				return item(cn, ce.to, 'rpmsg-channel', ce.label ? ` <span class="detail">“${esc(ce.label)}”</span>` : '', frItem ? `<ul>${frItem}</ul>` : '');
			});
			return item(n, e.to, 'rpmsg-edge', '', chans.length ? `<ul>${chans.join('')}</ul>` : '');
		});
		const mem = children(rp.id, ['memory-region']).map(({ e }) => `<span class="detail"${spanAttrs(e.location)}>${esc(e.to)}</span>`).join(' ');
		return item(rp, rp.id, 'remoteproc', mem ? ` memory: ${mem}` : '', edges.length ? `<ul>${edges.join('')}</ul>` : '');
	});
	return { html: `<ul class="rp-tree">${out.join('')}</ul>`, count: rps.length };
}

/** The default order's probe timeline, one row per step. */
export function renderTimeline(sim: SimulateResult): string {
	if (!sim.trace.length) return '<p class="empty">No probe steps.</p>';
	const rows = sim.trace.map((s) => {
		const cls = /no-iommu|defer|block|fail|bypass/.test(s.action) ? ' warn' : '';
		return `<li class="step${cls}"${spanAttrs(s.location)}><span class="seq">${s.seq}</span> <span class="at">${esc(s.at)}</span> <span class="action">${esc(s.action)}</span>${s.driver ? ` <span class="driver">${esc(s.driver)}</span>` : ''} <span class="detail">${esc(s.detail)}</span></li>`;
	});
	return `<ol class="timeline">${rows.join('')}</ol>`;
}

/**
 * Every master's outcome; flagged masters first. When the outcome depends on the probe order, every
 * possible outcome is listed with its witness (the reason the emulator gives in the outcome text).
 */
export function renderOutcomes(sim: SimulateResult): string {
	if (!sim.masters.length) return '<p class="empty">No DMA masters.</p>';
	const sorted = [...sim.masters].sort((a, b) => Number(masterStatus(b).flagged) - Number(masterStatus(a).flagged) || a.path.localeCompare(b.path));
	const rows = sorted.map((m) => {
		const st = masterStatus(m);
		const badge = `<span class="badge ${st.kind}${st.orderDependent ? ' order' : ''}">${esc(st.orderDependent ? MARKER.order : MARKER[st.kind])}</span>`;
		const list =
			m.outcomes.length > 1
				? `<ol class="alternatives">${m.outcomes.map((o, i) => `<li class="${outcomeKind(o)}"><span class="badge ${outcomeKind(o)}">${esc(MARKER[outcomeKind(o)])}</span> order ${i + 1}: ${esc(o)}${o === m.outcome ? ' <em>(default order)</em>' : ''}</li>`).join('')}</ol>`
				: `<span class="outcome">${esc(m.outcome)}</span>`;
		return `<li class="master-row${st.flagged ? ' flagged' : ''}"><span class="path"${spanAttrs(m.location)}>${esc(m.path)}</span> ${badge} ${list}</li>`;
	});
	return `<ul class="outcomes">${rows.join('')}</ul>`;
}

/** The masters whose outcomes differ from the board as written. */
export function renderDiff(sim: SimulateResult): string {
	if (!sim.diff.length) return '<p class="empty">No outcome differs from the board as written.</p>';
	const byPath = new Map(sim.masters.map((m) => [m.path, m]));
	const rows = sim.diff.map((d) => {
		const loc = byPath.get(d.path)?.location;
		const side = (xs: string[], cls: string) => `<span class="${cls}">${xs.map((x) => `<span class="badge ${outcomeKind(x)}">${esc(MARKER[outcomeKind(x)])}</span> ${esc(x)}`).join('<br>')}</span>`;
		return `<tr><td><span class="path"${spanAttrs(loc)}>${esc(d.path)}</span></td><td>${side(d.before, 'before')}</td><td>${side(d.after, 'after')}</td></tr>`;
	});
	return `<table class="diff"><thead><tr><th>master</th><th>as written</th><th>with the what-ifs</th></tr></thead><tbody>${rows.join('')}</tbody></table>`;
}

/** The IOMMU drivers of a topology (for the driver y/m/n controls), by their `plugin` detail. */
export function iommuDrivers(topo: TopologyResult, sim: SimulateResult | null): string[] {
	const s = new Set<string>();
	for (const n of topo.nodes) if (n.kind === 'iommu' && n.detail.plugin) s.add(n.detail.plugin);
	for (const i of sim?.instances ?? []) if (i.driver) s.add(i.driver);
	return [...s].sort();
}

/**
 * A one-line summary that partitions the masters: a master whose outcome depends on the probe order
 * counts only as `order` (it has no single outcome); every other master counts under the one outcome
 * it has in every order. The counts add up to the number of masters.
 */
export function summarize(sim: SimulateResult): Record<OutcomeKind | 'order', number> {
	const c: Record<OutcomeKind | 'order', number> = { translated: 0, bypass: 0, blocked: 0, deferred: 0, unknown: 0, order: 0 };
	for (const m of sim.masters) {
		const st = masterStatus(m);
		c[st.orderDependent ? 'order' : st.kind]++;
	}
	return c;
}

const SUMMARY_TITLE: Record<OutcomeKind | 'order', string> = {
	translated: 'masters translated by their IOMMU in every probe order',
	bypass: 'masters whose DMA bypasses the IOMMU (physical addresses) in every probe order',
	blocked: 'masters whose DMA the IOMMU blocks in every probe order',
	deferred: 'masters whose probe waits forever for their IOMMU in every probe order',
	unknown: 'masters whose outcome the emulator cannot tell',
	order: 'masters whose outcome depends on the probe order (see each one below)',
};

/** The badges of the summary line (`unknown` only when there is one), each with its meaning as a tooltip. */
export function renderSummary(sim: SimulateResult): string {
	const c = summarize(sim);
	const kinds = (['translated', 'bypass', 'blocked', 'deferred', 'unknown', 'order'] as const).filter((k) => k !== 'unknown' || c.unknown > 0);
	return `${kinds.map((k) => `<span class="badge ${k}" title="${esc(SUMMARY_TITLE[k])}">${esc(MARKER[k])}: ${c[k]}</span>`).join(' ')} <span class="detail">of ${sim.masters.length} masters</span>`;
}

/** Removes empty what-ifs so that an untouched scenario is `{}` (the board as written). */
export function normalizeScenario(s: ScenarioParams): ScenarioParams {
	const out: ScenarioParams = {};
	if (s.kernel) out.kernel = s.kernel;
	if (s.disable?.length) out.disable = [...s.disable];
	if (s.drivers && Object.keys(s.drivers).length) out.drivers = { ...s.drivers };
	if (s.iommuPassthrough !== undefined) out.iommuPassthrough = s.iommuPassthrough;
	if (s.armSmmuDisableBypass !== undefined) out.armSmmuDisableBypass = s.armSmmuDisableBypass;
	return out;
}
