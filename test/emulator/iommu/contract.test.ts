import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BUILTIN_PLUGINS, createRegistry, IOMMU_PLUGIN_API_VERSION, resolveProfile, SMMU_V2_LIMITS, validatePlugin, type IommuModelPlugin, type IommuProvider } from '../../../emulator/src/iommu';
import { buildView } from '../../harness/dtview';

const view = buildView({
	'iommu@0': { compatible: 'test,iommu', '#iommu-cells': [1], stream: true },
	'dev@1': { iommus: ['&mmu', 1] },
	'mmu: iommu@2': { compatible: 'test,iommu', '#iommu-cells': [1] },
});
const node = view.byLabel('mmu')!;
const provider: IommuProvider = { view, node, compatibles: ['test,iommu'], iommuCells: 1, available: true, profile: resolveProfile(node, [], SMMU_V2_LIMITS) };
const era = { version: [6, 8] as const };
const master = (key: string) => ({ key, node: view.byPath('/dev@1')!, isPci: false });

describe.each(BUILTIN_PLUGINS.map((p) => [p.id, p] as const))('plugin contract: %s', (_id, plugin: IommuModelPlugin) => {
	it('is valid and versioned', () => {
		expect(validatePlugin(plugin)).toEqual([]);
		expect(plugin.apiVersion).toBe(IOMMU_PLUGIN_API_VERSION);
	});
	it('lives in plugins/<id>.ts', () => {
		expect(existsSync(join(__dirname, '../../../emulator/src/iommu/plugins', `${plugin.id}.ts`))).toBe(true);
	});
	it('decodes any specifier without throwing, deterministically', () => {
		for (const args of [[], [0x10n], [0x10n, 0x3n], [0xffffffffn, 0xffffffffn, 1n]]) {
			const a = plugin.decodeSpecifier(provider, args, era);
			const b = plugin.decodeSpecifier(provider, args, era);
			expect(a).toEqual(b);
			expect(['ok', 'error']).toContain(a.kind);
			if (a.kind === 'ok') expect(typeof a.stream.label).toBe('string');
			else expect(a.message.length).toBeGreaterThan(0);
		}
	});
	it('keeps per-simulation state: fresh instances give equal results, attaching reports slots or an error', () => {
		const run = () => {
			const inst = plugin.createInstance(provider, { era });
			const decoded = plugin.decodeSpecifier(provider, plugin.cellCounts?.[0] === 0 ? [] : [0x5n], era);
			const stream = decoded.kind === 'ok' ? decoded.stream : { mask: 0n, rawCells: [], label: 'x' };
			const first = inst.attach(master('/a'), [{ entryIndex: 0, stream, loc: node.loc }]);
			const second = inst.attach(master('/b'), [{ entryIndex: 0, stream, loc: node.loc }]);
			return { first, second, usage: inst.usage() };
		};
		const r1 = run();
		expect(run()).toEqual(r1);
		for (const o of [r1.first, r1.second]) {
			if (o.ok) expect(o.slots.length).toBe(1);
			else expect(o.errno).toBeDefined();
			expect(Array.isArray(o.groupSharedWith)).toBe(true);
		}
		expect(r1.usage.groups).toBeGreaterThanOrEqual(0);
	});
});

describe('registry', () => {
	it('orders plugins, refuses invalid and duplicate ones', () => {
		const bad = { ...BUILTIN_PLUGINS[0]!, apiVersion: 2 };
		const noId = { ...BUILTIN_PLUGINS[0]!, id: 'Bad Id' };
		const reg = createRegistry([...BUILTIN_PLUGINS, bad, noId, BUILTIN_PLUGINS[1]]);
		expect(reg.plugins.map((p) => p.id)).toEqual(['arm-smmu', 'arm-smmu-v3', 'omap-iommu', 'qcom-msm-iommu', 'rockchip-iommu', 'virtio-iommu', 'generic']);
		expect(reg.problems).toEqual([
			'plugin arm-smmu: apiVersion 2 is not 1',
			'plugin Bad Id: id must be a kebab-case file name',
			'plugin arm-smmu-v3: duplicate id, the later one is ignored',
		]);
	});
	it('picks by compatible (with wildcards), falls back to generic only for #iommu-cells nodes', () => {
		const reg = createRegistry(BUILTIN_PLUGINS);
		const v = buildView({ 'a@0': { '#iommu-cells': [1] }, 'b@1': {} });
		expect(reg.pluginFor(v.byPath('/a@0')!, ['qcom,sm8550-smmu-500', 'qcom,smmu-500', 'arm,mmu-500'])?.id).toBe('arm-smmu');
		expect(reg.pluginFor(v.byPath('/a@0')!, ['mediatek,mt8195-iommu-vpp'])?.id).toBe('generic');
		expect(reg.pluginFor(v.byPath('/b@1')!, ['mediatek,mt8195-iommu-vpp'])).toBeUndefined();
	});
	it('turns a throwing plugin into plugin-crashed findings, never an exception', () => {
		const boom: IommuModelPlugin = {
			apiVersion: 1,
			id: 'boom',
			model: 'Boom',
			compatibles: ['test,iommu'],
			decodeSpecifier() {
				throw new Error('decode exploded');
			},
			createInstance() {
				return {
					attach() {
						throw new Error('attach exploded');
					},
					usage() {
						throw new Error('usage exploded');
					},
				};
			},
		};
		const reg = createRegistry([boom]);
		const d = reg.decode(boom, provider, [1n], era, node.loc);
		expect(d.kind).toBe('error');
		const inst = reg.createInstance(boom, provider, { era });
		const o = inst.attach(master('/a'), [{ entryIndex: 0, stream: { mask: 0n, rawCells: [], label: '' }, loc: node.loc }]);
		expect(o.ok).toBe(false);
		expect(inst.usage()).toEqual({ groups: 0 });
		expect(reg.crashes.map((f) => [f.id, f.message.slice(0, 40)])).toEqual([
			['plugin-crashed', 'The boom IOMMU model crashed in decodeSp'],
			['plugin-crashed', 'The boom IOMMU model crashed in attach ('],
			['plugin-crashed', 'The boom IOMMU model crashed in usage (E'],
		]);
	});
});
