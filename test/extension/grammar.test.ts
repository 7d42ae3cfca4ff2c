/**
 * The TextMate grammar (syntaxes/devicetree.tmLanguage.json) tokenised by vscode-textmate, the engine
 * VS Code uses: each construct of a devicetree source gets its scope. Also checks the language
 * configuration is valid JSON with the brackets and folding markers the editor needs.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import * as oniguruma from 'vscode-oniguruma';
import * as textmate from 'vscode-textmate';

const root = join(__dirname, '../..');
let grammar: textmate.IGrammar;

const SOURCE = `/dts-v1/;
/plugin/;
#include <dt-bindings/interrupt-controller/arm-gic.h>
#include "soc.dtsi"
/include/ "extra.dtsi"
#define SMMU_SID(x) ((x) << 4) /* stream */
#ifdef CONFIG_FOO
#endif

/ {
	#address-cells = <2>;
	apps_smmu: iommu@15000000 {
		compatible = "qcom,sdm845-smmu-500", "arm,mmu-500";
		reg = <0x0 0x15000000 0x0 0x80000>;
		#iommu-cells = <2>;
		interrupts = <GIC_SPI 65 IRQ_TYPE_LEVEL_HIGH>;
		mac = [00 11 22 aa bb cc];
		dma-coherent;
		sid = <SMMU_SID(3) (1 << 2)>;
	};
};

