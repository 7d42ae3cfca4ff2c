/**
 * The versioned contract between the IOMMU emulation and its per-family models ("plugins"). A plugin is
 * pure data plus pure functions: it decodes the cells of one `iommus`/`iommu-map` specifier the way the
 * driver's `of_xlate` does, and creates per-simulation instance state that allocates stream-mapping
 * resources the way the driver's `probe_device`/`device_group`/domain code does. Every call into a
 * plugin goes through the registry (registry.ts), which turns a throw into a `plugin-crashed` finding.
 */
import { NEWEST_KERNEL } from '../probe/era';
import type { DtNodeView, DtView, SourceRef } from '../types';
import type { ResolvedProfile } from './profiles';

/** Bumped whenever the shapes below change incompatibly; the registry refuses other versions. */
export const IOMMU_PLUGIN_API_VERSION = 1 as const;

/** Kernel errors the models return, named as in `include/uapi/asm-generic/errno*.h`. */
export type Errno = 'EINVAL' | 'ENOSPC' | 'EEXIST' | 'ERANGE' | 'ENODEV' | 'EFAULT' | 'EPROBE_DEFER';

/** The negative value the kernel returns for each `Errno` (what `dev_dbg("Adding to IOMMU failed: %d")` prints). */
export const ERRNO_VALUES: Readonly<Record<Errno, number>> = {
	EINVAL: -22,
	ENOSPC: -28,
	EEXIST: -17,
	ERANGE: -34,
	ENODEV: -19,
	EFAULT: -14,
	EPROBE_DEFER: -517,
};

/** Kernel behaviour that changed over time and that a model may need to know. */
export interface KernelEra {
	/** `[major, minor]`, e.g. `[6, 8]`. The default (`DEFAULT_KERNEL_VERSION`) is a current kernel. */
	readonly version: readonly [number, number];
}

/** The kernel version assumed when the caller does not say: the newest, as everywhere else. */
export const DEFAULT_KERNEL_VERSION: readonly [number, number] = [NEWEST_KERNEL.major, NEWEST_KERNEL.minor];

/** True when `era` is at least `major.minor`. */
export function eraAtLeast(era: KernelEra, major: number, minor: number): boolean {
	const [ma, mi] = era.version;
	return ma > major || (ma === major && mi >= minor);
}

/** One IOMMU node as a plugin sees it. */
export interface IommuProvider {
	readonly view: DtView;
	readonly node: DtNodeView;
	readonly compatibles: readonly string[];
	/** The node's `#iommu-cells`, undefined when absent. */
	readonly iommuCells: number | undefined;
	/** `of_device_is_available()` of the node and its ancestors. */
	readonly available: boolean;
	readonly profile: ResolvedProfile;
}

/** A decoded specifier: what `of_xlate` puts into the device's `iommu_fwspec`. */
export interface DecodedStream {
	/** The stream/master/endpoint id; undefined for 0-cell bindings (the instance itself is the identity). */
	readonly id?: bigint;
	/** The SMR mask (arm-smmu only; 0 elsewhere). */
	readonly mask: bigint;
	/** True when the id or mask cell had bits the driver's field drops (e.g. `FIELD_PREP` to 16 bits). */
	readonly truncated?: boolean;
	/** The raw cells before truncation. */
	readonly rawCells: readonly bigint[];
	/** A short human description, e.g. `SID 0x1401 mask 0x30`. */
	readonly label: string;
}

/** The result of decoding one specifier. Errors are data: `message` is what the kernel prints, if anything. */
export type DecodeResult =
	| { readonly kind: 'ok'; readonly stream: DecodedStream }
	| {
			readonly kind: 'error';
			readonly errno: Errno;
			readonly message: string;
			/** True when the kernel prints `message` itself; false when the emulator synthesised it. */
			readonly kernelPrints: boolean;
	  };

/** A DMA master as the simulation knows it (a platform node, or one PCI requester ID of a host). */
export interface MasterRef {
	/** Stable key: the node path, plus ` rid 0x...` for PCI functions. */
	readonly key: string;
	readonly node: DtNodeView;
	/** The PCI requester ID (`bus << 8 | devfn`) for PCI functions. */
	readonly rid?: bigint;
	/** True for PCI functions (they get `pci_device_group()` groups). */
	readonly isPci: boolean;
}

