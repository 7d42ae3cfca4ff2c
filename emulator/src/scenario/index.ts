/**
 * Scenarios: what-ifs on top of a board, run through the probe-order model, and their differences.
 */

/** `runScenario(view, scenario, facts)`, `diffOutcomes(a, b)` and their data types. */
export {
	type Scenario,
	type FactsSource,
	type ScenarioResult,
	type OutcomeChange,
	runScenario,
	diffOutcomes,
	describeOutcome,
} from './scenario';
