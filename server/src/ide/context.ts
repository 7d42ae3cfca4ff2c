/**
 * What several editor features read about a snapshot, computed once per snapshot (kept on it: `KeyedCache`): the
 * emulator's views of nodes, the IOMMU instances and masters by path, the probe outcomes, the driver
 * facts, and the `file:line` formatter of the hovers.
 */
import { address, iommu, probe, scenario, type DtNodeView, type SourceRef } from '../../../emulator/src';
import { defaultPlace, explainNode, type PlaceFormatter, type Section } from '../model/explain';
import type { DtNode } from '../dts/types';
import type { BoardSnapshot } from './types';
import { KeyedCache } from '../../../emulator/src/keyed-cache';

export interface IdeContext {
	readonly snapshot: BoardSnapshot;
	readonly place: PlaceFormatter;
	view(node: DtNode): DtNodeView | undefined;
	/** The IOMMU instance a node is, if it is one. */
	instance(path: string): iommu.IommuInstanceInfo | undefined;
	/** The attach-simulation masters of a node (a PCI host has one per RID). */
	masters(path: string): readonly iommu.MasterInfo[];
	/** Masters with an entry on the IOMMU at `path`. */
	mastersOf(iommuPath: string): readonly iommu.MasterInfo[];
	/** The probe simulation's result for a master node. */
	probeMaster(path: string): probe.MasterResult | undefined;
	probeInstance(path: string): probe.InstanceResult | undefined;
	/** The driver facts the simulation used (C facts when the snapshot has them, else the built-in table). */
	driverFacts(): readonly probe.DriverFacts[];
	readonly version: probe.KernelVersion;
	/** `explainNode` of a node (kept). */
	explain(node: DtNodeView, rid?: bigint): Section[];
	reservedMemory(): address.ReservedMemory;
	/** A short name of a node: `&label` or its path. */
	short(path: string): string;
}

const cache = new KeyedCache<BoardSnapshot, IdeContext>('ide context');

export function ideContext(snapshot: BoardSnapshot): IdeContext {
	let c = cache.get(snapshot);
	if (!c) {
		c = build(snapshot);
		cache.set(snapshot, c);
	}
	return c;
}

function build(snapshot: BoardSnapshot): IdeContext {
	const { analysis } = snapshot;
	const view = analysis.view;
	const board = snapshot.board;
	const place = defaultPlace(board.includes('/') ? board.slice(0, board.lastIndexOf('/')) : '');
	const result = analysis.simulation.result;
	const parsed = probe.tryParseKernelVersion(result.version);
	const version = parsed.ok ? parsed.version : probe.NEWEST_KERNEL;
	let byPath: Map<string, iommu.MasterInfo[]> | undefined;
	let byIommu: Map<string, iommu.MasterInfo[]> | undefined;
	const indexMasters = (): void => {
		if (byPath) return;
		byPath = new Map();
		byIommu = new Map();
		for (const m of snapshot.topology().masters) {
			const p = m.ref.node.path;
			const l = byPath.get(p);
			if (l) l.push(m);
			else byPath.set(p, [m]);
			for (const iommuPath of new Set(m.entries.map((e) => e.instance?.path).filter((x): x is string => x !== undefined))) {
				const li = byIommu.get(iommuPath);
				if (li) li.push(m);
				else byIommu.set(iommuPath, [m]);
			}
		}
	};
	const probeMasters = new Map(result.masters.map((m) => [m.path, m]));
	const probeInstances = new Map(result.instances.map((m) => [m.path, m]));
	let facts: readonly probe.DriverFacts[] | undefined;
	const explained = new Map<string, Section[]>();
	let rm: address.ReservedMemory | undefined;
	return {
		snapshot,
		place,
		version,
		view: (node) => view.byPath(node.path),
		instance: (path) => snapshot.topology().instanceByPath.get(path),
		masters(path) {
			indexMasters();
			return byPath!.get(path) ?? [];
		},
		mastersOf(path) {
			indexMasters();
			return byIommu!.get(path) ?? [];
		},
		probeMaster: (path) => probeMasters.get(path),
		probeInstance: (path) => probeInstances.get(path),
		driverFacts() {
			facts ??= snapshot.driverFacts?.() ?? probe.builtinDriverFacts(version);
			return facts;
		},
		explain(node, rid) {
			const key = rid === undefined ? node.path : `${node.path}#${rid}`;
			let s = explained.get(key);
			if (!s) {
				s = explainNode(view, node, { place, topology: snapshot.topology(), report: snapshot.attach(), ...(rid !== undefined ? { rid } : {}) });
				explained.set(key, s);
			}
			return s;
		},
		reservedMemory() {
			rm ??= address.reservedMemory(view);
			return rm;
		},
		short(path) {
			const n = view.byPath(path);
			return n?.labels[0] ? `&${n.labels[0]}` : path;
		},
	};
}

/** A master outcome in one line (the probe model's words). */
export function outcomeText(o: probe.MasterOutcome): string {
	return scenario.describeOutcome(o);
}

export type { SourceRef };
