/**
 * Fix: move-iommus-to-child
 *
 * Fixes `rpmsg-iommus` on a `qcom,fastrpc` channel node (fix data: `node`, `property`, `childName`,
 * `compatible`): the channel is an rpmsg device that is never `of_dma_configure()`d, so its `iommus`
 * moves into a new `compute-cb@N` child with `compatible = "qcom,fastrpc-compute-cb"`, `reg = <N>`
 * and the `iommus` value copied as written (N: one past the highest existing compute-cb, else the
 * fix data's unit). The property is deleted where it is written (`/delete-property/` when a .dtsi's
 * definition would come back), the child is added at the end of that same body, indented like it,
 * and `#address-cells = <1>; #size-cells = <0>;` are added when the channel lacks them.
 * Not offered for `iommu-map`, or without a known platform compatible for the child (APR/GPR nodes).
 */
import type { TextEdit } from '../types';
import { bodyHolding, deleteProperty, indentUnit, u32Of } from './edit';
import { str, type FixModule } from './fix';

export const moveIommusToChild: FixModule = {
	id: 'move-iommus-to-child',
	kinds: ['move-iommus-to-child'],
	offer({ item, data, texts, tree }) {
		const path = str(data.node);
		const compatible = str(data.compatible);
		const childName = str(data.childName);
		if (!path || !compatible || !childName || str(data.property) !== 'iommus') return [];
		const node = tree.nodeByPath(path);
		const prop = node?.property('iommus');
		if (!node || !prop?.valueSpan || prop.valueSpan.file !== prop.span.file) return [];
		const body = bodyHolding(texts, node, prop.span);
		if (!body) return [];
		const { file } = body;
		const addressCells = u32Of(node.property('#address-cells'));
		const sizeCells = u32Of(node.property('#size-cells'));
		if ((addressCells !== undefined && addressCells !== 1) || (sizeCells !== undefined && sizeCells !== 0)) return [];
		const base = childName.split('@')[0]!;
		let reg = Number.parseInt(childName.split('@')[1] ?? '1', 16) || 1;
		const used = node.children.filter((c) => c.name.split('@')[0] === base).map((c) => u32Of(c.property('reg')) ?? Number.parseInt(c.name.split('@')[1] ?? '0', 16));
		if (used.length) reg = Math.max(...used) + 1;
		const name = `${base}@${reg.toString(16)}`;
		if (node.child(name)) return [];
		const unit = indentUnit(file.text);
		const eol = file.eol;
		const propStart = file.offset(prop.span.start);
		const indent = file.indentAt(propStart);
		const inner = indent + unit;
		const value = file.slice(prop.valueSpan).split(/\r?\n/).join(`${eol}${unit}`);
		const lines = [`${indent}${name} {`, `${inner}compatible = "${compatible}";`, `${inner}reg = <${reg}>;`, `${inner}iommus = ${value};`, `${indent}};`];
		const edits: TextEdit[] = [];
		const removed = deleteProperty(texts, prop);
		if (!removed) return [];
		edits.push(...removed);
		// The new child goes at the end of the body, before the line of its closing brace.
		const closeLineStart = file.text.lastIndexOf('\n', body.close - 1) + 1;
		if (!/^[ \t]*$/.test(file.text.slice(closeLineStart, body.close))) return [];
		const prevLine = file.text.slice(file.text.lastIndexOf('\n', closeLineStart - 2) + 1, closeLineStart).trim();
		const blank = prevLine === '' || prevLine.endsWith('{') ? '' : eol;
		const cellProps: string[] = [];
		if (addressCells === undefined) cellProps.push(`${indent}#address-cells = <1>;`);
		if (sizeCells === undefined) cellProps.push(`${indent}#size-cells = <0>;`);
		if (cellProps.length) {
			// After the last property written in this body (properties precede subnodes).
			const props = node.properties.filter((p) => p !== prop && p.span.file === file.path && file.offset(p.span.start) > body.open && file.offset(p.span.end) < body.close);
			const last = props.sort((a, b) => file.offset(b.span.end) - file.offset(a.span.end))[0];
			const at = last ? file.offset(last.span.end) : file.text.indexOf('\n', body.open);
			if (at < 0 || removed.some((r) => file.offset(r.span.start) <= at && at <= file.offset(r.span.end))) return [];
			edits.push({ span: file.span(at, at), newText: cellProps.map((l) => `${eol}${l}`).join('') });
		}
		edits.push({ span: file.span(closeLineStart, closeLineStart), newText: `${blank}${lines.join(eol)}${eol}` });
		return [{ title: `Move iommus of ${path} into a new ${name} child (${compatible})`, fixes: item.id, edits, preferred: true }];
	},
};
