/**
 * A board's whole analysis: the front-end's resolved tree, then the emulator's checks and probe
 * simulation on it, with one kernel version for every part. Used by the command line and the
 * language server; knows nothing about how results are printed.
 */
import { runChecks } from '../../../emulator/src/checks';
import { iommu, probe, scenario as scenarios, type DtView, type Finding, type FindingId } from '../../../emulator/src';
import type { Diagnostic, Span } from '../base/source';
import { toDtView } from './dtview';
import { runDriverChecks } from '../drivers/checks';
import { boardNodes } from '../drivers/checks/bus-set-iommu';
import { toDriverFacts } from '../drivers/facts';
import type { DriverSources } from '../drivers/sources';
import type { BoardOptions, Frontend, ResolvedBoard } from './board';

export interface AnalysisOptions extends BoardOptions {
	/** Kernel version `X.Y`; default: the newest the emulator knows. */
	kernel?: string;
	/** User SoC profiles (already validated with `iommu.validateProfile`). */
	profiles?: iommu.UserProfiles;
	/** What-ifs for the probe simulation. */
	whatIf?: Omit<scenarios.Scenario, 'kernel'>;
	/**
	 * Driver sources already read (`readDriverSources`: the C files, the Kconfig tree and the
	 * configuration): their facts replace the built-in driver table, and the C checks join the findings.
	 */
	drivers?: DriverSources;
}

/** One result item, from the front-end (a diagnostic) or the emulator (a finding), in one shape. */
export interface ReportItem {
	id: string;
	severity: 'error' | 'warning' | 'info';
	message: string;
	span: Span;
	related: Array<{ span: Span; message: string }>;
	fix?: Finding['fix'];
}

export interface BoardAnalysis {
	board: ResolvedBoard;
	view: DtView;
	/** Front-end diagnostics first, then the emulator's findings, each in their own order. */
	items: ReportItem[];
	/** The probe simulation of the board as written (plus `whatIf`). */
	simulation: scenarios.ScenarioResult;
}

export function fromDiagnostic(d: Diagnostic): ReportItem {
	return { id: d.code, severity: d.severity, message: d.message, span: d.span, related: (d.related ?? []).map((r) => ({ span: r.span, message: r.message })) };
}

export function fromFinding(f: Finding): ReportItem {
	return {
		id: f.id,
		severity: f.severity,
		message: f.message,
		span: f.loc,
		related: f.related.map((r) => ({ span: r.loc, message: r.message })),
		...(f.fix ? { fix: f.fix } : {}),
	};
}

/** Throws `probe.KernelVersionError` (its message names the bad value) for a bad `kernel`. */
export function analyseBoard(frontend: Frontend, file: string, options: AnalysisOptions): BoardAnalysis {
	const steps = analyseBoardSteps(frontend, file, options);
	for (let step = steps.next(); ; step = steps.next()) if (step.done) return step.value;
}

/**
 * `analyseBoard` as steps: it yields after the front-end (with the resolved board, whose read files
 * are then exactly what the front-end saw) and after the probe simulation, and returns the analysis.
 * The language server runs one step per event-loop turn, answering requests between them.
 */
export function* analyseBoardSteps(frontend: Frontend, file: string, options: AnalysisOptions): Generator<ResolvedBoard | undefined, BoardAnalysis> {
	const version = options.kernel !== undefined ? probe.parseKernelVersion(options.kernel) : probe.NEWEST_KERNEL;
	const board = frontend.resolve(file, options);
	yield board;
	const view = toDtView(board.tree);
	const facts = options.drivers ? toDriverFacts(options.drivers) : undefined;
	const scenario = { ...options.whatIf, kernel: probe.formatKernelVersion(version) };
	// One probe simulation serves the checks and the result.
	const simulation = scenarios.runScenario(view, scenario, facts);
	yield undefined;
	const findings = runChecks({
		view,
		scenario,
		simulation,
		iommu: { era: { version: [version.major, version.minor] }, ...(options.profiles ? { profiles: options.profiles } : {}) },
		...(facts ? { driverFacts: facts } : {}),
	});
	const cFindings = options.drivers && facts ? runDriverChecks({ sources: options.drivers, version, facts, view }) : [];
	return { board, view, items: [...board.diagnostics.map(fromDiagnostic), ...findings.map(fromFinding), ...cFindings.map(fromFinding)], simulation };
}

/** The C-side findings of driver sources alone (no board): `iommu-lens check foo.c`. */
export function analyseDriverSources(sources: DriverSources, options: { kernel?: string } = {}): ReportItem[] {
	const version = options.kernel !== undefined ? probe.parseKernelVersion(options.kernel) : probe.NEWEST_KERNEL;
	const findings = runDriverChecks({ sources, version, facts: toDriverFacts(sources) });
	return [...sources.diagnostics.filter((d) => d.severity !== 'info').map(fromDiagnostic), ...findings.map(fromFinding)];
}

/**
 * C-side items computed without a board (`analyseDriverSources`) with, on each `bus-set-iommu` item,
 * the devicetree nodes each driver binds in `views` (several boards) added as related places, as the
 * check adds them with one board; a place already related (another board's node from a shared
 * `.dtsi`) is not added twice. `facts`: `toDriverFacts(sources)`. Other items are returned as they are.
 */
export function withBoardNodes(items: readonly ReportItem[], sources: DriverSources, facts: readonly probe.DriverFacts[], views: readonly DtView[]): ReportItem[] {
	if (views.length === 0) return [...items];
	const key = (s: Span): string => `${s.file}:${s.start.line}:${s.start.col}`;
	return items.map((item) => {
		if (item.id !== 'bus-set-iommu') return item;
		const seen = new Set(item.related.map((r) => key(r.span)));
		const related = [...item.related];
		for (const view of views) for (const r of boardNodes({ sources, facts }, view, item.span)) {
			if (seen.has(key(r.loc))) continue;
			seen.add(key(r.loc));
			related.push({ span: r.loc, message: r.message });
		}
		return related.length === item.related.length ? item : { ...item, related };
	});
}

export type { FindingId };
