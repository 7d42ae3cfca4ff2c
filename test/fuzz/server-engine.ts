/**
 * The language server under fuzz (target `server` of test/fuzz/engine.ts): the real server, bundled
 * from the working tree (server/src/lsp/main.ts → out/fuzz/server.cjs, the same esbuild options as
 * scripts/build.mjs) and run as a child process over stdio, is fed from a fixed seed sequences of
 * didOpen / didChange (random edits, truncations, byte flips and splices of real corpus files, full
 * replacements, changes with stale versions, close and reopen, the edits of the quick fixes it
 * offers) interleaved with every request it serves at random places (in range, past the end,
 * negative or huge), some cancelled, some in bursts, and every custom `iommuLens/*` request.
 *
 * Properties, per input:
 * - every request gets a response (a result or a JSON-RPC error other than an internal error) within
 *   `REQUEST_BOUND_MS`; the ranges it returns in an open document lie inside that document's text;
 * - the server process stays up and logs no error (a feature that threw and was caught by runSafe,
 *   an unhandled rejection, a failed analysis or notification handler);
 * - diagnostics keep being published: after the storm every open document with a build context
 *   gets a publish for its last version within `PUBLISH_BOUND_MS`;
 * - incremental equals fresh: those diagnostics, the document symbols and the code lenses equal
 *   those of a second server that was only ever given the final texts;
 * - once every document is closed (unsaved), the build contexts of every file are the disk's again;
 * - at the end of a batch, the server still answers a hover on an unedited board exactly as it did
 *   on its first request.
 *
 * One server pair serves a batch (a `runServerTarget` call); every input opens its documents, and
 * closes them at its end. A failure prints its seed and fast-check path: replaying that input alone
 * runs it on fresh servers; when it only fails after the earlier inputs of its batch, replay the batch
 * (`npm run fuzz -- --target server --seed S --seconds 30`). Long runs also hover the canary after
 * every input, so a failure there names the input that broke it.
 *
 * Debugging: FUZZ_TRACE=1 prints every notification sent and publish received; FUZZ_DUMP=<dir> writes
 * the final texts of an input whose diagnostics differ from the fresh server's; FUZZ_SERVER_BUNDLE=<file>
 * fuzzes another build of the server (e.g. one without a fix, to see its regression test fail).
 */
import fc from 'fast-check';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { CancellationTokenSource, createMessageConnection, ResponseError, StreamMessageReader, StreamMessageWriter, type MessageConnection } from 'vscode-jsonrpc/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { applyMutations, dtsFragment, mutationArb, type Env, type Failure, type Mutation, type RunOptions, type RunResult } from './engine';

/** Bound of one request's response (a request may wait for a whole board's analysis on a busy, shared 2-core machine). */
export const REQUEST_BOUND_MS = 20_000;
/** Bound of the publish of the last version after the storm (debounce, background analyses, then the analysis). */
export const PUBLISH_BOUND_MS = 30_000;

/** The corpus files the inputs open (relative to the corpus root): small boards, and the sdm845 board and SoC .dtsi. */
export const SERVER_FILES: readonly string[] = [
	'src/arm64/arm/foundation-v8.dts',
	'src/arm64/arm/juno.dts',
	'src/arm64/arm/juno-base.dtsi',
	'src/arm64/allwinner/sun50i-a64-pine64-plus.dts',
	'src/arm64/qcom/sdm845-db845c.dts',
	'src/arm64/qcom/sdm845.dtsi',
];
/** The board of the hover before and after a batch (from the disk: every input closes its documents); the place is its first `iommus`. */
const CANARY = 'src/arm64/arm/juno.dts';

// ---------------------------------------------------------------------------------------------------
// The server process and its client

/** Bundles the server from the working tree (once per process); returns the bundle's path. */
let bundled: Promise<string> | undefined;
export function serverBundle(repoRoot: string): Promise<string> {
	// FUZZ_SERVER_BUNDLE: fuzz another build of the server (e.g. one without a fix, to see a regression test fail).
	if (process.env.FUZZ_SERVER_BUNDLE) return Promise.resolve(process.env.FUZZ_SERVER_BUNDLE);
	bundled ??= (async () => {
		const { build } = await import('esbuild');
		const out = join(repoRoot, 'out/fuzz/server.cjs');
		const r = await build({
			entryPoints: [join(repoRoot, 'server/src/lsp/main.ts')],
			bundle: true,
			platform: 'node',
			target: 'node20',
			format: 'cjs',
			write: false,
			logLevel: 'error',
			external: ['vscode', 'tree-sitter', 'tree-sitter-devicetree', 'tree-sitter-c'],
			define: { 'import.meta.url': '__iommuLensModuleUrl' },
			banner: { js: "const __iommuLensModuleUrl = require('node:url').pathToFileURL(__filename).href;" },
			outfile: out,
		});
		// Written under a unique name and renamed: a concurrent run (npm test and npm run fuzz) never reads half a file.
		mkdirSync(dirname(out), { recursive: true });
		const tmp = `${out}.${process.pid}.tmp`;
		writeFileSync(tmp, r.outputFiles[0]!.contents);
		renameSync(tmp, out);
		return out;
	})();
	return bundled;
}

