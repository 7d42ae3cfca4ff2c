// The emulator benchmark's measuring side (bundled by bench/emulator.mjs): resolves a board once,
// then times the checks and the probe simulation warm, and the probe-order exploration of generated
// SoCs with 2 to 16 IOMMU drivers fighting over one bus.
import { join } from 'node:path';
import { runChecks } from '../emulator/src/checks';
import { exploreFightingSoc } from '../emulator/src/probe/bench';
import { runScenario } from '../emulator/src/scenario';
import { claimComparisons, topologyFor } from '../emulator/src/iommu/check-support';
import { memoryFileSystem } from '../server/src/base/source';
import { createFrontend } from '../server/src/model/board';
import { toDtView } from '../server/src/model/dtview';
import { diskFileSystem } from '../server/src/node/disk-fs';

const [corpus, board] = process.argv.slice(2) as [string, string];
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[xs.length >> 1] as number;
function time(fn: () => unknown, runs: number): number {
	fn();
	const xs: number[] = [];
	for (let i = 0; i < runs; i++) {
		const t = performance.now();
		fn();
		xs.push(performance.now() - t);
	}
	return median(xs);
}

const frontend = createFrontend(diskFileSystem());
const options = { includePaths: ['include', 'src', 'src/arm64'].map((d) => join(corpus, d)), defines: [{ name: '__DTS__' }] };
const resolveMs = time(() => frontend.resolve(join(corpus, board), options), 5);
const tree = frontend.resolve(join(corpus, board), options).tree;
// A fresh view per run: the checks cache their topology per context, so each run does all the work.
const checksMs = time(() => runChecks({ view: toDtView(tree) }), 10);
const findings = runChecks({ view: toDtView(tree) }).length;
const simulateMs = time(() => runScenario(toDtView(tree), {}), 10);
const oldKernelMs = time(() => runScenario(toDtView(tree), { kernel: '5.10' }), 10);
const masters = runScenario(toDtView(tree), {}).result.masters.length;
console.log(JSON.stringify({ resolveMs, checksMs, findings, simulateMs, oldKernelMs, masters }));

const exploration: Array<{ drivers: number; explored: number; ms: number }> = [];
for (let n = 2; n <= 16; n += 2) {
	let explored = 0;
	const ms = time(() => (explored = exploreFightingSoc(n).explored), 5);
	exploration.push({ drivers: n, explored, ms });
}
console.log(JSON.stringify({ exploration }));

// Many masters on one SMMU (issue 8: the pairwise stream relations and the SMR planning were
// quadratic, 3000 masters took about 9 s): masters 2k and 2k+1 share stream ID k.
const manyMasters = (n: number): string => {
	const masters = Array.from({ length: n }, (_, i) => `m${i}: dev@${(0x100000 + i * 0x1000).toString(16)} { compatible = "vendor,dev"; reg = <${0x100000 + i * 0x1000} 0x1000>; iommus = <&smmu ${i >> 1}>; };`);
	return `/dts-v1/;\n/ {\n#address-cells = <1>;\n#size-cells = <1>;\nsmmu: iommu@f0000000 { compatible = "arm,mmu-500"; reg = <0xf0000000 0x10000>; #iommu-cells = <1>; };\n${masters.join('\n')}\n};\n`;
};
const scaling: Array<{ masters: number; ms: number; comparisons: number }> = [];
for (const n of [750, 3000, 12000]) {
	const t = createFrontend(memoryFileSystem({ '/b.dts': manyMasters(n) })).resolve('/b.dts', { includePaths: [] }).tree;
	let comparisons = 0;
	const ms = time(() => {
		const view = toDtView(t);
		const simulation = runScenario(view, {});
		const ctx = { view, simulation };
		runChecks(ctx);
		comparisons = claimComparisons(topologyFor(ctx)) ?? 0;
	}, 3);
	scaling.push({ masters: n, ms, comparisons });
}
console.log(JSON.stringify({ scaling }));
