/**
 * `DriverFacts`: what the probe-order model needs to know about a driver, in the shape the C
 * front-end will later produce from real driver sources, and a built-in table of the mainline IOMMU
 * drivers' facts per kernel era.
 *
 * The table is data. Each entry says where each fact comes from (file/function and era) or that it
 * is a conservative assumption; facts marked "assumption" were not read from a source and should be
 * replaced by facts extracted from the user's own tree when the C front-end provides them.
 */
import type { SourceRef } from '../types';
import { atLeast, type KernelVersion } from './era';

/** The buses a driver can register on or install IOMMU ops for. */
export type BusName = 'platform' | 'amba' | 'pci' | 'fsl-mc' | 'virtio' | 'rpmsg' | 'host1x' | 'spmi';

/**
 * Initcall levels in the order `do_initcalls()` runs them (include/linux/init.h): each level is
 * followed by its `_sync` level. `rootfs` has no `_sync` level.
 */
export const INITCALL_LEVELS = [
	'pure',
	'core',
	'core_sync',
	'postcore',
	'postcore_sync',
	'arch',
	'arch_sync',
	'subsys',
	'subsys_sync',
	'fs',
	'fs_sync',
	'rootfs',
	'device',
	'device_sync',
	'late',
	'late_sync',
] as const;

/** One initcall level, e.g. `subsys` for `subsys_initcall()`, `device_sync` for `device_initcall_sync()`. */
export type InitcallLevel = (typeof INITCALL_LEVELS)[number];

/** The position of a level in `INITCALL_LEVELS` (0 = `pure`). */
export function initcallIndex(level: InitcallLevel): number {
	return INITCALL_LEVELS.indexOf(level);
}

/**
 * How the driver registers itself: `module_platform_driver()`/`module_init()` become a `device`
 * initcall when built in; `builtin_platform_driver()` is a `device` initcall that cannot be a module;
 * `initcall` is an explicit `*_initcall()` of the given level.
 */
export interface DriverRegistration {
	readonly macro: 'module_platform_driver' | 'builtin_platform_driver' | 'module_init' | 'initcall' | 'module_virtio_driver' | 'parent-driver';
	/** The initcall level the registration runs at when built in. */
	readonly level: InitcallLevel;
	/**
	 * Index within the level in link order (Makefile order), when known. Drivers of one level with an
	 * unknown link order may run in any relative order.
	 */
	readonly linkOrder?: number;
	readonly loc?: SourceRef;
}

/** Kconfig state of the driver: built in, module, or not built. */
export type BuildState = 'y' | 'm' | 'n';

/** One `bus_set_iommu()` call of a per-bus-era IOMMU driver. */
export interface BusSetIommuCall {
	readonly bus: BusName;
	/** Where it is called from: the instance's probe, or the driver's initcall (before any instance probes). */
	readonly from: 'probe' | 'initcall';
	/**
	 * What happens when another driver already owns the bus: `skip` (guarded by `iommu_present()`, or the
	 * error is ignored: the instance binds but its masters get no IOMMU), `fail-probe` (the -EBUSY is
	 * returned from probe: the instance does not bind), `fail-register` (the initcall returns the error
	 * before `platform_driver_register()`: no instance of the driver ever binds).
	 */
	readonly onBusy: 'skip' | 'fail-probe' | 'fail-register';
	/** True when guarded by `iommu_present(bus)` (then `onBusy` is `skip`). */
	readonly guardedByIommuPresent: boolean;
	/**
	 * True when an initcall claims the bus as soon as any node matches the driver's compatibles, whatever
	 * its status (`of_find_matching_node()` without `of_device_is_available()`, rockchip-iommu 2017).
	 */
	readonly claimsWhenAnyNodeExists: boolean;
	readonly loc?: SourceRef;
}

