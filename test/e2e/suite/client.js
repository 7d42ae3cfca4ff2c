// @ts-check
/**
 * End-to-end tests of the client's own features (client/src): the contributed commands, the status
 * bar item, the build context round trip through the server, the kernel picker, a simulation report,
 * the report export through the bundled command line, and "Restart Server". Called by index.js with
 * its helpers; every wait is on an event with a timeout.
 */
'use strict';
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const vscode = require('vscode');

/**
 * @param {{
 *   test: (name: string, body: () => Promise<void>) => Promise<void>,
 *   waitFor: <T>(what: string, check: () => T | undefined | null | false, events: vscode.Event<any>[], timeout?: number) => Promise<T>,
 *   log: (msg: string) => void,
 *   ext: vscode.Extension<any>,
 *   folder: vscode.WorkspaceFolder,
 *   codeOf: (d: vscode.Diagnostic) => string,
 * }} h
 */
exports.clientTests = async function clientTests({ test, waitFor, log, ext, folder, codeOf }) {
	const board = vscode.Uri.joinPath(folder.uri, 'board.dts');
	const soc = vscode.Uri.joinPath(folder.uri, 'soc.dtsi');
	/** @type {any} */
	const api = ext.exports;

	await test('client: every contributed command is registered', async () => {
		const contributed = /** @type {{command: string}[]} */ (ext.packageJSON.contributes.commands).map((c) => c.command);
		const all = await vscode.commands.getCommands(true);
		const missing = contributed.filter((c) => !all.includes(c));
		if (missing.length) throw new Error(`not registered: ${missing.join(', ')}`);
		if (contributed.length < 8) throw new Error(`only ${contributed.length} commands contributed`);
		const apiMissing = /** @type {string[]} */ (api?.commands ?? []).filter((c) => !contributed.includes(c));
		if (!api || apiMissing.length) throw new Error(`the API's commands are not all contributed: ${apiMissing.join(', ')}`);
	});

	await test('client: the status bar item names the board and the kernel', async () => {
		await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(board), { preview: false });
		const s = await waitFor(`a ready status naming board.dts (now ${JSON.stringify(api.status())})`, () => {
			const v = api.status();
			return v.state === 'ready' && v.text.includes('board.dts') && v.kernel ? v : undefined;
		}, [api.onDidChangeStatus]);
		log(`status: ${JSON.stringify(s.text)} (${s.state}, kernel ${s.kernel}, ${s.era})`);
		if (!s.era) throw new Error('no kernel era in the status');
	});

	await test('client: pick build context round trip through the server', async () => {
		await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(soc), { preview: false });
		/** @type {any} */
		const picked = await vscode.commands.executeCommand('iommuLens.pickBuildContext', soc.toString(), board.toString());
		log(`picked: ${JSON.stringify(picked)}`);
		if (picked?.reason !== 'user' || picked.current !== board.toString()) throw new Error(`expected board.dts picked by the user: ${JSON.stringify(picked)}`);
		if (!picked.candidates.some((/** @type {{uri: string}} */ c) => c.uri === board.toString())) throw new Error('board.dts is not a candidate of soc.dtsi');
		const s = await waitFor('the status of soc.dtsi to name board.dts', () => {
			const v = api.status();
			return v.context === board.toString() && v.text.includes('board.dts') ? v : undefined;
		}, [api.onDidChangeStatus]);
		log(`status for soc.dtsi: ${JSON.stringify(s.text)}`);
		/** @type {any} */
		const reset = await vscode.commands.executeCommand('iommuLens.pickBuildContext', soc.toString(), null);
		if (!reset || reset.reason === 'user') throw new Error(`expected the automatic choice back: ${JSON.stringify(reset)}`);
		log(`reset: ${reset.reason} → ${reset.current}`);
	});

	await test('client: pick kernel sets iommuLens.kernel and the server reports the era', async () => {
		await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(board), { preview: false });
		const value = await vscode.commands.executeCommand('iommuLens.pickKernel', '5.10');
		if (value !== '5.10' || vscode.workspace.getConfiguration('iommuLens').get('kernel') !== '5.10') throw new Error(`iommuLens.kernel is ${vscode.workspace.getConfiguration('iommuLens').get('kernel')}`);
		const s = await waitFor(`the status to show 5.10 per-bus (now ${JSON.stringify(api.status())})`, () => {
			const v = api.status();
			return v.kernel === '5.10' && v.era === 'per-bus' ? v : undefined;
		}, [api.onDidChangeStatus]);
		log(`status after the kernel pick: ${JSON.stringify(s.text)}`);
		await vscode.commands.executeCommand('iommuLens.pickKernel', '');
		await waitFor('the status to show the newest kernel again', () => api.status().kernel !== '5.10', [api.onDidChangeStatus]);
	});

	await test('client: simulate with a scenario returns the result and shows a report', async () => {
		/** @type {any} */
		const res = await vscode.commands.executeCommand('iommuLens.simulate', board.toString(), { name: 'passthrough', iommuPassthrough: true });
		if (!res || !Array.isArray(res.masters) || res.masters.length === 0) throw new Error(`no masters: ${JSON.stringify(res)?.slice(0, 300)}`);
		const report = api.lastReport();
		if (!report?.text.includes('# Simulation of board.dts') || !report.text.includes('## DMA masters')) throw new Error(`unexpected report: ${JSON.stringify(report)?.slice(0, 300)}`);
		const shown = vscode.window.visibleTextEditors.some((e) => e.document.uri.toString() === report.uri);
		if (!shown) throw new Error(`the report ${report.uri} is not shown`);
		log(`simulation: ${res.masters.length} masters; report ${report.uri}`);
	});

	await test('client: export report writes SARIF and Markdown through the bundled command line', async () => {
		const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'iommu-lens-export-'));
		try {
			const sarifFile = path.join(dir, 'board.sarif');
			const written = await vscode.commands.executeCommand('iommuLens.exportReport', { file: board.toString(), format: 'sarif', target: sarifFile });
			if (written !== sarifFile) throw new Error(`exportReport returned ${JSON.stringify(written)}`);
			const sarif = JSON.parse(fs.readFileSync(sarifFile, 'utf8'));
			if (sarif.version !== '2.1.0' || !Array.isArray(sarif.runs)) throw new Error(`not SARIF 2.1.0: ${JSON.stringify(sarif).slice(0, 200)}`);
			const mdFile = path.join(dir, 'board.md');
			await vscode.commands.executeCommand('iommuLens.exportReport', { file: board.toString(), format: 'markdown', target: mdFile });
			const md = fs.readFileSync(mdFile, 'utf8');
			if (!md.startsWith('# iommu-lens report: board.dts')) throw new Error(`unexpected markdown: ${md.slice(0, 200)}`);
			log(`exported: SARIF with ${sarif.runs[0]?.results?.length ?? 0} results; markdown ${md.split('\n').length} lines`);
		} finally {
			fs.rmSync(dir, { recursive: true, force: true });
		}
	});

	await test('client: restart server leaves diagnostics working', async () => {
		const editor = await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(board), { preview: false });
		const ok = await vscode.commands.executeCommand('iommuLens.restartServer');
		if (ok !== true || !api.serverRunning()) throw new Error(`the server is not running after the restart (${ok})`);
		await waitFor('a ready status after the restart', () => api.status().state === 'ready', [api.onDidChangeStatus]);
		// Bring the finding back (one cell per iommus entry again) and wait for the new server to report it.
		const doc = editor.document;
		const text = doc.getText();
		const fixed = '<&apps_smmu 0x8a0 0x0>, <&apps_smmu 0x8a1 0x0>';
		const at = text.indexOf(fixed);
		if (at < 0) throw new Error('the quick-fixed iommus line is not in board.dts');
		const edit = new vscode.WorkspaceEdit();
		edit.replace(doc.uri, new vscode.Range(doc.positionAt(at), doc.positionAt(at + fixed.length)), '<&apps_smmu 0x8a0>, <&apps_smmu 0x8a1>');
		if (!(await vscode.workspace.applyEdit(edit))) throw new Error('applyEdit failed');
		const d = await waitFor('the iommus-cells diagnostic from the restarted server', () => vscode.languages.getDiagnostics(board).find((x) => codeOf(x) === 'iommus-cells'), [vscode.languages.onDidChangeDiagnostics]);
		log(`after the restart: ${codeOf(d)} on line ${d.range.start.line + 1}`);
		await doc.save();
	});
};
