/**
 * The emulator on adversarial trees: thousands of IOMMUs referencing each other in a cycle, buses
 * nested to the front-end's depth limit, self-referencing phandles. Every check and the probe
 * simulation finish in bounded time, and no check crashes (a crash would be a `plugin-crashed` item).
 */
import { describe, expect, it } from 'vitest';
import { probe, scenario as scenarios } from '../../emulator/src';
import { runChecks } from '../../emulator/src/checks';
import { claimComparisons, claimPairs, topologyFor } from '../../emulator/src/iommu/check-support';
import { memoryFileSystem } from '../../server/src/base/source';
import { MAX_NODE_DEPTH } from '../../server/src/dts';
import type { DtTree } from '../../server/src/dts/types';
import { analyseBoard } from '../../server/src/model/analysis';
import { createFrontend } from '../../server/src/model/board';
import { toDtView } from '../../server/src/model/dtview';
import { within } from './helpers';

const analyse = (text: string) => analyseBoard(createFrontend(memoryFileSystem({ '/b.dts': text })), '/b.dts', { includePaths: [] });
const ids = (items: ReadonlyArray<{ id: string }>): Record<string, number> => {
	const out: Record<string, number> = {};
	for (const i of items) out[i.id] = (out[i.id] ?? 0) + 1;
	return out;
};

/** A generated SoC: `n` masters behind one MMU-500, masters 2k and 2k+1 sharing stream ID k (n/2 stream-shared pairs). */
function manyMasters(n: number): string {
	const masters = Array.from({ length: n }, (_, i) => `m${i}: dev@${(0x100000 + i * 0x1000).toString(16)} { compatible = "vendor,dev"; reg = <${0x100000 + i * 0x1000} 0x1000>; iommus = <&smmu ${i >> 1}>; };`);
	return `/dts-v1/;\n/ {\n#address-cells = <1>;\n#size-cells = <1>;\nsmmu: iommu@f0000000 { compatible = "arm,mmu-500"; reg = <0xf0000000 0x10000>; #iommu-cells = <1>; #global-interrupts = <1>; interrupts = <0 1 4>; };\n${masters.join('\n')}\n};\n`;
}

/** The emulator's part of an analysis (probe simulation and every check) on a fresh view of `tree`: what grew quadratically. */
function emulate(tree: DtTree): number {
	const view = toDtView(tree);
	const scenario = { kernel: probe.formatKernelVersion(probe.NEWEST_KERNEL) };
	const simulation = scenarios.runScenario(view, scenario);
	return runChecks({ view, scenario, simulation }).length;
}

describe('emulator limits', () => {
	it('masters on one SMMU: the pairwise stream relations compare only masters whose stream IDs can match (a linear count; it was every pair)', () => {
		for (const n of [1000, 4000]) {
			const a = analyse(manyMasters(n));
			const t = topologyFor({ view: a.view });
			// n/2 pairs share a stream ID: exactly those pairs are compared, none across different IDs (n²/2 before).
			expect(claimPairs(t).filter((p) => p.relation === 'identical')).toHaveLength(n / 2);
			expect(claimComparisons(t)).toBe(n / 2);
			expect(ids(a.items)['stream-shared']).toBe(n / 2);
			expect(ids(a.items)['plugin-crashed']).toBeUndefined();
		}
	});

	it('masters on one SMMU: 4x the masters cost about 4x the emulator time, not 16x (3000 masters took 9 s when it was quadratic)', () => {
		// A ratio of the same work at two sizes, each the fastest of three runs (the machine is shared):
		// linear growth gives about 4, quadratic 16; the bound leaves room for noise either way.
		const best = (tree: DtTree): number => {
			let min = Infinity;
			for (let i = 0; i < 3; i++) {
				const t0 = performance.now();
				emulate(tree);
				min = Math.min(min, performance.now() - t0);
			}
			return min;
		};
		const small = analyse(manyMasters(1000)).board.tree;
		const large = analyse(manyMasters(4000)).board.tree;
		emulate(small); // warm the JIT on the smaller size so that it is not charged to one side only
		const ratio = best(large) / best(small);
		expect(ratio, `4000 masters took ${ratio.toFixed(1)}x the time of 1000`).toBeLessThan(8);
	});

	it('2000 SMMUs each a master of the next (a cycle) are analysed in bounded time (smmu-capacity was cubic here)', () => {
		const n = 2000;
		const nodes = Array.from({ length: n }, (_, i) => `i${i}: iommu@${i.toString(16)} { compatible = "arm,mmu-500"; reg = <${i} 1>; #iommu-cells = <1>; iommus = <&i${(i + 1) % n} 1>; };`).join('\n');
		const a = within(20_000, () => analyse(`/dts-v1/;\n/ {\n#address-cells = <1>;\n#size-cells = <1>;\n${nodes}\n};\n`));
		expect(ids(a.items)['plugin-crashed']).toBeUndefined();
		expect(a.view.root.children).toHaveLength(n);
	});

	it(`buses nested to MAX_NODE_DEPTH (${MAX_NODE_DEPTH}) with ranges and dma-ranges: address and DMA translation stay bounded`, () => {
		const levels = MAX_NODE_DEPTH - 2;
		const open = ' bus@0 { compatible = "simple-bus"; #address-cells = <1>; #size-cells = <1>; ranges = <0 0 0x10000000>; dma-ranges = <0 0 0x10000000>;'.repeat(levels);
		const text = `/dts-v1/;\n/ { #address-cells = <1>; #size-cells = <1>; smmu: iommu@f0000000 { compatible = "arm,mmu-500"; reg = <0xf0000000 0x1000>; #iommu-cells = <1>; };${open} dev@100 { reg = <0x100 0x10>; iommus = <&smmu 5>; };${' };'.repeat(levels)} };\n`;
		const a = within(20_000, () => analyse(text));
		expect(a.board.diagnostics).toEqual([]);
		expect(ids(a.items)['plugin-crashed']).toBeUndefined();
	});

	it('self-references (iommus, interrupt-parent, msi-parent, memory-region, iommu-map to itself) are bounded and crash no check', () => {
		const text = `/dts-v1/;
/ {
	#address-cells = <1>;
	#size-cells = <1>;
	x: iommu@1000 {
		compatible = "arm,mmu-500";
		reg = <0x1000 0x100>;
		#iommu-cells = <1>;
		#interrupt-cells = <1>;
		#msi-cells = <1>;
		interrupt-controller;
		msi-controller;
		interrupt-parent = <&x>;
		interrupts = <1>;
		msi-parent = <&x 1>;
		iommus = <&x 1>;
		memory-region = <&x>;
		iommu-map = <0 &x 0 0x10000>;
		msi-map = <0 &x 0 0x10000>;
		dma-ranges = <0 0 0x1000>;
		ranges;
	};
};
`;
		const a = within(10_000, () => analyse(text));
		expect(ids(a.items)['plugin-crashed']).toBeUndefined();
	});
});
