/**
 * Finding: iommu-map-overlap
 *
 * Triggers when two entries of one `iommu-map`/`msi-map` cover overlapping ID ranges.
 * The kernel: `of_map_id()` uses the first matching entry, so the later entry is never used for the
 * shared IDs (silently); if it is shadowed entirely it is dead and can be dropped.
 */
import { hex } from '../addr';
import { nameOf, topologyFor } from '../iommu/check-support';
import { entryRange } from '../iommu/idmap';
import type { Finding } from '../types';
import type { CheckContext } from './context';

export function check(ctx: CheckContext): Finding[] {
	const t = topologyFor(ctx);
	const out: Finding[] = [];
	for (const h of t.hosts) {
		for (const map of [h.iommuMap, h.msiMap]) {
			if (!map || map.error) continue;
			for (let j = 0; j < map.entries.length; j++) {
				const b = map.entries[j]!;
				const rb = entryRange(b);
				if (rb.start >= rb.end) continue;
				for (let i = 0; i < j; i++) {
					const a = map.entries[i]!;
					const ra = entryRange(a);
					const start = ra.start > rb.start ? ra.start : rb.start;
					const end = ra.end < rb.end ? ra.end : rb.end;
					if (start >= end) continue;
					const full = ra.start <= rb.start && ra.end >= rb.end;
					out.push({
						id: 'iommu-map-overlap',
						severity: 'warning',
						message: `${map.name} entry ${j} of ${nameOf(h.node)} overlaps entry ${i} on IDs ${hex(start)}-${hex(end - 1n)}: of_map_id() uses the first match, so entry ${j} is ${full ? 'never used' : 'not used for those IDs'}.`,
						loc: b.loc,
						related: [{ loc: a.loc, message: `entry ${i}: IDs ${hex(ra.start)}-${hex(ra.end - 1n)} (wins)` }],
						...(full ? { fix: { kind: 'drop-map-entry', property: map.name, entryIndex: j } } : {}),
					});
					break;
				}
			}
		}
	}
	return out;
}
