/**
 * The tree builder: applies the parsed statements in order with dtc's merge semantics
 * (merge_nodes, deletions that keep placeholders, label lists), then runs the fix-ups dtc runs
 * before output: explicit phandles, phandle and path references, `/omit-if-no-ref/`, and
 * optionally `__symbols__` (`-@`) and the overlay bookkeeping of `/plugin/` files.
 */

import type { Diagnostic, Span } from '../base/source.js';
import { addLabel, makeRef, type AstBody, type AstChild, type AstDeleteNode, type AstDeleteProp, type AstFile, type AstProp } from './parser.js';
import type { DtEvent, DtLabel, DtMemreserve, DtNode, DtProperty, DtRef, DtTree, DtValueChunk } from './types.js';
import { big, encodeValue, utf8 } from './values.js';
import { HAS_LABELS, HAS_REFS, NAME_HAS_AT, NAME_HAS_ODD, NAME_LEXED } from './parser.js';

/** Options of {@link buildTree}. */
export interface BuildOptions {
	/** Generate `__symbols__` (dtc's `-@`). */
	symbols?: boolean;
}

interface LabelEntry extends DtLabel {
	deleted: boolean;
}

/**
 * Shared empty lists, replaced by a node's or property's own array on the first addition (most
 * properties have no labels, most nodes no children): never pushed to.
 */
const NO_ENTRIES: LabelEntry[] = [];
const NO_PROPS: PropImpl[] = [];
const NO_NODES: NodeImpl[] = [];
const NO_LABELS: DtLabel[] = [];
/**
 * Above this many properties, a node indexes them by name in a Map; below, a scan is cheaper (the
 * builder looks few up; the emulator's view keeps its own index).
 */
const PROP_INDEX_AT = 32;
/** Above this many children, a node indexes them by name in a Map. */
const CHILD_INDEX_AT = 16;
/** Above this many children (properties), the duplicate name check uses a Set rather than comparing pairs. */
const DUP_SET_AT = 16;

/**
 * Calls `report`, in order, for each live item whose name a live item before it already has (dtc's
 * duplicate checks): a set past `DUP_SET_AT` items, a scan of the earlier ones below.
 */
function forEachDuplicate<T extends { readonly name: string; readonly deleted: boolean }>(list: readonly T[], report: (item: T) => void): void {
	if (list.length > DUP_SET_AT) {
		const seen = new Set<string>();
		for (let i = 0; i < list.length; i++) {
			const item = list[i]!;
			if (item.deleted) continue;
			if (seen.has(item.name)) report(item);
			seen.add(item.name);
		}
		return;
	}
	for (let i = 1; i < list.length; i++) {
		const item = list[i]!;
		if (item.deleted) continue;
		for (let j = 0; j < i; j++) {
			const other = list[j]!;
			if (!other.deleted && other.name === item.name) {
				report(item);
				break;
			}
		}
	}
}

/**
 * The events of a node or property, made on first read: until then only its definition (or
 * deletion) at `span`, which changes only after an event is added.
 */
abstract class EventLog {
	private ev: DtEvent[] | undefined = undefined;
	abstract span: Span;
	protected abstract readonly firstDeletes: boolean;
	get events(): DtEvent[] {
		let e = this.ev;
		if (e === undefined) {
			e = [{ kind: this.firstDeletes ? 'delete' : 'define', span: this.span }];
			this.ev = e;
		}
		return e;
	}
	set events(e: DtEvent[]) {
		this.ev = e;
	}
}

class PropImpl extends EventLog implements DtProperty {
	labels: DtLabel[] = NO_ENTRIES;
	lbl: LabelEntry[] = NO_ENTRIES;
	deleted = false;
	valueSpan?: Span;
	generated?: boolean;
	/** What the value and the name hold (the parser's HAS_LABELS, HAS_REFS, NAME_*). */
	flags = 0;
	constructor(
		public name: string,
		public value: DtValueChunk[],
		public nameSpan: Span,
		public span: Span,
		public node: NodeImpl,
		protected readonly firstDeletes = false,
	) {
		super();
	}
}

class NodeImpl extends EventLog implements DtNode {
	path = '';
	parent?: NodeImpl;
	labels: DtLabel[] = NO_ENTRIES;
	lbl: LabelEntry[] = NO_ENTRIES;
	properties: PropImpl[] = NO_PROPS;
	children: NodeImpl[] = NO_NODES;
	allProps: PropImpl[] = NO_PROPS;
	allChildren: NodeImpl[] = NO_NODES;
	/** The first property of each name in `allProps`; only for nodes with many properties. */
	propIdx: Map<string, PropImpl> | undefined = undefined;
	/** The children of each name in `allChildren`, in order; only for nodes with many children. */
	childIdx: Map<string, NodeImpl[]> | undefined = undefined;
	deleted = false;
	omit = false;
	/** What the name holds (the parser's NAME_*). */
	nameFlags = 0;
	omitIfNoRef?: boolean;
	referenced?: boolean;
	phandle?: number;
	generated?: boolean;
	protected readonly firstDeletes: boolean;
	constructor(
		public name: string,
		public nameSpan: Span,
		public span: Span,
		kind: 'define' | 'delete' = 'define',
	) {
		super();
		this.firstDeletes = kind === 'delete';
	}
	child(name: string): DtNode | undefined {
		const idx = this.childIdx;
		if (idx !== undefined) {
			const list = idx.get(name);
			if (list === undefined) return undefined;
			for (let i = 0; i < list.length; i++) if (!list[i]!.deleted) return list[i];
			return undefined;
		}
		const all = this.allChildren;
		for (let i = 0; i < all.length; i++) {
			const c = all[i]!;
			if (!c.deleted && c.name === name) return c;
		}
		return undefined;
	}
	property(name: string): DtProperty | undefined {
		return liveProp(this, name);
	}
}

