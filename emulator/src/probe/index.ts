/**
 * Probe order: kernel eras, driver facts and the probe-order model. Plain data in, plain data out.
 */

/** Kernel versions and eras: `parseKernelVersion('5.10')`, `eraOf(v)`, `NEWEST_KERNEL`, ... */
export {
	type KernelVersion,
	type KernelEra,
	NEWEST_KERNEL,
	KernelVersionError,
	parseKernelVersion,
	tryParseKernelVersion,
	compareKernelVersions,
	atLeast,
	formatKernelVersion,
	eraOf,
	ERA_DESCRIPTIONS,
	defaultDeferredProbeTimeout,
} from './era';

/** Driver facts and the built-in table of mainline IOMMU drivers per era. */
export {
	type BusName,
	type InitcallLevel,
	type DriverRegistration,
	type BuildState,
	type BusSetIommuCall,
	type DriverFacts,
	INITCALL_LEVELS,
	initcallIndex,
	builtinDriverFacts,
	builtinDriverNames,
	matchDriver,
} from './drivers';

/** The IOMMU providers and masters of a tree, as the probe-order model sees them. */
export { type ProviderNode, type MasterLink, type MasterNode, type Topology, scanTopology } from './topology';

/** The probe-order model: `simulateProbe(view, options)` → per-master outcomes over every order, and a trace. */
export {
	type ProbeOptions,
	type NoIommuReason,
	type MasterOutcome,
	type Witness,
	type MasterResult,
	type InstanceState,
	type InstanceResult,
	type BusResult,
	type ProbeStep,
	type ProbeResult,
	simulateProbe,
} from './simulate';

/** A generated n-driver workload for benchmarks: `exploreFightingSoc(n).explored` grows quadratically. */
export { fightingSocWorkload, exploreFightingSoc } from './bench';
