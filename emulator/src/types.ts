/**
 * The emulator's inputs and outputs. The emulator knows nothing about devicetree *syntax*: it reads a
 * resolved tree through the small `DtView` interface below (the server adapts its own tree to it), and
 * it reports `Finding`s with plain source references.
 */

/** A 0-based line/column position (columns in UTF-16 code units). Same shape as the server's Position. */
export interface SourcePosition {
	readonly line: number;
	readonly col: number;
}

/** A half-open range in one source file. Same shape as the server's Span. */
export interface SourceRef {
	readonly file: string;
	readonly start: SourcePosition;
	readonly end: SourcePosition;
}

/** One property of a resolved node. */
export interface DtPropView {
	readonly name: string;
	/** The value as dtc encodes it in a .dtb (big-endian cells, NUL-terminated strings). */
	readonly bytes: Uint8Array;
	/** The last place that defined the value (what a finding about the value points at). */
	readonly loc: SourceRef;
	/** The place of the 32-bit cell at `index` of the value, when the value was written as cells. */
	cellLoc(index: number): SourceRef | undefined;
	/**
	 * The place of the whole entry that starts at cell `index` and is `count` cells long (e.g. one
	 * `<&smmu 0x10 0x0>` of an `iommus` list); falls back to `loc`.
	 */
	entryLoc(index: number, count: number): SourceRef;
}

/** One node of the resolved tree (after every include, overlay and deletion). */
export interface DtNodeView {
	/** Full path, `/` for the root, e.g. `/soc@0/iommu@15000000`. */
	readonly path: string;
	/** Node name with unit address, e.g. `iommu@15000000`; `` for the root. */
	readonly name: string;
	readonly labels: readonly string[];
	readonly parent: DtNodeView | undefined;
	readonly children: readonly DtNodeView[];
	readonly properties: readonly DtPropView[];
	/** The phandle dtc assigned or the source gave, if any. */
	readonly phandle: number | undefined;
	/** Where the node was first defined (its name). */
	readonly loc: SourceRef;
	property(name: string): DtPropView | undefined;
}

/** A resolved devicetree as the emulator reads it. */
export interface DtView {
	readonly root: DtNodeView;
	byPhandle(phandle: number): DtNodeView | undefined;
	byPath(path: string): DtNodeView | undefined;
	byLabel(label: string): DtNodeView | undefined;
}

export type Severity = 'error' | 'warning' | 'info';

/**
 * Stable finding ids: the command line, the editor and the docs all use these. Adding is fine;
 * renaming or removing breaks users' CI (`--only`, `--skip`, baselines).
 */
export const FINDING_IDS = [
	'iommus-cells',
	'iommus-target',
	'iommu-disabled',
	'stream-id-range',
	'smr-conflict',
	'smr-redundant',
	'stream-shared',
	'pcie-iommus-overlap',
	'iommu-map-format',
	'iommu-map-overlap',
	'iommu-map-uncovered',
	'msi-map-mismatch',
	'rpmsg-iommus',
	'fastrpc-session',
	'fastrpc-no-iommus',
	'dma-ranges',
	'carveout',
	'reg-translate',
	'unit-address',
	'smmu-config',
	'smmu-capacity',
	'probe-order-conflict',
	'probe-deferred',
	'plugin-crashed',
	'no-driver',
	'tristate-ifdef',
	'bus-set-iommu',
	'rpmsg-dma-ops',
] as const;

export type FindingId = (typeof FINDING_IDS)[number];

export interface RelatedRef {
	readonly loc: SourceRef;
	readonly message: string;
}

/**
 * Data a quick fix needs, carried by the finding so that fixes stay stateless. `kind` names the fix
 * (one file per fix in the server); the other fields are the fix's own parameters.
 */
export interface FixData {
	readonly kind: string;
	readonly [key: string]: unknown;
}

export interface Finding {
	readonly id: FindingId;
	readonly severity: Severity;
	/** What the kernel will do, in one or two sentences. */
	readonly message: string;
	readonly loc: SourceRef;
	/** Every other place involved. */
	readonly related: readonly RelatedRef[];
	readonly fix?: FixData;
}