/** The first property named `name` (live or deleted). */
function firstProp(node: NodeImpl, name: string): PropImpl | undefined {
	const idx = node.propIdx;
	if (idx !== undefined) return idx.get(name);
	const all = node.allProps;
	for (let i = 0; i < all.length; i++) if (all[i]!.name === name) return all[i];
	return undefined;
}

/** The first child named `name` (live or deleted). */
function firstChild(node: NodeImpl, name: string): NodeImpl | undefined {
	const idx = node.childIdx;
	if (idx !== undefined) return idx.get(name)?.[0];
	const all = node.allChildren;
	for (let i = 0; i < all.length; i++) if (all[i]!.name === name) return all[i];
	return undefined;
}

/** The first live property named `name`. */
function liveProp(node: NodeImpl, name: string): PropImpl | undefined {
	const p = firstProp(node, name);
	if (p === undefined || !p.deleted) return p;
	const all = node.allProps;
	for (let i = 0; i < all.length; i++) {
		const q = all[i]!;
		if (!q.deleted && q.name === name) return q;
	}
	return undefined;
}

/** dtc's add_label on an entry list; returns the list (a new one when `list` was the shared empty one). */
function addLabelEntry(list: LabelEntry[], l: DtLabel): LabelEntry[] {
	for (let i = 0; i < list.length; i++) {
		const x = list[i]!;
		if (x.name === l.name) {
			x.deleted = false;
			return list;
		}
	}
	const e: LabelEntry = { name: l.name, span: l.span, deleted: false };
	if (list === NO_ENTRIES) return [e];
	list.unshift(e);
	return list;
}

/** Builds the resolved tree of a parsed file. */
export function buildTree(ast: AstFile, diags: Diagnostic[], opts: BuildOptions = {}): DtTree {
	return new Builder(ast, diags, opts).run();
}

class Builder {
	root?: NodeImpl;
	/** Every node that was ever given a label, by label. */
	labelOwners = new Map<string, NodeImpl[]>();
	phandles = new Map<number, NodeImpl>();
	nextPhandle = 1;
	fragments = 0;
	/** Where `diag` appends: the diagnostics, or the buffer of a check whose walk is shared with others. */
	private out: Diagnostic[];
	/** Labels seen by the duplicate label check: the first owner's description and span. */
	private labelSeen = new Map<string, { desc: string; span: Span }>();

	constructor(
		private readonly ast: AstFile,
		private readonly diags: Diagnostic[],
		private readonly opts: BuildOptions,
	) {
		this.out = diags;
	}

	private diag(code: string, message: string, span: Span, severity: 'error' | 'warning' = 'error'): void {
		this.out.push({ severity, code, message, span });
	}

	run(): DtTree {
		const ast = this.ast;
		for (const st of ast.statements) {
			switch (st.kind) {
				case 'root':
					if (this.root === undefined) {
						this.root = this.instantiate('', st.nameSpan, st.span, NO_LABELS, false, st.body);
					} else this.mergeInto(this.root, st.body, NO_LABELS, st.span);
					break;
				case 'ref-node': {
					if (ast.plugin && st.label === undefined) {
						if (this.root === undefined) {
							this.root = new NodeImpl('', st.span, st.span);
						}
						this.addOrphan(st.ref, st.body, st.span);
						break;
					}
					const target = this.root === undefined ? undefined : this.nodeByRef(st.ref.text);
					if (target === undefined) {
						this.diag('unknown-reference', `Label or path ${st.ref.text} not found`, st.ref.span);
						break;
					}
					st.ref.target = target;
					if (st.label !== undefined) this.addNodeLabel(target, st.label);
					this.mergeInto(target, st.body, NO_LABELS, st.span);
					break;
				}
				case 'delete-ref':
				case 'omit-ref': {
					const target = this.root === undefined ? undefined : this.nodeByRef(st.ref.text);
					if (target === undefined) {
						this.diag('unknown-reference', `Label or path ${st.ref.text} not found`, st.ref.span);
						break;
					}
					st.ref.target = target;
					if (st.kind === 'delete-ref') {
						this.deleteNode(target);
						target.events.push({ kind: 'delete', span: st.span });
					} else target.omit = true;
					break;
				}
			}
		}
		if (this.root === undefined) {
			const span: Span = { file: '', start: { line: 0, col: 0 }, end: { line: 0, col: 0 } };
			this.root = new NodeImpl('', span, span);
			if (!this.diags.some((d) => d.severity === 'error')) this.diag('syntax', 'syntax error: no root node', span);
		}
		const root = this.root;
		// dtc's checks run one after the other, each over the whole tree; here the ones that only look
		// at a node (and at lookups that they do not change) share one walk, each appending to its own
		// buffer, so the diagnostics come out in dtc's order.
		const dup: Diagnostic[] = [];
		const names: Diagnostic[] = [];
		const labels: Diagnostic[] = [];
		const phandles: Diagnostic[] = [];
		root.path = '/';
		this.checkNode(root, dup, names, labels, phandles);
		this.append(dup);
		this.append(names);
		this.append(labels);
		this.append(phandles);
		// Phandle references (which may assign phandles, so after every explicit one is known), then path references.
		const paths: Diagnostic[] = [];
		this.refs(root, paths);
		this.append(paths);
		const omitLate = this.opts.symbols === true || ast.plugin;
		if (omitLate) {
			this.omitUnused(root);
			if (this.opts.symbols) this.symbols(root);
			if (ast.plugin) this.fixups(root);
		}
		return this.finish(root, !omitLate);
	}

