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
import type { Finding, RelatedRef } from '../../../../emulator/src';
import { probe } from '../../../../emulator/src';
import { compatibles, walk, isAvailable } from '../../../../emulator/src/dt/props';
import type { DriverCheckContext } from './context';

export function check(ctx: DriverCheckContext): Finding[] {
	const out: Finding[] = [];
	const gone = probe.atLeast(ctx.version, 6, 1);
	const all = ctx.sources.files.flatMap((f) => f.busSetIommu.map((b) => ({ f, b })));
	const nodesOf = (file: string): RelatedRef[] => {
		if (!ctx.view) return [];
		const compats = new Set(ctx.facts.filter((d) => d.file === file).flatMap((d) => d.compatibles));
		const refs: RelatedRef[] = [];
		for (const n of walk(ctx.view.root)) if (compatibles(n).some((c) => compats.has(c))) refs.push({ loc: n.loc, message: `${n.path} is bound by this driver${isAvailable(n) ? '' : ' (disabled)'}` });
		return refs;
	};
	for (const { f, b } of all) {
		const bus = b.bus ?? b.busArg;
		const others = all.filter((o) => o.f.file !== f.file && (o.b.bus ?? o.b.busArg) === bus);
		const related: RelatedRef[] = others.map((o) => ({ loc: o.b.span, message: `${o.f.file.slice(o.f.file.lastIndexOf('/') + 1)} also claims the ${bus} bus (${o.b.from === 'initcall' ? 'from its initcall' : 'from probe'})` }));
		related.push(...nodesOf(f.file));
		for (const o of others) related.push(...nodesOf(o.f.file));
		const how = b.guardedByIommuPresent ? 'this call is skipped when another driver already owns the bus (iommu_present())' : b.errorPropagated ? `its -EBUSY fails the ${b.from === 'initcall' ? 'initcall (the driver never registers)' : 'probe'} when another driver owns the bus` : 'its -EBUSY is ignored when another driver owns the bus';
		const where = b.from === 'unknown' ? '' : ` from ${b.from === 'initcall' ? 'the initcall' : 'probe'} (${b.via.join(' → ')})`;
		const message = gone
			? `bus_set_iommu() was removed in 6.1 ("iommu: Retire bus_set_iommu()"): this file does not build for kernel ${probe.formatKernelVersion(ctx.version)}; IOMMU drivers register per instance with iommu_device_register().`
			: `bus_set_iommu(${b.busArg}) installs this driver's ops for the whole ${bus} bus${where}; the first IOMMU driver to do so owns it and ${how}.${others.length ? ` ${others.length} other scanned driver(s) claim the same bus: which one translates depends on probe order.` : ''}`;
		out.push({ id: 'bus-set-iommu', severity: gone ? 'error' : others.length ? 'warning' : 'info', message, loc: b.span, related, fix: { kind: 'remove-bus-set-iommu', bus } });
	}
	return out;
}
