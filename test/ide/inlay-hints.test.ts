/** Inlay hints: specifier cell names per IOMMU model, map cell names, translated `reg` addresses. */
import { describe, expect, it } from 'vitest';
import { inlayHints } from '../../server/src/ide';
import { cursorFixture } from '../harness/cursor';
import { SDM845_LIKE } from './fixtures';

describe('inlayHints', () => {
	const f = cursorFixture(SDM845_LIKE);
	const lines = (file: string, from: number, to: number): string[] => {
		const text = f.files[file]!.split('\n');
		const hints = inlayHints(f.snapshot, { file, start: { line: from, col: 0 }, end: { line: to, col: 0 } });
		// Each hinted line rendered with its hints in place: `‹label›`.
		const byLine = new Map<number, typeof hints>();
		for (const h of hints) byLine.set(h.position.line, [...(byLine.get(h.position.line) ?? []), h]);
		return [...byLine].map(([line, hs]) => {
			let s = text[line]!;
			for (const h of [...hs].sort((a, b) => b.position.col - a.position.col)) s = `${s.slice(0, h.position.col)}${h.paddingLeft ? ' ' : ''}‹${h.label}›${h.paddingRight ? ' ' : ''}${s.slice(h.position.col)}`;
			return s.trim();
		});
	};

	it('names the cells of each specifier by the IOMMU model (macros included), and the cells of iommu-map/msi-map', () => {
		expect(lines('/soc.dtsi', 0, 130)).toEqual([
			'iommus = <&apps_smmu ‹sid:› 0x1401 ‹mask:› 0x30>;',
			'iommus = <&apps_smmu ‹sid:› CDSP_SID(2) ‹mask:› 0x30>;',
			'reg = <0x4000 0x100 ‹→ 0xa84000›>;',
			'iommus = <&apps_smmu ‹sid:› 0x704 ‹mask:› 0x1>;',
			'iommus = <&apps_smmu ‹sid:› 0x704 ‹mask:› 0x1>;',
			'iommu-map = <‹rid-base:› 0x0 ‹iommu:› &smmu_pcie ‹out-base:› 0x0 ‹length:› 0x1>;',
			'msi-map = <‹rid-base:› 0x0 ‹msi:› &its ‹out-base:› 0x0 ‹length:› 0x10000>;',
		]);
	});

	it('only inside the range; a 1-cell SMMU names `sid`', () => {
		expect(lines('/soc.dtsi', 60, 72)).toEqual(['reg = <0x4000 0x100 ‹→ 0xa84000›>;']);
		const g = cursorFixture(SDM845_LIKE.replace('iommu-map-mask = <0x0>;', 'iommu-map-mask = <0x0>;\n\t\t\tiommus = <&smmu_pcie 0x7>;'));
		const hints = inlayHints(g.snapshot, { file: '/soc.dtsi', start: { line: 103, col: 0 }, end: { line: 103, col: 99 } });
		expect(hints.map((h) => `${h.position.line}:${h.position.col} ${h.label} ${h.kind}`)).toEqual(['103:24 sid: parameter']);
	});

	it('no address hint where the CPU address is the bus address on a single bus', () => {
		expect(lines('/soc.dtsi', 114, 119)).toEqual([]);
	});
});