	private append(list: Diagnostic[]): void {
		for (let i = 0; i < list.length; i++) this.diags.push(list[i]!);
	}

	// ---- Construction and merging ----

	private addNodeLabel(node: NodeImpl, l: DtLabel): void {
		node.lbl = addLabelEntry(node.lbl, l);
		let owners = this.labelOwners.get(l.name);
		if (owners === undefined) this.labelOwners.set(l.name, [node]);
		else if (!owners.includes(node)) owners.push(node);
	}

	private addChild(parent: NodeImpl, child: NodeImpl): void {
		child.parent = parent;
		let all = parent.allChildren;
		if (all === NO_NODES) parent.allChildren = all = [child];
		else all.push(child);
		const idx = parent.childIdx;
		if (idx !== undefined) {
			const list = idx.get(child.name);
			if (list === undefined) idx.set(child.name, [child]);
			else list.push(child);
		} else if (all.length > CHILD_INDEX_AT) {
			const m = new Map<string, NodeImpl[]>();
			for (let i = 0; i < all.length; i++) {
				const c = all[i]!;
				const list = m.get(c.name);
				if (list === undefined) m.set(c.name, [c]);
				else list.push(c);
			}
			parent.childIdx = m;
		}
	}

	private addProp(node: NodeImpl, p: PropImpl): void {
		let all = node.allProps;
		if (all === NO_PROPS) node.allProps = all = [p];
		else all.push(p);
		const idx = node.propIdx;
		if (idx !== undefined) {
			if (!idx.has(p.name)) idx.set(p.name, p);
		} else if (all.length > PROP_INDEX_AT) {
			const m = new Map<string, PropImpl>();
			for (let i = 0; i < all.length; i++) {
				const q = all[i]!;
				if (!m.has(q.name)) m.set(q.name, q);
			}
			node.propIdx = m;
		}
	}

	private newProp(node: NodeImpl, ap: AstProp | AstDeleteProp): PropImpl {
		const isProp = ap.kind === 'prop';
		const p = new PropImpl(ap.name, isProp ? ap.value : [], ap.nameSpan, ap.span, node, !isProp);
		if (isProp) {
			if (ap.valueSpan) p.valueSpan = ap.valueSpan;
			p.flags = ap.flags;
		} else p.deleted = true;
		const labels = ap.labels;
		for (let i = labels.length - 1; i >= 0; i--) p.lbl = addLabelEntry(p.lbl, labels[i]!);
		return p;
	}

	/** dtc's build_node: a fresh node; duplicates inside one body are kept as they are. */
	private instantiate(name: string, nameSpan: Span, span: Span, labels: DtLabel[], omit: boolean, body: AstBody, nameFlags = 0): NodeImpl {
		const n = new NodeImpl(name, nameSpan, span);
		for (let i = labels.length - 1; i >= 0; i--) this.addNodeLabel(n, labels[i]!);
		n.omit = omit;
		n.nameFlags = nameFlags;
		const props = body.props;
		if (props.length > 0) {
			// Like addProp for each, in one go.
			const all: PropImpl[] = new Array(props.length);
			for (let i = 0; i < props.length; i++) all[i] = this.newProp(n, props[i]!);
			n.allProps = all;
			if (all.length > PROP_INDEX_AT) {
				const m = new Map<string, PropImpl>();
				for (let i = 0; i < all.length; i++) {
					const q = all[i]!;
					if (!m.has(q.name)) m.set(q.name, q);
				}
				n.propIdx = m;
			}
		}
		const children = body.children;
		for (let i = 0; i < children.length; i++) this.addChild(n, this.childOf(children[i]!));
		return n;
	}

	private childOf(c: AstChild | AstDeleteNode): NodeImpl {
		if (c.kind === 'node') return this.instantiate(c.name, c.nameSpan, c.span, c.labels, c.omit, c.body, c.flags);
		const n = new NodeImpl(c.name, c.nameSpan, c.span, 'delete');
		for (let i = c.labels.length - 1; i >= 0; i--) this.addNodeLabel(n, c.labels[i]!);
		n.deleted = true;
		n.omit = c.omit;
		return n;
	}

