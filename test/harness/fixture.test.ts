/**
 * The fixture harness itself: parsing of files and annotations, re-rendering, and a failing
 * comparison that shows the actual findings in place.
 */
import { describe, expect, test } from 'vitest';
import { checkFindings, compareFindings, parseFixture, renderFixture } from './fixture';

const BROKEN = [
	'//- /board.dts',
	'/dts-v1/;',
	'/ {',
	'    #address-cells = <1>;',
	'    #size-cells = <1>;',
	'    smmu: iommu@1000 {',
	'        compatible = "arm,mmu-500";',
	'        reg = <0x1000 0x1000>;',
	'        #iommu-cells = <1>;',
	'        #global-interrupts = <1>;',
	'        interrupts = <0 1 4>, <0 2 4>;',
	'        status = "disabled";',
	'    };',
	'    dev@2000 {',
	'        reg = <0x2000 0x100>;',
	'        iommus = <&smmu 0x10>;',
	'//               ^^^^^^^^^^^^ error[iommu-disabled]: wrong message',
	'    };',
	'};',
	'',
].join('\n');

describe('fixture harness', () => {
	test('parses files, the board and annotations with absolute columns', () => {
		const parsed = parseFixture(['ignored preamble', '//- /a.dtsi', '/ { };', '//- /board.dts', '/include/ "a.dtsi"', '    x;', '//  ^^ warning[some-id]: a message', '//  ^ {end +1:3} info[other]: spans lines', 'y;', ''].join('\n'));
		expect(parsed.board).toBe('/board.dts');
		expect(parsed.files.map((f) => f.path)).toEqual(['/a.dtsi', '/board.dts']);
		expect(parsed.expected).toEqual([
			{ id: 'some-id', severity: 'warning', file: '/board.dts', startLine: 1, startCol: 4, endLine: 1, endCol: 6, message: 'a message' },
			{ id: 'other', severity: 'info', file: '/board.dts', startLine: 1, startCol: 4, endLine: 4, endCol: 3, message: 'spans lines' },
		]);
		// Rendering the expectations back gives the same text.
		expect(renderFixture(parsed, parsed.expected)).toBe(['ignored preamble', '//- /a.dtsi', '/ { };', '//- /board.dts', '/include/ "a.dtsi"', '    x;', '//  ^^ warning[some-id]: a message', '//  ^ {end +1:3} info[other]: spans lines', 'y;', ''].join('\n'));
	});

	test('the first file is the board without a /board.dts; a fixture without markers is /board.dts', () => {
		expect(parseFixture('//- /x.dts\n/ { };\n').board).toBe('/x.dts');
		expect(parseFixture('/ { };\n').files.map((f) => f.path)).toEqual(['/board.dts']);
	});

	test('a malformed annotation or one with nothing above it is an error', () => {
		expect(() => parseFixture('//- /board.dts\n//  ^^ error[x]: nothing above\n')).toThrow(/no line above/);
		expect(() => parseFixture('//- /board.dts\n/ { };\n//  ^^ bogus[x]: bad severity\n')).toThrow(/malformed annotation/);
	});

	test('a wrong annotation fails, and the failure shows the fixture with the actual findings', () => {
		const result = compareFindings(BROKEN);
		expect(result.ok).toBe(false);
		const actual = result.actual.split('\n');
		const at = actual.indexOf('        iommus = <&smmu 0x10>;');
		expect(actual[at + 1]).toMatch(/^\/\/ {16}\^{10} warning\[iommu-disabled\]: \/dev@2000 uses &smmu \(iommus entry 0\), which is disabled/);
		expect(actual).not.toContain('//               ^^^^^^^^^^^^ error[iommu-disabled]: wrong message');
		let message = '';
		try {
			checkFindings(BROKEN);
		} catch (error) {
			message = error instanceof Error ? error.message : String(error);
		}
		expect(message).toContain('findings differ; the fixture with the actual findings:');
		expect(message).toContain(actual[at + 1]);
	});

	test('the re-rendered text passes as a fixture (round trip)', () => {
		const { actual } = compareFindings(BROKEN);
		expect(compareFindings(actual).ok).toBe(true);
	});

	test('front-end diagnostics in files the fixture does not have are written at the end', () => {
		const { actual, ok } = compareFindings('//- /board.dts\n/dts-v1/;\n#include "missing.dtsi"\n/ { };\n');
		expect(ok).toBe(false);
		expect(actual).toMatch(/missing\.dtsi/);
		expect(compareFindings(actual).ok).toBe(true);
	});

	test('options pass through: kernel version', () => {
		expect(() => compareFindings('/ { };\n', { kernel: 'nonsense' })).toThrow();
	});
});
