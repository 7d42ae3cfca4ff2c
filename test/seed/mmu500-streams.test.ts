/**
 * Seed: stream matching on one MMU-500. Partially overlapping SID/mask pairs of two masters
 * (smr-conflict, probe-order dependent) and the near miss where one entry is covered (stream-shared,
 * still order dependent: narrower first makes the wider one fail).
 */
import { describe, expect, test } from 'vitest';
import { checkFindings, outcomesOf, readFixture } from '../harness/fixture';
import type { BoardAnalysis } from '../../server/src/model/analysis';

const UFS = '/soc@0/ufs@1d84000';
const CRYPTO = '/soc@0/crypto@1dfa000';
const TRANSLATED = 'translated by /soc@0/iommu@15000000';
// arm-smmu.disable_bypass defaults on (ARM_SMMU_DISABLE_BYPASS_BY_DEFAULT=y): the loser's streams fault.
const LOST = 'blocked (stream-conflict, arm-smmu.disable_bypass)';

const witness = (analysis: BoardAnalysis, path: string, i: number) => analysis.simulation.result.masters.find((m) => m.path === path)?.outcomes[i]?.witness;

describe('seed: MMU-500 stream IDs', () => {
	test('partial overlap between two masters: smr-conflict, and the loser depends on probe order', () => {
		const analysis = checkFindings(readFixture('seed/mmu500-smr-conflict.dts'));
		expect(outcomesOf(analysis)).toEqual({
			[UFS]: { outcomes: [TRANSLATED, LOST], orderDependent: true },
			[CRYPTO]: { outcomes: [LOST, TRANSLATED], orderDependent: true },
		});
		// Document order: the UFS attaches first and the crypto engine loses; crypto first: the UFS loses.
		expect(witness(analysis, CRYPTO, 0)?.probeOrder).toEqual([UFS, CRYPTO]);
		expect(witness(analysis, CRYPTO, 1)?.probeOrder).toEqual([CRYPTO, UFS]);
		expect(witness(analysis, UFS, 1)?.probeOrder).toEqual([CRYPTO, UFS]);
		expect(witness(analysis, UFS, 1)?.description).toBe(`${CRYPTO} probes before ${UFS} on /soc@0/iommu@15000000.`);
		const lost = analysis.simulation.result.masters.find((m) => m.path === CRYPTO)?.outcome;
		expect(lost?.kind === 'blocked' && lost.detail).toMatch(/arm_smmu_find_sme\(\) returns -EINVAL.*\/soc@0\/ufs@1d84000 attached first/);
	});

	test("near miss: one entry entirely covered by the other master's: stream-shared, the wider master loses if the narrower probes first", () => {
		const analysis = checkFindings(readFixture('seed/mmu500-stream-shared.dts'));
		expect(outcomesOf(analysis)).toEqual({
			[UFS]: { outcomes: [TRANSLATED, LOST], orderDependent: true },
			[CRYPTO]: { outcomes: [TRANSLATED], orderDependent: false },
		});
		expect(witness(analysis, UFS, 1)?.probeOrder).toEqual([CRYPTO, UFS]);
	});
});
