/**
 * The editor features in editor terms: file paths, 0-based positions, spans, markdown strings. No LSP
 * types here (server/src/lsp converts); no IO (everything read is in the snapshot).
 */
import type { iommu, probe } from '../../../emulator/src';
import type { Position, Span } from '../base/source';
import type { BoardAnalysis, ReportItem } from '../model/analysis';

/**
 * One analysed build context: a board (and what it includes), analysed once per version of its
 * inputs. Every feature reads a snapshot; none changes it.
 */
export interface BoardSnapshot {
	/** The board file that was resolved (the build context). */
	readonly board: string;
	readonly analysis: BoardAnalysis;
	/** The text of any file the analysis read (open documents win over the disk), by path. */
	text(path: string): string | undefined;
	/** The IOMMU topology of the board (built on first use, then kept). */
	topology(): iommu.Topology;
	/** The document-order attach simulation (built on first use, then kept). */
	attach(): iommu.AttachReport;
	/**
	 * The driver facts the analysis used: read from C sources when the board was analysed with driver
	 * sources (then they carry `compatibleLocs` for compatible → C navigation), else the built-in table.
	 * Optional: features fall back to the built-in table of the simulation's kernel.
	 */
	driverFacts?(): readonly probe.DriverFacts[];
}

/** A place in a file the user pointed at. */
export interface IdeQuery {
	readonly file: string;
	readonly position: Position;
}

export interface HoverResult {
	/** Markdown, compact; chains in a fenced block, one hop per line. */
	readonly markdown: string;
	/** The range the hover is about (highlighted by the editor). */
	readonly span: Span;
}

export type SymbolKind = 'node' | 'property' | 'label' | 'macro';

export interface DocumentSymbol {
	readonly name: string;
	readonly detail?: string;
	readonly kind: SymbolKind;
	/** The whole construct. */
	readonly span: Span;
	/** The name (what the editor selects). */
	readonly selectionSpan: Span;
	readonly children: readonly DocumentSymbol[];
}

export interface WorkspaceSymbol {
	readonly name: string;
	readonly kind: SymbolKind;
	/** The node path or the file, for display. */
	readonly container?: string;
	readonly span: Span;
}

export interface DocumentLink {
	readonly span: Span;
	/** The resolved file. */
	readonly target: string;
}

/** Command ids of the code lenses (the client registers them). */
export const IDE_COMMANDS = {
	/** Args: `[board, iommuPath?]`: run the probe-order simulation (focused on one IOMMU node when given). */
	simulate: 'iommuLens.simulate',
	/** Args: `[board, masterPath]`: show a master's DMA path (streams, IOMMU, outcome). */
	showDmaPath: 'iommuLens.showDmaPath',
} as const;

/** A command a code lens runs (the client knows the command ids; see server/src/protocol). */
export interface CodeLens {
	readonly span: Span;
	readonly title: string;
	readonly command: string;
	readonly args: readonly unknown[];
}

export interface InlayHint {
	readonly file: string;
	/** Where the hint is drawn (before the character at this position). */
	readonly position: Position;
	readonly label: string;
	readonly kind: 'parameter' | 'type';
	/** Pad before/after the label. */
	readonly paddingLeft?: boolean;
	readonly paddingRight?: boolean;
}

/** One text edit. Edits of one fix never overlap. */
export interface TextEdit {
	readonly span: Span;
	readonly newText: string;
}

export interface QuickFix {
	readonly title: string;
	/** The finding (report item) id it fixes. */
	readonly fixes: string;
	readonly edits: readonly TextEdit[];
	/** True for the fix the editor offers first. */
	readonly preferred?: boolean;
}

export type { ReportItem };
