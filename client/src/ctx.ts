/**
 * The extension's state: the output channel, the LanguageClient (replaced by "Restart Server"), the
 * status bar item and every disposable (`pushCleanup`). Commands get the Ctx, never globals.
 */
import * as path from 'node:path';
import { commands, window, type Disposable, type ExtensionContext, type LogOutputChannel, type Uri } from 'vscode';
import { State, type LanguageClient, type Middleware } from 'vscode-languageclient/node';
import { createClient } from './client';
import { SetBuildContextRequest, StatusNotification } from './protocol';
import { ServerStatus } from './status';

/** The key of the build contexts the user picked (file URI → board URI), kept across restarts. */
const CHOSEN_CONTEXTS = 'iommuLens.chosenBuildContexts';

export class Ctx implements Disposable {
	readonly output: LogOutputChannel;
	readonly status: ServerStatus;
	private client: LanguageClient | undefined;
	private readonly cleanups: Disposable[] = [];
	private clientCleanups: Disposable[] = [];
	private middleware: Middleware = {};

	constructor(readonly extension: ExtensionContext) {
		this.output = window.createOutputChannel('iommu-lens', { log: true });
		this.pushCleanup(this.output);
		this.status = new ServerStatus(this);
		this.pushCleanup(this.status);
	}

	get extensionPath(): string {
		return this.extension.extensionPath;
	}

	/** The bundled file `dist/<name>`. */
	distFile(name: string): string {
		return this.extension.asAbsolutePath(path.join('dist', name));
	}

	pushCleanup(d: Disposable): void {
		this.cleanups.push(d);
	}

	setMiddleware(middleware: Middleware): void {
		this.middleware = middleware;
	}

	/** The running client, or an error the commands show. */
	runningClient(): LanguageClient {
		if (!this.client || this.client.state !== State.Running) throw new Error('the iommu-lens language server is not running (see "iommu-lens: Show Output"; "iommu-lens: Restart Server" starts it again)');
		return this.client;
	}

	/** The client when it is running (the simulation panel asks each time: a restart replaces it). */
	currentClient(): LanguageClient | undefined {
		return this.isRunning ? this.client : undefined;
	}

	get isRunning(): boolean {
		return this.client?.state === State.Running;
	}

	/** Starts the server (a fresh client each time, so that the crash count starts again). */
	async start(): Promise<void> {
		const client = createClient(this.distFile('server.js'), this.output, { onGaveUp: (message) => this.status.gaveUp(message) }, this.middleware);
		this.client = client;
		this.clientCleanups.push(
			client.onDidChangeState((e) => {
				void commands.executeCommand('setContext', 'iommuLens.serverRunning', e.newState === State.Running);
				this.status.clientState(e.newState);
				if (e.newState === State.Running) void this.reapplyChosenContexts(client);
			}),
			client.onNotification(StatusNotification.type, (params) => this.status.update(params)),
		);
		this.status.clientState(State.Starting);
		await client.start();
	}

	async stop(): Promise<void> {
		const client = this.client;
		this.client = undefined;
		for (const d of this.clientCleanups.splice(0)) d.dispose();
		if (!client) return;
		try {
			if (client.isRunning()) await client.stop(5000);
			else await client.dispose(2000);
		} catch (error) {
			this.output.appendLine(`[client] stopping the server: ${String(error)}`);
		}
	}

	async restart(): Promise<void> {
		this.output.appendLine('[client] restarting the language server');
		await this.stop();
		await this.start();
	}

	chosenContexts(): Record<string, string> {
		return this.extension.workspaceState.get<Record<string, string>>(CHOSEN_CONTEXTS) ?? {};
	}

	async rememberContext(file: Uri, board: string | null): Promise<void> {
		const all = { ...this.chosenContexts() };
		if (board === null) delete all[file.toString()];
		else all[file.toString()] = board;
		await this.extension.workspaceState.update(CHOSEN_CONTEXTS, all);
	}

	/** The server forgets the user's build contexts when it restarts: tell it again. */
	private async reapplyChosenContexts(client: LanguageClient): Promise<void> {
		for (const [file, context] of Object.entries(this.chosenContexts())) {
			try {
				await client.sendRequest(SetBuildContextRequest.type, { textDocument: { uri: file }, context });
			} catch (error) {
				this.output.appendLine(`[client] re-applying the build context of ${file}: ${String(error)}`);
			}
		}
	}

	dispose(): void {
		for (const d of this.clientCleanups.splice(0)) d.dispose();
		for (const d of this.cleanups.splice(0).reverse()) d.dispose();
	}
}
