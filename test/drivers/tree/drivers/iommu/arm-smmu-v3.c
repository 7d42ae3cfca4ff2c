// SPDX-License-Identifier: GPL-2.0
/*
 * An Arm SMMUv3 driver in the style of the 4.14-era arm-smmu-v3.c, written for the iommu-lens tests
 * (not kernel code).
 */
#include <linux/acpi.h>
#include <linux/amba/bus.h>
#include <linux/iommu.h>
#include <linux/module.h>
#include <linux/of.h>
#include <linux/of_iommu.h>
#include <linux/pci.h>
#include <linux/platform_device.h>

static bool disable_bypass = 1;
module_param_named(disable_bypass, disable_bypass, bool, S_IRUGO);
MODULE_PARM_DESC(disable_bypass,
	"Disable bypass streams such that incoming transactions from devices that are not attached to an iommu domain will report an abort back to the device and will not be allowed to pass through the SMMU.");

struct arm_smmu_device {
	struct device			*dev;
	void __iomem			*base;
	struct iommu_device		iommu;
};

static struct iommu_ops arm_smmu_ops = {
	.capable		= arm_smmu_capable,
	.domain_alloc		= arm_smmu_domain_alloc,
	.attach_dev		= arm_smmu_attach_dev,
	.add_device		= arm_smmu_add_device,
	.remove_device		= arm_smmu_remove_device,
	.device_group		= arm_smmu_device_group,
	.of_xlate		= arm_smmu_of_xlate,
	.pgsize_bitmap		= -1UL, /* Restricted during device attach */
};

static int __init arm_smmu_device_dt_probe(struct platform_device *pdev,
					   struct arm_smmu_device *smmu)
{
	u32 cells;

	if (of_property_read_u32(pdev->dev.of_node, "#iommu-cells", &cells))
		dev_err(&pdev->dev, "missing #iommu-cells property\n");
	else if (cells != 1)
		dev_err(&pdev->dev, "invalid #iommu-cells value (%d)\n", cells);
	return 0;
}

static int arm_smmu_device_probe(struct platform_device *pdev)
{
	int ret;
	struct resource *res;
	struct arm_smmu_device *smmu;
	struct device *dev = &pdev->dev;

	smmu = devm_kzalloc(dev, sizeof(*smmu), GFP_KERNEL);
	if (!smmu)
		return -ENOMEM;
	smmu->dev = dev;

	ret = arm_smmu_device_dt_probe(pdev, smmu);
	if (ret)
		return ret;

	res = platform_get_resource(pdev, IORESOURCE_MEM, 0);
	smmu->base = devm_ioremap_resource(dev, res);
	if (IS_ERR(smmu->base))
		return PTR_ERR(smmu->base);

	iommu_device_set_ops(&smmu->iommu, &arm_smmu_ops);
	ret = iommu_device_register(&smmu->iommu);
	if (ret)
		return ret;

#ifdef CONFIG_PCI
	if (pci_bus_type.iommu_ops != &arm_smmu_ops) {
		pci_request_acs();
		ret = bus_set_iommu(&pci_bus_type, &arm_smmu_ops);
		if (ret)
			return ret;
	}
#endif
#ifdef CONFIG_ARM_AMBA
	if (amba_bustype.iommu_ops != &arm_smmu_ops) {
		ret = bus_set_iommu(&amba_bustype, &arm_smmu_ops);
		if (ret)
			return ret;
	}
#endif
	if (platform_bus_type.iommu_ops != &arm_smmu_ops) {
		ret = bus_set_iommu(&platform_bus_type, &arm_smmu_ops);
		if (ret)
			return ret;
	}
	return 0;
}

static const struct of_device_id arm_smmu_of_match[] = {
	{ .compatible = "arm,smmu-v3", },
	{ },
};
MODULE_DEVICE_TABLE(of, arm_smmu_of_match);

static struct platform_driver arm_smmu_driver = {
	.driver	= {
		.name		= "arm-smmu-v3",
		.of_match_table	= of_match_ptr(arm_smmu_of_match),
	},
	.probe	= arm_smmu_device_probe,
};
builtin_platform_driver(arm_smmu_driver);

IOMMU_OF_DECLARE(arm_smmuv3, "arm,smmu-v3", NULL);

MODULE_DESCRIPTION("IOMMU API for ARM architected SMMUv3 implementations");
MODULE_LICENSE("GPL v2");
