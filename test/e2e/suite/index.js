// @ts-check
/**
 * The end-to-end suite: runs INSIDE VS Code's extension host (`extensionTestsPath`), with the
 * extension under development loaded from the repository root and test/e2e/fixture/workspace (a
 * temporary copy) as the workspace folder. Plain CommonJS so it needs no build; VS Code calls
 * `run()` and the run fails when it throws.
 *
 * Runners: test/e2e/run.mjs (code-server + headless Chromium, works offline) and
 * scripts/test-e2e-electron.mjs (@vscode/test-electron, desktop VS Code; needs network to download it).
 *
 * Every wait is on an event (diagnostics changes, editor and document events, fs.watch), bounded by
 * a timeout; nothing sleeps. Screenshots (only under run.mjs, which sets IOMMU_LENS_E2E_ARTIFACTS):
 * a log line `SCREENSHOT <name> [<css selector>]`, then wait for the file to appear.
 *
 * The fixture board (board.dts) has one deliberate finding: the camera's iommus entries have one
 * cell where the SMMU's #iommu-cells is 2 (`iommus-cells`), whose preferred quick fix pads each
 * entry with 0x0.
 */
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const vscode = require('vscode');

const EXTENSION_ID = 'iommu-lens.iommu-lens';
const FINDING = 'iommus-cells';
const TIMEOUT = Number(process.env.IOMMU_LENS_E2E_STEP_TIMEOUT_MS || 30000);

const log = (/** @type {string} */ msg) => console.log(`[suite] ${msg}`);

/**
 * Resolves with check()'s first truthy value, re-checking whenever one of `events` fires.
 * @template T
 * @param {string} what
 * @param {() => T | undefined | null | false} check
 * @param {vscode.Event<any>[]} events
 * @param {number} [timeout]
 * @returns {Promise<T>}
 */
function waitFor(what, check, events, timeout = TIMEOUT) {
	return new Promise((resolve, reject) => {
		/** @type {vscode.Disposable[]} */
		const subs = [];
		const done = () => {
			clearTimeout(timer);
			for (const s of subs) s.dispose();
		};
		const timer = setTimeout(() => {
			done();
			reject(new Error(`timed out after ${timeout} ms waiting for ${what}`));
		}, timeout);
		const probe = () => {
			let v;
			try {
				v = check();
			} catch (e) {
				done();
				reject(e);
				return;
			}
			if (v) {
				done();
				resolve(/** @type {T} */ (v));
			}
		};
		for (const e of events) subs.push(e(probe));
		probe();
	});
}

/** @param {vscode.Diagnostic} d */
const codeOf = (d) => (typeof d.code === 'object' && d.code !== null ? String(d.code.value) : String(d.code ?? ''));
/** @param {vscode.Uri} uri */
const findingsOf = (uri) => vscode.languages.getDiagnostics(uri).filter((d) => codeOf(d) === FINDING);

/** @param {vscode.Hover[]} hovers */
function hoverText(hovers) {
	return (hovers ?? [])
		.flatMap((h) => h.contents)
		.map((c) => (typeof c === 'string' ? c : 'value' in c ? c.value : ''))
		.join('\n')
		.trim();
}

/**
 * Asks run.mjs for a screenshot and waits until it is saved (no-op under other runners).
 * @param {string} name
 * @param {string} [selector] a CSS selector that must be visible first
 */
async function screenshot(name, selector) {
	const dir = process.env.IOMMU_LENS_E2E_ARTIFACTS;
	if (!dir) {
		log(`screenshot ${name}: skipped (no screenshot-capable runner)`);
		return;
	}
	fs.mkdirSync(dir, { recursive: true });
	const file = path.join(dir, `${name}.png`);
	fs.rmSync(file, { force: true });
	await new Promise((resolve, reject) => {
		const watcher = fs.watch(dir, (_event, f) => {
			if (f === `${name}.png` && fs.existsSync(file)) {
				clearTimeout(timer);
				watcher.close();
				resolve(undefined);
			}
		});
		const timer = setTimeout(() => {
			watcher.close();
			reject(new Error(`screenshot ${name} was not saved within ${TIMEOUT} ms`));
		}, TIMEOUT);
		console.log(`SCREENSHOT ${name}${selector ? ` ${selector}` : ''}`);
	});
}

