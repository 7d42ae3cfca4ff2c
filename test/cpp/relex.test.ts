/**
 * Incremental re-lexing of an edited file (`relexFile`, used by the preprocessor's cache after
 * `invalidate`): the result must equal a fresh `lexFile` of the new text exactly (tokens, flags,
 * offsets, lines, problems, include guard, `#pragma once`), for random edits of real files, inside
 * comments and strings, and edits that make or break line splices and comment delimiters.
 */

import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createPreprocessor } from '../../server/src/cpp';
import { Flag, Kind, lexFile, lexOne, relexFile, Spellings, type LexedFile, type Token } from '../../server/src/cpp/lexer';
import type { FileSystem } from '../../server/src/base/source';

const repoRoot = path.resolve(__dirname, '../..');
const corpus = [path.resolve(repoRoot, '../shared/corpus/linux-dts'), '/work/shared/corpus/linux-dts'].find((d) => existsSync(path.join(d, 'src/arm64')));

/** A small deterministic generator (the failures must be reproducible). */
function rng(seed: number): () => number {
	let s = seed >>> 0 || 1;
	return () => {
		s ^= s << 13;
		s ^= s >>> 17;
		s ^= s << 5;
		return (s >>> 0) / 2 ** 32;
	};
}

function view(lf: LexedFile): unknown {
	return {
		text: lf.text,
		lineStarts: lf.lineStarts,
		problems: lf.problems,
		guard: lf.guard,
		pragmaOnce: lf.pragmaOnce,
		tokens: lf.tokens.map((t) => [t.kind, t.text, t.flags, t.file, t.start, t.end, t.line, t.col]),
	};
}

/** The first difference between two lexings (fast on big files), or undefined. */
function difference(a: LexedFile, b: LexedFile): string | undefined {
	if (a.text !== b.text) return 'text';
	if (a.lineStarts.length !== b.lineStarts.length || a.lineStarts.some((x, i) => x !== b.lineStarts[i])) return 'lineStarts';
	if (JSON.stringify(a.problems) !== JSON.stringify(b.problems)) return `problems ${JSON.stringify(a.problems)} ${JSON.stringify(b.problems)}`;
	if (a.guard !== b.guard || a.pragmaOnce !== b.pragmaOnce) return 'guard';
	const ta = a.tokens;
	const tb = b.tokens;
	if (ta.length !== tb.length) return `count ${ta.length} ${tb.length}`;
	for (let i = 0; i < ta.length; i++) {
		const x = ta[i]!;
		const y = tb[i]!;
		if (x.kind !== y.kind || x.text !== y.text || x.flags !== y.flags || x.file !== y.file || x.start !== y.start || x.end !== y.end || x.line !== y.line || x.col !== y.col) return `token ${i}: ${JSON.stringify(x)} ${JSON.stringify(y)}`;
	}
	return undefined;
}

/** Pieces an edit inserts: the characters that change the lexer's state most. */
const PIECES = [' ', '\n', '\r\n', '\r', '/*', '*/', '//', '"', "'", '\\', '\\\n', '#', '##', 'L', 'L"', 'x', '0x1f', '1e+', '.', '...', '<<=', '-', '>', '\t', '#include "a.h"\n', '#ifndef G\n', '#endif\n', '\ufeff', '@', 'é', '\ud83d\ude00'];

function randomEdit(text: string, r: () => number): string {
	const at = Math.floor(r() * (text.length + 1));
	const kind = r();
	if (kind < 0.35) return text.slice(0, at) + PIECES[Math.floor(r() * PIECES.length)]! + text.slice(at);
	if (kind < 0.6) return text.slice(0, at) + text.slice(at + 1 + Math.floor(r() * 3));
	if (kind < 0.8) {
		const len = Math.floor(r() * 40);
		const from = Math.floor(r() * text.length);
		return text.slice(0, at) + text.slice(from, from + len) + text.slice(at + Math.floor(r() * 4));
	}
	// Replace one character (same length: the token offsets after it do not move).
	return text.slice(0, at) + PIECES[Math.floor(r() * PIECES.length)]!.slice(0, 1) + text.slice(at + 1);
}

