/** The C-side checks: each one's triggering fixture and its near miss; cross-file related places. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { probe } from '../../emulator/src';
import { runDriverChecks } from '../../server/src/drivers/checks';
import { toDriverFacts } from '../../server/src/drivers/facts';
import type { DriverSources } from '../../server/src/drivers/sources';
import { board, rk3288Dts } from './boards';
import { CASES, TREE, treeSources } from './helpers';

const run = (sources: DriverSources, kernel = '4.14', view?: ReturnType<typeof board>) =>
	runDriverChecks({ sources, version: probe.parseKernelVersion(kernel), facts: toDriverFacts(sources), ...(view ? { view } : {}) });
const withCase = async (name: string, config?: string) => treeSources({ ...(config ? { config } : {}), replace: { 'drivers/misc/fastrpc.c': readFileSync(join(CASES, name), 'utf8') } });
const at = (f: { loc: { file: string; start: { line: number } } }) => `${f.loc.file.slice(f.loc.file.lastIndexOf('/') + 1)}:${f.loc.start.line + 1}`;

describe('tristate-ifdef', () => {
	it('flags the seed patch: #ifdef CONFIG_RPMSG in bool arm-smmu code → IS_REACHABLE', async () => {
		const s = await treeSources({ config: 'juno.config' });
		const found = run(s).filter((f) => f.id === 'tristate-ifdef');
		expect(found.map(at)).toEqual(['arm-smmu.c:107']);
		expect(found[0]?.fix).toEqual({ kind: 'replace-ifdef', replacement: '#if IS_REACHABLE(CONFIG_RPMSG)', macro: 'IS_REACHABLE', symbol: 'RPMSG' });
		expect(found[0]?.message).toContain('RPMSG=m (selected by RPMSG_VIRTIO), so the block is compiled out');
		expect(found[0]?.related.map((r) => `${r.loc.file.slice(TREE.length + 1)}:${r.loc.start.line + 1}`)).toEqual(['drivers/rpmsg/Kconfig:5', 'drivers/iommu/Kconfig:41']);
	});

	it('#if defined()/#ifndef on tristates; IS_ENABLED when the file\'s own tristate depends on the symbol', async () => {
		const s = await withCase('tristate-bad.c');
		const found = run(s).filter((f) => f.id === 'tristate-ifdef' && f.loc.file.endsWith('fastrpc.c'));
		expect(found.map((f) => [at(f), f.fix?.replacement])).toEqual([
			['fastrpc.c:6', '#if IS_REACHABLE(CONFIG_QCOM_FASTRPC)'],
			['fastrpc.c:9', '#if !IS_REACHABLE(CONFIG_ARM_SMMU_V3)'],
		]);
		// Built under QCOM_FASTRPC (tristate, depends on RPMSG): an #ifdef CONFIG_RPMSG there only needs IS_ENABLED.
		const own = await treeSources({ replace: { 'drivers/misc/fastrpc.c': '#ifdef CONFIG_RPMSG\nint x;\n#endif\n' } });
		expect(run(own).filter((f) => f.id === 'tristate-ifdef' && f.loc.file.endsWith('fastrpc.c')).map((f) => f.fix?.replacement)).toEqual(['#if IS_ENABLED(CONFIG_RPMSG)']);
	});

	it('knows the tristates only the architecture\'s Kconfig defines (arch/$(SRCARCH)/Kconfig)', async () => {
		const text = readFileSync(join(CASES, 'arch-tristate.c'), 'utf8');
		const arm64 = await treeSources({ replace: { 'drivers/misc/fastrpc.c': text } });
		const found = run(arm64).filter((f) => f.id === 'tristate-ifdef' && f.loc.file.endsWith('fastrpc.c'));
		expect(found.map((f) => [at(f), f.fix?.replacement])).toEqual([['fastrpc.c:6', '#if IS_REACHABLE(CONFIG_ARM64_SMMU_TRACE)']]);
		expect(found[0]?.related[0]).toMatchObject({ loc: { file: join(TREE, 'arch/arm64/Kconfig'), start: { line: 4 } }, message: 'config ARM64_SMMU_TRACE is tristate' });
		// Read for another architecture (or none), the symbol is unknown: nothing to say.
		for (const kconfigEnv of [{ ARCH: 'x86_64', SRCARCH: 'x86' }, {}] as Array<Record<string, string>>) {
			const other = await treeSources({ replace: { 'drivers/misc/fastrpc.c': text }, kconfigEnv });
			expect(run(other).filter((f) => f.id === 'tristate-ifdef' && f.loc.file.endsWith('fastrpc.c'))).toEqual([]);
		}
	});

	it('near misses: IS_REACHABLE, _MODULE, and #ifdef on a bool', async () => {
		const s = await withCase('tristate-ok.c');
		expect(run(s).filter((f) => f.id === 'tristate-ifdef' && f.loc.file.endsWith('fastrpc.c'))).toEqual([]);
	});
});

describe('bus-set-iommu', () => {
	it('before 6.1: a warning per call where another driver claims the same bus, with the related calls and DT nodes', async () => {
		const s = await treeSources();
		const view = board(rk3288Dts());
		const found = run(s, '4.14', view).filter((f) => f.id === 'bus-set-iommu');
		expect(found.map((f) => [at(f), f.severity])).toEqual([
			['arm-smmu-v3.c:78', 'warning'],
			['arm-smmu-v3.c:85', 'warning'],
			['arm-smmu-v3.c:91', 'warning'],
			['arm-smmu.c:96', 'warning'],
			['arm-smmu.c:99', 'warning'],
			['arm-smmu.c:104', 'warning'],
			['arm-smmu.c:109', 'info'],
			['rockchip-iommu.c:161', 'warning'],
		]);
		const rk = found[7];
		expect(rk?.message).toContain('from the initcall (rk_iommu_init)');
		expect(rk?.message).toContain('fails the initcall');
		expect(rk?.related.map((r) => r.message)).toEqual([
			'arm-smmu-v3.c also claims the platform bus (from probe)',
			'arm-smmu.c also claims the platform bus (from probe)',
			'/iommu@ff930300 is bound by this driver',
			'/iommu@ffa00000 is bound by this driver',
		]);
	});

	it('from 6.1: an error (build failure); a per-instance driver is not flagged', async () => {
		const s = await withCase('per-device.c');
		const found = run(s, '6.1').filter((f) => f.id === 'bus-set-iommu');
		expect(found.every((f) => f.severity === 'error' && f.message.includes('removed in 6.1'))).toBe(true);
		expect(found.some((f) => f.loc.file.endsWith('fastrpc.c'))).toBe(false);
		expect(toDriverFacts(s).find((d) => d.name === 'mini-iommu')).toMatchObject({ registersPerInstance: true, busSetIommu: [], registration: { macro: 'builtin_platform_driver' } });
	});
});

describe('rpmsg-dma-ops', () => {
	it('flags bus_set_iommu(&rpmsg_bus) (the seed patch)', async () => {
		const found = run(await treeSources()).filter((f) => f.id === 'rpmsg-dma-ops');
		expect(found.map((f) => [at(f), f.severity])).toEqual([['arm-smmu.c:109', 'error']]);
	});

	it('flags DMA ops on an rpmsg channel device, not dma_set_mask on it', async () => {
		const found = run(await withCase('rpmsg-channel-dma.c')).filter((f) => f.id === 'rpmsg-dma-ops' && f.loc.file.endsWith('fastrpc.c'));
		expect(found.map((f) => [at(f), f.severity])).toEqual([
			['fastrpc.c:9', 'warning'],
			['fastrpc.c:10', 'warning'],
		]);
	});

	it('near miss: the fastrpc pattern (platform compute-cb children) is silent', async () => {
		const found = run(await treeSources()).filter((f) => f.id === 'rpmsg-dma-ops' && f.loc.file.endsWith('fastrpc.c'));
		expect(found).toEqual([]);
	});
});
