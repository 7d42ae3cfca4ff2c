/** Build-context choice over the include graph, and settings normalisation (no server process). */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { nodeRuntime } from '../../server/src/lsp/node-runtime';
import { normaliseSettings, parseDefines } from '../../server/src/lsp/settings';
import { AnalysisHost } from '../../server/src/lsp/workspace';

function workspace(files: Record<string, string>): string {
	const dir = mkdtempSync(join(tmpdir(), 'iommu-lens-ctx-'));
	for (const [name, text] of Object.entries(files)) {
		mkdirSync(join(dir, name, '..'), { recursive: true });
		writeFileSync(join(dir, name), text);
	}
	return dir;
}

describe('build contexts', () => {
	const dir = workspace({
		'soc.dtsi': '/ { };\n',
		'common.dtsi': '#include "soc.dtsi"\n',
		'b-board.dts': '/dts-v1/;\n#include "soc.dtsi"\n',
		'a-board.dts': '/dts-v1/;\n#include "common.dtsi"\n',
		'sub/c-board.dts': '/dts-v1/;\n/include/ "../soc.dtsi"\n',
		'overlay.dtso': '/dts-v1/;\n/plugin/;\n#include "soc.dtsi"\n',
	});
	const host = new AnalysisHost(nodeRuntime());
	host.folders = [dir];

	it('a board is its own context', () => {
		expect(host.contextOf(join(dir, 'a-board.dts'))).toMatchObject({ board: join(dir, 'a-board.dts'), reason: 'self' });
	});

	it('a .dtsi goes to the nearest board (depth, then same folder, then path); overlays are not boards', () => {
		const ctx = host.contextOf(join(dir, 'soc.dtsi'));
		expect(ctx.candidates).toEqual([
			{ board: join(dir, 'b-board.dts'), depth: 1 },
			{ board: join(dir, 'sub/c-board.dts'), depth: 1 },
			{ board: join(dir, 'a-board.dts'), depth: 2 },
		]);
		expect(ctx).toMatchObject({ board: join(dir, 'b-board.dts'), reason: 'nearest' });
	});

	it('an open board wins, a user choice wins over it, the setting applies when it includes the file', async () => {
		const soc = join(dir, 'soc.dtsi');
		expect(host.contextOf(soc, [join(dir, 'a-board.dts')])).toMatchObject({ board: join(dir, 'a-board.dts'), reason: 'open-board' });
		host.setContext(soc, join(dir, 'sub/c-board.dts'));
		expect(host.contextOf(soc, [join(dir, 'a-board.dts')])).toMatchObject({ board: join(dir, 'sub/c-board.dts'), reason: 'user' });
		host.setContext(soc, undefined);
		await host.configure(normaliseSettings({ buildContext: 'a-board.dts' }));
		expect(host.contextOf(soc)).toMatchObject({ board: join(dir, 'a-board.dts'), reason: 'setting' });
		await host.configure(normaliseSettings({}));
	});

	it('an edited document updates the graph without a rescan', () => {
		const soc = join(dir, 'soc.dtsi');
		host.open(join(dir, 'b-board.dts'), '/dts-v1/;\n', 2);
		expect(host.contextOf(soc).candidates.map((c) => c.board)).not.toContain(join(dir, 'b-board.dts'));
	});

	it('snapshots are reused until an input changes', () => {
		const board = join(dir, 'a-board.dts');
		const first = host.snapshot(board);
		expect(first.fresh).toBe(true);
		expect(host.snapshot(board).fresh).toBe(false);
		host.open(join(dir, 'soc.dtsi'), '/ { x { }; };\n', 1);
		expect(host.snapshot(board).fresh).toBe(true);
		expect(host.reads(board, join(dir, 'soc.dtsi'))).toBe(true);
	});
});

describe('settings', () => {
	it('normalises what clients send (flat, nested under iommuLens, wrong types)', () => {
		expect(normaliseSettings({ iommuLens: { kernel: ' 6.1 ', includePaths: ['a', 3] } })).toMatchObject({ kernel: '6.1', includePaths: ['a'], defines: [] });
		expect(normaliseSettings(null)).toMatchObject({ kernel: '', buildContext: '' });
	});
	it('parses defines and reports bad names', () => {
		expect(parseDefines(['A', 'B=2', '1x'])).toEqual({ defines: [{ name: 'A' }, { name: 'B', value: '2' }], errors: ["iommuLens.defines: bad macro name in '1x'"] });
	});
	it('reports a bad kernel version', async () => {
		const host = new AnalysisHost(nodeRuntime());
		expect(await host.configure(normaliseSettings({ kernel: 'six' }))).toEqual([expect.stringMatching(/^iommuLens\.kernel: /)]);
	});
});
