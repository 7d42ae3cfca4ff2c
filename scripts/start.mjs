// `npm start`: the first thing a new user sees. Runs `iommu-lens check` and `iommu-lens simulate` on
// the bundled example board (examples/board) and prints what they say. Findings are expected there,
// so exit status 1 (findings) is not a failure of this script; 2 (bad usage) and crashes are.
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const board = ['examples/board/board.dts', '-I', 'examples/board/include'];
const runs = [
	['check', ...board],
	['simulate', ...board],
	['simulate', ...board, '--kernel', '5.10'],
];
for (const args of runs) {
	console.log(`\n$ iommu-lens ${args.join(' ')}`);
	const res = spawnSync(process.execPath, [join(root, 'dist/cli.js'), ...args], { cwd: root, stdio: 'inherit' });
	if (res.status !== 0 && res.status !== 1) process.exit(res.status ?? 1);
}