/** Facts about one driver, as the C front-end would extract them from its sources. */
export interface DriverFacts {
	/** The driver's name (`arm-smmu`, `rockchip-iommu`, ...). */
	readonly name: string;
	/** The source file, for messages (`drivers/iommu/arm/arm-smmu/arm-smmu.c`). */
	readonly file?: string;
	/** Every compatible of its `of_match_table`. */
	readonly compatibles: readonly string[];
	/** The bus the driver itself registers on. */
	readonly bus: BusName;
	readonly registration: DriverRegistration;
	readonly build: BuildState;
	/** True for IOMMU drivers (the nodes it binds provide `#iommu-cells`). */
	readonly iommuProvider: boolean;
	/** `bus_set_iommu()` calls (per-bus eras); empty from 6.1. */
	readonly busSetIommu: readonly BusSetIommuCall[];
	/** True when each instance registers its own ops with `iommu_device_register()` (6.1 and later: all IOMMU drivers). */
	readonly registersPerInstance: boolean;
	/** True when the compatible has an `IOMMU_OF_DECLARE()` entry (v4.12 to v4.18; only when built in). */
	readonly ofDeclare: boolean;
	/**
	 * How masters are attached: through `of_xlate` and the fwspec, or (rockchip 2017) by the bus
	 * `add_device` callback parsing `iommus` itself.
	 */
	readonly attach: 'of_xlate' | 'bus-add-device';
	/**
	 * For `bus-add-device` drivers: the `#iommu-cells` value the callback insists on, and the message it
	 * prints for a master of another IOMMU that has a different number of cells.
	 */
	readonly foreignMaster?: { readonly expectedCells: number; readonly message: string };
	/**
	 * The boot parameter that makes the hardware block transactions from unattached streams, with its
	 * default (arm-smmu `disable_bypass`, which sets sCR0.USFCFG).
	 */
	readonly blocksUnattached?: { readonly param: string; readonly kconfig?: string; readonly defaultOn: boolean };
	/** Where the facts come from, for hovers. */
	readonly provenance: string;
	readonly loc?: SourceRef;
	/** Where each compatible is written (facts read from C sources). */
	readonly compatibleLocs?: Readonly<Record<string, SourceRef>>;
	/** Why the driver is built `build` (facts read from C sources with a configuration): the Kconfig symbol and its reason. */
	readonly buildSource?: { readonly symbol?: string; readonly why: string; readonly loc?: SourceRef };
}

/** One era of a table entry: facts valid from `since` (inclusive) to `until` (exclusive). */
interface EraFacts {
	readonly since: KernelVersion;
	readonly until?: KernelVersion;
	readonly registration: DriverRegistration;
	readonly busSetIommu: readonly BusSetIommuCall[];
	readonly ofDeclare: boolean;
	readonly attach: 'of_xlate' | 'bus-add-device';
	readonly foreignMaster?: { readonly expectedCells: number; readonly message: string };
	readonly blocksUnattached?: { readonly param: string; readonly kconfig?: string; readonly defaultOn: boolean };
	/** Where these facts come from. */
	readonly source: string;
}

/** One driver of the built-in table. */
interface TableEntry {
	readonly name: string;
	readonly file: string;
	readonly bus: BusName;
	readonly compatibles: readonly string[];
	/** Compatibles added later: [compatible, since]. */
	readonly laterCompatibles?: ReadonlyArray<readonly [string, KernelVersion]>;
	readonly eras: readonly EraFacts[];
}

const v = (major: number, minor: number): KernelVersion => ({ major, minor });
const V6_1 = v(6, 1);

/** A `bus_set_iommu()` call. */
const call = (bus: BusName, from: 'probe' | 'initcall', onBusy: BusSetIommuCall['onBusy'], guarded: boolean, anyNode = false): BusSetIommuCall => ({
	bus,
	from,
	onBusy,
	guardedByIommuPresent: guarded,
	claimsWhenAnyNodeExists: anyNode,
});

/** The 6.1+ facts every IOMMU driver shares: no `bus_set_iommu()`, per-instance ops. */
const perDevice = (registration: DriverRegistration, source: string): EraFacts => ({
	since: V6_1,
	registration,
	busSetIommu: [],
	ofDeclare: false,
	attach: 'of_xlate',
	source: `${source}; v6.1 "iommu: Retire bus_set_iommu()" (merge f23cdfcd04f7): per-instance ops via iommu_device_register()`,
});

const DEVICE: DriverRegistration = { macro: 'module_platform_driver', level: 'device' };
const BUILTIN_DEVICE: DriverRegistration = { macro: 'builtin_platform_driver', level: 'device' };
const SUBSYS: DriverRegistration = { macro: 'initcall', level: 'subsys' };

