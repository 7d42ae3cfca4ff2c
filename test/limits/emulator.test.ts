/**
 * The emulator on adversarial trees: thousands of IOMMUs referencing each other in a cycle, buses
 * nested to the front-end's depth limit, self-referencing phandles. Every check and the probe
 * simulation finish in bounded time, and no check crashes (a crash would be a `plugin-crashed` item).
 */
import { describe, expect, it } from 'vitest';
import { memoryFileSystem } from '../../server/src/base/source';
import { MAX_NODE_DEPTH } from '../../server/src/dts';
import { analyseBoard } from '../../server/src/model/analysis';
import { createFrontend } from '../../server/src/model/board';
import { within } from './helpers';

const analyse = (text: string) => analyseBoard(createFrontend(memoryFileSystem({ '/b.dts': text })), '/b.dts', { includePaths: [] });
const ids = (items: ReadonlyArray<{ id: string }>): Record<string, number> => {
	const out: Record<string, number> = {};
	for (const i of items) out[i.id] = (out[i.id] ?? 0) + 1;
	return out;
};

describe('emulator limits', () => {
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
