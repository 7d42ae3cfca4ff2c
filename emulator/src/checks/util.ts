/**
 * Small helpers shared by the checks of this folder.
 */
import { isAvailable, parsePhandleArgs } from '../dt/props';
import type { DtNodeView, DtView } from '../types';
import { runScenario, type ScenarioResult } from '../scenario/scenario';
import type { CheckContext } from './context';
import { KeyedCache } from '../keyed-cache';

const simulations = new KeyedCache<CheckContext, ScenarioResult>('simulation');

/**
 * The probe simulation the checks of one context share: the caller's (`ctx.simulation`), else run
 * once per context. Throws `KernelVersionError` for a bad `scenario.kernel`.
 */
export function simulationFor(ctx: CheckContext): ScenarioResult {
	if (ctx.simulation) return ctx.simulation;
	let result = simulations.get(ctx);
	if (!result) {
		result = runScenario(ctx.view, ctx.scenario ?? {}, ctx.driverFacts);
		simulations.set(ctx, result);
	}
	return result;
}

/**
 * The probe simulation's result for the checks that read it, or undefined when there is none to read:
 * a bad kernel version is reported by whoever reads the setting.
 */
export function probeResultFor(ctx: CheckContext): ScenarioResult['result'] | undefined {
	try {
		return simulationFor(ctx).result;
	} catch {
		return undefined;
	}
}

/**
 * The default answer to "is this node behind an enabled IOMMU?" when the context has no callback:
 * some `iommus` entry (or `iommu-map` entry) points at an available IOMMU node.
 */
export function behindIommu(ctx: CheckContext, node: DtNodeView): boolean {
	if (ctx.isBehindIommu) return ctx.isBehindIommu(node);
	return hasAvailableIommu(ctx.view, node);
}

/** True when an `iommus` entry of `node` targets an available node. */
export function hasAvailableIommu(view: DtView, node: DtNodeView): boolean {
	if (parsePhandleArgs(view, node, 'iommus', '#iommu-cells').some((e) => e.target !== undefined && isAvailable(e.target))) return true;
	const map = node.property('iommu-map');
	return map !== undefined && map.bytes.length > 0;
}
