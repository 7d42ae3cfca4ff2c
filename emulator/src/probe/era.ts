/**
 * Kernel versions and the three eras of how Linux attaches DMA masters to IOMMUs.
 *
 * - `pre-4.19`: `of_iommu_xlate()` returned NO_IOMMU at once when the IOMMU had no registered ops and
 *   its compatible had no `IOMMU_OF_DECLARE` entry (`of_iommu_driver_present()`, v4.12 to v4.18);
 *   IOMMU ops were per bus (`bus_set_iommu()`).
 * - `per-bus` (4.19 to 6.0): the `IOMMU_OF_DECLARE` table was removed in v4.19 and `of_iommu_xlate()`
 *   defers with `driver_deferred_probe_check_state()` until the deferred-probe timeout, then gives up
 *   with -ENODEV (the master probes without an IOMMU); ops are still per bus.
 * - `per-device` (6.1 and later): "iommu: Retire bus_set_iommu()" (merged for v6.1); every IOMMU
 *   instance brings its own ops through `iommu_device_register()`, several IOMMU drivers can share a
 *   bus, and a device's fwspec must come from a single driver.
 */

/** A kernel version as `major.minor` (the patch level never changes the eras modelled here). */
export interface KernelVersion {
	readonly major: number;
	readonly minor: number;
}

/** The three eras; see the module header. */
export type KernelEra = 'pre-4.19' | 'per-bus' | 'per-device';

/** The newest kernel the built-in facts describe; the default when a scenario names no version. */
export const NEWEST_KERNEL: KernelVersion = { major: 7, minor: 1 };

/** Thrown by `parseKernelVersion` with a message that names the bad value. */
export class KernelVersionError extends Error {
	/** The text that could not be read as a kernel version. */
	readonly value: string;
	constructor(value: string, why: string) {
		super(`Invalid kernel version '${value}': ${why}.`);
		this.name = 'KernelVersionError';
		this.value = value;
	}
}

/**
 * Reads `X.Y` (also `X.Y.Z`, `X.Y-rcN` and `vX.Y`, whose suffixes are ignored) as a kernel version.
 * Throws `KernelVersionError` naming the bad value when the text is not a version Linux ever had.
 */
export function parseKernelVersion(text: string): KernelVersion {
	const trimmed = text.trim();
	const m = /^v?(\d{1,3})\.(\d{1,3})(?:\.\d{1,4})?(?:-rc\d{1,2})?$/.exec(trimmed);
	if (!m) throw new KernelVersionError(text, 'expected MAJOR.MINOR such as 5.10 or 6.1');
	const major = Number(m[1]);
	const minor = Number(m[2]);
	if (major < 2 || major > 99) throw new KernelVersionError(text, `major version ${major} is out of range (2 to 99)`);
	return { major, minor };
}

/** Like `parseKernelVersion`, returning the error message instead of throwing. */
export function tryParseKernelVersion(text: string): { ok: true; version: KernelVersion } | { ok: false; error: string } {
	try {
		return { ok: true, version: parseKernelVersion(text) };
	} catch (e) {
		return { ok: false, error: e instanceof Error ? e.message : String(e) };
	}
}

/** Negative when `a` is older than `b`, zero when equal, positive when newer. */
export function compareKernelVersions(a: KernelVersion, b: KernelVersion): number {
	return a.major !== b.major ? a.major - b.major : a.minor - b.minor;
}

/** True when `v` is at least `major.minor`. */
export function atLeast(v: KernelVersion, major: number, minor: number): boolean {
	return compareKernelVersions(v, { major, minor }) >= 0;
}

/** `X.Y`. */
export function formatKernelVersion(v: KernelVersion): string {
	return `${v.major}.${v.minor}`;
}

/** The era a kernel version belongs to. */
export function eraOf(v: KernelVersion): KernelEra {
	if (!atLeast(v, 4, 19)) return 'pre-4.19';
	if (!atLeast(v, 6, 1)) return 'per-bus';
	return 'per-device';
}

/** A one-line description of each era, for hovers and messages. */
export const ERA_DESCRIPTIONS: Readonly<Record<KernelEra, string>> = {
	'pre-4.19':
		'before 4.19: IOMMU ops are per bus (bus_set_iommu); a master whose IOMMU has no registered ops and no IOMMU_OF_DECLARE driver gets no IOMMU at once',
	'per-bus':
		'4.19 to 6.0: IOMMU ops are per bus (bus_set_iommu); a master whose IOMMU is not registered defers until the deferred-probe timeout, then probes without an IOMMU',
	'per-device':
		'6.1 and later: every IOMMU instance registers its own ops (iommu_device_register), so several IOMMU drivers can share a bus',
};

/**
 * The default `deferred_probe_timeout` in seconds for a kernel version: 0 means "give up when the
 * initcalls are done" (`initcalls_done` in drivers/base/dd.c of the 4.19 era, before any module can
 * load), 10 is the later default when modules are enabled. The switch point (5.13) is a conservative
 * assumption, not read from a source; pass an explicit timeout in a scenario when it matters.
 */
export function defaultDeferredProbeTimeout(v: KernelVersion): number {
	return atLeast(v, 5, 13) ? 10 : 0;
}
