/**
 * `Runtime.collectYoung` of the Node runtime: the young generation is collected now (emptied: what
 * survives is promoted), with V8's `gc` when the process has it (`--expose-gc`, as the VS Code client
 * starts the server) and without it (as other editors start `iommu-lens lsp`: the young generation is
 * filled with short-lived arrays, so that V8 collects it).
 */
import { getHeapSpaceStatistics } from 'node:v8';
import { describe, expect, it } from 'vitest';
import { nodeRuntime } from '../../server/src/lsp/node-runtime';

const youngUsed = (): number => getHeapSpaceStatistics().find((s) => s.space_name === 'new_space')!.space_used_size;

describe('collectYoung', () => {
	it('empties the young generation, whether or not the process has gc', () => {
		const runtime = nodeRuntime({ tuneHeap: true });
		expect(runtime.collectYoung).toBeTypeOf('function');
		// Some garbage and some survivors in the young generation (a few MB, less than it holds).
		const kept: number[][] = [];
		for (let i = 0; i < 300; i++) {
			const a = Array.from({ length: 1000 }, (_, k) => k + i);
			if (i % 3 === 0) kept.push(a);
		}
		const before = youngUsed();
		runtime.collectYoung!();
		const after = youngUsed();
		expect(before).toBeGreaterThan(1_000_000);
		expect(after).toBeLessThan(before / 4);
		expect(kept.length).toBe(100);
	});
});