interface Publish {
	uri: string;
	version?: number;
	diagnostics: Array<{ range: Range; message: string; code?: unknown; data?: unknown }>;
}
interface Range {
	start: { line: number; character: number };
	end: { line: number; character: number };
}

/** Thrown by a property: the message says what failed. */
class PropertyFailure extends Error {}

export class FuzzServer {
	readonly proc: ChildProcess;
	readonly connection: MessageConnection;
	/** Every publish, in order. */
	readonly published: Publish[] = [];
	/** Error-level log messages and stderr output since the last `takeErrors()`. */
	private errors: string[] = [];
	exited: string | undefined;
	private waiters: Array<() => void> = [];

	constructor(bundle: string, readonly name: string) {
		this.proc = spawn(process.execPath, [bundle, '--stdio'], { stdio: ['pipe', 'pipe', 'pipe'] });
		this.proc.stderr!.on('data', (d: Buffer) => this.errors.push(`stderr: ${d.toString()}`));
		this.proc.on('exit', (code, signal) => {
			this.exited = `the ${name} server exited (code ${code}, signal ${signal})`;
			this.wake();
		});
		this.proc.stdin!.on('error', () => undefined);
		this.connection = createMessageConnection(new StreamMessageReader(this.proc.stdout!), new StreamMessageWriter(this.proc.stdin!));
		this.connection.onNotification('textDocument/publishDiagnostics', (p: Publish) => {
			if (process.env.FUZZ_TRACE) console.error(`[${name}] <- publish ${p.uri.slice(p.uri.lastIndexOf('/') + 1)} v${p.version} ${p.diagnostics.length}`);
			this.published.push(p);
			this.wake();
		});
		this.connection.onNotification('window/logMessage', (p: { type: number; message: string }) => {
			if (p.type === 1) this.errors.push(p.message);
		});
		this.connection.onNotification('iommuLens/status', () => undefined);
		this.connection.onRequest('workspace/configuration', (p: { items: unknown[] }) => p.items.map(() => null));
		this.connection.onRequest('client/registerCapability', () => null);
		this.connection.onError(() => undefined);
		this.connection.listen();
	}

	private wake(): void {
		for (const w of this.waiters.splice(0)) w();
	}

	async initialize(root: string): Promise<void> {
		await this.request('initialize', {
			processId: process.pid,
			rootUri: pathToFileURL(root).href,
			workspaceFolders: [{ uri: pathToFileURL(root).href, name: 'corpus' }],
			capabilities: { workspace: { configuration: true }, textDocument: { publishDiagnostics: { versionSupport: true } } },
		});
		this.notify('initialized', {});
	}

	notify(method: string, params: unknown): void {
		if (this.exited) throw new PropertyFailure(this.exited);
		if (process.env.FUZZ_TRACE) {
			const td = (params as { textDocument?: { uri: string; version?: number; text?: string } }).textDocument;
			console.error(`[${this.name}] -> ${method} ${td ? `${td.uri.slice(td.uri.lastIndexOf('/') + 1)} v${td.version} ${td.text !== undefined ? `${td.text.length} chars` : ''}` : ''}`);
		}
		void this.connection.sendNotification(method, params).catch(() => undefined);
	}

	/**
	 * A request answered within the bound: its result, or its error (a ResponseError). Fails on a
	 * timeout, an internal error (a handler that threw past runSafe) or the process' exit.
	 */
	async request(method: string, params: unknown, opts: { cancel?: boolean; allowInternal?: boolean } = {}): Promise<{ result?: unknown; error?: ResponseError<unknown> }> {
		if (this.exited) throw new PropertyFailure(this.exited);
		const cts = new CancellationTokenSource();
		let timer: ReturnType<typeof setTimeout> | undefined;
		let onExit: (() => void) | undefined;
		const sent: Promise<{ result?: unknown; error?: ResponseError<unknown> }> = this.connection.sendRequest(method, params, cts.token).then(
			(result: unknown) => ({ result }),
			(error: unknown) => {
				if (error instanceof ResponseError) return { error };
				throw error;
			},
		);
		if (opts.cancel) cts.cancel();
		try {
			const r = await Promise.race([
				sent,
				new Promise<never>((_, reject) => {
					timer = setTimeout(() => reject(new PropertyFailure(`${method} got no response within ${REQUEST_BOUND_MS} ms (params ${JSON.stringify(params).slice(0, 300)})`)), REQUEST_BOUND_MS);
				}),
				new Promise<never>((_, reject) => {
					onExit = () => {
						if (this.exited) reject(new PropertyFailure(`${this.exited} during ${method}`));
						else this.waiters.push(onExit!);
					};
					this.waiters.push(onExit);
				}),
			]);
			if (r.error && r.error.code === -32603 && !opts.allowInternal) throw new PropertyFailure(`${method} answered an internal error: ${r.error.message}`);
			return r;
		} finally {
			clearTimeout(timer);
			this.waiters = this.waiters.filter((w) => w !== onExit);
			cts.dispose();
		}
	}

