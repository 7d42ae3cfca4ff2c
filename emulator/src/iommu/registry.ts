/**
 * The plugin registry, in the manner of Volar's `createPlugins`: it validates every plugin (API version,
 * unique id, compatibles, functions), orders them, picks the plugin for an IOMMU node, and wraps every
 * call into a plugin so that a throw becomes a `plugin-crashed` finding instead of an exception.
 */
import type { DtNodeView, Finding, SourceRef } from '../types';
import {
	IOMMU_PLUGIN_API_VERSION,
	type AttachOutcome,
	type DecodeResult,
	type FwspecEntry,
	type IommuInstanceState,
	type IommuModelPlugin,
	type IommuProvider,
	type InstanceUsage,
	type KernelEra,
	type MasterRef,
	type SimulationOptions,
} from './plugin-api';

/** A validated, ordered set of plugins with crash-isolated call wrappers. */
export interface IommuRegistry {
	/** Valid plugins, in `order` then id order. */
	readonly plugins: readonly IommuModelPlugin[];
	/** Why plugins were refused (one sentence each); refused plugins are not used. */
	readonly problems: readonly string[];
	/** Every crash so far, as `plugin-crashed` findings (also returned by each wrapper). */
	readonly crashes: Finding[];
	/** The plugin for an IOMMU node: the best compatible match, else the `generic` plugin when the node has `#iommu-cells`. */
	pluginFor(node: DtNodeView, compatibles: readonly string[]): IommuModelPlugin | undefined;
	/** `plugin.decodeSpecifier`, isolated: a throw yields an `EINVAL` error result and a crash finding at `loc`. */
	decode(plugin: IommuModelPlugin, provider: IommuProvider, args: readonly bigint[], era: KernelEra, loc: SourceRef): DecodeResult;
	/** `plugin.createInstance`, isolated: a throw yields an instance that refuses every attach. */
	createInstance(plugin: IommuModelPlugin, provider: IommuProvider, options: SimulationOptions): IommuInstanceState;
}

const ID_PATTERN = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;

/** The regular expression of each wildcard pattern (a pure function of the pattern, so compiled once per process). */
const patternRegExps = new Map<string, RegExp>();

/** True when `compatible` matches `pattern`, where `*` matches any run of characters. */
export function compatibleMatches(pattern: string, compatible: string): boolean {
	if (!pattern.includes('*')) return pattern === compatible;
	let re = patternRegExps.get(pattern);
	if (!re) {
		const parts = pattern.split('*').map((p) => p.replace(/[.+?^${}()|[\]\\]/g, '\\$&'));
		re = new RegExp(`^${parts.join('.*')}$`);
		patternRegExps.set(pattern, re);
	}
	return re.test(compatible);
}

function describe(err: unknown): string {
	if (err instanceof Error) return `${err.name}: ${err.message}`;
	return String(err);
}

/** Validates one candidate plugin; returns the problems (empty when valid). */
export function validatePlugin(candidate: unknown): string[] {
	const problems: string[] = [];
	if (typeof candidate !== 'object' || candidate === null) return ['a plugin must be an object'];
	const p = candidate as Partial<Record<keyof IommuModelPlugin, unknown>>;
	const name = typeof p.id === 'string' ? p.id : '(no id)';
	if (p.apiVersion !== IOMMU_PLUGIN_API_VERSION) problems.push(`plugin ${name}: apiVersion ${String(p.apiVersion)} is not ${IOMMU_PLUGIN_API_VERSION}`);
	if (typeof p.id !== 'string' || !ID_PATTERN.test(p.id)) problems.push(`plugin ${name}: id must be a kebab-case file name`);
	if (typeof p.model !== 'string' || p.model === '') problems.push(`plugin ${name}: model must be a non-empty string`);
	if (!Array.isArray(p.compatibles) || !p.compatibles.every((c) => typeof c === 'string' && c !== '')) {
		problems.push(`plugin ${name}: compatibles must be an array of non-empty strings`);
	}
	if (p.order !== undefined && (typeof p.order !== 'number' || !Number.isFinite(p.order))) problems.push(`plugin ${name}: order must be a finite number`);
	if (p.cellCounts !== undefined && (!Array.isArray(p.cellCounts) || !p.cellCounts.every((n) => Number.isInteger(n) && (n as number) >= 0))) {
		problems.push(`plugin ${name}: cellCounts must be an array of non-negative integers`);
	}
	if (typeof p.decodeSpecifier !== 'function') problems.push(`plugin ${name}: decodeSpecifier must be a function`);
	if (typeof p.createInstance !== 'function') problems.push(`plugin ${name}: createInstance must be a function`);
	return problems;
}

