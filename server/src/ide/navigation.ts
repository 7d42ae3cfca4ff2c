/**
 * Go to definition and find references over the resolved board: labels, phandle references, path
 * references, includes (→ the file), macros (→ `#define`, and every use in the board's files), and
 * compatible strings (→ the driver's `of_device_id` entry, when the snapshot has driver facts read
 * from C sources).
 */
import type { Position, Span } from '../base/source';
import type { MacroRecord } from '../cpp';
import type { DtNode } from '../dts/types';
import { ideContext } from './context';
import { boardIndex, keyOf, nodeOf, type BoardIndex, type Located } from './locate';
import type { BoardSnapshot, IdeQuery } from './types';

const fileStart = (file: string): Span => ({ file, start: { line: 0, col: 0 }, end: { line: 0, col: 0 } });

/** Where the thing at the query is defined (labels, phandles, paths, includes, macros, compatibles). */
export function definition(snapshot: BoardSnapshot, query: IdeQuery): Span[] {
	const index = boardIndex(snapshot);
	const here = index.at(query.file, query.position);
	for (const e of here) {
		const found = definitionOf(snapshot, e);
		if (found) return found;
	}
	return [];
}

function definitionOf(snapshot: BoardSnapshot, e: Located): Span[] | undefined {
	switch (e.kind) {
		case 'include':
			return e.resolved ? [fileStart(e.resolved)] : [];
		case 'macro-use':
			return e.use.definition ? [e.use.definition.nameSpan] : [];
		case 'macro-def':
			return [e.macro.nameSpan];
		case 'reference':
			return e.ref.target ? nodeDefinition(e.ref.target, e.ref.label && !e.ref.path ? e.ref.label : undefined) : [];
		case 'cell':
			if (e.ref) return e.ref.target ? nodeDefinition(e.ref.target, e.ref.label && !e.ref.path ? e.ref.label : undefined) : [];
			return undefined;
		case 'label-def':
			return [labelName(e.span, e.name)];
		case 'node-name':
			return [e.node.nameSpan];
		case 'string': {
			if (e.prop.name !== 'compatible') return undefined;
			const facts = ideContext(snapshot).driverFacts();
			const out: Span[] = [];
			for (const f of facts) {
				const loc = f.compatibleLocs?.[e.value];
				if (loc) out.push({ file: loc.file, start: loc.start, end: loc.end });
			}
			return out.length > 0 ? out : undefined;
		}
		case 'property-name':
			return [e.prop.nameSpan];
	}
}

/** A node's definition: the definition of `label` when given (where it was written), else its name. */
function nodeDefinition(node: DtNode, label: string | undefined): Span[] {
	if (label) {
		const defs = node.labels.filter((l) => l.name === label).map((l) => labelName(l.span, l.name));
		if (defs.length > 0) return defs;
	}
	return [node.nameSpan];
}

/** Every place that refers to the thing at the query (with its definition when `includeDeclaration`). */
export function references(snapshot: BoardSnapshot, query: IdeQuery, includeDeclaration: boolean): Span[] {
	const index = boardIndex(snapshot);
	const here = index.at(query.file, query.position);
	for (const e of here) {
		if (e.kind === 'macro-use' || e.kind === 'macro-def') {
			const def = e.kind === 'macro-use' ? e.use.definition : e.macro;
			if (!def) continue;
			return sorted([...(includeDeclaration ? [def.nameSpan] : []), ...macroUses(index, def)]);
		}
		if (e.kind === 'include') {
			if (!e.resolved) return [];
			const all: Span[] = [];
			for (const node of new Set(snapshot.analysis.board.preprocessed.files)) for (const inc of index.includesIn(node)) if (inc.resolved === e.resolved) all.push(inc.span);
			return sorted(all);
		}
		const node = nodeOf(e);
		if (node) {
			// Every reference to the node, whichever of its labels (or path) it is written with.
			const refs = index.referencesTo(node);
			const decl = includeDeclaration ? [...node.labels.map((l) => labelName(l.span, l.name)), node.nameSpan] : [];
			return sorted(dedupe([...decl, ...refs]));
		}
	}
	return [];
}

/** The name part of a label definition (`uart` of `uart:`). */
function labelName(span: Span, name: string): Span {
	if (span.start.line !== span.end.line || span.end.col - span.start.col < name.length) return span;
	return { file: span.file, start: span.start, end: { line: span.start.line, col: span.start.col + name.length } };
}

/** Every use of a macro: the board's outermost uses of this definition. */
function macroUses(index: BoardIndex, def: MacroRecord): Span[] {
	return index.usesOf(def).map((u) => u.span);
}

const posCmp = (a: Position, b: Position): number => keyOf(a) - keyOf(b);

function sorted(spans: Span[]): Span[] {
	return spans.sort((a, b) => a.file.localeCompare(b.file) || posCmp(a.start, b.start));
}

function dedupe(spans: Span[]): Span[] {
	const seen = new Set<string>();
	return spans.filter((s) => {
		const k = `${s.file}:${s.start.line}:${s.start.col}:${s.end.line}:${s.end.col}`;
		if (seen.has(k)) return false;
		seen.add(k);
		return true;
	});
}