	/** Waits (bounded, failing loudly) for a publish after index `since` that satisfies `pred`. */
	async waitPublish(pred: (p: Publish) => boolean, since: number, what: string): Promise<Publish> {
		const deadline = Date.now() + PUBLISH_BOUND_MS;
		for (;;) {
			for (let i = this.published.length - 1; i >= since; i--) if (pred(this.published[i]!)) return this.published[i]!;
			if (this.exited) throw new PropertyFailure(`${this.exited} while waiting for ${what}`);
			const left = deadline - Date.now();
			if (left <= 0) throw new PropertyFailure(`timed out (${PUBLISH_BOUND_MS} ms) waiting for ${what}`);
			await new Promise<void>((resolve) => {
				const t = setTimeout(resolve, Math.min(left, 1000));
				this.waiters.push(() => {
					clearTimeout(t);
					resolve();
				});
			});
		}
	}

	takeErrors(): string[] {
		return this.errors.splice(0);
	}

	async stop(): Promise<void> {
		if (!this.exited) {
			try {
				await Promise.race([this.connection.sendRequest('shutdown'), new Promise((r) => setTimeout(r, 3000))]);
				void this.connection.sendNotification('exit').catch(() => undefined);
			} catch {
				/* gone */
			}
			await new Promise<void>((resolve) => {
				if (this.exited) return resolve();
				const t = setTimeout(() => {
					this.proc.kill('SIGKILL');
					resolve();
				}, 3000);
				this.proc.on('exit', () => {
					clearTimeout(t);
					resolve();
				});
			});
		}
		this.connection.dispose();
	}
}

// ---------------------------------------------------------------------------------------------------
// Inputs

type ReqKind = 'hover' | 'definition' | 'references' | 'documentSymbol' | 'codeLens' | 'inlayHint' | 'documentLink' | 'codeAction' | 'workspaceSymbol' | 'simulate' | 'topology' | 'buildContexts' | 'executeCommand' | 'unknown';
const REQ_KINDS: readonly ReqKind[] = ['hover', 'definition', 'references', 'documentSymbol', 'codeLens', 'inlayHint', 'documentLink', 'codeAction', 'workspaceSymbol', 'simulate', 'topology', 'buildContexts', 'executeCommand', 'unknown'];

/** A place: fractions (millionths) of the line count and of the line's length; `wild` 1 = past the end, 2 = extreme values. */
interface At {
	line: number;
	col: number;
	wild: 0 | 1 | 2;
}
export type Op =
	| { op: 'edit'; doc: number; m: Mutation }
	| { op: 'full'; doc: number; m: Mutation[] }
	| { op: 'stale'; doc: number; back: number; m: Mutation }
	| { op: 'req'; doc: number; kind: ReqKind; at: At; to: At; cancel: boolean; arg: number }
	| { op: 'burst'; doc: number; kinds: ReqKind[]; at: At }
	| { op: 'fix'; doc: number; pick: number }
	| { op: 'wait'; doc: number }
	| { op: 'context'; doc: number; target: number }
	| { op: 'reopen'; doc: number };
export interface ServerInput {
	/** Indexes into SERVER_FILES (distinct). */
	files: number[];
	ops: Op[];
}

const place = fc.integer({ min: 0, max: 1_000_000 });
const at: fc.Arbitrary<At> = fc.record({ line: place, col: place, wild: fc.oneof({ weight: 6, arbitrary: fc.constant(0 as const) }, { weight: 1, arbitrary: fc.constant(1 as const) }, { weight: 1, arbitrary: fc.constant(2 as const) }) });
const doc = fc.integer({ min: 0, max: 2 });
const reqKind = fc.constantFrom(...REQ_KINDS);
/** Built on first use: this module and engine.ts import each other, so nothing of engine.ts is used at load time. */
let inputArb: fc.Arbitrary<ServerInput> | undefined;
export function serverInput(): fc.Arbitrary<ServerInput> {
	if (inputArb) return inputArb;
	const mutation = mutationArb(dtsFragment);
	const op: fc.Arbitrary<Op> = fc.oneof(
		{ weight: 6, arbitrary: fc.record({ op: fc.constant('edit' as const), doc, m: mutation }) },
		{ weight: 1, arbitrary: fc.record({ op: fc.constant('full' as const), doc, m: fc.array(mutation, { maxLength: 3 }) }) },
		{ weight: 1, arbitrary: fc.record({ op: fc.constant('stale' as const), doc, back: fc.integer({ min: 0, max: 3 }), m: mutation }) },
		{ weight: 8, arbitrary: fc.record({ op: fc.constant('req' as const), doc, kind: reqKind, at, to: at, cancel: fc.integer({ min: 0, max: 5 }).map((n) => n === 0), arg: fc.nat(1000) }) },
		{ weight: 1, arbitrary: fc.record({ op: fc.constant('burst' as const), doc, kinds: fc.array(reqKind, { minLength: 2, maxLength: 6 }), at }) },
		{ weight: 2, arbitrary: fc.record({ op: fc.constant('fix' as const), doc, pick: fc.nat(50) }) },
		{ weight: 1, arbitrary: fc.record({ op: fc.constant('wait' as const), doc }) },
		{ weight: 1, arbitrary: fc.record({ op: fc.constant('context' as const), doc, target: fc.integer({ min: -2, max: SERVER_FILES.length - 1 }) }) },
		{ weight: 1, arbitrary: fc.record({ op: fc.constant('reopen' as const), doc }) },
	);
	/** Mostly the small boards; the sdm845 files (some 3× the work) in about a third of the inputs. */
	const fileIndex = fc.oneof({ weight: 3, arbitrary: fc.integer({ min: 0, max: 3 }) }, { weight: 1, arbitrary: fc.integer({ min: 4, max: 5 }) });
	inputArb = fc.record({
		files: fc.uniqueArray(fileIndex, { minLength: 1, maxLength: 2 }),
		ops: fc.array(op, { minLength: 1, maxLength: 14 }),
	});
	return inputArb;
}

