/**
 * The C-side checks (one file per finding id), run over driver sources. Each returns the emulator's
 * `Finding` shape so they flow into `check` output; a throwing check becomes `plugin-crashed`.
 */
import type { Finding, FindingId } from '../../../../emulator/src';
import type { DriverCheckContext } from './context';
import * as busSetIommu from './bus-set-iommu';
import * as rpmsgDmaOps from './rpmsg-dma-ops';
import * as tristateIfdef from './tristate-ifdef';

export type { DriverCheckContext } from './context';

export const DRIVER_CHECKS: ReadonlyArray<{ readonly id: FindingId; readonly check: (ctx: DriverCheckContext) => Finding[] }> = [
	{ id: 'bus-set-iommu', check: busSetIommu.check },
	{ id: 'tristate-ifdef', check: tristateIfdef.check },
	{ id: 'rpmsg-dma-ops', check: rpmsgDmaOps.check },
];

export function runDriverChecks(ctx: DriverCheckContext, filter?: (id: FindingId) => boolean): Finding[] {
	const out: Finding[] = [];
	for (const { id, check } of DRIVER_CHECKS) {
		if (filter && !filter(id)) continue;
		try {
			out.push(...check(ctx));
		} catch (error) {
			const file = ctx.sources.files[0]?.file ?? '';
			out.push({ id: 'plugin-crashed', severity: 'error', message: `The ${id} check failed on these driver sources (${error instanceof Error ? error.message : String(error)}); its findings are missing. This is a bug in iommu-lens.`, loc: { file, start: { line: 0, col: 0 }, end: { line: 0, col: 0 } }, related: [] });
		}
	}
	return out;
}
