/**
 * The .vsix holds exactly what the installed extension needs (.vscodeignore is an allowlist): the
 * bundled client, server and command line, the wasm grammars and their queries, the finding docs,
 * the TextMate grammar and language configuration, the manifest and the readme/licence. It must work
 * without node_modules. Builds the .vsix with the pinned @vscode/vsce (`vsce package
 * --no-dependencies`, needs `npm run build` first) unless IOMMU_LENS_VSIX names one to reuse.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { builtinModules, createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listZip, readZipEntry, type ZipEntry } from './zip';

const root = join(__dirname, '../..');
const requireFromRoot = createRequire(join(root, 'package.json'));

/** What may be in the .vsix (paths inside the zip). */
const ALLOWED: readonly RegExp[] = [
	/^\[Content_Types\]\.xml$/,
	/^extension\.vsixmanifest$/,
	/^extension\/package\.json$/,
	/^extension\/(readme|changelog)\.md$/i,
	/^extension\/LICENSE\.txt$/,
	/^extension\/language-configuration\.json$/,
	/^extension\/syntaxes\/devicetree\.tmLanguage\.json$/,
	/^extension\/dist\/(client|server|cli|cli-worker)\.js$/,
	/^extension\/dist\/web-tree-sitter\.wasm$/,
	/^extension\/dist\/webview\.(js|css)$/,
	/^extension\/dist\/grammars\/(devicetree|c)\/tree-sitter-(devicetree|c)\.wasm$/,
	/^extension\/dist\/grammars\/(devicetree|c)\/queries\/[\w.-]+\.scm$/,
	/^extension\/dist\/docs\/findings\/[\w.-]+\.md$/,
];

/** What must be in it (besides every shipped file of dist/, checked below). */
const REQUIRED = [
	'extension/package.json',
	'extension/dist/client.js',
	'extension/dist/server.js',
	'extension/dist/cli.js',
	'extension/dist/web-tree-sitter.wasm',
	'extension/dist/grammars/devicetree/tree-sitter-devicetree.wasm',
	'extension/dist/grammars/c/tree-sitter-c.wasm',
	'extension/syntaxes/devicetree.tmLanguage.json',
	'extension/language-configuration.json',
];

let tmp: string;
let zip: Buffer;
let entries: ZipEntry[];
const names = (): string[] => entries.map((e) => e.name);
const text = (name: string): string => {
	const e = entries.find((x) => x.name === name);
	if (!e) throw new Error(`${name} is not in the .vsix`);
	return readZipEntry(zip, e).toString('utf8');
};

beforeAll(() => {
	tmp = mkdtempSync(join(tmpdir(), 'iommu-lens-vsix-'));
	let vsix = process.env.IOMMU_LENS_VSIX;
	if (!vsix) {
		if (!existsSync(join(root, 'dist/client.js'))) throw new Error('dist/ is not built: run npm run build first');
		vsix = join(tmp, 'iommu-lens.vsix');
		const vsce = join(dirname(requireFromRoot.resolve('@vscode/vsce/package.json')), 'vsce');
		// stdin closed: vsce never waits for an answer.
		const res = spawnSync(process.execPath, [vsce, 'package', '--no-dependencies', '-o', vsix], { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 300_000 });
		if (res.status !== 0) throw new Error(`vsce package failed (${res.status}):\n${res.stdout}\n${res.stderr}`);
	}
	zip = readFileSync(vsix);
	entries = listZip(zip);
}, 300_000);

afterAll(() => {
	if (tmp) rmSync(tmp, { recursive: true, force: true });
});

describe('the .vsix', () => {
	it('holds nothing outside the allowlist (no node_modules, sources, source maps or tests)', () => {
		const extra = names().filter((n) => !ALLOWED.some((re) => re.test(n)));
		expect(extra).toEqual([]);
	});

	it('holds every required file', () => {
		expect(REQUIRED.filter((n) => !names().includes(n))).toEqual([]);
	});

	it('holds every file of dist/ but the source maps (.vscodeignore matches what the build makes)', () => {
		const walk = (dir: string): string[] => readdirSync(dir, { withFileTypes: true }).flatMap((d) => (d.isDirectory() ? walk(join(dir, d.name)) : [join(dir, d.name)]));
		const shipped = walk(join(root, 'dist'))
			.map((f) => `extension/${relative(root, f).split('\\').join('/')}`)
			.filter((f) => !f.endsWith('.map'));
		expect(shipped.length).toBeGreaterThan(5);
		expect(shipped.filter((f) => !names().includes(f))).toEqual([]);
	});

	it("holds the manifest's main file and every file its contributions name", () => {
		const manifest = JSON.parse(text('extension/package.json')) as {
			main: string;
			contributes: { languages: Array<{ configuration?: string }>; grammars: Array<{ path: string }>; commands: Array<{ command: string }> };
		};
		const inExtension = (p: string): string => `extension/${p.replace(/^\.\//, '')}`;
		expect(names()).toContain(inExtension(manifest.main));
		const referenced = [...manifest.contributes.languages.flatMap((l) => (l.configuration ? [l.configuration] : [])), ...manifest.contributes.grammars.map((g) => g.path)];
		expect(referenced.length).toBeGreaterThanOrEqual(2);
		for (const p of referenced) expect(names()).toContain(inExtension(p));
		expect(() => JSON.parse(text('extension/syntaxes/devicetree.tmLanguage.json')) as unknown).not.toThrow();
		expect(manifest.contributes.commands.length).toBeGreaterThanOrEqual(8);
	});

	it('bundles require only Node built-ins, vscode and the optional native tree-sitter', () => {
		const allowed = new Set([...builtinModules, 'vscode', 'tree-sitter', 'tree-sitter-devicetree', 'tree-sitter-c']);
		for (const name of names().filter((n) => /^extension\/dist\/[\w-]+\.js$/.test(n))) {
			const bare = [...text(name).matchAll(/\brequire\((["'])([^"'./][^"']*)\1\)/g)]
				.map((m) => (m[2] ?? '').replace(/^node:/, ''))
				.filter((s) => !allowed.has(s) && !allowed.has(s.split('/')[0] ?? ''));
			expect([name, [...new Set(bare)]]).toEqual([name, []]);
		}
	});

	it('runs from the unpacked .vsix without node_modules: the command line finds the fixture board finding', () => {
		const out = join(tmp, 'unpacked');
		for (const e of entries) {
			const file = join(out, e.name);
			mkdirSync(dirname(file), { recursive: true });
			writeFileSync(file, readZipEntry(zip, e));
		}
		const board = join(root, 'test/e2e/fixture/workspace/board.dts');
		const res = spawnSync(process.execPath, [join(out, 'extension/dist/cli.js'), 'check', board, '--format', 'json'], { cwd: out, encoding: 'utf8', timeout: 60_000 });
		expect(res.stderr).toBe('');
		const findings = JSON.parse(res.stdout) as Array<{ id: string }>;
		expect(findings.map((f) => f.id)).toContain('iommus-cells');
	});
});
