/**
 * Fix: iommus-cells
 *
 * Fixes `iommus-cells` when the master's list splits evenly into entries of another cell count than
 * the target's `#iommu-cells` (fix data: `nodePath`, `targetPath`, `targetCells`, `writtenCells`,
 * `entries` = each specifier padded/trimmed to `targetCells`, `setTargetCells` when the driver takes
 * the written count). Two fixes:
 * - preferred: pad (` 0x0` after the last cell) or trim (delete the extra trailing cells) each
 *   specifier of the `iommus` value to `#iommu-cells`, in place, leaving the rest of the text as written;
 * - when the target's driver accepts the written count and no other node references the target: set
 *   the target's `#iommu-cells` to the written count instead (the list is then re-split as written).
 * Not offered when a cell comes from a macro that produced several cells, or when a comment sits
 * inside cells that would be deleted.
 */
import type { DtNode, DtTree } from '../../dts/types';
import type { QuickFix, TextEdit } from '../types';
import { cellsOf, cellsWritten, literalCell } from './edit';
import { num, str, type FixModule } from './fix';

export const iommusCells: FixModule = {
	id: 'iommus-cells',
	kinds: ['iommus-cells'],
	offer({ item, data, texts, tree }) {
		const nodePath = str(data.nodePath);
		const targetPath = str(data.targetPath);
		const n = num(data.targetCells);
		const w = num(data.writtenCells);
		const entries = Array.isArray(data.entries) ? (data.entries as unknown[]) : undefined;
		if (!nodePath || !targetPath || n === undefined || w === undefined || !entries || n === w) return [];
		const node = tree.nodeByPath(nodePath);
		const target = tree.nodeByPath(targetPath);
		const prop = node?.property('iommus');
		const cells = prop ? cellsOf(prop) : undefined;
		if (!node || !target || !prop || !cells || cells.length !== entries.length * (1 + w) || !cellsWritten(texts, prop, cells)) return [];
		const file = texts.get(prop.valueSpan!.file)!;
		const out: QuickFix[] = [];
		const edits: TextEdit[] = [];
		let ok = true;
		for (let i = 0; i < entries.length && ok; i++) {
			const base = i * (1 + w);
			if (Number(cells[base]!.item.value) !== target.phandle) ok = false;
			if (n > w) {
				const pads = (entries[i] as unknown[]).slice(w).map(String);
				const at = file.offset(cells[base + w]!.item.span.end);
				edits.push({ span: file.span(at, at), newText: pads.map((p) => ` ${p}`).join('') });
			} else {
				const from = file.offset(cells[base + n]!.item.span.end);
				const to = file.offset(cells[base + w]!.item.span.end);
				const kept = cells.slice(base + n + 1, base + w + 1).map((c) => file.slice(c.item.span));
				// Only whitespace and the trimmed cells' own text are deleted.
				let rest = file.text.slice(from, to);
				for (const k of kept) rest = rest.replace(k, '');
				if (!/^\s*$/.test(rest)) ok = false;
				edits.push({ span: file.span(from, to), newText: '' });
			}
		}
		if (ok) out.push({ title: `${n > w ? 'Pad' : 'Trim'} each iommus specifier of ${nodePath} to ${n} cell(s) (#iommu-cells of ${targetPath})`, fixes: item.id, edits, preferred: true });
		const set = num(data.setTargetCells);
		const cellsProp = target.property('#iommu-cells');
		const cellsValue = cellsProp ? cellsOf(cellsProp) : undefined;
		if (set !== undefined && cellsProp && cellsValue?.length === 1 && literalCell(texts, cellsValue[0]!) && onlyUser(tree, target, node)) {
			out.push({ title: `Set #iommu-cells of ${targetPath} to <${set}>`, fixes: item.id, edits: [{ span: cellsValue[0]!.item.span, newText: String(set) }] });
		}
		return out;
	},
};

/** True when no node but `user` references `target` (changing its #iommu-cells would misread their lists). */
function onlyUser(tree: DtTree, target: DtNode, user: DtNode): boolean {
	const walk = (n: DtNode): boolean => {
		if (n !== user) {
			for (const p of n.properties) {
				for (const chunk of p.value) {
					if (chunk.kind === 'cells' && chunk.items.some((it) => it.kind === 'ref' && it.ref.target === target)) return false;
				}
			}
		}
		return n.children.every(walk);
	};
	return walk(tree.root);
}
