/**
 * Finding: iommus-cells
 *
 * Triggers when an `iommus` list does not split into entries of the target's `#iommu-cells`: the list
 * ends inside an entry, a stray cell lands where a phandle should be (0 ends the walk; another value
 * names a bogus node), the cells only make sense with another per-entry count, or an IOMMU node's
 * `#iommu-cells` is one its driver does not accept (e.g. `rockchip,iommu` with arguments: the 2017
 * driver says "incorrect number of iommu params found for %s (found %d, expected 0)").
 * The kernel: `of_parse_phandle_with_args()` reads entries by the target's `#iommu-cells`, so one
 * wrong count desynchronises every later entry; `of_iommu_configure()` stops at the first entry it
 * cannot parse and an `of_xlate` error leaves the device without IOMMU.
 */
import { hex } from '../addr';
import { u32, u32s } from '../dt/props';
import { masterName, nameOf, topologyFor } from '../iommu/check-support';
import type { Finding, RelatedRef } from '../types';
import type { CheckContext } from './context';

export function check(ctx: CheckContext): Finding[] {
	const t = topologyFor(ctx);
	const out: Finding[] = [];
	for (const m of t.masters) {
		if (m.source !== 'iommus' || !m.available) continue;
		const prop = m.ref.node.property('iommus');
		const list = u32s(prop);
		if (!prop || !list) continue;
		const first = m.entries[0];
		const target = first?.target;
		// A stray cell that happens to be the target's own phandle parses as a duplicate entry
		// (`<&mmu 1>` with #iommu-cells = <0> and &mmu = phandle 1): only a re-split explains it.
		const duplicate = m.entries.find((e, i) => e.target !== undefined && m.entries.slice(0, i).some((p) => p.target === e.target && p.args.length === e.args.length && p.args.every((a, j) => a === e.args[j])));
		const broken = m.entries.find((e) => e.problem === 'empty' || e.problem === 'truncated' || e.problem === 'no-target' || (e.target && e.target !== target && !e.instance));
		const trouble = broken ?? duplicate;
		if (!trouble || !target || !first.instance) continue;
		const n = u32(target, '#iommu-cells') ?? 0;
		// Try other per-entry counts: every chunk must start with the first entry's phandle. One chunk is
		// enough when it carries more cells than #iommu-cells (`<&mmu 5>` for a 0-cell IOMMU).
		let written: number | undefined;
		for (let k = 0; k <= 3; k++) {
			const single = k > n && (trouble.target === undefined || trouble.target === target);
			if (k === n || list.length % (1 + k) !== 0 || list.length / (1 + k) < (single ? 1 : 2)) continue;
			let ok = true;
			for (let i = 0; i < list.length; i += 1 + k) if (list[i] !== target.phandle) ok = false;
			if (ok) {
				written = k;
				break;
			}
		}
		if (written !== undefined) {
			const chunks: string[][] = [];
			for (let i = 0; i < list.length; i += 1 + written) chunks.push(list.slice(i + 1, i + 1 + written).map((c) => hex(BigInt(c))));
			const plugin = first.instance.plugin;
			const accepts = plugin?.cellCounts === undefined || plugin.cellCounts.includes(written);
			out.push({
				id: 'iommus-cells',
				severity: 'error',
				message: `${masterName(m)} writes ${written} cell(s) per iommus entry but ${nameOf(target)} has #iommu-cells = <${n}>: of_parse_phandle_with_args() splits the list by ${n}, so entry ${trouble.index} onward is misread (${trouble === broken ? describeTrouble(trouble.problem) : `a stray cell is read as a phandle and happens to be ${nameOf(target)}'s own, making a duplicate entry`}) and the device ${trouble !== broken ? 'works only by luck' : trouble.problem === 'empty' || trouble.problem === 'truncated' || trouble.problem === 'no-target' ? 'uses only the entries before it' : 'gets bogus stream IDs'}.`,
				loc: prop.loc,
				related: [{ loc: target.property('#iommu-cells')?.loc ?? target.loc, message: `#iommu-cells = <${n}> on ${nameOf(target)}` }],
				fix: {
					kind: 'iommus-cells',
					nodePath: m.ref.node.path,
					property: 'iommus',
					targetPath: target.path,
					targetCells: n,
					writtenCells: written,
					...(accepts ? { setTargetCells: written } : {}),
					entries: chunks.map((c) => [...c.slice(0, n), ...new Array(Math.max(0, n - c.length)).fill('0x0')]),
				},
			});
			continue;
		}
		if (trouble === broken && (trouble.problem === 'truncated' || trouble.problem === 'empty')) {
			out.push({
				id: 'iommus-cells',
				severity: 'error',
				message:
					trouble.problem === 'truncated'
						? `The iommus list of ${masterName(m)} ends inside entry ${trouble.index} (${nameOf(trouble.target ?? target)} needs ${u32(trouble.target ?? target, '#iommu-cells') ?? '?'} cell(s)): of_parse_phandle_with_args() fails and of_iommu_configure() ignores this entry and anything after it.`
						: `Entry ${trouble.index} of the iommus list of ${masterName(m)} has phandle 0: of_iommu_configure() stops there and the entries after it are ignored (usually a cell count that does not match #iommu-cells).`,
				loc: trouble.loc,
				related: [{ loc: target.property('#iommu-cells')?.loc ?? target.loc, message: `#iommu-cells = <${n}> on ${nameOf(target)}` }],
			});
		}
	}
	// IOMMU nodes whose #iommu-cells their driver does not accept.
	for (const inst of t.instances) {
		const accepted = inst.plugin?.cellCounts;
		if (!accepted || inst.iommuCells === undefined || accepted.includes(inst.iommuCells) || !inst.available) continue;
		const users: RelatedRef[] = [];
		for (const m of t.masters) for (const e of m.entries) if (e.instance === inst && m.available) users.push({ loc: e.loc, message: `${masterName(m)} uses ${nameOf(inst.node)}` });
		if (inst.plugin?.id === 'arm-smmu-v3' && inst.iommuCells > 1) {
			// arm_smmu_of_xlate() adds only args[0] (the StreamID): every further cell is parsed past and ignored.
			out.push({
				id: 'iommus-cells',
				severity: 'warning',
				message: `${nameOf(inst.node)} (Arm SMMUv3) has #iommu-cells = <${inst.iommuCells}>, but the arm,smmu-v3 binding takes exactly 1 (the StreamID): of_parse_phandle_with_args() reads ${inst.iommuCells} cells per iommus entry and arm_smmu_of_xlate() uses only the first, so the other ${inst.iommuCells - 1} cell(s) of every entry are ignored (an SMR-style mask has no meaning on SMMUv3). A binding violation: masters still get their StreamIDs.`,
				loc: inst.node.property('#iommu-cells')?.loc ?? inst.node.loc,
				related: users,
				fix: { kind: 'set-iommu-cells', nodePath: inst.path, cells: 1 },
			});
			continue;
		}
		const decodeError = t.masters.flatMap((m) => m.entries).find((e) => e.instance === inst && e.decode?.kind === 'error');
		const kernel = decodeError?.decode?.kind === 'error' && decodeError.decode.kernelPrints ? ` The driver says "${decodeError.decode.message}" and the master runs without IOMMU.` : ' Masters\' specifiers do not carry what the driver expects.';
		out.push({
			id: 'iommus-cells',
			severity: 'error',
			message: `${nameOf(inst.node)} (${inst.plugin?.model}) has #iommu-cells = <${inst.iommuCells}>, but its binding takes ${accepted.join(' or ')} cell(s).${kernel}`,
			loc: inst.node.property('#iommu-cells')?.loc ?? inst.node.loc,
			related: users,
			fix: { kind: 'set-iommu-cells', nodePath: inst.path, cells: accepted[0] },
		});
	}
	return out;
}

function describeTrouble(problem: string | undefined): string {
	switch (problem) {
		case 'empty':
			return 'a 0 where a phandle should be ends the walk';
		case 'truncated':
			return 'the list ends inside an entry';
		case 'no-target':
			return 'a cell is read as a phandle no node has';
		default:
			return 'a cell is read as the phandle of another node';
	}
}
