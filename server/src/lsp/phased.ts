/**
 * A board's analysis in steps, for the language server: `model/analysis.ts` `analyseBoardSteps`
 * wrapped by `model/snapshot.ts` `snapshotOf`, the same composition as `createSnapshot`, with a
 * `yield` between the front-end, the probe simulation and the checks, so that the server answers
 * requests and takes edits between them (and drops an analysis a newer edit made stale).
 * `onResolved` runs right after the front-end, in the same step (what it read is then exactly what
 * the editor had).
 */
import type { FileSystem } from '../base/source';
import type { BoardSnapshot } from '../ide/types';
import { analyseBoardSteps, type AnalysisOptions } from '../model/analysis';
import type { Frontend, ResolvedBoard } from '../model/board';
import { snapshotOf } from '../model/snapshot';

export function* analyseInSteps(frontend: Frontend, fs: FileSystem, file: string, options: AnalysisOptions, onResolved: (board: ResolvedBoard) => void): Generator<void, BoardSnapshot> {
	const steps = analyseBoardSteps(frontend, file, options);
	for (let step = steps.next(); ; step = steps.next()) {
		if (step.done) return snapshotOf(step.value, fs, file, options, frontend);
		if (step.value) onResolved(step.value);
		yield;
	}
}
