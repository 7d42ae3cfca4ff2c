/**
 * A file opening with a byte-order mark: editors do not count it as a column (VS Code's and Neovim's
 * documents hold no BOM), so on line 0 the server's diagnostics, definitions and hovers must land on
 * the same characters as for the same file without one, whether the file is read from the disk or
 * open.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TestClient, uri, type Published } from './client';

const DTSI = '/ { node: thing@0 { x = <&nolabel>; }; };\n';
const BOARD = (inc: string) => `/dts-v1/;\n#include "${inc}"\n&node { status = "okay"; };\n`;

describe('a file opening with a BOM', () => {
	let client: TestClient;
	let dir: string;
	const f = (name: string) => join(dir, name);
	beforeAll(async () => {
		dir = mkdtempSync(join(tmpdir(), 'iommu-lens-lsp-bom-'));
		writeFileSync(f('bom.dtsi'), `\uFEFF${DTSI}`);
		writeFileSync(f('plain.dtsi'), DTSI);
		writeFileSync(f('a.dts'), BOARD('bom.dtsi'));
		writeFileSync(f('b.dts'), BOARD('plain.dtsi'));
		client = new TestClient();
		await client.initialize(dir);
	});
	afterAll(async () => {
		await client.stop();
	});

	const ranges = (p: Published | undefined) => (p?.diagnostics ?? []).map((d) => `${d.code} ${JSON.stringify(d.range)}`);

	it('diagnostics on line 0 of a file read from the disk land on the characters the editor shows', async () => {
		for (const b of ['a.dts', 'b.dts']) client.open(f(b), BOARD(b === 'a.dts' ? 'bom.dtsi' : 'plain.dtsi'));
		const withDiagnostics = (p: Published | undefined) => (p && p.diagnostics.length > 0 ? p : undefined);
		const bom = await client.waitFor(() => withDiagnostics(client.last(f('bom.dtsi'))), 20_000, 'bom.dtsi diagnostics');
		const plain = await client.waitFor(() => withDiagnostics(client.last(f('plain.dtsi'))), 20_000, 'plain.dtsi diagnostics');
		const unknown = bom.diagnostics.find((d) => d.code === 'unresolved-reference');
		expect(unknown?.range.start).toEqual({ line: 0, character: DTSI.indexOf('&nolabel') });
		expect(ranges(bom)).toEqual(ranges(plain));
	});

	it('a definition on line 0 of a file read from the disk', async () => {
		const at = { textDocument: { uri: uri(f('a.dts')) }, position: { line: 2, character: 2 } };
		type Loc = { uri: string; range: { start: { line: number; character: number }; end: { line: number; character: number } } };
		const bom = await client.connection.sendRequest<Loc[]>('textDocument/definition', at);
		const plain = await client.connection.sendRequest<Loc[]>('textDocument/definition', { ...at, textDocument: { uri: uri(f('b.dts')) } });
		expect(bom.length).toBeGreaterThan(0);
		expect(bom.map((l) => [l.uri, l.range])).toEqual(plain.map((l) => [l.uri.replace('plain.dtsi', 'bom.dtsi'), l.range]));
		expect(bom.some((l) => l.uri === uri(f('bom.dtsi')) && l.range.start.line === 0 && [DTSI.indexOf('node:'), DTSI.indexOf('thing')].includes(l.range.start.character))).toBe(true);
	});

	it('a hover on line 0 of the open document (the editor sends its text without the BOM)', async () => {
		client.open(f('bom.dtsi'), DTSI);
		await client.waitFor(() => client.last(f('bom.dtsi'), 1), 20_000, 'bom.dtsi opened');
		const hover = await client.connection.sendRequest<{ range?: { start: { line: number; character: number } } } | null>('textDocument/hover', {
			textDocument: { uri: uri(f('bom.dtsi')) },
			position: { line: 0, character: DTSI.indexOf('nolabel') + 2 },
		});
		const diag = client.last(f('bom.dtsi'), 1)!.diagnostics.find((d) => d.code === 'unresolved-reference');
		expect(diag?.range.start).toEqual({ line: 0, character: DTSI.indexOf('&nolabel') });
		const node = await client.connection.sendRequest<{ range?: { start: { line: number; character: number } } } | null>('textDocument/hover', {
			textDocument: { uri: uri(f('bom.dtsi')) },
			position: { line: 0, character: DTSI.indexOf('thing') + 1 },
		});
		expect(node).not.toBeNull();
		expect(node!.range?.start.character).toBeLessThanOrEqual(DTSI.indexOf('thing'));
		expect(node!.range?.start.character).toBeGreaterThanOrEqual(DTSI.indexOf('node:'));
		expect(hover === null || typeof hover === 'object').toBe(true);
	});
});
