/**
 * Driver sources in the language server's workspace (the real server over stdio): the C checks'
 * diagnostics are published on the C files (`bus-set-iommu` with the nodes the open board binds); an
 * open C document wins over the disk; edits and
 * watched-file events (changed and created files) re-read the driver sources and re-analyse the
 * open boards that used them; the server registers watchers for them.
 */
import { cpSync, mkdtempSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chooseKernelArch } from '../../server/src/drivers/kconfig/arch';
import { DriverWorkspace } from '../../server/src/lsp/drivers';
import { nodeRuntime } from '../../server/src/lsp/node-runtime';
import { REPO_ROOT } from '../harness/corpus';
import { TestClient, uri, type Published } from './client';

describe('language server with driver sources', () => {
	let client: TestClient;
	let dir: string;
	const smmu = () => join(dir, 'tree/drivers/iommu/arm-smmu.c');
	const fastrpc = () => join(dir, 'tree/drivers/misc/fastrpc.c');
	const board = () => join(dir, 'board.dts');
	const ids = (p: Published | undefined) => (p?.diagnostics ?? []).map((d) => `${d.code}:${d.range.start.line + 1}`);

	beforeAll(async () => {
		dir = mkdtempSync(join(tmpdir(), 'iommu-lens-lsp-drivers-'));
		cpSync(join(REPO_ROOT, 'test/drivers/tree'), join(dir, 'tree'), { recursive: true });
		writeFileSync(board(), '/dts-v1/;\n/ { smmu@1000 { compatible = "arm,mmu-500"; reg = <0x1000 0x100>; #iommu-cells = <1>; }; };\n');
		client = new TestClient();
		await client.initialize(
			dir,
			{ settings: { driverRoots: ['tree/drivers'], kconfig: 'tree', config: 'tree/configs/juno.config', kernel: '4.14' } },
			{ workspace: { configuration: true, didChangeWatchedFiles: { dynamicRegistration: true } } },
		);
	});
	afterAll(async () => {
		await client.stop();
	});

	it('publishes the C checks on the C files, and registers watchers for the driver sources', async () => {
		client.open(board(), readFileSync(board(), 'utf8'));
		await client.waitFor(() => client.last(board(), 1), 20_000, 'the board\'s publish');
		const pub = await client.waitFor(() => client.last(smmu()), 20_000, 'arm-smmu.c diagnostics');
		expect(ids(pub)).toContain('tristate-ifdef:107');
		expect(ids(pub)).toContain('bus-set-iommu:109');
		// With the board open, the bus_set_iommu() findings relate the node arm-smmu.c binds there (from the board's analysis).
		type Related = { location: { uri: string; range: { start: { line: number } } }; message: string };
		const nodes = (p: Published | undefined) => (p?.diagnostics.find((d) => d.code === 'bus-set-iommu' && d.range.start.line === 108)?.relatedInformation ?? []).filter((r) => (r as Related).location.uri === uri(board())) as Related[];
		const withNode = await client.waitFor(() => (nodes(client.last(smmu())).length > 0 ? client.last(smmu()) : undefined), 20_000, 'arm-smmu.c with the board\'s node');
		expect(nodes(withNode)).toEqual([expect.objectContaining({ message: '/smmu@1000 is bound by this driver', location: expect.objectContaining({ range: expect.objectContaining({ start: expect.objectContaining({ line: 1 }) }) }) })]);
		// The board does not publish the C files' findings a second time (one owner per file).
		expect(client.published.filter((p) => p.uri === uri(smmu())).every((p) => p.diagnostics.every((d) => d.source === 'iommu-lens (drivers)'))).toBe(true);
		const watchers = await client.waitFor(() => client.registrations.find((r) => r.method === 'workspace/didChangeWatchedFiles'), 10_000, 'watcher registration');
		const globs = (watchers.registerOptions as { watchers: Array<{ globPattern: string }> }).watchers.map((w) => w.globPattern);
		expect(globs.some((g) => g.includes(',c}') || g.endsWith('.c'))).toBe(true);
		expect(globs.some((g) => g.includes('Kconfig'))).toBe(true);
		expect(globs).toContain('**/juno.config');
	});

	it('an open C document overrides the disk; its edits re-publish it and re-analyse the boards that used it', async () => {
		const lines = readFileSync(smmu(), 'utf8').split('\n');
		expect(lines[106]).toBe('#ifdef CONFIG_RPMSG');
		lines[106] = '#if IS_REACHABLE(CONFIG_RPMSG)';
		const boardPublishes = client.published.filter((p) => p.uri === uri(board())).length;
		client.open(smmu(), lines.join('\n'), 1, 'c');
		const fixed = await client.waitFor(() => client.last(smmu(), 1), 20_000, 'arm-smmu.c version 1');
		expect(ids(fixed)).not.toContain('tristate-ifdef:107');
		expect(ids(fixed)).toContain('bus-set-iommu:109');
		// The open board used the driver sources: it is analysed again.
		await client.waitFor(() => client.published.filter((p) => p.uri === uri(board())).length > boardPublishes, 20_000, 'the board re-published');
		// Typing the #ifdef back brings the finding back, for that version.
		client.change(smmu(), 2, { start: { line: 106, character: 0 }, end: { line: 106, character: 30 } }, '#ifdef CONFIG_RPMSG');
		const again = await client.waitFor(() => client.last(smmu(), 2), 20_000, 'arm-smmu.c version 2');
		expect(ids(again)).toContain('tristate-ifdef:107');
	});

	it('offers the #ifdef quick fix on the open C document; applied, the finding goes and nothing else changes', async () => {
		const pub = client.last(smmu(), 2)!;
		const diag = pub.diagnostics.find((d) => d.code === 'tristate-ifdef' && d.range.start.line === 106)!;
		expect(diag).toBeDefined();
		type Edit = { range: { start: { line: number; character: number }; end: { line: number; character: number } }; newText: string };
		const actions = await client.connection.sendRequest<Array<{ title: string; isPreferred?: boolean; edit: { changes: Record<string, Edit[]> } }>>('textDocument/codeAction', {
			textDocument: { uri: uri(smmu()) },
			range: diag.range,
			context: { diagnostics: [diag] },
		});
		expect(actions.map((a) => a.title)).toEqual(['Replace with #if IS_REACHABLE(CONFIG_RPMSG)', 'Replace with #if IS_ENABLED(CONFIG_RPMSG)']);
		expect(actions[0]!.isPreferred).toBe(true);
		const edits = actions[0]!.edit.changes[uri(smmu())]!;
		expect(edits).toHaveLength(1);
		const e = edits[0]!;
		expect(e.range.start.line).toBe(106);
		expect(e.range.end.line).toBe(106);
		client.change(smmu(), 3, e.range, e.newText);
		const after = await client.waitFor(() => client.last(smmu(), 3), 20_000, 'arm-smmu.c version 3');
		expect(ids(after)).not.toContain('tristate-ifdef:107');
		expect(ids(after).filter((i) => i !== 'tristate-ifdef:107').sort()).toEqual(ids(pub).filter((i) => i !== 'tristate-ifdef:107').sort());
		// Back to the text the next test expects.
		client.change(smmu(), 4, { start: { line: 106, character: 0 }, end: { line: 106, character: e.newText.length } }, '#ifdef CONFIG_RPMSG');
		expect(ids(await client.waitFor(() => client.last(smmu(), 4), 20_000, 'arm-smmu.c version 4'))).toContain('tristate-ifdef:107');
	});

	it('goes from an of_device_id compatible in C to the nodes it binds in the open boards', async () => {
		const line = readFileSync(smmu(), 'utf8').split('\n')[165]!;
		const character = line.indexOf('"arm,mmu-500"') + 3;
		type Loc = { uri: string; range: { start: { line: number; character: number }; end: { line: number; character: number } } };
		const defs = await client.connection.sendRequest<Loc[]>('textDocument/definition', { textDocument: { uri: uri(smmu()) }, position: { line: 165, character } });
		const boardText = readFileSync(board(), 'utf8');
		expect(defs).toEqual([{ uri: uri(board()), range: { start: { line: 1, character: boardText.split('\n')[1]!.indexOf('"arm,mmu-500"') }, end: { line: 1, character: boardText.split('\n')[1]!.indexOf('"arm,mmu-500"') + '"arm,mmu-500"'.length } } }]);
		const refs = await client.connection.sendRequest<Loc[]>('textDocument/references', { textDocument: { uri: uri(smmu()) }, position: { line: 165, character }, context: { includeDeclaration: true } });
		expect(refs).toEqual(defs);
		// A compatible no open board uses, and a place that is no compatible: nothing.
		expect(await client.connection.sendRequest('textDocument/definition', { textDocument: { uri: uri(smmu()) }, position: { line: 161, character: line.indexOf('"') + 3 } })).toEqual([]);
		expect(await client.connection.sendRequest('textDocument/definition', { textDocument: { uri: uri(smmu()) }, position: { line: 0, character: 0 } })).toEqual([]);
	});

	it('re-reads changed and created driver files on workspace/didChangeWatchedFiles', async () => {
		expect(ids(client.last(fastrpc())).filter((i) => i.startsWith('tristate-ifdef'))).toEqual([]);
		const bad = readFileSync(join(REPO_ROOT, 'test/drivers/cases/tristate-bad.c'), 'utf8');
		writeFileSync(fastrpc(), bad);
		void client.connection.sendNotification('workspace/didChangeWatchedFiles', { changes: [{ uri: uri(fastrpc()), type: 2 }] });
		const changed = await client.waitFor(() => (ids(client.last(fastrpc())).includes('tristate-ifdef:6') ? client.last(fastrpc()) : undefined), 20_000, 'fastrpc.c re-read');
		expect(ids(changed)).toEqual(expect.arrayContaining(['tristate-ifdef:6', 'tristate-ifdef:9']));
		// A new C file under a driver root joins the sources.
		const created = join(dir, 'tree/drivers/misc/new-driver.c');
		writeFileSync(created, bad);
		void client.connection.sendNotification('workspace/didChangeWatchedFiles', { changes: [{ uri: uri(created), type: 1 }] });
		const pub = await client.waitFor(() => client.last(created), 20_000, 'new-driver.c published');
		expect(ids(pub).some((i) => i.startsWith('tristate-ifdef'))).toBe(true);
	});

	it('closing the C document goes back to the disk text', async () => {
		const count = client.published.length;
		client.close(smmu());
		const pub = await client.waitFor(() => client.published.slice(count).find((p) => p.uri === uri(smmu())), 20_000, 'arm-smmu.c after close');
		expect(pub.version).toBeUndefined();
		expect(ids(pub)).toContain('tristate-ifdef:107');
		expect(client.proc.exitCode).toBeNull();
	});
});

