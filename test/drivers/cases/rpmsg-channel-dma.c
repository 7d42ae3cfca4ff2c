// rpmsg-dma-ops triggers: DMA ops on the rpmsg channel device.
#include <linux/rpmsg.h>
#include <linux/dma-mapping.h>

static int adsp_svc_probe(struct rpmsg_device *rpdev)
{
	struct device *dev = &rpdev->dev;

	of_dma_configure(&rpdev->dev, rpdev->dev.of_node, true);
	rpdev->dev.dma_ops = &iommu_dma_ops;
	dma_set_mask_and_coherent(dev, DMA_BIT_MASK(32));
	return 0;
}

static const struct of_device_id adsp_svc_of_match[] = {
	{ .compatible = "vendor,adsp-svc" },
	{ }
};

static struct rpmsg_driver adsp_svc_driver = {
	.probe = adsp_svc_probe,
	.drv = {
		.name = "adsp-svc",
		.of_match_table = adsp_svc_of_match,
	},
};
module_rpmsg_driver(adsp_svc_driver);
