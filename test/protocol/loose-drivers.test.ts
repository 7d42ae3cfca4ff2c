/**
 * C files outside the driver roots (the real server over stdio, no settings): an open `.c` document
 * is analysed on its own, with the Kconfig tree of the kernel tree around it (found by its `Kconfig`
 * and `arch/`), read through the overlay and re-read when a Kconfig file changes; outside any kernel
 * tree it still gets the checks that need no Kconfig; the `#ifdef` quick fix and the navigation from
 * an `of_device_id` compatible to the open boards work on it; its `bus-set-iommu` diagnostics relate
 * the nodes the open boards bind (re-published when a board changes); closing clears its diagnostics
 * and ends its analysis. A header a board reads (devicetree macros) is the board's, not loose; the
 * Kconfig trees kept are bounded (`MAX_KERNEL_TREES`). In a copy of test/drivers/tree: the Kconfig
 * tree is read for the architecture of the open boards (`arch/$(SRCARCH)/Kconfig`), and arm-smmu.c
 * opened alone reads the drivers its folder's Makefile builds (their `bus_set_iommu()` claims relate
 * to its finding; an edit to one re-analyses it; only the siblings that may claim a bus are parsed,
 * up to `MAX_SIBLING_TEXT`; large ones after a first publish without them, `SIBLINGS_LATER_TEXT`).
 */
import { cpSync, mkdirSync, mkdtempSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LooseDrivers, MAX_KERNEL_TREES, MAX_SIBLING_TEXT, SIBLINGS_LATER_TEXT } from '../../server/src/lsp/loose-drivers';
import { nodeRuntime } from '../../server/src/lsp/node-runtime';
import type { Runtime } from '../../server/src/lsp/runtime';
import { normaliseSettings } from '../../server/src/lsp/settings';
import { AnalysisHost } from '../../server/src/lsp/workspace';
import { TestClient, uri, type Published } from './client';
import { REPO_ROOT } from '../harness/corpus';

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

