// Front-end benchmark: resolve every arm64 board of the corpus with iommu-lens, and run cpp + dtc on
// the same boards in the same run, both using both cores (two worker threads / two processes at a
// time). Prints both times, the ratio (iommu-lens / cpp+dtc: under 1.0 is faster) and peak memory.
import { Worker } from 'node:worker_threads';
import { bundle, CORPUS, corpusBoards, fmt, REPO, runShell } from './util.mjs';
import { join } from 'node:path';

const boards = corpusBoards('arm64');
const jobs = 2;
console.log(`front-end benchmark: ${boards.length} arm64 boards of ${CORPUS}, ${jobs} jobs each side`);

// Anchor: the kernel's build of each board, cpp piped into dtc, writing a .dtb nowhere.
const cppDtc = (b) => `cpp -nostdinc -I include -I src -I src/arm64 -undef -D__DTS__ -x assembler-with-cpp ${b} | dtc -q -I dts -O dtb -o /dev/null -i $(dirname ${b}) -`;
const anchor = await runShell(boards.map(cppDtc), { jobs });

const script = await bundle(join(REPO, 'bench/frontend-worker.ts'));
const cpuBefore = process.cpuUsage();
const start = process.hrtime.bigint();
let next = 0;
let errors = 0;
const perBoard = [];
let peakRss = 0;
await Promise.all(
	Array.from({ length: jobs }, () =>
		new Promise((done, fail) => {
			const worker = new Worker(script, { workerData: { corpus: CORPUS } });
			const send = () => worker.postMessage(next < boards.length ? { board: boards[next++] } : 'exit');
			worker.on('message', (m) => {
				if (m.rss !== undefined) return;
				perBoard.push(m);
				errors += m.errors;
				send();
			});
			worker.on('error', fail);
			worker.on('exit', done);
			send();
		}),
	),
);
const ours = Number(process.hrtime.bigint() - start) / 1e9;
const cpu = process.cpuUsage(cpuBefore);
const oursCpu = (cpu.user + cpu.system) / 1e6;
peakRss = process.resourceUsage().maxRSS / 1024;
perBoard.sort((a, b) => b.ms - a.ms);
const ratio = ours / anchor.seconds;
console.log(`cpp+dtc:     ${fmt(anchor.seconds)} s wall, ${fmt(anchor.cpuSeconds)} s CPU (${anchor.failed.length} boards rejected), peak ${fmt(anchor.peakMb, 0)} MB per cpp|dtc process`);
console.log(`iommu-lens:  ${fmt(ours)} s wall, ${fmt(oursCpu)} s CPU (${errors} error diagnostics), peak ${fmt(peakRss, 0)} MB for the whole process (both workers)`);
console.log(`ratio iommu-lens / cpp+dtc: wall ${fmt(ratio, 3)}, CPU ${anchor.cpuSeconds ? fmt(oursCpu / anchor.cpuSeconds, 3) : 'n/a'}  (target < 1.0, goal <= 0.5; CPU time is the figure to trust on a loaded machine)`);
console.log(`slowest boards: ${perBoard.slice(0, 3).map((b) => `${b.board.split('/').pop()} ${fmt(b.ms, 0)} ms`).join(', ')}`);
