/**
 * rpmsg façade: remote processors with their edges, channels, carveouts and memory view, and
 * FastRPC channels with their compute context banks and sessions. Plain data with source refs.
 */
export {
	type Carveout,
	isEdgeNode,
	populatedByRpmsgDriver,
	RPMSG_ROLE_NAMES,
	type RpmsgNodeRole,
	rpmsgNodeRole,
	type RemoteMemoryView,
	remoteMemoryView,
	type RemoteProcessor,
	remoteProcessors,
	type RemoteprocFamily,
	remoteprocFamily,
	type RpmsgChannel,
	type RpmsgChannelKind,
	type RpmsgEdge,
} from './remoteproc';
export {
	FASTRPC_DOMAINS,
	FASTRPC_MAX_SESSIONS,
	type FastrpcChannel,
	fastrpcChannels,
	type FastrpcComputeCb,
	type FastrpcIommuRef,
	type FastrpcLabelStatus,
	fastrpcLabelStatus,
	type FastrpcSession,
} from './fastrpc';
