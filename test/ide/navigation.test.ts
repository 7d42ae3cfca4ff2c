/**
 * Go to definition and find references: labels, phandle references, `&{/path}`, includes, macros,
 * and compatible strings to the driver's `of_device_id` entry when driver facts have locations.
 */
import { describe, expect, it } from 'vitest';
import { definition, references } from '../../server/src/ide';
import type { BoardSnapshot } from '../../server/src/ide';
import { builtinDriverFacts } from '../../emulator/src/probe/drivers';
import { NEWEST_KERNEL } from '../../emulator/src/probe/era';
import { cursorFixture, spanText, type CursorFixture } from '../harness/cursor';
import { SDM845_LIKE, mark } from './fixtures';

function at(needle: string, offset = 0, nth = 0): CursorFixture {
	return cursorFixture(mark(SDM845_LIKE, needle, '$0', offset, nth));
}

/** `file:line:col-line:col "text"` of each span. */
function show(f: CursorFixture, spans: readonly { file: string; start: { line: number; col: number }; end: { line: number; col: number } }[]): string[] {
	return spans.map((s) => `${spanText(s)} ${JSON.stringify(f.text(s))}`);
}

describe('definition', () => {
	it('of a phandle reference in a specifier: the label', () => {
		const f = at('&apps_smmu 0x1401', 2);
		expect(show(f, definition(f.snapshot, f.at()))).toEqual(['/soc.dtsi:115:2-115:11 "apps_smmu"']);
	});

	it('of a `&label { }` in the board: the label in the dtsi', () => {
		const f = at('&uart {', 3);
		expect(show(f, definition(f.snapshot, f.at()))).toEqual(['/soc.dtsi:67:4-67:8 "uart"']);
	});

	it('of `&{/path}` (block and value): the node', () => {
		const f = at('&{/soc@0/crypto@1dfa000} {', 5);
		expect(show(f, definition(f.snapshot, f.at()))).toEqual(['/soc.dtsi:81:10-81:24 "crypto@1dfa000"']);
		const g = at('crypto = &{/soc', 14);
		expect(show(g, definition(g.snapshot, g.at()))).toEqual(['/soc.dtsi:81:10-81:24 "crypto@1dfa000"']);
	});

	it('of a path reference in a value (`serial0 = &uart`): the label', () => {
		const f = at('serial0 = &uart', 12);
		expect(show(f, definition(f.snapshot, f.at()))).toEqual(['/soc.dtsi:67:4-67:8 "uart"']);
	});

	it('of an include: the file', () => {
		const f = at('#include "soc.dtsi"', 11);
		expect(definition(f.snapshot, f.at()).map(spanText)).toEqual(['/soc.dtsi:0:0-0:0']);
		const g = at('#include <dt-bindings/arm-gic.h>', 2);
		expect(definition(g.snapshot, g.at()).map(spanText)).toEqual(['/include/dt-bindings/arm-gic.h:0:0-0:0']);
	});

	it('of a macro use: its #define', () => {
		const f = at('CDSP_SID(2)', 1);
		expect(show(f, definition(f.snapshot, f.at()))).toEqual(['/include/dt-bindings/sid.h:0:8-0:16 "CDSP_SID"']);
	});

	it('of a compatible string: the of_device_id entry when driver facts carry locations', () => {
		const f = at('"arm,mmu-500"', 3);
		expect(definition(f.snapshot, f.at())).toEqual([]);
		const loc = { file: '/linux/drivers/iommu/arm/arm-smmu/arm-smmu.c', start: { line: 2099, col: 14 }, end: { line: 2099, col: 27 } };
		const facts = builtinDriverFacts(NEWEST_KERNEL).map((d) => (d.name === 'arm-smmu' ? { ...d, compatibleLocs: { 'arm,mmu-500': loc } } : d));
		const withC: BoardSnapshot = { ...f.snapshot, driverFacts: () => facts };
		expect(definition(withC, f.at())).toEqual([loc]);
	});

	it('of nothing: none', () => {
		const f = at('\n\n\treserved-memory', 1);
		expect(definition(f.snapshot, f.at())).toEqual([]);
	});
});

describe('references', () => {
	it('of a label: every reference, in every file, with the declaration on request', () => {
		const f = at('apps_smmu: iommu', 1);
		const refs = show(f, references(f.snapshot, f.at(), false));
		expect(refs).toEqual([
			'/soc.dtsi:36:15-36:25 "&apps_smmu"',
			'/soc.dtsi:42:15-42:25 "&apps_smmu"',
			'/soc.dtsi:78:13-78:23 "&apps_smmu"',
			'/soc.dtsi:84:13-84:23 "&apps_smmu"',
		]);
		expect(show(f, references(f.snapshot, f.at(), true))).toEqual([...refs, '/soc.dtsi:115:2-115:11 "apps_smmu"', '/soc.dtsi:115:13-115:27 "iommu@15000000"']);
	});

	it('of a node through any of its references: labels and paths alike', () => {
		const f = at('serial0 = &uart', 11);
		expect(show(f, references(f.snapshot, f.at(), false))).toEqual(['/board.dts:11:0-11:5 "&uart"', '/board.dts:21:12-21:17 "&uart"']);
		const g = at('crypto: crypto', 1);
		expect(show(g, references(g.snapshot, g.at(), false))).toEqual(['/board.dts:15:0-15:24 "&{/soc@0/crypto@1dfa000}"', '/board.dts:22:11-22:35 "&{/soc@0/crypto@1dfa000}"']);
	});

	it('of a macro: every use in the board’s files', () => {
		const f = at('GIC_SPI 0', 2);
		const uses = references(f.snapshot, f.at(), true);
		expect(uses).toHaveLength(8);
		expect(show(f, uses.slice(0, 2))).toEqual(['/include/dt-bindings/arm-gic.h:0:8-0:15 "GIC_SPI"', '/soc.dtsi:112:17-112:24 "GIC_SPI"']);
	});

	it('of an include: every directive that reads the same file', () => {
		const f = at('#include "soc.dtsi"', 2);
		expect(show(f, references(f.snapshot, f.at(), false))).toEqual(['/board.dts:1:0-1:19 "#include \\"soc.dtsi\\""']);
	});
});