	/** dtc's merge_nodes, reading the new node straight from its syntax. */
	private mergeInto(old: NodeImpl, body: AstBody, labels: DtLabel[], span: Span): void {
		old.deleted = false;
		for (let i = 0; i < labels.length; i++) this.addNodeLabel(old, labels[i]!);
		old.events.push({ kind: 'extend', span });
		const props = body.props;
		for (let i = 0; i < props.length; i++) {
			const ap = props[i]!;
			const existing = firstProp(old, ap.name);
			if (ap.kind === 'delete-prop') {
				if (existing === undefined) {
					this.diag('delete-missing-property', `Property ${ap.name} to delete does not exist in ${pathOf(old)}`, ap.span, 'warning');
					continue;
				}
				existing.deleted = true;
				for (const l of existing.lbl) l.deleted = true;
				existing.events.push({ kind: 'delete', span: ap.span });
				continue;
			}
			if (existing !== undefined) {
				const ls = ap.labels;
				for (let k = 0; k < ls.length; k++) existing.lbl = addLabelEntry(existing.lbl, ls[k]!);
				existing.value = ap.value;
				existing.flags = ap.flags;
				if (ap.valueSpan) existing.valueSpan = ap.valueSpan;
				else delete existing.valueSpan;
				existing.events.push({ kind: existing.deleted ? 'define' : 'override', span: ap.span });
				existing.deleted = false;
				existing.nameSpan = ap.nameSpan;
				existing.span = ap.span;
				continue;
			}
			this.addProp(old, this.newProp(old, ap));
		}
		const children = body.children;
		for (let i = 0; i < children.length; i++) {
			const c = children[i]!;
			const existing = firstChild(old, c.name);
			if (c.kind === 'delete-node') {
				if (existing === undefined) {
					this.diag('delete-missing-node', `Node ${c.name} to delete does not exist in ${pathOf(old)}`, c.span, 'warning');
					continue;
				}
				this.deleteNode(existing);
				existing.events.push({ kind: 'delete', span: c.span });
				continue;
			}
			if (existing !== undefined) {
				this.mergeInto(existing, c.body, c.labels, c.span);
				continue;
			}
			this.addChild(old, this.childOf(c));
		}
	}

	/** dtc's delete_node: marks the node, its live children and properties and its labels deleted. */
	private deleteNode(n: NodeImpl): void {
		n.deleted = true;
		for (const c of n.allChildren) if (!c.deleted) this.deleteNode(c);
		for (const p of n.allProps) {
			if (p.deleted) continue;
			p.deleted = true;
			for (const l of p.lbl) l.deleted = true;
		}
		for (const l of n.lbl) l.deleted = true;
	}

	private addOrphan(ref: DtRef, body: AstBody, span: Span): void {
		const root = this.root!;
		const frag = new NodeImpl(`fragment@${this.fragments++}`, span, span);
		frag.generated = true;
		let target: DtValueChunk[];
		let name: string;
		if (ref.text.startsWith('/')) {
			name = 'target-path';
			target = [{ kind: 'string', bytes: utf8(ref.text), value: ref.text, span: ref.span }];
		} else {
			name = 'target';
			target = [{ kind: 'cells', bits: 32, items: [{ kind: 'ref', ref, value: 0xffffffffn, span: ref.span }], span: ref.span }];
		}
		const p = new PropImpl(name, target, ref.span, ref.span, frag);
		p.generated = true;
		p.flags = HAS_REFS;
		this.addProp(frag, p);
		const ov = this.instantiate('__overlay__', ref.span, span, NO_LABELS, false, body);
		this.addChild(frag, ov);
		this.addChild(root, frag);
	}

	// ---- Lookups (live tree) ----

	private nodeByLabel(label: string): NodeImpl | undefined {
		const owners = this.labelOwners.get(label);
		if (owners === undefined) return undefined;
		let found: NodeImpl | undefined;
		let count = 0;
		for (let i = 0; i < owners.length; i++) {
			const n = owners[i]!;
			if (n.deleted || !attached(n, this.root!)) continue;
			if (hasLiveLabel(n, label)) {
				if (found === undefined) found = n;
				count++;
			}
		}
		if (count <= 1) return found;
		// Several live owners (a duplicate label): dtc takes the first in tree order.
		return firstInOrder(this.root!, (n) => hasLiveLabel(n, label));
	}

	nodeByPath(from: NodeImpl, path: string): NodeImpl | undefined {
		let n: NodeImpl | undefined = from;
		let i = 0;
		const len = path.length;
		while (n !== undefined) {
			while (i < len && path.charCodeAt(i) === 47) i++;
			if (i >= len) return n.deleted ? undefined : n;
			let j = path.indexOf('/', i);
			if (j < 0) j = len;
			const comp = path.slice(i, j);
			i = j;
			n = n.child(comp) as NodeImpl | undefined;
		}
		return undefined;
	}

