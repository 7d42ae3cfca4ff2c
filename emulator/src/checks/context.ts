/**
 * What every check receives: the resolved tree and the answers other parts of the emulator give.
 */
import type { TopologyOptions } from '../iommu/topology';
import type { DtNodeView, DtView } from '../types';
import type { DriverFacts } from '../probe/drivers';
import type { Scenario, ScenarioResult } from '../scenario/scenario';

/** The input of a check's `check(ctx)`. */
export interface CheckContext {
	readonly view: DtView;
	/**
	 * True when an enabled IOMMU translates the node's DMA (the IOMMU part answers). When absent,
	 * checks fall back to "has an `iommus`/`iommu-map` whose target is available".
	 */
	readonly isBehindIommu?: (node: DtNodeView) => boolean;
	/**
	 * The kernel and boot what-ifs the probe-order checks simulate (`kernel`, driver overrides, boot
	 * parameters); default: the newest kernel with the board as written.
	 */
	readonly scenario?: Scenario;
	/**
	 * The probe simulation of `scenario` with `driverFacts`, when the caller has run it already (it is
	 * then not run again); see `simulationFor` in util.ts.
	 */
	readonly simulation?: ScenarioResult;
	/** Driver facts from the C front-end; default: the built-in table for the scenario's kernel. */
	readonly driverFacts?: readonly DriverFacts[];
	/** Options of the IOMMU model (user SoC profiles, kernel era, extra PCI RIDs); defaults when absent. */
	readonly iommu?: TopologyOptions;
}
