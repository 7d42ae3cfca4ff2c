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
 * Only nodes that `of_platform_default_populate()` turns into platform devices are checked: an
 * available node with a `compatible` that is a child of the root or of a populated bus matching
 * `of_default_bus_match_table` (`simple-bus`, `simple-mfd`, `isa`, `arm,amba-bus`). Only for those does
 * `of_device_alloc()` translate every `reg` entry. Any other node's `reg` is read by the driver of its
 * parent in the parent's own address space (nvmem cells under an efuse/qfprom/`nvmem-layout`, flash
 * partitions, sub-blocks of an interrupt controller, PCI function nodes whose `ranges` the PCI core
 * fills in at run time), so a parent without `ranges` is normal there. Likewise a populated child of a
 * `syscon` without `ranges` (a `simple-mfd` GRF's `usb2phy@e450`): by convention its `reg` is an
 * offset into the parent's regmap, which its driver reads raw (`of_property_read_u32()`).
 *
 * Severity: `of_device_alloc()` counts resources with `of_address_count()`, which stops silently at the
 * first entry that does not translate, so the device keeps the entries before it. Entry 0 failing
 * leaves the device with no memory resource at all (error: drivers map entry 0); a later entry is a
 * warning (only a driver that maps that entry fails).
 *
 * Not reported: buses with `#size-cells = <0>` (i2c, spi: not memory-mapped), PCI
 * configuration-space addresses, `/reserved-memory` children (the `carveout` check covers them).
 */
import { decodeReg } from '../address/reg';
import { describeAddress } from '../address/translate';
import { compatibles, isAvailableInTree, isCompatible, walk } from '../dt/props';
import type { DtNodeView, Finding } from '../types';
import type { CheckContext } from './context';

/** `of_default_bus_match_table`: buses whose children `of_platform_populate()` walks into. */
const DEFAULT_BUS_COMPATIBLES = ['simple-bus', 'simple-mfd', 'isa', 'arm,amba-bus'];

/**
 * True when `of_platform_default_populate()` creates a platform device for `node` (and so
 * translates its `reg` in `of_device_alloc()`): the node has a `compatible` (populate is strict) and
 * is a child of the root or of a populated node that matches the default bus table.
 */
export function isDefaultPopulated(node: DtNodeView): boolean {
	const parent = node.parent;
	if (!parent || compatibles(node).length === 0) return false;
	if (!parent.parent) return true;
	return isCompatible(parent, DEFAULT_BUS_COMPATIBLES) && isDefaultPopulated(parent);
}

/** Runs the `reg-translate` check. */
export function check(ctx: CheckContext): Finding[] {
	const out: Finding[] = [];
	const view = ctx.view;
	const reservedMemory = view.byPath('/reserved-memory');
	const all = walk(view.root);
	for (let idx = 0; idx < all.length; idx++) {
		const node = all[idx] as DtNodeView;
		const reg = node.property('reg');
		if (!reg || !node.parent || !isAvailableInTree(node) || !isDefaultPopulated(node)) continue;
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
			if (failure.reason === 'no-ranges' && failure.at === node.parent.path && isCompatible(node.parent, ['syscon'])) continue;
			const addr = describeAddress(decoded.busKind, entry.addressCells);
			const bus = view.byPath(failure.at);
			const related = [
				...entry.translation.hops.map((h) => ({ loc: h.loc, message: `${h.property} of ${h.bus}: ${h.mode === 'window' ? 'translated' : '1:1'} to 0x${h.parentAddress.toString(16)}` })),
				{ loc: failure.loc, message: failure.reason === 'no-ranges' ? `${failure.at} has no ranges` : `ranges of ${failure.at}` },
			];
			const why = failure.reason === 'no-ranges' ? `${failure.at} has no ranges property` : `no ranges entry of ${failure.at} covers it`;
			out.push({
				id: 'reg-translate',
				severity: entry.index === 0 ? 'error' : 'warning',
				message: `reg entry ${entry.index}${entry.name ? ` ("${entry.name}")` : ''} of ${node.path} (${addr}) cannot be translated to a CPU address: ${why}. of_address_to_resource() returns -EINVAL and of_device_alloc() stops counting resources there, so the platform device has no memory resource for ${entry.index === 0 ? 'any entry' : 'this entry or a later one'}, and a driver that maps it fails its probe.`,
				loc: entry.loc,
				related,
				...(failure.reason === 'no-ranges' && bus ? { fix: { kind: 'add-empty-ranges', bus: bus.path } } : {}),
			});
		}
	}
	return out;
}
