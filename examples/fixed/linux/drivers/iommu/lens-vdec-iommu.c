// SPDX-License-Identifier: MIT
/*
 * lens1 video decoder IOMMU: one small IOMMU per master, in the style of the per-device-ops
 * Rockchip driver of 6.1 and later (written for the iommu-lens example, not kernel code).
 *
 * Each instance registers its own ops with iommu_device_register() from probe, and masters are
 * bound through of_xlate: nothing claims the platform bus, so the lens1 SMMU can share it.
 */
#include <linux/device.h>
#include <linux/iommu.h>
#include <linux/of.h>
#include <linux/of_platform.h>
#include <linux/platform_device.h>

struct lens_vdec_iommu {
	struct device *dev;
	void __iomem *base;
	struct iommu_device iommu;
};

static int lens_vdec_iommu_of_xlate(struct device *dev, struct of_phandle_args *args)
{
	struct platform_device *iommu_dev;

	/* One instance per master: the specifier has no cells. */
	iommu_dev = of_find_device_by_node(args->np);
	if (!iommu_dev)
		return -ENODEV;
	dev_iommu_priv_set(dev, platform_get_drvdata(iommu_dev));
	platform_device_put(iommu_dev);
	return 0;
}

static struct iommu_device *lens_vdec_iommu_probe_device(struct device *dev)
{
	struct lens_vdec_iommu *iommu = dev_iommu_priv_get(dev);

	if (!iommu)
		return ERR_PTR(-ENODEV);
	return &iommu->iommu;
}

static const struct iommu_ops lens_vdec_iommu_ops = {
	.probe_device = lens_vdec_iommu_probe_device,
	.of_xlate = lens_vdec_iommu_of_xlate,
	.pgsize_bitmap = SZ_4K,
};

static int lens_vdec_iommu_probe(struct platform_device *pdev)
{
	struct device *dev = &pdev->dev;
	struct lens_vdec_iommu *iommu;

	iommu = devm_kzalloc(dev, sizeof(*iommu), GFP_KERNEL);
	if (!iommu)
		return -ENOMEM;
	iommu->dev = dev;
	iommu->base = devm_platform_ioremap_resource(pdev, 0);
	if (IS_ERR(iommu->base))
		return PTR_ERR(iommu->base);
	platform_set_drvdata(pdev, iommu);

	return iommu_device_register(&iommu->iommu, &lens_vdec_iommu_ops, dev);
}

static const struct of_device_id lens_vdec_iommu_dt_ids[] = {
	{ .compatible = "rockchip,iommu" },
	{ /* sentinel */ }
};

static struct platform_driver lens_vdec_iommu_driver = {
	.probe = lens_vdec_iommu_probe,
	.driver = {
		.name = "lens-vdec-iommu",
		.of_match_table = lens_vdec_iommu_dt_ids,
		.suppress_bind_attrs = true,
	},
};
builtin_platform_driver(lens_vdec_iommu_driver);
