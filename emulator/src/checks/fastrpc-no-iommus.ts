/**
 * Finding: fastrpc-no-iommus
 *
 * Triggers on an available `qcom,fastrpc-compute-cb` without `iommus`, or whose IOMMU is disabled
 * (or, with the IOMMU part's answer, not in front of it).
 *
 * What the kernel does: the CB is a platform device, `of_dma_configure()` finds no IOMMU, and
 * `fastrpc_cb_probe()` only sets a 32-bit DMA mask; buffers then carry physical addresses (tagged
 * `| sid << 32`) while the DSP expects IOVAs of its context bank, so the DSP's SMMU faults or the
 * DSP reads the wrong memory.
 *
 * A channel none of whose compute CBs lists `iommus` is a DSP with no SMMU context in the
 * application processor's path (msm8916's ADSP over SMD; sdm845's SLPI, whose `qcom,vmids` make
 * fastrpc hand the buffers to the DSP's VMs with `qcom_scm_assign_mem()`): it works on physical
 * addresses, which is what fastrpc gives it. That is reported as info only; a CB without `iommus` in a
 * channel whose other CBs have them is the error.
 */
import { parsePhandleArgs } from '../dt/props';
import { fastrpcChannels } from '../rpmsg/fastrpc';
import type { Finding } from '../types';
import type { CheckContext } from './context';

/** Runs the `fastrpc-no-iommus` check. */
export function check(ctx: CheckContext): Finding[] {
	const out: Finding[] = [];
	for (const ch of fastrpcChannels(ctx.view)) {
		if (!ch.available) continue;
		const physicalChannel = ch.computeCbs.every((cb) => !cb.iommusLoc);
		for (const cb of ch.computeCbs) {
			if (!cb.available) continue;
			const node = ctx.view.byPath(cb.node);
			if (!node) continue;
			if (!cb.iommusLoc) {
				out.push({
					id: 'fastrpc-no-iommus',
					severity: physicalChannel ? 'info' : 'error',
					message: physicalChannel
						? `${cb.node} has no iommus, nor has any compute CB of its channel: fastrpc gives the DSP physical addresses (tagged with sid ${cb.sid}), which is right only when no SMMU context sits between this DSP and memory.`
						: `${cb.node} has no iommus: of_dma_configure() attaches no IOMMU, so its buffers reach the DSP as physical addresses tagged with sid ${cb.sid} instead of IOVAs of its context bank, and the DSP faults.`,
					loc: cb.loc,
					related: [{ loc: ch.loc, message: `channel ${ch.node}` }],
					fix: { kind: 'add-property', node: cb.node, property: 'iommus' },
				});
				continue;
			}
			const entries = parsePhandleArgs(ctx.view, node, 'iommus', '#iommu-cells');
			const disabled = cb.iommus.length > 0 && cb.iommus.every((e) => !e.iommuAvailable);
			const notBehind = ctx.isBehindIommu ? !ctx.isBehindIommu(node) : disabled;
			if (!notBehind) continue;
			out.push({
				id: 'fastrpc-no-iommus',
				severity: 'error',
				message: `${cb.node} lists iommus, but ${disabled ? 'its IOMMU is disabled' : 'no enabled IOMMU translates it'}: the device runs without an IOMMU, so its buffers reach the DSP as physical addresses tagged with sid ${cb.sid} instead of IOVAs, and the DSP faults.`,
				loc: cb.iommusLoc,
				related: entries.flatMap((e) => (e.target ? [{ loc: e.target.property('status')?.loc ?? e.target.loc, message: `IOMMU ${e.target.path}` }] : [])),
			});
		}
	}
	return out;
}