exports.run = async function run() {
	const t0 = Date.now();
	log(`VS Code ${vscode.version} (${vscode.env.appName}, uiKind=${vscode.env.uiKind}, remoteName=${vscode.env.remoteName ?? 'none'})`);
	const folder = vscode.workspace.workspaceFolders?.[0];
	if (!folder) throw new Error('no workspace folder: the runner must open test/e2e/fixture/workspace');
	const board = vscode.Uri.joinPath(folder.uri, 'board.dts');
	const ext = vscode.extensions.getExtension(EXTENSION_ID);
	if (!ext) throw new Error(`extension ${EXTENSION_ID} is not loaded (extensionDevelopmentPath must be the repository root)`);

	/** @type {{name: string, ms: number, error?: unknown}[]} */
	const results = [];
	/** @param {string} name @param {() => Promise<void>} body */
	async function test(name, body) {
		const start = Date.now();
		try {
			await body();
			results.push({ name, ms: Date.now() - start });
			log(`PASS ${name} (${Date.now() - start} ms)`);
		} catch (error) {
			results.push({ name, ms: Date.now() - start, error });
			log(`FAIL ${name} (${Date.now() - start} ms): ${error instanceof Error ? error.stack ?? error.message : String(error)}`);
		}
	}

	/** @type {vscode.TextEditor | undefined} */
	let editor;
	let openedAt = Date.now();
	/** @type {vscode.Diagnostic | undefined} */
	let finding;

	await test('activates on opening a .dts file', async () => {
		const events = /** @type {string[]} */ (ext.packageJSON.activationEvents ?? []);
		if (events.every((e) => e.startsWith('onLanguage:')) && ext.isActive) throw new Error(`active before any .dts was opened (activationEvents: ${events.join(', ')})`);
		openedAt = Date.now();
		const doc = await vscode.workspace.openTextDocument(board);
		if (doc.languageId !== 'dts') throw new Error(`board.dts has language ${doc.languageId}, expected dts`);
		editor = await vscode.window.showTextDocument(doc, { preview: false });
		await waitFor(`${EXTENSION_ID} to be active`, () => ext.isActive, [vscode.languages.onDidChangeDiagnostics, vscode.workspace.onDidOpenTextDocument, vscode.window.onDidChangeActiveTextEditor]);
		log(`MEASURE activation: ${Date.now() - openedAt} ms from opening board.dts to the extension being active`);
	});

	await test(`publishes the ${FINDING} diagnostic of the fixture board`, async () => {
		const found = await waitFor(`a ${FINDING} diagnostic on board.dts (got: ${JSON.stringify(vscode.languages.getDiagnostics(board).map(codeOf))})`, () => findingsOf(board)[0], [vscode.languages.onDidChangeDiagnostics]);
		finding = found;
		log(`MEASURE first diagnostics: ${Date.now() - openedAt} ms from opening board.dts (fixture)`);
		if (found.severity !== vscode.DiagnosticSeverity.Error) throw new Error(`severity ${found.severity}, expected Error`);
		const line = editor?.document.lineAt(found.range.start.line).text ?? '';
		if (!line.includes('iommus')) throw new Error(`diagnostic on line ${found.range.start.line + 1} (${JSON.stringify(line)}), expected the camera's iommus`);
		if (!String(found.source ?? '').startsWith('iommu-lens')) throw new Error(`source ${found.source}, expected iommu-lens (…)`);
		log(`diagnostic ${found.range.start.line + 1}:${found.range.start.character + 1} [${codeOf(found)}] ${found.source}: ${found.message.slice(0, 100)}…`);
	});

	await test('screenshot: the board with the Problems panel', async () => {
		await vscode.commands.executeCommand('workbench.actions.view.problems');
		await screenshot('workbench-problems', '.markers-panel .monaco-list-row');
	});

	await test('hover on iommus', async () => {
		if (!editor) throw new Error('board.dts is not open');
		const doc = editor.document;
		const line = doc.getText().split('\n').findIndex((l) => /^\s*iommus\s*=\s*<&apps_smmu 0x8a0/.test(l));
		if (line < 0) throw new Error('no camera iommus line in board.dts');
		const pos = new vscode.Position(line, doc.lineAt(line).text.indexOf('iommus') + 2);
		/** @type {vscode.Hover[]} */
		const hovers = await vscode.commands.executeCommand('vscode.executeHoverProvider', doc.uri, pos);
		const text = hoverText(hovers);
		log(`hover at ${line + 1}:${pos.character + 1}: ${JSON.stringify(text.slice(0, 300))}${text.length > 300 ? '…' : ''}`);
		if (!text) throw new Error('empty hover on iommus');
		if (!/apps_smmu|iommu@15000000|#iommu-cells|stream/i.test(text)) throw new Error(`the hover does not mention the IOMMU: ${JSON.stringify(text.slice(0, 300))}`);
	});

	await test(`quick fix for ${FINDING} removes the diagnostic`, async () => {
		if (!editor || !finding) throw new Error('no diagnostic to fix (see the tests above)');
		const doc = editor.document;
		/** @type {(vscode.CodeAction | vscode.Command)[]} */
		const actions = await vscode.commands.executeCommand('vscode.executeCodeActionProvider', doc.uri, finding.range, vscode.CodeActionKind.QuickFix.value);
		// (vscode.executeCodeActionProvider does not return the actions' `diagnostics`: the quick fixes
		// asked for at the finding's range are the candidates.)
		const fixes = /** @type {vscode.CodeAction[]} */ ((actions ?? []).filter((a) => 'edit' in a && a.edit && (!a.diagnostics || a.diagnostics.some((d) => codeOf(d) === FINDING))));
		log(`quick fixes: ${JSON.stringify(fixes.map((f) => `${f.title}${f.isPreferred ? ' (preferred)' : ''}`))}`);
		const fix = fixes.find((f) => f.isPreferred) ?? fixes[0];
		if (!fix?.edit) throw new Error(`no quick fix with an edit for ${FINDING} (got ${JSON.stringify((actions ?? []).map((a) => a.title))})`);
		if (!(await vscode.workspace.applyEdit(fix.edit))) throw new Error(`applyEdit failed for "${fix.title}"`);
		const text = doc.getText();
		if (!text.includes('<&apps_smmu 0x8a0 0x0>, <&apps_smmu 0x8a1 0x0>')) throw new Error(`unexpected text after the fix: ${JSON.stringify(text.split('\n').find((l) => l.includes('iommus')))}`);
		await waitFor(`the ${FINDING} diagnostic to disappear after "${fix.title}"`, () => findingsOf(board).length === 0, [vscode.languages.onDidChangeDiagnostics]);
		await doc.save();
	});

	// ---- The scenario simulation panel (client/src/webview/panel.ts, media/webview.ts) ----
	const PANEL_TEST_COMMAND = 'iommuLens._testShowSimulationPanel';
	/** @param {vscode.Uri} uri @param {object} [scenario] @returns {Promise<any>} */
	const openPanel = async (uri, scenario) => {
		if (!(await vscode.commands.getCommands(true)).includes(PANEL_TEST_COMMAND)) throw new Error(`${PANEL_TEST_COMMAND} is not registered: activate() must call registerSimulationPanel() from client/src/webview/panel.ts`);
		const info = await vscode.commands.executeCommand(PANEL_TEST_COMMAND, uri, scenario);
		// Room for the screenshots: one editor group, no side bar, no panel.
		for (const c of ['workbench.action.joinAllGroups', 'workbench.action.closeSidebar', 'workbench.action.closePanel']) await vscode.commands.executeCommand(c);
		return info;
	};
	/** Switches the colour theme and waits until the workbench reports the new kind. @param {string} theme @param {number} kind */
	const setTheme = async (theme, kind) => {
		const changed = new Promise((resolve) => {
			const sub = vscode.window.onDidChangeActiveColorTheme((t) => {
				if (t.kind === kind) {
					sub.dispose();
					resolve(undefined);
				}
			});
		});
		await vscode.workspace.getConfiguration('workbench').update('colorTheme', theme, vscode.ConfigurationTarget.Global);
		if (vscode.window.activeColorTheme.kind !== kind) await Promise.race([changed, new Promise((_, reject) => setTimeout(() => reject(new Error(`theme ${theme} not applied within ${TIMEOUT} ms`)), TIMEOUT))]);
	};

	await test('simulation panel: renders the fixture board (light theme)', async () => {
		await setTheme('Default Light Modern', vscode.ColorThemeKind.Light);
		const info = await openPanel(board);
		log(`panel rendered: ${JSON.stringify(info)}`);
		if (!info?.counts) throw new Error(`no rendered message: ${JSON.stringify(info)}`);
		if (info.counts.masters !== 2 || info.counts.iommus !== 1 || info.counts.paths !== 2) throw new Error(`expected 2 masters, 1 IOMMU, 2 paths: ${JSON.stringify(info.counts)}`);
		if (info.counts.flagged !== 0) throw new Error(`the board as written flags ${JSON.stringify(info.flagged)}`);
		if (!(info.trace > 0)) throw new Error('empty probe timeline');
		await screenshot('webview-light', 'iframe.webview.ready');
	});

	await test('simulation panel: a what-if re-runs in place (dark theme)', async () => {
		await setTheme('Default Dark Modern', vscode.ColorThemeKind.Dark);
		// arm-smmu as a module with arm-smmu.disable_bypass=1: both masters' outcomes depend on the order.
		const info = await openPanel(board, { drivers: { 'arm-smmu': 'm' }, armSmmuDisableBypass: true });
		log(`panel re-rendered: ${JSON.stringify(info)}`);
		if (info?.counts?.flagged !== 2 || info.diff !== 2) throw new Error(`expected 2 flagged masters and a diff of 2: ${JSON.stringify(info)}`);
		await screenshot('webview-dark', 'iframe.webview.ready');
	});

	const sdm845 = path.resolve(__dirname, '../../../../shared/corpus/linux-dts/src/arm64/qcom/sdm845-db845c.dts');
	if (fs.existsSync(sdm845)) {
		await test('simulation panel: the corpus board sdm845-db845c, apps_smmu disabled on 4.14', async () => {
			const uri = vscode.Uri.file(sdm845);
			const opened = Date.now();
			await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(uri), { preview: false });
			// Diagnostics of the board's context land on its .dtsi files; the source names the context.
			const fromBoard = () => vscode.languages.getDiagnostics().some(([, ds]) => ds.some((d) => String(d.source ?? '').includes('sdm845-db845c.dts')));
			await waitFor('diagnostics in the sdm845-db845c context', fromBoard, [vscode.languages.onDidChangeDiagnostics]);
			log(`MEASURE first diagnostics: ${Date.now() - opened} ms from opening the corpus board sdm845-db845c.dts`);
			const info = await openPanel(uri, { kernel: '4.14', disable: ['/soc@0/iommu@15000000'] });
			log(`sdm845 panel: ${JSON.stringify({ ...info, flagged: info?.flagged?.length })}`);
			if (info?.counts?.remoteprocs !== 4 || !(info.counts.flagged > 20)) throw new Error(`expected 4 remote processors and the apps_smmu masters flagged: ${JSON.stringify(info?.counts)}`);
			await screenshot('webview-sdm845', 'iframe.webview.ready');
			// The same board in the light theme, as written on the newest kernel.
			await setTheme('Default Light Modern', vscode.ColorThemeKind.Light);
			const asWritten = await openPanel(uri, {});
			if (asWritten?.counts?.remoteprocs !== 4) throw new Error(`expected 4 remote processors: ${JSON.stringify(asWritten?.counts)}`);
			await screenshot('webview-sdm845-light', 'iframe.webview.ready');
		});
	} else log(`simulation panel on sdm845-db845c: skipped (${sdm845} not found)`);

	await test('simulation panel: the seed\'s Juno-like SoC (MMU-401 + MMU-600) under 5.10, light and dark', async () => {
		// The seed fixture is a multi-file fixture (`//- /path` sections); lay it out as a
		// devicetree-rebasing tree so the kernel include rules apply without settings.
		const text = fs.readFileSync(path.resolve(__dirname, '../../fixtures/seed/juno-mmu401-mmu600.5.10.dts'), 'utf8');
		const root = fs.mkdtempSync(path.join(require('node:os').tmpdir(), 'iommu-lens-juno-'));
		for (const part of text.split(/^\/\/- /m).slice(1)) {
			const nl = part.indexOf('\n');
			const rel = part.slice(0, nl).trim();
			const dest = rel.startsWith('/include/') ? path.join(root, rel) : path.join(root, 'src/arm64/juno', rel);
			fs.mkdirSync(path.dirname(dest), { recursive: true });
			fs.writeFileSync(dest, part.slice(nl + 1));
		}
		const uri = vscode.Uri.file(path.join(root, 'src/arm64/juno/board.dts'));
		await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(uri), { preview: false });
		await setTheme('Default Light Modern', vscode.ColorThemeKind.Light);
		const info = await openPanel(uri, { kernel: '5.10' });
		log(`juno panel: ${JSON.stringify({ ...info, flagged: info?.flagged?.length })}`);
		if (!(info?.counts?.iommus >= 2) || !(info.counts.flagged > 0)) throw new Error(`expected both IOMMUs and order-dependent masters flagged under 5.10: ${JSON.stringify(info?.counts)}`);
		await screenshot('webview-juno-light', 'iframe.webview.ready');
		await setTheme('Default Dark Modern', vscode.ColorThemeKind.Dark);
		await openPanel(uri, { kernel: '5.10' });
		await screenshot('webview-juno-dark', 'iframe.webview.ready');
	});

	// ---- The client's own features (client/src): commands, status bar, build context, kernel, export, restart ----
	await require('./client').clientTests({ test, waitFor, log, ext, folder, codeOf });

	const failed = results.filter((r) => r.error);
	log(`${results.length - failed.length}/${results.length} passed in ${Date.now() - t0} ms${failed.length ? `; FAILED: ${failed.map((f) => f.name).join('; ')}` : ''}`);
	if (failed.length) throw new Error(`${failed.length} e2e test(s) failed: ${failed.map((f) => f.name).join('; ')}`);
};
