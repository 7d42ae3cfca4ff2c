/** Code lenses: the root node, IOMMU nodes (masters, probe state), masters (their DMA outcome). */
import { describe, expect, it } from 'vitest';
import { codeLenses, IDE_COMMANDS } from '../../server/src/ide';
import { cursorFixture, spanText } from '../harness/cursor';
import { SDM845_LIKE } from './fixtures';

const render = (f: ReturnType<typeof cursorFixture>, file: string): string[] =>
	codeLenses(f.snapshot, file).map((l) => `${spanText(l.span)} ${f.text(l.span)}: ${l.title} [${l.command} ${JSON.stringify(l.args)}]`);

describe('codeLenses', () => {
	it('command ids are constants', () => {
		expect(IDE_COMMANDS).toEqual({ simulate: 'iommuLens.simulate', showDmaPath: 'iommuLens.showDmaPath' });
	});

	it('on the dtsi: root, masters with their outcome and group, IOMMU nodes with masters and probe state', () => {
		const f = cursorFixture(SDM845_LIKE);
		expect(render(f, '/soc.dtsi')).toEqual([
			'/soc.dtsi:3:0-3:1 /: Simulate probe order [iommuLens.simulate ["/board.dts"]]',
			'/soc.dtsi:33:4-33:16 compute-cb@1: DMA: translated by &apps_smmu (group 0) [iommuLens.showDmaPath ["/board.dts","/remoteproc-cdsp/glink-edge/fastrpc/compute-cb@1"]]',
			'/soc.dtsi:39:4-39:16 compute-cb@2: DMA: translated by &apps_smmu (group 1) [iommuLens.showDmaPath ["/board.dts","/remoteproc-cdsp/glink-edge/fastrpc/compute-cb@2"]]',
			'/soc.dtsi:75:13-75:35 dma-controller@1dc4000: DMA: translated by &apps_smmu (group 2) [iommuLens.showDmaPath ["/board.dts","/soc@0/dma-controller@1dc4000"]]',
			'/soc.dtsi:81:10-81:24 crypto@1dfa000: DMA: translated by &apps_smmu (group 2) [iommuLens.showDmaPath ["/board.dts","/soc@0/crypto@1dfa000"]]',
			'/soc.dtsi:94:8-94:21 pcie@40000000: DMA: translated by &smmu_pcie (group 0) [iommuLens.showDmaPath ["/board.dts","/soc@0/pcie@40000000"]]',
			'/soc.dtsi:107:13-107:27 iommu@2b500000: 2 masters · probe: bound [iommuLens.simulate ["/board.dts","/soc@0/iommu@2b500000"]]',
			'/soc.dtsi:115:13-115:27 iommu@15000000: 4 masters · probe: bound [iommuLens.simulate ["/board.dts","/soc@0/iommu@15000000"]]',
		]);
	});

	it('on the board: the root and the masters it extends (on the `&ref`)', () => {
		const f = cursorFixture(SDM845_LIKE);
		expect(render(f, '/board.dts')).toEqual([
			'/board.dts:3:0-3:1 /: Simulate probe order [iommuLens.simulate ["/board.dts"]]',
			'/board.dts:15:0-15:24 &{/soc@0/crypto@1dfa000}: DMA: translated by &apps_smmu (group 2) [iommuLens.showDmaPath ["/board.dts","/soc@0/crypto@1dfa000"]]',
		]);
	});

	it('a master whose IOMMU is disabled: BYPASS with the reason', () => {
		const f = cursorFixture(SDM845_LIKE.replace('&uart {', '&apps_smmu {\n\tstatus = "disabled";\n};\n\n&uart {'));
		const lenses = render(f, '/soc.dtsi');
		expect(lenses.find((l) => l.includes('crypto@1dfa000:'))).toMatch(/^\/soc\.dtsi:81:10-81:24 crypto@1dfa000: DMA: BYPASS — .+ \[iommuLens\.showDmaPath/);
		expect(lenses.find((l) => l.includes('iommu@15000000:'))).toContain('4 masters · probe: disabled');
	});
});