// ---------------------------------------------------------------------------------------------------
// Running one input

interface OpenDoc {
	path: string;
	uri: string;
	doc: TextDocument;
	/** The version last sent (a stale change may send a lower one). */
	version: number;
	/** The highest version sent (the final change goes above it, so its publish is unambiguous). */
	maxVersion: number;
}

const SCENARIOS = [{}, { disable: ['apps_smmu', '/soc@0/iommu@15000000'] }, { kernel: '4.14' }, { kernel: 'x.y' }, { iommuPassthrough: true, armSmmuDisableBypass: true }, { drivers: { 'arm-smmu': 'n' } }, { enable: ['&nothing', ''] }, { deferredProbeTimeout: -1 }];
const QUERIES = ['', 'smmu', 'iommu@', '&', '.*', 'a'.repeat(300), '\u0000'];

function positionOf(d: TextDocument, a: At): { line: number; character: number } {
	if (a.wild === 2) return [{ line: 2 ** 31 - 1, character: 2 ** 31 - 1 }, { line: -1, character: -1 }, { line: 0, character: 1e9 }][a.line % 3]!;
	const lines = d.lineCount + (a.wild === 1 ? 3 : 0);
	const line = Math.floor((a.line / 1_000_001) * lines);
	const text = line < d.lineCount ? d.getText({ start: { line, character: 0 }, end: { line: line + 1, character: 0 } }) : '';
	const col = Math.floor((a.col / 1_000_001) * (text.length + 1 + (a.wild === 1 ? 10 : 0)));
	return { line, character: col };
}

/** Every range in a result that lies in an open document must lie inside its text. */
function checkRanges(what: string, value: unknown, docs: ReadonlyMap<string, OpenDoc>): void {
	const walk = (v: unknown, uri: string | undefined, key: string): void => {
		if (Array.isArray(v)) return v.forEach((x) => walk(x, uri, key));
		if (!v || typeof v !== 'object') return;
		const o = v as Record<string, unknown>;
		const u = typeof o.uri === 'string' ? o.uri : uri;
		if (o.start && o.end && typeof (o.start as { line?: unknown }).line === 'number') {
			const r = o as unknown as Range;
			const ok = (p: { line: number; character: number }) => Number.isInteger(p.line) && Number.isInteger(p.character) && p.line >= 0 && p.character >= 0;
			if (!ok(r.start) || !ok(r.end)) throw new PropertyFailure(`${what}: ${key} is not a range of non-negative integers: ${JSON.stringify(r)}`);
			if (r.start.line > r.end.line || (r.start.line === r.end.line && r.start.character > r.end.character)) throw new PropertyFailure(`${what}: ${key} ends before it starts: ${JSON.stringify(r)}`);
			const d = u !== undefined ? docs.get(u) : undefined;
			if (d) {
				for (const p of [r.start, r.end]) {
					const lineText = p.line < d.doc.lineCount ? d.doc.getText({ start: { line: p.line, character: 0 }, end: { line: p.line + 1, character: 0 } }).replace(/\r?\n$|\r$/, '') : undefined;
					if (lineText === undefined || p.character > lineText.length) throw new PropertyFailure(`${what}: ${key} ${JSON.stringify(r)} lies outside ${d.path.slice(d.path.lastIndexOf('/') + 1)} (${d.doc.lineCount} lines${lineText !== undefined ? `, line ${p.line} has ${lineText.length} characters` : ''})`);
				}
			}
			return;
		}
		for (const [k, x] of Object.entries(o)) {
			// Published diagnostics sent back in a code action are the client's, not the server's answer.
			if (k === 'diagnostics') continue;
			walk(x, u, k);
		}
	};
	walk(value, undefined, 'result');
}