	nodeByRef(text: string): NodeImpl | undefined {
		const root = this.root!;
		if (text === '/') return root;
		if (text.charCodeAt(0) === 47) return this.nodeByPath(root, text);
		const slash = text.indexOf('/');
		if (slash < 0) return this.nodeByLabel(text);
		const base = this.nodeByLabel(text.slice(0, slash));
		return base === undefined ? undefined : this.nodeByPath(base, text.slice(slash));
	}

	// ---- Checks and fix-ups, in dtc's order ----

	/**
	 * One walk for dtc's checks that precede the fix-ups: paths, then per node the duplicate and
	 * name character checks, name_properties, the duplicate label check and the explicit phandles.
	 */
	private checkNode(n: NodeImpl, dup: Diagnostic[], names: Diagnostic[], labels: Diagnostic[], phandles: Diagnostic[]): void {
		const kids = n.allChildren;
		const path = n.path;
		for (let i = 0; i < kids.length; i++) {
			const c = kids[i]!;
			if (!c.deleted) c.path = path === '/' ? `/${c.name}` : `${path}/${c.name}`;
		}
		this.out = dup;
		this.checkDuplicates(n);
		this.out = names;
		this.nameProperty(n);
		this.out = labels;
		this.checkLabels(n);
		this.out = phandles;
		this.explicitPhandle(n);
		this.out = this.diags;
		for (let i = 0; i < kids.length; i++) {
			const c = kids[i]!;
			if (!c.deleted) this.checkNode(c, dup, names, labels, phandles);
		}
	}

	private checkDuplicates(n: NodeImpl): void {
		if (n.parent !== undefined) {
			// A lexed name only holds name characters: of those, only `*#?` are not allowed here.
			const f = n.nameFlags;
			const bad = (f & NAME_LEXED) === 0 || (f & NAME_HAS_ODD) !== 0 ? firstBad(n.name, NODE_CHARS) : -1;
			if (bad >= 0) this.diag('bad-node-name', `Bad character '${n.name[bad]!}' in node name`, n.nameSpan);
			const at = n.name.indexOf('@');
			if (at >= 0 && n.name.indexOf('@', at + 1) >= 0) this.diag('bad-node-name', "multiple '@' characters in node name", n.nameSpan);
		}
		const props = n.allProps;
		for (let i = 0; i < props.length; i++) {
			const p = props[i]!;
			if (p.deleted) continue;
			// A lexed name only holds name characters: of those, only `@` is not allowed here.
			const f = p.flags;
			const bad = (f & NAME_LEXED) === 0 || (f & NAME_HAS_AT) !== 0 ? firstBad(p.name, PROP_CHARS) : -1;
			if (bad >= 0) this.diag('bad-property-name', `Bad character '${p.name[bad]!}' in property name`, p.nameSpan);
		}
		const kids = n.allChildren;
		if (kids.length > 1) forEachDuplicate(kids, (c) => this.diag('duplicate-node', `Duplicate node name ${c.path}`, c.nameSpan));
		if (props.length > 1) forEachDuplicate(props, (p) => this.diag('duplicate-property', `Duplicate property name ${p.name} in ${n.path}`, p.nameSpan));
	}

	/**
	 * dtc's name_properties check: a `name` property equal to the node's base name is
	 * redundant and removed; any other value is an error.
	 */
	private nameProperty(n: NodeImpl): void {
		const all = n.allProps;
		let i = -1;
		for (let k = 0; k < all.length; k++) {
			if (all[k]!.name === 'name') {
				i = k;
				break;
			}
		}
		if (i < 0) return;
		const p = all[i]!;
		const bytes = encodeValue(p.value).bytes;
		const at = n.name.indexOf('@');
		const base = utf8(at < 0 ? n.name : n.name.slice(0, at));
		let same = bytes.length === base.length + 1;
		for (let k = 0; same && k < base.length; k++) if (bytes[k] !== base[k]) same = false;
		if (same) {
			all.splice(i, 1);
			const idx = n.propIdx;
			if (idx !== undefined) {
				idx.delete('name');
				for (const q of all) if (q.name === 'name') {
					idx.set('name', q);
					break;
				}
			}
		} else this.diag('bad-name-property', '"name" property is incorrect (not the base node name)', p.span);
	}

	private seeLabel(name: string, desc: string, span: Span): void {
		const owners = this.labelSeen;
		const o = owners.get(name);
		if (o === undefined) owners.set(name, { desc, span });
		else if (o.desc !== desc) {
			this.out.push({
				severity: 'error',
				code: 'duplicate-label',
				message: `Duplicate label '${name}' on ${desc} and ${o.desc}`,
				span,
				related: [{ span: o.span, message: `'${name}' is also defined here` }],
			});
		}
	}

