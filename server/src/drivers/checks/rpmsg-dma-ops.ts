/**
 * Finding: rpmsg-dma-ops
 *
 * Triggers on IOMMU or DMA ops set on the rpmsg bus or on rpmsg channel devices: `bus_set_iommu(&rpmsg_bus, ...)`
 * (the 2018 "set iommu ops for rpmsg bus" patch), `set_dma_ops()`, `of_dma_configure()` or a
 * `->dma_ops =` assignment on a `struct rpmsg_device`'s device. rpmsg channels are software
 * endpoints, not DMA masters: the DMA-capable function should be a platform device with its own
 * `iommus` (the fastrpc compute-cb pattern: `of_platform_populate()` from the rpmsg probe, buffers
 * allocated against the child). Error for the bus, warning for one device. Not triggered by
 * `dma_set_mask*()` on the channel device, `of_platform_populate()`, or allocations on platform
 * children.
 */
import type { Finding } from '../../../../emulator/src';
import type { DriverCheckContext } from './context';

export function check(ctx: DriverCheckContext): Finding[] {
	const out: Finding[] = [];
	for (const f of ctx.sources.files) {
		for (const b of f.busSetIommu) {
			if (b.bus !== 'rpmsg') continue;
			out.push({
				id: 'rpmsg-dma-ops',
				severity: 'error',
				message: `bus_set_iommu(${b.busArg}, ${b.ops}) makes every rpmsg channel an IOMMU master, but channels are software endpoints that generate no DMA; model each DMA-capable function as a platform device with its own iommus (as fastrpc's compute-cb children do).`,
				loc: b.span,
				related: [],
				fix: { kind: 'remove-call', callee: 'bus_set_iommu' },
			});
		}
		const rpmsgVars = new Map<string, string[]>();
		for (const fn of f.functions) {
			const names = [...fn.params.matchAll(/struct\s+rpmsg_device\s*\*\s*(\w+)/g)].map((m) => m[1] as string);
			if (names.length) rpmsgVars.set(fn.name, names);
		}
		const onChannel = (fn: string | undefined, expr: string): string | undefined => {
			if (!fn) return undefined;
			const vars = rpmsgVars.get(fn) ?? [];
			return vars.find((v) => new RegExp(`\\b${v}\\s*->\\s*dev\\b`).test(expr)) ?? (/\brpdev\b.*\bdev\b/.test(expr) ? 'rpdev' : undefined);
		};
		for (const c of f.calls) {
			if (c.callee !== 'set_dma_ops' && c.callee !== 'of_dma_configure' && c.callee !== 'of_dma_configure_id' && c.callee !== 'arch_setup_dma_ops') continue;
			const v = onChannel(c.function, c.args[0] ?? '');
			if (!v) continue;
			out.push({ id: 'rpmsg-dma-ops', severity: 'warning', message: `${c.callee}(${c.args[0]}) sets DMA ops on the rpmsg channel device ${v}; the channel is a software endpoint: DMA belongs to a platform device with its own iommus (populate it with of_platform_populate() and allocate against it).`, loc: c.span, related: [] });
		}
		for (const a of f.fieldAssigns) {
			if (a.field !== 'dma_ops' && a.field !== 'iommu_ops') continue;
			const v = onChannel(a.function, a.object) ?? (/rpmsg_bus/.test(a.object) ? 'rpmsg_bus' : undefined);
			if (!v) continue;
			out.push({ id: 'rpmsg-dma-ops', severity: v === 'rpmsg_bus' ? 'error' : 'warning', message: `${a.object}.${a.field} = ${a.value} gives the rpmsg ${v === 'rpmsg_bus' ? 'bus' : 'channel device'} ${a.field === 'dma_ops' ? 'DMA' : 'IOMMU'} ops; channels generate no DMA: use a platform device with its own iommus for the DMA-capable function.`, loc: a.span, related: [] });
		}
	}
	return out;
}
