/**
 * The command table. The server executes iommuLens.simulate, .topology and .showDmaPath
 * (`workspace/executeCommand`, registered by vscode-languageclient from the server's capabilities; the
 * code lenses run them): the middleware here fills in what the palette does not pass (the active file,
 * the master) and shows the result: the simulation panel (client/src/webview/panel.ts, with its own
 * what-if controls) for the board, or a markdown report for an explicit scenario, an IOMMU's masters
 * or one master's DMA path. Every one of them returns the server's result. The other commands are the
 * client's own.
 */
import * as path from 'node:path';
import { Uri, commands, window, workspace } from 'vscode';
import type { ExecuteCommandSignature, Middleware } from 'vscode-languageclient/node';
import type { Ctx } from './ctx';
import { exportReport, type ExportArgs } from './features/export-report';
import { pickBuildContext, pickKernel } from './features/pickers';
import { renderDmaPath, renderSimulation } from './features/render';
import { ReportDocuments } from './features/report-documents';
import { targetFile } from './features/targets';
import { boardName } from './status';
import { Commands, type DmaPathResult, type ScenarioParams, type SimulateResult, type TopologyResult } from './protocol';
import { showSimulationPanel } from './webview/panel';

/** Every command the extension contributes (package.json `contributes.commands` lists the same). */
export const COMMAND_IDS = [
	Commands.simulate,
	Commands.topology,
	Commands.showDmaPath,
	'iommuLens.pickBuildContext',
	'iommuLens.pickKernel',
	'iommuLens.restartServer',
	'iommuLens.exportReport',
	'iommuLens.showOutput',
] as const;

/** Runs a command body; a failure is shown once and logged, and the command returns undefined. */
async function guarded<T>(ctx: Ctx, what: string, body: () => Promise<T>): Promise<T | undefined> {
	try {
		return await body();
	} catch (error) {
		const message = error instanceof Error ? error.message : String(error);
		ctx.output.appendLine(`[client] ${what}: ${message}`);
		void window.showErrorMessage(`iommu-lens: ${what}: ${message}`);
		return undefined;
	}
}

export interface ResultViews {
	/** The last report document shown, for the tests. */
	lastReport?: { uri: Uri; text: string };
}

export function commandMiddleware(ctx: Ctx, reports: ReportDocuments, views: ResultViews): Middleware {
	const base = (file: Uri): string | undefined => workspace.getWorkspaceFolder(file)?.uri.fsPath;
	const show = async (name: string, markdown: string): Promise<void> => {
		const uri = await reports.show(name, markdown);
		views.lastReport = { uri, text: markdown };
	};
	return {
		executeCommand: (command: string, args: unknown[], next: ExecuteCommandSignature) =>
			guarded(ctx, command.replace(/^iommuLens\./, ''), async () => {
				const file = targetFile(args[0]);
				if (!file) throw new Error('open a devicetree file first (or pass one as the first argument)');
				const where = file.toString();
				if (command === Commands.simulate) {
					// [file] (the palette, the "Simulate probe order" lens) opens the panel; [file, scenario]
					// and [file, iommuPath] (an IOMMU's lens) are answered with a report.
					const what = args[1];
					const res = (await next(command, what === undefined ? [where] : [where, what])) as SimulateResult | null;
					if (!res) throw new Error(`no board includes ${path.basename(file.fsPath)}`);
					if (what === undefined) await showSimulationPanel(ctx.extension, () => ctx.currentClient(), Uri.parse(res.context));
					else {
						const title = typeof what === 'string' ? `masters of ${what}` : ((what as ScenarioParams).name ?? 'scenario');
						await show(`simulation ${boardName(res.context)} ${title}`, renderSimulation(res, base(file)) + (typeof what === 'string' ? `\nOnly the masters behind \`${what}\`.\n` : ''));
					}
					return res;
				}
				if (command === Commands.topology) {
					const res = (await next(command, [where])) as TopologyResult | null;
					if (!res) throw new Error(`no board includes ${path.basename(file.fsPath)}`);
					await showSimulationPanel(ctx.extension, () => ctx.currentClient(), Uri.parse(res.context));
					return res;
				}
				if (command === Commands.showDmaPath) {
					let master = typeof args[1] === 'string' ? args[1] : undefined;
					if (!master) {
						const sim = (await next(Commands.simulate, [where])) as SimulateResult | null;
						if (!sim) throw new Error(`no board includes ${path.basename(file.fsPath)}`);
						const pick = await window.showQuickPick(sim.masters.map((m) => ({ label: m.path, description: m.outcome })), { title: 'iommu-lens: DMA path of which master?' });
						if (!pick) return undefined;
						master = pick.label;
					}
					const res = (await next(command, [where, master])) as DmaPathResult | null;
					if (!res) throw new Error(`no board includes ${path.basename(file.fsPath)}`);
					await show(`dma path ${master}`, renderDmaPath(res, master, base(file)));
					return res;
				}
				return next(command, args);
			}),
	};
}

export function registerCommands(ctx: Ctx): void {
	const register = (id: string, body: (...args: unknown[]) => Promise<unknown>): void => {
		ctx.pushCleanup(commands.registerCommand(id, (...args: unknown[]) => guarded(ctx, id.replace(/^iommuLens\./, ''), () => body(...args))));
	};
	register('iommuLens.pickBuildContext', (...args) => pickBuildContext(ctx, ...args));
	register('iommuLens.pickKernel', (version) => pickKernel(ctx, version));
	register('iommuLens.restartServer', async () => {
		await ctx.restart();
		return ctx.isRunning;
	});
	register('iommuLens.exportReport', (args) => exportReport(ctx, (args ?? {}) as ExportArgs));
	register('iommuLens.showOutput', async () => ctx.output.show(true));
}
