/**
 * The iommu-lens extensions to LSP, as the client sees them: a re-export of the server's
 * server/src/protocol/ext.ts (which imports only vscode-languageserver-protocol, so bundling it here
 * pulls in nothing else). The client never imports other server code.
 */
export {
	BuildContextsRequest,
	Commands,
	SetBuildContextRequest,
	SimulateRequest,
	StatusNotification,
	TopologyRequest,
	type BuildContextReason,
	type BuildContextsResult,
	type DmaPathResult,
	type ScenarioParams,
	type ServerState,
	type Settings,
	type SimulateResult,
	type StatusParams,
	type TopologyResult,
} from '../../server/src/protocol/ext';
