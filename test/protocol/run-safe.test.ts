/** `runSafe`: never throws, logs, answers the default; a cancelled request answers RequestCancelled. */
import { describe, expect, it } from 'vitest';
import { CancellationTokenSource, LSPErrorCodes, ResponseError } from 'vscode-languageserver';
import { runSafe } from '../../server/src/lsp/run-safe';

describe('runSafe', () => {
	it('returns the value', async () => {
		expect(await runSafe(() => undefined, () => 42, 0, 'x')).toBe(42);
	});
	it('logs a throwing or rejecting handler and answers the fallback', async () => {
		const logs: string[] = [];
		expect(await runSafe((m) => logs.push(m), () => { throw new Error('boom'); }, 'fallback', 'hover')).toBe('fallback');
		expect(await runSafe((m) => logs.push(m), () => Promise.reject(new Error('later')), [], 'definition')).toEqual([]);
		expect(logs[0]).toMatch(/^iommu-lens: hover: Error: boom/);
		expect(logs[1]).toMatch(/^iommu-lens: definition: Error: later/);
	});
	it('answers RequestCancelled when the request was cancelled', async () => {
		const source = new CancellationTokenSource();
		source.cancel();
		let ran = false;
		const res = await runSafe(() => undefined, () => (ran = true), null, 'x', source.token);
		expect(res).toBeInstanceOf(ResponseError);
		expect((res as ResponseError<void>).code).toBe(LSPErrorCodes.RequestCancelled);
		expect(ran).toBe(false);
	});
});
