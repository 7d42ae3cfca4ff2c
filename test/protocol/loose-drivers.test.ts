/**
 * C files outside the driver roots (the real server over stdio, no settings): an open `.c` document
 * is analysed on its own, with the Kconfig tree of the kernel tree around it (found by its `Kconfig`
 * and `arch/`), read through the overlay and re-read when a Kconfig file changes; outside any kernel
 * tree it still gets the checks that need no Kconfig; the `#ifdef` quick fix and the navigation from
 * an `of_device_id` compatible to the open boards work on it; its `bus-set-iommu` diagnostics relate
 * the nodes the open boards bind (re-published when a board changes); closing clears its diagnostics
 * and ends its analysis. A header a board reads (devicetree macros) is the board's, not loose; the
 * Kconfig trees kept are bounded (`MAX_KERNEL_TREES`).
 */
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LooseDrivers, MAX_KERNEL_TREES } from '../../server/src/lsp/loose-drivers';
import { nodeRuntime } from '../../server/src/lsp/node-runtime';
import type { Runtime } from '../../server/src/lsp/runtime';
import { normaliseSettings } from '../../server/src/lsp/settings';
import { AnalysisHost } from '../../server/src/lsp/workspace';
import { TestClient, uri, type Published } from './client';

type Range = { start: { line: number; character: number }; end: { line: number; character: number } };
type Diag = Published['diagnostics'][number];
type Related = { location: { uri: string; range: Range }; message: string };

const DRIVER = `// A demo IOMMU driver for the loose-file tests (written for iommu-lens).
#include <linux/module.h>
#include <linux/iommu.h>
#include <linux/platform_device.h>

static const struct iommu_ops demo_ops = {
	.pgsize_bitmap = -1UL,
};

static int demo_probe(struct platform_device *pdev)
{
#ifdef CONFIG_DEMO_RPMSG
	demo_rpmsg_setup(pdev);
#endif
	return bus_set_iommu(&platform_bus_type, &demo_ops);
}

static const struct of_device_id demo_of_match[] = {
	{ .compatible = "demo,iommu" },
	{ }
};

static struct platform_driver demo_driver = {
	.probe = demo_probe,
	.driver = {
		.name = "demo-iommu",
		.of_match_table = demo_of_match,
	},
};
module_platform_driver(demo_driver);
`;
/** 0-based lines of DRIVER. */
const IFDEF_LINE = 11;
const BUS_LINE = 14;
const COMPATIBLE_LINE = 18;

const KCONFIG_TRISTATE = 'config DEMO_IOMMU\n\ttristate "Demo IOMMU"\n\nconfig DEMO_RPMSG\n\ttristate\n';
const BOARD = '/dts-v1/;\n/ {\n\t#address-cells = <1>;\n\t#size-cells = <1>;\n\tiommu@1000 { compatible = "demo,iommu"; reg = <0x1000 0x100>; #iommu-cells = <1>; };\n};\n';

