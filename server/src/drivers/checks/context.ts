/** What the C-side checks receive. */
import type { DriverFacts, KernelVersion } from '../../../../emulator/src/probe';
import type { DtView } from '../../../../emulator/src';
import type { DriverSources } from '../sources';

export interface DriverCheckContext {
	readonly sources: DriverSources;
	readonly version: KernelVersion;
	/** The driver facts converted from the sources (for related drivers). */
	readonly facts: readonly DriverFacts[];
	/** The board, when the check runs with one (for related devicetree nodes). */
	readonly view?: DtView;
}
