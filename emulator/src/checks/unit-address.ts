/**
 * Finding: unit-address
 *
 * Triggers when the unit address of a node that matters for DMA and IOMMU wiring disagrees with
 * its first `reg` address, written in the parent bus's format as dtc expects it (`%llx` of the
 * address for simple buses, `dev[,func]` for PCI), or when such a node has a unit address but no
 * `reg`/`ranges` (or `reg` but no unit address) — dtc's `unit_address_vs_reg`, `simple_bus_reg` and
 * `pci_device_reg`. Only IOMMU providers (`#iommu-cells`), DMA masters (`iommus`, `iommu-map`),
 * `/reserved-memory` regions and remote processors are checked; dtc already warns about the rest.
 *
 * What the kernel does: nothing with the unit address — it uses `reg`. A mismatch usually means
 * the `reg` was copied from a sibling (the device then maps the wrong registers) or the name is
 * stale (overlays and `&label` references then patch the wrong node).
 */
import { decodeReg } from '../address/reg';
import { compatibles, isAvailableInTree, unitAddress, walk } from '../dt/props';
import { remoteprocFamily } from '../rpmsg/remoteproc';
import type { DtNodeView, Finding } from '../types';
import type { CheckContext } from './context';

/**
 * Info, not warning: the kernel never reads a unit address (device names come from the translated
 * `reg`), so a mismatch changes nothing at run time; on the corpus it fired on 500+ healthy boards
 * (rk356x `video-codec@fdea0400` with `reg` at 0xfdea0000, hamoa `compute-cb@10` with `reg = <10>`).
 */
const SEVERITY = 'info' as const;

/** Why a node is checked. */
function role(node: DtNodeView, reservedMemory: DtNodeView | undefined): string | undefined {
	if (node.property('#iommu-cells')) return 'IOMMU';
	if (node.property('iommus') || node.property('iommu-map')) return 'DMA master';
	if (reservedMemory && node.parent === reservedMemory) return 'reserved-memory region';
	if (remoteprocFamily(compatibles(node))) return 'remote processor';
	return undefined;
}

/** The unit address dtc expects for the first reg entry, or undefined when there is no rule for the bus. */
function expectedUnit(decoded: ReturnType<typeof decodeReg>): string | undefined {
	const first = decoded.entries[0];
	if (!first) return undefined;
	if (decoded.busKind === 'pci') {
		if (!first.pci) return undefined;
		return first.pci.device.toString(16) + (first.pci.function ? `,${first.pci.function.toString(16)}` : '');
	}
	if (decoded.busKind === 'isa') return undefined;
	return first.busAddress.toString(16);
}

/** True when the written unit address means the same number(s) as the expected one (leading zeros and case aside, which dtc reports itself). */
function sameUnit(written: string, expected: string): boolean {
	const parts = (s: string) => s.split(',').map((p) => p.replace(/^0x/i, ''));
	const a = parts(written);
	const b = parts(expected);
	if (a.length !== b.length) return false;
	return a.every((p, i) => /^[0-9a-f]+$/i.test(p) && BigInt(`0x${p}`) === BigInt(`0x${b[i] as string}`));
}

/** Runs the `unit-address` check. */
export function check(ctx: CheckContext): Finding[] {
	const out: Finding[] = [];
	const reservedMemory = ctx.view.byPath('/reserved-memory');
	const all = walk(ctx.view.root);
	for (let idx = 0; idx < all.length; idx++) {
		const node = all[idx] as DtNodeView;
		if (!node.parent || !isAvailableInTree(node)) continue;
		const why = role(node, reservedMemory);
		if (!why) continue;
		const unit = unitAddress(node);
		const reg = node.property('reg');
		if (!reg) {
			if (unit !== undefined && !node.property('ranges')) {
				out.push({
					id: 'unit-address',
					severity: SEVERITY,
					message: `${why} ${node.path} has a unit address but no reg or ranges: the kernel has no address for it, so the name promises a location nothing describes.`,
					loc: node.loc,
					related: [],
				});
			}
			continue;
		}
		const decoded = decodeReg(ctx.view, node);
		const expected = expectedUnit(decoded);
		if (unit === undefined) {
			out.push({
				id: 'unit-address',
				severity: SEVERITY,
				message: `${why} ${node.path} has a reg but no unit address${expected ? ` (expected "@${expected}")` : ''}: the kernel uses reg; give the node a unit address so that references and overlays name it unambiguously.`,
				loc: node.loc,
				related: [{ loc: reg.loc, message: 'reg' }],
				...(expected ? { fix: { kind: 'set-unit-address', node: node.path, unitAddress: expected } } : {}),
			});
			continue;
		}
		if (expected === undefined || sameUnit(unit, expected)) continue;
		const first = decoded.entries[0];
		out.push({
			id: 'unit-address',
			severity: SEVERITY,
			message: `unit address "${unit}" of ${why} ${node.path} does not match its first reg address (expected "${expected}"): the kernel uses reg${first?.cpuRange ? ` (CPU 0x${first.cpuRange.start.toString(16)})` : ''}, not the name, so either reg or the name is wrong.`,
			loc: node.loc,
			related: first ? [{ loc: first.loc, message: 'first reg entry' }] : [],
			fix: { kind: 'set-unit-address', node: node.path, unitAddress: expected },
		});
	}
	return out;
}
