/**
 * Finding: probe-deferred
 *
 * Triggers on a master whose IOMMU node is available but can never be bound in some order: no driver
 * matches its compatibles (absent from the driver facts, or built `n`), its driver is a module that is
 * never loaded, or a module that may load after the deferred-probe timeout. The message says what the
 * kernel does per era: from 4.19 the master defers (-EPROBE_DEFER, fw_devlink) until the
 * deferred-probe timeout and then probes without its IOMMU (or defers forever with
 * `deferred_probe_timeout=-1`); before 4.19 it gets no IOMMU at once. Points at the master's
 * `iommus`/`iommu-map`; related: the IOMMU node.
 */
import type { Finding } from '../types';
import type { CheckContext } from './context';
import { probeResultFor } from './util';

const NEVER_BOUND = new Set(['no-driver', 'module-not-loaded', 'module-late']);

/** Reports masters that wait for an IOMMU that may never be bound. */
export function check(ctx: CheckContext): Finding[] {
	const result = probeResultFor(ctx);
	if (!result) return [];
	const out: Finding[] = [];
	for (const m of result.masters) {
		const hit = m.outcomes.find((o) => o.outcome.kind !== 'translated' && NEVER_BOUND.has(o.outcome.reason));
		if (!hit || hit.outcome.kind === 'translated') continue;
		const o = hit.outcome;
		const instance = result.instances.find((i) => i.path === m.iommu);
		const alternatives = m.orderDependent ? ` Depending on the order, ${m.path} may instead be ${m.outcomes.filter((x) => x !== hit).map((x) => x.outcome.kind).join(' or ')}.` : '';
		out.push({
			id: 'probe-deferred',
			severity: o.kind === 'deferred-forever' ? 'error' : 'warning',
			message: `${m.path}: ${o.detail}${o.kind === 'blocked' ? '' : o.kind === 'deferred-forever' ? ' (the device never probes)' : ' (its DMA is not translated)'}.${alternatives}`,
			loc: m.loc,
			related: instance ? [{ loc: instance.loc, message: `${instance.path}: ${instance.driver ?? 'no driver'} (${instance.state})` }] : [],
		});
	}
	return out;
}
