/**
 * Finding: carveout
 *
 * Triggers on:
 * - a remote processor whose `memory-region` is missing or too short for its driver (Qualcomm
 *   PAS: "no memory-region specified"; TI K3 R5F/DSP/M4: at least two entries, entry 0 a
 *   `shared-dma-pool`), or whose entry does not point at a `/reserved-memory` region;
 * - a carveout the driver maps with `ioremap_wc()` (PAS: every entry; TI K3: entries 1..) that
 *   lacks `no-map`: it stays in the linear map and arm64 refuses to ioremap RAM, so probe fails;
 * - a carveout shared by two remote processors (both firmwares are loaded into it);
 * - a carveout outside what the remote can reach through its own or its bus's `dma-ranges` (a
 *   remote with `iommus` maps it through its IOMMU and is not checked);
 * - `/reserved-memory` whose cell counts differ from the root's or which lacks `ranges` (the
 *   kernel ignores every region), a region the kernel refuses (bad `size`/`alignment`/
 *   `alloc-ranges`), static regions that overlap ("OVERLAP DETECTED!"), and static regions outside
 *   every `/memory` bank (only checked when the tree has `/memory`).
 */
import { type AddrRange, formatRange } from '../addr';
import { type ReservedRegion, reservedMemory } from '../address/reserved';
import { type RemoteProcessor, remoteProcessors } from '../rpmsg/remoteproc';
import type { Finding, RelatedRef } from '../types';
import type { CheckContext } from './context';

const kernelAddr = (v: bigint): string => `0x${v.toString(16).padStart(16, '0')}`;

function overlaps(a: AddrRange, b: AddrRange): boolean {
	return a.start < b.end && b.start < a.end;
}

function covered(windows: readonly AddrRange[], r: AddrRange): boolean {
	return windows.some((w) => r.start >= w.start && r.end <= w.end);
}

/**
 * Who uses a region in Linux: available nodes whose `memory-region` points at it, or the region
 * itself when it has a `compatible` a driver binds (`qcom,rmtfs-mem`, `ramoops`, ...; a DMA pool is used
 * through its consumers) or is `reusable` (CMA hands its pages out). A firmware carveout with none is only removed from the linear map.
 */
function usersOf(region: ReservedRegion): string[] {
	const users = region.users.filter((u) => u.available).map((u) => u.node);
	const ownDriver = region.compatibles.some((c) => c !== 'shared-dma-pool' && c !== 'restricted-dma-pool');
	if (ownDriver || region.reusable) users.push(region.node);
	return [...new Set(users)];
}

/** The `memory-region` entries the driver of `family` maps with `ioremap_wc()`. */
function mappedByDriver(rp: RemoteProcessor, index: number): boolean {
	if (rp.family === 'qcom-pas') return true;
	if (rp.family === 'ti-k3-r5f' || rp.family === 'ti-k3-dsp' || rp.family === 'ti-k3-m4') return index >= 1;
	return false;
}