const ARM_SMMU_BYPASS = { param: 'arm-smmu.disable_bypass', kconfig: 'ARM_SMMU_DISABLE_BYPASS_BY_DEFAULT', defaultOn: true } as const;
const ARM_SMMU_BYPASS_OLD = { param: 'arm-smmu.disable_bypass', defaultOn: false } as const;
const ARM_SMMU_V3_BYPASS = { param: 'arm-smmu-v3.disable_bypass', defaultOn: true } as const;

/**
 * The mainline IOMMU drivers. Versions before a driver's first era mean "not in the kernel".
 */
const TABLE: readonly TableEntry[] = [
	{
		// drivers/iommu/arm-smmu.c, moved to drivers/iommu/arm/arm-smmu/arm-smmu.c in v5.9.
		name: 'arm-smmu',
		file: 'drivers/iommu/arm/arm-smmu/arm-smmu.c',
		bus: 'platform',
		compatibles: [
			'arm,smmu-v1',
			'arm,smmu-v2',
			'arm,mmu-400',
			'arm,mmu-401',
			'arm,mmu-500',
			'cavium,smmu-v2',
			'qcom,smmu-v2',
			'nvidia,smmu-500',
			'qcom,smmu-500',
			'qcom,adreno-smmu',
		],
		eras: [
			{
				// v4.12..v4.18: IOMMU_OF_DECLARE(arm_mmu401, "arm,mmu-401", NULL) and friends with a NULL init
				// (of_iommu deferred configuration); bus_set_iommu() from arm_smmu_device_probe() guarded by
				// iommu_present() (assumption from the 4.x probe path, not re-read). disable_bypass module
				// parameter defaulting to off before the Kconfig option (assumption: Kconfig from v4.17).
				since: v(4, 12),
				until: v(4, 17),
				registration: DEVICE,
				busSetIommu: [call('platform', 'probe', 'skip', true), call('amba', 'probe', 'skip', true), call('pci', 'probe', 'skip', true)],
				ofDeclare: true,
				attach: 'of_xlate',
				blocksUnattached: ARM_SMMU_BYPASS_OLD,
				source: 'arm-smmu.c v4.12-4.16 arm_smmu_device_probe(); IOMMU_OF_DECLARE table (assumption: iommu_present() guard)',
			},
			{
				since: v(4, 17),
				until: v(4, 19),
				registration: DEVICE,
				busSetIommu: [call('platform', 'probe', 'skip', true), call('amba', 'probe', 'skip', true), call('pci', 'probe', 'skip', true)],
				ofDeclare: true,
				attach: 'of_xlate',
				blocksUnattached: ARM_SMMU_BYPASS,
				source: 'arm-smmu.c v4.17-4.18 arm_smmu_device_probe(); ARM_SMMU_DISABLE_BYPASS_BY_DEFAULT (assumption: since v4.17)',
			},
			{
				// v4.19: IOMMU_OF_DECLARE removed; arm_smmu_bus_init() called from probe for the generic
				// binding (legacy mmu-masters: device_initcall_sync(arm_smmu_legacy_bus_init), not modelled
				// separately), still guarded by iommu_present() (assumption).
				since: v(4, 19),
				until: v(5, 5),
				registration: DEVICE,
				busSetIommu: [call('platform', 'probe', 'skip', true), call('amba', 'probe', 'skip', true), call('pci', 'probe', 'skip', true)],
				ofDeclare: false,
				attach: 'of_xlate',
				blocksUnattached: ARM_SMMU_BYPASS,
				source: 'arm-smmu.c v4.19-5.4 arm_smmu_bus_init() from arm_smmu_device_probe() (assumption: iommu_present() guard)',
			},
			{
				// v5.5 "iommu/arm-smmu: Support SMMU module probing": arm_smmu_bus_init() checks
				// `bus->iommu_ops != &arm_smmu_ops` and returns bus_set_iommu()'s -EBUSY from probe
				// (domain.md 1.8, arm-smmu.c around v5.13-5.15).
				since: v(5, 5),
				until: V6_1,
				registration: DEVICE,
				busSetIommu: [
					call('platform', 'probe', 'fail-probe', false),
					call('amba', 'probe', 'fail-probe', false),
					call('pci', 'probe', 'fail-probe', false),
					call('fsl-mc', 'probe', 'fail-probe', false),
				],
				ofDeclare: false,
				attach: 'of_xlate',
				blocksUnattached: ARM_SMMU_BYPASS,
				source: 'arm-smmu.c v5.5-6.0 arm_smmu_bus_init() from arm_smmu_device_probe(), module_platform_driver(arm_smmu_driver)',
			},
			{ ...perDevice(DEVICE, 'arm-smmu.c module_platform_driver(arm_smmu_driver); "iommu/arm-smmu: Clean up bus_set_iommu()"'), blocksUnattached: ARM_SMMU_BYPASS },
		],
	},
	{
		// drivers/iommu/arm-smmu-v3.c (v4.2), moved to drivers/iommu/arm/arm-smmu-v3/ in v5.9.
		name: 'arm-smmu-v3',
		file: 'drivers/iommu/arm/arm-smmu-v3/arm-smmu-v3.c',
		bus: 'platform',
		compatibles: ['arm,smmu-v3'],
		eras: [
			{
				// v4.12..v4.18: IOMMU_OF_DECLARE(arm_smmuv3, "arm,smmu-v3", NULL); probe checks
				// `pci_bus_type.iommu_ops != &arm_smmu_ops` before bus_set_iommu() and returns its error
				// (the later arm_smmu_set_bus_ops() kept that shape; assumption for 4.x).
				since: v(4, 12),
				until: v(4, 19),
				registration: BUILTIN_DEVICE,
				busSetIommu: [call('pci', 'probe', 'fail-probe', false), call('amba', 'probe', 'fail-probe', false), call('platform', 'probe', 'fail-probe', false)],
				ofDeclare: true,
				attach: 'of_xlate',
				blocksUnattached: ARM_SMMU_V3_BYPASS,
				source: 'arm-smmu-v3.c v4.12-4.18 arm_smmu_device_probe() (assumption: same error handling as arm_smmu_set_bus_ops())',
			},
			{
				// arm_smmu_set_bus_ops() from arm_smmu_device_probe(), `return arm_smmu_set_bus_ops(&arm_smmu_ops)`
				// (read in the v5.x sources; the error unwinding patch kept the failure of probe).
				since: v(4, 19),
				until: V6_1,
				registration: DEVICE,
				busSetIommu: [call('pci', 'probe', 'fail-probe', false), call('amba', 'probe', 'fail-probe', false), call('platform', 'probe', 'fail-probe', false)],
				ofDeclare: false,
				attach: 'of_xlate',
				blocksUnattached: ARM_SMMU_V3_BYPASS,
				source: 'arm-smmu-v3.c v4.19-6.0 arm_smmu_device_probe() → arm_smmu_set_bus_ops() (pci, amba, platform)',
			},
			{ ...perDevice(DEVICE, 'arm-smmu-v3.c module_platform_driver(arm_smmu_driver)'), blocksUnattached: ARM_SMMU_V3_BYPASS },
		],
	},
	{
		name: 'rockchip-iommu',
		file: 'drivers/iommu/rockchip-iommu.c',
		bus: 'platform',
		compatibles: ['rockchip,iommu'],
		laterCompatibles: [['rockchip,rk3568-iommu', v(5, 14)]],
		eras: [
			{
				// rockchip-iommu.c 2017 (commit 03f732f8...): subsys_initcall(rk_iommu_init) calls
				// of_find_matching_node(NULL, rk_iommu_dt_ids) (status not checked), then
				// bus_set_iommu(&platform_bus_type, &rk_iommu_ops) and returns its error before
				// platform_driver_register(); masters are attached by rk_iommu_add_device(), which
				// requires #iommu-cells = 0 (read).
				since: v(3, 19),
				until: v(4, 17),
				registration: SUBSYS,
				busSetIommu: [call('platform', 'initcall', 'fail-register', false, true)],
				ofDeclare: false,
				attach: 'bus-add-device',
				foreignMaster: { expectedCells: 0, message: 'incorrect number of iommu params found for %s (found %d, expected 0)' },
				source: 'rockchip-iommu.c 2017 rk_iommu_init() (subsys_initcall, of_find_matching_node + bus_set_iommu)',
			},
			{
				// v4.17 "iommu/rockchip: Use OF_IOMMU to attach devices automatically": rk_iommu_of_xlate(),
				// bus_set_iommu() moved to rk_iommu_probe(); rk_iommu_init() only registers the driver at
				// subsys_initcall (read in later sources). The busy handling is an assumption (skip).
				since: v(4, 17),
				until: V6_1,
				registration: SUBSYS,
				busSetIommu: [call('platform', 'probe', 'skip', false)],
				ofDeclare: false,
				attach: 'of_xlate',
				source: 'rockchip-iommu.c v4.17-6.0 rk_iommu_probe() bus_set_iommu(); subsys_initcall(rk_iommu_init) (assumption: -EBUSY ignored)',
			},
			perDevice(SUBSYS, 'rockchip-iommu.c subsys_initcall(rk_iommu_init) (read in recent sources)'),
		],
	},
	{
		name: 'qcom_iommu',
		file: 'drivers/iommu/arm/arm-smmu/qcom_iommu.c',
		bus: 'platform',
		compatibles: ['qcom,msm-iommu-v1'],
		// qcom_iommu_of_match never lists SoC compatibles such as "qcom,msm8953-iommu": MSM8953's GPU IOMMU
		// ("qcom,msm8953-iommu", "qcom,msm-iommu-v2") binds through the generic "qcom,msm-iommu-v2", added
		// by "iommu/qcom: Add support for QSMMUv2 and QSMMU-500 secured contexts" (series v5 posted
		// 2023-06-22). Version unverified: assumed merged for v6.5 (read the patch, not the release tag).
		laterCompatibles: [['qcom,msm-iommu-v2', v(6, 5)]],
		eras: [
			{
				// v4.14 added the driver with IOMMU_OF_DECLARE(qcom_iommu_dev, "qcom,msm-iommu-v1", NULL) and
				// bus_set_iommu(&platform_bus_type) from qcom_iommu_device_probe() (assumption: error ignored).
				since: v(4, 14),
				until: v(4, 19),
				registration: { macro: 'module_init', level: 'device' },
				busSetIommu: [call('platform', 'probe', 'skip', false)],
				ofDeclare: true,
				attach: 'of_xlate',
				source: 'qcom_iommu.c v4.14-4.18 module_init(qcom_iommu_init), qcom_iommu_device_probe() (assumption)',
			},
			{
				since: v(4, 19),
				until: V6_1,
				registration: { macro: 'module_init', level: 'device' },
				busSetIommu: [call('platform', 'probe', 'skip', false)],
				ofDeclare: false,
				attach: 'of_xlate',
				source: 'qcom_iommu.c v4.19-6.0 qcom_iommu_device_probe() (assumption: error ignored)',
			},
			perDevice({ macro: 'module_platform_driver', level: 'device' }, 'qcom_iommu.c'),
		],
	},
	{
		name: 'msm_iommu',
		file: 'drivers/iommu/msm_iommu.c',
		bus: 'platform',
		compatibles: ['qcom,apq8064-iommu'],
		eras: [
			{
				// subsys_initcall(msm_iommu_driver_init); bus_set_iommu() from msm_iommu_probe() (assumption);
				// IOMMU_OF_DECLARE(msm_iommu_of, "qcom,apq8064-iommu", NULL) until v4.18.
				since: v(4, 8),
				until: v(4, 19),
				registration: SUBSYS,
				busSetIommu: [call('platform', 'probe', 'skip', false)],
				ofDeclare: true,
				attach: 'of_xlate',
				source: 'msm_iommu.c v4.8-4.18 (assumption)',
			},
			{
				since: v(4, 19),
				until: V6_1,
				registration: SUBSYS,
				busSetIommu: [call('platform', 'probe', 'skip', false)],
				ofDeclare: false,
				attach: 'of_xlate',
				source: 'msm_iommu.c v4.19-6.0 (assumption)',
			},
			perDevice(SUBSYS, 'msm_iommu.c subsys_initcall(msm_iommu_driver_init) (assumption)'),
		],
	},
	{
		name: 'omap-iommu',
		file: 'drivers/iommu/omap-iommu.c',
		bus: 'platform',
		compatibles: ['ti,omap2-iommu', 'ti,omap4-iommu', 'ti,dra7-iommu', 'ti,dra7-dsp-iommu'],
		eras: [
			{
				// subsys_initcall(omap_iommu_init): registers the driver, then bus_set_iommu(&platform_bus_type)
				// from the initcall once a matching node is found (assumption: of_find_matching_node() without
				// a status check, the same pattern as rockchip 2017).
				since: v(4, 0),
				until: V6_1,
				registration: SUBSYS,
				busSetIommu: [call('platform', 'initcall', 'skip', false, true)],
				ofDeclare: false,
				attach: 'of_xlate',
				source: 'omap-iommu.c omap_iommu_init() (assumption)',
			},
			perDevice(SUBSYS, 'omap-iommu.c subsys_initcall(omap_iommu_init) (assumption)'),
		],
	},
	{
		name: 'virtio-iommu',
		file: 'drivers/iommu/virtio-iommu.c',
		bus: 'virtio',
		compatibles: ['virtio,pci-iommu', 'pci1af4,1057'],
		eras: [
			{
				// v5.3: viommu_probe() installs ops on pci, amba and platform when `bus->iommu_ops != &viommu_ops`
				// and returns the error (assumption: same shape as arm_smmu_set_bus_ops()).
				since: v(5, 3),
				until: V6_1,
				registration: { macro: 'module_virtio_driver', level: 'device' },
				busSetIommu: [call('pci', 'probe', 'fail-probe', false), call('amba', 'probe', 'fail-probe', false), call('platform', 'probe', 'fail-probe', false)],
				ofDeclare: false,
				attach: 'of_xlate',
				source: 'virtio-iommu.c v5.3-6.0 viommu_probe() (assumption)',
			},
			perDevice({ macro: 'module_virtio_driver', level: 'device' }, 'virtio-iommu.c module_virtio_driver(virtio_iommu_drv)'),
		],
	},
	{
		name: 'mtk_iommu',
		file: 'drivers/iommu/mtk_iommu.c',
		bus: 'platform',
		compatibles: ['mediatek,mt8173-m4u', 'mediatek,mt2712-m4u', 'mediatek,mt8183-m4u'],
		laterCompatibles: [
			['mediatek,mt8192-m4u', v(5, 13)],
			['mediatek,mt8195-iommu-infra', v(5, 19)],
			['mediatek,mt8195-iommu-vdo', v(5, 19)],
			['mediatek,mt8195-iommu-vpp', v(5, 19)],
		],
		eras: [
			{
				// mtk_iommu_probe(): `if (!iommu_present(&platform_bus_type)) bus_set_iommu(...)` (assumption);
				// module_platform_driver() (assumption: the earlier subsys_initcall is not distinguished).
				since: v(4, 6),
				until: V6_1,
				registration: DEVICE,
				busSetIommu: [call('platform', 'probe', 'skip', true)],
				ofDeclare: false,
				attach: 'of_xlate',
				source: 'mtk_iommu.c mtk_iommu_probe() (assumption)',
			},
			perDevice(DEVICE, 'mtk_iommu.c module_platform_driver(mtk_iommu_driver)'),
		],
	},
	{
		name: 'mtk_iommu_v1',
		file: 'drivers/iommu/mtk_iommu_v1.c',
		bus: 'platform',
		compatibles: ['mediatek,mt2701-m4u'],
		eras: [
			{
				since: v(4, 8),
				until: V6_1,
				registration: DEVICE,
				busSetIommu: [call('platform', 'probe', 'skip', true)],
				ofDeclare: false,
				attach: 'of_xlate',
				source: 'mtk_iommu_v1.c mtk_iommu_probe() (assumption)',
			},
			perDevice(DEVICE, 'mtk_iommu_v1.c (assumption)'),
		],
	},
	{
		name: 'ipmmu-vmsa',
		file: 'drivers/iommu/ipmmu-vmsa.c',
		bus: 'platform',
		compatibles: ['renesas,ipmmu-vmsa', 'renesas,ipmmu-r8a7795', 'renesas,ipmmu-r8a7796', 'renesas,ipmmu-r8a77965', 'renesas,ipmmu-r8a77990'],
		// ipmmu_of_ids[] of later kernels. Versions: the first release after each table entry's commit
		// date (blame of ipmmu-vmsa.c read via the search tool; merge windows are an assumption).
		laterCompatibles: [
			['renesas,ipmmu-r8a77970', v(4, 19)],
			['renesas,ipmmu-r8a77995', v(4, 20)],
			['renesas,ipmmu-r8a774c0', v(5, 1)],
			['renesas,ipmmu-r8a774a1', v(5, 2)],
			['renesas,ipmmu-r8a774b1', v(5, 6)],
			['renesas,ipmmu-r8a77961', v(5, 9)],
			['renesas,ipmmu-r8a774e1', v(5, 9)],
			['renesas,ipmmu-r8a779a0', v(5, 13)],
			['renesas,ipmmu-r8a77980', v(5, 16)],
			['renesas,rcar-gen4-ipmmu-vmsa', v(6, 1)],
		],
		eras: [
			{
				// subsys_initcall(ipmmu_init); ipmmu_probe(): `if (!iommu_present(&platform_bus_type))
				// bus_set_iommu(...)` (assumption).
				since: v(4, 0),
				until: V6_1,
				registration: SUBSYS,
				busSetIommu: [call('platform', 'probe', 'skip', true)],
				ofDeclare: false,
				attach: 'of_xlate',
				source: 'ipmmu-vmsa.c ipmmu_probe() (assumption)',
			},
			perDevice(BUILTIN_DEVICE, 'ipmmu-vmsa.c builtin_platform_driver(ipmmu_driver) (assumption)'),
		],
	},
	{
		name: 'apple-dart',
		file: 'drivers/iommu/apple-dart.c',
		bus: 'platform',
		compatibles: ['apple,t8103-dart', 'apple,t6000-dart'],
		laterCompatibles: [['apple,t8110-dart', v(6, 3)]],
		eras: [
			{
				// v5.15: apple_dart_set_bus_ops() from apple_dart_probe() (pci, platform), errors returned (assumption).
				since: v(5, 15),
				until: V6_1,
				registration: DEVICE,
				busSetIommu: [call('pci', 'probe', 'fail-probe', false), call('platform', 'probe', 'fail-probe', false)],
				ofDeclare: false,
				attach: 'of_xlate',
				source: 'apple-dart.c v5.15-6.0 apple_dart_probe() (assumption)',
			},
			perDevice(DEVICE, 'apple-dart.c module_platform_driver(apple_dart_driver)'),
		],
	},
	{
		// tegra-smmu is not a platform driver of its own: tegra_mc_probe() (memory controller, registered
		// by arch_initcall(tegra_mc_init)) calls tegra_smmu_probe(); `#iommu-cells` sits on the MC node.
		name: 'tegra-smmu',
		file: 'drivers/iommu/tegra-smmu.c',
		bus: 'platform',
		compatibles: ['nvidia,tegra30-mc', 'nvidia,tegra114-mc', 'nvidia,tegra124-mc', 'nvidia,tegra132-mc', 'nvidia,tegra210-mc'],
		eras: [
			{
				since: v(4, 0),
				until: V6_1,
				registration: { macro: 'parent-driver', level: 'arch' },
				busSetIommu: [call('platform', 'probe', 'skip', false), call('pci', 'probe', 'skip', false)],
				ofDeclare: false,
				attach: 'of_xlate',
				source: 'tegra-smmu.c tegra_smmu_probe() from tegra_mc_probe() (assumption: arch_initcall, errors ignored)',
			},
			perDevice({ macro: 'parent-driver', level: 'arch' }, 'tegra-smmu.c (assumption)'),
		],
	},
	{
		name: 'exynos-sysmmu',
		file: 'drivers/iommu/exynos-iommu.c',
		bus: 'platform',
		compatibles: ['samsung,exynos-sysmmu'],
		eras: [
			{
				// core_initcall(exynos_iommu_init): registers the driver and calls bus_set_iommu() once a
				// matching node exists (assumption: of_find_matching_node() without a status check).
				since: v(4, 0),
				until: V6_1,
				registration: { macro: 'initcall', level: 'core' },
				busSetIommu: [call('platform', 'initcall', 'skip', false, true)],
				ofDeclare: false,
				attach: 'of_xlate',
				source: 'exynos-iommu.c exynos_iommu_init() (assumption)',
			},
			perDevice({ macro: 'initcall', level: 'core' }, 'exynos-iommu.c core_initcall(exynos_iommu_init) (assumption)'),
		],
	},
	{
		name: 'sun50i-iommu',
		file: 'drivers/iommu/sun50i-iommu.c',
		bus: 'platform',
		compatibles: ['allwinner,sun50i-h6-iommu'],
		eras: [
			{
				// v5.8: builtin_platform_driver(sun50i_iommu_driver); bus_set_iommu() from probe (assumption: error ignored).
				since: v(5, 8),
				until: V6_1,
				registration: BUILTIN_DEVICE,
				busSetIommu: [call('platform', 'probe', 'skip', false)],
				ofDeclare: false,
				attach: 'of_xlate',
				source: 'sun50i-iommu.c v5.8-6.0 sun50i_iommu_probe() (assumption)',
			},
			perDevice(BUILTIN_DEVICE, 'sun50i-iommu.c builtin_platform_driver(sun50i_iommu_driver)'),
		],
	},
	{
		name: 'sprd-iommu',
		file: 'drivers/iommu/sprd-iommu.c',
		bus: 'platform',
		compatibles: ['sprd,iommu-v1'],
		eras: [
			{
				// v5.13: module_platform_driver(sprd_iommu_driver); bus_set_iommu() from probe (assumption).
				since: v(5, 13),
				until: V6_1,
				registration: DEVICE,
				busSetIommu: [call('platform', 'probe', 'skip', false)],
				ofDeclare: false,
				attach: 'of_xlate',
				source: 'sprd-iommu.c v5.13-6.0 sprd_iommu_probe() (assumption)',
			},
			perDevice(DEVICE, 'sprd-iommu.c module_platform_driver(sprd_iommu_driver)'),
		],
	},
];

