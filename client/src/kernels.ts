/**
 * The kernel versions offered by "iommu-lens: Pick Kernel Version", grouped by the era of how Linux
 * attaches DMA masters to IOMMUs. The eras mirror emulator/src/probe/era.ts (`eraOf`, `NEWEST_KERNEL`;
 * the client may not import the emulator, so test/extension/kernels.test.ts checks that this table
 * agrees with it). Pure: no `vscode` import.
 */

export type KernelEra = 'pre-4.19' | 'per-bus' | 'per-device';

export interface KernelEraInfo {
	era: KernelEra;
	title: string;
	/** Versions offered, newest first (long-term releases and the era boundaries). */
	versions: readonly string[];
}

/** The newest kernel the emulator knows: what an empty `iommuLens.kernel` means. */
export const NEWEST_KERNEL = '7.1';

export const KERNEL_ERAS: readonly KernelEraInfo[] = [
	{ era: 'per-device', title: '6.1 and later: IOMMU ops per device (iommu_device_register)', versions: ['7.1', '6.18', '6.12', '6.6', '6.1'] },
	{ era: 'per-bus', title: '4.19 to 6.0: IOMMU ops per bus, masters defer until the probe timeout', versions: ['6.0', '5.15', '5.10', '5.4', '4.19'] },
	{ era: 'pre-4.19', title: 'before 4.19: IOMMU_OF_DECLARE, no IOMMU at once when the driver is missing', versions: ['4.14', '4.9', '4.4'] },
];

/** The era of `X.Y` (the same boundaries as the emulator's `eraOf`); undefined when not a version. */
export function eraOfVersion(version: string): KernelEra | undefined {
	const m = /^(\d+)\.(\d+)$/.exec(version.trim());
	if (!m) return undefined;
	const v = Number(m[1]) * 1000 + Number(m[2]);
	if (v < 4019) return 'pre-4.19';
	if (v < 6001) return 'per-bus';
	return 'per-device';
}
