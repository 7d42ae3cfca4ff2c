#!/usr/bin/env node
/**
 * Runs the end-to-end suite (test/e2e/suite/index.js) in desktop VS Code (Electron) through
 * @vscode/test-electron, on a machine that can download VS Code from update.code.visualstudio.com
 * (the offline runner is test/e2e/run.mjs: code-server + headless Chromium).
 *
 *   npm run build
 *   node scripts/test-e2e-electron.mjs                 # VS Code "stable"
 *   VSCODE_VERSION=1.100.3 node scripts/test-e2e-electron.mjs
 *   VSCODE_EXECUTABLE=/path/to/code node scripts/test-e2e-electron.mjs   # an installed VS Code, no download
 *   # headless Linux: xvfb-run -a node scripts/test-e2e-electron.mjs
 *
 * Same suite, same fixture workspace (copied to a temporary folder), same exit status convention
 * (0 passed, 1 failed). Screenshots are taken only by run.mjs; here the suite skips them.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

let testElectron;
try {
	testElectron = await import('@vscode/test-electron');
} catch (e) {
	console.error(`test-e2e-electron: @vscode/test-electron is not installed (npm install): ${e.message}`);
	process.exit(2);
}
const { runTests } = testElectron;

for (const f of ['dist/client.js', 'dist/server.js']) {
	if (!fs.existsSync(path.join(root, f))) {
		console.error(`test-e2e-electron: ${f} is missing: run npm run build first`);
		process.exit(2);
	}
}

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'iommu-lens-e2e-electron-'));
const workspace = path.join(tmp, 'workspace');
fs.cpSync(path.join(root, 'test/e2e/fixture/workspace'), workspace, { recursive: true });

let code = 0;
try {
	await runTests({
		...(process.env.VSCODE_EXECUTABLE ? { vscodeExecutablePath: process.env.VSCODE_EXECUTABLE } : { version: process.env.VSCODE_VERSION ?? 'stable' }),
		extensionDevelopmentPath: root,
		extensionTestsPath: path.join(root, 'test/e2e/suite/index.js'),
		launchArgs: [
			workspace,
			'--disable-extensions', // other installed extensions stay out of the way
			'--disable-workspace-trust',
			'--skip-welcome',
			'--skip-release-notes',
			`--user-data-dir=${path.join(tmp, 'user-data')}`,
			`--extensions-dir=${path.join(tmp, 'extensions')}`,
		],
	});
} catch (e) {
	const msg = String(e?.message ?? e);
	if (/ENOTFOUND|ECONNREFUSED|ETIMEDOUT|EAI_AGAIN|fetch failed|getaddrinfo|socket hang up/i.test(msg + (e?.cause ? String(e.cause) : ''))) {
		console.error(
			`test-e2e-electron: could not download VS Code (${msg}).\n` +
				'  This runner needs network access to update.code.visualstudio.com, or VSCODE_EXECUTABLE=/path/to/code.\n' +
				'  Offline, use the code-server runner: bash scripts/install-vscode-test.sh && node test/e2e/run.mjs',
		);
		code = 2;
	} else {
		console.error(`test-e2e-electron: the suite failed: ${msg}`);
		code = 1;
	}
} finally {
	fs.rmSync(tmp, { recursive: true, force: true });
}
process.exit(code);