&camera {
	iommus = <&apps_smmu 0x8a0 0x0>, <&{/soc/iommu@1} 1>;
	status = "okay\\n";
};
/delete-node/ &old;
/delete-property/ reg;
// the end
`;

/** The scopes of the first token that is exactly `text` on line `line` (0-based). */
function scopesOf(line: number, text: string, nth = 0): string[] {
	const lines = SOURCE.split('\n');
	let state = textmate.INITIAL;
	for (let i = 0; i < lines.length; i++) {
		const r = grammar.tokenizeLine(lines[i] ?? '', state);
		if (i === line) {
			const hits = r.tokens.filter((t) => (lines[i] ?? '').slice(t.startIndex, t.endIndex).trim() === text);
			const hit = hits[nth];
			if (!hit) throw new Error(`no token ${JSON.stringify(text)} on line ${line}: ${JSON.stringify(r.tokens.map((t) => (lines[i] ?? '').slice(t.startIndex, t.endIndex)))}`);
			return hit.scopes;
		}
		state = r.ruleStack;
	}
	throw new Error(`no line ${line}`);
}
const lineOf = (needle: string): number => SOURCE.split('\n').findIndex((l) => l.includes(needle));
const has = (line: number, text: string, scope: string, nth = 0): void => {
	const scopes = scopesOf(line, text, nth);
	expect([text, scopes.some((s) => s.startsWith(scope)) ? scope : scopes]).toEqual([text, scope]);
};

beforeAll(async () => {
	const wasm = readFileSync(join(root, 'node_modules/vscode-oniguruma/release/onig.wasm'));
	await oniguruma.loadWASM(wasm.buffer.slice(wasm.byteOffset, wasm.byteOffset + wasm.byteLength));
	const registry = new textmate.Registry({
		onigLib: Promise.resolve({ createOnigScanner: (p: string[]) => new oniguruma.OnigScanner(p), createOnigString: (s: string) => new oniguruma.OnigString(s) }),
		loadGrammar: async (scopeName: string) => {
			if (scopeName !== 'source.devicetree') return null;
			const path = join(root, 'syntaxes/devicetree.tmLanguage.json');
			return textmate.parseRawGrammar(readFileSync(path, 'utf8'), path);
		},
	});
	const g = await registry.loadGrammar('source.devicetree');
	if (!g) throw new Error('grammar not loaded');
	grammar = g;
});

describe('devicetree TextMate grammar', () => {
	it('is the grammar package.json contributes for the dts language', () => {
		const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { contributes: { grammars: Array<{ language: string; scopeName: string; path: string }> } };
		expect(manifest.contributes.grammars).toEqual([{ language: 'dts', scopeName: 'source.devicetree', path: './syntaxes/devicetree.tmLanguage.json' }]);
	});

	it('scopes directives and preprocessor lines', () => {
		has(0, '/dts-v1/', 'keyword.other.directive.version');
		has(1, '/plugin/', 'keyword.other.directive.plugin');
		has(2, 'include', 'keyword.control.directive.include');
		has(2, '<dt-bindings/interrupt-controller/arm-gic.h>', 'string.quoted.other.lt-gt.include');
		has(3, 'soc.dtsi', 'string.quoted.double');
		has(4, '/include/', 'keyword.control.directive.include');
		has(5, 'SMMU_SID', 'entity.name.function.preprocessor');
		has(5, 'stream', 'comment.block');
		has(6, 'ifdef', 'keyword.control.directive.conditional');
		has(7, 'endif', 'keyword.control.directive.conditional');
	});

	it('scopes nodes, labels, unit addresses and properties', () => {
		has(lineOf('/ {'), '/', 'entity.name.tag.root');
		has(lineOf('#address-cells'), '#address-cells', 'variable.other.property');
		const smmu = lineOf('apps_smmu: iommu');
		has(smmu, 'apps_smmu', 'entity.name.type.label');
		has(smmu, 'iommu', 'entity.name.tag.node');
		has(smmu, '15000000', 'constant.numeric.unit-address');
		has(lineOf('compatible'), 'compatible', 'variable.other.property');
		has(lineOf('dma-coherent'), 'dma-coherent', 'variable.other.property');
		has(lineOf('#iommu-cells'), '#iommu-cells', 'variable.other.property');
	});

	it('scopes values: strings, cells, numbers, macros, expressions, byte strings, references', () => {
		has(lineOf('compatible'), 'qcom,sdm845-smmu-500', 'string.quoted.double');
		has(lineOf('reg = <0x0'), '0x15000000', 'constant.numeric.hex');
		has(lineOf('reg = <0x0'), '<', 'punctuation.definition.cell-array.begin');
		has(lineOf('interrupts'), 'GIC_SPI', 'constant.other.macro');
		has(lineOf('interrupts'), '65', 'constant.numeric.decimal');
		has(lineOf('mac = '), 'aa', 'constant.numeric.byte');
		has(lineOf('sid = '), '<<', 'keyword.operator');
		has(lineOf('sid = '), 'SMMU_SID', 'constant.other.macro');
		const iommus = lineOf('iommus = ');
		has(iommus, 'apps_smmu', 'variable.other.reference');
		has(iommus, '/soc/iommu@1', 'string.unquoted.path');
		has(iommus, '0x8a0', 'meta.cell-array');
		has(lineOf('status'), '\\n', 'constant.character.escape');
		has(lineOf('&camera'), 'camera', 'variable.other.reference');
		has(lineOf('/delete-node/'), '/delete-node/', 'keyword.other.directive.delete');
		has(lineOf('/delete-node/'), 'old', 'variable.other.reference');
		has(lineOf('/delete-property/'), 'reg', 'variable.other.property');
		has(lineOf('// the end'), 'the end', 'comment.line.double-slash');
	});

	it('the language configuration has comments, brackets and #if folding markers', () => {
		const config = JSON.parse(readFileSync(join(root, 'language-configuration.json'), 'utf8')) as {
			comments: { lineComment: string; blockComment: string[] };
			brackets: string[][];
			folding: { markers: { start: string; end: string } };
		};
		expect(config.comments).toEqual({ lineComment: '//', blockComment: ['/*', '*/'] });
		expect(config.brackets).toEqual([['{', '}'], ['[', ']'], ['(', ')'], ['<', '>']]);
		const start = new RegExp(config.folding.markers.start);
		const end = new RegExp(config.folding.markers.end);
		expect(['#if X', '#ifdef CONFIG_FOO', '  #ifndef A', '// #region x'].every((l) => start.test(l))).toBe(true);
		expect(['#include "x"', '#iommu-cells = <1>;', '#define A'].some((l) => start.test(l))).toBe(false);
		expect(end.test('#endif')).toBe(true);
	});
});
