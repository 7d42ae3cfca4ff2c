// A 6.1-style IOMMU driver: per-instance ops, no bus_set_iommu() (bus-set-iommu near miss).
#include <linux/iommu.h>
#include <linux/platform_device.h>

struct mini_iommu {
	void __iomem *base;
	struct iommu_device iommu;
};

static const struct iommu_ops mini_iommu_ops = {
	.probe_device	= mini_iommu_probe_device,
	.of_xlate	= mini_iommu_of_xlate,
};

static int __init mini_iommu_probe(struct platform_device *pdev)
{
	struct mini_iommu *m = devm_kzalloc(&pdev->dev, sizeof(*m), GFP_KERNEL);

	if (!m)
		return -ENOMEM;
	return iommu_device_register(&m->iommu, &mini_iommu_ops, &pdev->dev);
}

static const struct of_device_id mini_iommu_of_match[] __maybe_unused = {
	{ .compatible = "vendor,mini-iommu", .data = (void *)1 },
	{ }
};

static struct platform_driver mini_iommu_driver = {
	.probe = mini_iommu_probe,
	.driver = {
		.name = "mini-iommu",
		.of_match_table = of_match_ptr(mini_iommu_of_match),
	},
};
builtin_platform_driver(mini_iommu_driver);
EXPORT_SYMBOL_GPL(mini_iommu_ops);
