/**
 * What the IOMMU checks share: one cached topology and document-order simulation per check context,
 * and the pairwise relations between stream claims on one IOMMU instance (the arithmetic of
 * `arm_smmu_find_sme()` applied to every pair, and exact-ID sharing for the other models).
 */
import type { CheckContext } from '../checks/context';
import type { DtNodeView, RelatedRef, SourceRef } from '../types';
import { entryRange, type IdMapEntry, type ParsedIdMap } from './idmap';
import { matchesAnyInRange, smrCovers, smrOverlaps } from './model-util';
import { attach, buildTopology, defaultTopology, type AttachReport, type IommuInstanceInfo, type MasterEntry, type MasterInfo, type Topology } from './topology';
import { KeyedCache } from '../keyed-cache';

const topologies = new KeyedCache<CheckContext, Topology>('topology');
const reports = new KeyedCache<Topology, AttachReport>('attach report');

/**
 * The topology of the context's tree (built once per context; with only a kernel era as options,
 * the one the probe simulation of the same view uses, see `defaultTopology`).
 */
export function topologyFor(ctx: CheckContext): Topology {
	let t = topologies.get(ctx);
	if (!t) {
		const o = ctx.iommu;
		const plain = !o || (o.plugins === undefined && o.profiles === undefined && o.pciRids === undefined);
		t = plain ? defaultTopology(ctx.view, o?.era) : buildTopology(ctx.view, o);
		topologies.set(ctx, t);
	}
	return t;
}

/** The document-order simulation of a topology (run once). */
export function documentOrderAttach(t: Topology): AttachReport {
	let r = reports.get(t);
	if (!r) {
		r = attach(t);
		reports.set(t, r);
	}
	return r;
}

/** `&label` when the node has a label, else its path. */
export function nameOf(node: DtNodeView): string {
	return node.labels[0] ? `&${node.labels[0]}` : node.path;
}

/** A master's display name (with the RID for PCI functions). */
export function masterName(m: MasterInfo): string {
	return m.ref.rid !== undefined ? `${nameOf(m.ref.node)} RID 0x${m.ref.rid.toString(16).padStart(4, '0')}` : nameOf(m.ref.node);
}

/** One stream claim of a platform master on an instance. */
export interface EntryClaim {
	readonly kind: 'entry';
	readonly master: MasterInfo;
	readonly entry: MasterEntry;
	readonly instance: IommuInstanceInfo;
	readonly id: bigint;
	readonly mask: bigint;
	readonly loc: SourceRef;
}

/** The output range of one `iommu-map` entry on an instance (each output ID a single-SID fwspec entry). */
export interface MapClaim {
	readonly kind: 'map';
	readonly host: DtNodeView;
	readonly map: ParsedIdMap;
	readonly mapEntry: IdMapEntry;
	readonly instance: IommuInstanceInfo;
	readonly start: bigint;
	readonly end: bigint;
	/** The SMR mask every output ID gets (the target's `stream-match-mask`, arm-smmu only). */
	readonly mask: bigint;
	readonly loc: SourceRef;
}

export type StreamClaim = EntryClaim | MapClaim;

/** How two claims on one instance relate. */
export type ClaimRelation = 'identical' | 'a-covers-b' | 'b-covers-a' | 'partial' | 'none';

/** Whether an instance matches streams with SMR masks (arm-smmu with stream matching). */
export function usesSmrs(inst: IommuInstanceInfo): boolean {
	return inst.plugin?.id === 'arm-smmu' && inst.profile.effective.streamMatching !== false;
}

/** Models whose stream IDs are exact keys (sharing one is sharing a translation). */
const EXACT = ['arm-smmu', 'arm-smmu-v3', 'qcom-msm-iommu', 'virtio-iommu'];

