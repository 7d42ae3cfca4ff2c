/**
 * The status bar item (build context, kernel version and era, server state, from `iommuLens/status`;
 * a click opens the build context picker), the progress notification of a long analysis (one still
 * running after PROGRESS_DELAY_MS, typically a board's first scan) and the one-time display of
 * settings errors.
 */
import * as path from 'node:path';
import { EventEmitter, MarkdownString, ProgressLocation, Uri, StatusBarAlignment, ThemeColor, commands, window, type Disposable, type StatusBarItem, type TextEditor } from 'vscode';
import { State } from 'vscode-languageclient/node';
import type { Ctx } from './ctx';
import { BuildContextsRequest, type BuildContextReason, type StatusParams } from './protocol';

export const PROGRESS_DELAY_MS = 1000;
/** A progress notification never outlives this, even when the server never says "ready". */
const PROGRESS_MAX_MS = 10 * 60_000;

interface ProgressEntry {
	timer?: ReturnType<typeof setTimeout> | undefined;
	done?: () => void;
	ended: boolean;
}

/** The file name of a board URI. */
export const boardName = (uri: string): string => path.basename(Uri.parse(uri).fsPath);

const REASONS: Record<BuildContextReason, string> = {
	self: 'the board itself',
	setting: 'the `iommuLens.buildContext` setting',
	user: 'picked by you',
	'open-board': 'an open board that includes this file',
	nearest: 'the nearest board that includes this file',
	none: 'no board includes this file',
};

/** What the status bar shows; also returned by the extension's API for the end-to-end tests. */
export interface StatusSnapshot {
	text: string;
	tooltip: string;
	state: 'starting' | 'analysing' | 'ready' | 'error' | 'stopped';
	context?: string;
	kernel?: string;
	era?: string;
}

export class ServerStatus implements Disposable {
	private readonly item: StatusBarItem;
	private readonly disposables: Disposable[] = [];
	private client: State = State.Stopped;
	private gaveUpMessage: string | undefined;
	/** The last status per build context (board URI), and the last one overall. */
	private readonly byContext = new Map<string, StatusParams>();
	private last: StatusParams | undefined;
	/** The build context of the active editor's file (asked when the editor changes). */
	private activeContext: { file: string; context?: string; reason: BuildContextReason } | undefined;
	private readonly progress = new Map<string, ProgressEntry>();
	private readonly shownErrors = new Set<string>();
	private readonly changed = new EventEmitter<StatusSnapshot>();
	/** Fires after every change of what the item shows. */
	readonly onDidChange = this.changed.event;

	constructor(private readonly ctx: Ctx) {
		this.item = window.createStatusBarItem('iommuLens.status', StatusBarAlignment.Left, 10);
		this.item.name = 'iommu-lens';
		this.item.command = 'iommuLens.pickBuildContext';
		this.disposables.push(this.item, this.changed, window.onDidChangeActiveTextEditor((e) => this.activeEditorChanged(e)));
		this.render();
	}

	clientState(state: State): void {
		this.client = state;
		if (state === State.Running) this.gaveUpMessage = undefined;
		if (state === State.Running) this.activeEditorChanged(window.activeTextEditor);
		if (state !== State.Running) this.endAllProgress();
		this.render();
	}

	gaveUp(message: string): void {
		this.gaveUpMessage = message;
		this.render();
		void window.showErrorMessage(message, 'Restart Server', 'Show Output').then((choice) => {
			if (choice === 'Restart Server') void commands.executeCommand('iommuLens.restartServer');
			else if (choice === 'Show Output') this.ctx.output.show(true);
		});
	}

	update(params: StatusParams): void {
		this.last = params;
		if (params.context) this.byContext.set(params.context, params);
		if (params.uri && params.uri === window.activeTextEditor?.document.uri.toString()) {
			this.activeContext = { file: params.uri, ...(params.context ? { context: params.context } : {}), reason: params.reason ?? this.activeContext?.reason ?? 'none' };
		}
		if (params.context) {
			if (params.state === 'analysing') this.startProgress(params.context);
			else this.endProgress(params.context);
		}
		if (params.state === 'error' && params.message && !this.shownErrors.has(params.message)) {
			// Shown once per distinct message: a broken setting must not bring it back at every keystroke.
			this.shownErrors.add(params.message);
			void window.showErrorMessage(`iommu-lens: ${params.message}`, 'Open Settings', 'Show Output').then((choice) => {
				if (choice === 'Open Settings') void commands.executeCommand('workbench.action.openSettings', 'iommuLens');
				else if (choice === 'Show Output') this.ctx.output.show(true);
			});
			this.ctx.output.appendLine(`[server] ${params.message}`);
		}
		this.render();
	}

	/** Asks the server again for the active editor's build context (after the user picked one). */
	refresh(): void {
		this.activeEditorChanged(window.activeTextEditor);
	}

