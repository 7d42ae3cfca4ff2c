/**
 * The real server (`dist/server.js --stdio`) over JSON-RPC: capabilities, diagnostics with related
 * information and codes, edits, build contexts of a .dtsi, the feature requests, the custom requests,
 * the code-action plumbing, and a half-typed file.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { corpusRoot } from '../harness/corpus';
import { TestClient, uri, type Published } from './client';

describe('language server over stdio', () => {
	let client: TestClient;
	let caps: Record<string, unknown>;
	const qcom = () => join(corpusRoot(), 'src/arm64/qcom');
	const board = () => join(qcom(), 'sdm845-db845c.dts');
	const soc = () => join(qcom(), 'sdm845.dtsi');

	beforeAll(async () => {
		client = new TestClient();
		caps = (await client.initialize(corpusRoot())).capabilities;
	});
	afterAll(async () => {
		await client.stop();
	});

	it('announces its capabilities', () => {
		expect(caps).toMatchInlineSnapshot(`
			{
			  "codeActionProvider": {
			    "codeActionKinds": [
			      "quickfix",
			    ],
			  },
			  "codeLensProvider": {
			    "resolveProvider": false,
			  },
			  "definitionProvider": true,
			  "documentLinkProvider": {
			    "resolveProvider": false,
			  },
			  "documentSymbolProvider": true,
			  "executeCommandProvider": {
			    "commands": [
			      "iommuLens.simulate",
			      "iommuLens.topology",
			      "iommuLens.showDmaPath",
			    ],
			  },
			  "foldingRangeProvider": true,
			  "hoverProvider": true,
			  "inlayHintProvider": true,
			  "referencesProvider": true,
			  "textDocumentSync": {
			    "change": 2,
			    "openClose": true,
			  },
			  "workspaceSymbolProvider": true,
			}
		`);
	});

	it('publishes a board\'s diagnostics with codes, doc links, sources and related places', async () => {
		client.open(board(), readFileSync(board(), 'utf8'));
		const pub = await client.waitFor(() => client.published.find((p) => p.diagnostics.length > 0), 30_000, 'diagnostics');
		const all = client.published.flatMap((p) => p.diagnostics);
		for (const d of all) {
			expect(d.code).toMatch(/^[a-z0-9-]+$/);
			// The server's own copy of the finding's documentation (shipped in dist/docs), which exists.
			const href = d.codeDescription?.href ?? '';
			expect(href).toMatch(new RegExp(`^file:.*/docs/findings/${d.code}\\.md$`));
			expect(readFileSync(fileURLToPath(href), 'utf8')).toMatch(new RegExp(`^# \`?${d.code}\\b`));
			expect(d.source).toBe('iommu-lens (sdm845-db845c.dts)');
			expect(d.data).toMatchObject({ id: d.code, context: board() });
		}
		expect(pub.uri.startsWith('file:')).toBe(true);
		expect(all.some((d) => (d.relatedInformation ?? []).length > 0)).toBe(true);
		const status = await client.waitFor(() => client.statuses.find((s) => s.state === 'ready' && s.context === uri(board())), 10_000, 'status');
		expect(status).toMatchObject({ kernel: expect.stringMatching(/^\d+\.\d+$/), era: expect.any(String) });
	});

	it('analyses an open .dtsi inside the board that includes it, and lets the user choose another', async () => {
		client.open(soc(), readFileSync(soc(), 'utf8'));
		const ctx = await client.connection.sendRequest<{ current?: string; reason: string; candidates: Array<{ uri: string; depth: number }> }>('iommuLens/buildContexts', { textDocument: { uri: uri(soc()) } });
		expect(ctx.current).toBe(uri(board()));
		expect(ctx.reason).toBe('open-board');
		expect(ctx.candidates.length).toBeGreaterThan(5);
		expect(ctx.candidates.map((c) => c.uri)).toContain(uri(join(qcom(), 'sdm845-mtp.dts')));
		const mtp = uri(join(qcom(), 'sdm845-mtp.dts'));
		const set = await client.connection.sendRequest<{ current?: string; reason: string }>('iommuLens/setBuildContext', { textDocument: { uri: uri(soc()) }, context: mtp });
		expect(set).toMatchObject({ current: mtp, reason: 'user' });
		const back = await client.connection.sendRequest<{ current?: string; reason: string }>('iommuLens/setBuildContext', { textDocument: { uri: uri(soc()) }, context: null });
		expect(back).toMatchObject({ current: uri(board()), reason: 'open-board' });
	});

	it('re-publishes the .dtsi\'s diagnostics, in the board\'s context, after an edit', async () => {
		// The previous test switched the context to sdm845-mtp and back: wait for db845c's publish.
		const fromBoard = (p: Published | undefined) =>
			p !== undefined && p.diagnostics.length > 0 && p.diagnostics.every((d) => d.source === 'iommu-lens (sdm845-db845c.dts)') ? p : undefined;
		const before = await client.waitFor(() => fromBoard(client.last(soc(), 1)), 20_000, 'sdm845.dtsi diagnostics in the db845c context');
		// One character in a comment on the first line: the same findings, published for version 2.
		const first = readFileSync(soc(), 'utf8').split('\n')[0]!;
		client.change(soc(), 2, { start: { line: 0, character: first.length }, end: { line: 0, character: first.length } }, ' ');
		const after = await client.waitFor(() => fromBoard(client.last(soc(), 2)), 20_000, 'sdm845.dtsi diagnostics after the edit');
		expect(after.diagnostics.map((d) => d.code)).toEqual(before.diagnostics.map((d) => d.code));
	});

	it('answers the feature requests (whatever the features return) without errors', async () => {
		const doc = { textDocument: { uri: uri(soc()) } };
		const text = readFileSync(soc(), 'utf8').split('\n');
		const line = text.findIndex((l) => /^\s*iommus = </.test(l));
		const position = { line, character: text[line]!.indexOf('iommus') + 2 };
		const hover = await client.connection.sendRequest<{ contents: { kind: string; value: string } } | null>('textDocument/hover', { ...doc, position });
		// The hover feature fills in separately: its content is asserted once it answers.
		if (hover !== null) expect(hover.contents).toMatchObject({ kind: 'markdown', value: expect.stringContaining('iommus') });
		expect(Array.isArray(await client.connection.sendRequest('textDocument/definition', { ...doc, position }))).toBe(true);
		expect(Array.isArray(await client.connection.sendRequest('textDocument/references', { ...doc, position, context: { includeDeclaration: true } }))).toBe(true);
		expect(Array.isArray(await client.connection.sendRequest('textDocument/documentSymbol', doc))).toBe(true);
		expect(Array.isArray(await client.connection.sendRequest('workspace/symbol', { query: 'smmu' }))).toBe(true);
		expect(Array.isArray(await client.connection.sendRequest('textDocument/documentLink', doc))).toBe(true);
		const lenses = await client.connection.sendRequest<Array<{ command: { command: string; arguments: unknown[] } }>>('textDocument/codeLens', { textDocument: { uri: uri(soc()) } });
		expect(Array.isArray(lenses)).toBe(true);
		// Every lens command is one the server executes.
		for (const l of lenses.slice(0, 5)) {
			expect((caps.executeCommandProvider as { commands: string[] }).commands).toContain(l.command.command);
			expect(await client.connection.sendRequest('workspace/executeCommand', { command: l.command.command, arguments: l.command.arguments })).not.toBeNull();
		}
		expect(Array.isArray(await client.connection.sendRequest('textDocument/inlayHint', { ...doc, range: { start: { line: 0, character: 0 }, end: { line: 100, character: 0 } } }))).toBe(true);
	});

	it('round-trips a diagnostic through textDocument/codeAction', async () => {
		const pub = client.published.find((p) => p.diagnostics.length > 0)!;
		const d = pub.diagnostics[0]!;
		const actions = await client.connection.sendRequest<Array<{ kind: string; diagnostics: unknown[]; edit: unknown }>>('textDocument/codeAction', {
			textDocument: { uri: pub.uri },
			range: d.range,
			context: { diagnostics: [d] },
		});
		expect(Array.isArray(actions)).toBe(true);
		for (const a of actions) expect(a).toMatchObject({ kind: 'quickfix', diagnostics: [d] });
	});

	it('answers the topology and simulate requests', async () => {
		const topo = await client.connection.sendRequest<{ context: string; nodes: Array<{ kind: string; id: string }>; edges: Array<{ kind: string }> }>('iommuLens/topology', { textDocument: { uri: uri(soc()) } });
		expect(topo.context).toBe(uri(board()));
		const kinds = new Set(topo.nodes.map((n) => n.kind));
		for (const k of ['iommu', 'master', 'memory-region', 'remoteproc', 'rpmsg-edge', 'compute-context']) expect(kinds).toContain(k);
		expect(topo.edges.some((e) => e.kind === 'iommus')).toBe(true);
		const sim = await client.connection.sendRequest<{ masters: unknown[]; trace: unknown[]; diff: Array<{ path: string }>; errors: string[] }>('iommuLens/simulate', {
			textDocument: { uri: uri(board()) },
			scenario: { disable: ['apps_smmu'] },
		});
		expect(sim.errors).toEqual([]);
		expect(sim.masters.length).toBeGreaterThan(0);
		expect(sim.trace.length).toBeGreaterThan(0);
		expect(sim.diff.length).toBeGreaterThan(0);
		const asWritten = await client.connection.sendRequest<{ diff: unknown[] }>('workspace/executeCommand', { command: 'iommuLens.simulate', arguments: [uri(board())] });
		expect(asWritten.diff).toEqual([]);
	});
});

