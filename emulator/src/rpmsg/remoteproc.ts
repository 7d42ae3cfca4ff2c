/**
 * Remote processors, their GLINK/SMD edges and rpmsg channel nodes, their carveouts and the
 * memory each remote can reach. Roles follow the seed thread: a channel is a software endpoint
 * (an rpmsg device, never `of_dma_configure`d); only platform devices are DMA masters.
 */
import type { AddrRange } from '../addr';
import { dmaView, dmaWindowsOf } from '../address/dma';
import { type ReservedMemory, type ReservedRegion, regionByPath, reservedMemory } from '../address/reserved';
import { compatibles, isAvailableInTree, parsePhandleArgs, strings, u32s, walk } from '../dt/props';
import type { DtNodeView, DtView, SourceRef } from '../types';

/** The driver family a remote processor binds to, which decides its `memory-region` rules. */
export type RemoteprocFamily = 'qcom-pas' | 'ti-k3-r5f' | 'ti-k3-dsp' | 'ti-k3-m4' | 'ti-omap' | 'generic' | 'edge-only';

/** What an rpmsg channel node is. */
export type RpmsgChannelKind = 'fastrpc' | 'apr' | 'gpr' | 'other';

/** A child of a GLINK/SMD edge: one rpmsg channel device. */
export interface RpmsgChannel {
	readonly node: string;
	readonly name: string;
	readonly loc: SourceRef;
	readonly kind: RpmsgChannelKind;
	readonly compatibles: readonly string[];
	/** `qcom,glink-channels` or `qcom,smd-channels`. */
	readonly channelNames: readonly string[];
	/** The `iommus` property, if any (ignored by the kernel on a channel). */
	readonly iommusLoc?: SourceRef;
	/** Service nodes of an APR/GPR channel (devices on the APR bus, not platform devices). */
	readonly services: readonly string[];
}

/** A `glink-edge` or `smd-edge` node. */
export interface RpmsgEdge {
	readonly node: string;
	readonly kind: 'glink' | 'smd';
	readonly loc: SourceRef;
	readonly channels: readonly RpmsgChannel[];
}

/** One `memory-region` entry of a remote processor. */
export interface Carveout {
	readonly index: number;
	readonly name?: string;
	/** The phandle cell. */
	readonly loc: SourceRef;
	/** Path of the target, undefined when the phandle resolves to nothing. */
	readonly target?: string;
	/** The reserved-memory region, when the target is one. */
	readonly region?: ReservedRegion;
}

/** How the remote sees memory. */
export interface RemoteMemoryView {
	/**
	 * `iommu`: the remote's DMA goes through its own `iommus` (any IOVA can be mapped);
	 * `windows`: only the CPU ranges in `windows` are reachable (its own or its bus's `dma-ranges`);
	 * `physical`: the remote sees CPU physical addresses 1:1.
	 */
	readonly kind: 'iommu' | 'windows' | 'physical';
	readonly windows: readonly AddrRange[];
	/** The node and property that define the view. */
	readonly source?: { readonly node: string; readonly loc: SourceRef };
	/** The IOMMU nodes of `iommus`, for `iommu`. */
	readonly iommus: readonly string[];
}

/** A remote processor node. */
export interface RemoteProcessor {
	readonly node: string;
	readonly name: string;
	readonly loc: SourceRef;
	readonly compatibles: readonly string[];
	readonly family: RemoteprocFamily;
	readonly available: boolean;
	readonly edges: readonly RpmsgEdge[];
	readonly carveouts: readonly Carveout[];
	/** The `memory-region` property, if any. */
	readonly memoryRegionLoc?: SourceRef;
	readonly view: RemoteMemoryView;
}

/** The family of a remoteproc compatible, or undefined when the compatible is not a remoteproc. */
export function remoteprocFamily(compat: readonly string[]): RemoteprocFamily | undefined {
	for (const c of compat) {
		let family = families.get(c);
		if (family === undefined) {
			family = familyOf(c) ?? null;
			families.set(c, family);
		}
		if (family) return family;
	}
	return undefined;
}

/**
 * The family of each compatible string seen (null: none). Most nodes are asked by several checks, and
 * the answer is a pure function of the string, so each string is matched against the patterns once per
 * process (the strings of the boards analysed: a few thousand).
 */
