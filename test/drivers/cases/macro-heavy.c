// Kernel idioms the grammar cannot read: an unknown declaration macro at file scope without a
// semicolon breaks the parse around the driver structure; the pattern scan recovers it.
#include <linux/module.h>

DECLARE_WEIRD_THING(foo) {
	.x = 1,
}

static const struct of_device_id weird_of_match[] = {
	{ .compatible = "vendor,weird-iommu" },
	{ }
} WEIRD_SECTION("x") MORE WEIRD

static struct platform_driver weird_driver = {
	.probe = weird_probe,
	.driver = { .name = "weird", .of_match_table = weird_of_match },
} ATTR ATTR2

static int weird_init(void) { bus_set_iommu(&platform_bus_type, &weird_ops); return platform_driver_register(&weird_driver); }
arch_initcall_sync(weird_init);
