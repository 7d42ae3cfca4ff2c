/**
 * Workspace symbols over the whole workspace: the light scanner of `server/src/ide/symbol-index.ts`
 * (unit), and `workspace/symbol` of the real server on files no analysed board read, kept up to date
 * on edits and watched-file events.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { scanSymbols, SymbolIndex } from '../../server/src/ide/symbol-index';
import { TestClient, uri } from './client';

const SOC = `/* uart0: serial@0 { }; in a comment */
#define SERIAL_NODE(x) serial@x {
#include <dt-bindings/foo.h>
/ {
\tmodel = "not: a { node";
\tsoc: soc@0 {
\t\t#address-cells = <1>;
\t\tapps_smmu: iommu@15000000 {
\t\t\treg = <0x15000000 0x80000>;
\t\t\tinterrupts = <0 65 4>,
\t\t\t\t<0 96 4>;
\t\t};
\t\t/delete-node/ old@1;
\t\tuart0: uart1: serial@1000 { status = "okay"; };
\t};
};
&apps_smmu {
\tsub { };
};
`;

describe('symbol index (light scan)', () => {
	const index = new SymbolIndex();
	index.update('/w/soc.dtsi', SOC);
	const find = (q: string) => index.search(q, 100).map((s) => `${s.kind} ${s.name} ${s.container} ${s.span.start.line}:${s.span.start.col}-${s.span.end.col}`);

	it('finds labels and node names where they are written, with their path in the file', () => {
		expect(find('smmu')).toEqual(['label apps_smmu /soc@0/iommu@15000000 7:2-11']);
		expect(find('serial')).toEqual(['node serial@1000 /soc@0/serial@1000 13:16-27']);
		expect(find('uart')).toEqual(['label uart0 /soc@0/serial@1000 13:2-7', 'label uart1 /soc@0/serial@1000 13:9-14']);
		expect(find('sub')).toEqual(['node sub &apps_smmu/sub 17:1-4']);
	});

	it('skips comments, strings, directives, property values and deleted names; ranks exact, prefix, substring, in order', () => {
		expect(find('old')).toEqual([]);
		expect(find('not')).toEqual([]);
		expect(find('0x15')).toEqual([]);
		expect(index.search('soc', 10).map((s) => s.name)).toEqual(['soc', 'soc@0']);
		expect(index.search('apsm', 10).map((s) => s.name)).toEqual(['apps_smmu']);
		expect(index.search('soc@0/iommu', 10).map((s) => s.name)).toEqual(['/soc@0/iommu@15000000']);
	});

	it('a leading BOM is not a column; a removed file is forgotten', () => {
		const s = scanSymbols(`\uFEFFlbl: node { };\n`);
		expect([...s.data.slice(0, 3)]).toEqual([0, 0, 5]); // the node `node` at column 5, not 6
		index.update('/w/b.dtsi', '\uFEFFlbl: node { };\n');
		expect(index.search('lbl', 10).map((x) => `${x.span.start.line}:${x.span.start.col}`)).toEqual(['0:0']);
		index.update('/w/b.dtsi', undefined);
		expect(index.search('lbl', 10)).toEqual([]);
	});
});

describe('workspace/symbol over the workspace', () => {
	let client: TestClient;
	let dir: string;
	type Sym = { name: string; containerName?: string; location: { uri: string; range: { start: { line: number; character: number } } } };
	const search = (query: string) => client.connection.sendRequest<Sym[]>('workspace/symbol', { query });
	beforeAll(async () => {
		dir = mkdtempSync(join(tmpdir(), 'iommu-lens-lsp-symbols-'));
		writeFileSync(join(dir, 'soc.dtsi'), SOC);
		writeFileSync(join(dir, 'other.dtsi'), '/ { far_away_label: unrelated@0 { }; };\n');
		writeFileSync(join(dir, 'board.dts'), '/dts-v1/;\n#include "soc.dtsi"\n&uart0 { status = "okay"; };\n');
		client = new TestClient();
		await client.initialize(dir, undefined, { workspace: { configuration: true, didChangeWatchedFiles: { dynamicRegistration: true } } });
	});
	afterAll(async () => {
		await client.stop();
	});

	it('finds symbols of files no board has read, before anything is open', async () => {
		const syms = await search('far_away');
		expect(syms.map((s) => [s.name, s.containerName, s.location.uri, s.location.range.start])).toEqual([
			['far_away_label', '/unrelated@0', uri(join(dir, 'other.dtsi')), { line: 0, character: 4 }],
		]);
	});

	it('follows the edits of open documents and files changed on disk', async () => {
		const other = join(dir, 'other.dtsi');
		client.open(other, readFileSync(other, 'utf8'));
		client.change(other, 2, { start: { line: 0, character: 4 }, end: { line: 0, character: 7 } }, 'near');
		expect((await search('near_away')).map((s) => s.name)).toEqual(['near_away_label']);
		expect(await search('far_away')).toEqual([]);
		const added = join(dir, 'added.dtsi');
		writeFileSync(added, '/ {\n\tbrand_new: thing@1 { };\n};\n');
		await client.connection.sendNotification('workspace/didChangeWatchedFiles', { changes: [{ uri: uri(added), type: 1 }] });
		expect((await search('brand_new')).map((s) => [s.name, s.location.range.start])).toEqual([['brand_new', { line: 1, character: 1 }]]);
	});

	it('lists the analysed board\'s resolved symbols first, without duplicates from the index', async () => {
		const board = join(dir, 'board.dts');
		client.open(board, readFileSync(board, 'utf8'));
		await client.waitFor(() => client.last(board, 1), 20_000, 'board analysed');
		const syms = await search('apps_smmu');
		const keys = syms.map((s) => `${s.location.uri}:${s.location.range.start.line}:${s.location.range.start.character}`);
		expect(new Set(keys).size).toBe(keys.length);
		expect(syms.some((s) => s.name === 'apps_smmu')).toBe(true);
	});
});