describe('language server on C files outside the driver roots', () => {
	let client: TestClient;
	let dir: string;
	/** In a kernel tree (`Kconfig` and `arch/` at its top). */
	const inTree = () => join(dir, 'linux/drivers/iommu/demo-iommu.c');
	const kconfig = () => join(dir, 'linux/drivers/Kconfig');
	/** In no kernel tree. */
	const alone = () => join(dir, 'alone/demo-iommu.c');
	const board = () => join(dir, 'board.dts');
	const ids = (p: Published | undefined) => (p?.diagnostics ?? []).map((d) => `${d.code}:${d.range.start.line}`);
	const busDiag = (p: Published | undefined): Diag | undefined => p?.diagnostics.find((d) => d.code === 'bus-set-iommu' && d.range.start.line === BUS_LINE);
	const related = (d: Diag | undefined) => (d?.relatedInformation ?? []) as Related[];
	const publishedSince = (count: number, path: string) => client.published.slice(count).filter((p) => p.uri === uri(path)).at(-1);

	beforeAll(async () => {
		dir = mkdtempSync(join(tmpdir(), 'iommu-lens-lsp-loose-'));
		mkdirSync(join(dir, 'linux/arch/arm64'), { recursive: true });
		mkdirSync(join(dir, 'linux/drivers/iommu'), { recursive: true });
		mkdirSync(join(dir, 'alone'), { recursive: true });
		writeFileSync(join(dir, 'linux/Kconfig'), 'mainmenu "loose-file test tree"\n\nsource "drivers/Kconfig"\n');
		writeFileSync(join(dir, 'linux/arch/arm64/Kconfig'), 'config ARM64\n\tdef_bool y\n');
		writeFileSync(kconfig(), KCONFIG_TRISTATE);
		writeFileSync(join(dir, 'linux/drivers/iommu/Makefile'), 'obj-$(CONFIG_DEMO_IOMMU) += demo-iommu.o\n');
		writeFileSync(inTree(), DRIVER);
		writeFileSync(alone(), DRIVER);
		writeFileSync(board(), BOARD);
		client = new TestClient();
		await client.initialize(dir, { settings: {} }, { workspace: { configuration: true, didChangeWatchedFiles: { dynamicRegistration: true } } });
	});
	afterAll(async () => {
		await client.stop();
	});

	it('checks a C file of a kernel tree on its own, with that tree\'s Kconfig', async () => {
		client.open(inTree(), DRIVER, 1, 'c');
		const pub = await client.waitFor(() => client.last(inTree(), 1), 20_000, 'demo-iommu.c diagnostics');
		expect(ids(pub)).toEqual(expect.arrayContaining([`tristate-ifdef:${IFDEF_LINE}`, `bus-set-iommu:${BUS_LINE}`]));
		const ifdef = pub.diagnostics.find((d) => d.code === 'tristate-ifdef')!;
		expect(ifdef.message).toContain('CONFIG_DEMO_RPMSG is tristate');
		// Related: the Kconfig definition of the symbol, and the symbol that builds the file (its folder's Makefile).
		expect(related(ifdef).map((r) => [r.location.uri, r.location.range.start.line])).toEqual([[uri(kconfig()), 3], [uri(kconfig()), 0]]);
		expect(pub.diagnostics.every((d) => d.source === 'iommu-lens (drivers)')).toBe(true);
	});

	it('re-reads the Kconfig tree when one of its files changes on disk', async () => {
		let count = client.published.length;
		writeFileSync(kconfig(), KCONFIG_TRISTATE.replace('config DEMO_RPMSG\n\ttristate', 'config DEMO_RPMSG\n\tbool'));
		void client.connection.sendNotification('workspace/didChangeWatchedFiles', { changes: [{ uri: uri(kconfig()), type: 2 }] });
		const bool = await client.waitFor(() => publishedSince(count, inTree()), 20_000, 'demo-iommu.c after the Kconfig change');
		expect(bool.version).toBe(1);
		expect(ids(bool)).not.toContain(`tristate-ifdef:${IFDEF_LINE}`);
		expect(ids(bool)).toContain(`bus-set-iommu:${BUS_LINE}`);
		count = client.published.length;
		writeFileSync(kconfig(), KCONFIG_TRISTATE);
		void client.connection.sendNotification('workspace/didChangeWatchedFiles', { changes: [{ uri: uri(kconfig()), type: 2 }] });
		const back = await client.waitFor(() => publishedSince(count, inTree()), 20_000, 'demo-iommu.c after the Kconfig change back');
		expect(ids(back)).toContain(`tristate-ifdef:${IFDEF_LINE}`);
	});

	it('offers the #ifdef quick fix; applied, the finding goes and nothing else changes', async () => {
		const pub = client.last(inTree())!;
		const diag = pub.diagnostics.find((d) => d.code === 'tristate-ifdef')!;
		type Edit = { range: Range; newText: string };
		const actions = await client.connection.sendRequest<Array<{ title: string; isPreferred?: boolean; edit: { changes: Record<string, Edit[]> } }>>('textDocument/codeAction', {
			textDocument: { uri: uri(inTree()) },
			range: diag.range,
			context: { diagnostics: [diag] },
		});
		expect(actions.map((a) => a.title)).toEqual(['Replace with #if IS_REACHABLE(CONFIG_DEMO_RPMSG)', 'Replace with #if IS_ENABLED(CONFIG_DEMO_RPMSG)']);
		expect(actions[0]!.isPreferred).toBe(true);
		const edits = actions[0]!.edit.changes[uri(inTree())]!;
		expect(edits).toEqual([{ range: { start: { line: IFDEF_LINE, character: 0 }, end: { line: IFDEF_LINE, character: '#ifdef CONFIG_DEMO_RPMSG'.length } }, newText: '#if IS_REACHABLE(CONFIG_DEMO_RPMSG)' }]);
		client.change(inTree(), 2, edits[0]!.range, edits[0]!.newText);
		const after = await client.waitFor(() => client.last(inTree(), 2), 20_000, 'demo-iommu.c version 2');
		expect(ids(after)).not.toContain(`tristate-ifdef:${IFDEF_LINE}`);
		expect(ids(after).sort()).toEqual(ids(pub).filter((i) => i !== `tristate-ifdef:${IFDEF_LINE}`).sort());
	});

	it('checks a C file outside any kernel tree with the checks that need no Kconfig', async () => {
		client.open(alone(), DRIVER, 1, 'c');
		const pub = await client.waitFor(() => client.last(alone(), 1), 20_000, 'alone/demo-iommu.c diagnostics');
		expect(ids(pub)).toContain(`bus-set-iommu:${BUS_LINE}`);
		expect(ids(pub).some((i) => i.startsWith('tristate-ifdef'))).toBe(false);
		// A half-typed edit: still published, the server stays up and logs no failure.
		client.change(alone(), 2, { start: { line: BUS_LINE, character: 0 }, end: { line: BUS_LINE + 1, character: 0 } }, '\treturn bus_set_iommu(&platform_bus_type, {{ (\n#if defined(\n');
		const broken = await client.waitFor(() => client.last(alone(), 2), 20_000, 'alone/demo-iommu.c version 2');
		expect(Array.isArray(broken.diagnostics)).toBe(true);
		client.change(alone(), 3, { start: { line: 0, character: 0 }, end: { line: 200, character: 0 } }, DRIVER);
		expect(ids(await client.waitFor(() => client.last(alone(), 3), 20_000, 'alone/demo-iommu.c version 3'))).toContain(`bus-set-iommu:${BUS_LINE}`);
		expect(client.logs.join('\n')).not.toMatch(/failed|unhandled/);
		expect(client.proc.exitCode).toBeNull();
	});

	it('keeps publishing while a real driver is typed: every prefix, ranges inside the text, no failure', async () => {
		const text = readFileSync(join(__dirname, '../drivers/tree/drivers/iommu/arm-smmu.c'), 'utf8');
		const file = join(dir, 'typing/arm-smmu.c');
		client.open(file, '', 1, 'c');
		await client.waitFor(() => client.last(file, 1), 20_000, 'typing/arm-smmu.c version 1');
		let shown = '';
		const STEPS = 16;
		for (let k = 1; k <= STEPS; k++) {
			// The next prefix, cut anywhere (inside a comment, a string, a macro, an #if): what typing gives.
			const next = text.slice(0, Math.round((text.length * k) / STEPS) - (k < STEPS ? 7 * k : 0));
			const lines = shown.split('\n');
			client.change(file, k + 1, { start: { line: 0, character: 0 }, end: { line: lines.length, character: 0 } }, next);
			shown = next;
			const pub = await client.waitFor(() => client.last(file, k + 1), 20_000, `typing/arm-smmu.c version ${k + 1}`);
			const textLines = next.split('\n');
			for (const d of pub.diagnostics) {
				const range = d.range as Range;
				expect(range.end.line).toBeLessThan(textLines.length);
				expect(range.start.character).toBeLessThanOrEqual(textLines[range.start.line]!.length);
				expect(range.end.character).toBeLessThanOrEqual(textLines[range.end.line]!.length);
			}
		}
		// The whole file at the end: its bus_set_iommu() calls are found again.
		expect(ids(client.last(file)).some((i) => i.startsWith('bus-set-iommu'))).toBe(true);
		expect(client.logs.join('\n')).not.toMatch(/failed|unhandled/);
		expect(client.proc.exitCode).toBeNull();
		client.close(file);
	});

	it('relates the nodes an open board binds to bus-set-iommu, and follows the board\'s edits', async () => {
		const boardText = BOARD.split('\n');
		const nodeLine = boardText.findIndex((l) => l.includes('iommu@1000'));
		const hasNode = (p: Published | undefined) => related(busDiag(p)).some((r) => r.location.uri === uri(board()) && r.location.range.start.line === nodeLine);
		client.open(board(), BOARD);
		for (const file of [inTree(), alone()]) {
			const pub = await client.waitFor(() => (hasNode(client.last(file)) ? client.last(file) : undefined), 20_000, `${file}: the board's node related`);
			const node = related(busDiag(pub)).filter((r) => r.location.uri === uri(board()));
			expect(node).toEqual([expect.objectContaining({ message: '/iommu@1000 is bound by this driver' })]);
			// The rest of the file's diagnostics is what it was.
			expect(pub.version).toBe(file === inTree() ? 2 : 3);
		}
		// From the compatible in C to the node that lists it.
		const line = DRIVER.split('\n')[COMPATIBLE_LINE]!;
		const defs = await client.connection.sendRequest<Array<{ uri: string; range: Range }>>('textDocument/definition', { textDocument: { uri: uri(inTree()) }, position: { line: COMPATIBLE_LINE, character: line.indexOf('"demo,iommu"') + 2 } });
		const col = boardText[nodeLine]!.indexOf('"demo,iommu"');
		expect(defs).toEqual([{ uri: uri(board()), range: { start: { line: nodeLine, character: col }, end: { line: nodeLine, character: col + '"demo,iommu"'.length } } }]);
		// The board no longer binds the driver: the C files are published again without the node.
		client.change(board(), 2, { start: { line: nodeLine, character: col }, end: { line: nodeLine, character: col + '"demo,iommu"'.length } }, '"other,iommu"');
		for (const file of [inTree(), alone()]) {
			const pub = await client.waitFor(() => (!hasNode(client.last(file)) ? client.last(file) : undefined), 20_000, `${file}: the board's node gone`);
			expect(ids(pub)).toContain(`bus-set-iommu:${BUS_LINE}`);
		}
		expect(await client.connection.sendRequest('textDocument/definition', { textDocument: { uri: uri(inTree()) }, position: { line: COMPATIBLE_LINE, character: line.indexOf('"demo,iommu"') + 2 } })).toEqual([]);
	});

	it('clears the diagnostics of a C file when it closes, and no longer analyses it', async () => {
		const other = join(dir, 'linux/drivers/iommu/other-iommu.c');
		writeFileSync(other, DRIVER);
		client.open(other, DRIVER, 1, 'c');
		expect(ids(await client.waitFor(() => client.last(other, 1), 20_000, 'other-iommu.c diagnostics'))).toContain(`tristate-ifdef:${IFDEF_LINE}`);
		for (const file of [inTree(), alone()]) {
			expect(client.last(file)!.diagnostics.length).toBeGreaterThan(0);
			const count = client.published.length;
			client.close(file);
			const pub = await client.waitFor(() => publishedSince(count, file), 20_000, `${file} cleared`);
			expect(pub.diagnostics).toEqual([]);
		}
		// A change to the kernel tree's Kconfig re-publishes the open C files of that tree, not the closed one.
		const count = client.published.length;
		writeFileSync(kconfig(), KCONFIG_TRISTATE.replace('config DEMO_RPMSG\n\ttristate', 'config DEMO_RPMSG\n\tbool'));
		void client.connection.sendNotification('workspace/didChangeWatchedFiles', { changes: [{ uri: uri(kconfig()), type: 2 }] });
		const again = await client.waitFor(() => publishedSince(count, other), 20_000, 'other-iommu.c after the Kconfig change');
		expect(ids(again)).not.toContain(`tristate-ifdef:${IFDEF_LINE}`);
		expect(publishedSince(count, inTree())).toBeUndefined();
		expect(client.proc.exitCode).toBeNull();
	});

	it('a C file the settings put under the driver roots is a driver source, and loose again when they no longer do', async () => {
		const other = join(dir, 'linux/drivers/iommu/other-iommu.c');
		let count = client.published.length;
		writeFileSync(kconfig(), KCONFIG_TRISTATE);
		void client.connection.sendNotification('workspace/didChangeWatchedFiles', { changes: [{ uri: uri(kconfig()), type: 2 }] });
		await client.waitFor(() => ids(publishedSince(count, other)).includes(`tristate-ifdef:${IFDEF_LINE}`), 20_000, 'other-iommu.c with the tristate Kconfig');
		const otherCall = (p: Published | undefined) => related(busDiag(p)).some((r) => r.location.uri === uri(other));
		client.open(inTree(), DRIVER, 1, 'c');
		expect(ids(await client.waitFor(() => client.last(inTree(), 1), 20_000, 'demo-iommu.c opened again'))).toContain(`tristate-ifdef:${IFDEF_LINE}`);
		/** A round trip: whatever the server sent before answering it has arrived. */
		const roundTrip = () => client.connection.sendRequest('iommuLens/buildContexts', { textDocument: { uri: uri(inTree()) } });
		// Under the driver roots (no Kconfig configured): the drivers' diagnostics, which relate the other driver's claim of the bus.
		count = client.published.length;
		void client.connection.sendNotification('workspace/didChangeConfiguration', { settings: { iommuLens: { driverRoots: ['linux/drivers/iommu'] } } });
		await client.waitFor(() => otherCall(publishedSince(count, inTree())), 20_000, 'demo-iommu.c as a driver source');
		await roundTrip();
		const owned = publishedSince(count, inTree());
		expect(otherCall(owned)).toBe(true);
		expect(ids(owned)).not.toContain(`tristate-ifdef:${IFDEF_LINE}`);
		// Loose again: its own tree's Kconfig, and no other file.
		count = client.published.length;
		void client.connection.sendNotification('workspace/didChangeConfiguration', { settings: { iommuLens: {} } });
		await client.waitFor(() => ids(publishedSince(count, inTree())).includes(`tristate-ifdef:${IFDEF_LINE}`), 20_000, 'demo-iommu.c loose again');
		await roundTrip();
		const loose = publishedSince(count, inTree());
		expect(ids(loose)).toContain(`tristate-ifdef:${IFDEF_LINE}`);
		expect(otherCall(loose)).toBe(false);
		expect(client.proc.exitCode).toBeNull();
	});
});

