/**
 * Include memoisation (server/src/cpp/memo.ts): a preprocessor that replays recorded include files
 * gives exactly the result of one that preprocesses everything (text, every source-map entry,
 * diagnostics and records), on kernel board families and on edge cases written for it; and it does
 * replay (the counters show it).
 */

import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { memoryFileSystem, type FileSystem } from '../../server/src/base/source';
import { createPreprocessor, type PreprocessOptions } from '../../server/src/cpp/index';
import { diskFileSystem } from '../../server/src/node/disk-fs';
import { corpusFiles, corpusRoot } from '../harness/corpus';
import { firstDifference } from './memo-compare';

/** Preprocesses `runs` (file, options) in order with one memoising preprocessor and with fresh ones; expects equal results. */
function expectSameAsFresh(fs: FileSystem, runs: Array<{ file: string; opts: PreprocessOptions }>): { hits: number; stored: number } {
	const memo = createPreprocessor(fs);
	for (const [k, r] of runs.entries()) {
		const got = memo.preprocess(r.file, r.opts);
		const want = createPreprocessor(fs, { memo: false }).preprocess(r.file, r.opts);
		expect(firstDifference(got, want), `run ${k} (${r.file})`).toBeUndefined();
	}
	return memo.memoStats;
}

const opts: PreprocessOptions = { includePaths: ['include'] };