class Session {
	readonly docs: OpenDoc[] = [];
	/** uri → open document, in opening order (the server's documents.all() order). */
	readonly open = new Map<string, OpenDoc>();
	contextSet = false;
	requests = 0;

	constructor(
		readonly env: Env,
		readonly server: FuzzServer,
	) {}

	openFile(path: string, text: string, version = 1): OpenDoc {
		const uri = pathToFileURL(path).href;
		const d: OpenDoc = { path, uri, doc: TextDocument.create(uri, 'dts', version, text), version, maxVersion: version };
		this.open.set(uri, d);
		this.server.notify('textDocument/didOpen', { textDocument: { uri, languageId: 'dts', version, text } });
		return d;
	}

	change(d: OpenDoc, changes: Array<{ range?: Range; text: string }>, version = d.version + 1): void {
		d.doc = TextDocument.update(d.doc, changes.map((c) => (c.range ? { range: c.range, text: c.text } : { text: c.text })), version);
		d.version = version;
		d.maxVersion = Math.max(d.maxVersion, version);
		this.server.notify('textDocument/didChange', { textDocument: { uri: d.uri, version }, contentChanges: changes });
	}

	/** One mutation as one incremental change (the range computed on the document's current text). */
	mutate(d: OpenDoc, m: Mutation, version?: number): void {
		const t = d.doc.getText();
		const off = (frac: number) => Math.floor((frac / 1_000_000) * t.length);
		const a = off(m.at);
		const range = (from: number, to: number): Range => ({ start: d.doc.positionAt(from), end: d.doc.positionAt(Math.min(to, t.length)) });
		switch (m.kind) {
			case 'flip':
				return this.change(d, [{ range: range(a, a + 1), text: m.ch }], version);
			case 'truncate':
				return this.change(d, [{ range: range(a, t.length), text: '' }], version);
			case 'delete':
				return this.change(d, [{ range: range(a, a + m.len), text: '' }], version);
			case 'splice': {
				const from = off(m.from);
				return this.change(d, [{ range: range(a, a), text: t.slice(from, from + m.len) }], version);
			}
			case 'insert':
				return this.change(d, [{ range: range(a, a), text: m.text }], version);
		}
	}

	async request(kind: ReqKind, d: OpenDoc, a: At, to: At, cancel: boolean, arg: number): Promise<void> {
		const textDocument = { uri: d.uri };
		const position = positionOf(d.doc, a);
		let method: string;
		let params: unknown;
		switch (kind) {
			case 'hover':
			case 'definition':
				method = `textDocument/${kind}`;
				params = { textDocument, position };
				break;
			case 'references':
				method = 'textDocument/references';
				params = { textDocument, position, context: { includeDeclaration: arg % 2 === 0 } };
				break;
			case 'documentSymbol':
			case 'codeLens':
			case 'documentLink':
				method = `textDocument/${kind}`;
				params = { textDocument };
				break;
			case 'inlayHint':
				method = 'textDocument/inlayHint';
				params = { textDocument, range: arg % 5 === 0 ? { start: { line: 0, character: 0 }, end: { line: d.doc.lineCount, character: 0 } } : { start: position, end: positionOf(d.doc, to) } };
				break;
			case 'codeAction': {
				method = 'textDocument/codeAction';
				const diagnostics = this.lastPublished(d.uri)?.diagnostics ?? [];
				const range = arg % 3 === 0 ? { start: position, end: position } : (diagnostics[arg % Math.max(1, diagnostics.length)]?.range ?? { start: position, end: position });
				params = { textDocument, range, context: { diagnostics: arg % 4 === 0 ? diagnostics : diagnostics.filter((x) => x.range.start.line <= range.end.line && x.range.end.line >= range.start.line) } };
				break;
			}
			case 'workspaceSymbol':
				method = 'workspace/symbol';
				params = { query: QUERIES[arg % QUERIES.length] };
				break;
			case 'simulate':
				method = 'iommuLens/simulate';
				params = { textDocument, scenario: SCENARIOS[arg % SCENARIOS.length] };
				break;
			case 'topology':
				method = 'iommuLens/topology';
				params = { textDocument };
				break;
			case 'buildContexts':
				method = 'iommuLens/buildContexts';
				params = { textDocument };
				break;
			case 'executeCommand': {
				method = 'workspace/executeCommand';
				const command = ['iommuLens.simulate', 'iommuLens.topology', 'iommuLens.showDmaPath', 'iommuLens.bogus'][arg % 4];
				const first = [d.uri, d.path, 'untitled:x', 42, '/nonexistent.dts'][arg % 5];
				const second = [undefined, '/soc@0/iommu@15000000', { disable: ['apps_smmu'] }, '/', 7][(arg >> 2) % 5];
				params = { command, arguments: second === undefined ? [first] : [first, second] };
				break;
			}
			case 'unknown':
				method = 'iommuLens/noSuchRequest';
				params = { textDocument };
				break;
		}
		this.requests++;
		const r = await this.server.request(method, params, { cancel });
		if (kind === 'unknown') {
			if (r.error?.code !== -32601) throw new PropertyFailure(`an unknown request was answered ${JSON.stringify(r.result ?? r.error).slice(0, 200)}, not MethodNotFound`);
			return;
		}
		if (r.error && r.error.code !== -32800) throw new PropertyFailure(`${method} answered error ${r.error.code}: ${r.error.message}`);
		if (r.result !== undefined) checkRanges(method, r.result, this.open);
	}

