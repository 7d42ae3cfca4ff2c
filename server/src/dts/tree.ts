/**
 * The tree builder: applies the parsed statements in order with dtc's merge semantics
 * (merge_nodes, deletions that keep placeholders, label lists), then runs the fix-ups dtc runs
 * before output: explicit phandles, phandle and path references, `/omit-if-no-ref/`, and
 * optionally `__symbols__` (`-@`) and the overlay bookkeeping of `/plugin/` files.
 */

import type { Diagnostic, Span } from '../base/source.js';
import { addLabel, makeRef, type AstBody, type AstChild, type AstDeleteNode, type AstDeleteProp, type AstFile, type AstProp } from './parser.js';
import type { DtEvent, DtLabel, DtMemreserve, DtNode, DtProperty, DtRef, DtTree, DtValueChunk } from './types.js';
import { encodeValue, utf8 } from './values.js';

/** Options of {@link buildTree}. */
export interface BuildOptions {
	/** Generate `__symbols__` (dtc's `-@`). */
	symbols?: boolean;
}

interface LabelEntry extends DtLabel {
	deleted: boolean;
}

class PropImpl implements DtProperty {
	labels: DtLabel[] = [];
	lbl: LabelEntry[] = [];
	deleted = false;
	valueSpan?: Span;
	generated?: boolean;
	constructor(
		public name: string,
		public value: DtValueChunk[],
		public nameSpan: Span,
		public span: Span,
		public events: DtEvent[],
		public node: NodeImpl,
	) {}
}

class NodeImpl implements DtNode {
	path = '';
	parent?: NodeImpl;
	labels: DtLabel[] = [];
	lbl: LabelEntry[] = [];
	properties: PropImpl[] = [];
	children: NodeImpl[] = [];
	allProps: PropImpl[] = [];
	allChildren: NodeImpl[] = [];
	propIdx = new Map<string, PropImpl>();
	childIdx = new Map<string, NodeImpl[]>();
	deleted = false;
	omit = false;
	omitIfNoRef?: boolean;
	referenced?: boolean;
	phandle?: number;
	generated?: boolean;
	events: DtEvent[];
	constructor(
		public name: string,
		public nameSpan: Span,
		public span: Span,
		kind: 'define' | 'delete' = 'define',
	) {
		this.events = [{ kind, span }];
	}
	child(name: string): DtNode | undefined {
		const list = this.childIdx.get(name);
		if (list === undefined) return undefined;
		for (const c of list) if (!c.deleted) return c;
		return undefined;
	}
	property(name: string): DtProperty | undefined {
		return liveProp(this, name);
	}
}

function liveProp(node: NodeImpl, name: string): PropImpl | undefined {
	const p = node.propIdx.get(name);
	if (p === undefined || !p.deleted) return p;
	for (const q of node.allProps) if (!q.deleted && q.name === name) return q;
	return undefined;
}

