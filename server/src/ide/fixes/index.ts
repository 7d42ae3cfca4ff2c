/**
 * Quick fixes: the edits that resolve a report item, computed from the fix data the finding carries
 * (`item.fix`, `{ kind, ...params }`), the snapshot's resolved tree (spans on every node, property
 * and cell) and the texts of the files. One module per fix (`<fix-id>.ts`); a fix data kind may have
 * several fixes (`iommu-disabled`: enable the IOMMU, or drop the reference).
 *
 * Every fix replaces only the text it is about (never re-prints a value or a node), keeps the
 * indentation style of the file, and offers nothing when the text at a span is not what the tree
 * says (a macro produced it) unless the edit is safe at the invocation.
 */
import type { BoardSnapshot, QuickFix, ReportItem } from '../types';
import { dropIommuReference } from './drop-iommu-reference';
import { dropIommusEntry } from './drop-iommus-entry';
import { Texts } from './edit';
import { enableIommu } from './enable-iommu';
import type { FixModule, TextFixModule } from './fix';
import { insertProperty } from './insert-property';
import { iommusCells } from './iommus-cells';
import { moveIommusToChild } from './move-iommus-to-child';
import { msiMapAlign } from './msi-map-align';
import { replaceIfdef } from './replace-ifdef';
import { setUnitAddress } from './set-unit-address';

/** Every fix, in the order they are offered for one kind. */
export const FIXES: readonly FixModule[] = [iommusCells, dropIommusEntry, moveIommusToChild, enableIommu, dropIommuReference, msiMapAlign, setUnitAddress, replaceIfdef, insertProperty];

/** The quick fixes for one report item of the snapshot (none when the item carries no fix data or no edit is safe). */
export function quickFixes(snapshot: BoardSnapshot, item: ReportItem): QuickFix[] {
	const data = item.fix;
	if (!data) return [];
	const texts = new Texts(snapshot);
	const tree = snapshot.analysis.board.tree;
	return offerAll(FIXES, data, (fix) => fix.offer({ snapshot, item, data, texts, tree }));
}

/** The fixes that need only texts (the C-side ones), for report items on files outside any board. */
export const TEXT_FIXES: readonly TextFixModule[] = [replaceIfdef];

/**
 * The quick fixes for a report item of a driver source (the C checks run without a board): only
 * the text-only fixes, with the file texts read through `text` (the editor's overlay).
 */
export function textQuickFixes(item: ReportItem, text: (path: string) => string | undefined): QuickFix[] {
	const data = item.fix;
	if (!data) return [];
	const texts = new Texts({ text });
	return offerAll(TEXT_FIXES, data, (fix) => fix.offer({ item, data, texts }));
}

/** The fixes of the modules that handle `data.kind`, in order; a fix with no edit is dropped. */
function offerAll<M extends FixModule>(modules: readonly M[], data: NonNullable<ReportItem['fix']>, offer: (fix: M) => QuickFix[]): QuickFix[] {
	const out: QuickFix[] = [];
	for (const fix of modules) {
		if (!fix.kinds.includes(data.kind)) continue;
		try {
			for (const q of offer(fix)) if (q.edits.length > 0) out.push(q);
		} catch {
			// A fix never breaks the editor: a failing fix is simply not offered.
		}
	}
	return out;
}
