/**
 * Seed: a remote processor sees its own memory map. TI K3-style R5F (no IOMMU) whose bus reaches
 * only the low 2 GiB.
 */
import { describe, expect, test } from 'vitest';
import { checkFindings, outcomesOf, readFixture } from '../harness/fixture';

describe('seed: remote processor carveout outside its window', () => {
	test('carveout at 0x9_0000_0000: carveout', () => {
		expect(outcomesOf(checkFindings(readFixture('seed/k3-r5f-carveout-window.dts')))).toEqual({});
	});
	test('near miss: carveout inside the low 2 GiB', () => {
		expect(outcomesOf(checkFindings(readFixture('seed/k3-r5f-carveout-inside.dts')))).toEqual({});
	});
});
