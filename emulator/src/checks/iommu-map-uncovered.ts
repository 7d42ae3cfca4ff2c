/**
 * Finding: iommu-map-uncovered
 *
 * Triggers when a requester ID the devicetree implies under a PCI host — the root port (root bus,
 * devfn 0), child port/endpoint nodes (from `reg`), the first function below each root port (the port's
 * `bus-range` start or the next bus) — matches no `iommu-map` entry.
 * The kernel: `of_map_id()` prints "%pOF: no iommu-map translation for id 0x%x on %pOF" (pr_info) and
 * the function gets no IOMMU: its DMA bypasses translation, or is blocked ("Blocked unknown Stream ID")
 * when the SMMU disables bypass. Only these RIDs are checked (further buses behind switches are not).
 */
import { hex } from '../addr';
import { nameOf, topologyFor } from '../iommu/check-support';
import { mapIdIn } from '../iommu/idmap';
import type { Finding } from '../types';
import type { CheckContext } from './context';

export function check(ctx: CheckContext): Finding[] {
	const t = topologyFor(ctx);
	const out: Finding[] = [];
	for (const h of t.hosts) {
		const map = h.iommuMap;
		if (!map || map.error || !t.masters.some((m) => m.ref.node === h.node && m.available)) continue;
		for (const r of h.rids) {
			const result = mapIdIn(map, r.rid);
			if (result.kind !== 'no-match') continue;
			out.push({
				id: 'iommu-map-uncovered',
				severity: 'warning',
				message: `RID ${hex(r.rid, 4)} (${r.why}) is not covered by the iommu-map of ${nameOf(h.node)}: the kernel prints "${result.message}" and that PCI function runs without IOMMU.`,
				loc: map.prop.loc,
				related: [{ loc: r.loc, message: `RID ${hex(r.rid, 4)}: ${r.why}` }],
				fix: { kind: 'iommu-map-extend', hostPath: h.node.path, rid: hex(r.rid, 4), maskedRid: hex(result.maskedId, 4) },
			});
		}
	}
	return out;
}
