/* SPDX-License-Identifier: MIT */
/* The interrupt specifier constants every Arm board includes (values as in the kernel's binding header). */
#ifndef _DT_BINDINGS_INTERRUPT_CONTROLLER_ARM_GIC_H
#define _DT_BINDINGS_INTERRUPT_CONTROLLER_ARM_GIC_H

#define GIC_SPI 0
#define GIC_PPI 1

#define IRQ_TYPE_NONE		0
#define IRQ_TYPE_EDGE_RISING	1
#define IRQ_TYPE_LEVEL_HIGH	4

#endif
