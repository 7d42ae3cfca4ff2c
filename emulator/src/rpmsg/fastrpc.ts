/**
 * FastRPC channels as drivers/misc/fastrpc.c sets them up: `fastrpc_rpmsg_probe()` on the
 * `qcom,fastrpc` rpmsg channel (label → domain, `qcom,vmids`), then `of_platform_populate()` of
 * its children and `fastrpc_cb_probe()` on each `qcom,fastrpc-compute-cb` in document order
 * (session id = `reg`, `qcom,nsessions` copies, at most FASTRPC_MAX_SESSIONS per channel). The DSP
 * sees a buffer at `iova | (sid << 32)` (`fastrpc_buf_alloc()`).
 */
import { compatibles, isAvailable, isAvailableInTree, parsePhandleArgs, str, strings, u32, u32s, walk } from '../dt/props';
import type { DtNodeView, DtView, SourceRef } from '../types';
import { isEdgeNode } from './remoteproc';
import { KeyedCache } from '../keyed-cache';

/** `FASTRPC_MAX_SESSIONS` of drivers/misc/fastrpc.c. */
export const FASTRPC_MAX_SESSIONS = 14;

/** The domains of `fastrpc_rpmsg_probe()`, with their `*_DOMAIN_ID`. */
export const FASTRPC_DOMAINS: Readonly<Record<string, number>> = { adsp: 0, mdsp: 1, sdsp: 2, cdsp: 3, gdsp: 4 };

/**
 * How the kernel reads `label`: `ok` in every version (exactly adsp/mdsp/sdsp/cdsp); `newer-only`
 * when only kernels with the 4-character prefix match (`cdsp1`, `gdsp0`, ...) accept it; `invalid`;
 * `missing`.
 */
export type FastrpcLabelStatus = 'ok' | 'newer-only' | 'invalid' | 'missing';

/** One session slot of a channel (`cctx->session[i]`). */
export interface FastrpcSession {
	readonly index: number;
	readonly sid: number;
	/** The compute-cb node the session belongs to. */
	readonly cb: string;
	/** True for the copies `qcom,nsessions` adds. */
	readonly duplicate: boolean;
	/** The address base the DSP sees for this session's buffers: `sid << 32` (0 for sid 0). */
	readonly dspAddressBase: bigint;
}

/** One `iommus` entry of a compute context bank (decoding the cells is the IOMMU part's job). */
export interface FastrpcIommuRef {
	readonly iommu?: string;
	readonly args: readonly bigint[];
	readonly loc: SourceRef;
	/** False when the IOMMU node is disabled. */
	readonly iommuAvailable: boolean;
}

/** A `qcom,fastrpc-compute-cb` child: one platform device, one IOMMU master. */
export interface FastrpcComputeCb {
	readonly node: string;
	readonly loc: SourceRef;
	readonly available: boolean;
	/** `reg`, undefined when absent ("FastRPC Session ID not specified in DT" → sid 0). */
	readonly reg?: number;
	readonly regLoc?: SourceRef;
	readonly sid: number;
	/** `qcom,nsessions` (0 when absent, which means one session). */
	readonly nsessions: number;
	readonly nsessionsLoc?: SourceRef;
	/** The slots this CB got. */
	readonly sessions: readonly FastrpcSession[];
	/** True when `fastrpc_cb_probe()` fails with "too many sessions" (-ENOSPC). */
	readonly tooManySessions: boolean;
	/** Copies requested by `qcom,nsessions` but silently dropped at the 14-session limit. */
	readonly droppedCopies: number;
	readonly iommus: readonly FastrpcIommuRef[];
	readonly iommusLoc?: SourceRef;
	/** `dma_set_mask(dev, DMA_BIT_MASK(32))` in `fastrpc_cb_probe()`. */
	readonly dmaMaskBits: 32;
}

/** A `qcom,fastrpc` node. */
export interface FastrpcChannel {
	readonly node: string;
	readonly loc: SourceRef;
	readonly available: boolean;
	readonly label?: string;
	readonly labelLoc?: SourceRef;
	readonly labelStatus: FastrpcLabelStatus;
	/** The `*_DOMAIN_ID`, when the label is accepted by some kernel. */
	readonly domainId?: number;
	/** The enclosing `glink-edge`/`smd-edge`, if the node is a channel of one. */
	readonly edge?: string;
	readonly edgeKind?: 'glink' | 'smd';
	/** The remote processor owning the edge. */
	readonly remoteproc?: string;
	readonly channelNames: readonly string[];
	readonly vmids: readonly number[];
	/** `qcom,non-secure-domain` absent → `/dev/fastrpc-<label>-secure` (cdsp registers both). */
	readonly secure: boolean;
	readonly computeCbs: readonly FastrpcComputeCb[];
	/** Every session slot in order (what `cctx->session[]` holds after all CBs probed). */
	readonly sessions: readonly FastrpcSession[];
	/** Σ max(1, nsessions) over the CBs, before the limit. */
	readonly requestedSessions: number;
}

