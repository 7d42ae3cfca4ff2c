/**
 * The include graph of an open document edited keystroke by keystroke (`IncludeGraph.update` with
 * `keep`: the include lines are read again only when an edit touches a line mentioning `include`)
 * equals the graph read from the final text afresh.
 */
import { describe, expect, it } from 'vitest';
import { IncludeGraph } from '../../server/src/lsp/contexts';
import type { Runtime } from '../../server/src/lsp/runtime';

const existing = new Set(['/w/a.dtsi', '/w/b.dtsi', '/w/sub/c.dtsi', '/inc/d.dtsi', '/w/e.dts']);
const runtime = {
	kernelTree: () => ({ includePaths: ['/inc'], boardsRoot: undefined }),
	exists: (p: string) => existing.has(p),
	resolvePath: (base: string, rel: string) => (rel.startsWith('/') ? rel : `${base}/${rel}`.replace(/\/[^/]+\/\.\.\//g, '/')),
} as unknown as Runtime;

const edges = (g: IncludeGraph, file: string): unknown => (g as unknown as { edges: Map<string, string[]> }).edges.get(file);

describe('include graph of an edited document', () => {
	it('equals a fresh reading after every edit', () => {
		let text = '/dts-v1/;\n#include "a.dtsi"\n/* x */\n#include <d.dtsi>\n/ {\n\tnode { iommus = <&smmu 1>; };\n};\n/include/ "sub/c.dtsi"\r\n#include "b.dtsi"\n';
		const pieces = ['#include "b.dtsi"\n', '\n', 'x', '#', 'include', '/include/ "a.dtsi"', '"', '<d.dtsi>', '\r', ' ', '\u2028', 'a.dtsi', '.dtsi'];
		let seed = 11;
		const r = (): number => {
			seed = (seed * 1103515245 + 12345) & 0x7fffffff;
			return seed / 0x7fffffff;
		};
		const g = new IncludeGraph(runtime);
		g.update('/w/f.dtsi', text, true);
		for (let e = 0; e < 3000; e++) {
			const at = Math.floor(r() * (text.length + 1));
			if (r() < 0.5) text = text.slice(0, at) + pieces[Math.floor(r() * pieces.length)]! + text.slice(at);
			else text = text.slice(0, at) + text.slice(at + 1 + Math.floor(r() * 8));
			if (text.length > 2000 || text.length < 20) text = '#include "a.dtsi"\n/ { };\n#include "b.dtsi"\n';
			g.update('/w/f.dtsi', text, true);
			const fresh = new IncludeGraph(runtime);
			fresh.update('/w/f.dtsi', text);
			expect(edges(g, '/w/f.dtsi'), JSON.stringify(text)).toEqual(edges(fresh, '/w/f.dtsi'));
		}
	});
});
