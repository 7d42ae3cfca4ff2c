/** The reference plugins shipped with the emulator, in no particular order (the registry orders them). */
import type { IommuModelPlugin } from './plugin-api';
import { plugin as armSmmu } from './plugins/arm-smmu';
import { plugin as armSmmuV3 } from './plugins/arm-smmu-v3';
import { plugin as generic } from './plugins/generic';
import { plugin as omapIommu } from './plugins/omap-iommu';
import { plugin as qcomMsmIommu } from './plugins/qcom-msm-iommu';
import { plugin as rockchipIommu } from './plugins/rockchip-iommu';
import { plugin as virtioIommu } from './plugins/virtio-iommu';

/** Every built-in IOMMU model. */
export const BUILTIN_PLUGINS: readonly IommuModelPlugin[] = [armSmmu, armSmmuV3, rockchipIommu, qcomMsmIommu, omapIommu, virtioIommu, generic];