describe('a loose C file of a kernel tree: the tree\'s architecture, and the drivers beside it', () => {
	let client: TestClient;
	let dir: string;
	/** A copy of test/drivers/tree whose architecture is no host's (`arch/lens`), so only the open boards can name it. */
	const tree = () => join(dir, 'linux');
	const archC = () => join(tree(), 'drivers/misc/arch-tristate.c');
	const archKconfig = () => join(tree(), 'arch/lens/Kconfig');
	const board = () => join(tree(), 'arch/lens/boot/dts/vendor/board.dts');
	const smmu = () => join(tree(), 'drivers/iommu/arm-smmu.c');
	const rockchip = () => join(tree(), 'drivers/iommu/rockchip-iommu.c');
	const smmuV3 = () => join(tree(), 'drivers/iommu/arm-smmu-v3.c');
	const ids = (p: Published | undefined) => (p?.diagnostics ?? []).map((d) => `${d.code}:${d.range.start.line}`);
	const related = (d: Diag | undefined) => (d?.relatedInformation ?? []) as Related[];
	const publishedSince = (count: number, path: string) => client.published.slice(count).filter((p) => p.uri === uri(path)).at(-1);
	const watched = (path: string) => void client.connection.sendNotification('workspace/didChangeWatchedFiles', { changes: [{ uri: uri(path), type: 2 }] });
	/** 0-based lines: the #ifdef of arch-tristate.c; arm-smmu.c's bus_set_iommu(&platform_bus_type) and rpmsg's; the other drivers' platform claims. */
	const IFDEF = 5;
	const SMMU_PLATFORM = 95;
	const SMMU_RPMSG = 108;
	const RK_PLATFORM = 160;
	const V3_PLATFORM = 90;
	const platformDiag = (p: Published | undefined) => p?.diagnostics.find((d) => d.code === 'bus-set-iommu' && d.range.start.line === SMMU_PLATFORM);
	const claimers = (p: Published | undefined) => ((platformDiag(p)?.relatedInformation ?? []) as Related[]).map((r) => `${r.location.uri.slice(r.location.uri.lastIndexOf('/') + 1)}:${r.location.range.start.line}`);

	beforeAll(async () => {
		dir = mkdtempSync(join(tmpdir(), 'iommu-lens-lsp-loose-tree-'));
		cpSync(join(REPO_ROOT, 'test/drivers/tree'), tree(), { recursive: true });
		renameSync(join(tree(), 'arch/arm64'), join(tree(), 'arch/lens'));
		cpSync(join(REPO_ROOT, 'test/drivers/cases/arch-tristate.c'), archC());
		mkdirSync(join(tree(), 'arch/lens/boot/dts/vendor'), { recursive: true });
		writeFileSync(board(), BOARD);
		// No ARCH in the server's environment (it would win over the boards).
		const env = { ...process.env };
		delete env.ARCH;
		client = new TestClient(undefined, env);
		await client.initialize(dir, { settings: { kernel: '4.14' } }, { workspace: { configuration: true, didChangeWatchedFiles: { dynamicRegistration: true } } });
	});
	afterAll(async () => {
		await client.stop();
	});

	it('reads arch/$(SRCARCH)/Kconfig for the architecture of the open boards of the tree; its files are inputs', async () => {
		const text = readFileSync(archC(), 'utf8');
		client.open(archC(), text, 1, 'c');
		// The host's architecture: this tree has no Kconfig for it, so CONFIG_ARM64_SMMU_TRACE is unknown.
		expect(ids(await client.waitFor(() => client.last(archC(), 1), 20_000, 'arch-tristate.c diagnostics'))).toEqual([]);
		let count = client.published.length;
		client.open(board(), BOARD);
		const lens = await client.waitFor(() => publishedSince(count, archC()), 20_000, 'arch-tristate.c with the board open');
		expect(ids(lens)).toEqual([`tristate-ifdef:${IFDEF}`]);
		expect(related(lens.diagnostics[0]).map((r) => [r.location.uri, r.location.range.start.line, r.message])).toEqual([[uri(archKconfig()), 4, 'config ARM64_SMMU_TRACE is tristate']]);
		// The architecture's Kconfig changes on disk: read again.
		count = client.published.length;
		const kconfigText = readFileSync(archKconfig(), 'utf8');
		writeFileSync(archKconfig(), kconfigText.replace('\ttristate "Trace', '\tbool "Trace'));
		watched(archKconfig());
		expect(ids(await client.waitFor(() => publishedSince(count, archC()), 20_000, 'arch-tristate.c after the arch Kconfig change'))).toEqual([]);
		count = client.published.length;
		writeFileSync(archKconfig(), kconfigText);
		watched(archKconfig());
		expect(ids(await client.waitFor(() => publishedSince(count, archC()), 20_000, 'arch-tristate.c after the change back'))).toEqual([`tristate-ifdef:${IFDEF}`]);
		// The board closes: the host's architecture again.
		count = client.published.length;
		client.close(board());
		expect(ids(await client.waitFor(() => publishedSince(count, archC()), 20_000, 'arch-tristate.c after the board closed'))).toEqual([]);
		client.close(archC());
	});

	it('arm-smmu.c opened alone reads the drivers its folder builds: rockchip-iommu.c and arm-smmu-v3.c claim the platform bus too', async () => {
		client.open(smmu(), readFileSync(smmu(), 'utf8'), 1, 'c');
		const pub = await client.waitFor(() => client.last(smmu(), 1), 20_000, 'arm-smmu.c diagnostics');
		const platform = platformDiag(pub)!;
		expect(platform.severity).toBe(2);
		expect(platform.message).toContain('2 other scanned driver(s) claim the same bus');
		expect(related(platform).map((r) => [r.location.uri, r.location.range.start.line, r.message])).toEqual([
			[uri(rockchip()), RK_PLATFORM, 'rockchip-iommu.c also claims the platform bus (from its initcall)'],
			[uri(smmuV3()), V3_PLATFORM, 'arm-smmu-v3.c also claims the platform bus (from probe)'],
		]);
		// No other driver claims the rpmsg bus: info.
		expect(pub.diagnostics.find((d) => d.code === 'bus-set-iommu' && d.range.start.line === SMMU_RPMSG)?.severity).toBe(3);
		// Findings only on the open file: none published on the siblings.
		expect(client.last(rockchip())).toBeUndefined();
		expect(client.last(smmuV3())).toBeUndefined();
	});

	it('a sibling edited in the editor, closed, or changed on disk re-analyses the loose file', async () => {
		const rkText = readFileSync(rockchip(), 'utf8');
		let count = client.published.length;
		client.open(rockchip(), rkText.replace('ret = bus_set_iommu(&platform_bus_type, &rk_iommu_ops);', 'ret = 0;'), 1, 'c');
		const edited = await client.waitFor(() => publishedSince(count, smmu()), 20_000, 'arm-smmu.c after rockchip-iommu.c was edited');
		expect(claimers(edited)).toEqual([`arm-smmu-v3.c:${V3_PLATFORM}`]);
		count = client.published.length;
		client.close(rockchip());
		const closed = await client.waitFor(() => publishedSince(count, smmu()), 20_000, 'arm-smmu.c after rockchip-iommu.c closed');
		expect(claimers(closed)).toEqual([`rockchip-iommu.c:${RK_PLATFORM}`, `arm-smmu-v3.c:${V3_PLATFORM}`]);
		count = client.published.length;
		writeFileSync(smmuV3(), readFileSync(smmuV3(), 'utf8').replaceAll('bus_set_iommu(', 'bus_claim_none('));
		watched(smmuV3());
		const disk = await client.waitFor(() => publishedSince(count, smmu()), 20_000, 'arm-smmu.c after arm-smmu-v3.c changed on disk');
		expect(claimers(disk)).toEqual([`rockchip-iommu.c:${RK_PLATFORM}`]);
		expect(platformDiag(disk)?.severity).toBe(2);
		expect(client.logs.join('\n')).not.toMatch(/failed|unhandled/);
		expect(client.proc.exitCode).toBeNull();
	});

	it(`a file whose siblings are large (over ${SIBLINGS_LATER_TEXT} characters) is published without them first, then with them`, async () => {
		const big = join(tree(), 'drivers/iommu-big');
		mkdirSync(big);
		writeFileSync(join(big, 'Makefile'), 'obj-y += arm-smmu.o\nobj-y += big-iommu.o\n');
		// A driver that claims the platform bus, behind a comment long enough to make it a large sibling.
		const filler = `/*\n${' * filler\n'.repeat(Math.ceil(SIBLINGS_LATER_TEXT / 10))} */\n`;
		const bigText = `${filler}#include <linux/iommu.h>\n#include <linux/platform_device.h>\n\nstatic const struct iommu_ops big_ops;\n\nstatic int __init big_iommu_init(void)\n{\n\treturn bus_set_iommu(&platform_bus_type, &big_ops);\n}\nsubsys_initcall(big_iommu_init);\n`;
		writeFileSync(join(big, 'big-iommu.c'), bigText);
		const claimLine = bigText.split('\n').findIndex((l) => l.includes('bus_set_iommu('));
		const file = join(big, 'arm-smmu.c');
		const text = readFileSync(smmu(), 'utf8');
		writeFileSync(file, text);
		client.open(file, text, 1, 'c');
		const [first, second] = await client.waitFor(() => {
			const pubs = client.published.filter((p) => p.uri === uri(file) && p.version === 1);
			return pubs.length >= 2 ? pubs : undefined;
		}, 20_000, 'arm-smmu.c published twice');
		// Its own findings at once: no other scanned driver claims the bus yet (info).
		expect(platformDiag(first)?.severity).toBe(3);
		expect(claimers(first)).toEqual([]);
		// Then with the sibling parsed: a warning that names it.
		expect(platformDiag(second)?.severity).toBe(2);
		expect(claimers(second)).toEqual([`big-iommu.c:${claimLine}`]);
		expect(ids(second).sort()).toEqual(ids(first).sort());
		// The siblings are read now: an edit publishes once, with them.
		const count = client.published.length;
		client.change(file, 2, { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, '/* edited */ ');
		const edited = await client.waitFor(() => client.last(file, 2), 20_000, 'arm-smmu.c version 2');
		expect(claimers(edited)).toEqual([`big-iommu.c:${claimLine}`]);
		expect(client.published.slice(count).filter((p) => p.uri === uri(file))).toHaveLength(1);
		client.close(file);
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

	it('reads the siblings of a file that calls bus_set_iommu(): only those whose text may claim a bus are parsed, a changed one alone again', async () => {
		const dir = mkdtempSync(join(tmpdir(), 'iommu-lens-loose-siblings-'));
		cpSync(join(REPO_ROOT, 'test/drivers/tree'), dir, { recursive: true });
		const iommu = (f: string) => join(dir, 'drivers/iommu', f);
		// A file the Makefile builds that names neither bus_set_iommu nor of_device_id: read, never parsed.
		writeFileSync(iommu('iommu.c'), '// The IOMMU core (no driver here).\nint iommu_core;\n');
		const base = nodeRuntime();
		const extracted: string[] = [];
		const runtime: Runtime = {
			...base,
			loadCExtractor: () => base.loadCExtractor().then((x) => ({ extract: (file: string, text: string) => (extracted.push(file.slice(dir.length + 1)), x.extract(file, text)) })),
		};
		const loose = new LooseDrivers(runtime);
		await loose.ready();
		const claimsOf = (file: string) => loose.findings(file, '4.14').filter((i) => i.id === 'bus-set-iommu' && i.span.start.line === 95).map((i) => [i.severity, i.related.map((r) => r.span.file.slice(dir.length + 1))]);
		loose.track(iommu('arm-smmu.c'));
		expect(claimsOf(iommu('arm-smmu.c'))).toEqual([['warning', ['drivers/iommu/rockchip-iommu.c', 'drivers/iommu/arm-smmu-v3.c']]]);
		expect(extracted).toEqual(['drivers/iommu/arm-smmu.c', 'drivers/iommu/rockchip-iommu.c', 'drivers/iommu/arm-smmu-v3.c']);
		// Findings only on the open file, and the sources' own diagnostics only its own.
		expect(loose.findings(iommu('arm-smmu.c'), '4.14').every((i) => i.span.file === iommu('arm-smmu.c'))).toBe(true);
		// A sibling changes: it alone is parsed again, and the loose files of its folder are named.
		extracted.length = 0;
		base.fs.overlay.set(iommu('rockchip-iommu.c'), readFileSync(iommu('rockchip-iommu.c'), 'utf8').replace('bus_set_iommu(&platform_bus_type', 'bus_set_iommu(&pci_bus_type'));
		expect(loose.changed(iommu('rockchip-iommu.c'))).toEqual([iommu('arm-smmu.c')]);
		expect(claimsOf(iommu('arm-smmu.c'))).toEqual([['warning', ['drivers/iommu/arm-smmu-v3.c']]]);
		expect(extracted).toEqual(['drivers/iommu/rockchip-iommu.c']);
		// A file that calls no bus_set_iommu() needs no siblings: none read for it.
		extracted.length = 0;
		const misc = join(dir, 'drivers/misc/fastrpc.c');
		loose.track(misc);
		loose.findings(misc, '4.14');
		expect(extracted).toEqual(['drivers/misc/fastrpc.c']);
	});

	it(`parses up to ${MAX_SIBLING_TEXT} characters of siblings per folder, in link order: one beyond is left out`, async () => {
		const dir = mkdtempSync(join(tmpdir(), 'iommu-lens-loose-budget-'));
		mkdirSync(join(dir, 'arch'), { recursive: true });
		mkdirSync(join(dir, 'drivers/iommu'), { recursive: true });
		writeFileSync(join(dir, 'Kconfig'), 'config DEMO_IOMMU\n\tbool\n');
		writeFileSync(join(dir, 'drivers/iommu/Makefile'), 'obj-y += first.o big.o last.o demo-iommu.o\n');
		for (const name of ['first', 'last']) writeFileSync(join(dir, `drivers/iommu/${name}.c`), DRIVER.replaceAll('demo', name));
		// The claim comes first: the budget, not the text test, leaves it out.
		writeFileSync(join(dir, 'drivers/iommu/big.c'), `${DRIVER.replaceAll('demo', 'big')}/*${' '.repeat(MAX_SIBLING_TEXT)}*/\n`);
		writeFileSync(join(dir, 'drivers/iommu/demo-iommu.c'), DRIVER);
		const base = nodeRuntime();
		const extracted: string[] = [];
		const runtime: Runtime = {
			...base,
			loadCExtractor: () => base.loadCExtractor().then((x) => ({ extract: (file: string, text: string) => (extracted.push(file.slice(file.lastIndexOf('/') + 1)), x.extract(file, text)) })),
		};
		const loose = new LooseDrivers(runtime);
		await loose.ready();
		const file = join(dir, 'drivers/iommu/demo-iommu.c');
		loose.track(file);
		const bus = loose.findings(file, '4.14').find((i) => i.id === 'bus-set-iommu');
		expect(bus?.related.map((r) => r.span.file.slice(r.span.file.lastIndexOf('/') + 1))).toEqual(['first.c', 'last.c']);
		expect(extracted).toEqual(['demo-iommu.c', 'first.c', 'last.c']);
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
