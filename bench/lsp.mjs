// `npm run bench -- lsp`: the language server (dist/server.js --stdio) driven over JSON-RPC like an editor.
//  1. sdm845.dtsi in the sdm845-db845c context (workspace: the corpus): open → first diagnostics,
//     one-character edits, each after a pause in typing → published diagnostics (median, p95 over
//     EDITS), bursts of fast typing (last keystroke → diagnostics), hover time (the first
//     of the process; one right after each of EDITS code edits; repeated on one analysis), server RSS
//     (at once, and when idle).
//  2. The whole corpus as a workspace, sdm845.dtsi open together with every board that includes it
//     (19): the same edits (the other boards are analysed again once typing pauses), hover, RSS.
//  3. (--all-boards) every arm64 board of the corpus opened one after the other: open → diagnostics
//     per board, then the edits to sdm845.dtsi, workspace/symbol and RSS.
// Targets: edit median < 50 ms, p95 < 150 ms, hover < 10 ms, RSS < 300 MB for the whole corpus.
// Edits are of two kinds: in code (tokens move: a full analysis of the context) and in a comment
// (no token moves: the server publishes the results it has, without analysis or debounce). An edit
// in code after a pause is analysed at once; one inside a burst waits for the 150 ms debounce.
// Options: --edits N (default 30), --idle MS (quiet time before the idle RSS, default 4000),
// --all-boards [--boards N: only the first N arm64 boards], --only N (run section N only),
// --server PATH (another build's server.js, to compare builds interleaved), --each (also list every
// time, in order, after its summary), --settle MS (typing starts this long after the opens, default
// 0: at once, so the first edits meet the open's cold code and garbage). The server's node is
// started with --expose-gc, as the VS Code extension starts it (the server then collects while the
// user is idle); the environment's LSP_BENCH_NODE_ARGS replace that (e.g. '--expose-gc --cpu-prof',
// or '--no-expose-gc' for a server started as other editors may start it).
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, relative } from 'node:path';
import { pathToFileURL } from 'node:url';
import { CORPUS, corpusBoards, REPO } from './util.mjs';

const require = createRequire(join(REPO, 'package.json'));
const { createMessageConnection, StreamMessageReader, StreamMessageWriter } = require('vscode-jsonrpc/node');
const arg = (name, dflt) => {
	const i = process.argv.indexOf(`--${name}`);
	return i > 0 ? Number(process.argv[i + 1]) : dflt;
};
const EDITS = arg('edits', 30);
const BOARDS = arg('boards', Infinity);
const IDLE_WAIT_MS = arg('idle', 4000);
const ONLY = arg('only', 0);
const EACH = process.argv.includes('--each');
const SETTLE_MS = arg('settle', 0);
const serverIdx = process.argv.indexOf('--server');
const SERVER = serverIdx > 0 ? process.argv[serverIdx + 1] : join(REPO, 'dist/server.js');
const NODE_ARGS = (process.env.LSP_BENCH_NODE_ARGS ?? '--expose-gc').split(' ').filter(Boolean);
const uri = (p) => pathToFileURL(p).href;
const qcom = join(CORPUS, 'src/arm64/qcom');
const SOC = join(qcom, 'sdm845.dtsi');
const DB845C = join(qcom, 'sdm845-db845c.dts');

