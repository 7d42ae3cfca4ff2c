/**
 * Finding: reg-translate
 *
 * Triggers on an available node whose `reg` entry cannot be translated to a CPU physical address
 * through the `ranges` of its ancestors (a bus without `ranges`, or no `ranges` entry covering
 * the address), and on a `reg` whose length is not a whole number of `<address size>` entries.
 *
 * What the kernel does: `of_address_to_resource()` gets `OF_BAD_ADDR` from
 * `__of_translate_address()` and returns -EINVAL, so the platform device has no MEM resource for
 * that entry and `devm_platform_ioremap_resource()` fails; the driver's probe fails. Cells after
 * the last whole entry are never read by `__of_get_address()`.
 *
 * Not reported: buses with `#size-cells = <0>` (i2c, spi: not memory-mapped), PCI
 * configuration-space addresses, `/reserved-memory` children (the `carveout` check covers them).
 */
import { decodeReg } from '../address/reg';
import { describeAddress } from '../address/translate';
import { isAvailableInTree, walk } from '../dt/props';
import type { Finding } from '../types';
import type { CheckContext } from './context';

/** Runs the `reg-translate` check. */
export function check(ctx: CheckContext): Finding[] {
	const out: Finding[] = [];
	const view = ctx.view;
	const reservedMemory = view.byPath('/reserved-memory');
	for (const node of walk(view.root)) {
		const reg = node.property('reg');
		if (!reg || !node.parent || !isAvailableInTree(node)) continue;
		if (reservedMemory && node.parent === reservedMemory) continue;
		const decoded = decodeReg(view, node);
		if (decoded.sizeCells === 0 || decoded.unusable) continue;
		const entrySize = decoded.addressCells + decoded.sizeCells;
		if (decoded.trailingCells > 0) {
			out.push({
				id: 'reg-translate',
				severity: 'warning',
				message: `reg of ${node.path} is ${reg.bytes.length / 4} cells, not a multiple of ${entrySize} (#address-cells ${decoded.addressCells} + #size-cells ${decoded.sizeCells}): the kernel reads ${decoded.entries.length} entr${decoded.entries.length === 1 ? 'y' : 'ies'} and ignores the last ${decoded.trailingCells} cell${decoded.trailingCells === 1 ? '' : 's'}.`,
				loc: reg.loc,
				related: [],
			});
		}
		for (const entry of decoded.entries) {
			const failure = entry.translation.failure;
			if (!failure || failure.reason === 'pci-config-space' || failure.reason === 'bad-cell-count') continue;
			const addr = describeAddress(decoded.busKind, entry.addressCells);
			const bus = view.byPath(failure.at);
			const related = [
				...entry.translation.hops.map((h) => ({ loc: h.loc, message: `${h.property} of ${h.bus}: ${h.mode === 'window' ? 'translated' : '1:1'} to 0x${h.parentAddress.toString(16)}` })),
				{ loc: failure.loc, message: failure.reason === 'no-ranges' ? `${failure.at} has no ranges` : `ranges of ${failure.at}` },
			];
			const why = failure.reason === 'no-ranges' ? `${failure.at} has no ranges property` : `no ranges entry of ${failure.at} covers it`;
			out.push({
				id: 'reg-translate',
				severity: 'error',
				message: `reg entry ${entry.index}${entry.name ? ` ("${entry.name}")` : ''} of ${node.path} (${addr}) cannot be translated to a CPU address: ${why}. of_address_to_resource() returns -EINVAL, so the device gets no memory resource and its driver cannot map its registers.`,
				loc: entry.loc,
				related,
				...(failure.reason === 'no-ranges' && bus ? { fix: { kind: 'add-empty-ranges', bus: bus.path } } : {}),
			});
		}
	}
	return out;
}
