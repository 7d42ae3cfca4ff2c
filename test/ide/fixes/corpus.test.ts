/**
 * Every offered quick fix on real boards of ../shared/corpus/linux-dts (read in place; edits go to an
 * in-memory overlay, never to the corpus): boards with smr-redundant, iommu-disabled, msi-map-mismatch
 * and unit-address findings (found by running the checks over arm64). For each fixable finding (up to
 * `PER_ID` per id and board), each fix is applied and the board re-analysed:
 * (2) no new front-end error, (3) the finding is gone, (4) lines outside the edits are unchanged, and
 * every other finding is unchanged (its id, severity, message and file, its line mapped across the
 * edits), except what the fix is expected to change, listed in `mayChange`.
 */
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import type { FileSystem } from '../../../server/src/base/source';
import { quickFixes } from '../../../server/src/ide/fixes';
import type { BoardSnapshot, QuickFix, ReportItem } from '../../../server/src/ide/types';
import { createFrontend } from '../../../server/src/model/board';
import { createSnapshot } from '../../../server/src/model/snapshot';
import { diskFileSystem } from '../../../server/src/node/disk-fs';
import { applyFix, expectUntouchedLines, itemKey, lineMapper } from './helpers';

const repoRoot = path.resolve(__dirname, '../../..');
const corpus = path.resolve(repoRoot, '../shared/corpus/linux-dts');
const INCLUDES = ['include', 'src', 'src/arm64'].map((d) => path.join(corpus, d));

const BOARDS = [
	'qcom/msm8998-lenovo-miix-630', // iommu-disabled ×20 (the SMMUs are disabled in msm8998.dtsi)
	'qcom/sa8540p-ride', // iommu-disabled, unit-address
	'qcom/kaanapali-mtp', // msi-map-mismatch, unit-address
	'qcom/kaanapali-qrd',
	'qcom/qcm6490-fairphone-fp5', // smr-redundant ×13
	'qcom/qcm6490-idp',
	'qcom/qcs6490-rb3gen2',
	'qcom/qcm6490-shift-otter',
	'qcom/sm7325-nothing-spacewar',
	'qcom/qrb5165-rb5', // smr-redundant
	'qcom/sc7280-idp',
	'qcom/sc7280-herobrine-crd',
	'qcom/sc8280xp-lenovo-thinkpad-x13s', // smr-redundant ×120
	'qcom/sm6350-sony-xperia-lena-pdx213',
	'qcom/sm7225-fairphone-fp4',
	'qcom/sm8250-hdk',
	'qcom/sm8250-mtp',
	'qcom/apq8096-db820c', // unit-address
	'qcom/hamoa-iot-evk',
	'qcom/lemans-evk',
	'qcom/milos-fairphone-fp6',
];
const PER_ID = 3;

/** True when `message` names one of `names` (a node path or `&label`) as a whole word. */
function mentions(message: string, names: readonly string[]): boolean {
	return names.some((n) => new RegExp(`(^|[^\\w@,.&/-])${n.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(?![\\w@,.-])`).test(message));
}

/**
 * Findings that a fix may legitimately change besides the one it fixes: enabling an IOMMU fixes every
 * reference to it; dropping an entry renumbers the later entries of the same list (and what they
 * share with other masters) in the messages about that node; renaming a node changes its path in
 * every message that names it.
 */
function mayChange(snapshot: BoardSnapshot, fixed: ReportItem, fix: QuickFix, other: ReportItem): boolean {
	const data = fixed.fix!;
	if (fix.title.startsWith('Enable ')) return other.id === 'iommu-disabled' && other.fix?.iommuPath === data.iommuPath;
	const path = String(data.nodePath ?? data.consumerPath ?? data.node ?? '');
	const node = snapshot.analysis.board.tree.nodeByPath(path);
	if (!node) return false;
	const names = [path, ...node.labels.map((l) => `&${l.name}`)];
	if (data.kind === 'set-unit-address') names.push(`${path.slice(0, path.lastIndexOf('/') + 1)}${node.name.split('@')[0]}@${String(data.unitAddress)}`);
	return mentions(other.message, names);
}

function overlayDisk(): { fs: FileSystem; overlay: Map<string, string> } {
	const disk = diskFileSystem();
	const overlay = new Map<string, string>();
	return { fs: { readFile: (p) => overlay.get(p) ?? disk.readFile(p) }, overlay };
}

