/**
 * A board's analysis in steps, for the language server: `model/analysis.ts` `analyseBoard` and
 * `model/snapshot.ts` `createSnapshot`, the same calls in the same order, with a `yield` between the
 * front-end, the probe simulation and the checks, so that the server answers requests and takes
 * edits between them (and drops an analysis a newer edit made stale). `onResolved` runs right after
 * the front-end, in the same step (what it read is then exactly what the editor had).
 *
 * Kept equal to the model's composition by test/protocol/phased.test.ts (the items of both on a
 * fixture and on a corpus board). TODO(model): an `analyseBoardSteps` generator exported by
 * model/analysis.ts and a `snapshotOf(analysis)` by model/snapshot.ts would make this file a call.
 */
import { runChecks } from '../../../emulator/src/checks';
import { iommu, probe, scenario as scenarios } from '../../../emulator/src';
import type { FileSystem } from '../base/source';
import { runDriverChecks } from '../drivers/checks';
import { toDriverFacts } from '../drivers/facts';
import type { BoardSnapshot } from '../ide/types';
import { fromDiagnostic, fromFinding, type AnalysisOptions, type BoardAnalysis } from '../model/analysis';
import type { Frontend, ResolvedBoard } from '../model/board';
import { toDtView } from '../model/dtview';

export function* analyseInSteps(frontend: Frontend, fs: FileSystem, file: string, options: AnalysisOptions, onResolved: (board: ResolvedBoard) => void): Generator<void, BoardSnapshot> {
	const version = options.kernel !== undefined ? probe.parseKernelVersion(options.kernel) : probe.NEWEST_KERNEL;
	const board = frontend.resolve(file, options);
	onResolved(board);
	yield;
	const view = toDtView(board.tree);
	const facts = options.drivers ? toDriverFacts(options.drivers) : undefined;
	const scenario = { ...options.whatIf, kernel: probe.formatKernelVersion(version) };
	const simulation = scenarios.runScenario(view, scenario, facts);
	yield;
	const findings = runChecks({
		view,
		scenario,
		simulation,
		iommu: { era: { version: [version.major, version.minor] }, ...(options.profiles ? { profiles: options.profiles } : {}) },
		...(facts ? { driverFacts: facts } : {}),
	});
	const cFindings = options.drivers && facts ? runDriverChecks({ sources: options.drivers, version, facts, view }) : [];
	const analysis: BoardAnalysis = { board, view, items: [...board.diagnostics.map(fromDiagnostic), ...findings.map(fromFinding), ...cFindings.map(fromFinding)], simulation };
	return wrap(analysis, fs, file, options, version, facts);
}

/** `createSnapshot` around an analysis already made. */
function wrap(analysis: BoardAnalysis, fs: FileSystem, board: string, options: AnalysisOptions, version: probe.KernelVersion, driverFacts: readonly probe.DriverFacts[] | undefined): BoardSnapshot {
	let topology: iommu.Topology | undefined;
	let report: iommu.AttachReport | undefined;
	let facts: readonly probe.DriverFacts[] | undefined = driverFacts;
	const texts = new Map<string, string | undefined>();
	return {
		board,
		analysis,
		text(path) {
			if (!texts.has(path)) texts.set(path, fs.readFile(path));
			return texts.get(path);
		},
		topology() {
			topology ??= iommu.buildTopology(analysis.view, {
				era: { version: [version.major, version.minor] },
				...(options.profiles ? { profiles: options.profiles } : {}),
			});
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
