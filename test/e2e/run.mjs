#!/usr/bin/env node
/**
 * End-to-end tests in real VS Code (1.100.3, served by code-server 4.100.3 and driven headless in
 * Debian Chromium through playwright-core): the extension from the repository root (dist/ must be
 * built) runs in a real Node extension host against the fixture workspace, and the suite
 * test/e2e/suite/index.js runs inside that extension host (VS Code's `extensionTestsPath`).
 *
 *   bash scripts/install-vscode-test.sh      # once: code-server + playwright-core into .tools/vscode-test
 *   npm run build && node test/e2e/run.mjs   # exit status = the suite's
 *
 * How (see /work/shared/docs/offline-tooling.md §3, Route A):
 * - code-server on a free 127.0.0.1 port (it picks one: `--bind-addr 127.0.0.1:0`), with its config,
 *   data, user-data and extensions folders in a temporary folder (nothing in $HOME);
 * - the fixture workspace (test/e2e/fixture/workspace) copied to that temporary folder, so quick fixes
 *   may edit it;
 * - the workbench opened with `?folder=…&payload=[["extensionDevelopmentPath",…],["extensionTestsPath",…]]`;
 *   VS Code reports the extension host's log lines through `window.codeAutomationLog` and the result
 *   through `window.codeAutomationExit` (called with the exit code), both exposed by this script.
 * - Screenshots: a suite log line `SCREENSHOT <name> [<css selector>]` makes this script wait for the
 *   selector (when given) to be visible, then save `page.screenshot()` to
 *   .test-artifacts/e2e/<name>.png (written under a temporary name, then renamed: the suite waits
 *   for the file with fs.watch; the folder travels to it in IOMMU_LENS_E2E_ARTIFACTS).
 *
 * Environment: E2E_TIMEOUT_MS (overall, default 120000), E2E_VERBOSE=1 (code-server's and the
 * browser console's output too), E2E_KEEP=1 (keep the temporary folder), VSCODE_TEST_DIR (where the
 * tools are, default .tools/vscode-test), CHROMIUM (default /usr/bin/chromium).
 */
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import { createRequire } from 'node:module';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const t0 = Date.now();
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const toolsDir = path.resolve(root, process.env.VSCODE_TEST_DIR ?? '.tools/vscode-test');
const entry = path.join(toolsDir, 'node_modules/code-server/out/node/entry.js');
const chromiumPath = process.env.CHROMIUM ?? '/usr/bin/chromium';
const timeoutMs = Number(process.env.E2E_TIMEOUT_MS ?? 120_000);
const verbose = process.env.E2E_VERBOSE === '1';
const artifacts = path.join(root, '.test-artifacts/e2e');
const suite = path.join(root, 'test/e2e/suite/index.js');
const fixture = path.join(root, 'test/e2e/fixture/workspace');

const elapsed = () => `${((Date.now() - t0) / 1000).toFixed(1)} s`;
const say = (msg) => console.log(`[e2e ${elapsed()}] ${msg}`);

function preflight() {
	const missing = [];
	if (!fs.existsSync(entry)) missing.push(`code-server (${path.relative(root, entry)}): run bash scripts/install-vscode-test.sh`);
	if (!fs.existsSync(path.join(toolsDir, 'node_modules/playwright-core'))) missing.push('playwright-core: run bash scripts/install-vscode-test.sh');
	if (!fs.existsSync(chromiumPath)) missing.push(`Chromium (${chromiumPath}): run bash scripts/install-vscode-test.sh`);
	for (const f of ['dist/client.js', 'dist/server.js']) if (!fs.existsSync(path.join(root, f))) missing.push(`${f}: run npm run build`);
	if (missing.length > 0) {
		console.error(`e2e: cannot run:\n  ${missing.join('\n  ')}`);
		process.exit(2);
	}
}

