/**
 * Hovers on the sdm845-like fixture: an `iommus` specifier, a fastrpc compute-cb, a Juno-like
 * `iommu-map` with mask 0, a `reg` behind two `ranges`, an IOMMU node, `memory-region`, a macro, a
 * label and a reference, an include, and the findings at a place.
 */
import { describe, expect, it } from 'vitest';
import { hover } from '../../server/src/ide';
import { cursorFixture } from '../harness/cursor';
import { SDM845_LIKE, mark } from './fixtures';

/** The hover at `$0` after marking `needle` (+offset, nth occurrence). */
function hoverAt(needle: string, offset = 0, nth = 0) {
	const f = cursorFixture(mark(SDM845_LIKE, needle, '$0', offset, nth));
	const h = hover(f.snapshot, f.at());
	return { h, text: h ? f.text(h.span) : undefined };
}

describe('hover', () => {
	it('on an iommus specifier: the decoded stream, the IOMMU, the fastrpc view and the outcome', () => {
		const { h, text } = hoverAt('0x1401 0x30', 2);
		expect(text).toBe('0x1401');
		expect(h!.markdown).toContain('SID 0x1401 mask 0x30 ⇒ matches {0x1401, 0x1411, 0x1421, 0x1431}');
		expect(h!.markdown).toMatchInlineSnapshot(`
			"**IOMMU streams**
			\`\`\`text
			/remoteproc-cdsp/glink-edge/fastrpc/compute-cb@1 iommus[0] → apps_smmu (Arm SMMUv1/v2)
			  SID 0x1401 mask 0x30 ⇒ matches {0x1401, 0x1411, 0x1421, 0x1431}
			  SMR[0] / S2CR[0], context bank 0, group 0
			  attached — The device is attached: its DMA is translated by the IOMMU.
			\`\`\`

			**IOMMU**
			\`\`\`text
			apps_smmu = /soc@0/iommu@15000000: "qcom,sdm845-smmu-500", "arm,mmu-500", #iommu-cells = <2>  (/soc.dtsi:116)
			profile: default, builtin sdm845 apps_smmu (MMU-500)
			\`\`\`

			**FastRPC**
			\`\`\`text
			channel /remoteproc-cdsp/glink-edge/fastrpc (label "cdsp", on /remoteproc-cdsp)
			session 0: sid 1: the DSP sees iova | 0x100000000 (iova + (1 << 32))
			\`\`\`

			**Probe**
			\`\`\`text
			default order: translated by /soc@0/iommu@15000000
			\`\`\`"
		`);
	});

	it('on the phandle of a specifier: the same entry, with the target', () => {
		const { h, text } = hoverAt('&apps_smmu 0x1401', 3);
		expect(text).toBe('&apps_smmu');
		expect(h!.markdown.split('\n')[0]).toBe('`&apps_smmu` → `/soc@0/iommu@15000000`  (/soc.dtsi:116)');
		expect(h!.markdown).toContain('iommus[0] → apps_smmu (Arm SMMUv1/v2)');
	});

	it('on a fastrpc compute-cb specifier written with a macro: the stream, what the DSP sees, the expansion', () => {
		const { h, text } = hoverAt('CDSP_SID(2) 0x30', 3);
		expect(text).toBe('CDSP_SID(2)');
		expect(h!.markdown).toMatchInlineSnapshot(`
			"**IOMMU streams**
			\`\`\`text
			/remoteproc-cdsp/glink-edge/fastrpc/compute-cb@2 iommus[0] → apps_smmu (Arm SMMUv1/v2)
			  SID 0x1402 mask 0x30 ⇒ matches {0x1402, 0x1412, 0x1422, 0x1432}
			  SMR[1] / S2CR[1], context bank 1, group 1
			  attached — The device is attached: its DMA is translated by the IOMMU.
			\`\`\`

			**IOMMU**
			\`\`\`text
			apps_smmu = /soc@0/iommu@15000000: "qcom,sdm845-smmu-500", "arm,mmu-500", #iommu-cells = <2>  (/soc.dtsi:116)
			profile: default, builtin sdm845 apps_smmu (MMU-500)
			\`\`\`

			**FastRPC**
			\`\`\`text
			channel /remoteproc-cdsp/glink-edge/fastrpc (label "cdsp", on /remoteproc-cdsp)
			session 1: sid 2: the DSP sees iova | 0x200000000 (iova + (2 << 32))
			\`\`\`

			**Probe**
			\`\`\`text
			default order: translated by /soc@0/iommu@15000000
			\`\`\`

			\`\`\`c
			#define CDSP_SID(n) (0x1400 | (n))
			\`\`\`
			defined at /include/dt-bindings/sid.h:1

			expands to \`(0x1400 | (2))\` = 0x1402"
		`);
	});

	it('on a stream shared with another master: who shares it and the finding', () => {
		const { h } = hoverAt('0x704 0x1>', 1, 1);
		expect(h!.markdown).toContain('shared with /soc@0/dma-controller@1dc4000');
		expect(h!.markdown.split('\n').at(-1)).toMatch(/^⚠ `stream-shared`: &cryptobam iommus entry 0 \(SID 0x704 mask 0x1\) and &crypto iommus entry 0/);
	});

	it('on a Juno-like iommu-map with mask 0: the table with the paired msi-map, and the RIDs', () => {
		const { h, text } = hoverAt('iommu-map = ', 14);
		expect(text).toBe('0x0');
		expect(h!.markdown).toMatchInlineSnapshot(`
			"**iommu-map**
			\`\`\`text
			iommu-map-mask 0x0: every RID masks to 0x0000  (/soc.dtsi:103)
			▶ [0] RID 0x0000 → &smmu_pcie 0x0  | msi-map → &its 0x0  (/soc.dtsi:104)
			RIDs under this host:
			  root bus 0x00 device 0 function 0: RID 0x0000 (00:00.0) → &smmu_pcie 0x0  (/soc.dtsi:104)  | msi-map: RID 0x0000 (00:00.0) → &its 0x0  (/soc.dtsi:105)
			  first function on bus 0x01 (bus-range): RID 0x0100 (01:00.0) → &smmu_pcie 0x0  (/soc.dtsi:104)  | msi-map: RID 0x0100 (01:00.0) → &its 0x100  (/soc.dtsi:105)
			\`\`\`"
		`);
	});

	it('on reg behind two ranges: every hop with its place', () => {
		const { h } = hoverAt('0x4000 0x100', 1);
		expect(h!.markdown).toMatchInlineSnapshot(`
			"**CPU address**
			\`\`\`text
			reg[0]: 0x4000 size 0x100  (/soc.dtsi:70)
			  → /soc@0/bus@a00000/bus@80000 ranges[0]: 0x4000 → 0x84000  (/soc.dtsi:66)
			  → /soc@0/bus@a00000 ranges[0]: 0x84000 → 0xa84000  (/soc.dtsi:60)
			  → /soc@0 ranges[0]: 0xa84000 → 0xa84000  (/soc.dtsi:53)
			  ⇒ CPU 0x00a84000-0x00a840ff
			\`\`\`"
		`);
	});

	it('on an IOMMU node: model, driver, era, capacity, masters, probe', () => {
		const { h, text } = hoverAt('iommu@15000000 {', 2);
		expect(text).toBe('iommu@15000000');
		expect(h!.markdown).toMatchInlineSnapshot(`
			"**\`/soc@0/iommu@15000000\`** · &apps_smmu · "qcom,sdm845-smmu-500", "arm,mmu-500"  
			defined at /soc.dtsi:116

			**IOMMU**
			\`\`\`text
			apps_smmu: Arm SMMUv1/v2 (plugin arm-smmu), #iommu-cells = 2
			profile: default, builtin sdm845 apps_smmu (MMU-500)
			driver arm-smmu (drivers/iommu/arm/arm-smmu/arm-smmu.c): module_platform_driver → device initcall, built y
			  matches "arm,mmu-500"
			kernel 7.1: 6.1 and later: every IOMMU instance registers its own ops (iommu_device_register), so several IOMMU drivers can share a bus
			probe: bound
			used: SMRs 3/128 · context banks 3/64 · groups 3
			masters (4):
			  /remoteproc-cdsp/glink-edge/fastrpc/compute-cb@1: SID 0x1401 mask 0x30 group 0 → translated by /soc@0/iommu@15000000
			  /remoteproc-cdsp/glink-edge/fastrpc/compute-cb@2: SID 0x1402 mask 0x30 group 1 → translated by /soc@0/iommu@15000000
			  &cryptobam: SID 0x704 mask 0x1 group 2 → translated by /soc@0/iommu@15000000
			  &crypto: SID 0x704 mask 0x1 group 2 → translated by /soc@0/iommu@15000000
			\`\`\`

			**CPU address**
			\`\`\`text
			reg[0]: 0x15000000 size 0x80000  (/soc.dtsi:118)
			  → /soc@0 ranges[0]: 0x15000000 → 0x15000000  (/soc.dtsi:53)
			  ⇒ CPU 0x15000000-0x1507ffff
			\`\`\`"
		`);
	});

	it('on memory-region: the region, its flags and users, and the consumer’s view', () => {
		const { h } = hoverAt('memory-region = <&cdsp_mem>', 20);
		expect(h!.markdown).toMatchInlineSnapshot(`
			"\`&cdsp_mem\` → \`/reserved-memory/memory@8b800000\`  (/soc.dtsi:13)

			**Memory regions**
			\`\`\`text
			memory-region[0] → /reserved-memory/memory@8b800000: 0x8b800000-0x8cbfffff [no-map]  (/soc.dtsi:13)
			\`\`\`

			**Consumer's view**
			\`\`\`text
			memory-region[0]: bus 0x8b800000-0x8cbfffff (no dma-ranges: bus = CPU)
			\`\`\`"
		`);
	});

	it('on a reserved-memory node: the region and its users', () => {
		const { h } = hoverAt('memory@8b800000 {', 1);
		expect(h!.markdown).toContain('0x8b800000-0x8cbfffff [no-map]  (/soc.dtsi:13)\nused by &cdsp_pas[0]');
	});

	it('on a macro definition: the definition and its uses', () => {
		const { h, text } = hoverAt('CDSP_SID(n)', 1);
		expect(text).toBe('CDSP_SID');
		expect(h!.markdown).toMatchInlineSnapshot(`
			"\`\`\`c
			#define CDSP_SID(n) (0x1400 | (n))
			\`\`\`
			defined at /include/dt-bindings/sid.h:1

			1 use in this board"
		`);
	});

	it('on a macro in a property that is not a specifier: the expansion and its value', () => {
		const { h } = hoverAt('GIC_SPI 65', 1);
		expect(h!.markdown).toContain('#define GIC_SPI 0');
		expect(h!.markdown).toContain('expands to `0` = 0x0');
	});

	it('on a label definition: the node', () => {
		const { h, text } = hoverAt('uart: serial', 1);
		expect(text).toBe('uart:');
		expect(h!.markdown).toMatchInlineSnapshot(`
			"**\`/soc@0/bus@a00000/bus@80000/serial@4000\`** · &uart · "qcom,geni-uart" · status "okay"  
			defined at /soc.dtsi:68; extended at /board.dts:12

			**CPU address**
			\`\`\`text
			reg[0]: 0x4000 size 0x100  (/soc.dtsi:70)
			  → /soc@0/bus@a00000/bus@80000 ranges[0]: 0x4000 → 0x84000  (/soc.dtsi:66)
			  → /soc@0/bus@a00000 ranges[0]: 0x84000 → 0xa84000  (/soc.dtsi:60)
			  → /soc@0 ranges[0]: 0xa84000 → 0xa84000  (/soc.dtsi:53)
			  ⇒ CPU 0x00a84000-0x00a840ff
			\`\`\`"
		`);
	});

	it('on a reference in the board: its target and the target’s chains', () => {
		const { h, text } = hoverAt('&uart {', 2);
		expect(text).toBe('&uart');
		expect(h!.markdown.split('\n')[0]).toBe('`&uart` → `/soc@0/bus@a00000/bus@80000/serial@4000`  (/soc.dtsi:68)');
		expect(h!.markdown).toContain('⇒ CPU 0x00a84000-0x00a840ff');
	});

	it('on an include: the resolved file', () => {
		const { h } = hoverAt('#include <dt-bindings/sid.h>', 12);
		expect(h!.markdown).toBe('`#include <dt-bindings/sid.h>` → `/include/dt-bindings/sid.h`');
	});

	it('on a property overridden later: where the value comes from', () => {
		const { h } = hoverAt('status = "disabled";\n\n\t\tglink', 1);
		expect(h!.markdown).toBe('`status` of `/remoteproc-cdsp` — **replaced** by the value at /board.dts:9');
	});

	it('on nothing: no hover', () => {
		const { h } = hoverAt('\n\n\treserved-memory', 1);
		expect(h).toBeUndefined();
	});
});
