/**
 * Fix: msi-map-align
 *
 * Fixes `msi-map-mismatch` when one entry of a Qualcomm host's `msi-map` does not mirror the same
 * entry of its `iommu-map` (fix data: `hostPath`, `entryIndex`, and the expected `idBase`, `outBase`,
 * `length`): rewrites the RID base, the MSI base and the length cells of that `msi-map` entry that
 * differ, each in place (the msi-controller phandle and every other cell stay as written). Not
 * offered when a cell to change is not a number literal (a macro), or for the structural mismatches
 * (masks, entry counts) that carry no fix data.
 */
import type { TextEdit } from '../types';
import { cellsOf, cellsWritten, literalCell, literalValue } from './edit';
import { num, str, type FixModule } from './fix';

export const msiMapAlign: FixModule = {
	id: 'msi-map-align',
	kinds: ['msi-map-align'],
	offer({ item, data, texts, tree }) {
		const host = str(data.hostPath);
		const k = num(data.entryIndex);
		const want = [str(data.idBase), undefined, str(data.outBase), str(data.length)].map((v) => (v === undefined ? undefined : literalValue(v)));
		if (!host || k === undefined) return [];
		const prop = tree.nodeByPath(host)?.property('msi-map');
		const cells = prop ? cellsOf(prop) : undefined;
		if (!prop || !cells || cells.length % 4 !== 0 || (k + 1) * 4 > cells.length) return [];
		const entry = cells.slice(k * 4, k * 4 + 4);
		if (!cellsWritten(texts, prop, entry)) return [];
		const edits: TextEdit[] = [];
		for (let i = 0; i < 4; i++) {
			const v = want[i];
			const cell = entry[i]!;
			if (v === undefined || cell.item.value === v) continue;
			if (!literalCell(texts, cell)) return [];
			edits.push({ span: cell.item.span, newText: `0x${v.toString(16)}` });
		}
		if (edits.length === 0) return [];
		return [{ title: `Make msi-map entry ${k} of ${host} mirror iommu-map entry ${k}`, fixes: item.id, edits, preferred: true }];
	},
};
