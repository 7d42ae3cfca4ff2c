// tristate-ifdef triggers: #if defined() and #ifndef on tristate symbols.
#include <linux/kernel.h>

static int foo_init(void)
{
#if defined(CONFIG_QCOM_FASTRPC)
	pr_info("fastrpc\n");
#endif
#ifndef CONFIG_ARM_SMMU_V3
	pr_info("no smmuv3\n");
#else
	pr_info("smmuv3\n");
#endif
	return 0;
}
