// Driver-source benchmark: fact extraction over a generated tree of a few thousand C files, in files
// per second (see bench/drivers.ts). Usage: node bench/drivers.mjs [COUNT]
// Bundled as an ES module inside the repository (out/), so that both parser back-ends load: the wasm
// one needs import.meta, the native one resolves `tree-sitter` from the repository's node_modules.
import { spawnSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { build } from 'esbuild';
import { REPO } from './util.mjs';

const count = process.argv[2] ?? '3000';
console.log(`driver-source benchmark: ${count} generated C files`);
mkdirSync(join(REPO, 'out/bench'), { recursive: true });
const outfile = join(REPO, 'out/bench/drivers.mjs');
await build({
	entryPoints: [join(REPO, 'bench/drivers.ts')],
	bundle: true,
	platform: 'node',
	target: 'node20',
	format: 'esm',
	outfile,
	logLevel: 'error',
	external: ['tree-sitter', 'tree-sitter-devicetree', 'tree-sitter-c', 'web-tree-sitter'],
	banner: { js: "import { createRequire as __cr } from 'node:module'; import { fileURLToPath as __fu } from 'node:url'; const require = __cr(import.meta.url); const __filename = __fu(import.meta.url);" },
});
const res = spawnSync(process.execPath, [outfile, REPO, count], { stdio: 'inherit' });
process.exit(res.status ?? 1);
