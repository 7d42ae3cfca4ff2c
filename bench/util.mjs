// Shared helpers of the benchmarks: corpus discovery, bundling a TypeScript entry, running shell
// commands with bounded concurrency and measuring their peak memory.
import { build } from 'esbuild';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const CORPUS = resolve(REPO, '../shared/corpus/linux-dts');

export function corpusBoards(arch = 'arm64') {
	if (!existsSync(join(CORPUS, 'src', arch))) throw new Error(`corpus missing: ${CORPUS}/src/${arch}`);
	const out = [];
	const walk = (dir) => {
		for (const e of readdirSync(join(CORPUS, dir), { withFileTypes: true })) {
			if (e.isDirectory()) walk(`${dir}/${e.name}`);
			else if (e.name.endsWith('.dts')) out.push(`${dir}/${e.name}`);
		}
	};
	walk(`src/${arch}`);
	return out.sort();
}

/** Bundles a TypeScript entry for a worker thread; returns the bundle's path. */
export async function bundle(entry) {
	const dir = mkdtempSync(join(tmpdir(), 'iommu-lens-bench-'));
	const outfile = join(dir, 'bundle.cjs');
	await build({ entryPoints: [entry], bundle: true, platform: 'node', target: 'node20', format: 'cjs', outfile, logLevel: 'error', external: ['tree-sitter', 'tree-sitter-devicetree', 'tree-sitter-c'] });
	return outfile;
}

/**
 * Runs `commands` (shell strings) `jobs` at a time under GNU time; returns wall seconds, the CPU
 * seconds (user + system) of all commands and the peak resident memory of any one command in MB
 * (both undefined without /usr/bin/time), and failures.
 */
export async function runShell(commands, { jobs = 2, cwd = CORPUS } = {}) {
	const timed = existsSync('/usr/bin/time');
	let next = 0;
	let peakKb = 0;
	let cpuSeconds = 0;
	const failed = [];
	const start = process.hrtime.bigint();
	const worker = async () => {
		while (next < commands.length) {
			const index = next++;
			const cmd = commands[index];
			await new Promise((done) => {
				const args = timed ? ['-f', '%M %U %S', 'sh', '-c', cmd] : ['-c', cmd];
				const child = spawn(timed ? '/usr/bin/time' : 'sh', args, { cwd, stdio: ['ignore', 'ignore', 'pipe'] });
				let err = '';
				child.stderr.on('data', (d) => (err += d));
				child.on('close', (code) => {
					if (timed) {
						const [kb, user, sys] = (err.trim().split('\n').pop() ?? '').split(' ').map(Number);
						if (Number.isFinite(kb)) peakKb = Math.max(peakKb, kb);
						if (Number.isFinite(user) && Number.isFinite(sys)) cpuSeconds += user + sys;
					}
					if (code !== 0) failed.push(index);
					done();
				});
			});
		}
	};
	await Promise.all(Array.from({ length: jobs }, worker));
	return { seconds: Number(process.hrtime.bigint() - start) / 1e9, peakMb: timed ? peakKb / 1024 : undefined, cpuSeconds: timed ? cpuSeconds : undefined, failed };
}

export const fmt = (n, digits = 2) => (n === undefined ? 'n/a' : n.toFixed(digits));
