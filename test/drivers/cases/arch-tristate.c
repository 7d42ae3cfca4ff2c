// tristate-ifdef on a symbol only arch/arm64/Kconfig defines (read through arch/$(SRCARCH)/Kconfig).
#include <linux/kernel.h>

static void foo_fault(void)
{
#ifdef CONFIG_ARM64_SMMU_TRACE
	pr_info("fault\n");
#endif
}
