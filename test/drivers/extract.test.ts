/**
 * C fact extraction: exact facts from the fixture drivers (tree-sitter-c with annotation blanking),
 * the pattern-scan recovery of parts the grammar cannot read, and the file that yields nothing.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { blankAnnotations } from '../../server/src/drivers/c/blank';
import { createCExtractor } from '../../server/src/drivers/c/extract';
import { scanConditions } from '../../server/src/drivers/c/preproc';
import { CASES, extractor, TREE } from './helpers';

const read = (p: string): string => readFileSync(p, 'utf8');
const IOMMU = join(TREE, 'drivers/iommu');

describe('annotation blanking', () => {
	it('keeps offsets and line breaks exact', () => {
		const text = 'static int __init foo(void __iomem *p) __attribute__((unused,\n aligned(8)));\nvoid __maybe_unused bar(void);';
		const { text: out, blanked } = blankAnnotations(text);
		expect(out.length).toBe(text.length);
		expect(out.split('\n').length).toBe(text.split('\n').length);
		expect(out).not.toMatch(/__init|__iomem|__attribute__|__maybe_unused/);
		expect(out.indexOf('foo')).toBe(text.indexOf('foo'));
		expect(blanked).toBe(4);
	});
});

describe('preprocessor conditions', () => {
	it('gives the stack at an offset, with #else branches negated', () => {
		const text = '#ifdef CONFIG_A\na();\n#if IS_ENABLED(CONFIG_B)\nb();\n#else\nc();\n#endif\n#endif\nd();\n';
		const conds = scanConditions('f.c', text);
		expect(conds.at(text.indexOf('a()')).map((c) => [c.directive, c.expr, c.holds])).toEqual([['ifdef', 'CONFIG_A', true]]);
		expect(conds.at(text.indexOf('b()')).map((c) => [c.directive, c.expr, c.holds, c.configs])).toEqual([
			['ifdef', 'CONFIG_A', true, ['A']],
			['if', 'IS_ENABLED(CONFIG_B)', true, ['B']],
		]);
		expect(conds.at(text.indexOf('c()')).map((c) => [c.expr, c.holds])).toEqual([
			['CONFIG_A', true],
			['IS_ENABLED(CONFIG_B)', false],
		]);
		expect(conds.at(text.indexOf('d()'))).toEqual([]);
		expect(conds.directives.map((d) => [d.kind, d.span.start.line])).toEqual([['ifdef', 0], ['if', 2], ['else', 4], ['endif', 6], ['endif', 7]]);
	});
});

describe('facts from the fixture drivers', () => {
	it('arm-smmu: table, driver, registration, bus_set_iommu on four buses from probe, guarded, under their #ifdefs', async () => {
		const f = (await extractor()).extract(join(IOMMU, 'arm-smmu.c'), read(join(IOMMU, 'arm-smmu.c')));
		expect(f.parseErrors).toBe(0);
		expect(f.ofMatchTables.map((t) => [t.name, t.entries.map((e) => e.compatible)])).toEqual([
			['arm_smmu_of_match', ['arm,smmu-v1', 'arm,smmu-v2', 'arm,mmu-400', 'arm,mmu-401', 'arm,mmu-500', 'cavium,smmu-v2', 'qcom,smmu-v2']],
		]);
		expect(f.ofMatchTables[0]?.entries[3]).toMatchObject({ data: '&arm_mmu401', span: { start: { line: 164, col: 17 } } });
		expect(f.drivers).toMatchObject([{ variable: 'arm_smmu_driver', structType: 'platform_driver', bus: 'platform', name: 'arm-smmu', ofMatchTable: 'arm_smmu_of_match', probe: 'arm_smmu_device_probe' }]);
		expect(f.registrations.map((r) => [r.macro, r.target, r.level, r.kind, r.span.start.line])).toEqual([['module_platform_driver', 'arm_smmu_driver', 'device', 'driver-macro', 182]]);
		expect(f.iommuOps.map((o) => [o.variable, o.fields.includes('of_xlate'), o.fields.includes('add_device')])).toEqual([['arm_smmu_ops', true, true]]);
		expect(f.busSetIommu.map((b) => [b.bus, b.from, b.via, b.guardedByIommuPresent, b.errorPropagated, b.conditions.map((c) => `${c.directive} ${c.expr}`), b.span.start.line])).toEqual([
			['platform', 'probe', ['arm_smmu_device_probe', 'arm_smmu_bus_init'], true, false, [], 95],
			['amba', 'probe', ['arm_smmu_device_probe', 'arm_smmu_bus_init'], true, false, ['ifdef CONFIG_ARM_AMBA'], 98],
			['pci', 'probe', ['arm_smmu_device_probe', 'arm_smmu_bus_init'], true, false, ['ifdef CONFIG_PCI'], 103],
			['rpmsg', 'probe', ['arm_smmu_device_probe', 'arm_smmu_bus_init'], true, false, ['ifdef CONFIG_RPMSG'], 108],
		]);
		expect(f.ofDeclares.map((d) => d.compatible)).toEqual(['arm,smmu-v1', 'arm,smmu-v2', 'arm,mmu-400', 'arm,mmu-401', 'arm,mmu-500', 'cavium,smmu-v2', 'qcom,smmu-v2']);
		expect(f.moduleParams.map((p) => [p.name, p.type, p.initializer])).toEqual([
			['force_stage', 'int', undefined],
			['disable_bypass', 'bool', 'IS_ENABLED(CONFIG_ARM_SMMU_DISABLE_BYPASS_BY_DEFAULT)'],
		]);
		expect(f.paramPrefix).toBe('arm-smmu.');
		expect(f.calls.filter((c) => c.callee === 'iommu_device_register').map((c) => c.function)).toEqual(['arm_smmu_device_probe']);
	});

	it('arm-smmu-v3: the -EBUSY is returned from probe (not guarded)', async () => {
		const f = (await extractor()).extract(join(IOMMU, 'arm-smmu-v3.c'), read(join(IOMMU, 'arm-smmu-v3.c')));
		expect(f.parseErrors).toBe(0);
		expect(f.registrations.map((r) => [r.macro, r.target])).toEqual([['builtin_platform_driver', 'arm_smmu_driver']]);
		expect(f.busSetIommu.map((b) => [b.bus, b.from, b.guardedByIommuPresent, b.errorPropagated])).toEqual([
			['pci', 'probe', false, true],
			['amba', 'probe', false, true],
			['platform', 'probe', false, true],
		]);
		expect(f.moduleParams.map((p) => [p.name, p.variable, p.initializer])).toEqual([['disable_bypass', 'disable_bypass', '1']]);
	});

	it('rockchip-iommu: subsys_initcall claims the platform bus after of_find_matching_node() without an availability check', async () => {
		const f = (await extractor()).extract(join(IOMMU, 'rockchip-iommu.c'), read(join(IOMMU, 'rockchip-iommu.c')));
		expect(f.parseErrors).toBe(0);
		expect(f.drivers.map((d) => [d.variable, d.name, d.ofMatchTable])).toEqual([
			['rk_iommu_domain_driver', 'rk_iommu_domain', undefined],
			['rk_iommu_driver', 'rockchip-iommu', 'rk_iommu_dt_ids'],
		]);
		expect(f.registrations.map((r) => [r.macro, r.target, r.level, r.kind])).toEqual([['subsys_initcall', 'rk_iommu_init', 'subsys', 'initcall']]);
		expect(f.busSetIommu.map((b) => [b.bus, b.from, b.via, b.guardedByIommuPresent, b.errorPropagated, b.afterMatchingNodeWithoutAvailability])).toEqual([['platform', 'initcall', ['rk_iommu_init'], false, true, true]]);
		expect(f.iommuOps[0]?.fields).toContain('add_device');
		expect(f.iommuOps[0]?.fields).not.toContain('of_xlate');
		expect(f.argsCountChecks.map((a) => [a.expected, a.message])).toEqual([[0, 'incorrect number of iommu params found for %s (found %d, expected 0)']]);
		expect(f.calls.filter((c) => c.callee === 'platform_driver_register').map((c) => c.args)).toEqual([['&rk_iommu_domain_driver'], ['&rk_iommu_driver']]);
	});

	it('fastrpc: an rpmsg driver and a platform compute-cb driver registered from module_init; DMA calls on the right devices', async () => {
		const file = join(TREE, 'drivers/misc/fastrpc.c');
		const f = (await extractor()).extract(file, read(file));
		expect(f.drivers.map((d) => [d.variable, d.bus, d.name, d.ofMatchTable, d.probe])).toEqual([
			['fastrpc_cb_driver', 'platform', 'qcom,fastrpc-cb', 'fastrpc_match_table', 'fastrpc_cb_probe'],
			['fastrpc_driver', 'rpmsg', 'qcom,fastrpc', 'fastrpc_rpmsg_of_match', 'fastrpc_rpmsg_probe'],
		]);
		expect(f.registrations.map((r) => [r.macro, r.target, r.level])).toEqual([['module_init', 'fastrpc_init', 'device']]);
		expect(f.calls.map((c) => [c.callee, c.function, c.args[0]])).toEqual([
			['dma_alloc_coherent', '__fastrpc_buf_alloc', 'sess->dev'],
			['dma_set_mask', 'fastrpc_cb_probe', 'dev'],
			['dma_set_mask_and_coherent', 'fastrpc_rpmsg_probe', 'rdev'],
			['of_platform_populate', 'fastrpc_rpmsg_probe', 'rdev->of_node'],
			['platform_driver_register', 'fastrpc_init', '&fastrpc_cb_driver'],
			['register_rpmsg_driver', 'fastrpc_init', '&fastrpc_driver'],
		]);
		expect(f.busSetIommu).toEqual([]);
	});

	it('recovers facts from the parts the grammar cannot read, and says which file yielded nothing', async () => {
		const x = await extractor();
		const weird = x.extract(join(CASES, 'macro-heavy.c'), read(join(CASES, 'macro-heavy.c')));
		expect(weird.parseErrors).toBeGreaterThan(0);
		expect(weird.recovered).toBeGreaterThan(0);
		expect(weird.ofMatchTables.map((t) => [t.name, t.entries.map((e) => e.compatible)])).toEqual([['weird_of_match', ['vendor,weird-iommu']]]);
		expect(weird.drivers.map((d) => [d.variable, d.name, d.ofMatchTable])).toEqual([['weird_driver', 'weird', 'weird_of_match']]);
		expect(weird.registrations.map((r) => [r.macro, r.level])).toEqual([['arch_initcall_sync', 'arch_sync']]);
		expect(weird.busSetIommu.map((b) => [b.bus, b.from, b.errorPropagated])).toEqual([['platform', 'initcall', false]]);
		expect(weird.diagnostics.map((d) => d.code)).toContain('c-recovered');
		const empty = x.extract(join(CASES, 'empty.c'), read(join(CASES, 'empty.c')));
		expect(empty.diagnostics.map((d) => [d.code, d.severity])).toEqual([['c-no-facts', 'info']]);
		expect(empty.diagnostics[0]?.message).toContain('empty.c');
	});

	it('the pattern scan alone (no grammar) finds the same driver facts', async () => {
		const scan = createCExtractor(undefined, undefined);
		const file = join(IOMMU, 'rockchip-iommu.c');
		const f = scan.extract(file, read(file));
		const g = (await extractor()).extract(file, read(file));
		expect(f.ofMatchTables.map((t) => t.entries.map((e) => e.compatible))).toEqual(g.ofMatchTables.map((t) => t.entries.map((e) => e.compatible)));
		expect(f.registrations.map((r) => [r.macro, r.target])).toEqual(g.registrations.map((r) => [r.macro, r.target]));
		expect(f.busSetIommu.map((b) => [b.bus, b.from, b.errorPropagated, b.afterMatchingNodeWithoutAvailability])).toEqual([['platform', 'initcall', true, true]]);
	});
});
