// Refreshes grammars/<name>/tree-sitter-<name>.wasm from the pinned npm packages and rewrites the
// sha256 line of each PROVENANCE file. Run after changing a grammar package's version.
import { createHash } from 'node:crypto';
import { copyFileSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(join(root, 'package.json'));
for (const name of ['devicetree', 'c']) {
	const pkgDir = dirname(require.resolve(`tree-sitter-${name}/package.json`));
	const version = JSON.parse(readFileSync(join(pkgDir, 'package.json'), 'utf8')).version;
	const target = join(root, 'grammars', name, `tree-sitter-${name}.wasm`);
	copyFileSync(join(pkgDir, `tree-sitter-${name}.wasm`), target);
	const sha = createHash('sha256').update(readFileSync(target)).digest('hex');
	const provenance = join(root, 'grammars', name, 'PROVENANCE');
	const text = readFileSync(provenance, 'utf8')
		.replace(/^source: .*$/m, `source: npm package tree-sitter-${name}@${version}, file tree-sitter-${name}.wasm (shipped prebuilt in the package)`)
		.replace(/^sha256: .*$/m, `sha256: ${sha}`);
	writeFileSync(provenance, text);
	console.log(`${name}: tree-sitter-${name}@${version} sha256 ${sha}`);
}
