/**
 * Finding: smmu-config
 *
 * Triggers on an enabled arm-smmu (v1/v2) node that `arm_smmu_device_dt_probe()`/`arm_smmu_device_probe()`
 * refuses: "missing #global-interrupts property"; "found %d interrupts but expected at least %d";
 * "found only %d context irq(s) but %d required" (SMMUv2, needs the SoC profile's NUMCB); "not probing due
 * to mismatched DT properties" (legacy `mmu-masters` and generic `#iommu-cells` SMMUs in one system — the
 * first SMMU to probe decides; here document order); and, as info, the legacy binding's notice
 * 'deprecated "mmu-masters" DT property in use; DMA API support unavailable'.
 * The kernel: the SMMU is never registered; its masters wait for it (fw_devlink) and then probe without
 * IOMMU.
 */
import { topologyFor } from '../iommu/check-support';
import type { Finding } from '../types';
import type { CheckContext } from './context';

export function check(ctx: CheckContext): Finding[] {
	const t = topologyFor(ctx);
	const out: Finding[] = [];
	for (const inst of t.instances) {
		for (const issue of inst.probeIssues) {
			out.push({
				id: 'smmu-config',
				severity: issue.severity,
				message: `${inst.path}: ${issue.message}`,
				loc: issue.loc,
				related: issue.related,
				...(issue.kind === 'global-interrupts' ? { fix: { kind: 'add-property', nodePath: inst.path, property: '#global-interrupts', value: '<1>' } } : {}),
			});
		}
	}
	return out;
}
