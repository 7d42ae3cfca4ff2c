/**
 * Every request handler runs through `runSafe`: a cancelled request answers its default, a throwing
 * feature is logged and answers its default. Handlers never throw (house style §2b, from
 * vscode-css-languageservice's runner.ts).
 */
import { LSPErrorCodes, ResponseError, type CancellationToken } from 'vscode-languageserver';

export type Log = (message: string) => void;

export const formatError = (what: string, error: unknown): string =>
	`iommu-lens: ${what}: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`;

export function runSafe<T, D>(log: Log, fn: () => T | Promise<T>, fallback: D, what: string, token?: CancellationToken): Promise<T | D | ResponseError<void>> {
	return new Promise((resolve) => {
		setImmediate(() => {
			if (token?.isCancellationRequested) {
				resolve(new ResponseError(LSPErrorCodes.RequestCancelled, 'cancelled'));
				return;
			}
			try {
				Promise.resolve(fn()).then(
					(value) => resolve(token?.isCancellationRequested ? new ResponseError(LSPErrorCodes.RequestCancelled, 'cancelled') : value),
					(error: unknown) => {
						log(formatError(what, error));
						resolve(fallback);
					},
				);
			} catch (error) {
				log(formatError(what, error));
				resolve(fallback);
			}
		});
	});
}
