/* The rockchip-like driver of test/drivers/tree moved from subsys_initcall to device_initcall. */
#include <linux/iommu.h>
#include <linux/of.h>
#include <linux/platform_device.h>

static int rk_iommu_add_device(struct device *dev)
{
	struct of_phandle_args args;

	if (args.args_count != 0) {
		dev_err(dev, "incorrect number of iommu params found for %pOF (found %d, expected 0)\n",
			args.np, args.args_count);
		return -EINVAL;
	}
	return 0;
}

static const struct iommu_ops rk_iommu_ops = {
	.add_device = rk_iommu_add_device,
};

static int rk_iommu_probe(struct platform_device *pdev)
{
	return 0;
}

static const struct of_device_id rk_iommu_dt_ids[] = {
	{ .compatible = "rockchip,iommu" },
	{ /* sentinel */ }
};

static struct platform_driver rk_iommu_driver = {
	.probe = rk_iommu_probe,
	.driver = {
		   .name = "rockchip-iommu",
		   .of_match_table = rk_iommu_dt_ids,
	},
};

static int __init rk_iommu_init(void)
{
	struct device_node *np;
	int ret;

	np = of_find_matching_node(NULL, rk_iommu_dt_ids);
	if (!np)
		return 0;
	of_node_put(np);

	ret = bus_set_iommu(&platform_bus_type, &rk_iommu_ops);
	if (ret)
		return ret;

	return platform_driver_register(&rk_iommu_driver);
}
device_initcall(rk_iommu_init);
