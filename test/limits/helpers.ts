/** Shared helpers of the limit tests: resolve in-memory files with a measured time, find a diagnostic. */
import { expect } from 'vitest';
import { memoryFileSystem, type Diagnostic } from '../../server/src/base/source';
import { createFrontend, type ResolvedBoard } from '../../server/src/model/board';

/** Resolves `board` among `files` (include path `/include`), returning the result and the time taken. */
export function resolveTimed(files: Record<string, string>, board = '/b.dts'): { r: ResolvedBoard; ms: number } {
	const t0 = performance.now();
	const r = createFrontend(memoryFileSystem(files)).resolve(board, { includePaths: ['/include'] });
	return { r, ms: performance.now() - t0 };
}

/** `code@file:line:col` of a diagnostic (0-based), for compact expectations. */
export const at = (d: Diagnostic): string => `${d.code}@${d.span.file}:${d.span.start.line}:${d.span.start.col}`;

/** The diagnostics with `code`, as `at` strings. */
export function placesOf(diags: readonly Diagnostic[], code: string): string[] {
	return diags.filter((d) => d.code === code).map(at);
}

/** Runs `f`, asserting it takes less than `boundMs` (generous: a busy, shared 2-core machine). */
export function within<T>(boundMs: number, f: () => T): T {
	const t0 = performance.now();
	const v = f();
	const ms = performance.now() - t0;
	expect(ms, `took ${Math.round(ms)} ms, bound ${boundMs} ms`).toBeLessThan(boundMs);
	return v;
}
