// Near misses of tristate-ifdef: IS_ENABLED/IS_REACHABLE on a tristate, #ifdef on a bool.
#include <linux/iommu.h>

static void smmu_bus_init(void)
{
#if IS_REACHABLE(CONFIG_RPMSG)
	pr_info("rpmsg reachable\n");
#endif
#ifdef CONFIG_ARM_SMMU_DISABLE_BYPASS_BY_DEFAULT
	pr_info("bypass off\n");
#endif
#if defined(CONFIG_QCOM_FASTRPC_MODULE)
	pr_info("fastrpc module\n");
#endif
}
