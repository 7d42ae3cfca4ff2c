/**
 * Finding: smmu-capacity
 *
 * Triggers when the masters of one arm-smmu need more stream-match registers than the SoC profile's
 * NUMSMRG, or more context banks (one per IOMMU group) than NUMCB minus the stage-2-only and reserved
 * banks, in a document-order simulation. Silent when the profile does not give the number.
 * The kernel: `arm_smmu_find_sme()` returns -ENOSPC (silently), or the default domain finds no free
 * context bank; those masters run without the IOMMU. Which masters are left out depends on probe order.
 */
import { documentOrderAttach, masterName, nameOf, topologyFor } from '../iommu/check-support';
import type { Finding, RelatedRef } from '../types';
import type { CheckContext } from './context';

export function check(ctx: CheckContext): Finding[] {
	const t = topologyFor(ctx);
	const report = documentOrderAttach(t);
	const out: Finding[] = [];
	// The first -ENOSPC result of each master, indexed once (linear in the masters, not quadratic).
	const enospc = new Map<string, (typeof report.masters)[number]>();
	for (const x of report.masters) if (x.errno === 'ENOSPC' && !enospc.has(x.master)) enospc.set(x.master, x);
	for (const inst of t.instances) {
		if (inst.plugin?.id !== 'arm-smmu' || !inst.available) continue;
		const known = inst.profile.known;
		const smrLosers: RelatedRef[] = [];
		const cbLosers: RelatedRef[] = [];
		for (const m of t.masters) {
			const r = enospc.get(m.ref.key);
			if (!r || !m.entries.some((e) => e.instance === inst)) continue;
			const loc = m.entries.find((e) => e.index === r.failedEntry)?.loc ?? m.entries[0]?.loc ?? m.ref.node.loc;
			(r.message?.includes('context bank') ? cbLosers : smrLosers).push({ loc, message: `${masterName(m)} runs without IOMMU (-ENOSPC)` });
		}
		if (smrLosers.length && known.numSmrg !== undefined) {
			out.push({
				id: 'smmu-capacity',
				severity: 'warning',
				message: `The masters of ${nameOf(inst.node)} need more than its ${known.numSmrg} stream-match registers (SoC profile): arm_smmu_find_sme() returns -ENOSPC (silently) for ${smrLosers.length} master(s) in document order, and they run without the IOMMU; which ones depends on probe order. Merge entries with masks or disable unused masters.`,
				loc: inst.node.loc,
				related: smrLosers,
			});
		}
		if (cbLosers.length && known.numContextBanks !== undefined) {
			const reserved = known.reservedContextBanks?.length ?? 0;
			out.push({
				id: 'smmu-capacity',
				severity: 'warning',
				message: `The IOMMU groups of ${nameOf(inst.node)} need more context banks than its ${known.numContextBanks} (SoC profile${reserved ? `, ${reserved} reserved` : ''}): the default domain of ${cbLosers.length} master(s) gets no context bank in document order, and they run without the IOMMU; which ones depends on probe order.`,
				loc: inst.node.loc,
				related: cbLosers,
			});
		}
	}
	return out;
}