describe('language server answering while it analyses', () => {
	let client: TestClient;
	const qcom = () => join(corpusRoot(), 'src/arm64/qcom');
	beforeAll(async () => {
		client = new TestClient();
		await client.initialize(corpusRoot());
	});
	afterAll(async () => {
		await client.stop();
	});

	it('answers a request on an analysed board between the steps of another board\'s analysis', async () => {
		const db845c = join(qcom(), 'sdm845-db845c.dts');
		const mtp = join(qcom(), 'sdm845-mtp.dts');
		client.open(db845c, readFileSync(db845c, 'utf8'));
		await client.waitFor(() => client.last(db845c, 1), 30_000, 'db845c analysed');
		// Sent together: the first needs an analysis of sdm845-mtp (run in steps), the second only
		// the analysed db845c: it is answered first (a whole analysis in one go would answer it second).
		const order: string[] = [];
		const first = client.connection.sendRequest<unknown[]>('textDocument/documentSymbol', { textDocument: { uri: uri(mtp) } }).then((r) => {
			order.push('mtp');
			return r;
		});
		const second = client.connection.sendRequest<unknown[]>('textDocument/documentSymbol', { textDocument: { uri: uri(db845c) } }).then((r) => {
			order.push('db845c');
			return r;
		});
		expect((await second).length).toBeGreaterThan(0);
		expect((await first).length).toBeGreaterThan(0);
		expect(order).toEqual(['db845c', 'mtp']);
	});
});

