/** Kconfig trees, .config evaluation, Makefiles: symbol types, select/depends, link order, file → symbol. */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { memoryFileSystem } from '../../server/src/base/source';
import { evaluateConfig, parseConfigFile } from '../../server/src/drivers/kconfig/config';
import { parseKconfigTree } from '../../server/src/drivers/kconfig/kconfig';
import { parseMakefiles } from '../../server/src/drivers/kconfig/makefile';
import { fileBuild } from '../../server/src/drivers/sources';
import { diskFileSystem } from '../../server/src/node/disk-fs';
import { listDir } from '../../server/src/node/list-files';
import { TREE, treeSources } from './helpers';

describe('Kconfig', () => {
	it('reads types, prompts, depends (with if/menu), selects and defaults across sourced files, skipping help', () => {
		const m = parseKconfigTree({ root: TREE, fs: diskFileSystem() });
		expect(m.diagnostics).toEqual([]);
		expect(m.files.map((f) => f.slice(TREE.length + 1))).toEqual(['Kconfig', 'drivers/Kconfig', 'drivers/iommu/Kconfig', 'drivers/rpmsg/Kconfig', 'drivers/misc/Kconfig']);
		const rpmsg = m.symbols.get('RPMSG');
		expect(rpmsg).toMatchObject({ type: 'tristate', prompts: [] });
		expect(rpmsg?.selectedBy.map((s) => s.by)).toEqual(['RPMSG_QCOM_GLINK_NATIVE', 'RPMSG_QCOM_SMD', 'RPMSG_VIRTIO']);
		expect(rpmsg?.spans[0]?.start.line).toBe(4);
		expect(m.symbols.get('ARM_SMMU')).toMatchObject({ type: 'bool', prompts: [{ value: 'ARM Ltd. System MMU (SMMU) Support' }] });
		// `if IOMMU_SUPPORT` adds a dependency.
		expect(m.symbols.get('ARM_SMMU')?.depends).toHaveLength(2);
		expect(m.symbols.get('IOMMU_SUPPORT')).toMatchObject({ menuconfig: true, type: 'bool' });
		expect(m.symbols.get('ARM_SMMU_V3')?.defaults).toHaveLength(1);
		expect(m.symbols.has('Say')).toBe(false);
	});

	it('follows globbed sources with a lister and notes them without one', () => {
		const fs = memoryFileSystem({ '/t/Kconfig': 'source "arch/*/Kconfig"\n', '/t/arch/arm64/Kconfig': 'config ARM64\n\tdef_bool y\n' });
		expect(parseKconfigTree({ root: '/t', fs, list: (d) => (d === '/t/arch' ? ['/t/arch/arm64', '/t/arch/x86'] : []) }).symbols.has('ARM64')).toBe(false);
		const listed = parseKconfigTree({ root: '/t', fs, list: (d) => (d === '/t/arch' ? ['/t/arch/arm64/Kconfig'] : []) });
		expect(listed.symbols.get('ARM64')?.type).toBe('bool');
		expect(parseKconfigTree({ root: '/t', fs }).diagnostics.map((d) => d.code)).toEqual(['kconfig-glob-skipped']);
		expect(listDir(join(TREE, 'drivers')).length).toBeGreaterThan(3);
	});

	it('evaluates a configuration: select forces, depends limits, bools round m up, defaults apply', () => {
		const m = parseKconfigTree({ root: TREE, fs: diskFileSystem() });
		const c = evaluateConfig(m, parseConfigFile('x.config', 'CONFIG_RPMSG_VIRTIO=m\nCONFIG_QCOM_FASTRPC=y\nCONFIG_ARM_SMMU=m\n# CONFIG_ROCKCHIP_IOMMU is not set\nCONFIG_RPMSG_CHAR=y\n'));
		expect(c.value('RPMSG')).toBe('m');
		expect(c.why('RPMSG')).toBe('selected by RPMSG_VIRTIO');
		expect(c.value('QCOM_FASTRPC')).toBe('m');
		expect(c.why('QCOM_FASTRPC')).toContain('limited to m');
		expect(c.value('RPMSG_CHAR')).toBe('m');
		expect(c.value('ARM_SMMU')).toBe('y');
		expect(c.value('ROCKCHIP_IOMMU')).toBe('n');
		expect(c.value('IOMMU_API')).toBe('y');
		expect(c.value('IOMMU_SUPPORT')).toBe('y');
		expect(c.value('ARM_SMMU_DISABLE_BYPASS_BY_DEFAULT')).toBe('y');
		expect(c.value('ARM_SMMU_V3')).toBe('n');
		expect(c.value('PCI')).toBeUndefined();
		const glink = evaluateConfig(m, parseConfigFile('y.config', 'CONFIG_RPMSG_QCOM_GLINK_RPM=y\n'));
		expect([glink.value('RPMSG_QCOM_GLINK_NATIVE'), glink.value('RPMSG')]).toEqual(['y', 'y']);
		expect(parseConfigFile('z', 'garbage\n').diagnostics.map((d) => d.code)).toEqual(['config-syntax']);
	});
});

describe('Makefiles', () => {
	it('gives link order through sub-folders and composite objects, and each file its symbol', () => {
		const mk = parseMakefiles(diskFileSystem(), [TREE]);
		const rel = [...mk.files.values()].map((f) => [f.file.slice(TREE.length + 1), f.symbol, f.linkOrder]);
		expect(rel.slice(0, 5)).toEqual([
			['drivers/iommu/iommu.c', 'IOMMU_API', 0],
			['drivers/iommu/rockchip-iommu.c', 'ROCKCHIP_IOMMU', 1],
			['drivers/iommu/arm-smmu.c', 'ARM_SMMU', 2],
			['drivers/iommu/arm-smmu-v3.c', 'ARM_SMMU_V3', 3],
			['drivers/iommu/arm-smmu-v3-sva.c', 'ARM_SMMU_V3', 4],
		]);
		expect(mk.files.get(join(TREE, 'drivers/iommu/arm-smmu-v3.c'))?.object).toBe(join(TREE, 'drivers/iommu/arm_smmu_v3.o'));
		expect(mk.files.get(join(TREE, 'drivers/misc/fastrpc.c'))).toMatchObject({ symbol: 'QCOM_FASTRPC', linkOrder: 10 });
		expect(mk.dirSymbols.get(join(TREE, 'drivers/iommu'))).toBe('IOMMU_SUPPORT');
	});

	it("a file's build state follows its symbol, its folder's symbol, and y without a configuration", async () => {
		const none = await treeSources();
		expect(fileBuild(none, join(TREE, 'drivers/iommu/arm-smmu-v3.c'))).toMatchObject({ build: 'y', symbol: 'ARM_SMMU_V3' });
		const mod = await treeSources({ config: 'smmu-module.config' });
		expect(fileBuild(mod, join(TREE, 'drivers/iommu/arm-smmu-v3.c'))).toMatchObject({ build: 'm', why: expect.stringContaining('CONFIG_ARM_SMMU_V3=m') });
		expect(fileBuild(mod, join(TREE, 'drivers/iommu/rockchip-iommu.c')).build).toBe('n');
		const off = await treeSources({ configText: '# CONFIG_IOMMU_SUPPORT is not set\nCONFIG_ARM_SMMU=y\n' });
		expect(fileBuild(off, join(TREE, 'drivers/iommu/arm-smmu.c')).build).toBe('n');
	});
});