const families = new Map<string, RemoteprocFamily | null>();

const QCOM_PAS = /^qcom,.*-pas$/;
const TI_K3_R5F = /^ti,.*-r5f$/;
const TI_K3_DSP = /^ti,[a-z0-9]+-c(66|71|7xv)-dsp$/;
const TI_K3_M4 = /^ti,.*-m4fss?$/;
const TI_OMAP = /^ti,(omap|dra7)[a-z0-9]*-(ipu|dsp)$/;
const GENERIC = /remoteproc/;
const GENERIC_RPROC = /-rproc$/;

function familyOf(c: string): RemoteprocFamily | undefined {
	if (QCOM_PAS.test(c)) return 'qcom-pas';
	if (TI_K3_R5F.test(c)) return 'ti-k3-r5f';
	if (TI_K3_DSP.test(c)) return 'ti-k3-dsp';
	if (TI_K3_M4.test(c)) return 'ti-k3-m4';
	if (TI_OMAP.test(c)) return 'ti-omap';
	if (GENERIC.test(c) || GENERIC_RPROC.test(c)) return 'generic';
	return undefined;
}

function channelKind(node: DtNodeView): RpmsgChannelKind {
	const compat = compatibles(node);
	if (compat.includes('qcom,fastrpc')) return 'fastrpc';
	if (compat.some((c) => c.startsWith('qcom,apr'))) return 'apr';
	if (compat.includes('qcom,gpr')) return 'gpr';
	return 'other';
}

/** The edges under a node (`glink-edge`/`smd-edge` children, or the node's own `qcom,glink`/`qcom,smd` edge children). */
function edgesOf(node: DtNodeView): RpmsgEdge[] {
	const out: RpmsgEdge[] = [];
	for (const child of node.children) {
		const kind = edgeKindOf(child.name);
		if (!kind) continue;
		out.push({
			node: child.path,
			kind,
			loc: child.loc,
			channels: child.children.map((ch) => {
				const iommus = ch.property('iommus');
				const k = channelKind(ch);
				return {
					node: ch.path,
					name: ch.name,
					loc: ch.loc,
					kind: k,
					compatibles: compatibles(ch),
					channelNames: strings(ch.property(kind === 'glink' ? 'qcom,glink-channels' : 'qcom,smd-channels')),
					...(iommus ? { iommusLoc: iommus.loc } : {}),
					services: k === 'apr' || k === 'gpr' ? ch.children.map((s) => s.path) : [],
				};
			}),
		});
	}
	return out;
}

/** True when `node` is a `glink-edge`/`smd-edge` node. */
export function isEdgeNode(node: DtNodeView): boolean {
	return edgeKindOf(node.name) !== undefined;
}

/**
 * The edge kind a node name (before any `@unit`) names: `glink-edge` or `smd-edge`. Asked of every
 * node several times per board, so it compares in place instead of splitting the name.
 */
function edgeKindOf(name: string): 'glink' | 'smd' | undefined {
	return isNamed(name, 'glink-edge') ? 'glink' : isNamed(name, 'smd-edge') ? 'smd' : undefined;
}

/** True when `name` is `base` or `base@unit`. */
function isNamed(name: string, base: string): boolean {
	return name.startsWith(base) && (name.length === base.length || name.charCodeAt(base.length) === 0x40 /* @ */);
}

/**
 * What a node of a GLINK/SMD edge is to the kernel when it is not a platform device: the edge itself,
 * a channel (a child of the edge: an rpmsg device) or a service of an APR/GPR channel (a device on the
 * APR/GPR bus). None of them goes through `of_dma_configure()`. Undefined for every other node.
 */
export type RpmsgNodeRole = 'edge' | 'channel' | 'service';

/** How messages name each role. */
export const RPMSG_ROLE_NAMES: Readonly<Record<RpmsgNodeRole, string>> = {
	edge: 'GLINK/SMD edge node',
	channel: 'rpmsg channel node',
	service: 'APR/GPR service node',
};

const isAprOrGpr = (node: DtNodeView): boolean => compatibles(node).some((c) => c.startsWith('qcom,apr') || c === 'qcom,gpr');