/**
 * Builds a registry from candidate plugins. Invalid plugins and duplicate ids are refused (the first of
 * a duplicate id wins) and reported in `problems`.
 */
export function createRegistry(candidates: readonly unknown[]): IommuRegistry {
	const problems: string[] = [];
	const valid: IommuModelPlugin[] = [];
	for (const candidate of candidates) {
		const issues = validatePlugin(candidate);
		if (issues.length) {
			problems.push(...issues);
			continue;
		}
		const plugin = candidate as IommuModelPlugin;
		if (valid.some((v) => v.id === plugin.id)) {
			problems.push(`plugin ${plugin.id}: duplicate id, the later one is ignored`);
			continue;
		}
		valid.push(plugin);
	}
	valid.sort((a, b) => (a.order ?? 0) - (b.order ?? 0) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
	const crashes: Finding[] = [];
	const crash = (plugin: IommuModelPlugin, what: string, err: unknown, loc: SourceRef): Finding => {
		const finding: Finding = {
			id: 'plugin-crashed',
			severity: 'error',
			message: `The ${plugin.id} IOMMU model crashed in ${what} (${describe(err)}); its results for this place are missing. This is a bug in iommu-lens, not in the devicetree.`,
			loc,
			related: [],
		};
		crashes.push(finding);
		return finding;
	};
	const generic = valid.find((p) => p.id === 'generic');
	// The plugin that claims each compatible string (null: none), so each string is matched against
	// every pattern once per registry; `valid` does not change after this point.
	const byCompatible = new Map<string, IommuModelPlugin | null>();
	const claimOf = (compatible: string): IommuModelPlugin | null => {
		let match = byCompatible.get(compatible);
		if (match === undefined) {
			match = valid.find((p) => p.compatibles.some((pattern) => compatibleMatches(pattern, compatible))) ?? null;
			byCompatible.set(compatible, match);
		}
		return match;
	};

	return {
		plugins: valid,
		problems,
		crashes,
		pluginFor(node, compatibles) {
			for (const compatible of compatibles) {
				const match = claimOf(compatible);
				if (match) return match;
			}
			return node.property('#iommu-cells') ? generic : undefined;
		},
		decode(plugin, provider, args, era, loc) {
			try {
				return plugin.decodeSpecifier(provider, args, era);
			} catch (err) {
				const f = crash(plugin, 'decodeSpecifier', err, loc);
				return { kind: 'error', errno: 'EINVAL', message: f.message, kernelPrints: false };
			}
		},
		createInstance(plugin, provider, options) {
			let inner: IommuInstanceState | undefined;
			try {
				inner = plugin.createInstance(provider, options);
			} catch (err) {
				crash(plugin, 'createInstance', err, provider.node.loc);
			}
			const refused = (message: string): AttachOutcome => ({ ok: false, errno: 'ENODEV', message, kernelPrints: false, slots: [], groupSharedWith: [] });
			return {
				attach(master: MasterRef, entries: readonly FwspecEntry[]): AttachOutcome {
					if (!inner) return refused(`The ${plugin.id} model could not create its state; nothing is known about this attach.`);
					try {
						return inner.attach(master, entries);
					} catch (err) {
						const f = crash(plugin, 'attach', err, entries[0]?.loc ?? master.node.loc);
						return refused(f.message);
					}
				},
				usage(): InstanceUsage {
					try {
						return inner ? inner.usage() : { groups: 0 };
					} catch (err) {
						crash(plugin, 'usage', err, provider.node.loc);
						return { groups: 0 };
					}
				},
			};
		},
	};
}