// ---- cleanup, in every case ----
const cleanups = [];
let cleaning;
function cleanup() {
	cleaning ??= (async () => {
		for (const c of cleanups.reverse()) {
			try {
				await c();
			} catch {
				// best effort
			}
		}
	})();
	return cleaning;
}
let finishing = false;
async function finish(code, why) {
	if (finishing) return; // the first reason wins (killing code-server makes it "exit during the run")
	finishing = true;
	if (why) console.error(`e2e: ${why}`);
	await cleanup();
	say(`exit ${code}`);
	process.exit(code);
}
for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(sig, () => void finish(130, `interrupted (${sig})`));
process.on('uncaughtException', (e) => void finish(1, `harness error: ${e?.stack ?? e}`));
process.on('unhandledRejection', (e) => void finish(1, `harness error: ${e?.stack ?? e}`));

/** Starts code-server; resolves with its URL once it prints "HTTP server listening on …". */
function startCodeServer(tmp) {
	const dirs = { config: path.join(tmp, 'config'), data: path.join(tmp, 'data'), userData: path.join(tmp, 'user-data'), extensions: path.join(tmp, 'extensions') };
	for (const d of Object.values(dirs)) fs.mkdirSync(d, { recursive: true });
	fs.mkdirSync(path.join(dirs.userData, 'User'), { recursive: true });
	// Quiet, deterministic workbench: no welcome page, no update or extension-gallery traffic.
	fs.writeFileSync(
		path.join(dirs.userData, 'User/settings.json'),
		JSON.stringify({
			'workbench.startupEditor': 'none',
			'workbench.tips.enabled': false,
			'workbench.enableExperiments': false,
			'extensions.autoCheckUpdates': false,
			'extensions.autoUpdate': false,
			'extensions.ignoreRecommendations': true,
			'telemetry.telemetryLevel': 'off',
			'update.mode': 'none',
			'git.enabled': false,
			'window.restoreWindows': 'none',
		}, null, '\t'),
	);
	const configFile = path.join(dirs.config, 'config.yaml');
	fs.writeFileSync(configFile, 'auth: none\ncert: false\n');
	const args = [
		entry,
		'--auth', 'none',
		'--bind-addr', '127.0.0.1:0',
		'--config', configFile,
		'--user-data-dir', dirs.userData,
		'--extensions-dir', dirs.extensions,
		'--disable-telemetry',
		'--disable-update-check',
		'--disable-workspace-trust',
		'--disable-getting-started-override',
		'--disable-proxy',
		'--ignore-last-opened',
	];
	const child = spawn(process.execPath, args, {
		cwd: tmp,
		detached: true, // own process group: the extension host and the language server die with it
		stdio: ['ignore', 'pipe', 'pipe'],
		env: {
			...process.env,
			HOME: tmp,
			XDG_CONFIG_HOME: dirs.config,
			XDG_DATA_HOME: dirs.data,
			XDG_CACHE_HOME: path.join(tmp, 'cache'),
			IOMMU_LENS_E2E_ARTIFACTS: artifacts,
			PASSWORD: undefined,
			HASHED_PASSWORD: undefined,
		},
	});
	cleanups.push(() => killGroup(child));
	return new Promise((resolve, reject) => {
		let out = '';
		let listening = false;
		const timer = setTimeout(() => reject(new Error(`code-server did not print "HTTP server listening" within 30 s; its output:\n${out}`)), 30_000);
		// One listener for the whole run: keeps the pipes drained (a full pipe would block code-server).
		const onData = (chunk, stream) => {
			const s = chunk.toString();
			if (verbose) stream.write(s.replace(/^(?=.)/gm, '[code-server] '));
			if (listening) return;
			out += s;
			const m = /HTTP server listening on (http:\/\/[^\s]+)/.exec(out);
			if (m) {
				listening = true;
				clearTimeout(timer);
				resolve(new URL(m[1]));
			}
		};
		child.stdout.on('data', (c) => onData(c, process.stdout));
		child.stderr.on('data', (c) => onData(c, process.stderr));
		child.on('exit', (code, sig) => {
			clearTimeout(timer);
			if (!listening) reject(new Error(`code-server exited (${code ?? sig}) before listening; its output:\n${out}`));
			else void finish(1, `code-server exited (${code ?? sig}) during the run`);
		});
	});
}

/**
 * Ends code-server and everything in its process group (the extension host, which ignores SIGTERM
 * and would outlive code-server, and the language server it forked): SIGTERM, then SIGKILL for
 * whatever is left once code-server has exited or after 3 s.
 */
