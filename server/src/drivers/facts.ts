/**
 * C facts → the emulator's `DriverFacts`, so `runScenario` and the checks use the user's driver
 * sources in place of the built-in table. One `DriverFacts` per driver structure with an
 * `of_match_table`; facts inside a preprocessor branch the configuration compiles out are left out.
 *
 * Mapping (documented assumptions in brackets):
 * - name: the structure's `.driver.name`/`.drv.name`/`.name` literal, else the file's base name;
 * - registration: `module_*_driver(x)` → module_platform_driver (device), `builtin_*_driver(x)` →
 *   builtin_platform_driver, `module_init(f)` → module_init (device), `*_initcall(f)` → initcall of
 *   that level, when `f` reaches `*_driver_register(&x)`; [none found: module_init]; `early_initcall`
 *   is mapped to `pure` [earliest level the model knows]; link order from the Makefiles;
 * - build: the file's Makefile symbol in the configuration (`y` without one);
 * - IOMMU provider: the file defines `struct iommu_ops` or calls `iommu_device_register`/
 *   `bus_set_iommu`, and the driver's probe reaches one of those calls or it is the file's only
 *   matching driver;
 * - `bus_set_iommu`: from probe or from the initcall (call graph of the file) [unknown: probe]; busy
 *   handling: `!iommu_present()` guard → skip; error returned up to probe → fail-probe, up to the
 *   initcall → fail-register; otherwise skip; the initcall claims the bus whenever a node matches
 *   when it calls `of_find_matching_node()` without `of_device_is_available()`;
 * - attach: `.of_xlate` in its `iommu_ops` → of_xlate; `.add_device`/`.probe_device` without it →
 *   bus-add-device, with the `args_count != N` check as the foreign-master rule;
 * - blocks unattached streams: a `disable_bypass` module parameter, default from its initializer
 *   (`IS_ENABLED(CONFIG_X)` → X in the configuration, or its Kconfig default; [no configuration: on]).
 */
import { probe, type SourceRef } from '../../../emulator/src';
import type { DriverFacts, BusName, DriverRegistration, InitcallLevel, BusSetIommuCall } from '../../../emulator/src/probe';
import { factActive } from './c/cond';
import type { CFileFacts, DriverStruct, FunctionFact, Registration } from './c/types';
import { fileBuild, type DriverSources } from './sources';

const BUS_NAMES: ReadonlySet<string> = new Set(['platform', 'amba', 'pci', 'fsl-mc', 'virtio', 'rpmsg', 'host1x', 'spmi']);

const baseName = (file: string): string => file.slice(file.lastIndexOf('/') + 1).replace(/\.[ch]$/, '');

/** The functions reachable from `root` in a file's call graph (root included). */
export function reachable(f: CFileFacts, root: string): Set<string> {
	const byName = new Map<string, FunctionFact>(f.functions.map((x) => [x.name, x]));
	const seen = new Set<string>([root]);
	const queue = [root];
	while (queue.length > 0) for (const c of byName.get(queue.shift() as string)?.calls ?? []) if (!seen.has(c)) (seen.add(c), queue.push(c));
	return seen;
}

/** The registration of a driver structure: its `module_*_driver()` macro, or the initcall that registers it. */
export function registrationOf(f: CFileFacts, d: DriverStruct): Registration | undefined {
	const direct = f.registrations.find((r) => r.kind === 'driver-macro' && r.target === d.variable);
	if (direct) return direct;
	const registering = f.calls.filter((c) => /register|_add_driver/.test(c.callee) && c.args.some((a) => a.replace(/^&\s*/, '').trim() === d.variable));
	return f.registrations.find((r) => r.kind === 'initcall' && registering.some((c) => c.function !== undefined && reachable(f, r.target).has(c.function)));
}

function levelOf(level: string): InitcallLevel {
	const l = level === 'early' ? 'pure' : level === 'early_sync' ? 'pure' : level;
	return (probe.INITCALL_LEVELS as readonly string[]).includes(l) ? (l as InitcallLevel) : 'device';
}

function macroOf(r: Registration | undefined): DriverRegistration['macro'] {
	if (!r) return 'module_init';
	if (r.kind === 'initcall') return r.macro === 'module_init' ? 'module_init' : 'initcall';
	if (r.macro.startsWith('builtin_')) return 'builtin_platform_driver';
	if (r.macro === 'module_virtio_driver') return 'module_virtio_driver';
	return 'module_platform_driver';
}

