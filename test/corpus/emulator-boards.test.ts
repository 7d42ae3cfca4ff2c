/**
 * The emulator's façades on real boards, each preprocessed with the real cpp (as the kernel's build)
 * and resolved by our front-end. Expected numbers come from reading the board sources (and, for the
 * master counts, from `dtc -O dts` of the same cpp output: nodes with `iommus` whose ancestors are all
 * available).
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { iommu, rpmsg, scenario, type DtView } from '../../emulator/src/index';
import { buildDts } from '../../server/src/dts/index';
import { toDtView } from '../../server/src/model/dtview';

const corpus = path.resolve(__dirname, '../..', '../shared/corpus/linux-dts');
const CPP_ARGS = ['-nostdinc', '-I', 'include', '-I', 'src', '-I', 'src/arm64', '-undef', '-D__DTS__', '-x', 'assembler-with-cpp'];

function load(board: string): DtView {
	if (!existsSync(path.join(corpus, 'src/arm64'))) throw new Error(`The kernel devicetree corpus is missing: expected ${corpus}/src/arm64.`);
	const text = execFileSync('cpp', [...CPP_ARGS, board], { cwd: corpus, encoding: 'utf8', maxBuffer: 64 << 20 });
	const fs = { readFile: (p: string) => (existsSync(path.resolve(corpus, p)) ? readFileSync(path.resolve(corpus, p), 'utf8') : undefined) };
	const tree = buildDts({ file: board, text }, { fs, includeDirs: [path.dirname(board)] });
	expect(tree.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
	return toDtView(tree);
}

/** Available `iommus` masters (platform devices) per IOMMU instance label. */
function platformMastersPerInstance(t: iommu.Topology): Record<string, number> {
	const out: Record<string, number> = {};
	for (const i of t.instances) out[i.label] = 0;
	for (const m of t.masters) {
		if (!m.available || m.ref.isPci) continue;
		for (const label of new Set(m.entries.flatMap((e) => (e.instance ? [e.instance.label] : [])))) out[label] = (out[label] ?? 0) + 1;
	}
	return out;
}

const hex = (n: number): string => `0x${n.toString(16)}`;

describe('sdm845-db845c', () => {
	let view: DtView;
	let t: iommu.Topology;
	let report: iommu.AttachReport;
	beforeAll(() => {
		view = load('src/arm64/qcom/sdm845-db845c.dts');
		t = iommu.buildTopology(view);
		report = iommu.attach(t);
	});

	it('has 27 platform masters behind apps_smmu and 2 behind adreno_smmu', () => {
		expect(platformMastersPerInstance(t)).toEqual({ adreno_smmu: 2, apps_smmu: 27 });
		// Both PCIe hosts map their RIDs through iommu-map onto apps_smmu (root port and bus 1).
		const pci = t.masters.filter((m) => m.ref.isPci && m.available).map((m) => [m.ref.key, m.entries[0]?.instance?.label, m.entries[0]?.decode?.kind === 'ok' ? m.entries[0].decode.stream.label : undefined]);
		expect(pci).toEqual([
			['/soc@0/pcie@1c00000 rid 0x0000', 'apps_smmu', 'SID 0x1c10'],
			['/soc@0/pcie@1c00000 rid 0x0100', 'apps_smmu', 'SID 0x1c11'],
			['/soc@0/pcie@1c08000 rid 0x0000', 'apps_smmu', 'SID 0x1c00'],
			['/soc@0/pcie@1c08000 rid 0x0100', 'apps_smmu', 'SID 0x1c01'],
		]);
	});

	it('decodes each cdsp compute-cb `<&apps_smmu 0x140N 0x30>` to four SIDs, attached to its own SMR', () => {
		const smrs = new Set<string>();
		for (let n = 1; n <= 8; n++) {
			const node = view.byPath(`/remoteproc-cdsp/glink-edge/fastrpc/compute-cb@${n}`)!;
			expect(node).toBeDefined();
			const [s, ...rest] = iommu.describeStreams(t, node, report);
			expect(rest).toEqual([]);
			expect(s).toMatchObject({
				iommu: { label: 'apps_smmu', model: expect.any(String) },
				label: `SID ${hex(0x1400 + n)} mask 0x30`,
				matched: [0x00, 0x10, 0x20, 0x30].map((o) => hex(0x1400 + n + o)),
				matchedTotal: '4',
				status: 'attached',
				sharedWith: [],
			});
			smrs.add(s!.slot!);
		}
		expect(smrs.size).toBe(8);
	});

	it('has the adsp, cdsp and sdsp fastrpc channels with one session per CB and sid << 32 bases', () => {
		const channels = rpmsg.fastrpcChannels(view).map((ch) => ({
			label: ch.label,
			sessions: ch.computeCbs.flatMap((cb) => cb.sessions.map((s) => [s.sid, `0x${s.dspAddressBase.toString(16)}`])),
		}));
		expect(channels).toEqual([
			{ label: 'adsp', sessions: [[3, '0x300000000'], [4, '0x400000000']] },
			{ label: 'cdsp', sessions: [1, 2, 3, 4, 5, 6, 7, 8].map((n) => [n, `0x${n}00000000`]) },
			// The SLPI's single CB (reg 0, no iommus): its buffers go out untagged, as physical addresses.
			{ label: 'sdsp', sessions: [[0, '0x0']] },
		]);
	});
});

