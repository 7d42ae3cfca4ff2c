/**
 * Finding: iommu-disabled
 *
 * Triggers when an enabled device's `iommus` entry, or an `iommu-map` entry of an enabled host, points
 * at an IOMMU whose `status` is not okay (after every overlay and board file).
 * The kernel: `of_iommu_xlate()` returns NO_IOMMU (v5.x; -ENODEV in 6.x) and fw_devlink creates no
 * link, so the device probes at once and does DMA without translation (bypass), or faults when the
 * IOMMU blocks unknown streams.
 */
import { masterName, nameOf, topologyFor } from '../iommu/check-support';
import type { Finding } from '../types';
import type { CheckContext } from './context';

export function check(ctx: CheckContext): Finding[] {
	const t = topologyFor(ctx);
	const out: Finding[] = [];
	const seen = new Set<string>();
	for (const m of t.masters) {
		if (!m.available) continue;
		for (const e of m.entries) {
			if (e.problem !== 'iommu-disabled' || !e.instance) continue;
			const key = `${m.ref.node.path}|${e.via ? 'map' : 'iommus'}|${e.index}`;
			if (seen.has(key)) continue;
			seen.add(key);
			const iommu = e.instance.node;
			const status = iommu.property('status');
			const property = e.via ? 'iommu-map' : 'iommus';
			out.push({
				id: 'iommu-disabled',
				severity: 'warning',
				message: `${e.via ? nameOf(m.ref.node) : masterName(m)} uses ${nameOf(iommu)} (${property} entry ${e.index}), which is disabled: of_iommu_xlate() returns NO_IOMMU, so the ${e.via ? 'PCI functions behind it run' : 'device runs'} without IOMMU and ${e.via ? 'their' : 'its'} DMA is untranslated (or faults if bypass is blocked).`,
				loc: e.loc,
				related: [{ loc: status?.loc ?? iommu.loc, message: `${nameOf(iommu)} is disabled here` }],
				fix: { kind: 'iommu-disabled', iommuPath: iommu.path, consumerPath: m.ref.node.path, property, entryIndex: e.index, options: ['enable-iommu', 'drop-reference'] },
			});
		}
	}
	return out;
}
