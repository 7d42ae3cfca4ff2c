/**
 * Whether an arm-smmu (v1/v2) node itself probes, as `arm_smmu_device_dt_probe()` and
 * `arm_smmu_device_probe()` decide: `#global-interrupts` is mandatory ("missing #global-interrupts
 * property"), there must be more interrupts than global ones ("found %d interrupts but expected at least
 * %d"), an SMMUv2 needs at least NUMCB context interrupts ("found only %d context irq(s) but %d required",
 * only known with a profile), and the legacy `mmu-masters` binding cannot be mixed with the generic one
 * ("not probing due to mismatched DT properties": the first SMMU to probe decides, here document order).
 */
import { parsePhandleArgs, u32, u32s } from '../dt/props';
import type { DtNodeView, DtView, RelatedRef, Severity, SourceRef } from '../types';

/** One reason an SMMU node does not probe (or a notice about it). */
export interface SmmuProbeIssue {
	readonly kind: 'global-interrupts' | 'too-few-interrupts' | 'context-irqs' | 'mismatched-binding' | 'legacy-binding';
	readonly severity: Severity;
	/** True when the SMMU is not registered because of this issue. */
	readonly fatal: boolean;
	readonly message: string;
	readonly loc: SourceRef;
	readonly related: readonly RelatedRef[];
}

const V1 = ['arm,smmu-v1', 'arm,mmu-400', 'arm,mmu-401'];

/** True for SMMUv1 implementations (their context interrupts may be shared). */
export function isSmmuV1(compatibles: readonly string[]): boolean {
	return compatibles.some((c) => V1.includes(c));
}

/** `of_irq_find_parent()`: `interrupt-parent` on the node or an ancestor, else the nearest ancestor. */
function interruptParent(view: DtView, node: DtNodeView): DtNodeView | undefined {
	for (let n: DtNodeView | undefined = node; n; n = n.parent) {
		const p = u32(n, 'interrupt-parent');
		if (p !== undefined) return view.byPhandle(p);
		if (n !== node && n.property('interrupt-controller')) return n;
	}
	return undefined;
}

/** The number of interrupts of a node (`interrupts-extended` or `interrupts`), undefined when it cannot be known. */
export function interruptCount(view: DtView, node: DtNodeView): number | undefined {
	if (node.property('interrupts-extended')) {
		const entries = parsePhandleArgs(view, node, 'interrupts-extended', '#interrupt-cells');
		return entries.some((e) => e.error) ? undefined : entries.length;
	}
	const list = u32s(node.property('interrupts'));
	if (!list) return node.property('interrupts') ? undefined : 0;
	const parent = interruptParent(view, node);
	const cellsPer = parent ? u32(parent, '#interrupt-cells') : undefined;
	if (!cellsPer) return undefined;
	return Math.floor(list.length / cellsPer);
}

/** The arm-smmu node facts the issues need. */
export interface SmmuNode {
	readonly node: DtNodeView;
	readonly compatibles: readonly string[];
	readonly available: boolean;
	/** The profile's NUMCB when known. */
	readonly numContextBanks?: number;
}

/** Probe issues of every available arm-smmu node, keyed by node path. */
export function smmuProbeIssues(view: DtView, smmus: readonly SmmuNode[]): Map<string, SmmuProbeIssue[]> {
	const out = new Map<string, SmmuProbeIssue[]>();
	const add = (path: string, issue: SmmuProbeIssue): void => {
		const list = out.get(path) ?? [];
		list.push(issue);
		out.set(path, list);
	};
	let firstMode: { legacy: boolean; node: DtNodeView } | undefined;
	for (const smmu of smmus) {
		if (!smmu.available) continue;
		const { node } = smmu;
		const globalProp = node.property('#global-interrupts');
		const global = u32(node, '#global-interrupts');
		if (global === undefined) {
			add(node.path, {
				kind: 'global-interrupts',
				severity: 'error',
				fatal: true,
				message: `missing #global-interrupts property: arm_smmu_device_dt_probe() returns -ENODEV, the SMMU is never registered, and its masters wait for it (fw_devlink) and then run without IOMMU.`,
				loc: node.loc,
				related: [],
			});
			continue;
		}
		const legacyProp = node.property('mmu-masters');
		const legacy = legacyProp !== undefined;
		if (!firstMode) {
			firstMode = { legacy, node };
			if (legacy) {
				add(node.path, {
					kind: 'legacy-binding',
					severity: 'info',
					fatal: false,
					message: 'deprecated "mmu-masters" DT property in use; DMA API support unavailable: masters of this binding get no IOMMU DMA ops.',
					loc: legacyProp.loc,
					related: [],
				});
			}
		} else if (firstMode.legacy !== legacy) {
			add(node.path, {
				kind: 'mismatched-binding',
				severity: 'error',
				fatal: true,
				message: `not probing due to mismatched DT properties: ${node.path} uses the ${legacy ? 'legacy "mmu-masters"' : 'generic "#iommu-cells"'} binding while ${firstMode.node.path} (probed first in document order) uses the ${firstMode.legacy ? 'legacy' : 'generic'} one; this SMMU returns -ENODEV and its masters run without IOMMU. Which SMMU loses depends on probe order.`,
				loc: (legacy ? legacyProp?.loc : node.property('#iommu-cells')?.loc) ?? node.loc,
				related: [{ loc: firstMode.node.loc, message: `${firstMode.node.path} decides the binding (${firstMode.legacy ? 'legacy' : 'generic'})` }],
			});
		}
		const irqs = interruptCount(view, node);
		if (irqs === undefined) continue;
		const irqLoc = node.property('interrupts')?.loc ?? node.property('interrupts-extended')?.loc ?? node.loc;
		if (irqs <= global) {
			add(node.path, {
				kind: 'too-few-interrupts',
				severity: 'error',
				fatal: true,
				message: `found ${irqs} interrupts but expected at least ${global + 1}: the SMMU probe fails with -ENODEV and its masters run without IOMMU.`,
				loc: irqLoc,
				related: globalProp ? [{ loc: globalProp.loc, message: `#global-interrupts = <${global}>` }] : [],
			});
			continue;
		}
		const context = irqs - global;
		if (!isSmmuV1(smmu.compatibles) && smmu.numContextBanks !== undefined && context < smmu.numContextBanks) {
			add(node.path, {
				kind: 'context-irqs',
				severity: 'error',
				fatal: true,
				message: `found only ${context} context irq(s) but ${smmu.numContextBanks} required: an SMMUv2 needs one context interrupt per context bank (NUMCB ${smmu.numContextBanks} from the SoC profile); the probe fails with -ENODEV and its masters run without IOMMU.`,
				loc: irqLoc,
				related: globalProp ? [{ loc: globalProp.loc, message: `#global-interrupts = <${global}>: the first ${global} interrupt(s) are global` }] : [],
			});
		}
	}
	return out;
}
