/**
 * A benchmark-friendly workload for the probe-order model: a generated SoC with `n` IOMMU drivers of
 * one initcall level (unknown link order), each with one instance and one master, all fighting over
 * the platform bus with per-bus ops. Built without the devicetree front-end, so a benchmark or a
 * test can time or count the exploration for n = 2..16 and check that it stays polynomial.
 */
import type { DtNodeView, DtPropView, DtView, SourceRef } from '../types';
import { parseKernelVersion } from './era';
import type { DriverFacts } from './drivers';
import { simulateProbe, type ProbeResult } from './simulate';

const LOC: SourceRef = { file: 'generated.dts', start: { line: 0, col: 0 }, end: { line: 0, col: 0 } };

const strBytes = (s: string): Uint8Array => {
	const out = new Uint8Array(s.length + 1);
	for (let i = 0; i < s.length; i++) out[i] = s.charCodeAt(i) & 0x7f;
	return out;
};
const cellBytes = (cells: readonly number[]): Uint8Array => {
	const out = new Uint8Array(cells.length * 4);
	const dv = new DataView(out.buffer);
	cells.forEach((c, i) => dv.setUint32(i * 4, c));
	return out;
};
const prop = (name: string, bytes: Uint8Array): DtPropView => ({ name, bytes, loc: LOC, cellLoc: () => undefined, entryLoc: () => LOC });

/** The generated SoC and its driver facts (per-bus era, `bus_set_iommu(platform)` from probe, skip when busy). */
export function fightingSocWorkload(n: number): { view: DtView; facts: DriverFacts[] } {
	const nodes: DtNodeView[] = [];
	const byPhandle = new Map<number, DtNodeView>();
	const children: DtNodeView[] = [];
	const root: DtNodeView = { path: '/', name: '', labels: [], parent: undefined, children, properties: [], phandle: undefined, loc: LOC, property: () => undefined };
	const node = (name: string, phandle: number | undefined, props: DtPropView[]): DtNodeView => {
		const n: DtNodeView = { path: `/${name}`, name, labels: [], parent: root, children: [], properties: props, phandle, loc: LOC, property: (p) => props.find((x) => x.name === p) };
		children.push(n);
		nodes.push(n);
		if (phandle !== undefined) byPhandle.set(phandle, n);
		return n;
	};
	const facts: DriverFacts[] = [];
	for (let i = 0; i < n; i++) {
		node(`iommu@${(i + 1).toString(16)}000`, i + 1, [prop('compatible', strBytes(`gen,iommu-${i}`)), prop('#iommu-cells', cellBytes([1]))]);
		node(`dev@${(i + 1).toString(16)}00000`, undefined, [prop('compatible', strBytes(`gen,dev-${i}`)), prop('iommus', cellBytes([i + 1, i]))]);
		facts.push({
			name: `gen-iommu-${i}`,
			compatibles: [`gen,iommu-${i}`],
			bus: 'platform',
			registration: { macro: 'module_platform_driver', level: 'device' },
			build: 'y',
			iommuProvider: true,
			busSetIommu: [{ bus: 'platform', from: 'probe', onBusy: 'skip', guardedByIommuPresent: true, claimsWhenAnyNodeExists: false }],
			registersPerInstance: false,
			ofDeclare: false,
			attach: 'of_xlate',
			provenance: 'generated workload',
		});
	}
	const view: DtView = {
		root,
		byPhandle: (p) => byPhandle.get(p),
		byPath: (p) => (p === '/' ? root : nodes.find((x) => x.path === p)),
		byLabel: () => undefined,
	};
	return { view, facts };
}

/** Runs the model on `fightingSocWorkload(n)` under a 5.10 kernel; `explored` is the state count. */
export function exploreFightingSoc(n: number): ProbeResult {
	const { view, facts } = fightingSocWorkload(n);
	return simulateProbe(view, { version: parseKernelVersion('5.10'), facts });
}