describe('loose C files in the analysis host', () => {
	it('an open C file is loose until it closes; a header a board reads is the board\'s', async () => {
		const dir = mkdtempSync(join(tmpdir(), 'iommu-lens-loose-host-'));
		writeFileSync(join(dir, 'board.dts'), '/dts-v1/;\n#include "defs.h"\n/ { x = <FOO>; };\n');
		writeFileSync(join(dir, 'defs.h'), '#define FOO 1\n');
		writeFileSync(join(dir, 'driver.c'), DRIVER);
		const host = new AnalysisHost(nodeRuntime());
		host.folders = [dir];
		await host.configure(normaliseSettings({}));
		host.snapshot(join(dir, 'board.dts'));
		host.open(join(dir, 'defs.h'), '#define FOO 2\n', 1);
		expect(host.loose.has(join(dir, 'defs.h'))).toBe(false);
		expect(host.open(join(dir, 'driver.c'), DRIVER, 1).loose).toEqual([join(dir, 'driver.c')]);
		expect(host.loose.has(join(dir, 'driver.c'))).toBe(true);
		await host.loose.ready();
		expect(host.loose.findings(join(dir, 'driver.c'), undefined).map((i) => `${i.id}:${i.span.start.line}`)).toEqual([`bus-set-iommu:${BUS_LINE}`]);
		host.close(join(dir, 'driver.c'));
		expect(host.loose.has(join(dir, 'driver.c'))).toBe(false);
	});

	it(`keeps ${MAX_KERNEL_TREES} Kconfig trees: beyond, the oldest no loose file uses is read again when needed`, async () => {
		const dir = mkdtempSync(join(tmpdir(), 'iommu-lens-loose-trees-'));
		const trees = ['a', 'b', 'c'];
		for (const t of trees) {
			mkdirSync(join(dir, t, 'arch'), { recursive: true });
			mkdirSync(join(dir, t, 'drivers'), { recursive: true });
			writeFileSync(join(dir, t, 'Kconfig'), 'config DEMO_RPMSG\n\ttristate\n');
			writeFileSync(join(dir, t, 'drivers/demo.c'), DRIVER);
		}
		const base = nodeRuntime();
		const reads: string[] = [];
		const runtime: Runtime = { ...base, fs: { overlay: base.fs.overlay, readFile: (p) => (reads.push(p), base.fs.readFile(p)) } };
		const loose = new LooseDrivers(runtime);
		await loose.ready();
		const file = (t: string) => join(dir, t, 'drivers/demo.c');
		const kconfigReads = (t: string) => reads.filter((r) => r === join(dir, t, 'Kconfig')).length;
		const tristate = (t: string) => loose.findings(file(t), undefined).some((i) => i.id === 'tristate-ifdef');
		loose.track(file('a'));
		expect(tristate('a')).toBe(true);
		loose.untrack(file('a'));
		loose.track(file('b'));
		expect(tristate('b')).toBe(true);
		// Two trees: a's is kept although no loose file uses it.
		loose.track(file('a'));
		expect(tristate('a')).toBe(true);
		expect(kconfigReads('a')).toBe(1);
		loose.untrack(file('a'));
		loose.track(file('c'));
		expect(tristate('c')).toBe(true);
		// A third: a's goes (b's is in use), and is read again.
		loose.track(file('a'));
		expect(tristate('a')).toBe(true);
		expect(kconfigReads('a')).toBe(2);
		expect(kconfigReads('b')).toBe(1);
	});
});