	/** dtc's duplicate label check, for one node. */
	private checkLabels(n: NodeImpl): void {
		const lbl = n.lbl;
		for (let i = 0; i < lbl.length; i++) {
			const l = lbl[i]!;
			if (!l.deleted) this.seeLabel(l.name, n.path, l.span);
		}
		const props = n.allProps;
		for (let i = 0; i < props.length; i++) {
			const p = props[i]!;
			if (p.deleted) continue;
			const pl = p.lbl;
			for (let k = 0; k < pl.length; k++) {
				const l = pl[k]!;
				if (!l.deleted) this.seeLabel(l.name, `property '${p.name}' in ${n.path}`, l.span);
			}
			if ((p.flags & HAS_LABELS) === 0) continue;
			for (const ch of p.value) {
				if (ch.kind === 'label') this.seeLabel(ch.name, `value of property '${p.name}' in ${n.path}`, ch.span);
				else if (ch.kind === 'cells' || ch.kind === 'bytes') {
					for (const it of ch.items) if (it.kind === 'label') this.seeLabel(it.name, `value of property '${p.name}' in ${n.path}`, it.span);
				}
			}
		}
	}

	private phandleProp(n: NodeImpl, name: string): number {
		const p = liveProp(n, name);
		if (p === undefined) return 0;
		const enc = encodeValue(p.value);
		if (enc.bytes.length !== 4) {
			this.diag('bad-phandle', `bad length (${enc.bytes.length}) ${name} property`, p.span);
			return 0;
		}
		for (const ch of p.value) {
			if (ch.kind !== 'cells' || ch.bits !== 32) continue;
			for (const it of ch.items) {
				if (it.kind !== 'ref') continue;
				if (this.nodeByRef(it.ref.text) !== n) this.diag('bad-phandle', `${name} is a reference to another node`, p.span);
				return 0;
			}
		}
		const b = enc.bytes;
		const v = ((b[0]! << 24) | (b[1]! << 16) | (b[2]! << 8) | b[3]!) >>> 0;
		if (v === 0 || v === 0xffffffff) {
			this.diag('bad-phandle', `bad value (0x${v.toString(16)}) in ${name} property`, p.span);
			return 0;
		}
		return v;
	}

	/** dtc's explicit_phandles check, for one node. */
	private explicitPhandle(n: NodeImpl): void {
		let ph = this.phandleProp(n, 'phandle');
		const lph = this.phandleProp(n, 'linux,phandle');
		if (ph !== 0 || lph !== 0) {
			if (lph !== 0 && ph !== 0 && ph !== lph) this.diag('bad-phandle', "mismatching 'phandle' and 'linux,phandle' properties", n.nameSpan);
			if (ph === 0) ph = lph;
			const other = this.phandles.get(ph);
			if (other !== undefined && other !== n) {
				this.diag('duplicate-phandle', `duplicated phandle 0x${ph.toString(16)} (seen before at ${other.path})`, n.nameSpan);
			} else {
				n.phandle = ph;
				this.phandles.set(ph, n);
			}
		}
	}

	/** dtc's get_node_phandle: the node's phandle, assigning the next free one if needed. */
	private nodePhandle(n: NodeImpl, cause: Span): number {
		if (n.phandle !== undefined && n.phandle !== 0 && n.phandle !== 0xffffffff) return n.phandle;
		while (this.phandles.has(this.nextPhandle)) this.nextPhandle++;
		const ph = this.nextPhandle;
		n.phandle = ph;
		this.phandles.set(ph, n);
		if (liveProp(n, 'phandle') === undefined) {
			const p = new PropImpl(
				'phandle',
				[{ kind: 'cells', bits: 32, items: [{ kind: 'number', value: big(ph), span: cause }], span: cause }],
				cause,
				cause,
				n,
			);
			p.generated = true;
			this.addProp(n, p);
		}
		return ph;
	}

	/**
	 * dtc's fixup_phandle_references then fixup_path_references, sharing one walk: the path
	 * reference diagnostics go to `paths`, appended after the walk.
	 */
	private refs(n: NodeImpl, paths: Diagnostic[]): void {
		const props = n.allProps;
		// Index loop: a reference to the node itself may add its `phandle` (which holds no reference).
		for (let i = 0; i < props.length; i++) {
			const p = props[i]!;
			if (p.deleted || (p.flags & HAS_REFS) === 0) continue;
			const value = p.value;
			for (let c = 0; c < value.length; c++) {
				const ch = value[c]!;
				if (ch.kind === 'cells') {
					if (ch.bits !== 32) continue;
					const items = ch.items;
					for (let k = 0; k < items.length; k++) {
						const it = items[k]!;
						if (it.kind !== 'ref') continue;
						const t = this.nodeByRef(it.ref.text);
						if (t === undefined) {
							if (!this.ast.plugin) this.diag('unresolved-reference', `Reference to non-existent node or label "${it.ref.text}"`, it.span);
							it.value = 0xffffffffn;
							continue;
						}
						it.ref.target = t;
						it.value = big(this.nodePhandle(t, it.span));
						t.referenced = true;
					}
				} else if (ch.kind === 'path-ref') {
					const t = this.nodeByRef(ch.ref.text);
					if (t === undefined) {
						paths.push({ severity: 'error', code: 'unresolved-reference', message: `Reference to non-existent node or label "${ch.ref.text}"`, span: ch.span });
						ch.path = '';
						continue;
					}
					ch.ref.target = t;
					ch.path = t.path;
					t.referenced = true;
				}
			}
		}
		const kids = n.allChildren;
		for (let i = 0; i < kids.length; i++) {
			const c = kids[i]!;
			if (!c.deleted) this.refs(c, paths);
		}
	}

