/**
 * Adapts the front-end's resolved tree (`server/src/dts`) to the emulator's `DtView`, the only shape
 * of a devicetree the emulator reads. Values are encoded once, lazily, as dtc encodes them in a
 * .dtb (`valueBytes`); cell positions map back to the exact source span of each cell.
 */
import type { DtNodeView, DtPropView, DtView, SourceRef } from '../../../emulator/src/types';
import type { Span } from '../base/source';
import type { DtCellItem, DtNode, DtProperty, DtTree, DtValueLabel } from '../dts/types';
import { valueBytes } from '../dts/values';

const toRef = (span: Span): SourceRef => span;

/** A 32-bit cell of a value: a number or a phandle reference (each knows its source span). */
type CellItem = Exclude<DtCellItem, DtValueLabel>;

/**
 * The 32-bit cells of a value, in order, when the value is made of 32-bit cells only (other widths and
 * strings give no cell positions: findings then point at the whole value). Only the cells a location
 * is asked for have their span read: spans are resolved lazily by the front-end, and most entries'
 * locations are never shown.
 */
function cellItems(prop: DtProperty): readonly CellItem[] | undefined {
	let single: DtCellItem[] | undefined;
	let chunks = 0;
	for (const chunk of prop.value) {
		if (chunk.kind === 'label') continue;
		if (chunk.kind !== 'cells' || chunk.bits !== 32) return undefined;
		single = chunk.items;
		chunks++;
	}
	// The common case, one `<...>` without labels inside: its items are the cells.
	if (chunks === 1 && single && !single.some((item) => item.kind === 'label')) return single as CellItem[];
	const items: CellItem[] = [];
	for (const chunk of prop.value) {
		if (chunk.kind === 'cells') for (const item of chunk.items) if (item.kind !== 'label') items.push(item);
	}
	return items;
}

class PropView implements DtPropView {
	private encoded: Uint8Array | undefined;
	private items: readonly CellItem[] | undefined | null = null;
	constructor(readonly prop: DtProperty) {}
	get name(): string {
		return this.prop.name;
	}
	get bytes(): Uint8Array {
		this.encoded ??= valueBytes(this.prop.value);
		return this.encoded;
	}
	get loc(): SourceRef {
		return toRef(this.prop.valueSpan ?? this.prop.span);
	}
	private cells(): readonly CellItem[] | undefined {
		if (this.items === null) this.items = cellItems(this.prop);
		return this.items;
	}
	cellLoc(index: number): SourceRef | undefined {
		const span = this.cells()?.[index]?.span;
		return span ? toRef(span) : undefined;
	}
	entryLoc(index: number, count: number): SourceRef {
		const items = this.cells();
		const first = items?.[index]?.span;
		const last = items?.[index + Math.max(count, 1) - 1]?.span;
		if (!first || !last || first.file !== last.file) return this.loc;
		return { file: first.file, start: first.start, end: last.end };
	}
}

class NodeView implements DtNodeView {
	/** The views of `node.properties`, by index, made on first use (see `propAt`). */
	private slots: Array<PropView | undefined> | undefined;
	private props: PropView[] | undefined;
	private kids: NodeView[] | undefined;
	constructor(
		readonly node: DtNode,
		readonly parent: NodeView | undefined,
		private readonly views: Map<DtNode, NodeView>,
	) {
		views.set(node, this);
	}
	get path(): string {
		return this.node.path;
	}
	get name(): string {
		return this.node.name;
	}
	get labels(): readonly string[] {
		return this.node.labels.map((l) => l.name);
	}
	get phandle(): number | undefined {
		return this.node.phandle;
	}
	get loc(): SourceRef {
		return toRef(this.node.nameSpan);
	}
	get properties(): readonly DtPropView[] {
		this.props ??= this.node.properties.map((_, i) => this.propAt(i));
		return this.props;
	}
	get children(): readonly DtNodeView[] {
		this.kids ??= this.node.children.map((c) => this.views.get(c) ?? new NodeView(c, this, this.views));
		return this.kids;
	}
	/**
	 * The first property of that name, as a scan of `properties` would find it, through the tree's own
	 * index: the emulator asks by name far more than it lists, mostly for names the node does not
	 * have, so no index of its own is built, and only the properties asked for get a view.
	 */
	property(name: string): DtPropView | undefined {
		const prop = this.node.property(name);
		if (!prop) return undefined;
		const index = this.node.properties.indexOf(prop);
		// The tree's index only gives properties of `node.properties`; a view either way.
		return index >= 0 ? this.propAt(index) : new PropView(prop);
	}
	/** The one view of property `index` (the emulator caches answers on it, so it must stay the same object). */
	private propAt(index: number): PropView {
		const slots = (this.slots ??= new Array<PropView | undefined>(this.node.properties.length));
		let view = slots[index];
		if (!view) {
			view = new PropView(this.node.properties[index] as DtProperty);
			slots[index] = view;
		}
		return view;
	}
}

/** The emulator's view of a resolved tree. Node views are created on first use and kept. */
export function toDtView(tree: DtTree): DtView {
	const views = new Map<DtNode, NodeView>();
	const root = new NodeView(tree.root, undefined, views);
	const viewOf = (node: DtNode | undefined): NodeView | undefined => {
		if (!node) return undefined;
		const known = views.get(node);
		if (known) return known;
		const parent = viewOf(node.parent);
		if (!parent) return undefined;
		void parent.children;
		return views.get(node);
	};
	return {
		root,
		byPhandle: (phandle) => viewOf(tree.phandles.get(phandle)),
		byPath: (path) => viewOf(tree.nodeByPath(path)),
		byLabel: (label) => viewOf(tree.labels.get(label)),
	};
}
