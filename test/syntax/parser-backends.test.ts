import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadParserRuntime, type ParserRuntime, type SyntaxNode } from '../../server/src/syntax/parser';
import { corpusFiles, corpusRoot, REPO_ROOT } from '../harness/corpus';

const grammarDir = join(REPO_ROOT, 'grammars');
let wasm: ParserRuntime;
let native: ParserRuntime;

beforeAll(async () => {
	wasm = await loadParserRuntime({ grammarDir });
	native = await loadParserRuntime({ grammarDir, kind: 'native' });
});

/** Every node with its type, field-independent shape and exact offsets and points. */
function shape(node: SyntaxNode): string {
	const parts: string[] = [];
	const walk = (n: SyntaxNode, depth: number): void => {
		parts.push(`${depth} ${n.type} ${n.startIndex}-${n.endIndex} ${n.startPosition.row}:${n.startPosition.column}-${n.endPosition.row}:${n.endPosition.column}${n.isMissing ? ' missing' : ''}`);
		for (let i = 0; i < n.childCount; i++) walk(n.child(i) as SyntaxNode, depth + 1);
	};
	walk(node, 0);
	return parts.join('\n');
}

describe('parser back-ends', () => {
	it('loads the native binding here (the wasm back-end is the default)', () => {
		expect(wasm.kind).toBe('wasm');
		expect(native.kind).toBe('native');
	});

	it('both back-ends give identical trees on every arm64 devicetree file of the corpus', () => {
		const root = corpusRoot();
		const files = corpusFiles('src/arm64', ['.dts', '.dtsi', '.dtso']);
		expect(files.length).toBeGreaterThan(2500);
		let withErrors = 0;
		for (const file of files) {
			const text = readFileSync(join(root, file), 'utf8');
			const a = wasm.grammar('devicetree').parse(text);
			const b = native.grammar('devicetree').parse(text);
			const sa = a.rootNode.toString();
			if (sa !== b.rootNode.toString()) expect.fail(`${file}: the trees differ`);
			if (a.rootNode.hasError) withErrors++;
			a.delete();
			b.delete();
		}
		// Kernel idioms the raw grammar rejects (macros that expand to nodes, /include/ in a node) exist.
		expect(withErrors).toBeGreaterThan(0);
	});

	it('both back-ends agree on offsets and points, also after non-ASCII text', () => {
		const text = '/* façade — 设备树 😀 */\n/ {\n\tmodel = "ü";\n\tn@1 { reg = <1>; };\n};\n';
		const a = wasm.grammar('devicetree').parse(text);
		const b = native.grammar('devicetree').parse(text);
		expect(shape(a.rootNode)).toBe(shape(b.rootNode));
		// Offsets are UTF-16 code units: the string literal starts where String.indexOf finds it.
		const find = (n: SyntaxNode, type: string): SyntaxNode | undefined => {
			if (n.type === type) return n;
			for (let i = 0; i < n.childCount; i++) {
				const hit = find(n.child(i) as SyntaxNode, type);
				if (hit) return hit;
			}
			return undefined;
		};
		expect(find(a.rootNode, 'string_literal')?.startIndex).toBe(text.indexOf('"ü"'));
	});

	it('both back-ends agree on C driver sources', () => {
		const text = [
			'static const struct of_device_id smmu_of_match[] = {',
			'\t{ .compatible = "arm,smmu-v2", .data = &smmu_generic_v2 },',
			'\t{ .compatible = "arm,mmu-500", .data = &arm_mmu500 },',
			'\t{ },',
			'};',
			'static void __iomem *base;',
			'module_platform_driver(arm_smmu_driver);',
		].join('\n');
		const a = wasm.grammar('c').parse(text);
		const b = native.grammar('c').parse(text);
		expect(shape(a.rootNode)).toBe(shape(b.rootNode));
	});

	it('an incremental reparse after edits equals a fresh parse, in both back-ends', () => {
		const root = corpusRoot();
		const original = readFileSync(join(root, 'src/arm64/qcom/sdm845.dtsi'), 'utf8');
		for (const runtime of [wasm, native]) {
			const grammar = runtime.grammar('devicetree');
			let text = original;
			let tree = grammar.parse(text);
			let seed = 12345;
			const random = (n: number): number => {
				seed = (seed * 1103515245 + 12345) & 0x7fffffff;
				return seed % n;
			};
			for (let step = 0; step < 40; step++) {
				const start = random(text.length);
				const oldEnd = Math.min(text.length, start + random(20));
				const inserted = ['', ';', '}', 'x', ' = <1>;', '\n', '{'][random(7)] as string;
				const next = text.slice(0, start) + inserted + text.slice(oldEnd);
				const point = (t: string, offset: number) => {
					const before = t.slice(0, offset);
					const row = before.split('\n').length - 1;
					return { row, column: offset - (before.lastIndexOf('\n') + 1) };
				};
				tree.edit({
					startIndex: start,
					oldEndIndex: oldEnd,
					newEndIndex: start + inserted.length,
					startPosition: point(text, start),
					oldEndPosition: point(text, oldEnd),
					newEndPosition: point(next, start + inserted.length),
				});
				const incremental = grammar.parse(next, tree);
				const fresh = grammar.parse(next);
				expect(incremental.rootNode.toString()).toBe(fresh.rootNode.toString());
				tree.delete();
				fresh.delete();
				tree = incremental;
				text = next;
			}
			tree.delete();
		}
	});
});