describe('quick fixes on corpus boards', () => {
	const stats = { boards: 0, items: 0, fixes: 0 };
	const byFix = new Map<string, number>();
	const refused = new Map<string, number>();
	for (const b of BOARDS) {
		test(b, () => {
			const file = path.join(corpus, 'src/arm64', `${b}.dts`);
			const { fs, overlay } = overlayDisk();
			const frontend = createFrontend(fs);
			const options = { includePaths: INCLUDES, defines: [{ name: '__DTS__' }] };
			const before: BoardSnapshot = createSnapshot(frontend, fs, file, options);
			const errors = (s: BoardSnapshot) => s.analysis.board.diagnostics.filter((d) => d.severity === 'error').map((d) => `${d.code}: ${d.message}`);
			const perId = new Map<string, number>();
			let offered = 0;
			for (const item of before.analysis.items) {
				if (!item.fix) continue;
				const fixes = quickFixes(before, item);
				if (fixes.length === 0) {
					refused.set(item.fix.kind, (refused.get(item.fix.kind) ?? 0) + 1);
					continue;
				}
				const n = perId.get(item.id) ?? 0;
				if (n >= PER_ID) continue;
				perId.set(item.id, n + 1);
				stats.items++;
				for (const fix of fixes) {
					offered++;
					const id = fix.title.split(' ')[0]!;
					byFix.set(`${item.fix.kind}/${id}`, (byFix.get(`${item.fix.kind}/${id}`) ?? 0) + 1);
					stats.fixes++;
					expect(fix.fixes).toBe(item.id);
					const changed = applyFix((p) => before.text(p), fix);
					for (const [f, text] of Object.entries(changed)) {
						expect(f.startsWith(corpus), `${fix.title} edits ${f}`).toBe(true);
						expectUntouchedLines(before.text(f)!, text, fix.edits.filter((e) => e.span.file === f));
						overlay.set(f, text);
						frontend.invalidate(f);
					}
					try {
						const after = createSnapshot(frontend, fs, file, options);
						// (2)
						for (const e of errors(after)) expect(errors(before), `${fix.title}: new front-end error`).toContain(e);
						// (3) and the other findings
						const maps = new Map(Object.keys(changed).map((f) => [f, lineMapper(fix.edits.filter((e) => e.span.file === f))]));
						const mapped = (i: ReportItem) => itemKey(i, (s) => (maps.get(s.file) ?? ((l: number) => l))(s.start.line));
						const now = after.analysis.items.map((i) => itemKey(i));
						expect(now, `${fix.title}: the finding is still there`).not.toContain(mapped(item));
						const expected = before.analysis.items.filter((i) => i !== item && !mayChange(before, item, fix, i)).map(mapped).sort();
						const actual = after.analysis.items.filter((i) => !mayChange(before, item, fix, i)).map((i) => itemKey(i)).sort();
						const gone = expected.filter((k) => !actual.includes(k));
						const added = actual.filter((k) => !expected.includes(k));
						expect({ gone, added }, `${fix.title}: other findings changed: ${JSON.stringify({ gone: gone.slice(0, 4), added: added.slice(0, 4) }, null, 1)}`).toEqual({ gone: [], added: [] });
					} finally {
						for (const f of Object.keys(changed)) {
							overlay.delete(f);
							frontend.invalidate(f);
						}
					}
				}
			}
			stats.boards++;
			expect(offered, `${b}: no fix offered`).toBeGreaterThan(0);
		}, 120_000);
	}

	// msi-map-align is not here: the corpus' msi-map-mismatch findings are mask/entry-count mismatches, which carry no fix data.
	test('every fix the corpus can exercise was applied', () => {
		console.log(`quick fixes on the corpus: ${stats.fixes} fixes for ${stats.items} findings on ${stats.boards} boards`, Object.fromEntries(byFix), 'not offered:', Object.fromEntries(refused));
		for (const k of ['drop-iommus-entry/Remove', 'iommu-disabled/Enable', 'iommu-disabled/Remove', 'set-unit-address/Rename']) expect(byFix.get(k) ?? 0, k).toBeGreaterThan(0);
	});
});
