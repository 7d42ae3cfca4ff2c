/** Which files `iommu-lens check DIR` takes as boards, per tree layout (server/src/cli/scan.ts). */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { findBoards, JobQueue } from '../../server/src/cli/scan';

function tree(files: string[]): string {
	const root = mkdtempSync(join(tmpdir(), 'iommu-lens-scan-'));
	for (const f of files) {
		mkdirSync(dirname(join(root, f)), { recursive: true });
		if (!f.endsWith('/')) writeFileSync(join(root, f), '/dts-v1/;\n/ { };\n');
	}
	return root;
}
const found = (root: string): string[] => findBoards(root).map((f) => relative(root, f));

describe('findBoards', () => {
	it('takes arch/*/boot/dts of a kernel tree, nothing else', () => {
		const root = tree(['include/dt-bindings/x.h', 'scripts/dtc/include-prefixes/', 'arch/arm64/boot/dts/vendor/b.dts', 'arch/arm64/boot/dts/vendor/a.dts', 'arch/arm64/boot/dts/vendor/soc.dtsi', 'arch/riscv/boot/dts/c.dts', 'arch/x86/kernel/foo.dts', 'scripts/dtc/tests/t.dts', 'Documentation/devicetree/ex.dts']);
		expect(found(root)).toEqual(['arch/arm64/boot/dts/vendor/a.dts', 'arch/arm64/boot/dts/vendor/b.dts', 'arch/riscv/boot/dts/c.dts']);
	});

	it('takes src/ of a devicetree-rebasing tree', () => {
		const root = tree(['include/dt-bindings/x.h', 'src/arm64/v/a.dts', 'src/arm/b.dts', 'Bindings/ex.dts']);
		expect(found(root)).toEqual(['src/arm/b.dts', 'src/arm64/v/a.dts']);
	});

	it('takes every .dts below any other folder, skipping hidden folders and node_modules', () => {
		const root = tree(['boards/x.dts', 'boards/x.dtsi', 'boards/y.dtso', 'z.dts', '.git/q.dts', 'node_modules/p/q.dts']);
		expect(found(root)).toEqual(['boards/x.dts', 'z.dts']);
	});
});

describe('JobQueue (the order boards go to workers)', () => {
	/** Hands out every job with `workers` workers taking turns in `order`; returns each worker's jobs. */
	const drain = (count: number, workers: number, order: number[]): number[][] => {
		const q = new JobQueue(count, workers);
		const got: number[][] = Array.from({ length: workers }, () => []);
		for (let turn = 0; ; turn++) {
			const w = order[turn % order.length]!;
			const j = q.take(w);
			if (j === undefined) {
				if (got.flat().length === count) break;
				continue;
			}
			got[w]!.push(j);
		}
		return got;
	};

	it('gives each worker a contiguous run of the sorted boards, every board once', () => {
		const got = drain(10, 2, [0, 1]);
		expect(got).toEqual([
			[0, 1, 2, 3, 4],
			[5, 6, 7, 8, 9],
		]);
	});

	it('lets a fast worker take the last boards of the slow worker’s run', () => {
		// Worker 0 asks three times as often as worker 1.
		const got = drain(12, 2, [0, 0, 0, 1]);
		expect(got[0]!.slice(0, 6)).toEqual([0, 1, 2, 3, 4, 5]);
		expect(got[0]!.slice(6)).toEqual([11, 10, 9]);
		expect(got[1]).toEqual([6, 7, 8]);
		expect([...got[0]!, ...got[1]!].sort((a, b) => a - b)).toEqual([...Array(12).keys()]);
	});

	it('copes with more workers than boards and with no boards', () => {
		expect(drain(2, 4, [0, 1, 2, 3]).flat().sort()).toEqual([0, 1]);
		expect(new JobQueue(0, 2).take(0)).toBeUndefined();
	});
});
