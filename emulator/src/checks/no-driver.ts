/**
 * Finding: no-driver
 *
 * Devicetree side of the driver sources; silent when no driver sources were given
 * (`ctx.driverFacts` absent). Triggers on:
 * - an IOMMU node (`#iommu-cells`) none of whose compatibles any scanned `of_device_id` table
 *   matches (warning, with the nearest known compatible by edit distance);
 * - a master of an IOMMU (a node with `iommus`) none of whose compatibles any table matches, when a
 *   scanned compatible is within edit distance 3 of one of them (a likely typo; with partial sources
 *   most masters have no scanned driver, so only near misses are reported);
 * - an IOMMU whose driver is `n` or `m` in the given configuration: what that does to its masters at
 *   boot (`n`: they wait for the deferred-probe timeout, then probe without the IOMMU, or at once
 *   before 4.19; `m`: they wait until the module loads, and probe without it if it loads after the
 *   timeout).
 * Points at the node's `compatible`; related: the nearest compatible's `of_device_id` entry, or the
 * driver's Kconfig symbol and the reason for its state.
 */
import type { DtNodeView, Finding, RelatedRef } from '../types';
import type { CheckContext } from './context';
import { compatibles, isAvailable, parsePhandleArgs, walk } from '../dt/props';
import { matchDriver, type DriverFacts } from '../probe/drivers';
import { atLeast, NEWEST_KERNEL, parseKernelVersion, type KernelVersion } from '../probe/era';

/** Levenshtein distance (small strings). */
export function editDistance(a: string, b: string): number {
	const prev = Array.from({ length: b.length + 1 }, (_, i) => i);
	for (let i = 1; i <= a.length; i++) {
		let diag = prev[0] as number;
		prev[0] = i;
		for (let j = 1; j <= b.length; j++) {
			const tmp = prev[j] as number;
			prev[j] = Math.min((prev[j] as number) + 1, (prev[j - 1] as number) + 1, diag + (a[i - 1] === b[j - 1] ? 0 : 1));
			diag = tmp;
		}
	}
	return prev[b.length] as number;
}

function nearest(list: readonly string[], facts: readonly DriverFacts[]): { compatible: string; driver: DriverFacts; distance: number } | undefined {
	let best: { compatible: string; driver: DriverFacts; distance: number } | undefined;
	for (const c of list) for (const d of facts) for (const k of d.compatibles) {
		const dist = editDistance(c, k);
		if (!best || dist < best.distance) best = { compatible: k, driver: d, distance: dist };
	}
	return best;
}

const MASTER_DISTANCE = 3;

export function check(ctx: CheckContext): Finding[] {
	const facts = ctx.driverFacts;
	if (!facts) return [];
	let version: KernelVersion = NEWEST_KERNEL;
	try {
		if (ctx.scenario?.kernel) version = parseKernelVersion(ctx.scenario.kernel);
	} catch {
		// A bad version is reported elsewhere.
	}
	const out: Finding[] = [];
	const iommus: DtNodeView[] = [];
	const masters = new Map<string, DtNodeView>();
	const all = walk(ctx.view.root);
	for (let idx = 0; idx < all.length; idx++) {
		const n = all[idx] as DtNodeView;
		if (n.property('#iommu-cells')) iommus.push(n);
		const prop = n.property('iommus');
		if (!prop || !isAvailable(n)) continue;
		for (const e of parsePhandleArgs(ctx.view, n, 'iommus', '#iommu-cells')) if (e.target) masters.set(n.path, n);
	}
	const related = (d: DriverFacts, compatible: string): RelatedRef[] => {
		const loc = d.compatibleLocs?.[compatible] ?? d.loc;
		return loc ? [{ loc, message: `"${compatible}" in ${d.name}'s of_device_id table` }] : [];
	};
	const compatLoc = (n: DtNodeView) => n.property('compatible')?.loc ?? n.loc;
	for (const n of iommus) {
		if (!isAvailable(n)) continue;
		const list = compatibles(n);
		if (list.length === 0) continue;
		const d = matchDriver(list, facts);
		if (!d) {
			const near = nearest(list, facts);
			out.push({
				id: 'no-driver',
				severity: 'warning',
				message: `${n.path}: no scanned driver matches ${list.map((c) => `"${c}"`).join(', ')}${near ? `; the nearest known compatible is "${near.compatible}" (${near.driver.name})` : ''}. Its masters wait for an IOMMU that never binds.`,
				loc: compatLoc(n),
				related: near ? related(near.driver, near.compatible) : [],
			});
			continue;
		}
		if (d.build === 'y') continue;
		const mine = [...masters.values()].filter((m) => {
			return parsePhandleArgs(ctx.view, m, 'iommus', '#iommu-cells').some((e) => e.target === n);
		});
		const who = mine.length ? `its master(s) ${mine.map((m) => m.path).join(', ')}` : 'its masters';
		const early = !atLeast(version, 4, 19);
		const effect =
			d.build === 'n'
				? early
					? `${who} probe without an IOMMU at once (before 4.19 of_iommu_xlate() returns NO_IOMMU)`
					: `${who} defer (-EPROBE_DEFER) until the deferred-probe timeout, then probe without an IOMMU`
				: early
					? `${who} probe at boot before the module can load, without an IOMMU`
					: `${who} wait until the module is loaded; if it loads after the deferred-probe timeout (or never) they probe without an IOMMU`;
		const rel: RelatedRef[] = [];
		if (d.buildSource?.loc) rel.push({ loc: d.buildSource.loc, message: `${d.buildSource.symbol ? `CONFIG_${d.buildSource.symbol}` : d.name}: ${d.buildSource.why}` });
		if (d.loc) rel.push({ loc: d.loc, message: `${d.name} driver` });
		out.push({
			id: 'no-driver',
			severity: 'warning',
			message: `${n.path}: its driver ${d.name} is ${d.build === 'n' ? 'not built (n)' : 'a module (m)'} in this configuration${d.buildSource ? ` (${d.buildSource.why})` : ''}: ${effect}.`,
			loc: compatLoc(n),
			related: rel,
		});
	}
	for (const m of masters.values()) {
		const list = compatibles(m);
		if (list.length === 0 || matchDriver(list, facts)) continue;
		const near = nearest(list, facts);
		if (!near || near.distance === 0 || near.distance > MASTER_DISTANCE) continue;
		out.push({
			id: 'no-driver',
			severity: 'warning',
			message: `${m.path}: no scanned driver matches ${list.map((c) => `"${c}"`).join(', ')}; did you mean "${near.compatible}" (${near.driver.name})? The device never binds, so its DMA is never set up.`,
			loc: compatLoc(m),
			related: related(near.driver, near.compatible),
		});
	}
	return out;
}
