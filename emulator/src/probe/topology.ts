/**
 * The part of the tree the probe-order model reads: IOMMU provider nodes (`#iommu-cells`) and DMA
 * masters (`iommus`, `iommu-map`). Deliberately independent of the IOMMU models (emulator/src/iommu):
 * only which master points at which provider matters for probe order.
 */
import { compatibles, isAvailableInTree, parsePhandleArgs, u32, u32s, walk } from '../dt/props';
import type { DtNodeView, DtView, SourceRef } from '../types';
import type { BusName } from './drivers';
import { rpmsgNodeRole, type RpmsgNodeRole } from '../rpmsg/remoteproc';

/** An IOMMU provider node: a node with `#iommu-cells`. */
export interface ProviderNode {
	readonly node: DtNodeView;
	readonly path: string;
	/** `of_device_is_available()` of the node and every ancestor. */
	readonly available: boolean;
	readonly compatibles: readonly string[];
	readonly iommuCells: number | undefined;
}

/** One reference from a master to a provider (an `iommus` entry or an `iommu-map` entry). */
export interface MasterLink {
	readonly target: DtNodeView | undefined;
	readonly args: readonly bigint[];
	readonly loc: SourceRef;
	/** Why the kernel cannot use the entry, when it cannot. */
	readonly error?: 'no-target' | 'no-cells-property' | 'truncated' | 'not-an-iommu';
}

/** A DMA master: an available node with `iommus` (the device itself) or `iommu-map` (its PCI functions). */
export interface MasterNode {
	readonly node: DtNodeView;
	readonly path: string;
	/** `iommus`: the node's own device; `iommu-map`: the PCI functions below the host bridge. */
	readonly via: 'iommus' | 'iommu-map';
	/** The bus the DMA master sits on: `pci` for `iommu-map`, `amba` for `arm,primecell`, else `platform`. */
	readonly bus: BusName;
	readonly links: readonly MasterLink[];
	/** The property the master's links come from. */
	readonly loc: SourceRef;
	/**
	 * Set when the node is a GLINK/SMD edge, rpmsg channel or APR/GPR service (`rpmsgNodeRole`): not a
	 * platform device, so the kernel never calls `of_dma_configure()` for it and its `iommus` is ignored.
	 */
	readonly rpmsgRole?: RpmsgNodeRole;
}

/** Providers (all, whatever their status) and available masters, in document order. */
export interface Topology {
	readonly providers: readonly ProviderNode[];
	readonly masters: readonly MasterNode[];
}

/** Scans the tree for IOMMU providers and their masters. */
export function scanTopology(view: DtView): Topology {
	const providers: ProviderNode[] = [];
	const masters: MasterNode[] = [];
	const all = walk(view.root);
	for (let idx = 0; idx < all.length; idx++) {
		const node = all[idx] as DtNodeView;
		if (node.property('#iommu-cells')) {
			providers.push({ node, path: node.path, available: isAvailableInTree(node), compatibles: compatibles(node), iommuCells: u32(node, '#iommu-cells') });
		}
		if (!isAvailableInTree(node)) continue;
		const role = rpmsgNodeRole(node);
		const roleField = role ? { rpmsgRole: role } : {};
		const iommus = node.property('iommus');
		if (iommus) {
			const links: MasterLink[] = parsePhandleArgs(view, node, 'iommus', '#iommu-cells').map((e) => ({
				target: e.target,
				args: e.args,
				loc: e.loc,
				...(e.error ? { error: e.error } : {}),
			}));
			const bus: BusName = compatibles(node).includes('arm,primecell') ? 'amba' : 'platform';
			masters.push({ node, path: node.path, via: 'iommus', bus, links, loc: iommus.loc, ...roleField });
		}
		const map = node.property('iommu-map');
		if (map) {
			const cells = u32s(map) ?? [];
			const links: MasterLink[] = [];
			// The classic form: <id-base &target out-base length>, the phandle at every 4th cell from index 1.
			for (let i = 0; i + 3 < cells.length; i += 4) {
				const target = view.byPhandle(cells[i + 1] as number);
				const error = target === undefined ? 'no-target' : target.property('#iommu-cells') ? undefined : 'not-an-iommu';
				links.push({ target, args: [BigInt(cells[i + 2] as number)], loc: map.entryLoc(i, 4), ...(error ? { error } : {}) });
			}
			masters.push({ node, path: node.path, via: 'iommu-map', bus: 'pci', links, loc: map.loc, ...roleField });
		}
	}
	return { providers, masters };
}
