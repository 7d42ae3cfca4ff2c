/**
 * The scenario simulation panel (issue 6): one webview panel per board, showing the topology, the
 * probe timeline, every master's outcome(s) and the diff against the board as written, with what-if
 * controls that re-run `iommuLens/simulate` in place. The webview's own script is media/webview.ts
 * (bundled to dist/webview.js); its state lives in the webview (`getState/setState`), and a
 * WebviewPanelSerializer restores panels after a reload.
 *
 * Messages, webview → host: `ready` {scenario}, `simulate` {scenario}, `reveal` {location},
 * `rendered` {counts, ...}; host → webview: `data`, `simulation`, `scenario` (set the what-ifs), `error`.
 */
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import { buildHtml, makeNonce } from './html';

export const VIEW_TYPE = 'iommuLens.simulation';
/** Test-only: opens the panel for a board and resolves with the webview's first `rendered` message. */
export const TEST_COMMAND = 'iommuLens._testShowSimulationPanel';

interface Location {
	uri: string;
	range: { start: { line: number; character: number }; end: { line: number; character: number } };
}
type Scenario = Record<string, unknown>;
/** The language client, or how to get the current one ("Restart Server" replaces it). */
export type ClientSource = LanguageClient | (() => LanguageClient | undefined);
const current = (c: ClientSource): LanguageClient => {
	const client = typeof c === 'function' ? c() : c;
	if (!client) throw new Error('the iommu-lens language server is not running');
	return client;
};
type FromWebview =
	| { type: 'ready'; scenario?: Scenario; board?: string }
	| { type: 'simulate'; scenario: Scenario }
	| { type: 'reveal'; location: Location }
	| { type: 'rendered'; [k: string]: unknown };

const panels = new Map<string, vscode.WebviewPanel>();
const renderedWaiters = new Map<string, Array<(info: unknown) => void>>();
/** The last `rendered` message of each board's panel (tests read it). */
export const lastRendered = new Map<string, unknown>();

function resourceRoots(context: vscode.ExtensionContext): vscode.Uri[] {
	return [vscode.Uri.joinPath(context.extensionUri, 'dist'), vscode.Uri.joinPath(context.extensionUri, 'media')];
}

function panelOptions(context: vscode.ExtensionContext): vscode.WebviewPanelOptions & vscode.WebviewOptions {
	return { enableScripts: true, localResourceRoots: resourceRoots(context), enableFindWidget: true };
}

/** Opens (or reveals) the simulation panel of `board`. */
export async function showSimulationPanel(context: vscode.ExtensionContext, client: ClientSource, board: vscode.Uri): Promise<void> {
	const key = board.toString();
	const open = panels.get(key);
	if (open) {
		open.reveal(open.viewColumn ?? vscode.ViewColumn.Beside);
		return;
	}
	const panel = vscode.window.createWebviewPanel(VIEW_TYPE, title(board), { viewColumn: vscode.ViewColumn.Beside, preserveFocus: false }, panelOptions(context));
	attach(context, client, panel, board);
}

function title(board: vscode.Uri): string {
	return `Simulate: ${board.path.split('/').pop() ?? board.toString()}`;
}

