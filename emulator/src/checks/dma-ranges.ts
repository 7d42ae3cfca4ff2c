/**
 * Finding: dma-ranges
 *
 * Triggers on:
 * - a bus without `dma-ranges` between a device and an ancestor that has a non-empty one (the
 *   first node above the device is exempt, as in the kernel): `of_dma_get_range()` returns -ENODEV
 *   ("once we find 'dma-ranges', then a missing one is an error"), so the devices below get no
 *   `dma_range_map` and no `bus_dma_limit` and the ancestor's windows are silently ignored;
 * - a `memory-region` buffer or pool of a device (not behind an IOMMU) that lies outside the
 *   device's DMA windows: `translate_phys_to_dma()` finds no region and the DMA API returns
 *   DMA_MAPPING_ERROR (or the pool hands out memory the device cannot address);
 * - a `dma-ranges` whose length is not a whole number of `<child parent size>` entries (the
 *   parser ignores the trailing cells), or an entry whose CPU side cannot be translated (dropped
 *   with "translation of DMA address(%llx) to CPU address failed node(%pOF)").
 *
 * Devices behind an enabled IOMMU emit IOVAs, and their `dma-ranges` windows are not checked
 * against their buffers (iommu.yaml). Remote processors' `memory-region`s are checked by `carveout`.
 */
import { type AddrRange, formatRange } from '../addr';
import { type DmaView, dmaView, dmaWindowsOf } from '../address/dma';
import { reservedMemory } from '../address/reserved';
import { addressCellsFor, busAddressCells, busSizeCells, compatibles, isCompatible, isAvailableInTree, u32s, walk } from '../dt/props';
import { populatedByRpmsgDriver, remoteprocFamily, rpmsgNodeRole } from '../rpmsg/remoteproc';
import type { DtNodeView, Finding, RelatedRef } from '../types';
import type { CheckContext } from './context';
import { behindIommu } from './util';

/** True when the union of `windows` covers `range`. */
function coveredBy(windows: readonly AddrRange[], range: AddrRange): boolean {
	const sorted = [...windows].sort((a, b) => (a.start < b.start ? -1 : a.start > b.start ? 1 : 0));
	let reach = range.start;
	for (const w of sorted) {
		if (w.start > reach) break;
		if (w.end > reach) reach = w.end;
		if (reach >= range.end) return true;
	}
	return reach >= range.end;
}

function windowText(dma: DmaView): string {
	return dma.windows.map((w) => `CPU ${w.cpu ? formatRange(w.cpu) : '?'} as bus ${formatRange(w.dma)}`).join(', ');
}

