// `npm start`: the first thing a new user sees. Checks the bundled example (examples/broken, a small SoC
// with the problems of the 2018 rpmsg/arm-smmu thread, and examples/fixed beside it), simulates how
// the kernel wires its DMA masters, and prints a short account. Findings are expected in the broken
// board, so exit status 1 there is not a failure of this script; 2 (bad usage) and crashes are.
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const tty = process.stdout.isTTY;
const bold = (s) => (tty ? `\x1b[1m${s}\x1b[0m` : s);
const red = (s) => (tty ? `\x1b[31m${s}\x1b[0m` : s);
const green = (s) => (tty ? `\x1b[32m${s}\x1b[0m` : s);
const dim = (s) => (tty ? `\x1b[2m${s}\x1b[0m` : s);

const variant = (name, kernel) => {
	const tree = `examples/${name}/linux`;
	return {
		board: [`examples/${name}/board.dts`, '-I', 'examples/include', '--kernel', kernel],
		drivers: ['--drivers', `${tree}/drivers`, '--kconfig', tree, '--config', `${tree}/lens1.config`],
		shown: `examples/${name}/board.dts --kernel ${kernel} (+ ${tree})`,
	};
};

function cli(args) {
	const res = spawnSync(process.execPath, [join(root, 'dist/cli.js'), ...args], { cwd: root, encoding: 'utf8' });
	if (res.status !== 0 && res.status !== 1) {
		process.stderr.write(res.stderr);
		process.exit(res.status ?? 1);
	}
	return res;
}

const broken = variant('broken', '5.10');
const fixed = variant('fixed', '6.1');

console.log(bold('iommu-lens: how Linux will wire your DMA masters to IOMMUs, rpmsg and remote processors, before you boot.\n'));
console.log(`The example SoC "lens1" has an Arm SMMU and a Rockchip-style IOMMU on one bus, a DSP over GLINK and an MCU.\n`);

console.log(bold(`$ iommu-lens check ${broken.shown}`));
const findings = JSON.parse(cli(['check', ...broken.board, ...broken.drivers, '--format', 'json']).stdout);
for (const f of findings) {
	const sev = f.severity === 'error' ? red('error') : f.severity;
	const first = f.message.split(/(?<=\.)\s/)[0];
	console.log(`  ${sev.padEnd(tty ? 14 : 7)} ${f.id.padEnd(21)} ${dim(`${f.file}:${f.line}`)}`);
	console.log(`          ${first.length > 150 ? `${first.slice(0, 147)}...` : first}`);
}

console.log(bold(`\n$ iommu-lens simulate ${broken.shown}`));
const sim = JSON.parse(cli(['simulate', ...broken.board, ...broken.drivers, '--format', 'json']).stdout);
for (const m of sim.masters) {
	const ok = m.outcome.kind === 'translated';
	const what = ok ? `translated by ${m.outcome.iommu}` : `${m.outcome.kind}: ${m.outcome.reason}`;
	console.log(`  ${ok ? green('ok  ') : red('LOST')} ${m.path}  ${dim(what)}`);
}

console.log(bold(`\n$ iommu-lens check ${fixed.shown}`));
const clean = cli(['check', ...fixed.board, ...fixed.drivers]);
console.log(clean.stdout.trim() === '' ? `  ${green('no findings')}: the fixed board and drivers (examples/fixed) wire every master to its IOMMU.` : clean.stdout);

console.log(`
Next:
  node dist/cli.js explain ${findings[0]?.id ?? 'smr-conflict'}              what a finding means and how to fix it
  node dist/cli.js check path/to/linux --format sarif > out.sarif   every board of a kernel tree, for CI
  node dist/cli.js simulate examples/broken/board.dts -I examples/include --kernel 5.10 --format mermaid
  examples/README.md tells the story of each problem.`);