function startServer() {
	const proc = spawn(process.execPath, [...NODE_ARGS, SERVER, '--stdio'], { stdio: ['pipe', 'pipe', 'inherit'] });
	const conn = createMessageConnection(new StreamMessageReader(proc.stdout), new StreamMessageWriter(proc.stdin));
	const waiters = new Map();
	let lastPublish = performance.now();
	conn.onNotification('textDocument/publishDiagnostics', (p) => {
		lastPublish = performance.now();
		const key = `${p.uri}#${p.version ?? ''}`;
		waiters.get(key)?.(p);
		waiters.delete(key);
	});
	conn.onRequest('workspace/configuration', (p) => p.items.map(() => null));
	conn.onRequest('client/registerCapability', () => null);
	conn.listen();
	const published = (u, version) => new Promise((resolve) => waiters.set(`${u}#${version ?? ''}`, resolve));
	const rss = () => {
		const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${proc.pid}/status`, 'utf8'));
		return m ? Number(m[1]) / 1024 : NaN;
	};
	/** CPU time of the server process so far (ms, every thread: GC helpers included), where /proc has it. */
	const cpu = () => {
		try {
			let ns = 0;
			for (const t of readdirSync(`/proc/${proc.pid}/task`)) ns += Number(readFileSync(`/proc/${proc.pid}/task/${t}/schedstat`, 'utf8').split(' ')[0]);
			return ns / 1e6;
		} catch {
			return NaN;
		}
	};
	return { proc, conn, published, rss, cpu, quietFor: () => performance.now() - lastPublish };
}

const ms = (x) => `${x.toFixed(1)} ms`;
const pct = (xs, p) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))];

async function open(s, path, version = 1) {
	const t0 = performance.now();
	const done = s.published(uri(path), version);
	await s.conn.sendNotification('textDocument/didOpen', { textDocument: { uri: uri(path), languageId: 'dts', version, text: readFileSync(path, 'utf8') } });
	await done;
	return performance.now() - t0;
}

let nextVersion = 2;
/**
 * An edit in code comes this long after the previous edit: a pause in typing, after which the server
 * analyses an edit at once (server/src/lsp/debounce.ts; its debounce is 150 ms). Edits inside a burst
 * of typing wait for the pause instead: `burst` measures those.
 */
const PAUSE_MS = 200;
const sleep = (t) => new Promise((r) => setTimeout(r, t));
let lastEditAt = -Infinity;
/** The position of the code edit: after `iommus =` on the first such line of `path`. */
function codeSpot(path) {
	const lines = readFileSync(path, 'utf8').split('\n');
	const line = lines.findIndex((x) => /^\s*iommus = </.test(x));
	return { line, character: lines[line].indexOf('=') + 1 };
}
/** The server's CPU time (all threads) from each edit to its publish: steadier than wall time on a busy machine. */
let cpuTimes = [];
/**
 * EDITS one-character edits, each awaited to its publish. `comment`: alternately add and remove one
 * space at the end of the first line (a comment: no token moves, so the server publishes the results
 * it has). `code`: the same after `iommus =` on the first such line (tokens move: a full analysis).
 */
async function edits(s, path, kind = 'comment', n = EDITS, after = undefined) {
	const times = [];
	const spot = kind === 'comment' ? { line: 0, character: readFileSync(path, 'utf8').split('\n')[0].length } : codeSpot(path);
	const [l, at] = [spot.line, spot.character];
	for (let i = 0; i < n; i++) {
		if (kind === 'code') await sleep(lastEditAt + PAUSE_MS - performance.now());
		lastEditAt = performance.now();
		const version = nextVersion++;
		const change = i % 2 === 0
			? { range: { start: { line: l, character: at }, end: { line: l, character: at } }, text: ' ' }
			: { range: { start: { line: l, character: at }, end: { line: l, character: at + 1 } }, text: '' };
		const t0 = performance.now();
		const c0 = s.cpu();
		const done = s.published(uri(path), version);
		await s.conn.sendNotification('textDocument/didChange', { textDocument: { uri: uri(path), version }, contentChanges: [change] });
		await done;
		times.push(performance.now() - t0);
		cpuTimes.push(s.cpu() - c0);
		await after?.();
	}
	return times;
}

/**
 * Bursts of typing: KEYS one-character code edits KEY_GAP_MS apart (a fast typist), after a pause;
 * the time from the burst's last keystroke to the diagnostics of its version (the debounce, then one
 * analysis), and the number of versions published during the burst (the analyses it cost).
 */
async function bursts(s, path, n = 10, KEYS = 5, KEY_GAP_MS = 60) {
	const times = [];
	let published = 0;
	const { line, character } = codeSpot(path);
	for (let b = 0; b < n; b++) {
		await sleep(lastEditAt + PAUSE_MS - performance.now());
		// Type KEYS spaces, then delete them in the next burst: the file returns to its text every other burst.
		const typing = b % 2 === 0;
		let last;
		for (let k = 0; k < KEYS; k++) {
			const version = nextVersion++;
			const change = typing
				? { range: { start: { line, character }, end: { line, character } }, text: ' ' }
				: { range: { start: { line, character }, end: { line, character: character + 1 } }, text: '' };
			const t0 = performance.now();
			const done = s.published(uri(path), version).then(() => ({ version, t: performance.now() - t0 }));
			if (k < KEYS - 1) void done.then(() => published++);
			last = done;
			lastEditAt = performance.now();
			await s.conn.sendNotification('textDocument/didChange', { textDocument: { uri: uri(path), version }, contentChanges: [change] });
			if (k < KEYS - 1) await sleep(KEY_GAP_MS);
		}
		times.push((await last).t);
	}
	report(`a burst of ${KEYS} keystrokes ${KEY_GAP_MS} ms apart: last keystroke → its diagnostics`, times, `; ${published} of the ${n * (KEYS - 1)} earlier keystrokes' versions published`);
}

/** `count` hovers on the first `iommus` of `path`, one after the other: their times. */
async function hover(s, path, count = 20) {
	const lines = readFileSync(path, 'utf8').split('\n');
	const l = lines.findIndex((x) => /^\s*iommus = </.test(x));
	const position = { line: l, character: lines[l].indexOf('iommus') + 2 };
	const times = [];
	for (let i = 0; i < count; i++) {
		const t0 = performance.now();
		await s.conn.sendRequest('textDocument/hover', { textDocument: { uri: uri(path) }, position });
		times.push(performance.now() - t0);
	}
	return times;
}

/**
 * Hovers as while typing: after each code edit's diagnostics, one hover on the new analysis (the
 * first request on it: the server builds the edited file's position index before it publishes);
 * then repeated hovers on the last one.
 */
async function hovers(s, path) {
	const afterEdit = [];
	await edits(s, path, 'code', EDITS, async () => afterEdit.push(...(await hover(s, path, 1))));
	report('hover on iommus right after each code edit\'s diagnostics', afterEdit);
	report('hover on iommus repeated on the same analysis', await hover(s, path));
}

async function stop(s) {
	await s.conn.sendRequest('shutdown');
	await s.conn.sendNotification('exit');
	await new Promise((r) => s.proc.on('exit', r));
}

/** With --settle: typing starts SETTLE_MS after the opens. */
async function settle() {
	if (SETTLE_MS <= 0) return;
	await sleep(SETTLE_MS);
	console.log(`  typing starts ${SETTLE_MS} ms after the opens (--settle)`);
}

function report(name, times, note = '') {
	console.log(`  ${name}: median ${ms(pct(times, 50))}, p95 ${ms(pct(times, 95))}, max ${ms(Math.max(...times))} (n=${times.length}${note})`);
	if (EACH) console.log(`    each, in order: ${times.map((t) => t.toFixed(0)).join(' ')}`);
}

console.log(`lsp: the server runs as node ${[...NODE_ARGS, relative(REPO, SERVER)].join(' ')} --stdio`);
if (!ONLY || ONLY === 1) {
	console.log('lsp: sdm845.dtsi in the sdm845-db845c context');
	const s = startServer();
	await initialize(s);
	console.log(`  open sdm845.dtsi → first diagnostics (include scan + analysis): ${ms(await open(s, SOC))}`);
	const ctx = await s.conn.sendRequest('iommuLens/buildContexts', { textDocument: { uri: uri(SOC) } });
	console.log(`  context: ${ctx.current?.split('/').pop()} (${ctx.reason}, ${ctx.candidates.length} candidates)`);
	await settle();
	cpuTimes = [];
	const c = await edits(s, SOC, 'code');
	report(`one-character edit in code, ${PAUSE_MS} ms after the previous edit → published diagnostics`, c);
	report('  server CPU time (all threads) per edit', cpuTimes);
	await bursts(s, SOC);
	report('the first hover of the process (cold code: once per server)', await hover(s, SOC, 1));
	await hovers(s, SOC);
	const e = await edits(s, SOC);
	report('one-character edit in a comment → published diagnostics (no debounce, no analysis)', e);
	console.log(`  server RSS: ${s.rss().toFixed(0)} MB`);
	await idle(s);
	await stop(s);
}

/**
 * RSS once the server is idle: no diagnostics published for IDLE_WAIT_MS (the background analyses of
 * the other boards are done), which also gives the server's idle collection time to run.
 */
async function idle(s) {
	const t0 = performance.now();
	while (s.quietFor() < IDLE_WAIT_MS && performance.now() - t0 < 120_000) await new Promise((r) => setTimeout(r, 250));
	console.log(`  server RSS when idle (no publish for ${IDLE_WAIT_MS / 1000} s; ${((performance.now() - t0) / 1000).toFixed(0)} s after the last request): ${s.rss().toFixed(0)} MB`);
}


async function initialize(s) {
	await s.conn.sendRequest('initialize', { processId: process.pid, rootUri: uri(CORPUS), workspaceFolders: [{ uri: uri(CORPUS), name: 'corpus' }], capabilities: { workspace: { configuration: true } } });
	await s.conn.sendNotification('initialized', {});
}

if (!ONLY || ONLY === 2) {
	console.log('lsp: the whole corpus as a workspace; sdm845.dtsi and the 19 boards that include it open');
	const s = startServer();
	await initialize(s);
	console.log(`  open sdm845.dtsi → first diagnostics: ${ms(await open(s, SOC))}`);
	const ctx = await s.conn.sendRequest('iommuLens/buildContexts', { textDocument: { uri: uri(SOC) } });
	const opens = [];
	for (const c of ctx.candidates) opens.push(await open(s, new URL(c.uri).pathname));
	console.log(`  opened ${opens.length} boards (open → diagnostics: median ${ms(pct(opens, 50))}, p95 ${ms(pct(opens, 95))})`);
	await settle();
	cpuTimes = [];
	const c = await edits(s, SOC, 'code');
	report(`one-character edit in code of sdm845.dtsi, ${PAUSE_MS} ms after the previous edit → published diagnostics`, c);
	report('  server CPU time (all threads) per edit', cpuTimes);
	await bursts(s, SOC);
	report('the first hover of the process (cold code: once per server)', await hover(s, SOC, 1));
	await hovers(s, SOC);
	const e = await edits(s, SOC);
	report('one-character edit in a comment → published diagnostics (no debounce, no analysis)', e);
	for (const q of ['smmu', 'smmu']) {
		const w0 = performance.now();
		const syms = await s.conn.sendRequest('workspace/symbol', { query: q });
		console.log(`  workspace/symbol '${q}': ${ms(performance.now() - w0)} (${syms.length} symbols; the first search builds the index of the workspace)`);
	}
	console.log(`  server RSS: ${s.rss().toFixed(0)} MB`);
	await idle(s);
	await stop(s);
}

if (process.argv.includes('--all-boards')) {
	console.log('lsp: every arm64 board of the corpus opened');
	const s = startServer();
	await initialize(s);
	const boards = corpusBoards('arm64').slice(0, BOARDS).map((b) => join(CORPUS, b));
	const t0 = performance.now();
	const opens = [];
	for (const b of boards) opens.push(await open(s, b));
	console.log(`  opened ${boards.length} boards in ${((performance.now() - t0) / 1000).toFixed(0)} s (open → diagnostics: median ${ms(pct(opens, 50))}, p95 ${ms(pct(opens, 95))})`);
	console.log(`  server RSS with every board open: ${s.rss().toFixed(0)} MB`);
	console.log(`  open sdm845.dtsi → first diagnostics: ${ms(await open(s, SOC))}`);
	const e = await edits(s, SOC, 'code');
	report(`one-character edit in code of sdm845.dtsi, ${PAUSE_MS} ms after the previous edit → published diagnostics`, e);
	report('hover on iommus', await hover(s, SOC));
	console.log(`  server RSS: ${s.rss().toFixed(0)} MB`);
	await stop(s);
}
