/**
 * The VS Code extension: activate() builds the Ctx (output channel, status bar item, language
 * client), registers the commands and starts the bundled language server (dist/server.js).
 * Everything about devicetree comes from the server; the client wires it to the editor.
 */
import { commands, window, type Event, type ExtensionContext } from 'vscode';
import { COMMAND_IDS, commandMiddleware, registerCommands, type ResultViews } from './commands';
import { Ctx } from './ctx';
import { ReportDocuments } from './features/report-documents';
import { registerSimulationPanel } from './webview/panel';
import type { StatusSnapshot } from './status';

/** What activate() returns: used by the end-to-end tests (test/e2e/suite). */
export interface IommuLensApi {
	commands: readonly string[];
	status(): StatusSnapshot;
	onDidChangeStatus: Event<StatusSnapshot>;
	serverRunning(): boolean;
	/** The last result document shown (simulation, topology, DMA path). */
	lastReport(): { uri: string; text: string } | undefined;
}

let ctx: Ctx | undefined;

export async function activate(context: ExtensionContext): Promise<IommuLensApi> {
	try {
		return await activateUnsafe(context);
	} catch (error) {
		// VS Code does not tell the user when an extension fails to activate; we do (as rust-analyzer does).
		void window.showErrorMessage(`iommu-lens failed to activate: ${error instanceof Error ? error.message : String(error)}`);
		throw error;
	}
}

async function activateUnsafe(context: ExtensionContext): Promise<IommuLensApi> {
	const c = new Ctx(context);
	ctx = c;
	context.subscriptions.push(c);
	const reports = new ReportDocuments();
	c.pushCleanup(reports);
	const views: ResultViews = {};
	c.setMiddleware(commandMiddleware(c, reports, views));
	registerCommands(c);
	registerSimulationPanel(context, () => c.currentClient());
	const api: IommuLensApi = {
		commands: COMMAND_IDS,
		status: () => c.status.snapshot(),
		onDidChangeStatus: c.status.onDidChange,
		serverRunning: () => c.isRunning,
		lastReport: () => (views.lastReport ? { uri: views.lastReport.uri.toString(), text: views.lastReport.text } : undefined),
	};
	try {
		await c.start();
	} catch (error) {
		// The extension stays active (restart, output) when only the server failed to start.
		const message = `iommu-lens: the language server did not start: ${error instanceof Error ? error.message : String(error)}`;
		c.output.appendLine(`[client] ${message}`);
		void window.showErrorMessage(message, 'Show Output', 'Restart Server').then((choice) => {
			if (choice === 'Show Output') c.output.show(true);
			else if (choice === 'Restart Server') void commands.executeCommand('iommuLens.restartServer');
		});
	}
	return api;
}

export async function deactivate(): Promise<void> {
	await ctx?.stop();
	ctx = undefined;
}
