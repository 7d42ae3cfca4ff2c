/**
 * The address and stream chains of one node, as lines of text: what `iommu-lens translate` prints and
 * what the editor's hovers show (inside a code block). Each hop names the source place that produced
 * it, as `file:line` (1-based). Pure: it reads the emulator's plain-data answers only.
 */
import { address, formatRange, hex, iommu, rpmsg, type DtNodeView, type DtView, type SourceRef } from '../../../emulator/src';
import { sizeCellsFor } from '../../../emulator/src/dt/props';

/** `file:line` (1-based) with the file relative to `base` when inside it. */
export type PlaceFormatter = (ref: SourceRef) => string;

export function defaultPlace(base = ''): PlaceFormatter {
	return (ref) => {
		const file = base && ref.file.startsWith(`${base}/`) ? ref.file.slice(base.length + 1) : ref.file;
		return `${file}:${ref.start.line + 1}`;
	};
}

export interface ExplainOptions {
	place: PlaceFormatter;
	/** The IOMMU topology of the board (built once by the caller, shared across nodes). */
	topology: iommu.Topology;
	report: iommu.AttachReport;
	/** PCI requester ID to translate through `iommu-map`/`msi-map`. */
	rid?: bigint;
}

export interface Section {
	title: string;
	lines: string[];
}

/** Every chain that applies to `node`: reg → CPU, DMA view, streams, memory regions, maps for a RID. */
export function explainNode(view: DtView, node: DtNodeView, options: ExplainOptions): Section[] {
	const sections: Section[] = [];
	const reg = regChain(view, node, options.place);
	if (reg) sections.push(reg);
	const behind = (n: DtNodeView): boolean => iommu.isBehindIommu(options.topology, options.report, n);
	if (node.property('iommus') || node.property('dma-ranges') || node.property('dma-coherent') || node.property('memory-region') || node.property('iommu-map')) {
		sections.push(dmaSection(view, node, behind, options.place));
	}
	const streams = iommu.describeStreams(options.topology, node, options.report);
	if (streams.length > 0) sections.push(streamSection(streams));
	const fastrpc = fastrpcSection(view, node);
	if (fastrpc) sections.push(fastrpc);
	const regions = memoryRegionSection(view, node, options.place);
	if (regions) sections.push(regions);
	if (options.rid !== undefined) sections.push(ridSection(view, node, options.rid, options.place));
	return sections;
}

function regChain(view: DtView, node: DtNodeView, place: PlaceFormatter): Section | undefined {
	if (!node.property('reg')) return undefined;
	const lines: string[] = [];
	for (const entry of address.translateReg(view, node)) {
		const name = entry.name ? ` "${entry.name}"` : '';
		// A bus without sizes (i2c, spi, fastrpc sessions, ...) numbers its children; nothing to translate.
		if (entry.translation.failure?.reason === 'bad-cell-count' && sizeCellsFor(node) === 0) {
			lines.push(`reg[${entry.index}]${name}: ${hex(entry.busAddress)} on a bus without sizes (#size-cells = <0>): an address on that bus, not memory-mapped  (${place(entry.loc)})`);
			continue;
		}
		lines.push(`reg[${entry.index}]${name}: ${hex(entry.busAddress)} size ${hex(entry.size)}  (${place(entry.loc)})`);
		for (const hop of entry.translation.hops) {
			const how = hop.mode === 'empty' ? 'empty ranges: 1:1' : hop.mode === 'missing' ? 'no ranges' : `ranges[${hop.entryIndex ?? 0}]`;
			lines.push(`  → ${hop.bus || '/'} ${how}: ${hex(hop.childAddress)} → ${hex(hop.parentAddress)}  (${place(hop.loc)})`);
		}
		if (entry.cpuRange) lines.push(`  ⇒ CPU ${formatRange(entry.cpuRange)}`);
		else if (entry.translation.failure) lines.push(`  ⇒ untranslatable: ${entry.translation.failure.message}  (${place(entry.translation.failure.loc)})`);
	}
	return { title: 'CPU address', lines };
}

function dmaSection(view: DtView, node: DtNodeView, behind: (n: DtNodeView) => boolean, place: PlaceFormatter): Section {
	const dma = address.dmaView(view, node, { isBehindIommu: behind });
	const lines: string[] = [];
	lines.push(`emits ${dma.emits === 'iova' ? 'IOVAs (behind an enabled IOMMU; dma-ranges describe the IOMMU side)' : 'bus addresses'}`);
	lines.push(`coherent: ${dma.coherency.coherent ? 'yes' : 'no'}${dma.coherency.at ? ` (${dma.coherency.source} at ${dma.coherency.at})` : ` (${dma.coherency.source})`}`);
	if (dma.windows.length === 0 && dma.status !== 'broken-chain') lines.push('dma-ranges: none on the way up (DMA address = CPU address)');
	for (const w of dma.windows) {
		lines.push(`window ${w.owner}[${w.index}]: bus ${formatRange(w.dma)} ↔ CPU ${w.cpu ? formatRange(w.cpu) : 'untranslatable'}  (${place(w.loc)})`);
	}
	if (dma.breakAt) lines.push(`broken chain at ${dma.breakAt.node}: ${dma.breakAt.ignored}  (${place(dma.breakAt.loc)})`);
	if (dma.busDmaLimit !== undefined) lines.push(`bus_dma_limit ${hex(dma.busDmaLimit)} (${dma.dmaMaskBits ?? '?'}-bit)`);
	return { title: 'DMA view', lines };
}