/** How the kernel reads a `label`. */
export function fastrpcLabelStatus(label: string | undefined): { status: FastrpcLabelStatus; domainId?: number } {
	if (label === undefined) return { status: 'missing' };
	if (['adsp', 'mdsp', 'sdsp', 'cdsp'].includes(label)) return { status: 'ok', domainId: FASTRPC_DOMAINS[label] as number };
	const prefix = label.slice(0, 4);
	if (label.length >= 4 && prefix in FASTRPC_DOMAINS) return { status: 'newer-only', domainId: FASTRPC_DOMAINS[prefix] as number };
	return { status: 'invalid' };
}

/** Builds one channel. */
function channelOf(view: DtView, node: DtNodeView): FastrpcChannel {
	const labelProp = node.property('label');
	const label = str(node, 'label');
	const { status, domainId } = fastrpcLabelStatus(label);
	const edgeNode = node.parent && isEdgeNode(node.parent) ? node.parent : undefined;
	const edgeKind = edgeNode ? (edgeNode.name.startsWith('glink-edge') ? ('glink' as const) : ('smd' as const)) : undefined;
	const sessions: FastrpcSession[] = [];
	const cbs: FastrpcComputeCb[] = [];
	let requested = 0;
	for (const child of node.children) {
		if (!compatibles(child).includes('qcom,fastrpc-compute-cb')) continue;
		const available = isAvailable(child);
		const regProp = child.property('reg');
		const reg = regProp && regProp.bytes.length >= 4 ? u32(child, 'reg') : undefined;
		const sid = reg ?? 0;
		const nsProp = child.property('qcom,nsessions');
		const nsessions = u32(child, 'qcom,nsessions') ?? 0;
		const iommusProp = child.property('iommus');
		const iommus = parsePhandleArgs(view, child, 'iommus', '#iommu-cells').map((e) => ({
			...(e.target ? { iommu: e.target.path } : {}),
			args: e.args,
			loc: e.loc,
			iommuAvailable: e.target ? isAvailable(e.target) : false,
		}));
		const mine: FastrpcSession[] = [];
		let tooMany = false;
		let dropped = 0;
		if (available) {
			requested += Math.max(1, nsessions);
			if (sessions.length >= FASTRPC_MAX_SESSIONS) tooMany = true;
			else {
				const total = Math.max(1, nsessions);
				for (let i = 0; i < total; i++) {
					if (sessions.length >= FASTRPC_MAX_SESSIONS) {
						dropped = total - i;
						break;
					}
					const s: FastrpcSession = { index: sessions.length, sid, cb: child.path, duplicate: i > 0, dspAddressBase: BigInt(sid) << 32n };
					sessions.push(s);
					mine.push(s);
				}
			}
		}
		cbs.push({
			node: child.path,
			loc: child.loc,
			available,
			...(reg !== undefined ? { reg } : {}),
			...(regProp ? { regLoc: regProp.loc } : {}),
			sid,
			nsessions,
			...(nsProp ? { nsessionsLoc: nsProp.loc } : {}),
			sessions: mine,
			tooManySessions: tooMany,
			droppedCopies: dropped,
			iommus,
			...(iommusProp ? { iommusLoc: iommusProp.loc } : {}),
			dmaMaskBits: 32,
		});
	}
	const remoteproc = edgeNode?.parent;
	return {
		node: node.path,
		loc: node.loc,
		available: isAvailableInTree(node),
		...(label !== undefined ? { label } : {}),
		...(labelProp ? { labelLoc: labelProp.loc } : {}),
		labelStatus: status,
		...(domainId !== undefined ? { domainId } : {}),
		...(edgeNode ? { edge: edgeNode.path } : {}),
		...(edgeKind ? { edgeKind } : {}),
		...(remoteproc ? { remoteproc: remoteproc.path } : {}),
		channelNames: strings(node.property(edgeKind === 'smd' ? 'qcom,smd-channels' : 'qcom,glink-channels')),
		vmids: u32s(node.property('qcom,vmids')) ?? [],
		secure: node.property('qcom,non-secure-domain') === undefined,
		computeCbs: cbs,
		sessions,
		requestedSessions: requested,
	};
}

/** Every `qcom,fastrpc` node of the tree, in document order, with its sessions. */
export function fastrpcChannels(view: DtView): FastrpcChannel[] {
	// Several checks ask: read the channels once per view (a view never changes), a new list each time.
	let known = channelsCache.get(view);
	if (!known) {
		const channels: FastrpcChannel[] = [];
		const all = walk(view.root);
		for (let idx = 0; idx < all.length; idx++) {
			const node = all[idx] as DtNodeView;
			if (compatibles(node).includes('qcom,fastrpc')) channels.push(channelOf(view, node));
		}
		known = channels;
		channelsCache.set(view, known);
	}
	return [...known];
}

const channelsCache = new KeyedCache<DtView, readonly FastrpcChannel[]>('fastrpc channels');
