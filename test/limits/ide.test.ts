/**
 * Presentation limits of the editor features (server/src/ide): lists in hovers, lens titles and the
 * workspace symbol search are capped so a huge board gives a bounded answer.
 */
import { describe, expect, it } from 'vitest';
import { memoryFileSystem } from '../../server/src/base/source';
import { codeLenses, hover, workspaceSymbols } from '../../server/src/ide';
import { MAX_DETAIL } from '../../server/src/ide/code-lens';
import { MAX_LIST } from '../../server/src/ide/hover';
import { MAX_WORKSPACE_SYMBOLS } from '../../server/src/ide/symbols';
import { createFrontend } from '../../server/src/model/board';
import { createSnapshot } from '../../server/src/model/snapshot';
import { within } from './helpers';

const snapshotOf = (text: string) => {
	const fs = memoryFileSystem({ '/b.dts': text });
	return createSnapshot(createFrontend(fs), fs, '/b.dts', { includePaths: [] });
};
const masters = (n: number, extra = '') =>
	Array.from({ length: n }, (_, i) => `\tdev${i}: dev@${(0x10000 + i).toString(16)} { reg = <${0x10000 + i} 1>; iommus = <&smmu ${i}>; ${extra}};`).join('\n');
const board = (body: string) => `/dts-v1/;\n/ {\n\t#address-cells = <1>;\n\t#size-cells = <1>;\n\tsmmu: iommu@1000 { compatible = "arm,mmu-500"; reg = <0x1000 0x1000>; #iommu-cells = <1>; };\n${body}\n};\n`;

describe('editor feature limits', () => {
	it(`MAX_WORKSPACE_SYMBOLS (${MAX_WORKSPACE_SYMBOLS}): a search over 1400 matching names (700 nodes and their labels) returns that many`, () => {
		const snap = snapshotOf(board(masters(700)));
		const found = within(10_000, () => workspaceSymbols([snap], 'dev'));
		expect(found).toHaveLength(MAX_WORKSPACE_SYMBOLS);
	});

	it(`MAX_LIST (${MAX_LIST}): the hover of an IOMMU with 40 masters lists ${MAX_LIST} and counts the rest`, () => {
		const snap = snapshotOf(board(masters(40)));
		const h = within(10_000, () => hover(snap, { file: '/b.dts', position: { line: 4, col: 9 } }));
		expect(h?.markdown).toContain('masters (40):');
		expect(h?.markdown).toContain(`… and ${40 - MAX_LIST} more`);
	});

	it(`MAX_DETAIL (${MAX_DETAIL}): lens titles clip the outcome's detail`, () => {
		// Masters behind a disabled IOMMU: the probe outcome carries a long explanation.
		const text = board(masters(3)).replace('#iommu-cells = <1>; };', '#iommu-cells = <1>; status = "disabled"; };');
		const snap = snapshotOf(text);
		const titles = within(10_000, () => codeLenses(snap, '/b.dts')).map((l) => l.title);
		expect(titles.length).toBeGreaterThan(0);
		for (const t of titles) expect(t.length).toBeLessThanOrEqual(MAX_DETAIL + 40);
		expect(titles.some((t) => t.endsWith('…'))).toBe(true);
	});
});