function checkChain(name: string, text: string, edits: number, seed: number): void {
	const r = rng(seed);
	const sp = new Spellings();
	let lf = lexFile(name, text, 3, sp);
	let cur = text;
	for (let e = 0; e < edits; e++) {
		const next = randomEdit(cur, r);
		const re = relexFile(lf, next, sp);
		const fresh = lexFile(name, next, 3, new Spellings());
		if (re === undefined) {
			lf = lexFile(name, next, 3, sp);
		} else {
			expect(difference(re.lf, fresh), `${name} edit ${e} (seed ${seed})`).toBeUndefined();
			// Built on the old token objects (the moved ones updated in place): the same tokens.
			const oldToks = lf.tokens;
			const built = re.lf.materialize(oldToks, re.reuse);
			const newToks = re.lf.tokens;
			expect(built.length).toBe(newToks.length);
			for (let k = 0; k < built.length; k++) {
				const x = built[k]!;
				const y = newToks[k]!;
				if (x.kind !== y.kind || x.text !== y.text || x.flags !== y.flags || x.file !== y.file || x.start !== y.start || x.end !== y.end || x.line !== y.line || x.col !== y.col) expect(x, `token ${k}`).toEqual(y);
			}
			for (let k = 0; k < re.reuse.reused; k++) expect(built[k]).toBe(oldToks[k]);
			lf = re.lf;
		}
		cur = next;
	}
}

describe('relexFile', () => {
	it('equals a fresh lexing for hand-picked edits', () => {
		const cases: Array<[string, string]> = [
			['a b c', 'a bb c'],
			['a /* x */ b', 'a /* x  b'],
			['a /* x  b\nc', 'a /* x */ b\nc'],
			['x "abc" y', 'x "ab c y'],
			['x L"abc" y', 'x L"ab\n" y'],
			['a\n#define X 1\nb', 'a\n#define X 1 \\\nb'],
			['#ifndef G\n#define G\nx\n#endif\n', '#ifndef G\n#define G\nx\n#endif\ny\n'],
			['#ifndef G\n#define G\nx\n#endif\ny', '#ifndef G\n#define G\nx\n#endif\n'],
			['#pragma once\n', '#pragma  once\n'],
			['#pragma once\n', '#pragma onc\n'],
			['a\r\nb', 'a\rb'],
			['a\rb', 'a\r\nb'],
			['', 'a'],
			['a', ''],
			['\ufeffa b', 'a b'],
			['a b', '\ufeffa b'],
			['x<<y', 'x<<=y'],
			['a..b', 'a...b'],
			['a...b', 'a..b'],
			['a>>b', 'a>>=b'],
			['a // c\nb', 'a / c\nb'],
			['a = <1 2>;', 'a =  <1 2>;'],
			['a = L \'x\';', 'a = L\'x\';'],
			['/* unterminated', '/* unterminated\nx'],
			['x /* unterminated', 'y x /* unterminated'],
		];
		for (const [before, after] of cases) {
			const sp = new Spellings();
			const re = relexFile(lexFile('f', before, 0, sp), after, sp);
			if (re === undefined) continue;
			expect(view(re.lf), JSON.stringify([before, after])).toEqual(view(lexFile('f', after, 0, new Spellings())));
		}
	});

	it('gives up on line splices (the caller lexes the whole file)', () => {
		const sp = new Spellings();
		expect(relexFile(lexFile('f', 'a\nb', 0, sp), 'a\\\nb', sp)).toBeUndefined();
		expect(relexFile(lexFile('f', 'a\\\nb', 0, sp), 'a\nb', sp)).toBeUndefined();
	});

	it('equals a fresh lexing for random edits of synthetic sources', () => {
		const src = [
			'/* SPDX */\n#ifndef _DT_H\n#define _DT_H\n#include <dt-bindings/x.h>\n',
			'#define M(a, b) ((a) << (b)) /* c */ // d\n#define S "str\\"ing" \'c\'\n',
			'/ {\n\tnode@1000 {\n\t\tcompatible = "v,x", L"w";\n\t\treg = <0x0 0x1000 0 0x100>;\n\t\tiommus = <&smmu 0x1c00 0x0>;\n\t};\n};\n',
			'#if !defined(X) && 1e+5 > .5\n#elif 0\n#else\n#endif\n#endif\n',
		].join('');
		for (let seed = 1; seed <= 40; seed++) checkChain('synthetic', src, 60, seed);
	});

	it.runIf(corpus !== undefined)('equals a fresh lexing for random edits of corpus files', () => {
		const dir = path.join(corpus!, 'src/arm64/qcom');
		const files = ['sdm845.dtsi', 'sdm845-db845c.dts', ...readdirSync(dir).filter((f) => f.endsWith('.dtsi')).slice(0, 6)];
		const headers = path.join(corpus!, 'include/dt-bindings/clock');
		const extra = existsSync(headers) ? readdirSync(headers).slice(0, 4).map((f) => path.join(headers, f)) : [];
		let seed = 100;
		for (const f of [...files.map((x) => path.join(dir, x)), ...extra]) checkChain(path.basename(f), readFileSync(f, 'utf8'), 25, seed++);
	}, 120_000);
});

