/** Kconfig trees, .config evaluation, Makefiles: symbol types, select/depends, link order, file → symbol. */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { memoryFileSystem } from '../../server/src/base/source';
import { boardsArch, chooseKernelArch, kconfigEnv, srcarchOf, subarchOf } from '../../server/src/drivers/kconfig/arch';
import { evaluateConfig, parseConfigFile } from '../../server/src/drivers/kconfig/config';
import { parseKconfigTree } from '../../server/src/drivers/kconfig/kconfig';
import { parseMakefiles } from '../../server/src/drivers/kconfig/makefile';
import { fileBuild } from '../../server/src/drivers/sources';
import { diskFileSystem } from '../../server/src/node/disk-fs';
import { listDir } from '../../server/src/node/list-files';
import { ARM64_ENV, TREE, treeSources } from './helpers';

describe('Kconfig', () => {
	it('reads types, prompts, depends (with if/menu), selects and defaults across sourced files, skipping help', () => {
		const m = parseKconfigTree({ root: TREE, fs: diskFileSystem(), env: ARM64_ENV });
		expect(m.diagnostics).toEqual([]);
		expect(m.files.map((f) => f.slice(TREE.length + 1))).toEqual(['Kconfig', 'arch/arm64/Kconfig', 'drivers/Kconfig', 'drivers/iommu/Kconfig', 'drivers/rpmsg/Kconfig', 'drivers/misc/Kconfig']);
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
		const m = parseKconfigTree({ root: TREE, fs: diskFileSystem(), env: ARM64_ENV });
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

describe('the architecture of a Kconfig tree', () => {
	it('maps ARCH to SRCARCH as kbuild\'s top Makefile does', () => {
		expect(['i386', 'x86_64', 'x86', 'sparc32', 'sparc64', 'parisc64', 'sh64', 'arm64', 'arm', 'riscv', 'powerpc', 'um'].map(srcarchOf)).toEqual(['x86', 'x86', 'x86', 'sparc', 'sparc', 'parisc', 'sh', 'arm64', 'arm', 'riscv', 'powerpc', 'um']);
	});

	it('maps the host machine (uname -m) as kbuild\'s SUBARCH', () => {
		const machines = ['x86_64', 'i686', 'aarch64', 'aarch64_be', 'armv7l', 'armv6l', 'riscv64', 'ppc64le', 's390x', 'mips64', 'sh4', 'loongarch64', 'sun4u', 'arm64'];
		expect(machines.map(subarchOf)).toEqual(['x86', 'x86', 'arm64', 'arm64', 'arm', 'arm', 'riscv', 'powerpc', 's390', 'mips', 'sh', 'loongarch', 'sparc64', 'arm64']);
	});

	it('takes ARCH from the environment, else the boards\' architecture, else the host\'s', () => {
		expect(chooseKernelArch({ env: 'x86_64', boards: 'arm64', machine: 'aarch64' })).toEqual({ arch: 'x86_64', srcarch: 'x86', from: 'environment' });
		expect(chooseKernelArch({ env: '', boards: 'arm64', machine: 'x86_64' })).toEqual({ arch: 'arm64', srcarch: 'arm64', from: 'boards' });
		expect(chooseKernelArch({ boards: undefined, machine: 'x86_64' })).toEqual({ arch: 'x86', srcarch: 'x86', from: 'host' });
		expect(chooseKernelArch({ env: 'sparc64', machine: 'x86_64' }).srcarch).toBe('sparc');
		expect(kconfigEnv(chooseKernelArch({ env: 'i386', machine: 'x86_64' }))).toEqual({ ARCH: 'i386', SRCARCH: 'x86' });
	});

	it('the boards\' architecture: the arch/<arch>/boot/dts of the tree the open devicetree files share', () => {
		const dts = (arch: string, f = 'vendor/board.dts') => `/k/arch/${arch}/boot/dts/${f}`;
		expect(boardsArch('/k', [dts('arm64'), dts('arm64', 'vendor/soc.dtsi'), '/k/drivers/iommu/arm-smmu.c', '/other/arch/arm/boot/dts/x.dts'])).toBe('arm64');
		expect(boardsArch('/k', [dts('arm64'), dts('arm')])).toBeUndefined();
		expect(boardsArch('/k', ['/k/arch/arm64/Kconfig', '/k/arch/arm64/boot/Makefile', '/elsewhere/board.dts'])).toBeUndefined();
	});

	it('reads arch/$(SRCARCH)/Kconfig of the fixture tree for SRCARCH: its tristate symbol is known', () => {
		const m = parseKconfigTree({ root: TREE, fs: diskFileSystem(), env: ARM64_ENV });
		expect(m.symbols.get('ARM64_SMMU_TRACE')).toMatchObject({ type: 'tristate', spans: [expect.objectContaining({ file: join(TREE, 'arch/arm64/Kconfig') })] });
		// Without SRCARCH the line is a diagnostic that names the variable, and no path with `$(` is tried.
		const tried: string[] = [];
		const disk = diskFileSystem();
		const unset = parseKconfigTree({ root: TREE, fs: { readFile: (p) => (tried.push(p), disk.readFile(p)) } });
		expect(unset.symbols.has('ARM64_SMMU_TRACE')).toBe(false);
		expect(unset.diagnostics.map((d) => [d.code, d.severity, d.span.file.slice(TREE.length + 1), d.span.start.line + 1, d.message])).toEqual([
			['kconfig-missing-source', 'warning', 'Kconfig', 9, 'source "arch/$(SRCARCH)/Kconfig": $(SRCARCH) is not set, so this file is not read'],
		]);
		expect(tried.filter((p) => p.includes('$'))).toEqual([]);
		// An architecture the tree lacks: the file it tried, and the line and value that named it.
		const x86 = parseKconfigTree({ root: TREE, fs: diskFileSystem(), env: { ARCH: 'x86_64', SRCARCH: 'x86' } });
		expect(x86.symbols.has('ARM64_SMMU_TRACE')).toBe(false);
		expect(x86.diagnostics.map((d) => d.message)).toEqual([`cannot read Kconfig file ${join(TREE, 'arch/x86/Kconfig')} (source "arch/$(SRCARCH)/Kconfig" with SRCARCH=x86)`]);
	});

	it('expands $VAR as Kconfig before 4.18 wrote it; an optional source with an unknown variable is a note', () => {
		const fs = memoryFileSystem({ '/t/Kconfig': 'config SRCARCH\n\tstring\n\toption env="SRCARCH"\n\nsource "arch/$SRCARCH/Kconfig"\nosource "$(VENDOR)/Kconfig"\n', '/t/arch/arm/Kconfig': 'config ARM\n\tdef_bool y\n' });
		const m = parseKconfigTree({ root: '/t', fs, env: { ARCH: 'arm', SRCARCH: 'arm' } });
		expect(m.files).toEqual(['/t/Kconfig', '/t/arch/arm/Kconfig']);
		expect(m.symbols.get('ARM')?.type).toBe('bool');
		expect(m.diagnostics.map((d) => [d.severity, d.message])).toEqual([['info', 'osource "$(VENDOR)/Kconfig": $(VENDOR) is not set, so this file is not read']]);
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