/** The node's role under a GLINK/SMD edge (see `RpmsgNodeRole`), or undefined when it may be a platform device. */
export function rpmsgNodeRole(node: DtNodeView): RpmsgNodeRole | undefined {
	if (isEdgeNode(node)) return 'edge';
	const parent = node.parent;
	if (parent && isEdgeNode(parent)) return 'channel';
	const grand = parent?.parent;
	if (parent && grand && isEdgeNode(grand) && isAprOrGpr(parent)) return 'service';
	return undefined;
}

/**
 * True for a child of an rpmsg channel or APR/GPR service that its driver turns into a platform device
 * with `of_platform_populate()` (fastrpc's compute-cb nodes, q6asm's `dais`): `of_dma_configure()` runs
 * for it although its parent has `#size-cells = <0>`.
 */
export function populatedByRpmsgDriver(node: DtNodeView): boolean {
	const parent = node.parent;
	if (!parent || rpmsgNodeRole(node) !== undefined) return false;
	const role = rpmsgNodeRole(parent);
	return role === 'service' || (role === 'channel' && compatibles(parent).includes('qcom,fastrpc'));
}

function carveoutsOf(view: DtView, node: DtNodeView, reserved: ReservedMemory): Carveout[] {
	const prop = node.property('memory-region');
	const list = u32s(prop) ?? [];
	if (!prop) return [];
	const names = strings(node.property('memory-region-names'));
	return list.map((phandle, index) => {
		const target = view.byPhandle(phandle);
		const region = target ? regionByPath(reserved, target.path) : undefined;
		const name = names[index];
		return {
			index,
			...(name !== undefined ? { name } : {}),
			loc: prop.entryLoc(index, 1),
			...(target ? { target: target.path } : {}),
			...(region ? { region } : {}),
		};
	});
}

/** The memory a remote reaches: its own `iommus`, else its own or its bus's `dma-ranges`, else 1:1. */
export function remoteMemoryView(view: DtView, node: DtNodeView): RemoteMemoryView {
	const iommus = node.property('iommus');
	if (iommus) {
		const targets = parsePhandleArgs(view, node, 'iommus', '#iommu-cells').flatMap((e) => (e.target ? [e.target.path] : []));
		return { kind: 'iommu', windows: [], source: { node: node.path, loc: iommus.loc }, iommus: targets };
	}
	const own = node.property('dma-ranges');
	if (own && own.bytes.length > 0) {
		const { windows } = dmaWindowsOf(view, node);
		return { kind: 'windows', windows: windows.flatMap((w) => (w.cpu ? [w.cpu] : [])), source: { node: node.path, loc: own.loc }, iommus: [] };
	}
	const dma = dmaView(view, node);
	if (dma.status === 'windows') {
		const owner = dma.windows[0]?.owner ?? node.path;
		const ownerNode = view.byPath(owner);
		const loc = ownerNode?.property('dma-ranges')?.loc ?? node.loc;
		return { kind: 'windows', windows: dma.windows.flatMap((w) => (w.cpu ? [w.cpu] : [])), source: { node: owner, loc }, iommus: [] };
	}
	return { kind: 'physical', windows: [], iommus: [] };
}

/**
 * Every remote processor of the tree: nodes with a remoteproc compatible, and nodes that only
 * carry a `glink-edge`/`smd-edge` child. Document order.
 */
export function remoteProcessors(view: DtView, reserved: ReservedMemory = reservedMemory(view)): RemoteProcessor[] {
	const out: RemoteProcessor[] = [];
	const all = walk(view.root);
	for (let idx = 0; idx < all.length; idx++) {
		const node = all[idx] as DtNodeView;
		const compat = compatibles(node);
		const edges = edgesOf(node);
		const family = remoteprocFamily(compat) ?? (edges.length > 0 ? 'edge-only' : undefined);
		if (!family) continue;
		const mr = node.property('memory-region');
		out.push({
			node: node.path,
			name: node.name,
			loc: node.loc,
			compatibles: compat,
			family,
			available: isAvailableInTree(node),
			edges,
			carveouts: carveoutsOf(view, node, reserved),
			...(mr ? { memoryRegionLoc: mr.loc } : {}),
			view: remoteMemoryView(view, node),
		});
	}
	return out;
}
