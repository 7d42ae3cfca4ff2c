/**
 * Markdown renderings of the server's results (a simulation, one master's DMA path) and of
 * `iommu-lens check --format json` findings, for the report documents and "Export Report". Pure: no
 * `vscode` import, so test/extension/render.test.ts runs it under Node.
 */
import type { DmaPathResult, SimulateResult } from '../protocol';

/** One finding of `iommu-lens check --format json` (1-based lines and columns). */
export interface CliFinding {
	id: string;
	severity: string;
	file: string;
	line: number;
	column: number;
	message: string;
	related?: Array<{ file: string; line: number; column: number; message: string }>;
	board?: string;
}

/** A URI or path as a short name relative to `base` (a folder path), for headings and tables. */
export function shortName(uriOrPath: string, base?: string): string {
	let p = uriOrPath;
	if (p.startsWith('file://')) p = decodeURIComponent(p.slice('file://'.length));
	if (base && p.startsWith(`${base}/`)) return p.slice(base.length + 1);
	return p;
}

/** Escapes text for a markdown table cell. */
const cell = (s: string): string => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');
const where = (loc: { uri: string; range: { start: { line: number; character: number } } }, base?: string): string =>
	`${shortName(loc.uri, base)}:${loc.range.start.line + 1}:${loc.range.start.character + 1}`;

export function renderSimulation(res: SimulateResult, base?: string): string {
	const out: string[] = [`# Simulation of ${shortName(res.context, base)}`, '', `Kernel ${res.kernel}.`, ''];
	if (res.errors.length > 0) out.push('## Scenario errors', '', ...res.errors.map((e) => `- ${e}`), '');
	if (res.diff.length > 0) {
		out.push('## What changes against the board as written', '', '| master | before | after |', '|---|---|---|');
		for (const d of res.diff) out.push(`| \`${cell(d.path)}\` | ${cell(d.before.join('; '))} | ${cell(d.after.join('; '))} |`);
		out.push('');
	}
	out.push('## DMA masters', '');
	if (res.masters.length === 0) out.push('No DMA master.', '');
	else {
		out.push('| master | outcome | order-dependent | written at |', '|---|---|---|---|');
		for (const m of res.masters) {
			const outcome = m.orderDependent ? m.outcomes.join(' **or** ') : m.outcome;
			out.push(`| \`${cell(m.path)}\` | ${cell(outcome)} | ${m.orderDependent ? 'yes' : 'no'} | ${cell(where(m.location, base))} |`);
		}
		out.push('');
	}
	if (res.instances.length > 0) {
		out.push('## Devices', '', '| node | driver | state |', '|---|---|---|');
		for (const i of res.instances) out.push(`| \`${cell(i.path)}\` | ${cell(i.driver ?? '')} | ${cell(i.states.length > 1 ? i.states.join(' or ') : i.state)} |`);
		out.push('');
	}
	if (res.trace.length > 0) {
		out.push('## Probe trace (default order)', '', '```');
		for (const t of res.trace) out.push(`${String(t.seq).padStart(4)}  ${t.at.padEnd(16)} ${t.action.padEnd(10)} ${t.node ?? ''}${t.driver ? ` [${t.driver}]` : ''}  ${t.detail}`);
		out.push('```', '');
	}
	return out.join('\n');
}

export function renderDmaPath(res: DmaPathResult, master: string, base?: string): string {
	const out: string[] = [`# DMA path of \`${master}\``, '', `Build context: ${shortName(res.context, base)}.`, ''];
	if (!res.master) out.push('This node is not a DMA master of the board.', '');
	else {
		const m = res.master;
		out.push(`Outcome: ${m.orderDependent ? m.outcomes.join(' **or** ') : m.outcome}${m.orderDependent ? ' (depends on the probe order)' : ''}.`, '');
		if (m.iommu) out.push(`IOMMU: \`${m.iommu}\`.`, '');
	}
	if (res.edges.length > 0) {
		out.push('| kind | to | label | written at |', '|---|---|---|---|');
		for (const e of res.edges) out.push(`| ${e.kind} | \`${cell(e.to)}\` | ${cell(e.label ?? '')} | ${cell(where(e.location, base))} |`);
		out.push('');
	}
	return out.join('\n');
}

/** The findings of one board as a markdown report (what "Export Report" writes for markdown). */
export function renderFindingsMarkdown(board: string, findings: readonly CliFinding[], meta: { kernel?: string; generatedBy: string; base?: string }): string {
	const name = shortName(board, meta.base);
	const out: string[] = [`# iommu-lens report: ${name}`, ''];
	out.push(`Kernel ${meta.kernel || 'newest'}. ${meta.generatedBy}.`, '');
	const counts = new Map<string, number>();
	for (const f of findings) counts.set(f.severity, (counts.get(f.severity) ?? 0) + 1);
	if (findings.length === 0) {
		out.push('No finding.', '');
		return out.join('\n');
	}
	out.push(`${findings.length} finding${findings.length === 1 ? '' : 's'}: ${[...counts].map(([s, n]) => `${n} ${s}`).join(', ')}.`, '');
	out.push('| severity | id | where | message |', '|---|---|---|---|');
	for (const f of findings) out.push(`| ${f.severity} | [\`${f.id}\`](https://github.com/iommu-lens/iommu-lens/blob/main/docs/findings/${encodeURIComponent(f.id)}.md) | ${cell(`${shortName(f.file, meta.base)}:${f.line}:${f.column}`)} | ${cell(f.message)} |`);
	out.push('');
	const withRelated = findings.filter((f) => (f.related ?? []).length > 0);
	if (withRelated.length > 0) {
		out.push('## Related places', '');
		for (const f of withRelated) {
			out.push(`- \`${f.id}\` at ${shortName(f.file, meta.base)}:${f.line}:${f.column}`);
			for (const r of f.related ?? []) out.push(`  - ${shortName(r.file, meta.base)}:${r.line}:${r.column}: ${r.message}`);
		}
		out.push('');
	}
	return out.join('\n');
}