describe('include memoisation on edge cases', () => {
	it('replays a header, and records another variant when a macro it reads differs', () => {
		const fs = memoryFileSystem({
			'a.dts': '#define W 1\n#include "h.dtsi"\nx = W;\n',
			'b.dts': '#define W 2\n#include "h.dtsi"\nx = W;\n',
			// W defined alike, but elsewhere: a different macro for the source map.
			'c.dts': '#define W 1\n#include "h.dtsi"\n',
			'h.dtsi': 'v = <W>;\n#define Y W\ny = <Y>;\n',
		});
		const stats = expectSameAsFresh(fs, ['a.dts', 'b.dts', 'a.dts', 'c.dts', 'b.dts'].map((file) => ({ file, opts })));
		expect(stats.hits).toBe(2);
		expect(stats.stored).toBe(3);
	});

	it('runs the include lines of a replayed file live: a guarded header entered in one board, skipped in the next', () => {
		const fs = memoryFileSystem({
			'include/g.h': '#ifndef G_H\n#define G_H\n#define IRQ 7\n#endif\n',
			'soc.dtsi': '/ {\n#include <g.h>\n\tirq = <IRQ>;\n};\n#include <g.h>\n&x { a; };\n',
			'one.dts': '#include "soc.dtsi"\n',
			'two.dts': '#include <g.h>\n\n\n#include "soc.dtsi"\n',
			'three.dts': '/dts-v1/;\n#include "soc.dtsi"\n',
		});
		const stats = expectSameAsFresh(fs, ['one.dts', 'two.dts', 'three.dts', 'two.dts', 'one.dts'].map((file) => ({ file, opts })));
		expect(stats.hits).toBeGreaterThan(4);
	});

	it('goes on live from the segment whose macros differ', () => {
		const fs = memoryFileSystem({
			'include/p.h': '#define SID 0x10\n',
			'include/q.h': '#define SID 0x20\n',
			'soc.dtsi': 'a = <1>;\n#include "part.dtsi"\nb = <SID>;\n#include "part.dtsi"\n',
			'part.dtsi': 'c = <SID>;\n',
			'p.dts': '#include <p.h>\n#include "soc.dtsi"\n',
			'q.dts': '#include <q.h>\n#include "soc.dtsi"\n',
		});
		expectSameAsFresh(fs, ['p.dts', 'q.dts', 'p.dts', 'q.dts'].map((file) => ({ file, opts })));
	});

	it('does not replay what depends on more than the macro state (__COUNTER__, __INCLUDE_LEVEL__, __BASE_FILE__)', () => {
		const fs = memoryFileSystem({
			'h.dtsi': 'n = <__COUNTER__>; l = <__INCLUDE_LEVEL__>; f = __BASE_FILE__;\n',
			'a.dts': '#include "h.dtsi"\n#include "h.dtsi"\n',
			'b.dts': 'x = <__COUNTER__>;\n#include "h.dtsi"\n',
		});
		const stats = expectSameAsFresh(fs, ['a.dts', 'b.dts', 'a.dts'].map((file) => ({ file, opts })));
		expect(stats.stored).toBe(0);
	});

	it('keeps conditionals, #line and unterminated constructs exact across replays', () => {
		const fs = memoryFileSystem({
			'include/g.h': '#ifndef G_H\n#define G_H\n#define ON 1\n#endif\n',
			'c.dtsi': '#ifdef ON\n#include <g.h>\nyes = <ON>;\n#else\nno;\n#endif\n#line 100 "renamed.dtsi"\nr = <__LINE__>; f = __FILE__;\n#if 1\nopen\n',
			'e.dtsi': '#define F(x) x\nbroken = F(1\n',
			'a.dts': '#define ON\n#include "c.dtsi"\n#include "e.dtsi"\n)\ntail;\n',
			'b.dts': '#include "c.dtsi"\n#include "e.dtsi"\n',
		});
		expectSameAsFresh(fs, ['a.dts', 'b.dts', 'a.dts', 'b.dts'].map((file) => ({ file, opts })));
	});

	it('maps to the definition in force: a macro defined alike elsewhere is not the same macro', () => {
		const fs = memoryFileSystem({
			'h.dtsi': 'v = <M>;\n',
			'a.dts': '#define M 3\n#include "h.dtsi"\n',
			'b.dts': '\n#define M 3\n#include "h.dtsi"\n',
		});
		expectSameAsFresh(fs, ['a.dts', 'b.dts', 'a.dts'].map((file) => ({ file, opts })));
	});

	it('keeps GCC spacing when a macro expanding to nothing comes right before an include', () => {
		const fs = memoryFileSystem({
			'h.dtsi': '#x-cells = <1>;\n',
			'a.dts': '#define E\nE\n#include "h.dtsi"\n',
			'b.dts': '#include "h.dtsi"\n',
		});
		expectSameAsFresh(fs, ['a.dts', 'b.dts', 'a.dts', 'b.dts'].map((file) => ({ file, opts })));
	});

	it('forgets a recording when its file changes (invalidate)', () => {
		const files: Record<string, string> = { 'h.dtsi': 'v = <1>;\n', 'a.dts': '#include "h.dtsi"\n' };
		const fs = memoryFileSystem(files);
		const pp = createPreprocessor(fs);
		expect(pp.preprocess('a.dts', opts).text).toContain('v = <1>;');
		expect(pp.preprocess('a.dts', opts).text).toContain('v = <1>;');
		expect(pp.memoStats.hits).toBe(1);
		files['h.dtsi'] = 'v = <2>;\n';
		pp.invalidate('h.dtsi');
		expect(pp.preprocess('a.dts', opts).text).toContain('v = <2>;');
	});

	it('does not record with line markers (the text for real dtc)', () => {
		const fs = memoryFileSystem({ 'h.dtsi': 'v;\n', 'a.dts': '#include "h.dtsi"\n' });
		const pp = createPreprocessor(fs);
		pp.preprocess('a.dts', { ...opts, lineMarkers: true });
		pp.preprocess('a.dts', { ...opts, lineMarkers: true });
		expect(pp.memoStats).toEqual({ hits: 0, stored: 0 });
	});
});

describe('include memoisation on kernel board families', () => {
	const root = corpusRoot();
	const includePaths = ['include', 'src', 'src/arm64'].map((d) => join(root, d));
	const families = ['src/arm64/qcom/sdm845', 'src/arm64/rockchip/rk3399-', 'src/arm64/freescale/imx8mp-', 'src/arm64/arm/'];
	for (const family of families) {
		it(`${family}*: every board equals a fresh run`, { timeout: 120_000 }, () => {
			const boards = corpusFiles(family.slice(0, family.lastIndexOf('/')), ['.dts']).filter((f) => f.startsWith(family));
			expect(boards.length).toBeGreaterThan(3);
			const stats = expectSameAsFresh(
				diskFileSystem(),
				boards.map((b) => ({ file: join(root, b), opts: { includePaths, defines: [{ name: '__DTS__' }] } })),
			);
			expect(stats.hits).toBeGreaterThan(boards.length);
		});
	}
});