function attach(context: vscode.ExtensionContext, client: ClientSource, panel: vscode.WebviewPanel, board: vscode.Uri): void {
	const key = board.toString();
	panels.set(key, panel);
	const webview = panel.webview;
	const dist = vscode.Uri.joinPath(context.extensionUri, 'dist');
	webview.html = buildHtml({
		cspSource: webview.cspSource,
		nonce: makeNonce(),
		scriptUri: webview.asWebviewUri(vscode.Uri.joinPath(dist, 'webview.js')).toString(),
		styleUri: webview.asWebviewUri(vscode.Uri.joinPath(dist, 'webview.css')).toString(),
		title: title(board),
	});
	let generation = 0;
	const textDocument = { uri: key };
	const simulate = async (scenario: Scenario): Promise<unknown> => current(client).sendRequest<unknown>('iommuLens/simulate', { textDocument, scenario });
	const post = (msg: unknown) => void webview.postMessage(msg);
	const fail = (error: unknown) => post({ type: 'error', message: error instanceof Error ? error.message : String(error) });
	const subs: vscode.Disposable[] = [];
	subs.push(
		webview.onDidReceiveMessage(async (msg: FromWebview) => {
			const mine = ++generation;
			try {
				if (msg.type === 'ready') {
					const scenario = msg.scenario ?? {};
					const [topology, simulation] = await Promise.all([current(client).sendRequest<unknown>('iommuLens/topology', { textDocument }), simulate(scenario)]);
					if (topology === null) return post({ type: 'error', message: `${board.fsPath} has no build context` });
					post({ type: 'data', board: key, topology, simulation, scenario });
				} else if (msg.type === 'simulate') {
					const simulation = await simulate(msg.scenario ?? {});
					if (mine === generation) post({ type: 'simulation', simulation, scenario: msg.scenario });
				} else if (msg.type === 'reveal') {
					await reveal(msg.location);
				} else if (msg.type === 'rendered') {
					lastRendered.set(key, msg);
					for (const w of renderedWaiters.get(key)?.splice(0) ?? []) w(msg);
				}
			} catch (error) {
				fail(error);
			}
		}),
	);
	panel.onDidDispose(
		() => {
			panels.delete(key);
			for (const s of subs) s.dispose();
		},
		undefined,
		context.subscriptions,
	);
}

async function reveal(loc: Location): Promise<void> {
	const r = loc.range;
	const range = new vscode.Range(r.start.line, r.start.character, r.end.line, r.end.character);
	const doc = await vscode.workspace.openTextDocument(vscode.Uri.parse(loc.uri));
	const editor = await vscode.window.showTextDocument(doc, { viewColumn: vscode.ViewColumn.One, selection: range, preserveFocus: false });
	editor.revealRange(range, vscode.TextEditorRevealType.InCenterIfOutsideViewport);
}

/** Resolves with the next `rendered` message of `board`'s panel. */
export function whenRendered(board: vscode.Uri, timeoutMs = 30_000): Promise<unknown> {
	const key = board.toString();
	return new Promise((resolve, reject) => {
		const timer = setTimeout(() => reject(new Error(`the simulation panel of ${key} did not render within ${timeoutMs} ms`)), timeoutMs);
		renderedWaiters.set(key, [
			...(renderedWaiters.get(key) ?? []),
			(info) => {
				clearTimeout(timer);
				resolve(info);
			},
		]);
	});
}

/**
 * Registers what the panel needs besides `showSimulationPanel`: the serializer that restores panels
 * after a reload (their board travels in the webview state), and the test-only command
 * `iommuLens._testShowSimulationPanel [board, scenario?]` → the webview's `rendered` message (after
 * the scenario's re-run when one is given, set through the webview's own controls path). Call once
 * from `activate()` (and add `onWebviewPanel:iommuLens.simulation` to the activation events so
 * restored panels activate the extension).
 */
export function registerSimulationPanel(context: vscode.ExtensionContext, client: ClientSource): void {
	context.subscriptions.push(
		vscode.window.registerWebviewPanelSerializer(VIEW_TYPE, {
			async deserializeWebviewPanel(panel: vscode.WebviewPanel, state: unknown) {
				const board = (state as { board?: string } | undefined)?.board;
				if (!board) {
					panel.dispose();
					return;
				}
				panel.webview.options = panelOptions(context);
				attach(context, client, panel, vscode.Uri.parse(board));
			},
		}),
		vscode.commands.registerCommand(TEST_COMMAND, async (board?: vscode.Uri | string, scenario?: Record<string, unknown>) => {
			const uri = typeof board === 'string' ? (board.includes(':') && !board.startsWith('/') ? vscode.Uri.parse(board) : vscode.Uri.file(board)) : (board ?? vscode.window.activeTextEditor?.document.uri);
			if (!uri) throw new Error(`${TEST_COMMAND}: no board`);
			const key = uri.toString();
			const existing = panels.get(key);
			const first = existing ? Promise.resolve(lastRendered.get(key)) : whenRendered(uri);
			await showSimulationPanel(context, client, uri);
			let info = await first;
			if (scenario) {
				const next = whenRendered(uri);
				await panels.get(key)?.webview.postMessage({ type: 'scenario', scenario });
				info = await next;
			}
			return info;
		}),
	);
}