describe('sm8550-hdk', () => {
	it('gives each cdsp compute-cb three apps_smmu entries, all attached', () => {
		const view = load('src/arm64/qcom/sm8550-hdk.dts');
		const t = iommu.buildTopology(view);
		const report = iommu.attach(t);
		expect(platformMastersPerInstance(t)).toEqual({ adreno_smmu: 2, apps_smmu: 25 });
		const cdsp = rpmsg.fastrpcChannels(view).find((ch) => ch.label === 'cdsp')!;
		expect(cdsp.computeCbs.map((cb) => cb.sid)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
		for (const cb of cdsp.computeCbs) {
			const n = cb.sid;
			const streams = iommu.describeStreams(t, view.byPath(cb.node)!, report);
			expect(streams.map((s) => [s.iommu?.label, s.label, s.matchedTotal, s.status])).toEqual([
				['apps_smmu', `SID ${hex(0x1960 + n)}`, '1', 'attached'],
				['apps_smmu', `SID ${hex(0x0c00 + n)} mask 0x20`, '2', 'attached'],
				['apps_smmu', `SID ${hex(0x19c0 + n)} mask 0x10`, '2', 'attached'],
			]);
		}
	});
});

describe('arm/juno', () => {
	it('has seven MMU-400/401 instances (smmu_gpu is the MMU-400), two of them disabled, each master on its own instance', () => {
		const view = load('src/arm64/arm/juno.dts');
		const t = iommu.buildTopology(view);
		expect(t.instances.map((i) => [i.label, i.available, i.plugin?.id, i.compatibles[0]])).toEqual([
			['smmu_gpu', false, 'arm-smmu', 'arm,mmu-400'],
			['smmu_pcie', false, 'arm-smmu', 'arm,mmu-401'],
			['smmu_etr', true, 'arm-smmu', 'arm,mmu-401'],
			['smmu_dma', true, 'arm-smmu', 'arm,mmu-401'],
			['smmu_hdlcd1', true, 'arm-smmu', 'arm,mmu-401'],
			['smmu_hdlcd0', true, 'arm-smmu', 'arm,mmu-401'],
			['smmu_usb', true, 'arm-smmu', 'arm,mmu-401'],
		]);
		expect(platformMastersPerInstance(t)).toEqual({ smmu_gpu: 0, smmu_pcie: 0, smmu_etr: 1, smmu_dma: 1, smmu_hdlcd1: 1, smmu_hdlcd0: 1, smmu_usb: 2 });
		// The DMA-330 lists nine streams <&smmu_dma 0..8> on one instance.
		const dma = t.masters.find((m) => m.entries.some((e) => e.instance?.label === 'smmu_dma'))!;
		expect(dma.entries.map((e) => (e.decode?.kind === 'ok' ? e.decode.stream.label : e.problem))).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8].map((n) => `SID ${hex(n)}`));
	});

	it('collapses every PCI RID to SID 0 (iommu-map-mask = <0x0>), and smmu_pcie is disabled: no IOMMU for PCI', () => {
		const view = load('src/arm64/arm/juno.dts');
		const pcie = view.byLabel('pcie_ctlr')!;
		for (const rid of [0x0n, 0x100n, 0x1234n, 0xffffn]) {
			const r = iommu.mapId(view, pcie, 'iommu-map', rid);
			expect(r.kind).toBe('mapped');
			if (r.kind === 'mapped') {
				expect([r.maskedId, r.target.labels, r.args]).toEqual([0n, ['smmu_pcie'], [0n]]);
			}
		}
		// On juno.dts the PCIe controller itself is disabled: its functions are not devices at all.
		const t = iommu.buildTopology(view);
		expect(t.masters.filter((m) => m.ref.isPci).map((m) => m.available)).not.toContain(true);
		// With the controller enabled on juno.dts, the probe model gives every PCI function no IOMMU
		// because smmu_pcie is disabled (NO_IOMMU, no deferral).
		const enabled = scenario.runScenario(view, { enable: ['pcie_ctlr'] });
		expect(enabled.errors).toEqual([]);
		const pciOutcomes = enabled.result.masters.filter((m) => m.path.startsWith('/pcie@40000000')).flatMap((m) => m.outcomes.map((o) => o.outcome));
		expect(pciOutcomes.length).toBeGreaterThan(0);
		for (const o of pciOutcomes) expect(o).toMatchObject({ kind: 'bypass', reason: 'iommu-disabled' });
		// juno-r1 enables both: every function is attached with the one collapsed SID 0 and shares it.
		const r1 = load('src/arm64/arm/juno-r1.dts');
		const t1 = iommu.buildTopology(r1);
		const rep1 = iommu.attach(t1);
		const pci = t1.masters.filter((m) => m.ref.isPci && m.available);
		expect(pci.length).toBeGreaterThan(1);
		for (const m of pci) {
			expect(m.entries.map((e) => [e.instance?.label, e.decode?.kind === 'ok' ? e.decode.stream.label : e.problem])).toEqual([['smmu_pcie', 'SID 0x0']]);
			expect(rep1.byMaster.get(m.ref.key)?.status).toBe('attached');
		}
	});
});

describe('rk3399-rock-pi-4b', () => {
	it('gives each rockchip,iommu (0 cells) its own master: one dedicated instance per master', () => {
		const view = load('src/arm64/rockchip/rk3399-rock-pi-4b.dts');
		const t = iommu.buildTopology(view);
		const report = iommu.attach(t);
		expect(t.instances.every((i) => i.plugin?.id === 'rockchip-iommu' && i.iommuCells === 0)).toBe(true);
		expect(platformMastersPerInstance(t)).toEqual({ vpu_mmu: 1, vdec_mmu: 1, iep_mmu: 0, vopl_mmu: 1, vopb_mmu: 1, isp0_mmu: 0, isp1_mmu: 0 });
		const vopb = view.byPath('/vop@ff900000')!;
		const streams = iommu.describeStreams(t, vopb, report);
		expect(streams.map((s) => [s.iommu?.label, s.slot, s.status, s.sharedWith])).toEqual([['vopb_mmu', 'dedicated instance', 'attached', []]]);
	});
});
