/**
 * Finding: iommus-target
 *
 * Triggers when an `iommus` entry's phandle names no node, or a node without `#iommu-cells`.
 * The kernel: `of_parse_phandle_with_args()` fails ("could not find phandle" / "could not get
 * #iommu-cells for ..." — wording from memory, unverified), `of_iommu_configure()` stops at that
 * entry, and without earlier entries the device does DMA without an IOMMU.
 */
import { hex } from '../addr';
import { masterName, nameOf, topologyFor } from '../iommu/check-support';
import type { DtNodeView, Finding } from '../types';
import type { CheckContext } from './context';

export function check(ctx: CheckContext): Finding[] {
	const t = topologyFor(ctx);
	const out: Finding[] = [];
	for (const m of t.masters) {
		if (m.source !== 'iommus' || !m.available) continue;
		for (const e of m.entries) {
			if (e.problem !== 'no-target' && e.problem !== 'no-cells-property') continue;
			// A cell-count desynchronisation is reported by iommus-cells; here only a first or lone bad target.
			if (e.problem === 'no-target' && e.index > 0) continue;
			const candidates = candidatesFor(t.instances.filter((i) => i.available && i.iommuCells !== undefined).map((i) => i.node), e.target);
			const phandle = e.phandle ?? 0;
			out.push({
				id: 'iommus-target',
				severity: 'error',
				message:
					e.problem === 'no-target'
						? `iommus entry ${e.index} of ${masterName(m)} names phandle ${hex(BigInt(phandle))}, which no node has: of_parse_phandle_with_args() fails and ${masterName(m)} runs without IOMMU.`
						: `iommus entry ${e.index} of ${masterName(m)} points at ${nameOf(e.target as DtNodeView)}, which has no #iommu-cells (it is not an IOMMU): of_parse_phandle_with_args() fails and ${e.index === 0 ? `${masterName(m)} runs without IOMMU` : 'this entry and the ones after it are ignored'}.`,
				loc: e.loc,
				related: e.target ? [{ loc: e.target.loc, message: `${nameOf(e.target)} has no #iommu-cells` }] : [],
				...(candidates.length ? { fix: { kind: 'iommus-target', entryIndex: e.index, candidates: candidates.map((c) => c.path) } } : {}),
			});
		}
	}
	return out;
}

/** IOMMU nodes to suggest: a parent or child of the wrong target first, else every IOMMU (at most five). */
function candidatesFor(iommus: DtNodeView[], wrong: DtNodeView | undefined): DtNodeView[] {
	if (wrong) {
		const near = iommus.filter((n) => n.parent === wrong || wrong.parent === n || n.parent === wrong.parent);
		if (near.length) return near.slice(0, 5);
	}
	return iommus.slice(0, 5);
}
