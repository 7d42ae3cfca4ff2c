import { describe, expect, it } from 'vitest';
import { attach, buildTopology, describeStreams, findSme } from '../../../emulator/src/iommu';
import { buildView } from '../../harness/dtview';
import { appsSmmu, board } from './fixtures';

describe('arm-smmu', () => {
	it('find_sme: reuse when entirely covered, -EINVAL on other overlap, first free, -ENOSPC', () => {
		const smrs = [{ id: 0x1400n, mask: 0x30n }, undefined, { id: 0x20n, mask: 0n }];
		expect(findSme(smrs, 0x1410n, 0x10n)).toEqual({ kind: 'index', index: 0 });
		expect(findSme(smrs, 0x1400n, 0x3fn)).toEqual({ kind: 'conflict', index: 0 });
		expect(findSme(smrs, 0x21n, 0n)).toEqual({ kind: 'index', index: 1 });
		expect(findSme([{ id: 1n, mask: 0n }], 2n, 0n)).toEqual({ kind: 'full' });
		expect(findSme(undefined, 7n, 0n)).toEqual({ kind: 'index', index: 7 });
	});
	it('decodes sdm845 <&apps_smmu 0x1401 0x30> as four SIDs and shares one SME between covered masters', () => {
		const view = buildView(
			board({
				'apps_smmu: iommu@15000000': appsSmmu(),
				'cb1: compute-cb@1': { iommus: ['&apps_smmu', 0x1401, 0x30] },
				'cb2: compute-cb@2': { iommus: ['&apps_smmu', 0x1411, 0x0] },
				'cb3: compute-cb@3': { iommus: ['&apps_smmu', 0x1402, 0x30] },
			}),
		);
		const t = buildTopology(view);
		const report = attach(t);
		const v1 = describeStreams(t, view.byLabel('cb1')!, report)[0]!;
		expect(v1).toMatchObject({ id: '0x1401', mask: '0x30', matched: ['0x1401', '0x1411', '0x1421', '0x1431'], matchedTotal: '4', slot: 'SMR[0] / S2CR[0]', contextBank: 0, group: 0, sharedWith: ['/soc@0/compute-cb@2'], status: 'attached' });
		expect(v1.iommu).toMatchObject({ model: 'Arm SMMUv1/v2', label: 'apps_smmu' });
		expect(describeStreams(t, view.byLabel('cb2')!, report)[0]).toMatchObject({ slot: 'SMR[0] / S2CR[0]', reused: true, group: 0, contextBank: 0 });
		expect(describeStreams(t, view.byLabel('cb3')!, report)[0]).toMatchObject({ slot: 'SMR[1] / S2CR[1]', group: 1, contextBank: 1, sharedWith: [] });
		// Reversed order: the narrow entry first makes the wide one conflict.
		const rev = attach(t, { order: ['/soc@0/compute-cb@2'] });
		expect(rev.byMaster.get('/soc@0/compute-cb@1')).toMatchObject({ status: 'no-iommu', errno: 'EINVAL', conflictWith: { master: '/soc@0/compute-cb@2', entryIndex: 0 } });
	});
	it('uses stream-match-mask with one cell, and is all-or-nothing per master', () => {
		const view = buildView(
			board({
				'smmu: iommu@1000': { compatible: ['arm,mmu-401', 'arm,smmu-v1'], '#iommu-cells': [1], '#global-interrupts': [1], interrupts: [0, 1, 4, 0, 2, 4], 'stream-match-mask': [0x7c00] },
				'a: dev@1': { iommus: ['&smmu', 0x10] },
				'b: dev@2': { iommus: ['&smmu', 0x20, '&smmu', 0x410] },
				'c: dev@3': { iommus: ['&smmu', 0x20] },
			}),
		);
		const t = buildTopology(view);
		const r = attach(t);
		expect(describeStreams(t, view.byLabel('a')!, r)[0]).toMatchObject({ mask: '0x7c00', slot: 'SMR[0] / S2CR[0]' });
		// 0x410 with mask 0x7c00 is covered by SMR[0] (0x10/0x7c00): b shares a's group through it, SMR[1] for 0x20.
		expect(r.byMaster.get('/soc@0/dev@2')).toMatchObject({ status: 'attached' });
		expect(describeStreams(t, view.byLabel('b')!, r).map((s) => s.slot)).toEqual(['SMR[1] / S2CR[1]', 'SMR[0] / S2CR[0]']);
		expect(r.usage.get('/soc@0/iommu@1000')).toMatchObject({ smrsUsed: 2, groups: 1 });
	});
	it('reports -ENOSPC for SMRs and context banks with a small profile and rolls back the master', () => {
		const view = buildView(
			board({
				'apps_smmu: iommu@15000000': appsSmmu(),
				'dev@1': { iommus: ['&apps_smmu', 0x1, 0] },
				'dev@2': { iommus: ['&apps_smmu', 0x2, 0, '&apps_smmu', 0x3, 0] },
				'dev@3': { iommus: ['&apps_smmu', 0x4, 0] },
			}),
		);
		const t = buildTopology(view, { profiles: { byCompatible: { 'qcom,sdm845-smmu-500': { numSmrg: 2, numContextBanks: 3, reservedContextBanks: [0] } } } });
		const r = attach(t);
		expect(r.byMaster.get('/soc@0/dev@1')!.entries[0]).toMatchObject({ contextBank: 1 });
		expect(r.byMaster.get('/soc@0/dev@2')).toMatchObject({ status: 'no-iommu', errno: 'ENOSPC', failedEntry: 1 });
		expect(r.byMaster.get('/soc@0/dev@3')!.entries[0]).toMatchObject({ slot: { index: 1 }, contextBank: 2 });
		expect(r.usage.get('/soc@0/iommu@15000000')).toMatchObject({ smrsUsed: 2, smrsTotal: 2, contextBanksUsed: 2 });
	});
	it('checks ranges against a profile: "stream ID 0x%x out of range for SMMU (0x%x)"', () => {
		const view = buildView(board({ 'smmu: iommu@1000': { compatible: ['arm,mmu-401', 'arm,smmu-v1'], '#iommu-cells': [1], '#global-interrupts': [1], interrupts: [0, 1, 4, 0, 2, 4] }, 'dev@1': { iommus: ['&smmu', 0x8000] } }));
		const r = attach(buildTopology(view));
		expect(r.byMaster.get('/soc@0/dev@1')).toMatchObject({ status: 'no-iommu', errno: 'EINVAL', kernelPrints: true, message: 'stream ID 0x8000 out of range for SMMU (0x7fff)' });
	});
	it('refuses a second attach of the same master with -EEXIST', () => {
		const view = buildView(board({ 'apps_smmu: iommu@15000000': appsSmmu(), 'dev@1': { iommus: ['&apps_smmu', 0x1, 0] } }));
		const r = attach(buildTopology(view), { order: ['/soc@0/dev@1'] });
		expect(r.masters.length).toBe(1);
		const t = buildTopology(view);
		const inst = t.instances[0]!;
		const state = t.registry.createInstance(inst.plugin!, inst.provider, { era: t.era });
		const entry = { entryIndex: 0, stream: { id: 1n, mask: 0n, rawCells: [], label: '' }, loc: inst.node.loc };
		const ref = { key: '/x', node: inst.node, isPci: false };
		expect(state.attach(ref, [entry]).ok).toBe(true);
		expect(state.attach(ref, [entry])).toMatchObject({ ok: false, errno: 'EEXIST' });
	});
});
