// Warm per-board timing of the two halves of the front-end (preprocessor, then dts parse + tree)
// for one board, e.g. `node frontend-board.cjs qcom/sdm845-db845c.dts [runs]`.
// Bundle with `npx esbuild bench/frontend-board.ts --bundle --platform=node --outfile=/tmp/board.cjs`.
import { join } from 'node:path';
import { createPreprocessor } from '../server/src/cpp';
import { buildDts } from '../server/src/dts';
import { diskFileSystem } from '../server/src/node/disk-fs';

const corpus = process.env.CORPUS ?? '/work/shared/corpus/linux-dts';
const board = join(corpus, 'src/arm64', process.argv[2] ?? 'qcom/sdm845-db845c.dts');
const runs = Number(process.argv[3] ?? 40);
const fs = diskFileSystem();
const includePaths = ['include', 'src', 'src/arm64'].map((d) => join(corpus, d));
const pp = createPreprocessor(fs);
const cpp: number[] = [];
const dts: number[] = [];
for (let r = 0; r < runs; r++) {
	const t0 = performance.now();
	const res = pp.preprocess(board, { includePaths, defines: [{ name: '__DTS__' }] });
	const t1 = performance.now();
	buildDts({ file: board, text: res.text, map: res.map }, { fs, includeDirs: includePaths });
	const t2 = performance.now();
	cpp.push(t1 - t0);
	dts.push(t2 - t1);
}
const med = (a: number[]): string => [...a].sort((x, y) => x - y)[a.length >> 1]!.toFixed(1);
const min = (a: number[]): string => Math.min(...a).toFixed(1);
console.log(`${process.argv[2] ?? 'qcom/sdm845-db845c.dts'}: cpp median ${med(cpp.slice(runs >> 1))} ms (min ${min(cpp)}), dts median ${med(dts.slice(runs >> 1))} ms (min ${min(dts)})`);
