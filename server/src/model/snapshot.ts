/**
 * A `BoardSnapshot`: one build context analysed once, with lazily built IOMMU topology and attach
 * simulation shared by every editor feature that reads it.
 */
import { iommu, probe } from '../../../emulator/src';
import type { FileSystem } from '../base/source';
import type { BoardSnapshot } from '../ide/types';
import { analyseBoard, type AnalysisOptions, type BoardAnalysis } from './analysis';
import type { Frontend } from './board';
import { toDriverFacts } from '../drivers/facts';

/** Analyses `board` and wraps the result for the editor features. `fs` is what the front-end read. */
export function createSnapshot(frontend: Frontend, fs: FileSystem, board: string, options: AnalysisOptions): BoardSnapshot {
	return snapshotOf(analyseBoard(frontend, board, options), fs, board, options, frontend);
}

/**
 * Wraps an analysis already made (`analyseBoard`, `analyseBoardSteps`) for the editor features. The
 * texts come from `frontend`'s cache when it still holds them (the front-end read them), else from `fs`.
 */
export function snapshotOf(analysis: BoardAnalysis, fs: FileSystem, board: string, options: AnalysisOptions, frontend?: Pick<Frontend, 'cachedText'>): BoardSnapshot {
	const version = options.kernel !== undefined ? probe.parseKernelVersion(options.kernel) : probe.NEWEST_KERNEL;
	const era = { version: [version.major, version.minor] as const };
	let topology: iommu.Topology | undefined;
	let report: iommu.AttachReport | undefined;
	let facts: readonly probe.DriverFacts[] | undefined;
	const texts = new Map<string, string | undefined>();
	return {
		board,
		analysis,
		text(path) {
			if (!texts.has(path)) texts.set(path, frontend?.cachedText(path) ?? fs.readFile(path));
			return texts.get(path);
		},
		topology() {
			// Without profiles it is the topology the simulation and the checks already built.
			topology ??= options.profiles ? iommu.buildTopology(analysis.view, { era, profiles: options.profiles }) : iommu.defaultTopology(analysis.view, era);
			return topology;
		},
		attach() {
			report ??= iommu.attach(this.topology());
			return report;
		},
		driverFacts() {
			facts ??= options.drivers ? toDriverFacts(options.drivers) : probe.builtinDriverFacts(version);
			return facts;
		},
	};
}