function addLabelEntry(list: LabelEntry[], l: DtLabel): void {
	for (const x of list) {
		if (x.name === l.name) {
			x.deleted = false;
			return;
		}
	}
	list.unshift({ name: l.name, span: l.span, deleted: false });
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

	constructor(
		private readonly ast: AstFile,
		private readonly diags: Diagnostic[],
		private readonly opts: BuildOptions,
	) {}

	private diag(code: string, message: string, span: Span, severity: 'error' | 'warning' = 'error'): void {
		this.diags.push({ severity, code, message, span });
	}

	run(): DtTree {
		const ast = this.ast;
		for (const st of ast.statements) {
			switch (st.kind) {
				case 'root':
					if (this.root === undefined) {
						this.root = this.instantiate('', st.nameSpan, st.span, [], false, st.body);
					} else this.mergeInto(this.root, st.body, [], st.span);
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
					this.mergeInto(target, st.body, [], st.span);
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
		this.computePaths(root, '');
		this.checkDuplicates(root);
		this.nameProperties(root);
		this.checkLabels(root);
		this.explicitPhandles(root);
		this.phandleRefs(root);
		this.pathRefs(root);
		this.omitUnused(root);
		if (this.opts.symbols) this.symbols(root);
		if (ast.plugin) this.fixups(root);
		return this.finish(root);
	}

	// ---- Construction and merging ----

	private addNodeLabel(node: NodeImpl, l: DtLabel): void {
		addLabelEntry(node.lbl, l);
		let owners = this.labelOwners.get(l.name);
		if (owners === undefined) this.labelOwners.set(l.name, (owners = []));
		if (!owners.includes(node)) owners.push(node);
	}

	private addChild(parent: NodeImpl, child: NodeImpl): void {
		child.parent = parent;
		parent.allChildren.push(child);
		const list = parent.childIdx.get(child.name);
		if (list === undefined) parent.childIdx.set(child.name, [child]);
		else list.push(child);
	}

	private addProp(node: NodeImpl, p: PropImpl): void {
		node.allProps.push(p);
		if (!node.propIdx.has(p.name)) node.propIdx.set(p.name, p);
	}

	private newProp(node: NodeImpl, ap: AstProp | AstDeleteProp): PropImpl {
		const p = new PropImpl(ap.name, ap.kind === 'prop' ? ap.value : [], ap.nameSpan, ap.span, [{ kind: ap.kind === 'prop' ? 'define' : 'delete', span: ap.span }], node);
		if (ap.kind === 'prop') {
			if (ap.valueSpan) p.valueSpan = ap.valueSpan;
		} else p.deleted = true;
		for (let i = ap.labels.length - 1; i >= 0; i--) addLabelEntry(p.lbl, ap.labels[i]!);
		return p;
	}

	/** dtc's build_node: a fresh node; duplicates inside one body are kept as they are. */
	private instantiate(name: string, nameSpan: Span, span: Span, labels: DtLabel[], omit: boolean, body: AstBody): NodeImpl {
		const n = new NodeImpl(name, nameSpan, span);
		for (let i = labels.length - 1; i >= 0; i--) this.addNodeLabel(n, labels[i]!);
		n.omit = omit;
		for (const ap of body.props) this.addProp(n, this.newProp(n, ap));
		for (const c of body.children) this.addChild(n, this.childOf(c));
		return n;
	}

	private childOf(c: AstChild | AstDeleteNode): NodeImpl {
		if (c.kind === 'node') return this.instantiate(c.name, c.nameSpan, c.span, c.labels, c.omit, c.body);
		const n = new NodeImpl(c.name, c.nameSpan, c.span, 'delete');
		for (let i = c.labels.length - 1; i >= 0; i--) this.addNodeLabel(n, c.labels[i]!);
		n.deleted = true;
		n.omit = c.omit;
		return n;
	}

	/** dtc's merge_nodes, reading the new node straight from its syntax. */
	private mergeInto(old: NodeImpl, body: AstBody, labels: DtLabel[], span: Span): void {
		old.deleted = false;
		for (const l of labels) this.addNodeLabel(old, l);
		old.events.push({ kind: 'extend', span });
		for (const ap of body.props) {
			const existing = old.propIdx.get(ap.name);
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
				for (const l of ap.labels) addLabelEntry(existing.lbl, l);
				existing.value = ap.value;
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
		for (const c of body.children) {
			const existing = old.childIdx.get(c.name)?.[0];
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
		const p = new PropImpl(name, target, ref.span, ref.span, [{ kind: 'define', span: ref.span }], frag);
		p.generated = true;
		this.addProp(frag, p);
		const ov = this.instantiate('__overlay__', ref.span, span, [], false, body);
		this.addChild(frag, ov);
		this.addChild(root, frag);
	}

	// ---- Lookups (live tree) ----

	private nodeByLabel(label: string): NodeImpl | undefined {
		const owners = this.labelOwners.get(label);
		if (owners === undefined) return undefined;
		let found: NodeImpl | undefined;
		let count = 0;
		for (const n of owners) {
			if (n.deleted || !attached(n, this.root!)) continue;
			if (n.lbl.some((l) => l.name === label && !l.deleted)) {
				if (found === undefined) found = n;
				count++;
			}
		}
		if (count <= 1) return found;
		// Several live owners (a duplicate label): dtc takes the first in tree order.
		return firstInOrder(this.root!, (n) => n.lbl.some((l) => l.name === label && !l.deleted));
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
			const list: NodeImpl[] | undefined = n.childIdx.get(comp);
			n = undefined;
			if (list !== undefined) for (const c of list) if (!c.deleted) {
				n = c;
				break;
			}
		}
		return undefined;
	}

	nodeByRef(text: string): NodeImpl | undefined {
		const root = this.root!;
		if (text === '/') return root;
		if (text.startsWith('/')) return this.nodeByPath(root, text);
		const slash = text.indexOf('/');
		if (slash < 0) return this.nodeByLabel(text);
		const base = this.nodeByLabel(text.slice(0, slash));
		return base === undefined ? undefined : this.nodeByPath(base, text.slice(slash));
	}

	// ---- Checks and fix-ups, in dtc's order ----

	private computePaths(n: NodeImpl, parentPath: string): void {
		n.path = n.parent === undefined ? '/' : parentPath === '/' ? `/${n.name}` : `${parentPath}/${n.name}`;
		for (const c of n.allChildren) if (!c.deleted) this.computePaths(c, n.path);
	}

	private checkDuplicates(n: NodeImpl): void {
		if (n.parent !== undefined) {
			const bad = firstBad(n.name, NODE_CHARS);
			if (bad >= 0) this.diag('bad-node-name', `Bad character '${n.name[bad]!}' in node name`, n.nameSpan);
			const at = n.name.indexOf('@');
			if (at >= 0 && n.name.indexOf('@', at + 1) >= 0) this.diag('bad-node-name', "multiple '@' characters in node name", n.nameSpan);
		}
		for (const p of n.allProps) {
			if (p.deleted) continue;
			const bad = firstBad(p.name, PROP_CHARS);
			if (bad >= 0) this.diag('bad-property-name', `Bad character '${p.name[bad]!}' in property name`, p.nameSpan);
		}
		if (n.allChildren.length > 1) {
			const seen = new Set<string>();
			for (const c of n.allChildren) {
				if (c.deleted) continue;
				if (seen.has(c.name)) this.diag('duplicate-node', `Duplicate node name ${c.path}`, c.nameSpan);
				seen.add(c.name);
			}
		}
		if (n.allProps.length > 1) {
			const seen = new Set<string>();
			for (const p of n.allProps) {
				if (p.deleted) continue;
				if (seen.has(p.name)) this.diag('duplicate-property', `Duplicate property name ${p.name} in ${n.path}`, p.nameSpan);
				seen.add(p.name);
			}
		}
		for (const c of n.allChildren) if (!c.deleted) this.checkDuplicates(c);
	}

	/**
	 * dtc's name_properties check: a `name` property equal to the node's base name is
	 * redundant and removed; any other value is an error.
	 */
	private nameProperties(n: NodeImpl): void {
		const i = n.allProps.findIndex((p) => p.name === 'name');
		if (i >= 0) {
			const p = n.allProps[i]!;
			const bytes = encodeValue(p.value).bytes;
			const at = n.name.indexOf('@');
			const base = utf8(at < 0 ? n.name : n.name.slice(0, at));
			let same = bytes.length === base.length + 1;
			for (let k = 0; same && k < base.length; k++) if (bytes[k] !== base[k]) same = false;
			if (same) {
				n.allProps.splice(i, 1);
				n.propIdx.delete('name');
				for (const q of n.allProps) if (q.name === 'name') {
					n.propIdx.set('name', q);
					break;
				}
			} else this.diag('bad-name-property', '"name" property is incorrect (not the base node name)', p.span);
		}
		for (const c of n.allChildren) if (!c.deleted) this.nameProperties(c);
	}

	private checkLabels(root: NodeImpl): void {
		const owners = new Map<string, { desc: string; span: Span }>();
		const see = (name: string, desc: string, span: Span): void => {
			const o = owners.get(name);
			if (o === undefined) owners.set(name, { desc, span });
			else if (o.desc !== desc) {
				this.diags.push({
					severity: 'error',
					code: 'duplicate-label',
					message: `Duplicate label '${name}' on ${desc} and ${o.desc}`,
					span,
					related: [{ span: o.span, message: `'${name}' is also defined here` }],
				});
			}
		};
		const walk = (n: NodeImpl): void => {
			for (const l of n.lbl) if (!l.deleted) see(l.name, n.path, l.span);
			for (const p of n.allProps) {
				if (p.deleted) continue;
				for (const l of p.lbl) if (!l.deleted) see(l.name, `property '${p.name}' in ${n.path}`, l.span);
				for (const ch of p.value) {
					if (ch.kind === 'label') see(ch.name, `value of property '${p.name}' in ${n.path}`, ch.span);
					else if (ch.kind === 'cells' || ch.kind === 'bytes') {
						for (const it of ch.items) if (it.kind === 'label') see(it.name, `value of property '${p.name}' in ${n.path}`, it.span);
					}
				}
			}
			for (const c of n.allChildren) if (!c.deleted) walk(c);
		};
		walk(root);
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

	private explicitPhandles(n: NodeImpl): void {
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
		for (const c of n.allChildren) if (!c.deleted) this.explicitPhandles(c);
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
				[{ kind: 'cells', bits: 32, items: [{ kind: 'number', value: BigInt(ph), span: cause }], span: cause }],
				cause,
				cause,
				[{ kind: 'define', span: cause }],
				n,
			);
			p.generated = true;
			this.addProp(n, p);
		}
		return ph;
	}

	private phandleRefs(n: NodeImpl): void {
		for (const p of n.allProps) {
			if (p.deleted) continue;
			for (const ch of p.value) {
				if (ch.kind !== 'cells' || ch.bits !== 32) continue;
				for (const it of ch.items) {
					if (it.kind !== 'ref') continue;
					const t = this.nodeByRef(it.ref.text);
					if (t === undefined) {
						if (!this.ast.plugin) this.diag('unresolved-reference', `Reference to non-existent node or label "${it.ref.text}"`, it.span);
						it.value = 0xffffffffn;
						continue;
					}
					it.ref.target = t;
					it.value = BigInt(this.nodePhandle(t, it.span));
					t.referenced = true;
				}
			}
		}
		for (const c of n.allChildren) if (!c.deleted) this.phandleRefs(c);
	}

	private pathRefs(n: NodeImpl): void {
		for (const p of n.allProps) {
			if (p.deleted) continue;
			for (const ch of p.value) {
				if (ch.kind !== 'path-ref') continue;
				const t = this.nodeByRef(ch.ref.text);
				if (t === undefined) {
					this.diag('unresolved-reference', `Reference to non-existent node or label "${ch.ref.text}"`, ch.span);
					ch.path = '';
					continue;
				}
				ch.ref.target = t;
				ch.path = t.path;
				t.referenced = true;
			}
		}
		for (const c of n.allChildren) if (!c.deleted) this.pathRefs(c);
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
		const p = new PropImpl(name, value, span, span, [{ kind: 'define', span }], node);
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
					const p = new PropImpl(e.prop, cells, e.span, e.span, [{ kind: 'define', span: e.span }], at);
					p.generated = true;
					this.addProp(at, p);
				}
			}
		}
	}

	// ---- The public tree ----

	private finish(root: NodeImpl): DtTree {
		const labels = new Map<string, DtNode>();
		const propertyLabels = new Map<string, DtProperty>();
		const phandles = new Map<number, DtNode>();
		const walk = (n: NodeImpl, parentPath: string): void => {
			n.path = n.parent === undefined ? '/' : parentPath === '/' ? `/${n.name}` : `${parentPath}/${n.name}`;
			n.labels = [];
			for (const l of n.lbl) {
				if (l.deleted) continue;
				n.labels.push({ name: l.name, span: l.span });
				if (!labels.has(l.name)) labels.set(l.name, n);
			}
			if (n.omit) n.omitIfNoRef = true;
			if (n.phandle !== undefined) phandles.set(n.phandle, n);
			n.properties = [];
			for (const p of n.allProps) {
				if (p.deleted) continue;
				p.labels = [];
				for (const l of p.lbl) {
					if (l.deleted) continue;
					p.labels.push({ name: l.name, span: l.span });
					if (!propertyLabels.has(l.name)) propertyLabels.set(l.name, p);
				}
				n.properties.push(p);
			}
			n.children = [];
			for (const c of n.allChildren) {
				if (c.deleted) continue;
				n.children.push(c);
				walk(c, n.path);
			}
		};
		walk(root, '');
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
