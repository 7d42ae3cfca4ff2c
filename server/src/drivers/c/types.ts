/**
 * Facts read from one C file of a driver. Every fact carries its span and the preprocessor
 * conditions (`#ifdef CONFIG_X`, `#if IS_ENABLED(...)`, `#else` branches) and C-level
 * `if (IS_ENABLED(CONFIG_X))` guards around it.
 */
import type { Diagnostic, Span } from '../../base/source';
import type { Directive, PreprocCondition } from './preproc';

export type { PreprocCondition } from './preproc';

/** A C-level `if (IS_ENABLED(CONFIG_X))` (or `IS_REACHABLE`/`IS_BUILTIN`/`IS_MODULE`) around a fact. */
export interface CGuard {
	readonly expr: string;
	/** False inside the `else` branch. */
	readonly holds: boolean;
	readonly span: Span;
	readonly configs: readonly string[];
}

/** What every fact has. */
export interface FactBase {
	readonly span: Span;
	/** The function the fact sits in; undefined at file scope. */
	readonly function?: string;
	readonly conditions: readonly PreprocCondition[];
	readonly guards: readonly CGuard[];
	/** True when the fact was recovered by the pattern scan of a part the parse could not read. */
	readonly recovered?: boolean;
}

/** One `{ .compatible = "...", .data = ... }` entry. */
export interface OfMatchEntry {
	readonly compatible: string;
	readonly data?: string;
	readonly span: Span;
}

/** A `struct of_device_id NAME[]` table. */
export interface OfMatchTable extends FactBase {
	readonly name: string;
	readonly entries: readonly OfMatchEntry[];
}

/** The bus a driver structure registers on, from its type. */
export type DriverBus = 'platform' | 'amba' | 'pci' | 'rpmsg' | 'virtio' | 'i2c' | 'spi' | 'fsl-mc' | 'host1x' | 'spmi' | 'other';

/** A `struct platform_driver X = { ... }` (or amba_driver, pci_driver, rpmsg_driver, virtio_driver, ...). */
export interface DriverStruct extends FactBase {
	readonly variable: string;
	/** The structure type, e.g. `platform_driver`. */
	readonly structType: string;
	readonly bus: DriverBus;
	/** `.driver.name` / `.drv.name` / `.name`, when a string literal. */
	readonly name?: string;
	/** The table named by `.of_match_table` (through `of_match_ptr()` too). */
	readonly ofMatchTable?: string;
	readonly probe?: string;
}

/** How a driver or function is registered. */
export interface Registration extends FactBase {
	/** The macro as written: `module_platform_driver`, `builtin_platform_driver`, `subsys_initcall`, `module_init`, ... */
	readonly macro: string;
	/** The initcall level when built in (`device` for `module_*`), e.g. `subsys`, `device_sync`. */
	readonly level: string;
	/** The argument: a driver structure (`module_*_driver`) or an init function (`*_initcall`, `module_init`). */
	readonly target: string;
	readonly kind: 'driver-macro' | 'initcall';
}

/** A `struct iommu_ops X = { ... }`. */
export interface IommuOps extends FactBase {
	readonly variable: string;
	/** Its initialized fields (`of_xlate`, `probe_device`, `add_device`, ...). */
	readonly fields: readonly string[];
}

/** A call the checks and the probe model care about. */
export interface CallFact extends FactBase {
	/** The called function (`bus_set_iommu`, `dma_set_mask_and_coherent`, ...). */
	readonly callee: string;
	/** The arguments as written. */
	readonly args: readonly string[];
}