describe('the driver sources\' Kconfig tree and the architecture', () => {
	it('is read for the architecture of the open boards under its arch/<arch>/boot/dts; a board opened or closed that changes it makes the sources stale', async () => {
		const dir = mkdtempSync(join(tmpdir(), 'iommu-lens-drivers-arch-'));
		cpSync(join(REPO_ROOT, 'test/drivers/tree'), dir, { recursive: true });
		// An architecture no host has: only the boards name it.
		renameSync(join(dir, 'arch/arm64'), join(dir, 'arch/lens'));
		const base = nodeRuntime();
		const drivers = new DriverWorkspace({ ...base, kernelArch: (boards) => chooseKernelArch({ boards, machine: 'x86_64' }) });
		await drivers.configure({ dirs: [join(dir, 'drivers/misc')], kconfig: dir });
		const known = () => drivers.sources()?.kconfig?.symbols.has('ARM64_SMMU_TRACE');
		expect(known()).toBe(false);
		const board = join(dir, 'arch/lens/boot/dts/vendor/board.dts');
		base.fs.overlay.set(board, '/dts-v1/;\n/ { };\n');
		expect(drivers.changed(board)).toBe(true);
		expect(known()).toBe(true);
		// Another board of the same architecture changes nothing.
		base.fs.overlay.set(join(dir, 'arch/lens/boot/dts/vendor/other.dts'), '/dts-v1/;\n/ { };\n');
		expect(drivers.changed(join(dir, 'arch/lens/boot/dts/vendor/other.dts'))).toBe(false);
		base.fs.overlay.delete(board);
		base.fs.overlay.delete(join(dir, 'arch/lens/boot/dts/vendor/other.dts'));
		expect(drivers.changed(board)).toBe(true);
		expect(known()).toBe(false);
		// The arch Kconfig is an input like the others.
		base.fs.overlay.set(board, '/dts-v1/;\n/ { };\n');
		drivers.changed(board);
		expect(known()).toBe(true);
		expect(drivers.reads(join(dir, 'arch/lens/Kconfig'))).toBe(true);
	});
});
