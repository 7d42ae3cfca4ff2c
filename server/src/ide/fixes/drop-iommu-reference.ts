/**
 * Fix: drop-iommu-reference
 *
 * Fixes `iommu-disabled` (the second of its two fixes, for a device meant to run without IOMMU):
 * deletes the consumer's reference to the disabled IOMMU: entry `entryIndex` of its `iommus` (split
 * by each target's `#iommu-cells`), or the 4-cell entry of its `iommu-map`, with the separator next to
 * it; the whole property when that was its only entry (`/delete-property/` when a .dtsi's definition
 * would otherwise come back). Not offered when the entry does not point at the disabled IOMMU or its
 * cells come from a macro that produced more than one cell.
 */
import { cellsOf, deleteCells, iommusEntries } from './edit';
import { num, str, type FixModule } from './fix';

export const dropIommuReference: FixModule = {
	id: 'drop-iommu-reference',
	kinds: ['iommu-disabled'],
	offer({ item, data, texts, tree }) {
		const consumer = str(data.consumerPath);
		const iommuPath = str(data.iommuPath);
		const property = str(data.property);
		const index = num(data.entryIndex);
		if (!consumer || !iommuPath || (property !== 'iommus' && property !== 'iommu-map') || index === undefined) return [];
		if (Array.isArray(data.options) && !data.options.includes('drop-reference')) return [];
		const prop = tree.nodeByPath(consumer)?.property(property);
		const cells = prop ? cellsOf(prop) : undefined;
		if (!prop || !cells) return [];
		let entry: [number, number] | undefined;
		let phandleCell: number;
		if (property === 'iommus') {
			entry = iommusEntries(prop, (p) => tree.phandles.get(p))?.[index];
			phandleCell = entry?.[0] ?? -1;
		} else {
			entry = cells.length % 4 === 0 && index * 4 < cells.length ? [index * 4, 4] : undefined;
			phandleCell = index * 4 + 1;
		}
		const target = cells[phandleCell];
		if (!entry || !target || tree.phandles.get(Number(target.item.value))?.path !== iommuPath) return [];
		const edits = deleteCells(texts, prop, entry[0], entry[1]);
		if (!edits) return [];
		return [{ title: `Remove the reference to disabled ${iommuPath} (${property} entry ${index})`, fixes: item.id, edits }];
	},
};
