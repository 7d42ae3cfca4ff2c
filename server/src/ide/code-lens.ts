/**
 * Code lenses: on the root node "Simulate probe order"; on each IOMMU node "N masters · probe: bound";
 * on each DMA master its outcome ("DMA: translated by &apps_smmu (group 3)", "DMA: BYPASS — ...").
 * A node gets its lens on the first place of the file that defines or extends it.
 */
import type { probe } from '../../../emulator/src';
import type { DtNode } from '../dts/types';
import { ideContext, type IdeContext } from './context';
import { boardIndex } from './locate';
import { IDE_COMMANDS, type BoardSnapshot, type CodeLens } from './types';

/** Longest detail kept in a lens title. */
export const MAX_DETAIL = 80;

/** "Simulate probe order" / "Show DMA path" lenses on IOMMU nodes, masters and the root node of one file. */
export function codeLenses(snapshot: BoardSnapshot, file: string): CodeLens[] {
	const ctx = ideContext(snapshot);
	const out: CodeLens[] = [];
	const seen = new Set<DtNode>();
	for (const b of boardIndex(snapshot).blocksIn(file).nodes) {
		if (seen.has(b.node)) continue;
		seen.add(b.node);
		const node = b.node;
		const span = b.nameSpan;
		if (node.path === '/') {
			out.push({ span, title: 'Simulate probe order', command: IDE_COMMANDS.simulate, args: [snapshot.board] });
			continue;
		}
		const inst = ctx.instance(node.path);
		if (inst) {
			const n = ctx.mastersOf(node.path).length;
			const pi = ctx.probeInstance(node.path);
			const state = pi ? (pi.states.length > 1 ? pi.states.join(' | ') : pi.state) : inst.available ? 'not simulated' : 'disabled';
			out.push({ span, title: `${n} master${n === 1 ? '' : 's'} · probe: ${state}`, command: IDE_COMMANDS.simulate, args: [snapshot.board, node.path] });
		}
		const title = masterTitle(ctx, node);
		if (title) out.push({ span, title, command: IDE_COMMANDS.showDmaPath, args: [snapshot.board, node.path] });
	}
	return out;
}

function masterTitle(ctx: IdeContext, node: DtNode): string | undefined {
	const pm = ctx.probeMaster(node.path);
	const masters = ctx.masters(node.path);
	if (!pm && masters.length === 0) return undefined;
	const report = ctx.snapshot.attach();
	const group = masters.flatMap((m) => report.byMaster.get(m.ref.key)?.entries ?? []).find((e) => e.group !== undefined)?.group;
	if (!pm) {
		const res = masters.map((m) => report.byMaster.get(m.ref.key)).find((r) => r);
		return res?.status === 'attached' ? `DMA: attached${group !== undefined ? ` (group ${group})` : ''}` : `DMA: ${res?.status ?? 'not simulated'}`;
	}
	const main = outcomeTitle(ctx, pm.outcome, group);
	return pm.orderDependent ? `${main} · order-dependent: ${pm.outcomes.length} outcomes` : main;
}

function outcomeTitle(ctx: IdeContext, o: probe.MasterOutcome, group: number | undefined): string {
	const clip = (s: string): string => (s.length > MAX_DETAIL ? `${s.slice(0, MAX_DETAIL - 1)}…` : s);
	switch (o.kind) {
		case 'translated':
			return `DMA: translated by ${ctx.short(o.iommu)}${o.domain === 'identity' ? ' (identity domain)' : group !== undefined ? ` (group ${group})` : ''}`;
		case 'bypass':
			return `DMA: BYPASS — ${clip(o.detail || o.reason)}`;
		case 'blocked':
			return `DMA: BLOCKED — ${clip(o.detail || o.reason)}`;
		case 'deferred-forever':
			return `DMA: deferred forever — ${clip(o.detail || o.reason)}`;
	}
}
