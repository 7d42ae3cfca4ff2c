/**
 * Creates the LanguageClient for the bundled server (dist/server.js, over Node IPC; no node_modules at
 * run time). Crashes restart the server a few times with a message each time, then it stays stopped
 * and says so; connection errors are logged, not shown in a loop.
 */
import { window, type LogOutputChannel } from 'vscode';
import {
	CloseAction,
	ErrorAction,
	LanguageClient,
	RevealOutputChannelOn,
	TransportKind,
	type CloseHandlerResult,
	type ErrorHandler,
	type ErrorHandlerResult,
	type LanguageClientOptions,
	type Middleware,
	type ServerOptions,
} from 'vscode-languageclient/node';
import { settingsJson } from './config';

/** The files the server analyses: devicetree sources on disk (the server reads includes from disk too). */
/**
 * The documents the server sees: devicetree sources, and the driver sources it can read (C files,
 * Kconfig, .config and defconfig files) so that their open, unsaved text is what the C checks read.
 * The server ignores a C file outside `iommuLens.driverRoots`.
 */
export const DOCUMENT_SELECTOR = [
	{ scheme: 'file', language: 'dts' },
	{ scheme: 'file', language: 'c' },
	{ scheme: 'file', pattern: '**/*.{c,h}' },
	{ scheme: 'file', pattern: '**/{Kconfig,Kconfig.*,.config,*.config,*defconfig}' },
];

/** Restarts after a crash within RESTART_WINDOW_MS before the client gives up. */
export const MAX_RESTARTS = 3;
const RESTART_WINDOW_MS = 3 * 60_000;

export interface ClientHooks {
	/** Called once when the client gives up restarting the server. */
	onGaveUp(message: string): void;
}

/**
 * vscode-languageclient's default handler restarts 4 times and shows its own messages; this one
 * shows one clear message per crash, then one when it stops restarting.
 */
export class CrashHandler implements ErrorHandler {
	private readonly crashes: number[] = [];

	constructor(
		private readonly output: LogOutputChannel,
		private readonly hooks: ClientHooks,
	) {}

	error(error: Error, _message: unknown, count: number | undefined): ErrorHandlerResult {
		// Write errors come before the close that the crash also causes: log them, let `closed` decide.
		this.output.appendLine(`[client] connection error (${count ?? 1}): ${error.message}`);
		return { action: (count ?? 1) <= 3 ? ErrorAction.Continue : ErrorAction.Shutdown, handled: true };
	}

	closed(): CloseHandlerResult {
		const now = Date.now();
		this.crashes.push(now);
		while (this.crashes.length > 0 && now - (this.crashes[0] ?? now) > RESTART_WINDOW_MS) this.crashes.shift();
		if (this.crashes.length <= MAX_RESTARTS) {
			const message = `iommu-lens: the language server stopped unexpectedly; restarting it (${this.crashes.length} of ${MAX_RESTARTS}).`;
			this.output.appendLine(`[client] ${message}`);
			void window.showWarningMessage(message, 'Show Output').then((choice) => {
				if (choice) this.output.show(true);
			});
			return { action: CloseAction.Restart, handled: true };
		}
		const message = `iommu-lens: the language server crashed ${this.crashes.length} times in 3 minutes and was not restarted. See the output, then run "iommu-lens: Restart Server".`;
		this.output.appendLine(`[client] ${message}`);
		this.hooks.onGaveUp(message);
		return { action: CloseAction.DoNotRestart, handled: true };
	}
}

export function createClient(serverModule: string, output: LogOutputChannel, hooks: ClientHooks, middleware: Middleware): LanguageClient {
	const serverOptions: ServerOptions = {
		// --expose-gc: the server collects while the user is idle (server/src/lsp/node-runtime.ts).
		run: { module: serverModule, transport: TransportKind.ipc, options: { execArgv: ['--expose-gc'] } },
		debug: { module: serverModule, transport: TransportKind.ipc, options: { execArgv: ['--expose-gc', '--nolazy', '--inspect=6009'] } },
	};
	const clientOptions: LanguageClientOptions = {
		documentSelector: DOCUMENT_SELECTOR,
		outputChannel: output,
		// The server's own errors go to the output channel; the user hears about them once, from the
		// status bar item and the crash handler, not from a channel that keeps popping up.
		revealOutputChannelOn: RevealOutputChannelOn.Never,
		// The server pulls `iommuLens.*` with workspace/configuration; the initial values also travel
		// in initializationOptions for the first analysis, and changes are pushed. (The server
		// registers its own file watchers.)
		initializationOptions: () => ({ settings: settingsJson() }),
		synchronize: { configurationSection: 'iommuLens' },
		errorHandler: new CrashHandler(output, hooks),
		initializationFailedHandler: (error) => {
			output.appendLine(`[client] the server failed to initialize: ${String(error)}`);
			return false;
		},
		middleware,
	};
	return new LanguageClient('iommuLens', 'iommu-lens', serverOptions, clientOptions);
}
