/**
 * Inlay hints, unobtrusive: the names of specifier cells (`sid:`, `mask:` per the IOMMU model's
 * meaning of its cells; `rid-base:`, `iommu:`, `out-base:`, `length:` in `iommu-map`/`msi-map`), and the
 * CPU address after each `reg` entry (`→ 0xa84000`) when it differs from the bus address or the node
 * sits behind nested buses.
 */
import { address, hex } from '../../../emulator/src';
import type { Span } from '../base/source';
import type { DtProperty } from '../dts/types';
import { ideContext, type IdeContext } from './context';
import { boardIndex, contains, keyOf } from './locate';
import type { BoardSnapshot, InlayHint } from './types';

/** Cell names of each model's specifier (after the phandle), by `#iommu-cells`. */
const CELL_NAMES: Readonly<Record<string, (cells: number) => readonly string[]>> = {
	'arm-smmu': (n) => (n === 2 ? ['sid', 'mask'] : ['sid']),
	'arm-smmu-v3': () => ['sid'],
	'qcom-msm-iommu': () => ['ctx'],
	'virtio-iommu': () => ['endpoint'],
};

const MAP_CELLS: Readonly<Record<string, readonly string[]>> = {
	'iommu-map': ['rid-base', 'iommu', 'out-base', 'length'],
	'msi-map': ['rid-base', 'msi', 'out-base', 'length'],
};

/** Specifier cell names (`sid`, `mask`) and translated CPU addresses after `reg`, inside `range`. */
export function inlayHints(snapshot: BoardSnapshot, range: Span): InlayHint[] {
	const ctx = ideContext(snapshot);
	const out: InlayHint[] = [];
	const props = new Set<DtProperty>();
	for (const e of boardIndex(snapshot).within(range)) if (e.kind === 'cell' && e.span.file === range.file) props.add(e.prop);
	const from = keyOf(range.start);
	const to = keyOf(range.end);
	const inRange = (s: Span): boolean => s.file === range.file && keyOf(s.start) >= from && keyOf(s.start) <= to;
	for (const prop of props) {
		if (prop.name === 'iommus') out.push(...specifierHints(ctx, prop).filter((h) => inRange(h.span)).map((h) => h.hint));
		else if (prop.name in MAP_CELLS) out.push(...mapHints(prop).filter((h) => inRange(h.span)).map((h) => h.hint));
		else if (prop.name === 'reg') out.push(...regHints(ctx, prop).filter((h) => contains(range, h.hint.file, h.hint.position)).map((h) => h.hint));
	}
	return out.sort((a, b) => keyOf(a.position) - keyOf(b.position));
}

interface Placed {
	span: Span;
	hint: InlayHint;
}

/** The 32-bit cells of a property in order (undefined when the value is not all 32-bit cells). */
function cellsOf(prop: DtProperty): Array<{ span: Span; ref?: boolean; target?: string }> | undefined {
	const out: Array<{ span: Span; ref?: boolean; target?: string }> = [];
	for (const chunk of prop.value) {
		if (chunk.kind === 'label') continue;
		if (chunk.kind !== 'cells' || chunk.bits !== 32) return undefined;
		for (const item of chunk.items) {
			if (item.kind === 'label') continue;
			out.push(item.kind === 'ref' ? { span: item.ref.span, ref: true, ...(item.ref.target ? { target: item.ref.target.path } : {}) } : { span: item.span });
		}
	}
	return out;
}

const nameHint = (span: Span, label: string): Placed => ({ span, hint: { file: span.file, position: span.start, label: `${label}:`, kind: 'parameter', paddingRight: true } });

function specifierHints(ctx: IdeContext, prop: DtProperty): Placed[] {
	const cells = cellsOf(prop);
	if (!cells) return [];
	const out: Placed[] = [];
	const seenSpans = new Set<string>();
	for (let i = 0; i < cells.length; ) {
		const c = cells[i]!;
		const inst = c.target ? ctx.instance(c.target) : undefined;
		const count = inst?.iommuCells;
		if (!c.ref || !inst || count === undefined) break; // the layout is unknown from here: no guesses
		const names = (inst.plugin && CELL_NAMES[inst.plugin.id]?.(count)) || Array.from({ length: count }, (_, k) => (k === 0 ? 'id' : `arg${k}`));
		for (let k = 0; k < count && i + 1 + k < cells.length; k++) {
			const cell = cells[i + 1 + k]!;
			const key = `${cell.span.start.line}:${cell.span.start.col}`;
			// Cells a macro produced share the invocation's span: name only the first.
			if (seenSpans.has(key)) continue;
			seenSpans.add(key);
			out.push(nameHint(cell.span, names[k] ?? `arg${k}`));
		}
		i += 1 + count;
	}
	return out;
}

function mapHints(prop: DtProperty): Placed[] {
	const cells = cellsOf(prop);
	const names = MAP_CELLS[prop.name];
	if (!cells || !names || cells.length % 4 !== 0) return [];
	const out: Placed[] = [];
	cells.forEach((c, i) => out.push(nameHint(c.span, names[i % 4]!)));
	return out;
}

function regHints(ctx: IdeContext, prop: DtProperty): Placed[] {
	const v = ctx.view(prop.node);
	if (!v) return [];
	const out: Placed[] = [];
	for (const e of address.translateReg(ctx.snapshot.analysis.view, v)) {
		if (!e.cpuRange) continue;
		const nested = e.translation.hops.length > 1;
		if (e.cpuRange.start === e.busAddress && !nested) continue;
		const end = e.loc;
		out.push({ span: end, hint: { file: end.file, position: end.end, label: `→ ${hex(e.cpuRange.start)}`, kind: 'type', paddingLeft: true } });
	}
	return out;
}
