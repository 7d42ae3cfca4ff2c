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

	it('does not record a file on its first run after a change (it is being typed in), then records and replays it again', () => {
		const files: Record<string, string> = { 'h.dtsi': 'v = <1>;\n', 'a.dts': '#include "h.dtsi"\n', 'b.dts': '#include "h.dtsi"\nw;\n' };
		const fs = memoryFileSystem(files);
		const pp = createPreprocessor(fs);
		pp.preprocess('a.dts', opts);
		expect(pp.memoStats).toEqual({ hits: 0, stored: 1 });
		files['h.dtsi'] = 'v = <2>;\n';
		pp.invalidate('h.dtsi');
		// The run after the change: live, not recorded.
		expect(pp.preprocess('a.dts', opts).text).toContain('v = <2>;');
		expect(pp.memoStats).toEqual({ hits: 0, stored: 1 });
		// The next one (another board, once typing paused) records it; the one after replays it.
		expect(pp.preprocess('b.dts', opts).text).toContain('v = <2>;');
		expect(pp.memoStats).toEqual({ hits: 0, stored: 2 });
		expect(pp.preprocess('a.dts', opts).text).toContain('v = <2>;');
		expect(pp.memoStats).toEqual({ hits: 1, stored: 2 });
		expectSameAsFresh(fs, ['a.dts', 'b.dts', 'a.dts'].map((file) => ({ file, opts })));
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

describe('include memoisation on random projects', () => {
	/** A small deterministic generator (mulberry32). */
	const rng = (seed: number): (() => number) => {
		let a = seed >>> 0;
		return () => {
			a = (a + 0x6d2b79f5) >>> 0;
			let t = a;
			t = Math.imul(t ^ (t >>> 15), t | 1);
			t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
			return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
		};
	};
	const MACROS = ['A', 'B', 'C', 'F', 'G'];
	const HEADERS = ['h0.h', 'h1.h', 'h2.h'];
	const INCS = ['i0.dtsi', 'i1.dtsi', 'i2.dtsi', 'i3.dtsi'];

	/** Random lines of a file that may include the files in `includable`. */
	const lines = (r: () => number, includable: readonly string[], count: number): string[] => {
		const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;
		const out: string[] = [];
		let open = 0;
		for (let k = 0; k < count; k++) {
			const x = r();
			if (x < 0.16 && includable.length > 0) out.push(`#include ${r() < 0.5 ? `"${pick(includable)}"` : `<${pick(includable)}>`}`);
			else if (x < 0.3) out.push(`#define ${pick(MACROS)}${r() < 0.3 ? '(x) (x + 1)' : ` ${Math.floor(r() * 4)}`}`);
			else if (x < 0.36) out.push(`#undef ${pick(MACROS)}`);
			else if (x < 0.44) {
				out.push(r() < 0.5 ? `#ifdef ${pick(MACROS)}` : `#if ${pick(MACROS)} > 1`);
				open++;
			} else if (x < 0.5 && open > 0) {
				out.push(r() < 0.3 ? '#else' : '#endif');
				if (out[out.length - 1] === '#endif') open--;
			} else if (x < 0.53) out.push(`#line ${10 + Math.floor(r() * 90)}`);
			else if (x < 0.56) out.push(`n = <__COUNTER__>;`);
			else if (x < 0.6) out.push(`${pick(MACROS)}${r() < 0.5 ? '(2)' : ''}`);
			else if (x < 0.63) out.push(`#define E\nE`);
			else out.push(`${r() < 0.2 ? '\t' : ''}p${k} = <${pick(MACROS)} ${pick(MACROS)}>;${r() < 0.2 ? ' /* c */' : ''}`);
		}
		if (r() < 0.8) for (; open > 0; open--) out.push('#endif');
		return out;
	};

	const project = (seed: number): Record<string, string> => {
		const r = rng(seed);
		const files: Record<string, string> = {};
		for (const [k, h] of HEADERS.entries()) {
			const guard = `H${k}_H`;
			const body = lines(r, HEADERS.slice(k + 1), 4).filter((l) => !l.startsWith('p') && !l.includes('COUNTER'));
			files[`include/${h}`] = r() < 0.8 ? [`#ifndef ${guard}`, `#define ${guard}`, ...body, '#endif', ''].join('\n') : [...(r() < 0.5 ? ['#pragma once'] : []), ...body, ''].join('\n');
		}
		for (const [k, f] of INCS.entries()) files[f] = [...lines(r, [...HEADERS, ...INCS.slice(k + 1)], 8), ''].join('\n');
		for (let b = 0; b < 4; b++) files[`b${b}.dts`] = [...lines(r, [...HEADERS, ...INCS], 10), ''].join('\n');
		return files;
	};

	it('equals fresh runs over random boards in random order (200 projects)', () => {
		let hits = 0;
		for (let seed = 1; seed <= 200; seed++) {
			const files = project(seed);
			const r = rng(seed * 7919);
			const order = Array.from({ length: 8 }, () => `b${Math.floor(r() * 4)}.dts`);
			const fs = memoryFileSystem(files);
			const memo = createPreprocessor(fs);
			for (const [k, file] of order.entries()) {
				const got = memo.preprocess(file, opts);
				const want = createPreprocessor(fs, { memo: false }).preprocess(file, opts);
				const diff = firstDifference(got, want);
				if (diff !== undefined) throw new Error(`seed ${seed}, run ${k} (${file}): ${diff}\n${JSON.stringify(files, null, 1)}`);
			}
			hits += memo.memoStats.hits;
		}
		// The projects are replayed, not only recorded.
		expect(hits).toBeGreaterThan(500);
	});
});
