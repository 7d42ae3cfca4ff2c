/**
 * The iommu-lens extensions to LSP: every custom request, notification and command id shared by the
 * server (server/src/lsp) and its clients (the VS Code extension, editors' configs, tests). Imports
 * only vscode-languageserver-protocol. Human documentation: ext.md beside this file (its first line
 * holds this file's sha256, checked by test/protocol/ext-doc.test.ts).
 */
import { NotificationType, RequestType, type Location, type TextDocumentIdentifier } from 'vscode-languageserver-protocol';

/** The what-ifs of a simulation (all optional; empty = the board as written). Mirrors the emulator's `Scenario`. */
export interface ScenarioParams {
	name?: string;
	/** Kernel version `X.Y` (default: the `iommuLens.kernel` setting, else the newest). */
	kernel?: string;
	/** Nodes to disable / enable, by path or label. */
	disable?: string[];
	enable?: string[];
	/** Driver build overrides by driver name. */
	drivers?: Record<string, 'y' | 'm' | 'n'>;
	unloadedModules?: string[];
	iommuDriverOrder?: string[];
	iommuPassthrough?: boolean;
	armSmmuDisableBypass?: boolean;
	kconfigDisableBypassByDefault?: boolean;
	deferredProbeTimeout?: number;
}

export interface SimulateParams {
	/** Any file of the build context (a board, or a .dtsi analysed inside its context). */
	textDocument: TextDocumentIdentifier;
	scenario: ScenarioParams;
}

export interface SimulateMaster {
	path: string;
	/** The outcome in the default order, as one line (e.g. `translated by /soc@0/iommu@15000000`). */
	outcome: string;
	/** Every distinct outcome over the orders the kernel could take. */
	outcomes: string[];
	orderDependent: boolean;
	iommu?: string;
	location: Location;
}

export interface SimulateResult {
	/** The board file (URI) of the build context that was simulated. */
	context: string;
	kernel: string;
	/** Scenario entries that could not be applied (the rest still ran). */
	errors: string[];
	/** The default order's probe trace. */
	trace: Array<{ seq: number; at: string; action: string; driver?: string; node?: string; detail: string; location?: Location }>;
	masters: SimulateMaster[];
	instances: Array<{ path: string; driver?: string; state: string; states: string[]; location: Location }>;
	/** Masters whose outcomes differ from the board as written (empty for an empty scenario). */
	diff: Array<{ path: string; before: string[]; after: string[]; summary: string }>;
}

export interface TopologyParams {
	textDocument: TextDocumentIdentifier;
}

export type TopologyNodeKind = 'master' | 'iommu' | 'memory-region' | 'remoteproc' | 'rpmsg-edge' | 'rpmsg-channel' | 'fastrpc' | 'compute-context';

export interface TopologyNode {
	/** The devicetree path (unique per kind; a PCI function adds ` rid 0x...`). */
	id: string;
	kind: TopologyNodeKind;
	label: string;
	available: boolean;
	/** Kind-specific facts as short strings (compatible, plugin, sid, ranges, family, ...). */
	detail: Record<string, string>;
	location: Location;
}

export type TopologyEdgeKind = 'iommus' | 'iommu-map' | 'memory-region' | 'edge' | 'channel' | 'compute-cb';

export interface TopologyEdge {
	from: string;
	to: string;
	kind: TopologyEdgeKind;
	/** E.g. the stream id cells as hex, or the channel names. */
	label?: string;
	/** Where the edge is written (the phandle cell, the child node). */
	location: Location;
}

export interface TopologyResult {
	context: string;
	kernel: string;
	nodes: TopologyNode[];
	edges: TopologyEdge[];
}

export interface BuildContextsParams {
	textDocument: TextDocumentIdentifier;
}

export type BuildContextReason = 'self' | 'setting' | 'user' | 'open-board' | 'nearest' | 'none';

export interface BuildContextsResult {
	/** The board (URI) the file is analysed in; undefined when no board includes it. */
	current?: string;
	reason: BuildContextReason;
	/** Every board found that includes the file, nearest first (include depth, then path). */
	candidates: Array<{ uri: string; depth: number }>;
}

export interface SetBuildContextParams {
	textDocument: TextDocumentIdentifier;
	/** A board URI, or null to go back to the automatic choice. */
	context: string | null;
}

export type ServerState = 'starting' | 'analysing' | 'ready' | 'error';

export interface StatusParams {
	state: ServerState;
	/** The file the status is about, if any. */
	uri?: string;
	/** Its build context (board URI). */
	context?: string;
	/** How the context was chosen. */
	reason?: BuildContextReason;
	/** Kernel version emulated (`X.Y`) and its era (`pre-4.19`, `per-bus`, `per-device`). */
	kernel?: string;
	era?: string;
	/** Milliseconds the last analysis took. */
	elapsedMs?: number;
	message?: string;
}

export namespace SimulateRequest {
	export const method = 'iommuLens/simulate' as const;
	export const type = new RequestType<SimulateParams, SimulateResult | null, void>(method);
}

export namespace TopologyRequest {
	export const method = 'iommuLens/topology' as const;
	export const type = new RequestType<TopologyParams, TopologyResult | null, void>(method);
}

export namespace BuildContextsRequest {
	export const method = 'iommuLens/buildContexts' as const;
	export const type = new RequestType<BuildContextsParams, BuildContextsResult, void>(method);
}

export namespace SetBuildContextRequest {
	export const method = 'iommuLens/setBuildContext' as const;
	export const type = new RequestType<SetBuildContextParams, BuildContextsResult, void>(method);
}

export namespace StatusNotification {
	export const method = 'iommuLens/status' as const;
	export const type = new NotificationType<StatusParams>(method);
}

/**
 * Commands the server executes (`workspace/executeCommand`); the code lenses use them (their ids
 * match server/src/ide's IDE_COMMANDS). The first argument is a file of the context, as a URI or an
 * absolute path (the lenses pass the board's path).
 */
export const Commands = {
	/** args: [file, ScenarioParams | iommuPath?] → SimulateResult (an IOMMU path keeps its masters only). */
	simulate: 'iommuLens.simulate',
	/** args: [file] → TopologyResult. */
	topology: 'iommuLens.topology',
	/** args: [file, masterPath] → DmaPathResult. */
	showDmaPath: 'iommuLens.showDmaPath',
} as const;

/** One master's DMA path: its simulated outcome and its topology edges (iommus, memory regions). */
export interface DmaPathResult {
	context: string;
	master: SimulateMaster | null;
	edges: TopologyEdge[];
}

/** The settings (`iommuLens.*`, also accepted as `initializationOptions.settings`). */
export interface Settings {
	/** Extra `-I` folders (after the kernel tree's defaults), relative to the workspace folder. */
	includePaths: string[];
	/** `NAME` or `NAME=VALUE`. */
	defines: string[];
	/** Kernel version `X.Y` to emulate; empty: the newest. */
	kernel: string;
	/** SoC profile JSON file. */
	profile: string;
	/** Driver C source folders; Kconfig tree; .config file. */
	driverRoots: string[];
	kconfig: string;
	config: string;
	/** The board the .dtsi files are analysed in (path or URI); empty: automatic. */
	buildContext: string;
}

/** Where a finding id is documented: the `codeDescription.href` of every diagnostic. */
export const findingDocUrl = (id: string): string => `https://github.com/iommu-lens/iommu-lens/blob/main/docs/findings/${id}.md`;
