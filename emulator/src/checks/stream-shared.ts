/**
 * Finding: stream-shared
 *
 * Triggers when two different masters (platform devices, or the PCI functions of an `iommu-map`) claim
 * streams that resolve to the same stream-map entry of one IOMMU: identical arm-smmu SMRs or one
 * entirely covering the other, the same SMMUv3 StreamID, qcom context or virtio endpoint.
 * The kernel (arm-smmu): `arm_smmu_find_sme()` reuses the SMR and `arm_smmu_device_group()` forces both
 * devices into one IOMMU group and context bank: no isolation between them; if the master with the
 * narrower entry is attached first, the wider one gets -EINVAL instead (probe-order dependent; when the
 * narrower entry comes first in document order, that is the default outcome and the pair is
 * `smr-conflict` instead).
 * SMMUv3: "stream %u already in tree" (-EINVAL, up to 6.7) or "Aliasing StreamID 0x%x (from %s)
 * unsupported, expect DMA to be broken" (6.8 on, era boundary unverified) for the second master.
 * A host's own `iommus` covering its `iommu-map` outputs is `pcie-iommus-overlap` instead.
 */
import { hex } from '../addr';
import { ALIASING_WARNING_SINCE } from '../iommu/plugins/arm-smmu-v3';
import { eraAtLeast } from '../iommu/plugin-api';
import { claimNode, claimPairs, claimText, nameOf, topologyFor, usesSmrs } from '../iommu/check-support';
import type { Finding } from '../types';
import type { CheckContext } from './context';

export function check(ctx: CheckContext): Finding[] {
	const t = topologyFor(ctx);
	const out: Finding[] = [];
	for (const { a, b, relation } of claimPairs(t)) {
		if (relation === 'none') continue;
		if (a.kind === 'entry' && b.kind === 'entry' && a.master === b.master) continue;
		if (claimNode(a) === claimNode(b)) continue;
		const smrs = usesSmrs(a.instance);
		// Partial overlaps, and a covering entry attached after the entry it covers (document order), are smr-conflict.
		if (a.kind === 'entry' && b.kind === 'entry' && smrs && (relation === 'partial' || relation === 'b-covers-a')) continue;
		const pluginId = a.instance.plugin?.id;
		const iommu = nameOf(a.instance.node);
		let message: string;
		let severity: Finding['severity'] = 'warning';
		if (smrs) {
			const order =
				relation === 'identical' || relation === 'partial'
					? ''
					: ` If the master with the narrower entry (${relation === 'a-covers-b' ? claimText(b) : claimText(a)}) is attached first, the wider one gets -EINVAL from arm_smmu_find_sme() and runs without the IOMMU instead (probe-order dependent).`;
			message = `${claimText(a)} and ${claimText(b)} resolve to the same stream-match entry on ${iommu}: arm_smmu_device_group() puts both devices into one IOMMU group and context bank, so they are not isolated from each other.${order}`;
		} else if (pluginId === 'arm-smmu-v3') {
			severity = 'error';
			const sid = a.kind === 'entry' ? a.id : (b as { id: bigint }).id;
			message = eraAtLeast(t.era, ALIASING_WARNING_SINCE[0], ALIASING_WARNING_SINCE[1])
				? `${claimText(a)} and ${claimText(b)} use the same StreamID on ${iommu}: the second device to probe gets "Aliasing StreamID ${hex(sid)} (from ...) unsupported, expect DMA to be broken" and -ENODEV, and runs without the IOMMU.`
				: `${claimText(a)} and ${claimText(b)} use the same StreamID on ${iommu}: the second device to probe gets "stream ${sid.toString(10)} already in tree" and -EINVAL, and runs without the IOMMU.`;
		} else {
			message = `${claimText(a)} and ${claimText(b)} use the same ${pluginId === 'qcom-msm-iommu' ? 'context bank' : 'endpoint'} on ${iommu}: both devices' DMA goes through one translation, so they are not isolated from each other.`;
		}
		out.push({ id: 'stream-shared', severity, message, loc: b.loc, related: [{ loc: a.loc, message: claimText(a) }] });
	}
	return out;
}
