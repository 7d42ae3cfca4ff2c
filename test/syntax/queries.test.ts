import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadParserRuntime, type ParserRuntime, type QueryCapture } from '../../server/src/syntax/parser';
import { REPO_ROOT } from '../harness/corpus';

const grammarDir = join(REPO_ROOT, 'grammars');
const query = (grammar: string, name: string): string => readFileSync(join(grammarDir, grammar, 'queries', `${name}.scm`), 'utf8');
const runtimes: ParserRuntime[] = [];

beforeAll(async () => {
	runtimes.push(await loadParserRuntime({ grammarDir }), await loadParserRuntime({ grammarDir, kind: 'native' }));
});

const render = (captures: QueryCapture[]): string[] => captures.map((c) => `${c.name} ${c.node.text.split('\n')[0]}`);

describe('project queries', () => {
	const dts = [
		'#include <dt-bindings/interrupt-controller/arm-gic.h>',
		'/include/ "skeleton.dtsi"',
		'/ {',
		'\tsoc: soc@0 {',
		'\t\tsmmu: l2: iommu@15000000 { #iommu-cells = <2>; };',
		'\t\tgpu@5000000 { iommus = <&smmu 0x880 0x8>; };',
		'\t};',
		'};',
		'&{/soc@0} { status = "okay"; };',
	].join('\n');

	it('outline.scm captures nodes, labels, unit addresses, reference targets and properties', () => {
		for (const runtime of runtimes) {
			const grammar = runtime.grammar('devicetree');
			const tree = grammar.parse(dts);
			const names = render(grammar.query(query('devicetree', 'outline')).captures(tree.rootNode)).filter((c) => !c.endsWith('.def'));
			expect(names.filter((c) => !c.startsWith('node.def') && !c.startsWith('property.def'))).toEqual([
				'node.name /',
				'node.label soc',
				'node.name soc',
				'node.address 0',
				'node.label smmu',
				'node.label l2',
				'node.name iommu',
				'node.address 15000000',
				'property.name #iommu-cells',
				'node.name gpu',
				'node.address 5000000',
				'property.name iommus',
				'node.ref &{/soc@0}',
				'property.name status',
			]);
			tree.delete();
		}
	});

	it('includes.scm captures cpp and dtc includes', () => {
		for (const runtime of runtimes) {
			const grammar = runtime.grammar('devicetree');
			const tree = grammar.parse(dts);
			const paths = grammar.query(query('devicetree', 'includes')).captures(tree.rootNode).filter((c) => c.name === 'include.path');
			expect(paths.map((c) => c.node.text)).toEqual(['<dt-bindings/interrupt-controller/arm-gic.h>', '"skeleton.dtsi"']);
			tree.delete();
		}
	});

	it('references.scm captures references and label definitions', () => {
		for (const runtime of runtimes) {
			const grammar = runtime.grammar('devicetree');
			const tree = grammar.parse(dts);
			expect(render(grammar.query(query('devicetree', 'references')).captures(tree.rootNode))).toEqual([
				'label.def soc',
				'label.def smmu',
				'label.def l2',
				'reference &smmu',
				'reference &{/soc@0}',
			]);
			tree.delete();
		}
	});

	it('of-match.scm captures the compatibles of of_device_id tables and nothing else', () => {
		const c = [
			'static const struct of_device_id arm_smmu_of_match[] = {',
			'\t{ .compatible = "arm,smmu-v1", .data = &smmu_generic_v1 },',
			'\t{ .compatible = "arm,mmu-500", .data = &arm_mmu500 },',
			'\t{ },',
			'};',
			'static const struct platform_device_id ids[] = { { .name = "not-a-compatible" } };',
			'static const struct of_device_id other[] = { { .name = "x", .compatible = "vendor,other" }, {} };',
		].join('\n');
		for (const runtime of runtimes) {
			const grammar = runtime.grammar('c');
			const tree = grammar.parse(c);
			const captures = grammar.query(query('c', 'of-match')).captures(tree.rootNode);
			expect(captures.filter((x) => x.name === 'compatible').map((x) => x.node.text)).toEqual(['arm,smmu-v1', 'arm,mmu-500', 'vendor,other']);
			expect([...new Set(captures.filter((x) => x.name === 'table.name').map((x) => x.node.text))]).toEqual(['arm_smmu_of_match', 'other']);
			tree.delete();
		}
	});
});
