/**
 * Finding: bus-set-iommu
 *
 * Triggers on a call to `bus_set_iommu()`. Before 6.1 IOMMU ops were per bus: the first driver to
 * call it owns the bus and the others are skipped (or fail with -EBUSY), so with two IOMMU drivers on
 * one SoC which one translates depends on probe order; from 6.1 ("iommu: Retire bus_set_iommu()") the
 * symbol is gone and the file does not build (error). Before 6.1 it is a warning when another scanned
 * IOMMU driver claims the same bus, info otherwise. Related: the other drivers' calls on the same
 * bus, and, with a board, the devicetree nodes each driver binds.
 */
import type { DtView, Finding, RelatedRef, SourceRef } from '../../../../emulator/src';
import { probe } from '../../../../emulator/src';
import { compatibles, walk, isAvailable } from '../../../../emulator/src/dt/props';
import type { BusSetIommuFact, CFileFacts } from '../c/types';
import type { DriverCheckContext } from './context';

type Claim = { readonly f: CFileFacts; readonly b: BusSetIommuFact };

const busOf = (b: BusSetIommuFact): string => b.bus ?? b.busArg;

/** Every `bus_set_iommu()` call of the sources, with its file. */
const claimsOf = (ctx: Pick<DriverCheckContext, 'sources'>): Claim[] => ctx.sources.files.flatMap((f) => f.busSetIommu.map((b) => ({ f, b })));

/** The other files' calls that claim the same bus as `claim`. */
const othersOf = (all: readonly Claim[], claim: Claim): Claim[] => all.filter((o) => o.f.file !== claim.f.file && busOf(o.b) === busOf(claim.b));

/** The nodes of `view` that the drivers of `file` bind. */
function nodesOf(ctx: Pick<DriverCheckContext, 'facts'>, view: DtView, file: string): RelatedRef[] {
	const compats = new Set(ctx.facts.filter((d) => d.file === file).flatMap((d) => d.compatibles));
	const refs: RelatedRef[] = [];
	if (compats.size === 0) return refs;
	for (const n of walk(view.root)) if (compatibles(n).some((c) => compats.has(c))) refs.push({ loc: n.loc, message: `${n.path} is bound by this driver${isAvailable(n) ? '' : ' (disabled)'}` });
	return refs;
}

/** The related nodes of the finding on `claim` in `view`: those its own file's drivers bind, then the other claimers'. */
function boardRefs(ctx: Pick<DriverCheckContext, 'facts'>, view: DtView, all: readonly Claim[], claim: Claim): RelatedRef[] {
	return [...nodesOf(ctx, view, claim.f.file), ...othersOf(all, claim).flatMap((o) => nodesOf(ctx, view, o.f.file))];
}

/**
 * The related devicetree nodes the check adds, with `view`, to its finding at `loc` (the call's
 * span): for a caller whose findings were computed without a board (the language server adds those
 * of the boards open in the editor). Empty when no call of the sources is there.
 */
export function boardNodes(ctx: Pick<DriverCheckContext, 'sources' | 'facts'>, view: DtView, loc: SourceRef): RelatedRef[] {
	const all = claimsOf(ctx);
	const claim = all.find(({ f, b }) => f.file === loc.file && b.span.start.line === loc.start.line && b.span.start.col === loc.start.col);
	return claim ? boardRefs(ctx, view, all, claim) : [];
}

export function check(ctx: DriverCheckContext): Finding[] {
	const out: Finding[] = [];
	const gone = probe.atLeast(ctx.version, 6, 1);
	const all = claimsOf(ctx);
	for (const claim of all) {
		const { b } = claim;
		const bus = busOf(b);
		const others = othersOf(all, claim);
		const related: RelatedRef[] = others.map((o) => ({ loc: o.b.span, message: `${o.f.file.slice(o.f.file.lastIndexOf('/') + 1)} also claims the ${bus} bus (${o.b.from === 'initcall' ? 'from its initcall' : 'from probe'})` }));
		if (ctx.view) related.push(...boardRefs(ctx, ctx.view, all, claim));
		const how = b.guardedByIommuPresent ? 'this call is skipped when another driver already owns the bus (iommu_present())' : b.errorPropagated ? `its -EBUSY fails the ${b.from === 'initcall' ? 'initcall (the driver never registers)' : 'probe'} when another driver owns the bus` : 'its -EBUSY is ignored when another driver owns the bus';
		const where = b.from === 'unknown' ? '' : ` from ${b.from === 'initcall' ? 'the initcall' : 'probe'} (${b.via.join(' → ')})`;
		const message = gone
			? `bus_set_iommu() was removed in 6.1 ("iommu: Retire bus_set_iommu()"): this file does not build for kernel ${probe.formatKernelVersion(ctx.version)}; IOMMU drivers register per instance with iommu_device_register().`
			: `bus_set_iommu(${b.busArg}) installs this driver's ops for the whole ${bus} bus${where}; the first IOMMU driver to do so owns it and ${how}.${others.length ? ` ${others.length} other scanned driver(s) claim the same bus: which one translates depends on probe order.` : ''}`;
		out.push({ id: 'bus-set-iommu', severity: gone ? 'error' : others.length ? 'warning' : 'info', message, loc: b.span, related, fix: { kind: 'remove-bus-set-iommu', bus } });
	}
	return out;
}
