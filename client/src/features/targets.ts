/** Which file and board a command works on: its argument, else the active devicetree editor's. */
import { Uri, window } from 'vscode';
import type { Ctx } from '../ctx';
import { BuildContextsRequest } from '../protocol';

/** A URI string or an absolute path, as code lenses and tests pass them. */
export function toUri(file: unknown): Uri | undefined {
	if (file instanceof Uri) return file;
	if (typeof file !== 'string' || file === '') return undefined;
	return /^[a-z][a-z0-9+.-]*:/i.test(file) && !/^[a-z]:[\\/]/i.test(file) ? Uri.parse(file) : Uri.file(file);
}

/** The argument, else the active editor's file when it is devicetree. */
export function targetFile(file?: unknown): Uri | undefined {
	const given = toUri(file);
	if (given) return given;
	const doc = window.activeTextEditor?.document;
	return doc && doc.languageId === 'dts' && doc.uri.scheme === 'file' ? doc.uri : undefined;
}

/** The board of the target file's build context (a board is its own). */
export async function currentBoard(ctx: Ctx, file?: unknown): Promise<Uri | undefined> {
	const target = targetFile(file);
	if (!target) return undefined;
	if (/\.(dts|dtso|overlay)$/.test(target.fsPath)) return target;
	if (!ctx.isRunning) return undefined;
	const res = await ctx.runningClient().sendRequest(BuildContextsRequest.type, { textDocument: { uri: target.toString() } });
	return res.current ? Uri.parse(res.current) : undefined;
}
