/** Fix insert-property (smmu-config, fastrpc-session): the missing property, added in the board file. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../../harness/corpus';
import { checkFix, overlayFs, snapshotOf } from './helpers';
import { quickFixes } from '../../../server/src/ide/fixes';

const fixture = (name: string): string =>
	readFileSync(join(REPO_ROOT, 'test/fixtures/findings', name), 'utf8')
		.split('\n')
		.filter((l) => !l.startsWith('//'))
		.join('\n');

const SMMU = (extra: string) => `/dts-v1/;

/ {
\t#address-cells = <1>;
\t#size-cells = <1>;

\tsmmu: iommu@10000000 {
\t\tcompatible = "arm,mmu-500";
\t\treg = <0x10000000 0x10000>;
\t\t#iommu-cells = <1>;
\t\tinterrupts = <0 65 4>, <0 66 4>, <0 67 4>;${extra}
\t};

\tgpu@20000000 {
\t\tcompatible = "example,gpu";
\t\treg = <0x20000000 0x1000>;
\t\tiommus = <&smmu 0x400>;
\t};
};
`;

describe('insert-property', () => {
	it('adds #global-interrupts = <1>; after the last property of an SMMU defined in the board', () => {
		const { fix } = checkFix({
			files: { '/board.dts': SMMU('') },
			board: '/board.dts',
			finding: 'smmu-config',
			expected: { '/board.dts': SMMU('\n\t\t#global-interrupts = <1>;') },
		});
		expect(fix.title).toBe('Add #global-interrupts = <1>; to /iommu@10000000');
	});

	it('adds the fastrpc channel name (a quoted string) to a channel node of a shared .dtsi, as a board override', () => {
		const soc = fixture('fastrpc-session.dts').replace('/dts-v1/;\n', '').replace('            fastrpc {', '            adsp_fastrpc: fastrpc {').replace('                qcom,glink-channels = "fastrpcglink-apps-dsp";\n', '');
		const board = '/dts-v1/;\n#include "soc.dtsi"\n';
		const { fix } = checkFix({
			files: { '/soc.dtsi': soc, '/board.dts': board },
			board: '/board.dts',
			finding: 'fastrpc-session',
			message: 'has no qcom,glink-channels',
			expected: { '/board.dts': `${board}\n&adsp_fastrpc {\n\tqcom,glink-channels = "fastrpcglink-apps-dsp";\n};\n` },
		});
		expect(fix.title).toContain('qcom,glink-channels = "fastrpcglink-apps-dsp";');
	});

	it('is not offered for the dma-ranges finding (one empty dma-ranges only moves a chain\'s problem up a level)', () => {
		const s = snapshotOf(overlayFs({ '/board.dts': fixture('dma-ranges.dts') }), '/board.dts');
		const items = s.analysis.items.filter((i) => i.id === 'dma-ranges');
		expect(items.length).toBeGreaterThan(0);
		for (const item of items) expect(quickFixes(s, item)).toEqual([]);
	});

	it('offers nothing when the finding cannot know the value (iommus of a compute CB) or the property is there', () => {
		const noValue = fixture('fastrpc-session.dts').replace('                    iommus = <&apps_smmu 0x1824 0x0>;\n', '');
		const s = snapshotOf(overlayFs({ '/board.dts': noValue }), '/board.dts');
		for (const item of s.analysis.items.filter((i) => i.fix?.kind === 'add-property' && i.fix.value === undefined)) expect(quickFixes(s, item).filter((f) => f.title.startsWith('Add '))).toEqual([]);
	});
});