/** Runs the `carveout` check. */
export function check(ctx: CheckContext): Finding[] {
	const out: Finding[] = [];
	const reserved = reservedMemory(ctx.view);
	const rmNode = reserved.node ? ctx.view.byPath(reserved.node) : undefined;
	if (reserved.formatError && rmNode) {
		out.push({
			id: 'carveout',
			severity: 'error',
			message: `${reserved.formatError.message}: /reserved-memory must have the root's #address-cells (${reserved.rootAddressCells}), #size-cells (${reserved.rootSizeCells}) and a ranges property, otherwise none of its ${reserved.regions.length} regions is reserved and the memory is handed to the page allocator.`,
			loc: reserved.formatError.loc,
			related: [],
			fix: { kind: 'fix-reserved-memory-root', node: rmNode.path, addressCells: reserved.rootAddressCells, sizeCells: reserved.rootSizeCells },
		});
	}
	const live = reserved.regions.filter((r) => r.available);
	for (const region of live) {
		if (region.problem) {
			out.push({ id: 'carveout', severity: 'error', message: `${region.problem} The kernel does not reserve ${region.node}.`, loc: region.loc, related: [] });
		}
	}
	// Static regions that overlap each other (`__rmem_check_for_overlap()`).
	const statics = live.filter((r) => r.kind === 'static');
	for (let i = 0; i < statics.length; i++) {
		for (let j = i + 1; j < statics.length; j++) {
			const a = statics[i] as ReservedRegion;
			const b = statics[j] as ReservedRegion;
			for (const ra of a.ranges) {
				const rb = b.ranges.find((r) => overlaps(ra.range, r.range));
				if (!rb) continue;
				const [lo, hi] = ra.range.start <= rb.range.start ? [{ r: a, x: ra }, { r: b, x: rb }] : [{ r: b, x: rb }, { r: a, x: ra }];
				const ua = usersOf(a);
				const ub = usersOf(b);
				const clash = ua.length > 0 && ub.length > 0 && !ua.every((u) => ub.includes(u));
				const kernel = `OVERLAP DETECTED! ${lo.r.name} (${kernelAddr(lo.x.range.start)}--${kernelAddr(lo.x.range.end)}) overlaps with ${hi.r.name} (${kernelAddr(hi.x.range.start)}--${kernelAddr(hi.x.range.end)})`;
				out.push({
					id: 'carveout',
					severity: clash ? 'error' : 'warning',
					message: clash
						? `${kernel}: both users get the same memory (${ua.join(', ')} and ${ub.join(', ')}).`
						: `${kernel}: the kernel logs this at boot; ${ua.length + ub.length === 0 ? 'no Linux driver uses either region' : `only ${[...new Set([...ua, ...ub])].join(', ')} use${new Set([...ua, ...ub]).size === 1 ? 's' : ''} the memory`}, so nothing is handed out twice.`,
					loc: rb.loc,
					related: [{ loc: ra.loc, message: `reg of ${a.node}` }],
				});
				break;
			}
		}
	}
	// Static regions outside RAM.
	if (reserved.memory.length > 0) {
		const banks = reserved.memory.map((m) => m.range);
		for (const region of statics) {
			for (const r of region.ranges) {
				if (covered(banks, r.range)) continue;
				out.push({
					id: 'carveout',
					severity: 'warning',
					message: `${region.node} (${formatRange(r.range)}) is not inside any /memory bank (${banks.map((b) => formatRange(b)).join(', ')}): it is not RAM the kernel knows about, so reserving it protects nothing and its users map addresses Linux does not manage.`,
					loc: r.loc,
					related: reserved.memory.map((m) => ({ loc: m.loc, message: `memory bank of ${m.node}` })),
				});
			}
		}
	}

	const remotes = remoteProcessors(ctx.view, reserved).filter((rp) => rp.available);
	const usedBy = new Map<string, { rp: RemoteProcessor; loc: RelatedRef['loc'] }>();
	for (const rp of remotes) {
		const count = rp.carveouts.length;
		if (rp.family === 'qcom-pas' && count === 0) {
			out.push({
				id: 'carveout',
				severity: 'error',
				message: `no memory-region specified: the Qualcomm PAS driver fails probe of ${rp.node} with -EINVAL, so the remote processor is never booted.`,
				loc: rp.loc,
				related: [],
				fix: { kind: 'add-memory-region', node: rp.node },
			});
		}
		const k3 = rp.family === 'ti-k3-r5f' || rp.family === 'ti-k3-dsp' || rp.family === 'ti-k3-m4';
		if (k3 && count === 0) {
			out.push({
				id: 'carveout',
				severity: 'error',
				message: `device does not have reserved memory regions, ret = -22: ${rp.node} fails probe; it needs a shared-dma-pool (entry 0) and its firmware carveout(s).`,
				loc: rp.loc,
				related: [],
				fix: { kind: 'add-memory-region', node: rp.node },
			});
		} else if (k3 && count < 2) {
			out.push({
				id: 'carveout',
				severity: 'error',
				message: `device needs at least two memory regions to be defined, num = ${count}: ${rp.node} fails probe with -EINVAL.`,
				loc: rp.memoryRegionLoc ?? rp.loc,
				related: [],
			});
		}
		if (k3 && count >= 1) {
			const first = rp.carveouts[0];
			if (first?.region && !first.region.compatibles.includes('shared-dma-pool')) {
				out.push({
					id: 'carveout',
					severity: 'error',
					message: `device cannot initialize DMA pool, ret = -22: memory-region 0 of ${rp.node} (${first.region.name}) is not a shared-dma-pool, so of_reserved_mem_device_init_by_idx() fails and probe fails.`,
					loc: first.loc,
					related: [{ loc: first.region.loc, message: `region ${first.region.node}` }],
					fix: { kind: 'add-compatible', node: first.region.node, compatible: 'shared-dma-pool' },
				});
			}
		}
		for (const cv of rp.carveouts) {
			if (!cv.region) {
				out.push({
					id: 'carveout',
					severity: 'error',
					message: `memory-region ${cv.index} of ${rp.node} ${cv.target ? `points at ${cv.target}, which is not a /reserved-memory region` : 'does not resolve to a node'}: the driver finds no reserved_mem for it and fails probe.`,
					loc: cv.loc,
					related: [],
				});
				continue;
			}
			const region = cv.region;
			if (!region.available) continue;
			const related: RelatedRef[] = [{ loc: region.loc, message: `region ${region.node}` }];
			if (mappedByDriver(rp, cv.index) && !region.noMap && region.pool === undefined) {
				out.push({
					id: 'carveout',
					severity: 'error',
					message: `carveout ${region.name} (memory-region ${cv.index} of ${rp.node}) has no no-map: it stays in the kernel's linear map, and the driver's ioremap_wc() of RAM is refused on arm64, so probe fails (and Linux may hand the pages to others meanwhile).`,
					loc: cv.loc,
					related,
					fix: { kind: 'add-no-map', node: region.node },
				});
			}
			const prev = usedBy.get(region.node);
			if (prev && prev.rp.node !== rp.node) {
				out.push({
					id: 'carveout',
					severity: 'error',
					message: `carveout ${region.name} is used by both ${prev.rp.node} and ${rp.node}: each remote's firmware is loaded into the same memory and overwrites the other's.`,
					loc: cv.loc,
					related: [{ loc: prev.loc, message: `memory-region of ${prev.rp.node}` }, ...related],
				});
			} else if (!prev) usedBy.set(region.node, { rp, loc: cv.loc });
			if (rp.view.kind === 'windows' && region.kind === 'static') {
				const outside = region.ranges.filter((r) => !covered(rp.view.windows, r.range));
				if (outside.length > 0) {
					out.push({
						id: 'carveout',
						severity: 'error',
						message: `carveout ${region.name} (${outside.map((r) => formatRange(r.range)).join(', ')}) of ${rp.node} is outside what the remote can reach (${rp.view.windows.map((w) => formatRange(w)).join(', ')} through dma-ranges of ${rp.view.source?.node ?? rp.node}): its firmware cannot address the memory it is loaded into.`,
						loc: cv.loc,
						related: [...related, ...(rp.view.source ? [{ loc: rp.view.source.loc, message: `dma-ranges of ${rp.view.source.node}` }] : [])],
					});
				}
			}
		}
	}
	return out;
}
