/**
 * Fix: set-unit-address
 *
 * Fixes `unit-address` (fix data: `node`, `unitAddress`): renames the node to `name@<unitAddress>`
 * (the unit address of its first `reg`), or adds the missing `@unit`, at every place that writes the
 * node's name: its definition and each `name { }` that re-opens it (`&label { }` needs nothing).
 * Not offered when a written name is not at its span (a macro), when a sibling already has the new
 * name, or when a path (`&{/path}`, a string such as an alias) names the node, since renaming would
 * break it.
 */
import type { DtNode, DtTree } from '../../dts/types';
import type { TextEdit } from '../types';
import { str, type FixModule } from './fix';

export const setUnitAddress: FixModule = {
	id: 'set-unit-address',
	kinds: ['set-unit-address'],
	offer({ item, data, texts, tree }) {
		const path = str(data.node);
		const unit = str(data.unitAddress);
		if (!path || !unit || !/^[0-9a-fA-F,]+$/.test(unit)) return [];
		const node = tree.nodeByPath(path);
		if (!node?.parent) return [];
		const base = node.name.split('@')[0]!;
		const name = `${base}@${unit}`;
		if (name === node.name || node.parent.child(name)) return [];
		if (namedByPath(tree, node.path)) return [];
		const edits: TextEdit[] = [];
		const first = texts.get(node.nameSpan.file);
		if (!first || first.slice(node.nameSpan) !== node.name) return [];
		edits.push({ span: node.nameSpan, newText: name });
		for (const e of node.events) {
			if (e.kind !== 'extend') continue;
			const file = texts.get(e.span.file);
			if (!file) return [];
			const start = file.offset(e.span.start);
			const head = /^((?:[\w-]+:\s*)*)(\S+)/.exec(file.text.slice(start, start + 512));
			if (!head) return [];
			const written = head[2]!;
			if (written.startsWith('&{')) return [];
			if (written.startsWith('&')) continue;
			if (written.replace(/\{$/, '') !== node.name) return [];
			const at = start + head[1]!.length;
			if (at === first.offset(node.nameSpan.start) && e.span.file === node.nameSpan.file) continue;
			edits.push({ span: file.span(at, at + node.name.length), newText: name });
		}
		return [{ title: `Rename ${node.name} to ${name} (the unit address of its reg)`, fixes: item.id, edits, preferred: true }];
	},
};

/** True when a path reference or a string value names `path` or a node below it. */
function namedByPath(tree: DtTree, path: string): boolean {
	const hit = (p: string): boolean => p === path || p.startsWith(`${path}/`);
	const walk = (n: DtNode): boolean => {
		for (const p of n.properties) {
			for (const chunk of p.value) {
				if (chunk.kind === 'path-ref' && (chunk.ref.path !== undefined || chunk.ref.text.startsWith('/')) && hit(chunk.path)) return true;
				if (chunk.kind === 'string' && hit(chunk.value)) return true;
				if (chunk.kind === 'cells' && chunk.items.some((it) => it.kind === 'ref' && it.ref.text.includes('/') && it.ref.target && hit(it.ref.target.path))) return true;
			}
		}
		return n.children.some(walk);
	};
	return walk(tree.root);
}
