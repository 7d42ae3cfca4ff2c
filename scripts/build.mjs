// Bundles the client, the server and the command line into dist/ (esbuild; type-checking is
// `tsc -b`, run before this by `npm run build`) and copies the wasm grammars and queries beside them.
import { build } from 'esbuild';
import { chmodSync, cpSync, mkdirSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const dist = join(root, 'dist');
const require = createRequire(join(root, 'package.json'));
const production = process.argv.includes('--production');
const IMPORT_META_SHIM = "const __iommuLensModuleUrl = require('node:url').pathToFileURL(__filename).href;";

rmSync(dist, { recursive: true, force: true });
mkdirSync(dist, { recursive: true });

const common = {
	bundle: true,
	platform: 'node',
	target: 'node20',
	format: 'cjs',
	sourcemap: true,
	minify: production,
	logLevel: 'warning',
	// The native tree-sitter binding is an optional fast path, loaded at run time when present.
	external: ['vscode', 'tree-sitter', 'tree-sitter-devicetree', 'tree-sitter-c'],
	// web-tree-sitter's ESM build finds its files through import.meta.url, which a CommonJS bundle
	// does not have: give it the bundle's own URL.
	define: { 'import.meta.url': '__iommuLensModuleUrl' },
	banner: { js: IMPORT_META_SHIM },
};

await Promise.all([
	build({ ...common, entryPoints: [join(root, 'client/src/extension.ts')], outfile: join(dist, 'client.js') }),
	build({ ...common, entryPoints: [join(root, 'server/src/lsp/main.ts')], outfile: join(dist, 'server.js') }),
	build({
		...common,
		entryPoints: [join(root, 'server/src/cli/main.ts')],
		outfile: join(dist, 'cli.js'),
		banner: { js: `#!/usr/bin/env node\n${IMPORT_META_SHIM}` },
	}),
	// The worker thread of a parallel `iommu-lens check` over many boards.
	build({ ...common, entryPoints: [join(root, 'server/src/cli/check-worker.ts')], outfile: join(dist, 'cli-worker.js') }),
	// The simulation panel's webview script (runs in the webview, not in Node).
	build({ entryPoints: [join(root, 'media/webview.ts')], outfile: join(dist, 'webview.js'), bundle: true, platform: 'browser', format: 'iife', target: 'es2022', sourcemap: true, minify: production, logLevel: 'warning' }),
]);
cpSync(join(root, 'media/webview.css'), join(dist, 'webview.css'));
chmodSync(join(dist, 'cli.js'), 0o755);

for (const name of ['devicetree', 'c']) {
	cpSync(join(root, 'grammars', name), join(dist, 'grammars', name), {
		recursive: true,
		filter: (src) => !src.endsWith('PROVENANCE'),
	});
}
cpSync(join(dirname(require.resolve('web-tree-sitter')), 'web-tree-sitter.wasm'), join(dist, 'web-tree-sitter.wasm'));
// The finding docs: what `iommu-lens explain ID` prints and SARIF rules carry.
cpSync(join(root, 'docs/findings'), join(dist, 'docs/findings'), { recursive: true });
console.log('built dist/client.js, dist/server.js, dist/cli.js and the grammars');