/** Runs the `dma-ranges` check. */
export function check(ctx: CheckContext): Finding[] {
	const out: Finding[] = [];
	const view = ctx.view;
	const opts = { isBehindIommu: (n: DtNodeView) => behindIommu(ctx, n) };

	// Malformed and untranslatable dma-ranges properties.
	// Every node in document order (looped over by index: see `walk`).
	const all = walk(view.root);
	for (let idx = 0; idx < all.length; idx++) {
		const node = all[idx] as DtNodeView;
		const prop = node.property('dma-ranges');
		if (!prop || prop.bytes.length === 0 || !isAvailableInTree(node)) continue;
		const entry = busAddressCells(node) + (node.parent ? addressCellsFor(node) : busAddressCells(node)) + busSizeCells(node);
		const count = (u32s(prop) ?? []).length;
		const { windows, dropped, trailingCells } = dmaWindowsOf(view, node);
		if (trailingCells > 0 || prop.bytes.length % 4 !== 0) {
			out.push({
				id: 'dma-ranges',
				severity: 'warning',
				message: `dma-ranges of ${node.path} is ${count} cells, not a multiple of ${entry} (child #address-cells + parent #address-cells + #size-cells): the kernel reads ${windows.length + dropped.length} entr${windows.length + dropped.length === 1 ? 'y' : 'ies'} and ignores the rest.`,
				loc: prop.loc,
				related: [],
			});
		}
		for (const d of dropped) {
			out.push({
				id: 'dma-ranges',
				severity: 'warning',
				message: `translation of DMA address(${d.dma.start.toString(16)}) to CPU address failed node(${node.path}): the kernel drops this dma-ranges entry${windows.length === 0 ? ', and with no entry left of_dma_get_range() returns -EINVAL (no DMA map for the devices below)' : ''}.`,
				loc: d.loc,
				related: d.cpuTranslation.failure ? [{ loc: d.cpuTranslation.failure.loc, message: d.cpuTranslation.failure.message }] : [],
			});
		}
	}

	// Broken dma-ranges chains, one finding per bus that breaks them.
	const breaks = new Map<string, { view: DmaView; devices: DtNodeView[] }>();
	const views = new Map<string, DmaView>();
	for (let idx = 0; idx < all.length; idx++) {
		const node = all[idx] as DtNodeView;
		if (!node.parent || compatibles(node).length === 0 || !isAvailableInTree(node)) continue;
		// Only devices the kernel configures DMA for: not clients of a bus without sizes (i2c, spi,
		// mdio, spmi: of_dma_configure() is never called for them) nor OPP tables (of_skipped_node_table),
		// nor rpmsg edges, channels and APR/GPR services (rpmsg/APR devices); but the children an rpmsg
		// driver populates as platform devices (fastrpc compute-cb, q6asm dais) are, whatever the
		// #size-cells of their parent.
		if (rpmsgNodeRole(node) !== undefined || isCompatible(node, ['operating-points-v2'])) continue;
		if (busSizeCells(node.parent) === 0 && !populatedByRpmsgDriver(node)) continue;
		const dma = dmaView(view, node, opts);
		views.set(node.path, dma);
		// Behind an IOMMU too: of_dma_configure() still reads the chain, and the lost window takes
		// bus_dma_limit (which also caps the IOVA allocator) with it.
		if (dma.status !== 'broken-chain' || !dma.breakAt) continue;
		const entry = breaks.get(dma.breakAt.node) ?? { view: dma, devices: [] };
		entry.devices.push(node);
		breaks.set(dma.breakAt.node, entry);
	}
	for (const [bus, { view: dma, devices }] of breaks) {
		const at = dma.breakAt;
		if (!at) continue;
		const names = devices.map((d) => d.path);
		// Ignoring an identity dma-ranges (qcom `/soc@0`: `<0 0 0 0 0x10 0>`) changes only bus_dma_limit:
		// the 1:1 fallback is what the window said anyway. That is info; an offset window is the warning.
		const ignoredNode = view.byPath(at.ignored);
		const ignoredWindows = ignoredNode ? dmaWindowsOf(view, ignoredNode).windows : [];
		const identity = ignoredWindows.length > 0 && ignoredWindows.every((w) => w.cpu !== undefined && w.cpu.start === w.dma.start);
		out.push({
			id: 'dma-ranges',
			severity: identity ? 'info' : 'warning',
			message: `${bus} has no dma-ranges although ${at.ignored} above it has: of_dma_get_range() returns -ENODEV for ${names.length === 1 ? names[0] : `${names.length} devices below it`}, so the dma-ranges of ${at.ignored} is ignored and their DMA addresses are taken 1:1 as CPU addresses with no bus_dma_limit${identity ? ` (the ignored window is itself 1:1, so only the limit is lost)` : ''}.`,
			loc: at.loc,
			related: [{ loc: at.ignoredLoc, message: `dma-ranges of ${at.ignored} (ignored)` }, ...devices.map((d) => ({ loc: d.loc, message: `${d.path} gets no DMA map` }))],
			fix: { kind: 'add-empty-dma-ranges', node: bus },
		});
	}

	// memory-region buffers and pools outside the device's DMA windows.
	const reserved = reservedMemory(view);
	for (let idx = 0; idx < all.length; idx++) {
		const node = all[idx] as DtNodeView;
		const prop = node.property('memory-region');
		// Remote processors' carveouts are the `carveout` check's (the remote, not Linux, does that DMA).
		if (!prop || !isAvailableInTree(node) || remoteprocFamily(compatibles(node))) continue;
		const dma = views.get(node.path) ?? dmaView(view, node, opts);
		if (dma.status !== 'windows' || dma.behindIommu) continue;
		const cpuWindows = dma.windows.flatMap((w) => (w.cpu ? [w.cpu] : []));
		const owner = dma.windows[0]?.owner;
		const ownerLoc = owner ? view.byPath(owner)?.property('dma-ranges')?.loc : undefined;
		(u32s(prop) ?? []).forEach((phandle, index) => {
			const target = view.byPhandle(phandle);
			const region = target ? reserved.regions.find((r) => r.node === target.path) : undefined;
			if (!region || !region.available) return;
			const related: RelatedRef[] = [{ loc: region.loc, message: `region ${region.node}` }];
			if (ownerLoc) related.push({ loc: ownerLoc, message: `dma-ranges of ${owner}` });
			const what = region.pool ? `${region.pool} ${region.name}` : `buffer ${region.name}`;
			if (region.kind === 'static') {
				const outside = region.ranges.filter((r) => !coveredBy(cpuWindows, r.range));
				if (outside.length === 0) return;
				out.push({
					id: 'dma-ranges',
					severity: 'warning',
					message: `memory-region ${index} of ${node.path} (${what}, CPU ${outside.map((r) => formatRange(r.range)).join(', ')}) is outside the device's DMA window (${windowText(dma)}): translate_phys_to_dma() finds no region for it, so DMA to it fails with DMA_MAPPING_ERROR.`,
					loc: prop.entryLoc(index, 1),
					related,
				});
			} else if (region.kind === 'dynamic' && region.allocRanges.length > 0) {
				if (region.allocRanges.some((r) => cpuWindows.some((w) => r.range.start < w.end && w.start < r.range.end))) return;
				out.push({
					id: 'dma-ranges',
					severity: 'warning',
					message: `memory-region ${index} of ${node.path} (${what}) is allocated in alloc-ranges ${region.allocRanges.map((r) => formatRange(r.range)).join(', ')}, none of which the device's DMA window (${windowText(dma)}) reaches: DMA to it fails with DMA_MAPPING_ERROR.`,
					loc: prop.entryLoc(index, 1),
					related,
				});
			}
		});
	}
	return out;
}