	private omitUnused(n: NodeImpl): void {
		if (!(this.opts.symbols && n.lbl.length > 0) && n.omit && !n.referenced) {
			this.deleteNode(n);
			return;
		}
		for (const c of n.allChildren) if (!c.deleted) this.omitUnused(c);
	}

	private anyLabel(n: NodeImpl): boolean {
		if (n.lbl.length > 0) return true;
		for (const c of n.allChildren) if (!c.deleted && this.anyLabel(c)) return true;
		return false;
	}

	/** A generated child of the root (`__symbols__`, `__fixups__`...), reusing a live one. */
	private rootChild(root: NodeImpl, name: string): NodeImpl {
		const existing = root.child(name) as NodeImpl | undefined;
		if (existing !== undefined) return existing;
		const n = new NodeImpl(name, root.nameSpan, root.span);
		n.generated = true;
		this.addChild(root, n);
		n.path = `/${name}`;
		return n;
	}

	private stringProp(node: NodeImpl, name: string, strings: string[], span: Span): PropImpl {
		const value: DtValueChunk[] = strings.map((s) => ({ kind: 'string', bytes: utf8(s), value: s, span }));
		const p = new PropImpl(name, value, span, span, node);
		p.generated = true;
		this.addProp(node, p);
		return p;
	}

	private symbols(root: NodeImpl): void {
		if (!this.anyLabel(root)) return;
		const sym = this.rootChild(root, '__symbols__');
		const walk = (n: NodeImpl): void => {
			if (n.lbl.length > 0) {
				for (const l of n.lbl) {
					if (l.deleted) continue;
					if (liveProp(sym, l.name) !== undefined) {
						this.diag('duplicate-symbol', `label ${l.name} already exists in /__symbols__`, l.span, 'warning');
						continue;
					}
					this.stringProp(sym, l.name, [n.path], l.span);
				}
				this.nodePhandle(n, n.nameSpan);
			}
			for (const c of n.allChildren) if (!c.deleted) walk(c);
		};
		walk(root);
	}

	/** `__fixups__` and `__local_fixups__` of an overlay (dtc's -@ output for `/plugin/`). */
	private fixups(root: NodeImpl): void {
		// Unresolved references, by label: "path:property:offset" strings.
		const fix = new Map<string, { strings: string[]; span: Span }>();
		const local: Array<{ node: NodeImpl; prop: string; offsets: number[]; span: Span }> = [];
		const walk = (n: NodeImpl): void => {
			for (const p of n.allProps) {
				if (p.deleted) continue;
				let offset = 0;
				const locals: number[] = [];
				for (const ch of p.value) {
					if (ch.kind === 'cells') {
						for (const it of ch.items) {
							if (it.kind === 'label') continue;
							if (it.kind === 'ref' && ch.bits === 32) {
								if (it.ref.target === undefined) {
									let e = fix.get(it.ref.text);
									if (e === undefined) fix.set(it.ref.text, (e = { strings: [], span: it.span }));
									e.strings.push(`${n.path}:${p.name}:${offset}`);
								} else locals.push(offset);
							}
							offset += ch.bits >> 3;
						}
					} else offset += encodeValue([ch]).bytes.length;
				}
				if (locals.length > 0) local.push({ node: n, prop: p.name, offsets: locals, span: p.span });
			}
			for (const c of n.allChildren) if (!c.deleted) walk(c);
		};
		walk(root);
		if (fix.size > 0) {
			const f = this.rootChild(root, '__fixups__');
			for (const [label, e] of fix) {
				const existing = liveProp(f, label);
				if (existing !== undefined) {
					for (const s of e.strings) existing.value.push({ kind: 'string', bytes: utf8(s), value: s, span: e.span });
				} else this.stringProp(f, label, e.strings, e.span);
			}
		}
		if (local.length > 0) {
			const lf = this.rootChild(root, '__local_fixups__');
			for (const e of local) {
				let at = lf;
				const parts = e.node.path.split('/').filter((s) => s !== '');
				for (const part of parts) {
					let c = at.child(part) as NodeImpl | undefined;
					if (c === undefined) {
						c = new NodeImpl(part, lf.nameSpan, lf.span);
						c.generated = true;
						this.addChild(at, c);
						c.path = `${at.path}/${part}`;
					}
					at = c;
				}
				// dtc appends each offset as its own cell array.
				const cells: DtValueChunk[] = e.offsets.map((o) => ({
					kind: 'cells',
					bits: 32,
					items: [{ kind: 'number', value: BigInt(o), span: e.span }],
					span: e.span,
				}));
				const existing = liveProp(at, e.prop);
				if (existing !== undefined) existing.value.push(...cells);
				else {
					const p = new PropImpl(e.prop, cells, e.span, e.span, at);
					p.generated = true;
					this.addProp(at, p);
				}
			}
		}
	}

	// ---- The public tree ----