	lastPublished(uri: string): Publish | undefined {
		for (let i = this.server.published.length - 1; i >= 0; i--) if (this.server.published[i]!.uri === uri) return this.server.published[i];
		return undefined;
	}

	async run(ops: readonly Op[]): Promise<void> {
		for (const o of ops) {
			const d = this.docs[o.doc % this.docs.length]!;
			switch (o.op) {
				case 'edit':
					this.mutate(d, o.m);
					break;
				case 'full':
					this.change(d, [{ text: applyMutations(d.doc.getText(), o.m) }]);
					break;
				case 'stale':
					// A version not newer than the last one sent (a misbehaving client): the server must not serve an older analysis for it.
					this.mutate(d, o.m, Math.max(0, d.version - o.back));
					break;
				case 'req':
					await this.request(o.kind, d, o.at, o.to, o.cancel, o.arg);
					break;
				case 'burst':
					// Pipelined, as an editor sends them on a keystroke.
					await Promise.all(o.kinds.map((k, i) => this.request(k, d, o.at, o.at, i === 1, i)));
					break;
				case 'fix': {
					// Apply a quick fix the server offers for the diagnostics it published last (possibly for an older version).
					const diagnostics = this.lastPublished(d.uri)?.diagnostics ?? [];
					if (diagnostics.length === 0) break;
					const diag = diagnostics[o.pick % diagnostics.length]!;
					this.requests++;
					const r = await this.server.request('textDocument/codeAction', { textDocument: { uri: d.uri }, range: diag.range, context: { diagnostics: [diag] } });
					if (r.error) break;
					checkRanges('codeAction', r.result, this.open);
					const actions = (r.result ?? []) as Array<{ edit?: { changes?: Record<string, Array<{ range: Range; newText: string }>> } }>;
					const action = actions[o.pick % Math.max(1, actions.length)];
					for (const [uri, edits] of Object.entries(action?.edit?.changes ?? {})) {
						const target = this.open.get(uri);
						// Edits of unopened files (a .dtsi) are not applied: the corpus is never written.
						if (target) this.change(target, [...edits].sort((x, y) => y.range.start.line - x.range.start.line || y.range.start.character - x.range.start.character).map((e) => ({ range: e.range, text: e.newText })));
					}
					break;
				}
				case 'wait': {
					const version = d.version;
					const ctx = await this.server.request('iommuLens/buildContexts', { textDocument: { uri: d.uri } });
					if ((ctx.result as { current?: string } | undefined)?.current) await this.server.waitPublish((p) => p.uri === d.uri && p.version === version, 0, `diagnostics of ${d.path} version ${version}`);
					break;
				}
				case 'context': {
					const target = o.target === -1 ? null : o.target === -2 ? pathToFileURL(join(this.env.corpusRoot, 'src/arm64/nonexistent.dts')).href : pathToFileURL(join(this.env.corpusRoot, SERVER_FILES[o.target]!)).href;
					this.contextSet = true;
					this.requests++;
					const r = await this.server.request('iommuLens/setBuildContext', { textDocument: { uri: d.uri }, context: target });
					if (r.error && r.error.code !== -32800) throw new PropertyFailure(`setBuildContext answered error ${r.error.code}: ${r.error.message}`);
					break;
				}
				case 'reopen': {
					this.server.notify('textDocument/didClose', { textDocument: { uri: d.uri } });
					this.open.delete(d.uri);
					const again = this.openFile(d.path, d.doc.getText(), d.maxVersion + 1);
					this.docs[this.docs.indexOf(d)] = again;
					break;
				}
			}
			const errors = this.server.takeErrors();
			if (errors.length > 0) throw new PropertyFailure(`the server logged an error after ${o.op}: ${errors.join('\n').slice(0, 1500)}`);
		}
	}

	/** Every open document with a context gets a publish of its last version; returns those publishes by uri. */
	async settle(since: number): Promise<Map<string, Publish>> {
		const out = new Map<string, Publish>();
		for (const d of this.open.values()) {
			const ctx = await this.server.request('iommuLens/buildContexts', { textDocument: { uri: d.uri } });
			if (!(ctx.result as { current?: string } | undefined)?.current) continue;
			const version = d.version;
			out.set(d.uri, await this.server.waitPublish((p) => p.uri === d.uri && p.version === version, since, `${this.server.name} server: diagnostics of ${d.path} version ${version}`));
		}
		return out;
	}

