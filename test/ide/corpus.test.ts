/**
 * The editor features on a real board of the corpus (sdm845-db845c, read in place): correctness of a
 * few answers, and the time each feature takes (printed, not asserted: the machine is shared).
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { codeLenses, definition, documentLinks, documentSymbols, hover, inlayHints, references, workspaceSymbols, type BoardSnapshot, type IdeQuery } from '../../server/src/ide';
import { boardIndex } from '../../server/src/ide/locate';
import { createFrontend } from '../../server/src/model/board';
import { createSnapshot } from '../../server/src/model/snapshot';
import { diskFileSystem } from '../../server/src/node/disk-fs';
import { REPO_ROOT } from '../harness/corpus';

const CORPUS = path.resolve(REPO_ROOT, '../shared/corpus/linux-dts');
const QCOM = path.join(CORPUS, 'src/arm64/qcom');
const BOARD = path.join(QCOM, 'sdm845-db845c.dts');
const DTSI = path.join(QCOM, 'sdm845.dtsi');

/** The query at the `nth` occurrence of `needle` (+offset) in a file. */
function find(file: string, needle: string, offset = 0, nth = 0): IdeQuery {
	const text = readFileSync(file, 'utf8');
	let at = -1;
	for (let i = 0; i <= nth; i++) at = text.indexOf(needle, at + 1);
	if (at < 0) throw new Error(`'${needle}' not in ${file}`);
	const before = text.slice(0, at + offset).split('\n');
	return { file, position: { line: before.length - 1, col: before[before.length - 1]!.length } };
}

const timings: Array<[string, number]> = [];
function timed<T>(name: string, f: () => T): T {
	const t = performance.now();
	const r = f();
	timings.push([name, performance.now() - t]);
	return r;
}

describe.skipIf(!existsSync(BOARD))('editor features on sdm845-db845c', () => {
	let snapshot: BoardSnapshot;
	beforeAll(() => {
		const fs = diskFileSystem();
		snapshot = timed('snapshot (resolve + analyse)', () =>
			createSnapshot(createFrontend(fs), fs, BOARD, { includePaths: ['include', 'src', 'src/arm64'].map((d) => path.join(CORPUS, d)), defines: [{ name: '__DTS__' }] }),
		);
		timed('index (once per snapshot)', () => boardIndex(snapshot));
	});

	it('hover on a cdsp compute-cb iommus entry gives its 4 matched SIDs', () => {
		const q = find(DTSI, 'iommus = <&apps_smmu 0x1401 0x30>', 23);
		const h = timed('hover (first: + topology, attach)', () => hover(snapshot, q));
		expect(h!.markdown).toContain('SID 0x1401 mask 0x30 ⇒ matches {0x1401, 0x1411, 0x1421, 0x1431}');
		expect(h!.markdown).toContain('session 0: sid 1: the DSP sees iova | 0x100000000');
		const again = timed('hover (iommus entry)', () => hover(snapshot, find(DTSI, 'iommus = <&apps_smmu 0x1402 0x30>', 23)));
		expect(again!.markdown).toContain('matches {0x1402, 0x1412, 0x1422, 0x1432}');
	});

	it('hover on the apps_smmu node: its inventory', () => {
		const h = timed('hover (IOMMU node)', () => hover(snapshot, find(DTSI, 'apps_smmu: iommu@15000000', 12)));
		expect(h!.markdown).toMatch(/apps_smmu: Arm SMMUv1\/v2 \(plugin arm-smmu\)/);
		expect(h!.markdown).toMatch(/masters \(\d+\):/);
	});

	it('definition and references of apps_smmu', () => {
		const q = find(DTSI, 'iommus = <&apps_smmu 0x1401 0x30>', 13);
		const defs = timed('definition', () => definition(snapshot, q));
		expect(defs).toHaveLength(1);
		expect(defs[0]!.file).toBe(DTSI);
		const refs = timed('references', () => references(snapshot, q, true));
		expect(refs.length).toBeGreaterThan(50);
		expect(refs.every((r) => r.file.endsWith('.dtsi') || r.file.endsWith('.dts'))).toBe(true);
	});

	it('outline, links, lenses and inlay hints of sdm845.dtsi; workspace symbols', () => {
		const symbols = timed('documentSymbols (sdm845.dtsi)', () => documentSymbols(snapshot, DTSI));
		expect(symbols.map((s) => s.name)).toContain('/');
		const links = timed('documentLinks', () => documentLinks(snapshot, DTSI));
		expect(links.some((l) => l.target.endsWith('dt-bindings/interrupt-controller/arm-gic.h'))).toBe(true);
		const lenses = timed('codeLenses (sdm845.dtsi)', () => codeLenses(snapshot, DTSI));
		expect(lenses.find((l) => l.title.startsWith('Simulate probe order'))).toBeDefined();
		expect(lenses.some((l) => /^\d+ masters · probe: bound$/.test(l.title))).toBe(true);
		const cb = find(DTSI, 'iommus = <&apps_smmu 0x1401 0x30>');
		const visible = { file: DTSI, start: { line: cb.position.line - 50, col: 0 }, end: { line: cb.position.line + 50, col: 0 } };
		const hints = timed('inlayHints (100 lines)', () => inlayHints(snapshot, visible));
		expect(hints.filter((h) => h.position.line === cb.position.line).map((h) => h.label)).toEqual(['sid:', 'mask:']);
		const all = timed('inlayHints (whole sdm845.dtsi)', () => inlayHints(snapshot, { file: DTSI, start: { line: 0, col: 0 }, end: { line: 1e6, col: 0 } }));
		expect(all.length).toBeGreaterThan(hints.length);
		const ws = timed('workspaceSymbols("smmu")', () => workspaceSymbols([snapshot], 'smmu'));
		expect(ws.map((s) => s.name)).toContain('apps_smmu');
	});

	it('prints the timings', () => {
		console.log(timings.map(([n, ms]) => `${n.padEnd(36)} ${ms.toFixed(1)} ms`).join('\n'));
	});
});
