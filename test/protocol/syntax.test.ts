/**
 * The syntax of open devicetree documents in the language server: tree-sitter trees kept up to date
 * by incremental reparses (unit: equal to a fresh parse after every edit of a random sequence on a
 * corpus file), and the outline and folding of a file that has no build context or is half-typed,
 * over the real server.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { syntaxFolding, syntaxOutline } from '../../server/src/ide/syntax-outline';
import { inputEdit, SyntaxDocuments } from '../../server/src/lsp/syntax';
import { loadSyntaxRuntime } from '../../server/src/node/c-extractor';
import type { Grammar } from '../../server/src/syntax/parser';
import { REPO_ROOT } from '../harness/corpus';
import { TestClient, uri } from './client';

const SOC = `/dts-v1/;
#include "x.h"
/ {
\tl1: l2: soc@0 {
\t\tcompatible = "a";
\t\t/* ünï */ x: n { };
#if 1
\t\tq { r; };
#endif
\t};
};
&l1 { s = <1>; };
`;

/** A small deterministic generator (mulberry32). */
function rng(seed: number): () => number {
	let a = seed;
	return () => {
		a = (a + 0x6d2b79f5) | 0;
		let t = Math.imul(a ^ (a >>> 15), 1 | a);
		t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	};
}

describe('incremental syntax trees', () => {
	let grammar: Grammar;
	beforeAll(async () => {
		grammar = (await loadSyntaxRuntime()).grammar('devicetree');
	});

	it('inputEdit describes the one changed region', () => {
		expect(inputEdit('ab\ncd', 'ab\nXcd')).toEqual({ startIndex: 3, oldEndIndex: 3, newEndIndex: 4, startPosition: { row: 1, column: 0 }, oldEndPosition: { row: 1, column: 0 }, newEndPosition: { row: 1, column: 1 } });
		expect(inputEdit('abc', 'abc')).toMatchObject({ startIndex: 3, oldEndIndex: 3, newEndIndex: 3 });
	});

	it('after each of 60 random edits of a corpus file (typing, deleting, pasting, truncating), the incremental tree equals a fresh parse', async () => {
		const docs = new SyntaxDocuments(async () => grammar);
		let text = readFileSync(resolve(REPO_ROOT, '../shared/corpus/linux-dts/src/arm64/qcom/sdm845-db845c.dts'), 'utf8');
		const next = rng(20261125);
		await docs.tree('/f.dts', text);
		for (let i = 0; i < 60; i++) {
			const at = Math.floor(next() * text.length);
			const kind = next();
			if (kind < 0.4) text = text.slice(0, at) + ['{', '}', ';', ' x = <1', '\n', '"', '/*', '&'][Math.floor(next() * 8)] + text.slice(at);
			else if (kind < 0.7) text = text.slice(0, at) + text.slice(Math.min(text.length, at + 1 + Math.floor(next() * 200)));
			else if (kind < 0.95) {
				const from = Math.floor(next() * text.length);
				text = text.slice(0, at) + text.slice(from, from + Math.floor(next() * 300)) + text.slice(at);
			} else text = text.slice(0, at);
			const incremental = await docs.tree('/f.dts', text);
			const fresh = grammar.parse(text);
			expect(incremental!.rootNode.toString()).toBe(fresh.rootNode.toString());
			fresh.delete();
		}
		// Every edit was parsed incrementally; those leaving syntax errors were parsed afresh as well.
		expect(docs.counts.incremental).toBeGreaterThan(50);
		expect(docs.counts.full).toBeGreaterThan(1);
		expect(docs.counts.full).toBeLessThan(61);
		docs.close('/f.dts');
	});

	it('edits that keep the file valid (a digit of a hex number changed, blanks after a semicolon) are parsed incrementally only, equal to a fresh parse', async () => {
		const docs = new SyntaxDocuments(async () => grammar);
		let text = readFileSync(resolve(REPO_ROOT, '../shared/corpus/linux-dts/src/arm64/rockchip/rk3399-base.dtsi'), 'utf8');
		const next = rng(7);
		await docs.tree('/g.dts', text);
		expect(docs.counts.full).toBe(1);
		const hexDigits = (t: string): number[] => [...t.matchAll(/(?<=0x[0-9a-f]*)[0-9]/g)].map((m) => m.index!);
		expect((await docs.tree('/g.dts', text))!.rootNode.hasError).toBe(false);
		const digits = hexDigits(text);
		const semis = [...text.matchAll(/;/g)].map((m) => m.index! + 1);
		for (let i = 0; i < 40; i++) {
			if (i % 2 === 0) {
				const at = digits[Math.floor(next() * digits.length)]!;
				text = text.slice(0, at) + String(Math.floor(next() * 10)) + text.slice(at + 1);
			} else {
				const at = semis[Math.floor(next() * semis.length)]!;
				text = text.slice(0, at) + ' '.repeat(1 + Math.floor(next() * 3)) + text.slice(at);
			}
			digits.splice(0, digits.length, ...hexDigits(text));
			semis.splice(0, semis.length, ...[...text.matchAll(/;/g)].map((m) => m.index! + 1));
			const incremental = await docs.tree('/g.dts', text);
			expect(incremental!.rootNode.hasError).toBe(false);
			const fresh = grammar.parse(text);
			expect(incremental!.rootNode.toString()).toBe(fresh.rootNode.toString());
			fresh.delete();
		}
		expect(docs.counts.full).toBe(1);
		docs.close('/g.dts');
	});

	it('outlines nodes (labels as detail, #if groups included) and properties, with non-ASCII names at the right columns', () => {
		const tree = grammar.parse(SOC);
		const outline = syntaxOutline(tree.rootNode, SOC, '/soc.dtsi');
		const show = (d: (typeof outline)[number], depth = 0): string[] => [`${'  '.repeat(depth)}${d.kind} ${d.name}${d.detail ? ` (${d.detail})` : ''} ${d.selectionSpan.start.line}:${d.selectionSpan.start.col}-${d.selectionSpan.end.col}`, ...d.children.flatMap((c) => show(c, depth + 1))];
		expect(outline.flatMap((d) => show(d))).toEqual([
			'node / 2:0-1',
			'  node soc@0 (l1: l2:) 3:9-14',
			'    property compatible 4:2-12',
			'    node n (x:) 5:15-16',
			'    node q 7:2-3',
			'      property r 7:6-7',
			'node &l1 11:0-3',
			'  property s 11:6-7',
		]);
		expect(syntaxFolding(tree.rootNode, SOC)).toEqual([
			{ startLine: 2, endLine: 9 },
			{ startLine: 3, endLine: 8 },
			{ startLine: 6, endLine: 7 },
		]);
		tree.delete();
	});
});

describe('outline and folding of a file without a build context, over the server', () => {
	let client: TestClient;
	let dir: string;
	const file = () => join(dir, 'orphan.dtsi');
	beforeAll(async () => {
		dir = mkdtempSync(join(tmpdir(), 'iommu-lens-syntax-'));
		writeFileSync(file(), SOC);
		client = new TestClient();
		await client.initialize(dir);
	});
	afterAll(async () => {
		await client.stop();
	});

	type Sym = { name: string; detail?: string; children: Sym[] };
	const names = (syms: Sym[]): string[] => syms.flatMap((s) => [s.name, ...names(s.children).map((n) => `${s.name}/${n}`)]);

	it('gives the outline and folding of the text as written, and follows edits, half-typed ones too', async () => {
		client.open(file(), SOC);
		const syms = await client.connection.sendRequest<Sym[]>('textDocument/documentSymbol', { textDocument: { uri: uri(file()) } });
		expect(names(syms)).toEqual(['/', '//soc@0', '//soc@0/compatible', '//soc@0/n', '//soc@0/q', '//soc@0/q/r', '&l1', '&l1/s']);
		expect(syms[0]!.children[0]!.detail).toBe('l1: l2:');
		const folds = await client.connection.sendRequest<Array<{ startLine: number; endLine: number }>>('textDocument/foldingRange', { textDocument: { uri: uri(file()) } });
		expect(folds.map((f) => [f.startLine, f.endLine])).toEqual([[2, 9], [3, 8], [6, 7]]);
		// Half-typed: a new node opened and not closed at the end; what was there is still outlined.
		client.change(file(), 2, { start: { line: 12, character: 0 }, end: { line: 12, character: 0 } }, '&l2 { new_node { p = <1 ');
		const after = await client.connection.sendRequest<Sym[]>('textDocument/documentSymbol', { textDocument: { uri: uri(file()) } });
		expect(names(after).slice(0, 8)).toEqual(names(syms));
		expect(client.proc.exitCode).toBeNull();
	});
});
