/**
 * Finding: msi-map-mismatch
 *
 * Triggers on a Qualcomm PCIe host (`qcom,*` compatible) whose `msi-map` and `iommu-map` differ in
 * structure: entry count, RID bases or lengths, relative output offsets, or masks. The controller
 * derives the ITS DeviceID and the SMMU stream ID from one BDF-to-SID table (`pcie-qcom.c`
 * PARF_BDF_TO_SID_TABLE), so the two maps must be the same table. The kernel: MSIs arrive with another
 * DeviceID than the one the ITS was set up for, and endpoint interrupts are lost.
 */
import { hex } from '../addr';
import { compatibles } from '../dt/props';
import { nameOf, topologyFor } from '../iommu/check-support';
import type { Finding } from '../types';
import type { CheckContext } from './context';

export function check(ctx: CheckContext): Finding[] {
	const t = topologyFor(ctx);
	const out: Finding[] = [];
	for (const h of t.hosts) {
		const im = h.iommuMap;
		const mm = h.msiMap;
		if (!im || !mm || im.error || mm.error || !compatibles(h.node).some((c) => c.startsWith('qcom,'))) continue;
		const host = nameOf(h.node);
		const finding = (message: string, loc = mm.prop.loc, related = [{ loc: im.prop.loc, message: 'iommu-map' }], fix?: Finding['fix']): Finding => ({
			id: 'msi-map-mismatch',
			severity: 'warning',
			message: `${message} ${host} derives both from one BDF-to-SID table, so MSIs carry a DeviceID the ITS was not set up for and endpoint interrupts are lost.`,
			loc,
			related,
			...(fix ? { fix } : {}),
		});
		if (im.mask !== mm.mask) {
			out.push(finding(`msi-map-mask (${hex(mm.mask)}) differs from iommu-map-mask (${hex(im.mask)}).`, mm.maskProp?.loc ?? mm.prop.loc, [{ loc: im.maskProp?.loc ?? im.prop.loc, message: `iommu-map-mask ${hex(im.mask)}` }]));
			continue;
		}
		if (im.entries.length !== mm.entries.length) {
			out.push(finding(`msi-map has ${mm.entries.length} entries and iommu-map ${im.entries.length}.`));
			continue;
		}
		const i0 = im.entries[0];
		const m0 = mm.entries[0];
		if (!i0 || !m0) continue;
		for (let k = 0; k < im.entries.length; k++) {
			const ie = im.entries[k]!;
			const me = mm.entries[k]!;
			const expectedOut = m0.outBase + (ie.outBase - i0.outBase);
			if (ie.idBase !== me.idBase || ie.length !== me.length || me.outBase !== expectedOut) {
				out.push(
					finding(
						`msi-map entry ${k} (RID ${hex(me.idBase)}, length ${hex(me.length)} → ${hex(me.outBase)}) does not mirror iommu-map entry ${k} (RID ${hex(ie.idBase)}, length ${hex(ie.length)} → ${hex(ie.outBase)}; expected msi out ${hex(expectedOut)}).`,
						me.loc,
						[{ loc: ie.loc, message: `iommu-map entry ${k}` }],
						{ kind: 'msi-map-align', hostPath: h.node.path, entryIndex: k, idBase: hex(ie.idBase), outBase: hex(expectedOut), length: hex(ie.length) },
					),
				);
				break;
			}
		}
	}
	return out;
}
