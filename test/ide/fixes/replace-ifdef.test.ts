/** Fix replace-ifdef (tristate-ifdef): `#ifdef CONFIG_X` and friends become IS_REACHABLE()/IS_ENABLED() tests. */
import { describe, expect, it } from 'vitest';
import { memoryFileSystem } from '../../../server/src/base/source';
import { readDriverSources } from '../../../server/src/drivers/sources';
import { quickFixes } from '../../../server/src/ide/fixes';
import type { BoardSnapshot } from '../../../server/src/ide/types';
import { extractor } from '../../drivers/helpers';
import { applyFix, expectUntouchedLines, overlayFs, snapshotOf } from './helpers';

const KCONFIG = 'config RPMSG\n\ttristate "rpmsg"\n\nconfig ARM_SMMU\n\tbool "smmu"\n';
const BOARD = '/dts-v1/;\n/ {\n};\n';

async function snapshotWith(c: string): Promise<BoardSnapshot> {
	const files = { '/Kconfig': KCONFIG, '/drivers/smmu.c': c, '/board.dts': BOARD };
	const fs = memoryFileSystem(files);
	const drivers = readDriverSources(await extractor(), { files: [{ path: '/drivers/smmu.c', text: c }], kconfigFiles: ['/Kconfig'], fs });
	return snapshotOf(overlayFs(files), '/board.dts', { drivers });
}

/** (1)-(4) for the fix with `title` on the only tristate-ifdef of `before`. */
async function check(before: string, title: string, after: string): Promise<void> {
	const s = await snapshotWith(before);
	const items = s.analysis.items.filter((i) => i.id === 'tristate-ifdef');
	expect(items).toHaveLength(1);
	const fixes = quickFixes(s, items[0]!);
	const fix = fixes.find((f) => f.title === title);
	expect(fix, fixes.map((f) => f.title).join(', ')).toBeDefined();
	const changed = applyFix((p) => s.text(p), fix!);
	expect(changed).toEqual({ '/drivers/smmu.c': after });
	expectUntouchedLines(before, after, fix!.edits);
	const again = await snapshotWith(after);
	expect(again.analysis.board.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
	expect(again.analysis.items.filter((i) => i.id === 'tristate-ifdef')).toEqual([]);
}

const C = (directive: string) => `#include <linux/module.h>\n\nstatic int probe(void)\n{\n${directive}\n\treturn rpmsg_probe();\n#endif\n\treturn 0;\n}\n`;

describe('replace-ifdef', () => {
	it('#ifdef → #if IS_REACHABLE() (preferred) or IS_ENABLED(), keeping a trailing comment', async () => {
		const s = await snapshotWith(C('#ifdef CONFIG_RPMSG /* the remote proc path */'));
		const item = s.analysis.items.find((i) => i.id === 'tristate-ifdef')!;
		expect(quickFixes(s, item).map((f) => [f.title, f.preferred ?? false])).toEqual([
			['Replace with #if IS_REACHABLE(CONFIG_RPMSG)', true],
			['Replace with #if IS_ENABLED(CONFIG_RPMSG)', false],
		]);
		await check(C('#ifdef CONFIG_RPMSG /* the remote proc path */'), 'Replace with #if IS_REACHABLE(CONFIG_RPMSG)', C('#if IS_REACHABLE(CONFIG_RPMSG) /* the remote proc path */'));
		await check(C('#ifdef CONFIG_RPMSG'), 'Replace with #if IS_ENABLED(CONFIG_RPMSG)', C('#if IS_ENABLED(CONFIG_RPMSG)'));
	});

	it('#ifndef → #if !IS_REACHABLE()', async () => {
		await check(C('#ifndef CONFIG_RPMSG'), 'Replace with #if !IS_REACHABLE(CONFIG_RPMSG)', C('#if !IS_REACHABLE(CONFIG_RPMSG)'));
	});

	it('#if defined(CONFIG_X) and #if !defined CONFIG_X keep the directive', async () => {
		await check(C('#if defined(CONFIG_RPMSG)'), 'Replace with #if IS_REACHABLE(CONFIG_RPMSG)', C('#if IS_REACHABLE(CONFIG_RPMSG)'));
		await check(C('#if !defined CONFIG_RPMSG'), 'Replace with #if !IS_ENABLED(CONFIG_RPMSG)', C('#if !IS_ENABLED(CONFIG_RPMSG)'));
	});
});
