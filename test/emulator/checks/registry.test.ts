import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CHECKS, runChecks } from '../../../emulator/src/checks';
import { FINDING_IDS } from '../../../emulator/src/types';
import { buildView } from '../../harness/dtview';
import { REPO_ROOT } from '../../harness/corpus';

const checksDir = join(REPO_ROOT, 'emulator/src/checks');

describe('checks registry', () => {
	it('has one check file per finding id, named after it, with its doc header and its test', () => {
		// C-side checks (driver sources) live in server/src/drivers/checks/<id>.ts, tested in test/drivers.
		const ids = FINDING_IDS.filter((id) => id !== 'plugin-crashed' && !existsSync(join(REPO_ROOT, 'server/src/drivers/checks', `${id}.ts`)));
		expect(CHECKS.map((c) => c.id).sort()).toEqual([...ids].sort());
		for (const id of ids) {
			const text = readFileSync(join(checksDir, `${id}.ts`), 'utf8');
			expect(text, `${id}.ts must open with its Finding doc`).toMatch(new RegExp(`Finding: ${id}\\b`));
			expect(readdirSync(join(REPO_ROOT, 'test/emulator/checks'))).toContain(`${id}.test.ts`);
		}
	});

	it('turns a check that throws into a plugin-crashed finding and runs the others', () => {
		// A tree whose `#iommu-cells` is a string makes no check throw; force one by a view that throws.
		const view = buildView({ 'iommu@0': { '#iommu-cells': [1], compatible: 'arm,mmu-500' } });
		const hostile = { ...view, byPhandle: () => { throw new Error('boom'); } };
		const findings = runChecks({ view: { ...hostile, root: { ...view.root, children: [{ ...view.root.children[0]!, property: () => { throw new Error('boom'); } }] } } });
		expect(findings.some((f) => f.id === 'plugin-crashed' && f.message.includes('boom'))).toBe(true);
	});

	it('finds nothing on a clean minimal tree', () => {
		const view = buildView({
			'#address-cells': [1],
			'#size-cells': [1],
			'soc@0': {
				compatible: 'simple-bus',
				'#address-cells': [1],
				'#size-cells': [1],
				ranges: true,
				'smmu: iommu@1000': { compatible: ['arm,mmu-500', 'arm,smmu-v2'], reg: [0x1000, 0x1000], '#iommu-cells': [2], '#global-interrupts': [1], interrupts: [0, 1, 4, 0, 2, 4] },
				'gpu@2000': { compatible: 'vendor,gpu', reg: [0x2000, 0x100], iommus: ['&smmu', 0x10, 0x0] },
			},
		});
		expect(runChecks({ view }).map((f) => `${f.id}: ${f.message}`)).toEqual([]);
	});
});