async function killGroup(child) {
	const signal = (sig) => {
		try {
			process.kill(-child.pid, sig);
		} catch {
			// the group is gone
		}
	};
	if (child.exitCode === null && child.signalCode === null) {
		await new Promise((resolve) => {
			const timer = setTimeout(resolve, 3000);
			child.once('exit', () => {
				clearTimeout(timer);
				resolve();
			});
			signal('SIGTERM');
		});
	}
	signal('SIGKILL');
}

async function main() {
	preflight();
	const require = createRequire(path.join(toolsDir, 'package.json'));
	const { chromium } = require('playwright-core');
	const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'iommu-lens-e2e-'));
	if (process.env.E2E_KEEP !== '1') cleanups.unshift(() => fs.rmSync(tmp, { recursive: true, force: true }));
	else say(`keeping ${tmp}`);
	const workspace = path.join(tmp, 'workspace');
	fs.cpSync(fixture, workspace, { recursive: true });
	fs.mkdirSync(artifacts, { recursive: true });

	const overall = setTimeout(() => void finish(1, `timed out after ${timeoutMs} ms (E2E_TIMEOUT_MS)`), timeoutMs);
	overall.unref();

	const url = await startCodeServer(tmp);
	say(`code-server listening on ${url.origin}`);

	const browser = await chromium.launch({
		executablePath: chromiumPath,
		headless: true,
		args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'],
	});
	cleanups.push(() => browser.close());
	const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
	if (verbose) page.on('console', (m) => console.log(`[browser:${m.type()}] ${m.text()}`));
	page.on('pageerror', (e) => console.error(`[browser:pageerror] ${e.message}`));

	let resolveExit;
	const exited = new Promise((r) => (resolveExit = r));
	const shots = [];
	const screenshot = async (name, selector) => {
		if (!/^[\w.-]+$/.test(name)) throw new Error(`bad screenshot name ${JSON.stringify(name)}`);
		if (selector) await page.locator(selector).first().waitFor({ state: 'visible', timeout: 15_000 }).catch((e) => console.error(`e2e: screenshot ${name}: ${selector} not visible: ${e.message.split('\n')[0]}`));
		const file = path.join(artifacts, `${name}.png`);
		const part = `${file}.part`;
		await page.screenshot({ path: part, type: 'png' });
		fs.renameSync(part, file);
		say(`screenshot ${path.relative(root, file)}`);
	};
	await page.exposeFunction('codeAutomationLog', (type, args) => {
		const text = Array.isArray(args) ? args.map((a) => (typeof a === 'string' ? a : JSON.stringify(a))).join(' ') : String(args);
		// Offline, the workbench's extension-gallery query fails once, with a long stack: harmless.
		if (!verbose && /ENOTFOUND open-vsx\.org/.test(text)) {
			console.log(`[${type}] (extension gallery open-vsx.org unreachable: harmless offline; E2E_VERBOSE=1 shows it)`);
			return;
		}
		for (const line of text.split('\n')) {
			const m = /^SCREENSHOT ([\w.-]+)(?: (.+))?$/.exec(line.trim());
			if (m) shots.push(screenshot(m[1], m[2]).catch((e) => console.error(`e2e: screenshot ${m[1]} failed: ${e.message}`)));
			console.log(`[${type}] ${line}`);
		}
	});
	await page.exposeFunction('codeAutomationExit', (code) => {
		resolveExit(Number(code));
	});

	const remote = (p) => `vscode-remote://${url.host}${p.split(path.sep).map(encodeURIComponent).join('/')}`;
	const payload = [
		['extensionDevelopmentPath', remote(root)],
		['extensionTestsPath', remote(suite)],
		['skipWelcome', 'true'],
		['skipReleaseNotes', 'true'],
	];
	const target = `${url.origin}/?folder=${encodeURIComponent(workspace)}&payload=${encodeURIComponent(JSON.stringify(payload))}`;
	say('opening the workbench');
	await page.goto(target, { waitUntil: 'domcontentloaded', timeout: 60_000 });
	const code = await exited;
	await Promise.all(shots);
	clearTimeout(overall);
	say(`suite finished with exit code ${code}`);
	await finish(code);
}

await main();
