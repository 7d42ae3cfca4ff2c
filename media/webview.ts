/**
 * The simulation panel's webview script (bundled by scripts/build.mjs into dist/webview.js). Talks
 * to the extension host (client/src/webview/panel.ts) by messages only:
 *   webview → host: `ready` {scenario}, `simulate` {scenario}, `reveal` {location}, `rendered` {...}
 *   host → webview: `data` {topology, simulation, scenario, board}, `simulation` {simulation, scenario},
 *   `scenario` {scenario} (set the what-ifs and re-run), `error` {message}
 * State (scenario + last results) lives in `vscode.setState`, so the panel needs no
 * retainContextWhenHidden and can be restored after a reload. No inline handlers, no remote content.
 */
import {
	esc,
	iommuDrivers,
	normalizeScenario,
	renderDiff,
	renderOutcomes,
	renderRemoteprocs,
	renderTimeline,
	renderTopologySvg,
	spanFromData,
	renderSummary,
	type ScenarioParams,
	type SimulateResult,
	type TopologyResult,
} from './render.js';

interface State {
	board?: string;
	scenario: ScenarioParams;
	topology?: TopologyResult;
	simulation?: SimulateResult;
}

declare function acquireVsCodeApi(): { postMessage(msg: unknown): void; getState(): unknown; setState(s: unknown): void };

const vscode = acquireVsCodeApi();
let state: State = (vscode.getState() as State | undefined) ?? { scenario: {} };
const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;

const KERNELS: Array<[string, string]> = [
	['', 'newest (setting)'],
	['4.14', '4.14 (pre-4.19: IOMMU_OF_DECLARE)'],
	['5.10', '5.10 (per-bus ops)'],
	['6.1', '6.1 (per-device ops)'],
];

function option(value: string, label: string, selected: boolean): string {
	return `<option value="${esc(value)}"${selected ? ' selected' : ''}>${esc(label)}</option>`;
}

function renderControls(): void {
	const topo = state.topology;
	if (!topo) return;
	const s = state.scenario;
	const disabled = new Set(s.disable ?? []);
	const candidates = topo.nodes.filter((n) => n.kind === 'iommu' || n.kind === 'master');
	const nodes = candidates.map((n) => option(n.id, `${n.kind === 'iommu' ? 'IOMMU' : 'master'}: ${n.label} (${n.id})`, disabled.has(n.id))).join('');
	const drivers = iommuDrivers(topo, state.simulation ?? null)
		.map((d) => {
			const v = s.drivers?.[d] ?? '';
			return `<label>${esc(d)} <select data-driver="${esc(d)}">${option('', 'as configured', v === '')}${option('y', 'built-in (y)', v === 'y')}${option('m', 'module (m)', v === 'm')}${option('n', 'absent (n)', v === 'n')}</select></label>`;
		})
		.join(' ');
	const tri = (name: string, v: boolean | undefined) => `<select id="${name}">${option('', 'default', v === undefined)}${option('1', '1', v === true)}${option('0', '0', v === false)}</select>`;
	$('controls').innerHTML =
		`<label>disable <select id="disable" multiple size="3">${nodes}</select></label>` +
		`<label>kernel <select id="kernel">${KERNELS.map(([v, l]) => option(v, l, (s.kernel ?? '') === v)).join('')}</select></label>` +
		`<span class="drivers">${drivers}</span>` +
		`<label>iommu.passthrough ${tri('passthrough', s.iommuPassthrough)}</label>` +
		`<label>arm-smmu.disable_bypass ${tri('disableBypass', s.armSmmuDisableBypass)}</label>` +
		`<button id="reset" type="button">Reset to the board as written</button>`;
}

