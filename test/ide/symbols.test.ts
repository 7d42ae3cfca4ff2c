/**
 * The outline of a file as the board resolves it (a dtsi in its board's context, the board with its
 * `&label { }` blocks) and workspace symbols across snapshots.
 */
import { describe, expect, it } from 'vitest';
import { documentSymbols, workspaceSymbols, type DocumentSymbol } from '../../server/src/ide';
import { cursorFixture, spanText } from '../harness/cursor';
import { SDM845_LIKE } from './fixtures';

/** One line per symbol, indented by depth: kind, name, detail, selection span. */
function render(symbols: readonly DocumentSymbol[], depth = 0): string[] {
	return symbols.flatMap((s) => [`${'  '.repeat(depth)}${s.kind} ${s.name}${s.detail ? ` [${s.detail}]` : ''} ${spanText(s.selectionSpan)}`, ...render(s.children, depth + 1)]);
}

describe('documentSymbols', () => {
	const f = cursorFixture(SDM845_LIKE);

	it('outlines a dtsi in its board context: nodes and properties nested as written, replaced values marked', () => {
		const lines = render(documentSymbols(f.snapshot, '/soc.dtsi'));
		expect(lines).toHaveLength(86);
		expect(lines.slice(0, 24).join('\n')).toMatchInlineSnapshot(`
			"node / /soc.dtsi:3:0-3:1
			  property #address-cells /soc.dtsi:4:1-4:15
			  property #size-cells /soc.dtsi:5:1-5:12
			  node reserved-memory /soc.dtsi:7:1-7:16
			    property #address-cells /soc.dtsi:8:2-8:16
			    property #size-cells /soc.dtsi:9:2-9:13
			    property ranges /soc.dtsi:10:2-10:8
			    node memory@8b800000 [cdsp_mem:] /soc.dtsi:12:12-12:27
			      property reg /soc.dtsi:13:3-13:6
			      property no-map /soc.dtsi:14:3-14:9
			  node remoteproc-cdsp [cdsp_pas:] /soc.dtsi:18:11-18:26
			    property compatible /soc.dtsi:19:2-19:12
			    property memory-region /soc.dtsi:20:2-20:15
			    property status [(replaced)] /soc.dtsi:21:2-21:8
			    node glink-edge /soc.dtsi:23:2-23:12
			      property label /soc.dtsi:24:3-24:8
			      node fastrpc /soc.dtsi:26:3-26:10
			        property compatible /soc.dtsi:27:4-27:14
			        property qcom,glink-channels /soc.dtsi:28:4-28:23
			        property label /soc.dtsi:29:4-29:9
			        property #address-cells /soc.dtsi:30:4-30:18
			        property #size-cells /soc.dtsi:31:4-31:15
			        node compute-cb@1 /soc.dtsi:33:4-33:16
			          property compatible /soc.dtsi:34:5-34:15"
		`);
		expect(lines.filter((l) => l.includes('[(replaced)]'))).toEqual([
			'    property status [(replaced)] /soc.dtsi:21:2-21:8',
			'          property status [(replaced)] /soc.dtsi:70:5-70:11',
		]);
	});

	it('every symbol’s selection is inside its span, and children inside their parent', () => {
		const check = (s: DocumentSymbol, parent?: DocumentSymbol): void => {
			const key = (p: { line: number; col: number }): number => p.line * 1e6 + p.col;
			expect(key(s.selectionSpan.start)).toBeGreaterThanOrEqual(key(s.span.start));
			expect(key(s.selectionSpan.end)).toBeLessThanOrEqual(key(s.span.end));
			if (parent) expect(key(s.span.start)).toBeGreaterThanOrEqual(key(parent.span.start));
			for (const c of s.children) check(c, s);
		};
		for (const s of documentSymbols(f.snapshot, '/soc.dtsi')) check(s);
	});

	it('outlines the board: `&label { }` blocks with the path they extend', () => {
		expect(render(documentSymbols(f.snapshot, '/board.dts'))).toEqual([
			'node / /board.dts:3:0-3:1',
			'  property model /board.dts:4:1-4:6',
			'node &cdsp_pas [/remoteproc-cdsp] /board.dts:7:0-7:9',
			'  property status /board.dts:8:1-8:7',
			'node &uart [/soc@0/bus@a00000/bus@80000/serial@4000] /board.dts:11:0-11:5',
			'  property status /board.dts:12:1-12:7',
			'node &{/soc@0/crypto@1dfa000} [/soc@0/crypto@1dfa000] /board.dts:15:0-15:24',
			'  property status /board.dts:16:1-16:7',
			'node / /board.dts:19:0-19:1',
			'  node aliases /board.dts:20:1-20:8',
			'    property serial0 /board.dts:21:2-21:9',
			'    property crypto /board.dts:22:2-22:8',
		]);
	});

	it('puts a `&label { }` under the node it extends when the same file defines it; macros are listed', () => {
		const g = cursorFixture(`//- /include/ids.h
#define UART_IRQ 5
//- /board.dts
/dts-v1/;
#include <ids.h>
/ {
	uart0: serial@1000 {
		reg = <0x1000 0x100>;
		interrupts = <UART_IRQ>;
	};
};
&uart0 {
	status = "okay";
};
`);
		expect(render(documentSymbols(g.snapshot, '/board.dts'))).toEqual([
			'node / /board.dts:2:0-2:1',
			'  node serial@1000 [uart0:] /board.dts:3:8-3:19',
			'    property reg /board.dts:4:2-4:5',
			'    property interrupts /board.dts:5:2-5:12',
			'    node &uart0 [/serial@1000] /board.dts:8:0-8:6',
			'      property status /board.dts:9:1-9:7',
		]);
		expect(render(documentSymbols(g.snapshot, '/include/ids.h'))).toEqual(['macro UART_IRQ [5] /include/ids.h:0:8-0:16']);
	});

	it('answers nothing for a file the board does not read', () => {
		expect(documentSymbols(f.snapshot, '/other.dtsi')).toEqual([]);
	});
});

describe('workspaceSymbols', () => {
	const f = cursorFixture(SDM845_LIKE);
	const g = cursorFixture(SDM845_LIKE.replace('&uart {', '&qup {'));

	it('finds labels and node names (substring or in-order characters), once across boards sharing files', () => {
		const show = (q: string): string[] => workspaceSymbols([f.snapshot, g.snapshot], q).map((s) => `${s.kind} ${s.name} ${s.container} ${spanText(s.span)}`);
		expect(show('smmu')).toEqual([
			'label smmu_pcie /soc@0/iommu@2b500000 /soc.dtsi:107:2-107:12',
			'label apps_smmu /soc@0/iommu@15000000 /soc.dtsi:115:2-115:12',
		]);
		expect(show('cmpcb')).toEqual([
			'node compute-cb@1 /remoteproc-cdsp/glink-edge/fastrpc/compute-cb@1 /soc.dtsi:33:4-33:16',
			'node compute-cb@2 /remoteproc-cdsp/glink-edge/fastrpc/compute-cb@2 /soc.dtsi:39:4-39:16',
		]);
	});

	it('matches paths when the query has a slash', () => {
		expect(workspaceSymbols([f.snapshot], '/soc@0/iommu').map((s) => s.name)).toEqual(['/soc@0/iommu@2b500000', '/soc@0/iommu@15000000']);
	});
});
