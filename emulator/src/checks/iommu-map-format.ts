/**
 * Finding: iommu-map-format
 *
 * Triggers on an `iommu-map`/`msi-map` that `of_map_id()` cannot use as written: a length that is not
 * a whole number of entries ("Error: Bad %s length: %d", -EINVAL for every ID), an id-base with bits
 * outside `<map>-mask` ("Invalid %s translation - %s-mask (0x%x) ignores id-base (0x%x)", -EFAULT for
 * every ID that reaches that entry), an entry naming a phandle no node has (-ENODEV when matched), a
 * target without `#iommu-cells`/`#msi-cells`, or an entry of length 0 (it never matches).
 * The kernel: the affected PCI functions get no IOMMU (iommu-map) or an untranslated MSI DeviceID
 * (msi-map).
 */
import { hex } from '../addr';
import { nameOf, topologyFor } from '../iommu/check-support';
import type { ParsedIdMap } from '../iommu/idmap';
import type { Finding } from '../types';
import type { CheckContext } from './context';

export function check(ctx: CheckContext): Finding[] {
	const t = topologyFor(ctx);
	const out: Finding[] = [];
	for (const h of t.hosts) for (const map of [h.iommuMap, h.msiMap]) if (map) out.push(...checkMap(map));
	return out;
}

function checkMap(map: ParsedIdMap): Finding[] {
	const out: Finding[] = [];
	const what = map.name === 'iommu-map' ? 'the PCI functions it should translate get no IOMMU' : 'MSIs of those functions carry an untranslated DeviceID';
	if (map.error) {
		out.push({ id: 'iommu-map-format', severity: 'error', message: `${map.error.message}: of_map_id() returns -EINVAL for every ID, so ${what}.`, loc: map.prop.loc, related: [] });
		return out;
	}
	const cellsName = map.name === 'iommu-map' ? '#iommu-cells' : '#msi-cells';
	for (const e of map.entries) {
		if (e.idBase & ~map.mask) {
			out.push({
				id: 'iommu-map-format',
				severity: 'error',
				message: `${map.node.path}: Invalid ${map.name} translation - ${map.name}-mask (${hex(map.mask)}) ignores id-base (${hex(e.idBase)}): of_map_id() returns -EFAULT for every ID that is not matched by an earlier entry, so ${what}.`,
				loc: e.loc,
				related: map.maskProp ? [{ loc: map.maskProp.loc, message: `${map.name}-mask = <${hex(map.mask)}>` }] : [],
				fix: { kind: 'iommu-map-id-base', property: map.name, entryIndex: e.index, idBase: hex(e.idBase & map.mask) },
			});
		} else if (!e.target) {
			out.push({ id: 'iommu-map-format', severity: 'error', message: `${map.name} entry ${e.index} of ${nameOf(map.node)} names phandle ${e.phandle}, which no node has: of_map_id() returns -ENODEV for its IDs, so ${what}.`, loc: e.loc, related: [] });
		} else if (!e.target.property(cellsName)) {
			out.push({ id: 'iommu-map-format', severity: 'warning', message: `${map.name} entry ${e.index} of ${nameOf(map.node)} points at ${nameOf(e.target)}, which has no ${cellsName}: it is not ${map.name === 'iommu-map' ? 'an IOMMU' : 'an MSI controller'}, and kernels that read the target's cell count reject the map ("missing ${cellsName} property", -EINVAL).`, loc: e.loc, related: [{ loc: e.target.loc, message: nameOf(e.target) }] });
		} else if (e.length === 0n) {
			out.push({ id: 'iommu-map-format', severity: 'warning', message: `${map.name} entry ${e.index} of ${nameOf(map.node)} has length 0 and never matches any ID.`, loc: e.loc, related: [], fix: { kind: 'drop-map-entry', property: map.name, entryIndex: e.index } });
		}
	}
	return out;
}
