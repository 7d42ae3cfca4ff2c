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
import type { DtNode } from '../../dts/types';
import type { TextEdit } from '../types';
import { bodyHolding, indentUnit, type Texts } from './edit';
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
		} else edits = boardOverride(texts, snapshot.board, node);
		return edits ? [{ title: status.span.file === snapshot.board ? title : `${title} in ${baseName(snapshot.board)}`, fixes: item.id, edits, preferred: true }] : [];
	},
};

const baseName = (p: string): string => p.slice(p.lastIndexOf('/') + 1);

function boardOverride(texts: Texts, board: string, node: DtNode): TextEdit[] | undefined {
	const file = texts.get(board);
	if (!file) return undefined;
	const unit = indentUnit(file.text);
	const eol = file.eol;
	// An existing `&label { }` (or `node { }`) of the IOMMU in the board file: add the property there.
	const extension = [...node.events].reverse().find((e) => e.kind === 'extend' && e.span.file === board);
	if (extension) {
		const body = bodyHolding(texts, node, { file: board, start: extension.span.end, end: extension.span.end }) ?? bodyOf(texts, board, extension.span);
		if (!body) return undefined;
		const props = node.properties.filter((p) => p.span.file === board && file.offset(p.span.start) > body.open && file.offset(p.span.end) <= body.close);
		const lastProp = props.sort((a, b) => file.offset(b.span.end) - file.offset(a.span.end))[0];
		const closeIndent = file.indentAt(body.close);
		const indent = lastProp ? file.indentAt(file.offset(lastProp.span.start)) : closeIndent + unit;
		const at = lastProp ? file.offset(lastProp.span.end) : body.open + 1;
		if (!lastProp && file.text.slice(body.open + 1, body.close).trim() === '' && !file.text.slice(body.open, body.close).includes('\n')) {
			// `&smmu { };` on one line.
			return [{ span: file.span(body.open + 1, body.close), newText: ` status = "okay"; ` }];
		}
		return [{ span: file.span(at, at), newText: `${eol}${indent}status = "okay";` }];
	}
	const ref = node.labels[0] ? `&${node.labels[0].name}` : `&{${node.path}}`;
	const block = `${ref} {${eol}${unit}status = "okay";${eol}};${eol}`;
	const text = file.text;
	const end = text.length;
	const lead = text.length === 0 ? '' : text.endsWith('\n') ? eol : eol + eol;
	return [{ span: file.span(end, end), newText: lead + block }];
}

function bodyOf(texts: Texts, board: string, span: { start: { line: number; col: number }; end: { line: number; col: number } }): { open: number; close: number } | undefined {
	const file = texts.get(board);
	if (!file) return undefined;
	const s = file.offset(span.start);
	const e = file.offset(span.end);
	const open = file.text.indexOf('{', s);
	const close = file.text.lastIndexOf('}', e);
	return open >= 0 && close > open ? { open, close } : undefined;
}