	snapshot(): StatusSnapshot {
		const tooltip = this.item.tooltip;
		return {
			text: this.item.text,
			tooltip: typeof tooltip === 'string' ? tooltip : (tooltip?.value ?? ''),
			...this.view(),
		};
	}

	private view(): Omit<StatusSnapshot, 'text' | 'tooltip'> {
		const context = this.activeContext?.context ?? this.last?.context;
		const params = (context ? this.byContext.get(context) : undefined) ?? this.last;
		const base = { ...(context ? { context } : {}), ...(params?.kernel ? { kernel: params.kernel } : {}), ...(params?.era ? { era: params.era } : {}) };
		if (this.client !== State.Running) return { state: this.client === State.Starting ? 'starting' : 'stopped', ...base };
		// "analysing" without a context is sent when a file no board includes is opened: nothing runs.
		const state = params?.state === 'analysing' && !params.context ? 'ready' : (params?.state ?? 'starting');
		return { state, ...base };
	}

	private render(): void {
		const v = this.view();
		const board = v.context ? boardName(v.context) : undefined;
		const kernel = v.kernel ? ` · ${v.kernel}` : '';
		const icon = { starting: '$(loading~spin)', analysing: '$(sync~spin)', ready: '$(circuit-board)', error: '$(error)', stopped: '$(debug-disconnect)' }[v.state];
		const noBoard = this.activeContext && !this.activeContext.context ? 'no board' : 'iommu-lens';
		this.item.text = `${icon} ${board ?? noBoard}${kernel}`;
		const md = new MarkdownString(undefined, true);
		md.appendMarkdown('**iommu-lens**\n\n');
		if (this.gaveUpMessage) md.appendMarkdown(`${this.gaveUpMessage}\n\n`);
		md.appendMarkdown(`- Server: ${v.state}${this.last?.elapsedMs !== undefined && v.state === 'ready' ? ` (last analysis ${this.last.elapsedMs} ms)` : ''}\n`);
		if (board) md.appendMarkdown(`- Build context: \`${board}\`${this.activeContext?.reason ? ` (${REASONS[this.activeContext.reason]})` : ''}\n`);
		else if (this.activeContext) md.appendMarkdown(`- Build context: none (${REASONS.none})\n`);
		if (v.kernel) md.appendMarkdown(`- Kernel: ${v.kernel}${v.era ? ` (${v.era} era)` : ''}\n`);
		md.appendMarkdown('\nClick to pick the build context or the kernel version.');
		this.item.tooltip = md;
		this.item.backgroundColor = v.state === 'error' || v.state === 'stopped' ? new ThemeColor('statusBarItem.errorBackground') : undefined;
		const editor = window.activeTextEditor;
		if (editor?.document.languageId === 'dts' || v.state === 'error' || this.gaveUpMessage) this.item.show();
		else this.item.hide();
		this.changed.fire(this.snapshot());
	}

	private activeEditorChanged(editor: TextEditor | undefined): void {
		this.render();
		if (!editor || editor.document.languageId !== 'dts' || editor.document.uri.scheme !== 'file' || !this.ctx.isRunning) return;
		const uri = editor.document.uri.toString();
		void (async () => {
			try {
				const res = await this.ctx.runningClient().sendRequest(BuildContextsRequest.type, { textDocument: { uri } });
				if (window.activeTextEditor?.document.uri.toString() !== uri) return;
				this.activeContext = { file: uri, ...(res.current ? { context: res.current } : {}), reason: res.reason };
				this.render();
			} catch (error) {
				this.ctx.output.appendLine(`[client] build context of ${uri}: ${String(error)}`);
			}
		})();
	}

	private startProgress(context: string): void {
		if (this.progress.has(context)) return;
		const entry: ProgressEntry = { ended: false };
		this.progress.set(context, entry);
		entry.timer = setTimeout(() => {
			entry.timer = undefined;
			void window.withProgress({ location: ProgressLocation.Notification, title: `iommu-lens: analysing ${boardName(context)}…` }, () =>
				new Promise<void>((resolve) => {
					if (entry.ended) {
						resolve();
						return;
					}
					const cap = setTimeout(() => this.endProgress(context), PROGRESS_MAX_MS);
					entry.done = () => {
						clearTimeout(cap);
						resolve();
					};
				}),
			);
		}, PROGRESS_DELAY_MS);
	}

	private endProgress(context: string): void {
		const entry = this.progress.get(context);
		if (!entry) return;
		this.progress.delete(context);
		entry.ended = true;
		if (entry.timer) clearTimeout(entry.timer);
		entry.done?.();
	}

	private endAllProgress(): void {
		for (const context of [...this.progress.keys()]) this.endProgress(context);
	}

	dispose(): void {
		this.endAllProgress();
		for (const d of this.disposables.splice(0)) d.dispose();
	}
}
