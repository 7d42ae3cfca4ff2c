/**
 * A test client for the real server: `node dist/server.js --stdio` (built by `npm test`) driven over
 * vscode-jsonrpc. Records published diagnostics and status notifications; `waitFor` waits on them.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { createMessageConnection, StreamMessageReader, StreamMessageWriter, type MessageConnection } from 'vscode-jsonrpc/node';
import { REPO_ROOT } from '../harness/corpus';

export interface Published {
	uri: string;
	version?: number;
	diagnostics: Array<{ code?: string; message: string; severity?: number; source?: string; range: { start: { line: number; character: number } }; relatedInformation?: unknown[]; codeDescription?: { href: string }; data?: unknown; tags?: number[] }>;
}

export class TestClient {
	readonly connection: MessageConnection;
	readonly proc: ChildProcess;
	readonly published: Published[] = [];
	readonly statuses: Array<Record<string, unknown>> = [];
	readonly logs: string[] = [];
	/** `client/registerCapability` registrations (method and options). */
	readonly registrations: Array<{ method: string; registerOptions?: unknown }> = [];
	private waiters: Array<() => void> = [];

	/** `env`: the server's environment (default this process's). */
	constructor(args: string[] = [join(REPO_ROOT, 'dist/server.js'), '--stdio'], env?: NodeJS.ProcessEnv) {
		if (!existsSync(args[0]!)) throw new Error(`${args[0]} is missing: run \`npm test\` (or \`node scripts/build.mjs\`) first`);
		this.proc = spawn(process.execPath, args, { stdio: ['pipe', 'pipe', 'pipe'], ...(env ? { env } : {}) });
		this.proc.stderr!.on('data', (d: Buffer) => this.logs.push(d.toString()));
		this.connection = createMessageConnection(new StreamMessageReader(this.proc.stdout!), new StreamMessageWriter(this.proc.stdin!));
		this.connection.onNotification('textDocument/publishDiagnostics', (p: Published) => this.push(() => this.published.push(p)));
		this.connection.onNotification('iommuLens/status', (p: Record<string, unknown>) => this.push(() => this.statuses.push(p)));
		this.connection.onNotification('window/logMessage', (p: { message: string }) => {
			this.logs.push(p.message);
		});
		this.connection.onRequest('workspace/configuration', (p: { items: unknown[] }) => p.items.map(() => null));
		this.connection.onRequest('client/registerCapability', (p: { registrations: Array<{ method: string; registerOptions?: unknown }> }) => {
			this.push(() => this.registrations.push(...p.registrations));
			return null;
		});
		this.connection.listen();
	}

	private push(f: () => void): void {
		f();
		for (const w of this.waiters.splice(0)) w();
	}

	async initialize(rootPath: string, initializationOptions?: unknown, capabilities: Record<string, unknown> = { workspace: { configuration: true } }): Promise<{ capabilities: Record<string, unknown> }> {
		const res = await this.connection.sendRequest<{ capabilities: Record<string, unknown> }>('initialize', {
			processId: process.pid,
			rootUri: uri(rootPath),
			workspaceFolders: [{ uri: uri(rootPath), name: 'ws' }],
			capabilities,
			initializationOptions,
		});
		await this.connection.sendNotification('initialized', {});
		return res;
	}

	open(path: string, text: string, version = 1, languageId = 'dts'): void {
		void this.connection.sendNotification('textDocument/didOpen', { textDocument: { uri: uri(path), languageId, version, text } });
	}

	close(path: string): void {
		void this.connection.sendNotification('textDocument/didClose', { textDocument: { uri: uri(path) } });
	}

	change(path: string, version: number, range: { start: { line: number; character: number }; end: { line: number; character: number } }, text: string): void {
		void this.connection.sendNotification('textDocument/didChange', { textDocument: { uri: uri(path), version }, contentChanges: [{ range, text }] });
	}

	/** Resolves when `pred` holds (checked now and after every notification), or rejects after `ms`. */
	async waitFor<T>(pred: () => T | undefined | false, ms = 20_000, what = 'condition'): Promise<T> {
		const deadline = Date.now() + ms;
		for (;;) {
			const v = pred();
			if (v) return v;
			const left = deadline - Date.now();
			if (left <= 0) throw new Error(`timed out waiting for ${what}; server log:\n${this.logs.join('\n').slice(-2000)}`);
			await new Promise<void>((resolve) => {
				const t = setTimeout(resolve, Math.min(left, 500));
				this.waiters.push(() => {
					clearTimeout(t);
					resolve();
				});
			});
		}
	}

	/** The last diagnostics published for a file (optionally for a document version). */
	last(path: string, version?: number): Published | undefined {
		const u = uri(path);
		for (let i = this.published.length - 1; i >= 0; i--) {
			const p = this.published[i]!;
			if (p.uri === u && (version === undefined || p.version === version)) return p;
		}
		return undefined;
	}

	async stop(): Promise<void> {
		try {
			await this.connection.sendRequest('shutdown');
			await this.connection.sendNotification('exit');
		} catch {
			/* already gone */
		}
		await new Promise<void>((resolve) => {
			if (this.proc.exitCode !== null) return resolve();
			const t = setTimeout(() => {
				this.proc.kill();
				resolve();
			}, 3000);
			this.proc.on('exit', () => {
				clearTimeout(t);
				resolve();
			});
		});
		this.connection.dispose();
	}
}

export const uri = (path: string): string => pathToFileURL(path).href;
