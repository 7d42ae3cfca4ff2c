/**
 * Differential test of the preprocessor against GCC's cpp over every arm64 board of the corpus:
 * (a) the output tokens and their "space before" flag must be identical (newlines and line
 * markers ignored); (b) the source map must agree with the file:line of cpp's line markers.
 */

import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createPreprocessor, type PreprocessResult } from '../../server/src/cpp/index';
import { lexOne } from '../../server/src/cpp/lexer';

const repoRoot = path.resolve(__dirname, '../..');
const corpus = path.resolve(repoRoot, '../shared/corpus/linux-dts');
const INCLUDES = ['include', 'src', 'src/arm64'];
const CPP_ARGS = ['-nostdinc', ...INCLUDES.flatMap((d) => ['-I', d]), '-undef', '-D__DTS__', '-x', 'assembler-with-cpp'];
const CONCURRENCY = 2;

/** A token of preprocessed text, with the file:line that the line markers give it. */
interface OutToken {
	text: string;
	space: boolean;
	offset: number;
	file: string;
	line: number;
	/** Index of the output line (tokens of one line share it). */
	outLine: number;
}

/** Splits cpp-style output into tokens, following `# N "file"` markers. */
function tokenize(out: string): OutToken[] {
	const toks: OutToken[] = [];
	let file = '';
	let line = 0;
	let offset = 0;
	let outLine = 0;
	for (const l of out.split('\n')) {
		const m = /^# (\d+) "((?:[^"\\]|\\.)*)"/.exec(l);
		if (m !== null) {
			line = Number(m[1]);
			file = path.posix.normalize(m[2]!);
		} else {
			let i = 0;
			let ws = false;
			while (i < l.length) {
				const c = l[i];
				if (c === ' ' || c === '\t') {
					ws = true;
					i++;
					continue;
				}
				const { end } = lexOne(l, i);
				toks.push({ text: l.slice(i, end), space: ws, offset: offset + i, file, line, outLine });
				ws = false;
				i = end;
			}
			line++;
		}
		offset += l.length + 1;
		outLine++;
	}
	return toks;
}

function runCpp(board: string): Promise<string> {
	return new Promise((resolve, reject) => {
		execFile('cpp', [...CPP_ARGS, board], { cwd: corpus, maxBuffer: 1 << 28, encoding: 'utf8' }, (err, stdout) => {
			if (err !== null && stdout === '') reject(err);
			else resolve(stdout);
		});
	});
}

function listBoards(dir: string): string[] {
	const out: string[] = [];
	const walk = (d: string): void => {
		for (const ent of fs.readdirSync(path.join(corpus, d), { withFileTypes: true })) {
			const rel = `${d}/${ent.name}`;
			if (ent.isDirectory()) walk(rel);
			else if (ent.name.endsWith('.dts')) out.push(rel);
		}
	};
	walk(dir);
	return out.sort();
}

/** Compares one board; returns the first differences (empty when the board passes). */
function compare(board: string, expected: string, mine: PreprocessResult): string[] {
	const a = tokenize(expected);
	const b = tokenize(mine.text);
	const problems: string[] = [];
	const n = Math.max(a.length, b.length);
	for (let i = 0; i < n; i++) {
		const x = a[i];
		const y = b[i];
		if (x === undefined || y === undefined || x.text !== y.text || x.space !== y.space) {
			const ctx = (ts: OutToken[]): string =>
				ts
					.slice(Math.max(0, i - 6), i + 4)
					.map((t) => (t.space ? ' ' : '') + t.text)
					.join('');
			problems.push(
				`${board}: token ${i} at ${x ? `${x.file}:${x.line}` : 'end'}: expected ${JSON.stringify(x?.text)}${x?.space ? ' (space)' : ''}, got ${JSON.stringify(y?.text)}${y?.space ? ' (space)' : ''}\n  cpp:  ${ctx(a)}\n  mine: ${ctx(b)}`,
			);
			return problems;
		}
	}
	/*
	 * (b) The map against cpp's line markers. cpp gives every token of an output line the line of the
	 * line's first token, so a token after a multi-line macro invocation or comment is attributed to an
	 * earlier line than the one it was written on: the first token of each output line must match
	 * exactly, later ones must lie between that line and the line of the next output line's first token.
	 */
	for (let i = 0; i < a.length && problems.length < 5; i++) {
		const x = a[i]!;
		const y = b[i]!;
		const exp = mine.map.expansionAt?.(y.offset);
		const span = exp?.span ?? mine.map.spanOf(y.offset, y.offset + y.text.length);
		const file = path.posix.normalize(span.file);
		const line = span.start.line + 1;
		const first = i === 0 || a[i - 1]!.outLine !== x.outLine;
		let ok = file === x.file && line === x.line;
		if (!ok && !first && file === x.file && line > x.line) {
			let j = i + 1;
			while (j < a.length && a[j]!.outLine === x.outLine) j++;
			const next = a[j];
			ok = next === undefined || next.file !== x.file || line <= next.line;
		}
		if (!ok) problems.push(`${board}: token ${i} ${JSON.stringify(x.text)}${exp ? ` (in ${exp.macro})` : ''}: cpp says ${x.file}:${x.line}, map says ${file}:${line}`);
	}
	return problems;
}

describe('preprocessor vs GCC cpp on the arm64 corpus', () => {
	it('gives the same tokens, spacing and lines for every board', async () => {
		if (!fs.existsSync(path.join(corpus, 'src/arm64'))) {
			throw new Error(`corpus not found at ${corpus} (expected ../shared/corpus/linux-dts next to the repository)`);
		}
		const boards = listBoards('src/arm64');
		expect(boards.length).toBeGreaterThan(0);
		const pp = createPreprocessor({
			readFile: (p) => {
				try {
					return fs.readFileSync(path.join(corpus, p), 'utf8');
				} catch {
					return undefined;
				}
			},
		});
		const failures: string[] = [];
		let mineMs = 0;
		let identical = 0;
		let next = 0;
		const worker = async (): Promise<void> => {
			while (next < boards.length) {
				const board = boards[next++]!;
				const expected = await runCpp(board);
				const t0 = performance.now();
				const mine = pp.preprocess(board, { includePaths: INCLUDES, defines: [{ name: '__DTS__' }], lineMarkers: true });
				mineMs += performance.now() - t0;
				const problems = compare(board, expected, mine);
				if (problems.length === 0) identical++;
				else failures.push(problems.join('\n'));
			}
		};
		await Promise.all(Array.from({ length: CONCURRENCY }, worker));
		console.log(`cpp differential: ${identical}/${boards.length} boards identical; preprocessor time ${(mineMs / 1000).toFixed(1)} s`);
		if (failures.length > 0) console.log(failures.slice(0, 10).join('\n'));
		expect(failures.slice(0, 10)).toEqual([]);
		expect(identical).toBe(boards.length);
	}, 600_000);
});
