/**
 * Finding: pcie-iommus-overlap
 *
 * Triggers when a PCI host node has its own `iommus` entry whose stream (ID + mask) matches stream IDs
 * its `iommu-map` hands to the PCI functions below it, on the same IOMMU.
 * The kernel: the host controller's platform device and the endpoints resolve to the same stream-map
 * entry, so they share an IOMMU group and context bank (or, attached in the other order, the wider
 * entry gets -EINVAL). Fix: drop the host's `iommus` entry (as upstream did for sc8180x).
 */
import { claimPairs, claimText, nameOf, topologyFor, type EntryClaim, type MapClaim } from '../iommu/check-support';
import type { Finding } from '../types';
import type { CheckContext } from './context';

export function check(ctx: CheckContext): Finding[] {
	const t = topologyFor(ctx);
	// One finding per host iommus entry, listing every map entry it covers.
	const byEntry = new Map<EntryClaim, MapClaim[]>();
	for (const { a, b, relation } of claimPairs(t)) {
		if (relation === 'none') continue;
		const entry = a.kind === 'entry' ? a : b.kind === 'entry' ? b : undefined;
		const map = a.kind === 'map' ? a : b.kind === 'map' ? b : undefined;
		if (!entry || !map || entry.master.ref.node !== map.host) continue;
		byEntry.set(entry, [...(byEntry.get(entry) ?? []), map]);
	}
	const out: Finding[] = [];
	for (const [entry, maps] of byEntry) {
		out.push({
			id: 'pcie-iommus-overlap',
			severity: 'warning',
			message: `The host's own ${claimText(entry)} matches stream IDs its iommu-map gives PCI functions (${maps.map((m) => `entry ${m.mapEntry.index}`).join(', ')}) on ${nameOf(entry.instance.node)}: the controller and the endpoints share a stream-match entry, IOMMU group and context bank (attached in the other order, arm_smmu_find_sme() returns -EINVAL for the wider entry).`,
			loc: entry.loc,
			related: maps.map((m) => ({ loc: m.loc, message: claimText(m) })),
			fix: { kind: 'drop-iommus-entry', nodePath: entry.master.ref.node.path, entryIndex: entry.entry.index },
		});
	}
	return out;
}