function readControls(): ScenarioParams {
	const triValue = (id: string) => ({ '': undefined, '1': true, '0': false })[$<HTMLSelectElement>(id).value as '' | '1' | '0'];
	const drivers: Record<string, 'y' | 'm' | 'n'> = {};
	for (const el of Array.from(document.querySelectorAll<HTMLSelectElement>('select[data-driver]'))) if (el.value) drivers[el.dataset.driver!] = el.value as 'y' | 'm' | 'n';
	return normalizeScenario({
		kernel: $<HTMLSelectElement>('kernel').value || undefined,
		disable: Array.from($<HTMLSelectElement>('disable').selectedOptions).map((o) => o.value),
		drivers,
		iommuPassthrough: triValue('passthrough'),
		armSmmuDisableBypass: triValue('disableBypass'),
	});
}

function render(): void {
	const topo = state.topology;
	const sim = state.simulation ?? null;
	if (!topo) return;
	const pic = renderTopologySvg(topo, sim);
	$('topology').innerHTML = pic.svg;
	const rp = renderRemoteprocs(topo, sim);
	$('remoteprocs').innerHTML = rp.html;
	$('board').textContent = `${decodeURIComponent((state.board ?? topo.context).split('/').pop() ?? '')} — kernel ${sim?.kernel ?? topo.kernel}`;
	if (sim) {
		$('summary').innerHTML = renderSummary(sim);
		$('timeline').innerHTML = renderTimeline(sim);
		$('outcomes').innerHTML = renderOutcomes(sim);
		$('diff').innerHTML = renderDiff(sim);
		$('errors').innerHTML = sim.errors.length ? `<ul>${sim.errors.map((e) => `<li>${esc(e)}</li>`).join('')}</ul>` : '';
	}
	$('status').textContent = '';
	vscode.postMessage({ type: 'rendered', counts: pic.counts, flagged: pic.flagged, remoteprocs: rp.count, trace: sim?.trace.length ?? 0, diff: sim?.diff.length ?? 0, scenario: state.scenario });
}

function save(): void {
	vscode.setState(state);
}

function simulate(): void {
	state.scenario = readControls();
	save();
	$('status').textContent = 'simulating…';
	vscode.postMessage({ type: 'simulate', scenario: state.scenario });
}

window.addEventListener('message', (ev: MessageEvent) => {
	const msg = ev.data as { type: string; topology?: TopologyResult; simulation?: SimulateResult | null; scenario?: ScenarioParams; board?: string; message?: string };
	if (msg.type === 'data') {
		state = { board: msg.board, scenario: msg.scenario ?? {}, topology: msg.topology, simulation: msg.simulation ?? undefined };
		save();
		renderControls();
		render();
	} else if (msg.type === 'simulation') {
		state.simulation = msg.simulation ?? undefined;
		if (msg.scenario) state.scenario = msg.scenario;
		save();
		renderControls();
		render();
	} else if (msg.type === 'scenario' && msg.scenario) {
		// The host sets the what-ifs (tests, commands with a scenario): the same path as the controls.
		state.scenario = msg.scenario;
		renderControls();
		simulate();
	} else if (msg.type === 'error') {
		$('status').textContent = `error: ${msg.message ?? ''}`;
	}
});

document.addEventListener('change', (ev) => {
	if ((ev.target as HTMLElement).closest('#controls')) simulate();
});

function reveal(ev: Event): void {
	const el = (ev.target as Element).closest<HTMLElement | SVGElement>('[data-uri]');
	if (!el) return;
	const loc = spanFromData((el as HTMLElement).dataset);
	if (loc) vscode.postMessage({ type: 'reveal', location: loc });
}
document.addEventListener('click', (ev) => {
	if ((ev.target as HTMLElement).id === 'reset') {
		state.scenario = {};
		renderControls();
		simulate();
		return;
	}
	reveal(ev);
});
document.addEventListener('keydown', (ev) => {
	if (ev.key === 'Enter' || ev.key === ' ') reveal(ev);
});

// Restored state renders at once; the host then refreshes it.
if (state.topology) {
	renderControls();
	render();
}
vscode.postMessage({ type: 'ready', scenario: state.scenario, board: state.board });