const inEra = (version: KernelVersion, era: EraFacts): boolean =>
	atLeast(version, era.since.major, era.since.minor) && (era.until === undefined || !atLeast(version, era.until.major, era.until.minor));

/**
 * The built-in facts of the mainline IOMMU drivers for a kernel version. Every driver is assumed
 * built in (`y`); drivers not yet in that kernel are left out. Scenarios override `build`.
 */
export function builtinDriverFacts(version: KernelVersion): DriverFacts[] {
	const out: DriverFacts[] = [];
	for (const entry of TABLE) {
		const era = entry.eras.find((e) => inEra(version, e));
		if (!era) continue;
		const compatibles = [...entry.compatibles];
		for (const [compatible, since] of entry.laterCompatibles ?? []) if (atLeast(version, since.major, since.minor)) compatibles.push(compatible);
		out.push({
			name: entry.name,
			file: entry.file,
			compatibles,
			bus: entry.bus,
			registration: era.registration,
			build: 'y',
			iommuProvider: true,
			busSetIommu: era.busSetIommu,
			registersPerInstance: atLeast(version, 6, 1),
			ofDeclare: era.ofDeclare,
			attach: era.attach,
			...(era.foreignMaster ? { foreignMaster: era.foreignMaster } : {}),
			...(era.blocksUnattached ? { blocksUnattached: era.blocksUnattached } : {}),
			provenance: `${entry.file}: ${era.source}`,
		});
	}
	return out;
}

/** The names of every driver in the built-in table (whatever the version). */
export function builtinDriverNames(): string[] {
	return TABLE.map((e) => e.name);
}

/**
 * The driver that binds a node: the first of the node's compatibles (most specific first) that any
 * driver matches, as `of_match_device()` prefers; undefined when none matches.
 */
export function matchDriver(nodeCompatibles: readonly string[], facts: readonly DriverFacts[]): DriverFacts | undefined {
	for (const c of nodeCompatibles) {
		const d = facts.find((f) => f.compatibles.includes(c));
		if (d) return d;
	}
	return undefined;
}