/** Every claim on available instances by available masters, in document order. */
export function streamClaims(t: Topology): StreamClaim[] {
	const out: StreamClaim[] = [];
	for (const m of t.masters) {
		if (!m.available || m.source === 'iommu-map') continue;
		for (const e of m.entries) {
			const inst = e.instance;
			if (!inst || !inst.available || e.decode?.kind !== 'ok' || e.decode.stream.id === undefined) continue;
			if (!EXACT.includes(inst.plugin?.id ?? '')) continue;
			out.push({ kind: 'entry', master: m, entry: e, instance: inst, id: e.decode.stream.id, mask: usesSmrs(inst) ? e.decode.stream.mask : 0n, loc: e.loc });
		}
	}
	for (const h of t.hosts) {
		const map = h.iommuMap;
		if (!map || map.error || !isAvailable(h.node, t)) continue;
		for (const me of map.entries) {
			const inst = me.target ? t.instanceByPath.get(me.target.path) : undefined;
			if (!inst || !inst.available || !EXACT.includes(inst.plugin?.id ?? '') || me.length === 0n) continue;
			// A mask that collapses the map's inputs narrows the outputs actually produced.
			const span = me.length < map.mask + 1n ? me.length : map.mask + 1n;
			const smm = usesSmrs(inst) ? BigInt(inst.node.property('stream-match-mask') ? (readU32(inst.node, 'stream-match-mask') ?? 0) : 0) : 0n;
			out.push({ kind: 'map', host: h.node, map, mapEntry: me, instance: inst, start: me.outBase, end: me.outBase + span, mask: smm, loc: me.loc });
		}
	}
	return out;
}

function isAvailable(node: DtNodeView, t: Topology): boolean {
	return t.masters.some((m) => m.ref.node === node && m.available) || !t.masters.some((m) => m.ref.node === node);
}

function readU32(node: DtNodeView, name: string): number | undefined {
	const p = node.property(name);
	if (!p || p.bytes.length < 4) return undefined;
	return new DataView(p.bytes.buffer, p.bytes.byteOffset, 4).getUint32(0);
}

/** The relation of two claims on the same instance (`a` before `b` in document order). */
export function relate(a: StreamClaim, b: StreamClaim): ClaimRelation {
	if (a.kind === 'entry' && b.kind === 'entry') {
		const ca = smrCovers({ id: a.id, mask: a.mask }, { id: b.id, mask: b.mask });
		const cb = smrCovers({ id: b.id, mask: b.mask }, { id: a.id, mask: a.mask });
		if (ca && cb) return 'identical';
		if (ca) return 'a-covers-b';
		if (cb) return 'b-covers-a';
		return smrOverlaps(a, b) ? 'partial' : 'none';
	}
	if (a.kind === 'map' && b.kind === 'map') {
		return a.start < b.end && b.start < a.end ? 'partial' : 'none';
	}
	const entry = (a.kind === 'entry' ? a : b) as EntryClaim;
	const map = (a.kind === 'map' ? a : b) as MapClaim;
	if (!matchesAnyInRange(entry.id, entry.mask | map.mask, map.start, map.end)) return 'none';
	// A single-SID output is entirely covered by an SMR that matches it.
	return entry === a ? 'a-covers-b' : 'b-covers-a';
}

/** Two related claims on one instance, `a` before `b` in document order. */
export interface ClaimPair {
	readonly a: StreamClaim;
	readonly b: StreamClaim;
	readonly relation: ClaimRelation;
}

/** `claimPairs` per topology: four checks read the same pairs, and a topology never changes. */
const pairsCache = new KeyedCache<Topology, readonly ClaimPair[]>('claim pairs');
/** How many pairs `claimPairs` compared per topology (its work, deterministic: see `claimComparisons`). */
const comparisons = new KeyedCache<Topology, number>('claim comparisons');

/**
 * The number of claim pairs `claimPairs(t)` compared (undefined before it ran): a deterministic
 * measure of its work, for the tests that pin its growth (linear, not quadratic, in the masters of
 * one instance when their stream IDs differ).
 */
export function claimComparisons(t: Topology): number | undefined {
	return comparisons.get(t);
}

