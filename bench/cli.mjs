// Command-line benchmark: `iommu-lens check` over every arm64 board of the corpus (one process, the
// boards spread over worker threads on both cores, each worker with one shared front-end), against
// cpp + dtc on the same boards with both cores (two processes at a time). Prints wall and CPU time,
// the ratio (iommu-lens / cpp+dtc: under 1.0 is faster) and peak memory. Needs `npm run build`.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { CORPUS, corpusBoards, fmt, REPO, runShell } from './util.mjs';

// BENCH_CLI: another build of the command line (e.g. a copy of an older dist/) for before/after runs.
const cli = process.env.BENCH_CLI ?? join(REPO, 'dist/cli.js');
if (!existsSync(cli)) {
	console.error(`bench cli: ${cli} is missing (npm run build)`);
	process.exit(2);
}
const boards = corpusBoards('arm64');
const jobs = 2;
console.log(`cli benchmark: iommu-lens check over ${boards.length} arm64 boards of ${CORPUS}, ${jobs} jobs each side`);

// Anchor: the kernel's build of each board, cpp piped into dtc, writing a .dtb nowhere.
const cppDtc = (b) => `cpp -nostdinc -I include -I src -I src/arm64 -undef -D__DTS__ -x assembler-with-cpp ${b} | dtc -q -I dts -O dtb -o /dev/null -i $(dirname ${b}) -`;
const anchor = await runShell(boards.map(cppDtc), { jobs });

// iommu-lens: one command for the whole tree, as CI runs it.
const timed = existsSync('/usr/bin/time');
const args = [cli, 'check', join(CORPUS, 'src/arm64'), '--format', 'json', '--quiet', '--jobs', String(jobs)];
const start = process.hrtime.bigint();
const { code, stats, findings } = await new Promise((done) => {
	const child = spawn(timed ? '/usr/bin/time' : process.execPath, timed ? ['-f', '%M %U %S', process.execPath, ...args] : args, { stdio: ['ignore', 'pipe', 'pipe'] });
	let out = '';
	let err = '';
	child.stdout.on('data', (d) => (out += d));
	child.stderr.on('data', (d) => (err += d));
	child.on('close', (c) => {
		let n;
		try {
			n = JSON.parse(out).length;
		} catch {
			n = undefined;
		}
		done({ code: c, stats: err.trim().split('\n').pop() ?? '', findings: n });
	});
});
const wall = Number(process.hrtime.bigint() - start) / 1e9;
const [kb, user, sys] = timed ? stats.split(' ').map(Number) : [];
const cpu = timed ? user + sys : undefined;
if (code !== 0 && code !== 1) {
	console.error(`bench cli: iommu-lens check exited ${code}: ${stats}`);
	process.exit(1);
}
console.log(`cpp+dtc:     ${fmt(anchor.seconds)} s wall, ${fmt(anchor.cpuSeconds)} s CPU (${anchor.failed.length} boards rejected), peak ${fmt(anchor.peakMb, 0)} MB per cpp|dtc process`);
console.log(`iommu-lens:  ${fmt(wall)} s wall, ${fmt(cpu)} s CPU (${findings ?? '?'} findings, exit ${code}), peak ${fmt(timed ? kb / 1024 : undefined, 0)} MB for the whole process (main thread + ${jobs} workers)`);
console.log(`ratio iommu-lens / cpp+dtc: wall ${fmt(wall / anchor.seconds, 3)}, CPU ${cpu && anchor.cpuSeconds ? fmt(cpu / anchor.cpuSeconds, 3) : 'n/a'}  (iommu-lens also runs the emulator and every check; CPU time is the figure to trust on a loaded machine)`);
