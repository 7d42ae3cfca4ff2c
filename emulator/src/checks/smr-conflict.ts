/**
 * Finding: smr-conflict
 *
 * Triggers when two stream-match entries on one arm-smmu overlap without one entirely covering the
 * other (`!((id1 ^ id2) & ~(mask1 | mask2))`), or when a later entry (of the same master, or of a
 * master later in document order) covers an earlier one: `arm_smmu_find_sme()` reuses an existing SMR
 * only for a new entry entirely inside it, so the covering entry attached second meets a partial
 * overlap. The kernel: `arm_smmu_find_sme()` returns -EINVAL — silently, mainline has no message;
 * of_iommu only logs "Adding to IOMMU failed: -22" at debug level — and the master allocated second runs
 * without the IOMMU. Between two masters the loser depends on probe order (the message names both); in
 * one master it always fails.
 */
import { claimPairs, claimText, masterName, nameOf, topologyFor, usesSmrs, type EntryClaim } from '../iommu/check-support';
import type { Finding } from '../types';
import type { CheckContext } from './context';

export function check(ctx: CheckContext): Finding[] {
	const t = topologyFor(ctx);
	const out: Finding[] = [];
	for (const { a, b, relation } of claimPairs(t)) {
		if (a.kind !== 'entry' || b.kind !== 'entry' || !usesSmrs(a.instance)) continue;
		const smmu = nameOf(a.instance.node);
		const sameMaster = a.master === b.master;
		if (sameMaster && relation === 'b-covers-a') {
			out.push({
				id: 'smr-conflict',
				severity: 'error',
				message: `${claimText(b)} covers the master's earlier entry ${a.entry.index} (${label(a)}) on ${smmu}: arm_smmu_find_sme() meets the narrower SMR first, finds a partial overlap and returns -EINVAL, so ${masterName(b.master)} always runs without the IOMMU. List the wider entry first or drop the covered one.`,
				loc: b.loc,
				related: [{ loc: a.loc, message: `entry ${a.entry.index}: ${label(a)}, entirely covered by entry ${b.entry.index}` }],
				fix: { kind: 'drop-iommus-entry', nodePath: a.master.ref.node.path, entryIndex: a.entry.index },
			});
			continue;
		}
		if (!sameMaster && relation === 'b-covers-a') {
			// The narrower entry comes first in document order (the order the kernel creates and probes
			// the devices): arm_smmu_find_sme() reuses an SMR only for a new entry entirely inside it, so the
			// wider entry meets a partial overlap.
			out.push({
				id: 'smr-conflict',
				severity: 'error',
				message: `${claimText(b)} covers ${claimText(a)} on ${smmu}, but the narrower entry is attached first: arm_smmu_find_sme() reuses an SMR only for a new entry entirely inside it, so in document order (the order the kernel probes) it returns -EINVAL (silently) for ${masterName(b.master)}, which runs without the IOMMU. Only if ${masterName(b.master)} probes first do the two share one stream-match entry instead. List the wider entry's master first or give them distinct SIDs.`,
				loc: b.loc,
				related: [{ loc: a.loc, message: `${masterName(a.master)}: ${label(a)}, attached first in document order` }],
			});
			continue;
		}
		if (relation !== 'partial') continue;
		if (sameMaster) {
			out.push({
				id: 'smr-conflict',
				severity: 'error',
				message: `Entries ${a.entry.index} (${label(a)}) and ${b.entry.index} (${label(b)}) of ${masterName(a.master)} partially overlap on ${smmu}: arm_smmu_find_sme() returns -EINVAL for the second (silently), so the device always runs without the IOMMU.`,
				loc: b.loc,
				related: [{ loc: a.loc, message: `entry ${a.entry.index}: ${label(a)}` }],
			});
			continue;
		}
		out.push({
			id: 'smr-conflict',
			severity: 'error',
			message: `${claimText(a)} and ${claimText(b)} partially overlap on ${smmu} (neither covers the other): arm_smmu_find_sme() returns -EINVAL (silently) for whichever master is attached second, and that device runs without the IOMMU. Which one loses depends on probe order: in document order ${masterName(b.master)} loses; if it probes first, ${masterName(a.master)} loses.`,
			loc: b.loc,
			related: [{ loc: a.loc, message: `${masterName(a.master)}: ${label(a)} (wins in document order)` }],
		});
	}
	return out;
}

function label(c: EntryClaim): string {
	return c.entry.decode?.kind === 'ok' ? c.entry.decode.stream.label : '?';
}