describe('language server on a small workspace', () => {
	let client: TestClient;
	let dir: string;
	beforeAll(async () => {
		dir = mkdtempSync(join(tmpdir(), 'iommu-lens-lsp-'));
		writeFileSync(join(dir, 'soc.dtsi'), '/ { soc { uart: serial@1000 { reg = <0x1000 0x100>; }; }; };\n');
		writeFileSync(join(dir, 'board.dts'), '/dts-v1/;\n#include "soc.dtsi"\n&uart { status = "okay"; };\n');
		client = new TestClient();
		await client.initialize(dir);
	});
	afterAll(async () => {
		await client.stop();
	});

	it('updates diagnostics on edits, clears them, and keeps answering on half-typed text', async () => {
		const board = join(dir, 'board.dts');
		client.open(board, readFileSync(board, 'utf8'));
		await client.waitFor(() => client.last(board, 1), 20_000, 'first publish');
		expect(client.last(board, 1)!.diagnostics.filter((d) => d.code === 'unknown-label')).toEqual([]);
		// &uart → &uartx: an unknown label.
		client.change(board, 2, { start: { line: 2, character: 5 }, end: { line: 2, character: 5 } }, 'x');
		const bad = await client.waitFor(() => client.last(board, 2), 20_000, 'publish after edit');
		expect(bad.diagnostics.length).toBeGreaterThan(0);
		// Half-typed: an unterminated node; the server keeps publishing and answering.
		client.change(board, 3, { start: { line: 2, character: 0 }, end: { line: 3, character: 0 } }, '&uart { status = "ok\n');
		const broken = await client.waitFor(() => client.last(board, 3), 20_000, 'publish on broken text');
		expect(broken.diagnostics.some((d) => d.range.start.line >= 2)).toBe(true);
		const hover = await client.connection.sendRequest('textDocument/hover', { textDocument: { uri: uri(board) }, position: { line: 2, character: 2 } });
		expect(hover === null || typeof hover === 'object').toBe(true);
		// Fixed again: the diagnostics go away.
		client.change(board, 4, { start: { line: 2, character: 0 }, end: { line: 3, character: 0 } }, '&uart { status = "okay"; };\n');
		const fixed = await client.waitFor(() => client.last(board, 4), 20_000, 'publish after fix');
		expect(fixed.diagnostics.filter((d) => d.code === 'unknown-label' || d.code === 'syntax')).toEqual([]);
		// A .dtsi of that workspace gets the board as its context (found by the include scan).
		client.open(join(dir, 'soc.dtsi'), readFileSync(join(dir, 'soc.dtsi'), 'utf8'));
		const ctx = await client.connection.sendRequest<{ current?: string }>('iommuLens/buildContexts', { textDocument: { uri: uri(join(dir, 'soc.dtsi')) } });
		expect(ctx.current).toBe(uri(board));
		// Closing everything clears every published diagnostic.
		const count = client.published.length;
		client.change(board, 5, { start: { line: 2, character: 5 }, end: { line: 2, character: 5 } }, 'x');
		await client.waitFor(() => client.last(board, 5)?.diagnostics.length, 20_000, 'unknown label again');
		for (const f of ['board.dts', 'soc.dtsi']) void client.connection.sendNotification('textDocument/didClose', { textDocument: { uri: uri(join(dir, f)) } });
		await client.waitFor(() => client.published.length > count + 1 && client.last(board)?.diagnostics.length === 0, 20_000, 'cleared diagnostics');
		expect(client.proc.exitCode).toBeNull();
	});
});

