/**
 * Fix: enable-iommu
 *
 * Fixes `iommu-disabled` (the first of its two fixes, preferred): makes the IOMMU's `status` "okay".
 * Where it is set matters: when the `status = "disabled"` that wins is written in the board file, its
 * value is replaced in place; when it comes from a shared .dtsi, the .dtsi is left alone (other boards
 * include it) and the board file gets the override: inside an existing `&label { }` of the IOMMU in
 * the board (after its last property), else a new `&label { status = "okay"; };` block appended to the
 * board file (`&{/path}` when the IOMMU has no label), indented like the board file.
 * Not offered when the status value is not a string literal written there (a macro).
 */
import type { TextEdit } from '../types';
import { addPropertyInBoard } from './edit';
import { str, type FixModule } from './fix';

export const enableIommu: FixModule = {
	id: 'enable-iommu',
	kinds: ['iommu-disabled'],
	offer({ snapshot, item, data, texts, tree }) {
		const path = str(data.iommuPath);
		if (!path) return [];
		if (Array.isArray(data.options) && !data.options.includes('enable-iommu')) return [];
		const node = tree.nodeByPath(path);
		const status = node?.property('status');
		if (!node || !status?.valueSpan) return [];
		const title = `Enable ${path} (status = "okay")`;
		let edits: TextEdit[] | undefined;
		if (status.span.file === snapshot.board) {
			const written = texts.slice(status.valueSpan);
			if (written === undefined || !/^"[^"\\]*"$/.test(written)) return [];
			edits = [{ span: status.valueSpan, newText: '"okay"' }];
		} else edits = addPropertyInBoard(texts, snapshot.board, node, 'status = "okay";');
		return edits ? [{ title: status.span.file === snapshot.board ? title : `${title} in ${baseName(snapshot.board)}`, fixes: item.id, edits, preferred: true }] : [];
	},
};

const baseName = (p: string): string => p.slice(p.lastIndexOf('/') + 1);