	/**
	 * Builds the public lists and maps. With `omit`, also applies `/omit-if-no-ref/` (dtc's
	 * omit_unused_nodes, which only deletes the subtrees this walk then skips).
	 */
	private finish(root: NodeImpl, omit: boolean): DtTree {
		const labels = new Map<string, DtNode>();
		const propertyLabels = new Map<string, DtProperty>();
		const phandles = new Map<number, DtNode>();
		if (omit && root.omit && !root.referenced) this.deleteNode(root);
		this.finishNode(root, '', omit, labels, propertyLabels, phandles);
		const self = this;
		return {
			root,
			memreserves: this.ast.memreserves as DtMemreserve[],
			plugin: this.ast.plugin,
			labels,
			propertyLabels,
			phandles,
			nodeByPath: (path: string) => self.nodeByPath(root, path),
			nodeByRef: (ref: string) => self.nodeByRef(makeRef(ref, root.span).text),
			diagnostics: this.diags,
			includes: [],
		};
	}

	private finishNode(n: NodeImpl, parentPath: string, omit: boolean, labels: Map<string, DtNode>, propertyLabels: Map<string, DtProperty>, phandles: Map<number, DtNode>): void {
		const path = n.parent === undefined ? '/' : parentPath === '/' ? `/${n.name}` : `${parentPath}/${n.name}`;
		n.path = path;
		const lbl = n.lbl;
		n.labels = lbl.length === 0 ? [] : liveLabels(lbl);
		for (let i = 0; i < lbl.length; i++) {
			const l = lbl[i]!;
			if (!l.deleted && !labels.has(l.name)) labels.set(l.name, n);
		}
		if (n.omit) n.omitIfNoRef = true;
		if (n.phandle !== undefined) phandles.set(n.phandle, n);
		// The lists are made at their exact size (most hold every entry: then a copy).
		const all = n.allProps;
		let live = 0;
		for (let i = 0; i < all.length; i++) {
			const p = all[i]!;
			if (p.deleted) continue;
			live++;
			const plbl = p.lbl;
			p.labels = plbl.length === 0 ? [] : liveLabels(plbl);
			for (let k = 0; k < plbl.length; k++) {
				const l = plbl[k]!;
				if (!l.deleted && !propertyLabels.has(l.name)) propertyLabels.set(l.name, p);
			}
		}
		n.properties = live === all.length ? all.slice() : all.filter((p) => !p.deleted);
		const kids = n.allChildren;
		if (omit) {
			for (let i = 0; i < kids.length; i++) {
				const c = kids[i]!;
				if (!c.deleted && c.omit && !c.referenced) this.deleteNode(c);
			}
		}
		live = 0;
		for (let i = 0; i < kids.length; i++) if (!kids[i]!.deleted) live++;
		const children = live === kids.length ? kids.slice() : kids.filter((c) => !c.deleted);
		n.children = children;
		for (let i = 0; i < children.length; i++) this.finishNode(children[i]!, path, omit, labels, propertyLabels, phandles);
	}
}

/** Characters dtc accepts in node names (checks.c NODECHARS). */
const NODE_CHARS = charSet('abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789,._+-@');
/** Characters dtc accepts in property names (checks.c PROPNODECHARS). */
const PROP_CHARS = charSet('abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789,._+*#?-');

function charSet(chars: string): Uint8Array {
	const t = new Uint8Array(128);
	for (let i = 0; i < chars.length; i++) t[chars.charCodeAt(i)] = 1;
	return t;
}

/** Index of the first character of `s` outside `set`, or -1. */
function firstBad(s: string, set: Uint8Array): number {
	for (let i = 0; i < s.length; i++) {
		const c = s.charCodeAt(i);
		if (c >= 128 || set[c] === 0) return i;
	}
	return -1;
}

function pathOf(n: NodeImpl): string {
	const parts: string[] = [];
	for (let x: NodeImpl | undefined = n; x !== undefined && x.parent !== undefined; x = x.parent) parts.push(x.name);
	return parts.length === 0 ? '/' : `/${parts.reverse().join('/')}`;
}

function attached(n: NodeImpl, root: NodeImpl): boolean {
	let x: NodeImpl | undefined = n;
	while (x.parent !== undefined) x = x.parent;
	return x === root;
}

/** The public form of the live entries of a label list. */
function liveLabels(lbl: LabelEntry[]): DtLabel[] {
	let live = 0;
	for (let i = 0; i < lbl.length; i++) if (!lbl[i]!.deleted) live++;
	const out: DtLabel[] = new Array<DtLabel>(live);
	let k = 0;
	for (let i = 0; i < lbl.length; i++) {
		const l = lbl[i]!;
		if (!l.deleted) out[k++] = { name: l.name, span: l.span };
	}
	return out;
}

function hasLiveLabel(n: NodeImpl, label: string): boolean {
	const lbl = n.lbl;
	for (let i = 0; i < lbl.length; i++) {
		const l = lbl[i]!;
		if (l.name === label && !l.deleted) return true;
	}
	return false;
}

function firstInOrder(n: NodeImpl, pred: (n: NodeImpl) => boolean): NodeImpl | undefined {
	if (!n.deleted && pred(n)) return n;
	for (const c of n.allChildren) {
		if (c.deleted) continue;
		const r = firstInOrder(c, pred);
		if (r !== undefined) return r;
	}
	return undefined;
}

export { addLabel };
