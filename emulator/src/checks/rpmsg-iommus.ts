/**
 * Finding: rpmsg-iommus
 *
 * Triggers on `iommus` (or `iommu-map`) on a node that is not a platform device: a GLINK/SMD
 * channel node (a child of `glink-edge`/`smd-edge`, such as the `qcom,fastrpc` node or an APR/GPR
 * node), an APR/GPR service node, or the edge node itself.
 *
 * What the kernel does: channel nodes become rpmsg devices and services become APR/GPR bus
 * devices; neither bus calls `of_dma_configure()`, so the property is ignored and DMA the remote
 * does for this channel is not translated by the IOMMU (faults, or bypass). The fix, as the 2018
 * rpmsg/arm-smmu thread concluded, is a child node with a platform compatible carrying the SIDs
 * (the `qcom,fastrpc-compute-cb` pattern), which `of_platform_populate()` turns into a DMA master.
 */
import { compatibles, isAvailableInTree, walk } from '../dt/props';
import { RPMSG_ROLE_NAMES, rpmsgNodeRole } from '../rpmsg/remoteproc';
import type { DtNodeView, Finding } from '../types';
import type { CheckContext } from './context';

/** What kind of non-DMA-master a node is (the shared rpmsg role classifier), or undefined when it may be a platform device. */
function nonMasterRole(node: DtNodeView): string | undefined {
	const role = rpmsgNodeRole(node);
	return role ? RPMSG_ROLE_NAMES[role] : undefined;
}

/** Runs the `rpmsg-iommus` check. */
export function check(ctx: CheckContext): Finding[] {
	const out: Finding[] = [];
	const all = walk(ctx.view.root);
	for (let idx = 0; idx < all.length; idx++) {
		const node = all[idx] as DtNodeView;
		const prop = node.property('iommus') ?? node.property('iommu-map');
		if (!prop || !isAvailableInTree(node)) continue;
		const role = nonMasterRole(node);
		if (!role) continue;
		const fastrpc = compatibles(node).includes('qcom,fastrpc');
		const childCompatible = fastrpc ? 'qcom,fastrpc-compute-cb' : undefined;
		out.push({
			id: 'rpmsg-iommus',
			severity: 'error',
			message: `${prop.name} on ${role} ${node.path} is ignored: it is not a platform device and the kernel never calls of_dma_configure() for it, so DMA done for this channel is not translated by the IOMMU. Move the SIDs into a child node with a platform compatible${childCompatible ? ` (${childCompatible})` : ''}.`,
			loc: prop.loc,
			related: [{ loc: node.loc, message: `${role} ${node.path}` }],
			fix: {
				kind: 'move-iommus-to-child',
				node: node.path,
				property: prop.name,
				childName: fastrpc ? 'compute-cb@1' : 'dma-master',
				...(childCompatible ? { compatible: childCompatible } : {}),
			},
		});
	}
	return out;
}
