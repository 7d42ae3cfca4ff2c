// `npm run bench`: measurements, never pass/fail. Each benchmark prints its figures and, where there
// is an anchor (cpp + dtc on the same files), the ratio against it. Usage:
//   npm run bench [-- NAME ...]      NAME: frontend, emulator, drivers, lsp, cli (default: all)
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const all = ['frontend', 'emulator', 'drivers', 'lsp', 'cli'];
const chosen = process.argv.slice(2).filter((a) => !a.startsWith('-'));
for (const name of chosen.length ? chosen : all) {
	if (!all.includes(name)) {
		console.error(`bench: unknown benchmark '${name}' (known: ${all.join(', ')})`);
		process.exit(2);
	}
	const res = spawnSync(process.execPath, ['--expose-gc', join(here, `${name}.mjs`)], { stdio: 'inherit' });
	if (res.status !== 0) process.exit(res.status ?? 1);
}
