// Emulator benchmark: check + simulate on the largest board of the corpus (by preprocessed size),
// against dtc compiling the same preprocessed board (the anchor), and the probe-order exploration
// with 2 to 16 IOMMU drivers on one bus, showing how its cost grows.
import { execFileSync, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { bundle, CORPUS, corpusBoards, fmt, REPO } from './util.mjs';

const cppArgs = (b) => ['-nostdinc', '-I', 'include', '-I', 'src', '-I', 'src/arm64', '-undef', '-D__DTS__', '-x', 'assembler-with-cpp', b];
// The largest board: the one whose preprocessed text is longest, among the boards of the largest SoC files.
const candidates = corpusBoards('arm64').filter((b) => /qcom\/(x1e|hamoa|sm8650|sm8750|lemans|sa8775p)/.test(b));
let largest = candidates[0];
let largestSize = 0;
for (const b of candidates) {
	const size = execFileSync('cpp', cppArgs(b), { cwd: CORPUS, maxBuffer: 1 << 28 }).length;
	if (size > largestSize) [largest, largestSize] = [b, size];
}
const pre = execFileSync('cpp', cppArgs(largest), { cwd: CORPUS, maxBuffer: 1 << 28 });
const dtcRuns = [];
for (let i = 0; i < 5; i++) {
	const t = process.hrtime.bigint();
	spawnSync('dtc', ['-q', '-I', 'dts', '-O', 'dtb', '-o', '/dev/null', '-'], { input: pre });
	dtcRuns.push(Number(process.hrtime.bigint() - t) / 1e6);
}
const dtcMs = dtcRuns.sort((a, b) => a - b)[2];

const script = await bundle(join(REPO, 'bench/emulator-worker.ts'));
const out = execFileSync(process.execPath, [script, CORPUS, largest], { encoding: 'utf8' }).trim().split('\n').map((l) => JSON.parse(l));
const [board, { exploration }, { scaling }] = out;
console.log(`emulator benchmark: ${largest} (${(largestSize / 1024).toFixed(0)} KiB after cpp), medians of warm runs`);
console.log(`  dtc on the preprocessed board (anchor):   ${fmt(dtcMs, 1)} ms`);
console.log(`  front-end (cpp + dts) resolve:            ${fmt(board.resolveMs, 1)} ms  (ratio ${fmt(board.resolveMs / dtcMs, 2)} of dtc alone)`);
console.log(`  all checks (${board.findings} findings):          ${fmt(board.checksMs, 1)} ms  (ratio ${fmt(board.checksMs / dtcMs, 2)})`);
console.log(`  probe simulation, newest kernel (${board.masters} masters): ${fmt(board.simulateMs, 1)} ms; kernel 5.10: ${fmt(board.oldKernelMs, 1)} ms`);
console.log(`  check + simulate: ${fmt(board.checksMs + board.simulateMs, 1)} ms = ${fmt((board.checksMs + board.simulateMs) / dtcMs, 2)} x dtc`);
console.log('probe-order exploration, n IOMMU drivers on one bus (states explored; time):');
for (const e of exploration) console.log(`  n=${String(e.drivers).padStart(2)}: ${String(e.explored).padStart(4)} states (n+1)^2=${(e.drivers + 1) ** 2}, ${fmt(e.ms, 2)} ms`);
console.log('masters on one SMMU, pairs sharing a stream ID (probe simulation + every check; claim pairs compared):');
for (const s of scaling) console.log(`  ${String(s.masters).padStart(5)} masters: ${fmt(s.ms, 1)} ms, ${s.comparisons} comparisons`);
