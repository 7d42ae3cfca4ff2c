/**
 * Finding: probe-order-conflict
 *
 * Triggers when two or more IOMMU drivers call `bus_set_iommu()` on one bus (kernels before 6.1, or
 * any driver whose facts still install per-bus ops): the first to call it owns the bus and the masters
 * of the others lose their IOMMU (silently, "incorrect number of iommu params" for a rockchip-2017
 * owner, or at the deferred-probe timeout when the loser's probe fails with -EBUSY). The message says,
 * for each driver that can claim the bus first, which masters lose their IOMMU; when the winner
 * depends on link order or module load time, the finding says so. Points at the first IOMMU node of a
 * driver that loses in the default order; related: every IOMMU node of the fighting drivers and every
 * master that can lose its IOMMU.
 */
import type { Finding, RelatedRef } from '../types';
import type { CheckContext } from './context';
import { describeOutcome } from '../scenario/scenario';
import { probeResultFor } from './util';
import type { BusResult, MasterResult } from '../probe/simulate';

const LOSING = new Set(['bus-owned-by-other', 'iommu-probe-failed', 'driver-not-registered']);

const names = (list: readonly string[]): string => (list.length <= 4 ? list.join(', ') : `${list.slice(0, 4).join(', ')} and ${list.length - 4} more`);

/** Reports every bus that two or more IOMMU drivers fight over. */
export function check(ctx: CheckContext): Finding[] {
	const result = probeResultFor(ctx);
	if (!result) return [];
	const out: Finding[] = [];
	// One finding per set of fighting drivers, listing every bus they fight over.
	const groups = new Map<string, BusResult[]>();
	for (const bus of result.buses) {
		if (bus.candidates.length < 2) continue;
		const key = [...bus.candidates].sort().join(' ');
		groups.set(key, [...(groups.get(key) ?? []), bus]);
	}
	for (const group of groups.values()) {
		const bus = group[0] as BusResult;
		const busNames = group.map((b) => b.bus);
		const fighters = new Set(bus.candidates);
		const affected = result.masters.filter(
			(m) => m.driver !== undefined && fighters.has(m.driver) && m.outcomes.some((o) => o.outcome.kind !== 'translated' && LOSING.has(o.outcome.reason)),
		);
		if (affected.length === 0) continue;
		const lostUnder = (m: MasterResult, owner: string) => m.outcomes.find((o) => o.witness.busOwners[bus.bus] === owner && o.outcome.kind !== 'translated');
		const decided =
			bus.decidedBy === 'undetermined'
				? `which one calls it first depends on link order or module load time (${bus.possibleOwners.join(' or ')})`
				: `${bus.possibleOwners[0] ?? ''} always calls it first (${bus.decidedBy === 'initcall-level' ? 'earlier initcall level' : bus.decidedBy})`;
		const cases = bus.possibleOwners.map((owner) => {
			const lost = affected.flatMap((m) => {
				const o = lostUnder(m, owner);
				return o ? [`${m.path} (${describeOutcome(o.outcome)})`] : [];
			});
			return lost.length === 0 ? `if ${owner} wins, no master loses its IOMMU` : `if ${owner} wins, ${names(lost)} ${lost.length === 1 ? 'loses its' : 'lose their'} IOMMU`;
		});
		// The cases start a new sentence.
		const casesText = cases.join('; ');
		const instances = result.instances.filter((i) => i.driver !== undefined && fighters.has(i.driver));
		const loser = instances.find((i) => i.driver !== bus.owner) ?? instances[0];
		if (!loser) continue;
		const related: RelatedRef[] = [
			...instances.filter((i) => i !== loser).map((i) => ({ loc: i.loc, message: `${i.path} (${i.driver ?? ''}, ${i.state})` })),
			...affected.map((m) => ({ loc: m.loc, message: `${m.path}: ${m.outcomes.map((o) => describeOutcome(o.outcome)).join(' or ')}` })),
		];
		out.push({
			id: 'probe-order-conflict',
			severity: 'error',
			message: `Kernel ${result.version} installs IOMMU ops per bus: ${names(bus.candidates)} all call bus_set_iommu() on the ${busNames.join(', ')} bus${busNames.length > 1 ? 'es' : ''} and only the first owns each; ${decided}. ${casesText.charAt(0).toUpperCase()}${casesText.slice(1)}.`,
			loc: loser.loc,
			related,
		});
	}
	return out;
}
