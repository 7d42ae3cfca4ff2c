#!/usr/bin/env node
/**
 * `npm run fuzz`: long fuzzing runs of the engine in test/fuzz/engine.ts (bundled here with esbuild
 * into out/fuzz/, so no TypeScript loader is needed). The short fixed-seed pass is `npm test`.
 *
 *   npm run fuzz -- [--seed N] [--minutes M | --seconds S] [--target cpp,dts,emulator,drivers,ide,syntax,server]
 *   npm run fuzz -- --target dts --seed N --path P      # replay one failure (the reproducer printed)
 *
 * Environment: FUZZ_SEED, FUZZ_SECONDS, FUZZ_TARGETS (same meaning). The time is shared between the
 * targets; each target runs in batches (seed, seed+1, ...) so a long run is many short reproducible ones.
 * Prints the inputs tried and the failures per target, a reproducer per failure; exits 1 on failure.
 * The `server` target runs the language server (bundled from the working tree into out/fuzz/) as child
 * processes, a fresh pair per batch; it also prints the requests sent.
 */
import { build } from 'esbuild';
import { mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const opt = (name) => {
	const i = args.indexOf(`--${name}`);
	return i >= 0 ? args[i + 1] : undefined;
};
const seed = Number(opt('seed') ?? process.env.FUZZ_SEED ?? Date.now() % 1_000_000);
const seconds = opt('minutes') !== undefined ? Number(opt('minutes')) * 60 : Number(opt('seconds') ?? process.env.FUZZ_SECONDS ?? 300);
const path = opt('path');
const BATCH_MS = 30_000;

const outfile = join(repoRoot, 'out/fuzz/engine.cjs');
mkdirSync(dirname(outfile), { recursive: true });
await build({ entryPoints: [join(repoRoot, 'test/fuzz/engine.ts')], bundle: true, platform: 'node', format: 'cjs', target: 'node20', outfile, packages: 'external', logLevel: 'error' });
const engine = createRequire(import.meta.url)(outfile);
const targets = (opt('target') ?? process.env.FUZZ_TARGETS ?? engine.TARGETS.join(',')).split(',').filter(Boolean);
for (const t of targets) if (!engine.TARGETS.includes(t)) throw new Error(`unknown target ${t} (one of ${engine.TARGETS.join(', ')})`);
const env = { repoRoot, corpusRoot: resolve(repoRoot, '../shared/corpus/linux-dts') };

let failed = 0;
if (path !== undefined) {
	if (targets.length !== 1) throw new Error('--path replays one target: give --target');
	const r = await engine.runTarget(targets[0], env, { seed, path, numRuns: 1, timeMs: 600_000 });
	report(r);
} else {
	console.log(`fuzz: seed ${seed}, ${seconds} s over ${targets.join(', ')}`);
	const perTarget = (seconds * 1000) / targets.length;
	for (const t of targets) {
		const total = { target: t, tried: 0, failures: [], maxCallMs: 0, requests: 0 };
		const end = Date.now() + perTarget;
		for (let batch = 0; Date.now() < end; batch++) {
			const r = await engine.runTarget(t, env, { seed: seed + batch, timeMs: Math.min(BATCH_MS, end - Date.now()) });
			total.tried += r.tried;
			total.failures.push(...r.failures);
			total.maxCallMs = Math.max(total.maxCallMs, r.maxCallMs);
			total.requests += r.requests ?? 0;
		}
		report(total);
	}
}
process.exit(failed > 0 ? 1 : 0);

function report(r) {
	console.log(`${r.target.padEnd(9)} inputs ${String(r.tried).padStart(7)}  failures ${r.failures.length}  slowest ${r.target === 'server' ? 'input' : 'call'} ${r.maxCallMs} ms${r.requests ? `  requests ${r.requests}` : ''}`);
	for (const f of r.failures) {
		failed++;
		console.log(`  FAILURE (${f.target}): ${f.error.split('\n')[0]}`);
		console.log(`  reproduce: npm run fuzz -- --target ${f.target} --seed ${f.seed} --path ${f.path}`);
		console.log(`  input: ${f.counterexample.slice(0, 1500)}`);
		if (process.env.FUZZ_VERBOSE) console.log(f.error);
	}
}
