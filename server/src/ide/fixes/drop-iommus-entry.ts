/**
 * Fix: drop-iommus-entry
 *
 * Fixes `smr-redundant` (and every finding whose fix data is `drop-iommus-entry`: `smr-conflict`,
 * `stream-id-range`, `pcie-iommus-overlap`): deletes entry `entryIndex` of the `iommus` of `nodePath`,
 * with the separator next to it (`, <&smmu 0x10 0x0>`), or the whole property when it was the only
 * entry. Nothing else of the value is rewritten; not offered when the entry's cells come from a macro
 * that also produced other cells or when a comment sits inside what would be deleted.
 */
import { deleteCells, iommusEntries } from './edit';
import { num, str, type FixModule } from './fix';

export const dropIommusEntry: FixModule = {
	id: 'drop-iommus-entry',
	kinds: ['drop-iommus-entry'],
	offer({ item, data, texts, tree }) {
		const path = str(data.nodePath);
		const index = num(data.entryIndex);
		if (path === undefined || index === undefined) return [];
		const prop = tree.nodeByPath(path)?.property('iommus');
		if (!prop) return [];
		const entry = iommusEntries(prop, (p) => tree.phandles.get(p))?.[index];
		if (!entry) return [];
		const edits = deleteCells(texts, prop, entry[0], entry[1]);
		if (!edits) return [];
		return [{ title: `Remove iommus entry ${index} of ${path}`, fixes: item.id, edits, preferred: true }];
	},
};