/**
 * Every related pair of claims on the same instance, `a` before `b` in document order (ordered by
 * `a`'s position, then `b`'s). Shared: do not modify.
 *
 * Not every pair is compared: two entry claims relate only when some stream ID matches both
 * (`smrCovers` implies `smrOverlaps`), i.e. `(a.id ^ b.id) & ~(a.mask | b.mask)` is 0, which needs
 * `a.id` and `b.id` to agree outside `U`, the union of every mask on the instance. Entry claims are
 * therefore bucketed by `id & ~U` and compared within a bucket only: linear for distinct stream IDs
 * (a generated SoC with thousands of masters on one SMMU), the same pairs as comparing all of them.
 * Map claims (a few per PCI host) are compared with every claim of their instance.
 */
export function claimPairs(t: Topology): readonly ClaimPair[] {
	const cached = pairsCache.get(t);
	if (cached) return cached;
	const claims = streamClaims(t);
	const byInstance = new Map<IommuInstanceInfo, { entries: number[]; maps: number[]; union: bigint }>();
	claims.forEach((c, i) => {
		let group = byInstance.get(c.instance);
		if (!group) {
			group = { entries: [], maps: [], union: 0n };
			byInstance.set(c.instance, group);
		}
		if (c.kind === 'entry') {
			group.entries.push(i);
			group.union |= c.mask;
		} else group.maps.push(i);
	});
	const found: Array<{ i: number; j: number; relation: ClaimRelation }> = [];
	let compared = 0;
	const consider = (i: number, j: number): void => {
		compared++;
		const relation = relate(claims[i] as StreamClaim, claims[j] as StreamClaim);
		if (relation !== 'none') found.push({ i, j, relation });
	};
	for (const { entries, maps, union } of byInstance.values()) {
		const buckets = new Map<bigint, number[]>();
		for (const i of entries) {
			const key = (claims[i] as EntryClaim).id & ~union;
			const bucket = buckets.get(key);
			if (bucket) bucket.push(i);
			else buckets.set(key, [i]);
		}
		for (const bucket of buckets.values()) {
			for (let x = 0; x < bucket.length; x++) for (let y = x + 1; y < bucket.length; y++) consider(bucket[x] as number, bucket[y] as number);
		}
		for (let x = 0; x < maps.length; x++) {
			const m = maps[x] as number;
			for (const e of entries) consider(Math.min(m, e), Math.max(m, e));
			for (let y = x + 1; y < maps.length; y++) {
				const n = maps[y] as number;
				if ((claims[m] as MapClaim).map !== (claims[n] as MapClaim).map) consider(m, n);
			}
		}
	}
	found.sort((p, q) => p.i - q.i || p.j - q.j);
	const out: readonly ClaimPair[] = found.map(({ i, j, relation }) => ({ a: claims[i] as StreamClaim, b: claims[j] as StreamClaim, relation }));
	pairsCache.set(t, out);
	comparisons.set(t, compared);
	return out;
}

/** The node a claim belongs to. */
export function claimNode(c: StreamClaim): DtNodeView {
	return c.kind === 'entry' ? c.master.ref.node : c.host;
}

/** A claim described for a message. */
export function claimText(c: StreamClaim): string {
	if (c.kind === 'entry') return `${masterName(c.master)} iommus entry ${c.entry.index} (${c.entry.decode?.kind === 'ok' ? c.entry.decode.stream.label : '?'})`;
	const r = entryRange(c.mapEntry);
	return `${nameOf(c.host)} iommu-map entry ${c.mapEntry.index} (RIDs 0x${r.start.toString(16)}-0x${(r.end - 1n).toString(16)} → SIDs 0x${c.start.toString(16)}-0x${(c.end - 1n).toString(16)})`;
}

/** A related reference to a claim. */
export function claimRelated(c: StreamClaim, message: string): RelatedRef {
	return { loc: c.loc, message };
}