/** The controlling-macro analysis as it was written over `Token` objects (the reference). */
function guardOf(t: readonly Token[]): { guard: string | undefined; pragmaOnce: boolean } {
	const isHashAt = (i: number): boolean => t[i] !== undefined && t[i]!.kind === Kind.Punct && t[i]!.text === '#' && (t[i]!.flags & Flag.Bol) !== 0;
	const nextLine = (i: number): number => {
		let j = i + 1;
		while (j < t.length && (t[j]!.flags & Flag.Bol) === 0) j++;
		return j;
	};
	let pragmaOnce = false;
	for (let i = 0; i < t.length; i = nextLine(i)) {
		if (isHashAt(i) && t[i + 1]?.text === 'pragma' && t[i + 2]?.text === 'once' && (t[i + 1]!.flags & Flag.Bol) === 0) pragmaOnce = true;
	}
	if (!isHashAt(0)) return { guard: undefined, pragmaOnce };
	const words = t.slice(1, nextLine(0)).map((x) => x.text);
	let guard: string | undefined;
	if (words.length === 2 && words[0] === 'ifndef' && t[2]!.kind === Kind.Name) guard = words[1];
	else if (words[0] === 'if' && words[1] === '!' && words[2] === 'defined') {
		if (words.length === 4 && t[4]!.kind === Kind.Name) guard = words[3];
		else if (words.length === 6 && words[3] === '(' && words[5] === ')' && t[5]!.kind === Kind.Name) guard = words[4];
	}
	if (guard === undefined) return { guard: undefined, pragmaOnce };
	let depth = 0;
	for (let i = 0; i < t.length; i = nextLine(i)) {
		if (!isHashAt(i)) {
			if (depth === 0) return { guard: undefined, pragmaOnce };
			continue;
		}
		const d = t[i + 1];
		if (d === undefined || (d.flags & Flag.Bol) !== 0) {
			if (depth === 0) return { guard: undefined, pragmaOnce };
			continue;
		}
		if (d.text === 'if' || d.text === 'ifdef' || d.text === 'ifndef') depth++;
		else if ((d.text === 'else' || d.text === 'elif' || d.text === 'elifdef' || d.text === 'elifndef') && depth === 1) return { guard: undefined, pragmaOnce };
		else if (d.text === 'endif') {
			depth--;
			if (depth === 0) return { guard: nextLine(i) === t.length ? guard : undefined, pragmaOnce };
		} else if (depth === 0) return { guard: undefined, pragmaOnce };
	}
	return { guard: undefined, pragmaOnce };
}

describe('controlling macro and #pragma once (read from the compact form)', () => {
	it('are those of the analysis over token objects, for corpus headers and edits of them', () => {
		const texts = ['#pragma once\n', '#pragma\nonce\n', 'x\n#pragma once', '#ifndef G\n#define G\n#endif\n', '#if !defined(G)\n#endif', '#if !defined G\n#else\n#endif\n', '#ifndef G\n#if 1\n#else\n#endif\n#endif\n', '#ifndef G\n#endif\nx', '#\n#ifndef G\n#endif', '#ifndef 1\n#endif'];
		if (corpus !== undefined) {
			const dir = path.join(corpus, 'include/dt-bindings');
			for (const sub of readdirSync(dir).slice(0, 12)) {
				const d = path.join(dir, sub);
				try {
					for (const f of readdirSync(d).slice(0, 10)) texts.push(readFileSync(path.join(d, f), 'utf8'));
				} catch {
					// not a folder
				}
			}
		}
		const r = rng(3);
		let guards = 0;
		for (const text of texts) {
			let cur = text;
			for (let e = 0; e < 6; e++) {
				const lf = lexFile('h', cur, 0, new Spellings());
				expect({ guard: lf.guard, pragmaOnce: lf.pragmaOnce }, JSON.stringify(cur.slice(0, 80))).toEqual(guardOf(lf.tokens));
				if (lf.guard !== undefined) guards++;
				cur = randomEdit(cur, r);
			}
		}
		expect(guards).toBeGreaterThan(corpus !== undefined ? 50 : 2);
	});
});

