import { describe, expect, it } from 'vitest';
import { resolveProfile, SMMU_V2_LIMITS, validateProfile } from '../../../emulator/src/iommu';
import { buildView } from '../../harness/dtview';

describe('profiles', () => {
	const view = buildView({ 'iommu@15000000': { compatible: ['qcom,sdm845-smmu-500', 'arm,mmu-500'] } });
	const node = view.byPath('/iommu@15000000')!;
	it('applies the built-in sdm845 profile, then user overrides by compatible and path', () => {
		const base = resolveProfile(node, ['qcom,sdm845-smmu-500', 'arm,mmu-500'], SMMU_V2_LIMITS);
		expect(base.known).toMatchObject({ numContextBanks: 64, streamIdBits: 16 });
		expect(base.known.numSmrg).toBeUndefined();
		expect(base.effective.numSmrg).toBe(128);
		expect(base.provenance.numContextBanks).toMatch(/^conservative: sdm845.dtsi/);
		const user = resolveProfile(node, ['qcom,sdm845-smmu-500', 'arm,mmu-500'], SMMU_V2_LIMITS, {
			byCompatible: { 'arm,mmu-500': { numSmrg: 96 } },
			byPath: { '/iommu@15000000': { numSmrg: 80 } },
		});
		expect(user.known.numSmrg).toBe(80);
		expect(user.sources).toEqual(['default', 'builtin sdm845 apps_smmu (MMU-500)', 'user compatible arm,mmu-500', 'user path /iommu@15000000']);
	});
	it('validates user profiles with clear messages', () => {
		expect(validateProfile({ byCompatible: { 'qcom,sm8550-smmu-500': { numSmrg: 128, reservedContextBanks: [0, 1], secureStreams: [{ id: 0x1c00, mask: 0x3, note: 'CB 10' }] } } })).toEqual({
			profile: { byCompatible: { 'qcom,sm8550-smmu-500': { numSmrg: 128, reservedContextBanks: [0, 1], secureStreams: [{ id: 0x1c00, mask: 0x3, note: 'CB 10' }] } } },
			errors: [],
		});
		expect(validateProfile({ byPath: { 'soc/iommu': { numSmrg: 0, streamMatching: 'yes', bogus: 1 } }, extra: true }).errors).toEqual([
			'profile.extra: unknown key (expected "byCompatible" or "byPath")',
			'profile.byPath["soc/iommu"]: a node path starts with "/"',
			'profile.byPath["soc/iommu"].numSmrg: expected an integer from 1 to 255, got 0',
			'profile.byPath["soc/iommu"].streamMatching: expected true or false, got "yes"',
			'profile.byPath["soc/iommu"].bogus: unknown field (known: streamIdBits, smrMaskBits, streamMatching, numSmrg, numContextBanks, numS2ContextBanks, reservedContextBanks, secureStreams, coherentWalk, twoLevelStreamTable)',
		]);
		expect(validateProfile([]).errors).toEqual(['profile: expected an object with "byCompatible" and/or "byPath"']);
	});
});