	async features(): Promise<string> {
		const out: unknown[] = [];
		for (const d of this.open.values()) {
			for (const m of ['textDocument/documentSymbol', 'textDocument/codeLens', 'textDocument/documentLink']) out.push((await this.server.request(m, { textDocument: { uri: d.uri } })).result);
		}
		return JSON.stringify(out);
	}

	closeAll(): void {
		for (const d of this.open.values()) this.server.notify('textDocument/didClose', { textDocument: { uri: d.uri } });
		this.open.clear();
	}
}

/** The pair of servers of a batch: `storm` gets the inputs, `fresh` only their final texts. */
interface Pair {
	storm: FuzzServer;
	fresh: FuzzServer;
	canary: { uri: string; position: { line: number; character: number }; hover: string } | undefined;
	/** `contextsOf` before the first input. */
	contexts: string;
	/** Every file an input opened (for the report of a failure after the batch). */
	opened: Set<string>;
}

async function startPair(env: Env): Promise<Pair> {
	const bundle = await serverBundle(env.repoRoot);
	const storm = new FuzzServer(bundle, 'stormed');
	const fresh = new FuzzServer(bundle, 'fresh');
	await Promise.all([storm.initialize(env.corpusRoot), fresh.initialize(env.corpusRoot)]);
	return { storm, fresh, canary: undefined, contexts: await contextsOf(env, storm), opened: new Set() };
}

