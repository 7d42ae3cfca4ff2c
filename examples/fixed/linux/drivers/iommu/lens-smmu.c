// SPDX-License-Identifier: MIT
/*
 * lens1 system MMU: the SoC's Arm MMU-500, in the style of the arm-smmu driver of 6.1 and later
 * (written for the iommu-lens example, not kernel code).
 *
 * Ops are per instance (iommu_device_register() with the ops), so the lens1 video decoder IOMMU
 * can share the platform bus. Nothing is done for the rpmsg bus: rpmsg channels are not DMA
 * masters; the DSP's DMA-capable functions are platform devices (fastrpc compute-cb nodes) with
 * their own iommus, configured like any other master.
 */
#include <linux/bitfield.h>
#include <linux/iommu.h>
#include <linux/module.h>
#include <linux/of.h>
#include <linux/of_device.h>
#include <linux/platform_device.h>

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

static struct iommu_device *lens_smmu_probe_device(struct device *dev)
{
	struct lens_smmu *smmu = dev_iommu_priv_get(dev);

	if (!smmu)
		return ERR_PTR(-ENODEV);
	return &smmu->iommu;
}

static const struct iommu_ops lens_smmu_ops = {
	.probe_device = lens_smmu_probe_device,
	.of_xlate = lens_smmu_of_xlate,
	.pgsize_bitmap = SZ_4K | SZ_2M | SZ_1G,
};

static int lens_smmu_probe(struct platform_device *pdev)
{
	struct device *dev = &pdev->dev;
	struct lens_smmu *smmu;

	smmu = devm_kzalloc(dev, sizeof(*smmu), GFP_KERNEL);
	if (!smmu)
		return -ENOMEM;
	smmu->dev = dev;
	smmu->base = devm_platform_ioremap_resource(pdev, 0);
	if (IS_ERR(smmu->base))
		return PTR_ERR(smmu->base);
	platform_set_drvdata(pdev, smmu);

	return iommu_device_register(&smmu->iommu, &lens_smmu_ops, dev);
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
