/**
 * Finding: smr-redundant
 *
 * Triggers when an entry of a master is entirely covered by an earlier entry of the same master on the
 * same arm-smmu (identical, or its ID/mask lies inside the earlier SMR's).
 * The kernel: `arm_smmu_find_sme()` reuses the earlier SMR (the S2CR's count goes up), so the entry
 * changes nothing; under hypervisors that validate SMRs it can fault. (A covered entry listed *before*
 * the covering one is an `smr-conflict`.) Fix: delete the covered entry.
 */
import { claimPairs, masterName, nameOf, topologyFor, usesSmrs } from '../iommu/check-support';
import type { Finding } from '../types';
import type { CheckContext } from './context';

export function check(ctx: CheckContext): Finding[] {
	const t = topologyFor(ctx);
	const out: Finding[] = [];
	for (const { a, b, relation } of claimPairs(t)) {
		if (a.kind !== 'entry' || b.kind !== 'entry' || a.master !== b.master || !usesSmrs(a.instance)) continue;
		if (relation !== 'identical' && relation !== 'a-covers-b') continue;
		const la = a.entry.decode?.kind === 'ok' ? a.entry.decode.stream.label : '?';
		const lb = b.entry.decode?.kind === 'ok' ? b.entry.decode.stream.label : '?';
		out.push({
			id: 'smr-redundant',
			severity: 'warning',
			message: `Entry ${b.entry.index} of ${masterName(b.master)} (${lb}) is ${relation === 'identical' ? 'identical to' : 'entirely covered by'} entry ${a.entry.index} (${la}) on ${nameOf(a.instance.node)}: arm_smmu_find_sme() reuses that SMR, so the entry has no effect.`,
			loc: b.loc,
			related: [{ loc: a.loc, message: `entry ${a.entry.index}: ${la}` }],
			fix: { kind: 'drop-iommus-entry', nodePath: b.master.ref.node.path, entryIndex: b.entry.index },
		});
	}
	return out;
}