/** One fwspec id handed to an instance, with the place it came from. */
export interface FwspecEntry {
	/** Index of the entry in the master's `iommus` (or the `iommu-map` entry index for PCI). */
	readonly entryIndex: number;
	readonly stream: DecodedStream;
	readonly loc: SourceRef;
}

/** What the instance allocated for one fwspec entry. */
export interface EntrySlot {
	readonly entryIndex: number;
	/** `smr`: stream-match register; `s2cr`: stream indexing; `ste`: SMMUv3 stream table entry; `context`: a fixed context (qcom); `instance`: a dedicated IOMMU; `endpoint`: virtio-iommu endpoint; `none`: unmodelled. */
	readonly kind: 'smr' | 's2cr' | 'ste' | 'context' | 'instance' | 'endpoint' | 'none';
	/** The register/table index (SMR/S2CR index, STE index = SID, context number). */
	readonly index?: number;
	/** Two-level stream table split (SMMUv3): level-1 descriptor and level-2 index. */
	readonly l1?: number;
	readonly l2?: number;
	/** True when an existing slot was reused (SMR entirely covering this entry, or an identical id). */
	readonly reused: boolean;
	/** Other masters (keys) that use the same slot. */
	readonly sharedWith: readonly string[];
}

/** The outcome of attaching one master to one instance (the driver's probe_device + device_group + default domain). */
export interface AttachOutcome {
	readonly ok: boolean;
	readonly errno?: Errno;
	/** What the kernel prints (or, when `kernelPrints` is false, the emulator's explanation). */
	readonly message?: string;
	readonly kernelPrints?: boolean;
	/** The entry that failed, if one did. */
	readonly failedEntry?: number;
	/** The master (key) and entry whose slot caused the failure, when another master is involved. */
	readonly conflictWith?: { readonly master: string; readonly entryIndex: number };
	/** Per entry slots; empty when the whole attach failed (allocation is all-or-nothing). */
	readonly slots: readonly EntrySlot[];
	/** The IOMMU group number (per instance), when one was assigned. */
	readonly group?: number;
	/** The context bank of the group's default domain (arm-smmu), or the context (qcom). */
	readonly contextBank?: number;
	/** Other masters (keys) in the same group. */
	readonly groupSharedWith: readonly string[];
}

/** Usage numbers an instance reports after a simulation (what a hover's usage bar shows). */
export interface InstanceUsage {
	readonly smrsUsed?: number;
	readonly smrsTotal?: number;
	readonly contextBanksUsed?: number;
	readonly contextBanksTotal?: number;
	readonly groups: number;
}

/** Per-simulation state of one IOMMU instance. */
export interface IommuInstanceState {
	/** Attaches `master` with its fwspec entries for this instance, in fwspec order. */
	attach(master: MasterRef, entries: readonly FwspecEntry[]): AttachOutcome;
	usage(): InstanceUsage;
}

/** Options a simulation passes to every instance. */
export interface SimulationOptions {
	readonly era: KernelEra;
}

/** A model of one IOMMU family. Pure: no IO, no globals, deterministic. */
export interface IommuModelPlugin {
	readonly apiVersion: typeof IOMMU_PLUGIN_API_VERSION;
	/** Equal to the plugin's file name, e.g. `arm-smmu-v3`. */
	readonly id: string;
	/** Human model name for hovers, e.g. `Arm SMMUv3`. */
	readonly model: string;
	/** Compatibles this model serves; `*` matches any run of characters (`qcom,*-smmu-500`). Empty for the fallback. */
	readonly compatibles: readonly string[];
	/** Tie-break when several plugins match one compatible: lower first (default 0). */
	readonly order?: number;
	/** The `#iommu-cells` values the driver accepts; undefined means any. */
	readonly cellCounts?: readonly number[];
	/** True when one master may use several instances of this model at once (OMAP DSPs). */
	readonly multiInstance?: boolean;
	/** Decodes the cells after the phandle of one `iommus`/`iommu-map` specifier, as `of_xlate`. */
	decodeSpecifier(provider: IommuProvider, args: readonly bigint[], era: KernelEra): DecodeResult;
	/** Fresh per-simulation state for one instance. */
	createInstance(provider: IommuProvider, options: SimulationOptions): IommuInstanceState;
}