/** A `bus_set_iommu(&X_bus_type, ops)` call, with what the probe model needs. */
export interface BusSetIommuFact extends FactBase {
	/** The bus argument as written (`&platform_bus_type`). */
	readonly busArg: string;
	/** The bus it names, when known. */
	readonly bus?: string;
	readonly ops: string;
	/** Where it runs from: the probe of a driver of this file, its initcall, or unknown. */
	readonly from: 'probe' | 'initcall' | 'unknown';
	/** The chain of functions from the probe/initcall function to the one calling `bus_set_iommu`. */
	readonly via: readonly string[];
	/** Guarded by `!iommu_present(bus)`. */
	readonly guardedByIommuPresent: boolean;
	/** The error is returned to the caller (and up to probe/initcall). */
	readonly errorPropagated: boolean;
	/** The initcall decided to claim the bus after `of_find_matching_node()` without `of_device_is_available()`. */
	readonly afterMatchingNodeWithoutAvailability: boolean;
}

/** `ptr->dma_ops = ...`, `ptr->iommu_ops = ...`. */
export interface FieldAssignFact extends FactBase {
	readonly field: 'dma_ops' | 'iommu_ops' | 'iommu_fwspec' | 'dma_mask' | 'coherent_dma_mask';
	/** The object expression (`rpdev->dev`). */
	readonly object: string;
	readonly value: string;
}

/** `IOMMU_OF_DECLARE(name, "compatible", init)`. */
export interface OfDeclareFact extends FactBase {
	readonly name: string;
	readonly compatible: string;
}

/** `module_param(name, type, perm)` / `module_param_named(name, var, type, perm)` with the variable's initializer. */
export interface ModuleParamFact extends FactBase {
	readonly name: string;
	readonly variable: string;
	readonly type: string;
	/** The variable's initializer as written (`IS_ENABLED(CONFIG_X)`, `1`, `true`). */
	readonly initializer?: string;
}

/** A function of the file: its name, parameters and the functions it calls. */
export interface FunctionFact {
	readonly name: string;
	readonly span: Span;
	/** Parameter declarations as written. */
	readonly params: string;
	readonly calls: readonly string[];
	/** Offsets of the body (for ordering facts inside one function). */
	readonly bodyStart: number;
	readonly bodyEnd: number;
}

/** Everything read from one file. */
export interface CFileFacts {
	readonly file: string;
	readonly ofMatchTables: readonly OfMatchTable[];
	readonly drivers: readonly DriverStruct[];
	readonly registrations: readonly Registration[];
	readonly iommuOps: readonly IommuOps[];
	readonly busSetIommu: readonly BusSetIommuFact[];
	/** Calls of interest: `iommu_device_register`, `iommu_present`, `of_find_matching_node`, `of_device_is_available`, the `dma_*` helpers, `of_dma_configure`, `set_dma_ops`, `of_platform_populate`, driver registrations. */
	readonly calls: readonly CallFact[];
	readonly fieldAssigns: readonly FieldAssignFact[];
	readonly ofDeclares: readonly OfDeclareFact[];
	readonly moduleParams: readonly ModuleParamFact[];
	readonly functions: readonly FunctionFact[];
	/** `if (args.args_count != N) dev_err(dev, "...")`: the `#iommu-cells` a bus `add_device` callback insists on. */
	readonly argsCountChecks: ReadonlyArray<{ readonly expected: number; readonly message?: string; readonly span: Span }>;
	/** Every `#if`-group directive of the file. */
	readonly directives: readonly Directive[];
	/** `#define MODULE_PARAM_PREFIX "arm-smmu."`. */
	readonly paramPrefix?: string;
	/** ERROR nodes in the parse (after blanking annotations). */
	readonly parseErrors: number;
	/** Facts recovered by the pattern scan of ERROR parts. */
	readonly recovered: number;
	/** Informational diagnostics: a file that yielded nothing, parts recovered by pattern scans. */
	readonly diagnostics: readonly Diagnostic[];
}

/** True when the file gave no driver fact at all. */
export function isEmpty(f: CFileFacts): boolean {
	return f.ofMatchTables.length + f.drivers.length + f.registrations.length + f.iommuOps.length + f.busSetIommu.length + f.calls.length + f.fieldAssigns.length + f.ofDeclares.length === 0;
}
