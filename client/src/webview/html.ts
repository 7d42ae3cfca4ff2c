/**
 * The simulation panel's HTML shell and Content-Security-Policy: pure functions (no VS Code API), so
 * that test/webview/ can check them. The webview loads one script (dist/webview.js, with a nonce) and
 * one stylesheet (dist/webview.css); nothing remote, no inline script or style, no inline handlers.
 */

/** A random nonce for the script tag (base64 of 16 random bytes; `crypto` is global in Node 20). */
export function makeNonce(): string {
	const bytes = new Uint8Array(16);
	crypto.getRandomValues(bytes);
	return btoa(String.fromCharCode(...bytes));
}

/** The strict CSP: nothing by default; images and styles from the extension's own resources; scripts by nonce only. */
export function buildCsp(cspSource: string, nonce: string): string {
	return [`default-src 'none'`, `img-src ${cspSource}`, `style-src ${cspSource}`, `font-src ${cspSource}`, `script-src 'nonce-${nonce}'`].join('; ') + ';';
}

const escAttr = (s: string): string => s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

export interface PanelHtmlOptions {
	cspSource: string;
	nonce: string;
	/** Webview URIs (asWebviewUri) of dist/webview.js and dist/webview.css. */
	scriptUri: string;
	styleUri: string;
	title: string;
}

export function buildHtml(o: PanelHtmlOptions): string {
	return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${escAttr(buildCsp(o.cspSource, o.nonce))}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" href="${escAttr(o.styleUri)}">
<title>${escAttr(o.title)}</title>
</head>
<body>
<h1>Scenario simulation: <span id="board">${escAttr(o.title)}</span><span id="status">loading…</span></h1>
<div id="summary" class="legend"></div>
<div id="errors"></div>
<h2>What if…</h2>
<div id="controls"></div>
<h2>Topology and DMA paths</h2>
<div class="legend">Paths: <span class="badge translated">${'✓ translated'}</span> through the IOMMU, <span class="badge bypass">⚠ BYPASS</span> straight to memory (dashed), <span class="badge blocked">✖ BLOCKED</span> at the IOMMU, <span class="badge deferred">∞ DEFERRED FOREVER</span> (dotted), <span class="badge order">⇄ ORDER-DEPENDENT</span>. Click any element to open its source.</div>
<div class="scroll" id="topology"></div>
<h2>Remote processors</h2>
<div id="remoteprocs"></div>
<h2>Outcomes against the board as written</h2>
<div id="diff"></div>
<h2>Every master's outcome</h2>
<div id="outcomes"></div>
<h2>Probe timeline (default order)</h2>
<div id="timeline"></div>
<script nonce="${escAttr(o.nonce)}" src="${escAttr(o.scriptUri)}"></script>
</body>
</html>`;
}
