/** The reverse index: what is at a place, innermost first; built once per snapshot. */
import { describe, expect, it } from 'vitest';
import { boardIndex, type Located } from '../../server/src/ide/locate';
import { cursorFixture } from '../harness/cursor';
import { SDM845_LIKE, mark } from './fixtures';

const describeEntry = (e: Located): string => {
	switch (e.kind) {
		case 'cell':
			return `cell ${e.prop.name}[${e.cellIndex}] = 0x${e.value.toString(16)}${e.ref ? ` ref ${e.ref.text}` : ''}`;
		case 'reference':
			return `reference ${e.ref.text} → ${e.ref.target?.path}`;
		case 'node-name':
			return `node-name ${e.node.path}`;
		case 'label-def':
			return `label-def ${e.name}`;
		case 'property-name':
			return `property-name ${e.prop.name}${e.current ? '' : ' (replaced)'}`;
		case 'string':
			return `string ${e.prop.name}[${e.index}] "${e.value}"`;
		case 'include':
			return `include ${e.directive}`;
		case 'macro-use':
			return `macro-use ${e.use.name}`;
		case 'macro-def':
			return `macro-def ${e.macro.name}`;
	}
};

function at(needle: string, offset = 0, nth = 0): string[] {
	const f = cursorFixture(mark(SDM845_LIKE, needle, '$0', offset, nth));
	const q = f.at();
	return boardIndex(f.snapshot).at(q.file, q.position).map(describeEntry);
}

describe('boardIndex', () => {
	it('is built once per snapshot', () => {
		const f = cursorFixture(SDM845_LIKE);
		expect(boardIndex(f.snapshot)).toBe(boardIndex(f.snapshot));
	});

	it('finds cells with their index in the property, and the phandle cell’s reference', () => {
		expect(at('0x1401 0x30', 3)).toEqual(['cell iommus[1] = 0x1401']);
		expect(at('0x30>;\n\t\t\t\t};\n\n\t\t\t\tcompute-cb@2', 1)).toEqual(['cell iommus[2] = 0x30']);
		expect(at('&apps_smmu 0x1401', 1)).toEqual(['cell iommus[0] = 0x2 ref apps_smmu']);
	});

	it('finds a cell a macro produced, then the macro use around it', () => {
		expect(at('CDSP_SID(2)', 9)).toEqual(['cell iommus[1] = 0x1402', 'macro-use CDSP_SID']);
	});

	it('finds names, labels, strings, references, includes and definitions', () => {
		expect(at('iommu@15000000 {', 3)).toEqual(['node-name /soc@0/iommu@15000000']);
		expect(at('apps_smmu: iommu', 2)).toEqual(['label-def apps_smmu']);
		expect(at('"arm,mmu-500"', 2)).toEqual(['string compatible[1] "arm,mmu-500"']);
		expect(at('&uart {', 1)).toEqual(['reference uart → /soc@0/bus@a00000/bus@80000/serial@4000']);
		expect(at('serial0 = &uart', 11)).toEqual(['reference uart → /soc@0/bus@a00000/bus@80000/serial@4000']);
		expect(at('#include <dt-bindings/sid.h>', 3)).toEqual(['include #include <dt-bindings/sid.h>']);
		expect(at('#define CDSP_SID', 9)).toEqual(['macro-def CDSP_SID']);
		expect(at('status = "disabled";\n\n\t\tglink', 1)).toEqual(['property-name status (replaced)']);
		expect(at('status = "okay";\n};\n\n&uart', 1)).toEqual(['property-name status']);
	});

	it('finds nothing between things', () => {
		expect(at('\n\n\treserved-memory', 1)).toEqual([]);
	});

	it('lists what lies in a range (for inlay hints), and every reference to a node', () => {
		const f = cursorFixture(SDM845_LIKE);
		const index = boardIndex(f.snapshot);
		const inRange = index.within({ file: '/soc.dtsi', start: { line: 36, col: 0 }, end: { line: 36, col: 99 } }).map(describeEntry);
		expect(inRange).toEqual(['property-name iommus', 'cell iommus[0] = 0x2 ref apps_smmu', 'cell iommus[1] = 0x1401', 'cell iommus[2] = 0x30']);
		const smmu = index.nodes.find((n) => n.path === '/soc@0/iommu@15000000')!;
		expect(index.referencesTo(smmu)).toHaveLength(4);
	});
});
