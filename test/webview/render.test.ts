/**
 * The simulation panel's pure rendering (media/render.ts) and HTML shell (client/src/webview/html.ts),
 * on recorded `iommuLens/topology` + `iommuLens/simulate` answers of the real server for Juno (ARM,
 * seven MMU-401/400 instances, PCIe iommu-map) and sdm845-db845c (Qualcomm, remote processors, rpmsg,
 * fastrpc compute contexts) in fixtures/.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildCsp, buildHtml, makeNonce } from '../../client/src/webview/html';
import {
	esc,
	iommuDrivers,
	masterStatus,
	normalizeScenario,
	outcomeKind,
	renderDiff,
	renderOutcomes,
	renderRemoteprocs,
	renderTimeline,
	renderTopologySvg,
	spanAttrs,
	spanFromData,
	renderSummary,
	summarize,
	type SimulateResult,
	type TopologyResult,
} from '../../media/render';

const load = <T>(name: string): T => JSON.parse(readFileSync(join(__dirname, 'fixtures', name), 'utf8')) as T;
const juno = load<{ topology: TopologyResult; asWritten: SimulateResult; disabledHdlcd0: SimulateResult; deferredForever: SimulateResult; moduleWithDisableBypass: SimulateResult }>('juno.json');
const sdm = load<{ topology: TopologyResult; asWritten: SimulateResult; smmuModule: SimulateResult; appsSmmuDisabled414: SimulateResult }>('sdm845.json');

const count = (html: string, re: RegExp) => (html.match(re) ?? []).length;
/** Parses a span back from the first element with `data-master="…"`. */
function attrsOf(svg: string, master: string): Record<string, string> {
	const tag = svg.split('<').find((t) => t.includes(`data-master="${esc(master)}"`));
	if (!tag) throw new Error(`no element for ${master}`);
	return Object.fromEntries([...tag.matchAll(/data-(\w+)="([^"]*)"/g)].map((m) => [m[1]!, m[2]!]));
}

describe('outcome classification', () => {
	it('maps the emulator outcome strings to kinds', () => {
		expect(outcomeKind('translated by /iommu@2b600000')).toBe('translated');
		expect(outcomeKind('bypass (iommu-disabled)')).toBe('bypass');
		expect(outcomeKind('blocked (module-late)')).toBe('blocked');
		expect(outcomeKind('deferred-forever (driver-absent)')).toBe('deferred');
		expect(outcomeKind('???')).toBe('unknown');
	});
	it('takes the worst outcome over every order and flags order dependence', () => {
		const m = sdm.smmuModule.masters[0]!;
		expect(m.orderDependent).toBe(true);
		expect(masterStatus(m)).toEqual({ kind: 'bypass', orderDependent: true, flagged: true });
		expect(masterStatus(juno.asWritten.masters[0])).toEqual({ kind: 'translated', orderDependent: false, flagged: false });
	});
});

describe('topology SVG, Juno', () => {
	it('draws every master, IOMMU instance and path of the board as written, nothing flagged', () => {
		const pic = renderTopologySvg(juno.topology, juno.asWritten);
		expect(pic.counts).toEqual({ masters: 8, iommus: 7, memory: 0, remoteprocs: 0, paths: 8, flagged: 0 });
		expect(count(pic.svg, /<g class="node master /g)).toBe(8);
		expect(count(pic.svg, /<g class="node iommu/g)).toBe(7);
		expect(count(pic.svg, /<path class="path translated/g)).toBe(6);
		expect(pic.svg).not.toMatch(/BYPASS|BLOCKED|DEFERRED|ORDER/);
		expect(pic.svg.startsWith('<svg class="topology"')).toBe(true);
		// The two disabled IOMMUs (GPU, PCIe) are shown as such.
		expect(count(pic.svg, /<g class="node iommu[^"]* unavailable"/g)).toBe(2);
	});
	it('highlights the master that loses translation when its SMMU is disabled, with a text marker', () => {
		const pic = renderTopologySvg(juno.topology, juno.disabledHdlcd0);
		expect(pic.flagged).toEqual(['/hdlcd@7ff60000']);
		expect(count(pic.svg, /<path class="path bypass/g)).toBe(1);
		expect(count(pic.svg, /⚠ BYPASS/g)).toBe(1);
		expect(pic.svg).toMatch(/<g class="node master bypass flagged"[^>]*data-id="\/hdlcd@7ff60000"/);
	});
	it('marks every master when the outcome depends on the order (module + disable_bypass)', () => {
		const pic = renderTopologySvg(juno.topology, juno.moduleWithDisableBypass);
		expect(pic.counts.flagged).toBe(6);
		expect(count(pic.svg, /⇄ ORDER</g)).toBe(6);
		expect(count(pic.svg, /class="node master blocked order flagged"/g)).toBe(6);
	});
	it('shows masters that wait forever', () => {
		const pic = renderTopologySvg(juno.topology, juno.deferredForever);
		expect(count(pic.svg, /∞ DEFERRED</g)).toBe(6);
		expect(count(pic.svg, /<path class="path deferred/g)).toBe(6);
	});
	it('carries the source span of each path for click-to-reveal', () => {
		const pic = renderTopologySvg(juno.topology, juno.asWritten);
		const span = spanFromData(attrsOf(pic.svg, '/hdlcd@7ff60000'));
		expect(span?.uri).toMatch(/juno-base\.dtsi$/);
		expect(span?.range.start.line).toBeGreaterThan(0);
	});
	it('renders without a simulation (topology only)', () => {
		const pic = renderTopologySvg(juno.topology, null);
		expect(pic.counts.masters).toBe(8);
		expect(pic.counts.flagged).toBe(0);
	});
});

describe('topology SVG and remote processors, sdm845-db845c', () => {
	it('counts masters, IOMMUs, memory regions and remote processors', () => {
		const pic = renderTopologySvg(sdm.topology, sdm.asWritten);
		expect(pic.counts).toEqual({ masters: 35, iommus: 2, memory: 23, remoteprocs: 4, paths: 35, flagged: 0 });
		// system memory + 23 regions
		expect(count(pic.svg, /<g class="node memory/g)).toBe(24);
		expect(count(pic.svg, /<path class="path region"/g)).toBe(3);
	});
	it('the remote processor tree: edges, channels, fastrpc, compute contexts', () => {
		const rp = renderRemoteprocs(sdm.topology, sdm.asWritten);
		expect(rp.count).toBe(4);
		expect(count(rp.html, /<li class="rp-remoteproc/g)).toBe(4);
		expect(count(rp.html, /<li class="rp-rpmsg-edge/g)).toBe(4);
		expect(count(rp.html, /<li class="rp-rpmsg-channel/g)).toBe(4);
		expect(count(rp.html, /<li class="rp-fastrpc/g)).toBe(3);
		expect(count(rp.html, /<li class="rp-compute-context/g)).toBe(11);
		// compute-cb@0 of the SLPI has no iommus: not a simulated master, so no badge.
		expect(count(rp.html, /✓ translated/g)).toBe(10);
		expect(rp.html).toContain('“fastrpcglink-apps-dsp”');
	});
	it('apps_smmu disabled on 4.14: 29 masters bypass, and the diff lists them', () => {
		const pic = renderTopologySvg(sdm.topology, sdm.appsSmmuDisabled414);
		// 29 simulated masters; the two PCIe host bridges are drawn as their 4 functions (rid 0x0000, 0x0100).
		expect(pic.counts.flagged).toBe(31);
		expect(count(pic.svg, /⚠ BYPASS/g)).toBe(31);
		const diff = renderDiff(sdm.appsSmmuDisabled414);
		expect(count(diff, /<tr>/g)).toBe(1 + 29);
		expect(summarize(sdm.appsSmmuDisabled414)).toMatchObject({ translated: 2, bypass: 29, order: 0 });
		const rp = renderRemoteprocs(sdm.topology, sdm.appsSmmuDisabled414);
		expect(count(rp.html, /⚠ BYPASS/g)).toBe(10);
	});
	it('the summary partitions the masters: an order-dependent master counts once, as order-dependent', () => {
		const sim = sdm.smmuModule;
		const c = summarize(sim);
		expect(c.order).toBe(sim.masters.filter((m) => m.orderDependent).length);
		expect(c.order).toBe(31);
		expect(c.translated + c.bypass + c.blocked + c.deferred + c.unknown + c.order).toBe(sim.masters.length);
		const html = renderSummary(sim);
		expect(html).toContain(`⇄ ORDER-DEPENDENT: 31</span>`);
		expect(html).toContain(`of ${sim.masters.length} masters`);
		expect(html).toContain('title="masters whose outcome depends on the probe order');
		expect(html).not.toContain('? unknown');
	});
	it('order-dependent outcomes list every alternative with its witness', () => {
		const html = renderOutcomes(sdm.smmuModule);
		expect(count(html, /<ol class="alternatives">/g)).toBe(31);
		expect(html).toContain('order 2: bypass (module-late, at the timeout)');
		expect(html).toContain('<em>(default order)</em>');
	});
	it('the timeline has one row per trace step, with its source span', () => {
		const html = renderTimeline(sdm.asWritten);
		expect(count(html, /<li class="step/g)).toBe(sdm.asWritten.trace.length);
		expect(html).toContain('data-uri="file:///corpus/arm64/qcom/sdm845.dtsi"');
	});
	it('finds the IOMMU drivers for the y/m/n controls', () => {
		expect(iommuDrivers(sdm.topology, sdm.asWritten)).toEqual(['arm-smmu']);
	});
});

describe('escaping of user text', () => {
	const evil = '<script>alert("x")</script>&\'';
	const topo: TopologyResult = JSON.parse(JSON.stringify(juno.topology));
	const sim: SimulateResult = JSON.parse(JSON.stringify(juno.disabledHdlcd0));
	topo.nodes[0]!.label = evil;
	topo.nodes.find((n) => n.id === '/hdlcd@7ff60000')!.label = evil;
	sim.trace[0]!.detail = evil;
	sim.masters[0]!.outcome = evil;
	sim.masters[0]!.outcomes = [evil, 'bypass "quoted"'];
	sim.diff[0]!.summary = evil;
	sim.diff[0]!.after = [evil];
	sim.errors = [evil];
	const all = [renderTopologySvg(topo, sim).svg, renderTimeline(sim), renderOutcomes(sim), renderDiff(sim), renderRemoteprocs(topo, sim).html].join('\n');
	it('never emits the raw markup', () => {
		expect(all).not.toContain('<script>');
		expect(all).not.toContain('"x")');
		expect(all).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&amp;&#39;');
	});
	it('escapes attribute values (data-uri)', () => {
		expect(spanAttrs({ uri: 'file:///a"b<c>.dts', range: { start: { line: 1, character: 2 }, end: { line: 3, character: 4 } } })).toBe(
			' data-uri="file:///a&quot;b&lt;c&gt;.dts" data-line="1" data-col="2" data-eline="3" data-ecol="4" tabindex="0" role="link"',
		);
		expect(spanFromData({ uri: 'file:///x.dts', line: '5', col: 'x' })).toEqual({ uri: 'file:///x.dts', range: { start: { line: 5, character: 0 }, end: { line: 5, character: 0 } } });
		expect(spanFromData({ line: '5' })).toBeUndefined();
	});
});

describe('scenario', () => {
	it('normalizes an untouched scenario to {}', () => {
		expect(normalizeScenario({ disable: [], drivers: {}, kernel: '' })).toEqual({});
		expect(normalizeScenario({ disable: ['smmu_dma'], drivers: { 'arm-smmu': 'm' }, armSmmuDisableBypass: false })).toEqual({ disable: ['smmu_dma'], drivers: { 'arm-smmu': 'm' }, armSmmuDisableBypass: false });
	});
});

describe('HTML shell and Content-Security-Policy', () => {
	const cspSource = 'https://file+.vscode-resource.vscode-cdn.net';
	it('is strict: nothing by default, scripts by nonce only', () => {
		expect(buildCsp(cspSource, 'abc123')).toBe(`default-src 'none'; img-src ${cspSource}; style-src ${cspSource}; font-src ${cspSource}; script-src 'nonce-abc123';`);
		expect(buildCsp(cspSource, 'n')).not.toMatch(/unsafe-inline|unsafe-eval|\*/);
	});
	it('the nonce is fresh base64', () => {
		const a = makeNonce();
		expect(a).toMatch(/^[A-Za-z0-9+/]{22}==$/);
		expect(makeNonce()).not.toBe(a);
	});
	it('the page loads one nonce-d script and one stylesheet, no inline handlers or styles', () => {
		const html = buildHtml({ cspSource, nonce: 'N0nce', scriptUri: `${cspSource}/dist/webview.js`, styleUri: `${cspSource}/dist/webview.css`, title: 'Simulate: <b>.dts' });
		expect(html).toContain(`<meta http-equiv="Content-Security-Policy" content="default-src &#39;none&#39;; img-src ${cspSource}; style-src ${cspSource}; font-src ${cspSource}; script-src &#39;nonce-N0nce&#39;;">`);
		expect(count(html, /<script /g)).toBe(1);
		expect(html).toContain(`<script nonce="N0nce" src="${cspSource}/dist/webview.js"></script>`);
		expect(html).not.toMatch(/\son\w+=|style=|<style/);
		expect(html).toContain('Simulate: &lt;b&gt;.dts');
	});
});
