/**
 * Finding: stream-id-range
 *
 * Triggers when a stream ID or SMR mask does not fit the IOMMU:
 * - an arm-smmu cell wider than the 16-bit SMR field (`arm_smmu_of_xlate()` truncates it silently);
 * - an ID or mask beyond the SoC profile's width: "stream ID 0x%x out of range for SMMU (0x%x)" /
 *   "SMR mask 0x%x out of range for SMMU (0x%x)" (-EINVAL from `arm_smmu_probe_device()`);
 * - an SMMUv3 StreamID beyond the profile's IDR1.SIDSIZE (`arm_smmu_sid_in_range()`, -ERANGE);
 * - an `iommu-map` output range that leaves the profile's stream ID width;
 * - a qcom,msm-iommu-v1 ASID outside its context banks (`WARN_ON`, -EINVAL);
 * - (info) a stream the SoC profile lists as secure or stage-2 only (hypervisor faults).
 * Width checks are silent without a profile number. The device then runs without IOMMU.
 */
import { hex } from '../addr';
import { masterName, nameOf, topologyFor, usesSmrs } from '../iommu/check-support';
import { smrOverlaps } from '../iommu/model-util';
import type { Finding } from '../types';
import type { CheckContext } from './context';

export function check(ctx: CheckContext): Finding[] {
	const t = topologyFor(ctx);
	const out: Finding[] = [];
	for (const m of t.masters) {
		if (!m.available || m.source === 'iommu-map') continue;
		for (const e of m.entries) {
			const inst = e.instance;
			if (!inst || !inst.available) continue;
			const pluginId = inst.plugin?.id;
			const related = [{ loc: inst.node.loc, message: `${nameOf(inst.node)} (${inst.plugin?.model ?? 'IOMMU'}; profile: ${inst.profile.sources.join(', ')})` }];
			if (e.decode?.kind === 'error' && pluginId === 'qcom-msm-iommu' && e.decode.errno !== 'EINVAL') {
				out.push({ id: 'stream-id-range', severity: 'error', message: `${masterName(m)}: ${e.decode.message} The device runs without IOMMU.`, loc: e.loc, related });
				continue;
			}
			if (e.decode?.kind === 'error' && pluginId === 'qcom-msm-iommu' && e.args.length === 1) {
				out.push({ id: 'stream-id-range', severity: 'error', message: `${masterName(m)}: ${e.decode.message}; of_xlate fails with -EINVAL and the device runs without IOMMU.`, loc: e.loc, related });
				continue;
			}
			if (e.decode?.kind !== 'ok' || e.decode.stream.id === undefined) continue;
			const s = e.decode.stream;
			const id = s.id as bigint;
			const known = inst.profile.known;
			if (pluginId === 'arm-smmu') {
				if (s.truncated) {
					out.push({
						id: 'stream-id-range',
						severity: 'error',
						message: `${masterName(m)}: cells <${s.rawCells.map((c) => hex(c)).join(' ')}> do not fit the 16-bit SMR ID/MASK fields: arm_smmu_of_xlate() keeps only ${s.label} (silently), so the SMMU matches other streams than intended.`,
						loc: e.loc,
						related,
					});
					continue;
				}
				if (known.streamIdBits !== undefined && id >> BigInt(known.streamIdBits)) {
					const limit = (1n << BigInt(known.streamIdBits)) - 1n;
					out.push({ id: 'stream-id-range', severity: 'error', message: `stream ID ${hex(id)} out of range for SMMU (${hex(limit)}): arm_smmu_probe_device() returns -EINVAL and ${masterName(m)} runs without IOMMU.`, loc: e.loc, related });
					continue;
				}
				const maskBits = known.smrMaskBits ?? known.streamIdBits;
				if (maskBits !== undefined && s.mask >> BigInt(maskBits)) {
					const limit = (1n << BigInt(maskBits)) - 1n;
					out.push({ id: 'stream-id-range', severity: 'error', message: `SMR mask ${hex(s.mask)} out of range for SMMU (${hex(limit)}): arm_smmu_probe_device() returns -EINVAL and ${masterName(m)} runs without IOMMU.`, loc: e.loc, related });
					continue;
				}
			}
			if (pluginId === 'arm-smmu-v3' && known.streamIdBits !== undefined && id >> BigInt(known.streamIdBits)) {
				out.push({ id: 'stream-id-range', severity: 'error', message: `StreamID ${hex(id)} is beyond the SMMU's ${known.streamIdBits}-bit stream table: arm_smmu_sid_in_range() fails, probe_device returns -ERANGE and ${masterName(m)} runs without IOMMU.`, loc: e.loc, related });
				continue;
			}
			for (const sec of known.secureStreams ?? []) {
				const mask = usesSmrs(inst) ? s.mask : 0n;
				if (smrOverlaps({ id, mask }, { id: BigInt(sec.id), mask: BigInt(sec.mask ?? 0) })) {
					out.push({
						id: 'stream-id-range',
						severity: 'info',
						message: `${masterName(m)}: ${s.label} includes stream ${hex(BigInt(sec.id))}${sec.mask ? ` mask ${hex(BigInt(sec.mask))}` : ''}, which the SoC profile lists as secure/stage-2 only${sec.note ? ` (${sec.note})` : ''}: under a hypervisor, HLOS use of it faults or hangs.`,
						loc: e.loc,
						related,
						fix: { kind: 'drop-iommus-entry', nodePath: m.ref.node.path, entryIndex: e.index },
					});
					break;
				}
			}
		}
	}
	for (const h of t.hosts) {
		const map = h.iommuMap;
		if (!map || map.error) continue;
		for (const me of map.entries) {
			const inst = me.target ? t.instanceByPath.get(me.target.path) : undefined;
			const bits = inst?.profile.known.streamIdBits;
			if (!inst || bits === undefined || me.length === 0n) continue;
			const last = me.outBase + me.length - 1n;
			if (last >> BigInt(bits)) {
				const limit = 1n << BigInt(bits);
				const related = [{ loc: inst.node.loc, message: `${nameOf(inst.node)} (profile: ${inst.profile.sources.join(', ')})` }];
				if (me.outBase >> BigInt(bits)) {
					out.push({
						id: 'stream-id-range',
						severity: 'error',
						message: `iommu-map entry ${me.index} of ${nameOf(h.node)} produces stream IDs ${hex(me.outBase)}-${hex(last)}, beyond ${nameOf(inst.node)}'s ${bits}-bit stream IDs: every PCI function it maps is refused and runs without IOMMU.`,
						loc: me.loc,
						related,
					});
				} else {
					// Only the tail leaves the width (amd-seattle maps the whole 16-bit RID space 1:1): only
					// functions actually enumerated at those RIDs are refused, which the tree cannot tell.
					const firstRid = me.idBase + (limit - me.outBase);
					out.push({
						id: 'stream-id-range',
						severity: 'warning',
						message: `iommu-map entry ${me.index} of ${nameOf(h.node)} produces stream IDs up to ${hex(last)}, beyond ${nameOf(inst.node)}'s ${bits}-bit stream IDs: a PCI function enumerated at RID ${hex(firstRid)} (bus ${hex(firstRid >> 8n)}) or above would be refused and run without IOMMU.`,
						loc: me.loc,
						related,
					});
				}
			}
		}
	}
	return out;
}