/** The hover on the canary board's first `iommus` (or its first node) as first answered: the reference after the storm. */
async function canaryHover(env: Env, pair: Pair, again = false): Promise<string> {
	const path = join(env.corpusRoot, CANARY);
	const text = readFileSync(path, 'utf8');
	const s = new Session(env, pair.storm);
	const d = s.openFile(path, text);
	try {
		// `again`: after an empty change (a new version: the board is analysed again with the same caches).
		if (again) s.change(d, [{ range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, text: '' }]);
		if (!pair.canary) {
			const lines = text.split('\n');
			let line = lines.findIndex((l) => /\biommus\s*=/.test(l));
			if (line < 0) line = lines.findIndex((l) => /\{\s*$/.test(l));
			pair.canary = { uri: d.uri, position: { line, character: Math.max(0, lines[line]!.search(/\S/)) }, hover: '' };
		}
		const r = await pair.storm.request('textDocument/hover', { textDocument: { uri: d.uri }, position: pair.canary.position });
		return JSON.stringify(r.result ?? r.error);
	} finally {
		s.closeAll();
	}
}

async function runInput(env: Env, pair: Pair, input: ServerInput, counters: { requests: number }): Promise<void> {
	const storm = new Session(env, pair.storm);
	const fresh = new Session(env, pair.fresh);
	try {
		for (const f of input.files) {
			pair.opened.add(SERVER_FILES[f]!);
			const path = join(env.corpusRoot, SERVER_FILES[f]!);
			storm.docs.push(storm.openFile(path, readFileSync(path, 'utf8')));
		}
		await storm.run(input.ops);
		// The final phase: automatic contexts again, one more (empty) change each, then every open
		// document's last version must be published, and equal what a fresh server says of the same texts.
		if (storm.contextSet) for (const d of storm.open.values()) await pair.storm.request('iommuLens/setBuildContext', { textDocument: { uri: d.uri }, context: null });
		const sinceStorm = pair.storm.published.length;
		// Above every version sent: after a stale change, `d.version + 1` may be a version whose (older) publish is still on its way.
		for (const d of storm.open.values()) storm.change(d, [{ range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, text: '' }], d.maxVersion + 1);
		const sinceFresh = pair.fresh.published.length;
		for (const d of storm.open.values()) fresh.openFile(d.path, d.doc.getText(), d.version);
		const a = await storm.settle(sinceStorm);
		const b = await fresh.settle(sinceFresh);
		for (const [uri, p] of a) {
			const q = b.get(uri);
			const name = uri.slice(uri.lastIndexOf('/') + 1);
			if (!q) throw new PropertyFailure(`${name}: the stormed server published diagnostics, a fresh server none`);
			const show = (x: Publish) => x.diagnostics.map((g) => `${g.range.start.line}:${g.range.start.character} ${String(g.code)} ${g.message}`);
			if (JSON.stringify(p.diagnostics) !== JSON.stringify(q.diagnostics)) {
				if (process.env.FUZZ_DUMP) for (const d of storm.open.values()) writeFileSync(`${process.env.FUZZ_DUMP}/${d.path.slice(d.path.lastIndexOf('/') + 1)}`, d.doc.getText());
				const sa = show(p);
				const sb = show(q);
				throw new PropertyFailure(`${name}: diagnostics after the edits differ from a fresh server's on the same text: only stormed ${JSON.stringify(sa.filter((x) => !sb.includes(x)).slice(0, 4))}, only fresh ${JSON.stringify(sb.filter((x) => !sa.includes(x)).slice(0, 4))}`);
			}
		}
		if (a.size !== b.size) throw new PropertyFailure(`publishes differ: stormed ${[...a.keys()].join(', ')}, fresh ${[...b.keys()].join(', ')}`);
		const fa = await storm.features();
		const fb = await fresh.features();
		if (fa !== fb) throw new PropertyFailure('document symbols, code lenses or links after the edits differ from a fresh server\'s on the same text');
		const errors = [...pair.storm.takeErrors(), ...pair.fresh.takeErrors()];
		if (errors.length > 0) throw new PropertyFailure(`the server logged an error: ${errors.join('\n').slice(0, 1500)}`);
	} finally {
		counters.requests += storm.requests;
		try {
			storm.closeAll();
			fresh.closeAll();
		} catch {
			/* a server that exited is reported by the property */
		}
	}
	// Every document is closed unsaved: the server sees the disk again (the build contexts of every file as at the start).
	const now = await contextsOf(env, pair.storm);
	if (now !== pair.contexts) {
		const a = JSON.parse(now) as unknown[];
		const b = JSON.parse(pair.contexts) as unknown[];
		const i = a.findIndex((x, k) => JSON.stringify(x) !== JSON.stringify(b[k]));
		throw new PropertyFailure(`after closing every document, the build contexts of ${SERVER_FILES[i]} differ from the disk's: ${JSON.stringify(a[i]).slice(0, 500)}\nat the start: ${JSON.stringify(b[i]).slice(0, 500)}`);
	}
}

/** The build contexts of every file of SERVER_FILES (candidates included), as JSON. */
async function contextsOf(env: Env, server: FuzzServer): Promise<string> {
	const out: unknown[] = [];
	for (const f of SERVER_FILES) out.push((await server.request('iommuLens/buildContexts', { textDocument: { uri: pathToFileURL(join(env.corpusRoot, f)).href } })).result);
	return JSON.stringify(out);
}

/** Runs the server target for a while (or `numRuns` inputs) from `seed` on a fresh pair of servers. */
export async function runServerTarget(env: Env, opts: RunOptions): Promise<RunResult & { requests: number }> {
	const pair = await startPair(env);
	const counters = { requests: 0 };
	let maxMs = 0;
	const failures: Failure[] = [];
	let tried = 0;
	try {
		const before = await canaryHover(env, pair);
		// Long runs (no input count) also check the canary after every input, which names the input that broke it.
		const everyInput = opts.numRuns === undefined || opts.path !== undefined;
		// fast-check's time limit interrupts the input in flight without stopping it: wait for it before the last hover.
		let inflight: Promise<void> | undefined;
		const prop = fc.asyncProperty(serverInput(), (input) => {
			inflight = (async () => {
				const t0 = performance.now();
				await runInput(env, pair, input, counters);
				maxMs = Math.max(maxMs, performance.now() - t0);
				if (everyInput) {
					const now = await canaryHover(env, pair);
					if (now !== before) throw new PropertyFailure(`after this input (every document closed), the hover on ${CANARY} differs from the first one: ${now.slice(0, 300)}; analysed again after a change: ${(await canaryHover(env, pair, true)).slice(0, 300)}`);
				}
			})();
			return inflight;
		});
		const details = await fc.check(prop, {
			seed: opts.seed,
			numRuns: opts.numRuns ?? 1_000_000_000,
			...(opts.path !== undefined ? { path: opts.path } : {}),
			interruptAfterTimeLimit: opts.timeMs,
			markInterruptAsFailure: false,
			endOnFailure: true,
		});
		await inflight?.catch(() => undefined);
		// Interrupted by the time limit before its first input (the last, short batch of a long run) is not a failure.
		const failed = details.failed && !(details.interrupted && details.errorInstance === null && details.counterexample === null);
		tried = details.numRuns + (failed ? 1 : 0);
		if (failed) {
			const err = details.errorInstance;
			failures.push({
				target: 'server',
				seed: details.seed,
				path: details.counterexamplePath ?? '',
				error: err instanceof Error ? `${err.message}\n${err.stack ?? ''}` : String(err),
				counterexample: fc.stringify(details.counterexample).slice(0, 4000),
			});
		} else {
			// After the storm, the server still answers as it did at first.
			const after = await canaryHover(env, pair);
			if (after !== before || before === 'null') {
				const reanalysed = await canaryHover(env, pair, true);
				failures.push({
					target: 'server',
					seed: opts.seed,
					path: '',
					error: `the hover on ${CANARY} after the storm differs from the first one: ${before.slice(0, 300)} vs ${after.slice(0, 300)}; analysed again after a change: ${reanalysed === before ? 'as the first' : reanalysed.slice(0, 300)}; files opened in the batch: ${[...pair.opened].join(', ')}`,
					counterexample: '(the whole batch)',
				});
			}
		}
	} finally {
		await Promise.all([pair.storm.stop(), pair.fresh.stop()]);
	}
	return { target: 'server', tried, failures, maxCallMs: Math.round(maxMs), requests: counters.requests };
}
