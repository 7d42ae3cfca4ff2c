// SPDX-License-Identifier: MIT
/*
 * lens1 system MMU: the SoC's Arm MMU-500, in the style of the arm-smmu driver of the 4.x/5.x
 * kernels (written for the iommu-lens example, not kernel code).
 *
 * PROBLEMS:
 * - IOMMU ops are installed per bus with bus_set_iommu(): whoever calls it first owns the
 *   platform bus, and the lens1 video decoder IOMMU calls it earlier (subsys_initcall);
 * - the rpmsg bus is given the SMMU's ops, as if rpmsg channels were DMA masters (they are
 *   software endpoints: the 2018 "iommu: armsmmu: set iommu ops for rpmsg bus" patch);
 * - and that block sits under #ifdef CONFIG_RPMSG, which is tristate: with RPMSG=m only
 *   CONFIG_RPMSG_MODULE is defined, so this built-in driver compiles the block out.
 */
#include <linux/bitfield.h>
#include <linux/iommu.h>
#include <linux/module.h>
#include <linux/of.h>
#include <linux/of_device.h>
#include <linux/platform_device.h>
#include <linux/rpmsg.h>

#define LENS_SMMU_SMR_ID	GENMASK(15, 0)
#define LENS_SMMU_SMR_MASK	GENMASK(31, 16)

static bool disable_bypass = IS_ENABLED(CONFIG_LENS_SMMU_DISABLE_BYPASS_BY_DEFAULT);
module_param(disable_bypass, bool, 0444);
MODULE_PARM_DESC(disable_bypass,
	"Disable bypass streams such that incoming transactions from devices that are not attached to an iommu domain will report an abort back to the device and will not be allowed to pass through the SMMU.");

struct lens_smmu {
	struct device *dev;
	void __iomem *base;
	struct iommu_device iommu;
};

static const struct iommu_ops lens_smmu_ops;

static int lens_smmu_of_xlate(struct device *dev, struct of_phandle_args *args)
{
	u32 fwid = FIELD_PREP(LENS_SMMU_SMR_ID, args->args[0]);

	if (args->args_count > 1)
		fwid |= FIELD_PREP(LENS_SMMU_SMR_MASK, args->args[1]);

	return iommu_fwspec_add_ids(dev, &fwid, 1);
}

static int lens_smmu_add_device(struct device *dev)
{
	struct iommu_fwspec *fwspec = dev_iommu_fwspec_get(dev);

	if (!fwspec || fwspec->ops != &lens_smmu_ops)
		return -ENODEV;
	return 0;
}

static const struct iommu_ops lens_smmu_ops = {
	.add_device = lens_smmu_add_device,
	.of_xlate = lens_smmu_of_xlate,
	.pgsize_bitmap = SZ_4K | SZ_2M | SZ_1G,
};

static int lens_smmu_bus_init(void)
{
	int err;

	if (!iommu_present(&platform_bus_type)) {
		err = bus_set_iommu(&platform_bus_type, &lens_smmu_ops);
		if (err)
			return err;
	}
#ifdef CONFIG_RPMSG
	if (!iommu_present(&rpmsg_bus)) {
		err = bus_set_iommu(&rpmsg_bus, &lens_smmu_ops);
		if (err)
			return err;
	}
#endif
	return 0;
}

static int lens_smmu_probe(struct platform_device *pdev)
{
	struct device *dev = &pdev->dev;
	struct lens_smmu *smmu;
	int err;

	smmu = devm_kzalloc(dev, sizeof(*smmu), GFP_KERNEL);
	if (!smmu)
		return -ENOMEM;
	smmu->dev = dev;
	smmu->base = devm_platform_ioremap_resource(pdev, 0);
	if (IS_ERR(smmu->base))
		return PTR_ERR(smmu->base);

	iommu_device_set_ops(&smmu->iommu, &lens_smmu_ops);
	iommu_device_set_fwnode(&smmu->iommu, dev->fwnode);
	err = iommu_device_register(&smmu->iommu);
	if (err)
		return err;

	platform_set_drvdata(pdev, smmu);
	return lens_smmu_bus_init();
}

static const struct of_device_id lens_smmu_of_match[] = {
	{ .compatible = "arm,mmu-500" },
	{ }
};
MODULE_DEVICE_TABLE(of, lens_smmu_of_match);

static struct platform_driver lens_smmu_driver = {
	.driver	= {
		.name		= "lens-smmu",
		.of_match_table	= lens_smmu_of_match,
	},
	.probe	= lens_smmu_probe,
};
module_platform_driver(lens_smmu_driver);

MODULE_DESCRIPTION("lens1 system MMU (example)");
MODULE_LICENSE("Dual MIT/GPL");
