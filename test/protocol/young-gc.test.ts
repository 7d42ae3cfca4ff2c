/**
 * `Runtime.collectYoung` of the Node runtime: the young generation is collected now (emptied: what
 * survives is promoted), with V8's `gc` when the process has it (`--expose-gc`, as the VS Code client
 * starts the server) and without it (as other editors start `iommu-lens lsp`: the young generation is
 * filled with short-lived arrays, so that V8 collects it).
 */
import { GCProfiler, getHeapSpaceStatistics } from 'node:v8';
import { describe, expect, it } from 'vitest';
import { nodeRuntime } from '../../server/src/lsp/node-runtime';

const youngUsed = (): number => getHeapSpaceStatistics().find((s) => s.space_name === 'new_space')!.space_used_size;

describe('collectYoung', () => {
	it('empties the young generation, whether or not the process has gc', () => {
		const runtime = nodeRuntime({ tuneHeap: true });
		expect(runtime.collectYoung).toBeTypeOf('function');
		// Some garbage and some survivors in the young generation: 100 arrays of 1000 small integers
		// (8 KB each) are kept.
		const kept: number[][] = [];
		for (let i = 0; i < 300; i++) {
			const a = Array.from({ length: 1000 }, (_, k) => k + i);
			if (i % 3 === 0) kept.push(a);
		}
		const before = youngUsed();
		const profiler = new GCProfiler();
		profiler.start();
		runtime.collectYoung!();
		const collections = profiler.stop().statistics.filter((s) => s.gcType === 'Scavenge' || s.gcType.startsWith('Minor'));
		const after = youngUsed();
		console.log(`young generation: ${before} bytes before, ${after} after, ${collections.length} minor collections`);
		expect(before).toBeGreaterThan(1_000_000);
		// Two minor collections: the first moves the survivors within the young generation, the second promotes them.
		expect(collections.length).toBeGreaterThanOrEqual(2);
		// Less than the survivors (800 KB): they are no longer in it.
		expect(after).toBeLessThan(600_000);
		expect(kept.length).toBe(100);
	});
});
