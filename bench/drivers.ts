// Driver-source benchmark (bundled and run by bench/drivers.mjs): generates a kernel-like tree of a
// few thousand C files (variations of the test fixtures) with Makefiles and Kconfig files in a temp
// folder, then times fact extraction over it (tree-sitter-c, native binding when installed, else
// wasm) and the whole `readDriverSources` (Kconfig, Makefiles, facts), and prints files per second.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createCExtractor } from '../server/src/drivers/c/extract';
import { toDriverFacts } from '../server/src/drivers/facts';
import { readDriverSources } from '../server/src/drivers/sources';
import { diskFileSystem } from '../server/src/node/disk-fs';
import { listDir, listFiles } from '../server/src/node/list-files';
import { loadParserRuntime } from '../server/src/syntax/parser';

const repo = process.argv[2] as string;
const count = Number(process.argv[3] ?? 3000);
const fixtures = listFiles(join(repo, 'test/drivers'), (f) => f.endsWith('.c')).map((f) => readFileSync(f, 'utf8'));

async function main(): Promise<void> {
	const root = mkdtempSync(join(tmpdir(), 'iommu-lens-drivers-bench-'));
	try {
		const perDir = 100;
		const dirs = Math.ceil(count / perDir);
		writeFileSync(join(root, 'Kconfig'), Array.from({ length: dirs }, (_, d) => `source "drivers/d${d}/Kconfig"`).join('\n') + '\n');
		mkdirSync(join(root, 'drivers'), { recursive: true });
		writeFileSync(join(root, 'Makefile'), 'obj-y += drivers/\n');
		writeFileSync(join(root, 'drivers/Makefile'), Array.from({ length: dirs }, (_, d) => `obj-y += d${d}/`).join('\n') + '\n');
		let bytes = 0;
		for (let d = 0; d < dirs; d++) {
			const dir = join(root, 'drivers', `d${d}`);
			mkdirSync(dir, { recursive: true });
			const kconfig: string[] = [];
			const make: string[] = [];
			for (let i = 0; i < perDir && d * perDir + i < count; i++) {
				const n = d * perDir + i;
				const text = (fixtures[n % fixtures.length] as string).replace(/\b(arm_smmu|rk_iommu|fastrpc|mini_iommu|weird|adsp_svc)/g, `$1_${n}`).replace(/"([a-z]+),([\w-]+)"/g, `"$1,$2-${n}"`);
				bytes += text.length;
				writeFileSync(join(dir, `drv${n}.c`), text);
				kconfig.push(`config DRV${n}\n\ttristate "driver ${n}"\n\tdepends on DRV${Math.max(0, n - 1)} || COMPILE_TEST\n\thelp\n\t  Driver ${n}.\n`);
				make.push(`obj-$(CONFIG_DRV${n}) += drv${n}.o`);
			}
			writeFileSync(join(dir, 'Kconfig'), kconfig.join('\n'));
			writeFileSync(join(dir, 'Makefile'), make.join('\n') + '\n');
		}
		const fs = diskFileSystem();
		const paths = listFiles(join(root, 'drivers'), (f) => f.endsWith('.c'));
		const files = paths.map((path) => ({ path, text: fs.readFile(path) as string }));
		const grammarDir = join(repo, 'grammars');
		const query = readFileSync(join(grammarDir, 'c/queries/driver-facts.scm'), 'utf8');
		for (const kind of ['native', 'wasm'] as const) {
			const runtime = await loadParserRuntime({ kind, grammarDir }).catch(() => undefined);
			if (!runtime || runtime.kind !== kind) {
				console.log(`  ${kind}: not available here`);
				continue;
			}
			const extractor = createCExtractor(runtime.grammar('c'), query);
			extractor.extract(files[0]!.path, files[0]!.text); // warm-up
			let t = performance.now();
			let facts = 0;
			for (const f of files) facts += extractor.extract(f.path, f.text).ofMatchTables.length;
			const extractMs = performance.now() - t;
			t = performance.now();
			const sources = readDriverSources(extractor, { files, kconfigRoot: root, config: { path: 'bench.config', text: 'CONFIG_DRV0=y\nCONFIG_COMPILE_TEST=y\n' }, fs, list: listDir });
			const driverFacts = toDriverFacts(sources);
			const allMs = performance.now() - t;
			console.log(`  ${kind}: fact extraction ${files.length} files (${(bytes / 1e6).toFixed(1)} MB, ${facts} of_device_id tables) in ${(extractMs / 1000).toFixed(2)} s = ${Math.round(files.length / (extractMs / 1000))} files/s; with Kconfig (${sources.kconfig?.symbols.size} symbols), Makefiles and DriverFacts (${driverFacts.length}) ${(allMs / 1000).toFixed(2)} s = ${Math.round(files.length / (allMs / 1000))} files/s`);
		}
		const scan = createCExtractor(undefined, undefined);
		const t = performance.now();
		for (const f of files) scan.extract(f.path, f.text);
		const ms = performance.now() - t;
		console.log(`  pattern scan only (no grammar): ${Math.round(files.length / (ms / 1000))} files/s`);
	} finally {
		rmSync(root, { recursive: true, force: true });
	}
}

void main();