describe('punctuators', () => {
	it('are lexed greedily, as by the sets of C punctuators', () => {
		const P3 = new Set(['<<=', '>>=', '...']);
		const P2 = new Set(['==', '!=', '>=', '<=', '+=', '-=', '*=', '/=', '%=', '&=', '|=', '^=', '>>', '<<', '&&', '||', '++', '--', '->', '##']);
		const P1 = '=!><+-*/%&|^~?:,()[]{};.#';
		const alphabet = [...P1, 'a', ' ', '@', '$', '\\', '`'];
		for (const a of alphabet) for (const b of [...alphabet, '']) for (const c of [...alphabet, '']) {
			const s = a + b + c;
			if (/[a$]/.test(a)) continue; // names
			const want = P3.has(s.slice(0, 3)) ? 3 : P2.has(s.slice(0, 2)) ? 2 : P1.includes(a) ? 1 : 0;
			const got = lexOne(s, 0);
			if (want > 0) expect([s, got]).toEqual([s, { kind: Kind.Punct, end: want }]);
			else expect([s, got.kind]).toEqual([s, Kind.Other]);
		}
	});
});

describe('the preprocessor after invalidate', () => {
	it('gives the same results as a fresh preprocessor, edit after edit', () => {
		const files = new Map<string, string>([
			['/b/board.dts', '#include "soc.dtsi"\n/ { model = "m"; };\n'],
			['/b/soc.dtsi', '#include "defs.h"\n/* soc */\n/ {\n\tsoc { iommus = <&smmu ID(1)>; x = STR; };\n};\n'],
			['/b/defs.h', '#ifndef DEFS\n#define DEFS\n#define ID(x) (x + 0x10)\n#define STR "s"\n#endif\n'],
		]);
		const fs: FileSystem = { readFile: (p) => files.get(p) };
		const pp = createPreprocessor(fs);
		const opts = { includePaths: ['/b'] };
		const r = rng(7);
		for (let e = 0; e < 80; e++) {
			const target = e % 5 === 4 ? '/b/defs.h' : '/b/soc.dtsi';
			files.set(target, randomEdit(files.get(target)!, r));
			pp.invalidate(target);
			const got = pp.preprocess('/b/board.dts', opts);
			const want = createPreprocessor(fs).preprocess('/b/board.dts', opts);
			expect(JSON.parse(JSON.stringify({ ...got, map: undefined })), `edit ${e}`).toEqual(JSON.parse(JSON.stringify({ ...want, map: undefined })));
			for (let i = 0; i < got.text.length; i++) expect(got.map.spanOf(i, i + 1)).toEqual(want.map.spanOf(i, i + 1));
		}
	});

	it('reuses token objects only of the version re-lexed (a file read without its tokens in between)', () => {
		const files = new Map<string, string>([
			['/b/main.dts', '#include "g.h"\nA B C\n'],
			// `__has_include` reads g.h without its tokens.
			['/b/probe.dts', '#if __has_include("g.h")\nyes\n#endif\n'],
			['/b/g.h', '#define A 1\n#define B 2\n#define C 3\n'],
		]);
		const fs: FileSystem = { readFile: (p) => files.get(p) };
		const pp = createPreprocessor(fs);
		const opts = { includePaths: ['/b'] };
		const edits: Array<[string, string]> = [
			[' #define A 1\n#define B 2\n#define C 3\n', '/b/probe.dts'],
			[' #define A 1\n#define B 2\n#define C 4\n', '/b/main.dts'],
			['#define A 5\n#define B 2\n#define C 4\n', '/b/probe.dts'],
			['#define A 5\n#define  B 2\n#define C 4\n', '/b/probe.dts'],
			['#define A 5\n#define  B 6\n#define C 4\n', '/b/main.dts'],
			['#define A 5\n#define  B 6\n#define C 4 \n', '/b/main.dts'],
		];
		const result = (p: ReturnType<typeof createPreprocessor>, main: string): unknown => {
			const r = p.preprocess(main, opts);
			return { text: r.text, macros: r.macros, diagnostics: r.diagnostics, spans: [...r.text].map((_, i) => r.map.spanOf(i, i + 1)) };
		};
		expect(result(pp, '/b/main.dts')).toEqual(result(createPreprocessor(fs), '/b/main.dts'));
		for (const [text, main] of edits) {
			files.set('/b/g.h', text);
			pp.invalidate('/b/g.h');
			expect(result(pp, main)).toEqual(result(createPreprocessor(fs), main));
		}
	});
});
