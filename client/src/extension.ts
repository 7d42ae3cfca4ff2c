/**
 * The VS Code extension: starts the bundled language server (dist/server.js) and connects to it.
 * Everything the user sees comes from the server; this file only wires the two together.
 */
import * as path from 'node:path';
import type { ExtensionContext } from 'vscode';
import { window, workspace } from 'vscode';
import { LanguageClient, TransportKind, type LanguageClientOptions, type ServerOptions } from 'vscode-languageclient/node';

let client: LanguageClient | undefined;

export async function activate(context: ExtensionContext): Promise<void> {
	const serverModule = context.asAbsolutePath(path.join('dist', 'server.js'));
	const serverOptions: ServerOptions = {
		run: { module: serverModule, transport: TransportKind.ipc },
		debug: { module: serverModule, transport: TransportKind.ipc, options: { execArgv: ['--nolazy', '--inspect=6009'] } },
	};
	const clientOptions: LanguageClientOptions = {
		documentSelector: [{ language: 'dts' }],
		outputChannelName: 'iommu-lens',
		// The server pulls `iommuLens.*` with workspace/configuration; the initial values also travel
		// in initializationOptions for the first analysis, and changes are pushed. (The server registers its own
		// file watchers.)
		initializationOptions: { settings: JSON.parse(JSON.stringify(workspace.getConfiguration('iommuLens'))) as unknown },
		synchronize: { configurationSection: 'iommuLens' },
	};
	client = new LanguageClient('iommuLens', 'iommu-lens', serverOptions, clientOptions);
	try {
		await client.start();
	} catch (error) {
		// VS Code does not tell the user when an extension fails to start its server; we do.
		void window.showErrorMessage(`iommu-lens: the language server did not start: ${String(error)}`);
	}
}

export async function deactivate(): Promise<void> {
	await client?.stop();
	client = undefined;
}
