// SPDX-License-Identifier: MIT
/*
 * lens1 video decoder IOMMU: one small IOMMU per master, in the style of the 2017 Rockchip
 * driver (written for the iommu-lens example, not kernel code).
 *
 * PROBLEM: the platform bus is claimed from subsys_initcall as soon as a matching node exists
 * (whether or not it is enabled), before any module_platform_driver IOMMU driver has probed. With
 * the lens1 SMMU also on the platform bus, the SMMU's masters are handed to this driver's
 * add_device, which rejects them: they run without an IOMMU (kernels before 6.1).
 */
#include <linux/device.h>
#include <linux/init.h>
#include <linux/iommu.h>
#include <linux/of.h>
#include <linux/of_platform.h>
#include <linux/platform_device.h>

struct lens_vdec_iommu {
	struct device *dev;
	void __iomem *base;
	struct iommu_device iommu;
};

static int lens_vdec_iommu_add_device(struct device *dev)
{
	struct of_phandle_args args;
	struct iommu_group *group;
	int ret;

	ret = of_parse_phandle_with_args(dev->of_node, "iommus", "#iommu-cells", 0, &args);
	if (ret)
		return ret;
	if (args.args_count != 0) {
		dev_err(dev, "incorrect number of iommu params found for %pOF (found %d, expected 0)\n",
			args.np, args.args_count);
		of_node_put(args.np);
		return -EINVAL;
	}
	of_node_put(args.np);

	group = iommu_group_get_for_dev(dev);
	if (IS_ERR(group))
		return PTR_ERR(group);
	iommu_group_put(group);
	return 0;
}

static const struct iommu_ops lens_vdec_iommu_ops = {
	.add_device = lens_vdec_iommu_add_device,
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
	return 0;
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
	},
};

static int __init lens_vdec_iommu_init(void)
{
	struct device_node *np;
	int ret;

	np = of_find_matching_node(NULL, lens_vdec_iommu_dt_ids);
	if (!np)
		return 0;
	of_node_put(np);

	ret = bus_set_iommu(&platform_bus_type, &lens_vdec_iommu_ops);
	if (ret)
		return ret;

	return platform_driver_register(&lens_vdec_iommu_driver);
}
subsys_initcall(lens_vdec_iommu_init);