/** The `DriverFacts` of every driver in the sources. */
export function toDriverFacts(sources: DriverSources): DriverFacts[] {
	const out: DriverFacts[] = [];
	const tables = new Map(sources.files.flatMap((f) => f.ofMatchTables.map((t) => [t.name, { t, f }] as const)));
	for (const f of sources.files) {
		const built = fileBuild(sources, f.file);
		const selfModule = sources.config ? built.build === 'm' : undefined;
		const active = (x: Parameters<typeof factActive>[0]): boolean => factActive(x, sources.configuration, selfModule) !== false;
		const tableOf = (n: string): (typeof f.ofMatchTables)[number] | undefined => f.ofMatchTables.find((t) => t.name === n) ?? tables.get(n)?.t;
		const matching = f.drivers.filter((d) => d.ofMatchTable !== undefined && tableOf(d.ofMatchTable) !== undefined && active(d));
		const isIommuFile = f.iommuOps.some(active) || f.calls.some((c) => c.callee === 'iommu_device_register' && active(c)) || f.busSetIommu.some(active);
		for (const d of matching) {
			const t = tableOf(d.ofMatchTable as string) as (typeof f.ofMatchTables)[number];
			const entries = t.entries.filter(() => active(t));
			const name = d.name ?? baseName(f.file);
			const reg = registrationOf(f, d);
			const reach = d.probe ? reachable(f, d.probe) : new Set<string>();
			const probeProvides = f.calls.some((c) => (c.callee === 'iommu_device_register' || c.callee === 'iommu_device_sysfs_add') && c.function !== undefined && reach.has(c.function)) || f.busSetIommu.some((b) => b.function !== undefined && reach.has(b.function));
			const provider = isIommuFile && (probeProvides || matching.length === 1);
			const busSetIommu: BusSetIommuCall[] = [];
			if (provider) {
				for (const b of f.busSetIommu) {
					if (!active(b) || !b.bus || !BUS_NAMES.has(b.bus)) continue;
					const from = b.from === 'initcall' ? 'initcall' : 'probe';
					const loc: SourceRef = b.span;
					busSetIommu.push({
						bus: b.bus as BusName,
						from,
						onBusy: b.guardedByIommuPresent ? 'skip' : b.errorPropagated ? (from === 'initcall' ? 'fail-register' : 'fail-probe') : 'skip',
						guardedByIommuPresent: b.guardedByIommuPresent,
						claimsWhenAnyNodeExists: from === 'initcall' && b.afterMatchingNodeWithoutAvailability,
						loc,
					});
				}
			}
			const ops = f.iommuOps.find(active);
			const attach = ops && !ops.fields.includes('of_xlate') && (ops.fields.includes('add_device') || ops.fields.includes('probe_device')) ? 'bus-add-device' : 'of_xlate';
			const foreign = attach === 'bus-add-device' ? f.argsCountChecks[0] : undefined;
			const bypassParam = f.moduleParams.find((p) => p.name === 'disable_bypass' && active(p));
			let blocksUnattached: DriverFacts['blocksUnattached'];
			if (provider && bypassParam) {
				const kconfig = /CONFIG_(\w+)/.exec(bypassParam.initializer ?? '')?.[1];
				let defaultOn = !/^(0|false)$/.test(bypassParam.initializer ?? '1');
				if (kconfig) {
					const v = sources.configuration.value(kconfig);
					defaultOn = v === undefined ? true : v !== 'n';
				}
				blocksUnattached = { param: `${f.paramPrefix ?? `${name}.`}disable_bypass`, ...(kconfig ? { kconfig } : {}), defaultOn };
			}
			const compatibleLocs: Record<string, SourceRef> = {};
			for (const e of entries) compatibleLocs[e.compatible] ??= e.span;
			const linkOrder = sources.makefiles.files.get(f.file)?.linkOrder;
			const registration: DriverRegistration = {
				macro: macroOf(reg),
				level: reg ? levelOf(reg.level) : 'device',
				...(linkOrder !== undefined ? { linkOrder } : {}),
				...(reg ? { loc: reg.span } : {}),
			};
			const registers = f.calls.some((c) => c.callee === 'iommu_device_register' && active(c));
			out.push({
				name,
				file: f.file,
				compatibles: [...new Set(entries.map((e) => e.compatible))],
				bus: BUS_NAMES.has(d.bus) ? (d.bus as BusName) : 'platform',
				registration,
				build: built.build,
				iommuProvider: provider,
				busSetIommu,
				registersPerInstance: provider && busSetIommu.length === 0 && registers,
				ofDeclare: f.ofDeclares.some((o) => active(o) && entries.some((e) => e.compatible === o.compatible)),
				attach,
				...(foreign ? { foreignMaster: { expectedCells: foreign.expected, message: foreign.message ?? 'incorrect number of iommu params' } } : {}),
				...(blocksUnattached ? { blocksUnattached } : {}),
				provenance: `${f.file}: read from the C sources (${reg ? `${reg.macro}(${reg.target})` : 'no registration found: assumed module_init'}${busSetIommu.length ? `, bus_set_iommu() on ${busSetIommu.map((b) => `${b.bus} from ${b.from}`).join(', ')}` : ''})`,
				loc: d.span,
				compatibleLocs,
				buildSource: { ...(built.symbol ? { symbol: built.symbol } : {}), why: built.why, ...(built.symbol && sources.kconfig?.symbols.get(built.symbol)?.spans[0] ? { loc: sources.kconfig.symbols.get(built.symbol)?.spans[0] as SourceRef } : {}) },
			});
		}
	}
	return out;
}
