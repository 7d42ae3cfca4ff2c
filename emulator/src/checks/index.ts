/**
 * Every check, one per finding id, and `runChecks`: runs them over one tree with the answers the
 * parts share (the IOMMU topology tells the address checks which nodes sit behind an IOMMU), and
 * isolates each check: one that throws becomes a `plugin-crashed` finding, never an exception.
 */
import { documentOrderAttach, topologyFor } from '../iommu/check-support';
import { isBehindIommu } from '../iommu';
import type { Finding, FindingId } from '../types';
import * as carveout from './carveout';
import type { CheckContext } from './context';
import * as dmaRanges from './dma-ranges';
import * as fastrpcNoIommus from './fastrpc-no-iommus';
import * as fastrpcSession from './fastrpc-session';
import * as iommuDisabled from './iommu-disabled';
import * as iommuMapFormat from './iommu-map-format';
import * as iommuMapOverlap from './iommu-map-overlap';
import * as iommuMapUncovered from './iommu-map-uncovered';
import * as iommusCells from './iommus-cells';
import * as iommusTarget from './iommus-target';
import * as msiMapMismatch from './msi-map-mismatch';
import * as noDriver from './no-driver';
import * as pcieIommusOverlap from './pcie-iommus-overlap';
import * as probeDeferred from './probe-deferred';
import * as probeOrderConflict from './probe-order-conflict';
import * as regTranslate from './reg-translate';
import * as rpmsgIommus from './rpmsg-iommus';
import * as smmuCapacity from './smmu-capacity';
import * as smmuConfig from './smmu-config';
import * as smrConflict from './smr-conflict';
import * as smrRedundant from './smr-redundant';
import * as streamIdRange from './stream-id-range';
import * as streamShared from './stream-shared';
import * as unitAddress from './unit-address';

export type { CheckContext } from './context';

/** A check: the id it reports and its function. */
export interface Check {
	readonly id: FindingId;
	readonly check: (ctx: CheckContext) => Finding[];
}

/** All checks, in catalogue order (the order findings of one location are reported in). */
export const CHECKS: readonly Check[] = [
	{ id: 'iommus-cells', check: iommusCells.check },
	{ id: 'iommus-target', check: iommusTarget.check },
	{ id: 'iommu-disabled', check: iommuDisabled.check },
	{ id: 'stream-id-range', check: streamIdRange.check },
	{ id: 'smr-conflict', check: smrConflict.check },
	{ id: 'smr-redundant', check: smrRedundant.check },
	{ id: 'stream-shared', check: streamShared.check },
	{ id: 'pcie-iommus-overlap', check: pcieIommusOverlap.check },
	{ id: 'iommu-map-format', check: iommuMapFormat.check },
	{ id: 'iommu-map-overlap', check: iommuMapOverlap.check },
	{ id: 'iommu-map-uncovered', check: iommuMapUncovered.check },
	{ id: 'msi-map-mismatch', check: msiMapMismatch.check },
	{ id: 'rpmsg-iommus', check: rpmsgIommus.check },
	{ id: 'fastrpc-session', check: fastrpcSession.check },
	{ id: 'fastrpc-no-iommus', check: fastrpcNoIommus.check },
	{ id: 'dma-ranges', check: dmaRanges.check },
	{ id: 'carveout', check: carveout.check },
	{ id: 'reg-translate', check: regTranslate.check },
	{ id: 'unit-address', check: unitAddress.check },
	{ id: 'smmu-config', check: smmuConfig.check },
	{ id: 'smmu-capacity', check: smmuCapacity.check },
	{ id: 'probe-order-conflict', check: probeOrderConflict.check },
	{ id: 'probe-deferred', check: probeDeferred.check },
	{ id: 'no-driver', check: noDriver.check },
];

/**
 * Runs the checks (all, or those whose id passes `filter`) over the context's tree. Unless the
 * caller answers `isBehindIommu` itself, the IOMMU model's document-order simulation answers it.
 */
export function runChecks(ctx: CheckContext, filter?: (id: FindingId) => boolean): Finding[] {
	// The IOMMU checks cache their topology per context object, so the answer reuses that one.
	const context: CheckContext = ctx.isBehindIommu
		? ctx
		: {
				...ctx,
				isBehindIommu: (node) => {
					const topology = topologyFor(context);
					return isBehindIommu(topology, documentOrderAttach(topology), node);
				},
			};
	const out: Finding[] = [];
	for (const { id, check } of CHECKS) {
		if (filter && !filter(id)) continue;
		try {
			out.push(...check(context));
		} catch (error) {
			out.push({
				id: 'plugin-crashed',
				severity: 'error',
				message: `The ${id} check failed on this tree (${error instanceof Error ? error.message : String(error)}); its findings are missing. This is a bug in iommu-lens, not in the devicetree.`,
				loc: context.view.root.loc,
				related: [],
			});
		}
	}
	return out;
}