function streamSection(streams: readonly iommu.StreamView[]): Section {
	const lines: string[] = [];
	for (const s of streams) {
		const head = `${s.master} iommus[${s.entryIndex}] → ${s.iommu ? `${s.iommu.label || s.iommu.path} (${s.iommu.model})` : 'no IOMMU'}`;
		lines.push(head);
		if (s.label) lines.push(`  ${s.label}${s.matched.length > 0 ? ` ⇒ matches {${s.matched.join(', ')}}${s.matchedTotal !== String(s.matched.length) ? ` (${s.matchedTotal} in all)` : ''}` : ''}`);
		const slot = [s.slot, s.contextBank !== undefined ? `context bank ${s.contextBank}` : undefined, s.group !== undefined ? `group ${s.group}` : undefined].filter(Boolean).join(', ');
		if (slot) lines.push(`  ${slot}${s.reused ? ' (reused)' : ''}`);
		if (s.sharedWith.length > 0) lines.push(`  shared with ${s.sharedWith.join(', ')}`);
		lines.push(`  ${s.status}${s.error ? `: ${s.error}` : ''}${s.consequence ? ` — ${s.consequence}` : ''}`);
	}
	return { title: 'IOMMU streams', lines };
}

function fastrpcSection(view: DtView, node: DtNodeView): Section | undefined {
	for (const channel of rpmsg.fastrpcChannels(view)) {
		const sessions = channel.sessions.filter((x) => x.cb === node.path);
		if (sessions.length === 0) continue;
		const lines = [`channel ${channel.node} (label "${channel.label ?? '?'}"${channel.remoteproc ? `, on ${channel.remoteproc}` : ''})`];
		for (const x of sessions) {
			lines.push(`session ${x.index}: sid ${x.sid}${x.duplicate ? ' (a qcom,nsessions copy)' : ''}: the DSP sees iova | ${hex(x.dspAddressBase)} (iova + (${x.sid} << 32))`);
		}
		return { title: 'FastRPC', lines };
	}
	return undefined;
}

function memoryRegionSection(view: DtView, node: DtNodeView, place: PlaceFormatter): Section | undefined {
	if (!node.property('memory-region')) return undefined;
	const rm = address.reservedMemory(view);
	const lines: string[] = [];
	for (const region of rm.regions) {
		for (const user of region.users) {
			if (user.node !== node.path) continue;
			const flags = [region.noMap ? 'no-map' : undefined, region.reusable ? 'reusable' : undefined, ...region.compatibles].filter(Boolean).join(', ');
			const where = region.ranges.length > 0 ? region.ranges.map((r) => formatRange(r.range)).join(', ') : `dynamic${region.size !== undefined ? `, size ${hex(region.size)}` : ''}`;
			lines.push(`memory-region[${user.index}]${user.name ? ` "${user.name}"` : ''} → ${region.node}: ${where}${flags ? ` [${flags}]` : ''}  (${place(region.loc)})`);
			const others = region.users.filter((u) => u.node !== node.path).map((u) => u.node);
			if (others.length > 0) lines.push(`  also used by ${others.join(', ')}`);
		}
	}
	return lines.length > 0 ? { title: 'Memory regions', lines } : undefined;
}

function ridSection(view: DtView, node: DtNodeView, rid: bigint, place: PlaceFormatter): Section {
	const lines: string[] = [];
	const bdf = `${hex((rid >> 8n) & 0xffn, 2).slice(2)}:${hex((rid >> 3n) & 0x1fn, 2).slice(2)}.${rid & 7n}`;
	for (const name of ['iommu-map', 'msi-map'] as const) {
		const res = iommu.mapId(view, node, name, rid);
		switch (res.kind) {
			case 'absent':
				lines.push(`${name}: absent${name === 'iommu-map' ? ' (no IOMMU for PCI functions)' : ' (the id passes through)'}`);
				break;
			case 'mapped':
				lines.push(`${name}: RID ${hex(rid, 4)} (${bdf}) → ${res.target.labels[0] ? `&${res.target.labels[0]}` : res.target.path} ${res.args.map((a) => hex(a)).join(' ')}  (${place(res.entry.loc)})`);
				break;
			case 'no-match':
				lines.push(`${name}: RID ${hex(rid, 4)} (${bdf}): ${res.message}`);
				break;
			case 'error':
				lines.push(`${name}: error ${res.errno}: ${res.message}`);
				break;
		}
	}
	return { title: `RID ${hex(rid, 4)}`, lines };
}
