/**
 * Adapts the front-end's resolved tree (`server/src/dts`) to the emulator's `DtView`, the only shape
 * of a devicetree the emulator reads. Values are encoded once, lazily, as dtc encodes them in a
 * .dtb (`valueBytes`); cell positions map back to the exact source span of each cell.
 */
import type { DtNodeView, DtPropView, DtView, SourceRef } from '../../../emulator/src/types';
import type { Span } from '../base/source';
import type { DtNode, DtProperty, DtTree } from '../dts/types';
import { valueBytes } from '../dts/values';

const toRef = (span: Span): SourceRef => span;

/**
 * The spans of each 32-bit cell of a value, in order, when the value is made of 32-bit cells only
 * (other widths and strings give no cell positions: findings then point at the whole value).
 */
function cellSpans(prop: DtProperty): Span[] | undefined {
	const spans: Span[] = [];
	for (const chunk of prop.value) {
		if (chunk.kind === 'label') continue;
		if (chunk.kind !== 'cells' || chunk.bits !== 32) return undefined;
		for (const item of chunk.items) if (item.kind !== 'label') spans.push(item.span);
	}
	return spans;
}

class PropView implements DtPropView {
	private encoded: Uint8Array | undefined;
	private spans: Span[] | undefined | null = null;
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
	private cells(): Span[] | undefined {
		if (this.spans === null) this.spans = cellSpans(this.prop);
		return this.spans;
	}
	cellLoc(index: number): SourceRef | undefined {
		const span = this.cells()?.[index];
		return span ? toRef(span) : undefined;
	}
	entryLoc(index: number, count: number): SourceRef {
		const spans = this.cells();
		const first = spans?.[index];
		const last = spans?.[index + Math.max(count, 1) - 1];
		if (!first || !last || first.file !== last.file) return this.loc;
		return { file: first.file, start: first.start, end: last.end };
	}
}

class NodeView implements DtNodeView {
	private props: PropView[] | undefined;
	/**
	 * The properties by name, for nodes with many properties (built on the first `property()`: the
	 * emulator asks by name far more than it lists). Most nodes have a handful, which a scan finds
	 * faster than building a map.
	 */
	private byName: Map<string, PropView> | undefined;
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
		this.props ??= this.node.properties.map((p) => new PropView(p));
		return this.props;
	}
	get children(): readonly DtNodeView[] {
		this.kids ??= this.node.children.map((c) => this.views.get(c) ?? new NodeView(c, this, this.views));
		return this.kids;
	}
	property(name: string): DtPropView | undefined {
		const props = this.properties as PropView[];
		if (props.length <= 8) {
			for (const p of props) if (p.name === name) return p;
			return undefined;
		}
		if (!this.byName) {
			this.byName = new Map();
			// The first of a name wins, as a scan would (dtc's merge leaves one property per name anyway).
			for (const p of props) if (!this.byName.has(p.name)) this.byName.set(p.name, p);
		}
		return this.byName.get(name);
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