describe('language server on edits that keep every token in place', () => {
	let client: TestClient;
	let dir: string;
	beforeAll(async () => {
		dir = mkdtempSync(join(tmpdir(), 'iommu-lens-lsp-same-'));
		writeFileSync(join(dir, 'board.dts'), '/dts-v1/;\n// a comment\n/ { n { x = <&missing>; }; };\n');
		client = new TestClient();
		await client.initialize(dir);
	});
	afterAll(async () => {
		await client.stop();
	});

	it('publishes the results it has for a comment edit (no analysis), and analyses a code edit', async () => {
		const board = join(dir, 'board.dts');
		const ranges = (v: number) => client.last(board, v)!.diagnostics.map((d) => `${d.code}@${d.range.start.line}:${d.range.start.character}`);
		client.open(board, readFileSync(board, 'utf8'));
		await client.waitFor(() => client.last(board, 1), 20_000, 'first publish');
		expect(ranges(1)).toContain('unresolved-reference@2:13');
		await client.waitFor(() => client.statuses.find((s) => s.state === 'ready' && s.context === uri(board)), 20_000, 'ready');
		const before = client.statuses.length;
		client.change(board, 2, { start: { line: 1, character: 12 }, end: { line: 1, character: 12 } }, ' more');
		await client.waitFor(() => client.last(board, 2), 20_000, 'publish after the comment edit');
		expect(ranges(2)).toEqual(ranges(1));
		client.change(board, 3, { start: { line: 2, character: 29 }, end: { line: 2, character: 29 } }, '  ');
		await client.waitFor(() => client.last(board, 3), 20_000, 'publish after trailing blanks');
		expect(ranges(3)).toEqual(ranges(1));
		expect(client.statuses.slice(before).filter((s) => s.state === 'analysing')).toEqual([]);
		// A line break moves every later token: analysed again, the finding one line down.
		client.change(board, 4, { start: { line: 1, character: 0 }, end: { line: 1, character: 0 } }, '\n');
		await client.waitFor(() => client.last(board, 4), 20_000, 'publish after the code edit');
		expect(ranges(4)).toContain('unresolved-reference@3:13');
		expect(client.statuses.slice(before).some((s) => s.state === 'analysing')).toBe(true);
	});
});

describe('language server settings', () => {
	let client: TestClient;
	let dir: string;
	beforeAll(async () => {
		dir = mkdtempSync(join(tmpdir(), 'iommu-lens-lsp-settings-'));
		writeFileSync(join(dir, 'board.dts'), '/dts-v1/;\n/ { };\n#ifndef HAVE_UART\n&uart { status = "okay"; };\n#endif\n');
		client = new TestClient();
		await client.initialize(dir, { settings: { defines: ['HAVE_UART'], kernel: '5.10' } });
	});
	afterAll(async () => {
		await client.stop();
	});

	it('applies initializationOptions settings (defines, kernel)', async () => {
		const board = join(dir, 'board.dts');
		client.open(board, readFileSync(board, 'utf8'));
		const pub = await client.waitFor(() => client.last(board, 1), 20_000, 'publish');
		expect(pub.diagnostics.filter((d) => d.code === 'unknown-label')).toEqual([]);
		const status = await client.waitFor(() => client.statuses.find((s) => s.context === uri(board) && s.state === 'ready'), 20_000, 'status');
		expect(status).toMatchObject({ kernel: '5.10', era: 'per-bus' });
		expect(client.statuses.filter((s) => s.state === 'ready' && s.context === uri(board)).every((s) => s.kernel === '5.10')).toBe(true);
	});
});
