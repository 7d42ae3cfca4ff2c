/** Shared helpers of the driver-source tests: the C extractor over the project's grammar, the fixture tree. */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from '../harness/corpus';
import { loadParserRuntime } from '../../server/src/syntax/parser';
import { createCExtractor, type CExtractor } from '../../server/src/drivers/c/extract';
import { readDriverSources, type DriverSources } from '../../server/src/drivers/sources';
import { diskFileSystem } from '../../server/src/node/disk-fs';
import { listFiles } from '../../server/src/node/list-files';

export const TREE = join(REPO_ROOT, 'test/drivers/tree');
export const CASES = join(REPO_ROOT, 'test/drivers/cases');
export const GRAMMARS = join(REPO_ROOT, 'grammars');

let cached: Promise<CExtractor> | undefined;
/** The extractor over the wasm grammar (loaded once per test file). */
export function extractor(): Promise<CExtractor> {
	cached ??= loadParserRuntime({ grammarDir: GRAMMARS }).then((rt) => createCExtractor(rt.grammar('c'), readFileSync(join(GRAMMARS, 'c/queries/driver-facts.scm'), 'utf8')));
	return cached;
}

/** Every .c file under a folder, sorted. */
export function cFiles(dir: string): string[] {
	return listFiles(dir, (f) => f.endsWith('.c'));
}

/** The fixture tree is an arm64 tree: its Kconfig read for ARCH=arm64 (`arch/arm64/Kconfig`). */
export const ARM64_ENV: Readonly<Record<string, string>> = { ARCH: 'arm64', SRCARCH: 'arm64' };

/** The sources of the fixture tree, with an optional configuration and replacement texts (and the Kconfig variables, ARM64_ENV by default). */
export async function treeSources(opts: { config?: string; configText?: string; replace?: Record<string, string>; drop?: string[]; kconfigEnv?: Readonly<Record<string, string>> } = {}): Promise<DriverSources> {
	const fs = diskFileSystem();
	const files = cFiles(join(TREE, 'drivers'))
		.filter((p) => !(opts.drop ?? []).some((d) => p.endsWith(d)))
		.map((path) => {
			const rel = Object.keys(opts.replace ?? {}).find((k) => path.endsWith(k));
			return { path, text: rel ? (opts.replace?.[rel] as string) : readFileSync(path, 'utf8') };
		});
	const configText = opts.configText ?? (opts.config ? readFileSync(join(TREE, 'configs', opts.config), 'utf8') : undefined);
	return readDriverSources(await extractor(), {
		files,
		kconfigRoot: TREE,
		kconfigEnv: opts.kconfigEnv ?? ARM64_ENV,
		dirs: [join(TREE, 'drivers')],
		...(configText !== undefined ? { config: { path: join(TREE, 'configs', opts.config ?? 'inline.config'), text: configText } } : {}),
		fs,
		list: (d) => (statSync(d, { throwIfNoEntry: false })?.isDirectory() ? readdirSync(d).map((x) => join(d, x)) : []),
	});
}
