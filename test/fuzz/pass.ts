/**
 * The short fixed-seed fuzzing pass of `npm test`: a fixed number of inputs per target from a fixed
 * seed (the same inputs on every machine), with a time cap so a slow machine stops early rather than
 * time out. Long runs with any seed: `npm run fuzz` (scripts/fuzz.mjs).
 */
import { expect, it } from 'vitest';
import { CORPUS_ROOT, REPO_ROOT } from '../harness/corpus';
import { reproducer, runTarget, type TargetName } from './engine';

/** The seed of the short pass. Change it only deliberately (it fixes which inputs `npm test` tries). */
export const SHORT_PASS_SEED = 20261125;

export function shortPass(target: TargetName, numRuns: number, timeMs = 12_000): void {
	it(`${target}: ${numRuns} inputs from seed ${SHORT_PASS_SEED} never throw, stay bounded and are deterministic`, async () => {
		const r = await runTarget(target, { repoRoot: REPO_ROOT, corpusRoot: CORPUS_ROOT }, { seed: SHORT_PASS_SEED, numRuns, timeMs });
		const requests = (r as { requests?: number }).requests;
		console.log(`fuzz ${target}: ${r.tried} inputs${requests !== undefined ? ` (${requests} requests)` : ''}, ${r.failures.length} failures, slowest call ${r.maxCallMs} ms`);
		expect(r.failures.map((f) => `${f.error.split('\n')[0]}\n  ${reproducer(f)}\n  input: ${f.counterexample.slice(0, 800)}`)).toEqual([]);
		expect(r.tried).toBeGreaterThan(0);
	}, timeMs + 30_000);
}
