/**
 * The build context picker (`iommuLens/buildContexts` → QuickPick → `iommuLens/setBuildContext`; also
 * the status bar item's menu) and the kernel version picker (writes `iommuLens.kernel`). Both take
 * their choice as arguments too, which skips the UI (tests, keybindings).
 */
import * as path from 'node:path';
import { ConfigurationTarget, QuickPickItemKind, Uri, commands, window, workspace, type QuickPickItem } from 'vscode';
import type { Ctx } from '../ctx';
import { KERNEL_ERAS, NEWEST_KERNEL, eraOfVersion } from '../kernels';
import { BuildContextsRequest, SetBuildContextRequest, type BuildContextsResult } from '../protocol';
import { boardName } from '../status';
import { targetFile, toUri } from './targets';

interface Choice extends QuickPickItem {
	run?: () => Promise<unknown>;
}

const separator = (label: string): Choice => ({ label, kind: QuickPickItemKind.Separator });

/** Sets (or, with null, resets to automatic) the build context of `file`, remembering it across restarts. */
export async function setBuildContext(ctx: Ctx, file: Uri, context: string | null): Promise<BuildContextsResult> {
	const board = context === null ? null : (toUri(context)?.toString() ?? context);
	const res = await ctx.runningClient().sendRequest(SetBuildContextRequest.type, { textDocument: { uri: file.toString() }, context: board });
	await ctx.rememberContext(file, board);
	ctx.output.appendLine(`[client] build context of ${file.fsPath}: ${res.current ? Uri.parse(res.current).fsPath : 'none'} (${res.reason})`);
	ctx.status.refresh();
	return res;
}

/**
 * `iommuLens.pickBuildContext [file [context]]`: with both arguments (context: a board URI or path, or
 * null for automatic), sets it and returns the server's answer; otherwise shows the picker.
 */
export async function pickBuildContext(ctx: Ctx, ...args: unknown[]): Promise<BuildContextsResult | undefined> {
	const file = targetFile(args[0]);
	if (file && args.length >= 2) return setBuildContext(ctx, file, args[1] === null || args[1] === undefined ? null : String(args[1]));

	const items: Choice[] = [];
	let title = 'iommu-lens';
	if (file && ctx.isRunning) {
		const res = await ctx.runningClient().sendRequest(BuildContextsRequest.type, { textDocument: { uri: file.toString() } });
		title = `iommu-lens: build context of ${path.basename(file.fsPath)}`;
		if (res.reason === 'self') {
			items.push({ label: `$(circuit-board) ${path.basename(file.fsPath)}`, description: 'a board is its own build context' });
		} else {
			items.push(separator('Build context'));
			const automatic = res.reason !== 'user';
			items.push({
				label: `${automatic ? '$(check)' : '$(blank)'} Automatic`,
				description: res.reason === 'setting' ? 'the iommuLens.buildContext setting' : 'an open board that includes this file, else the nearest',
				run: () => setBuildContext(ctx, file, null),
			});
			for (const c of res.candidates) {
				const current = !automatic && c.uri === res.current;
				items.push({
					label: `${current ? '$(check)' : '$(blank)'} ${boardName(c.uri)}`,
					description: workspace.asRelativePath(Uri.parse(c.uri), true),
					detail: `includes it at depth ${c.depth}${c.uri === res.current && automatic ? ' · the automatic choice now' : ''}`,
					run: () => setBuildContext(ctx, file, c.uri),
				});
			}
			if (res.candidates.length === 0) items.push({ label: '$(info) No board includes this file', description: 'the analysis needs a .dts that includes it' });
		}
	}
	const kernel = workspace.getConfiguration('iommuLens').get<string>('kernel') || '';
	const shown = kernel || NEWEST_KERNEL;
	items.push(
		separator('More'),
		{ label: `$(versions) Kernel version: ${shown}${kernel ? '' : ' (newest)'}`, description: eraOfVersion(shown) ? `${eraOfVersion(shown)} era` : '', run: () => pickKernel(ctx) },
		{ label: '$(debug-restart) Restart Server', run: async () => commands.executeCommand('iommuLens.restartServer') },
		{ label: '$(output) Show Output', run: async () => ctx.output.show(true) },
	);
	const choice = await window.showQuickPick(items, { title, placeHolder: 'Pick the board this file is analysed in' });
	await choice?.run?.();
	return undefined;
}

/** `iommuLens.pickKernel [version]`: sets `iommuLens.kernel` (`''`: the newest); returns the new value. */
export async function pickKernel(ctx: Ctx, version?: unknown): Promise<string | undefined> {
	let value: string | undefined;
	if (typeof version === 'string') {
		if (version !== '' && !eraOfVersion(version)) throw new Error(`not a kernel version X.Y: ${JSON.stringify(version)}`);
		value = version;
	} else {
		const current = workspace.getConfiguration('iommuLens').get<string>('kernel') || '';
		const mark = (v: string): string => (v === current ? '$(check)' : '$(blank)');
		const items: Array<QuickPickItem & { version?: string }> = [{ label: `${mark('')} Newest (${NEWEST_KERNEL})`, description: 'the default', version: '' }];
		for (const era of KERNEL_ERAS) {
			items.push({ label: `${era.era} era`, kind: QuickPickItemKind.Separator });
			for (const v of era.versions) items.push({ label: `${mark(v)} ${v}`, description: v === era.versions[0] ? era.title : '', version: v });
		}
		items.push({ label: '', kind: QuickPickItemKind.Separator }, { label: '$(edit) Other version…' });
		const choice = await window.showQuickPick(items, { title: 'iommu-lens: kernel version to emulate', placeHolder: `now ${current || `${NEWEST_KERNEL} (newest)`}` });
		if (!choice) return undefined;
		value =
			choice.version ??
			(await window.showInputBox({
				title: 'iommu-lens: kernel version',
				prompt: 'MAJOR.MINOR, e.g. 5.10',
				value: current,
				validateInput: (v) => (v === '' || eraOfVersion(v) ? undefined : 'expected MAJOR.MINOR such as 5.10 or 6.1'),
			}));
		if (value === undefined) return undefined;
	}
	const target = workspace.workspaceFolders?.length ? ConfigurationTarget.Workspace : ConfigurationTarget.Global;
	await workspace.getConfiguration('iommuLens').update('kernel', value, target);
	ctx.output.appendLine(`[client] iommuLens.kernel = ${JSON.stringify(value)}`);
	return value;
}
