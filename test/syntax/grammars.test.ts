import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../harness/corpus';

const req = createRequire(join(REPO_ROOT, 'package.json'));
const sha256 = (file: string): string => createHash('sha256').update(readFileSync(file)).digest('hex');

describe('grammars/', () => {
	for (const name of ['devicetree', 'c']) {
		it(`${name}: the committed wasm is the pinned package's, and PROVENANCE says so`, () => {
			const committed = join(REPO_ROOT, 'grammars', name, `tree-sitter-${name}.wasm`);
			const pkgDir = dirname(req.resolve(`tree-sitter-${name}/package.json`));
			const version = JSON.parse(readFileSync(join(pkgDir, 'package.json'), 'utf8')).version as string;
			expect(sha256(committed)).toBe(sha256(join(pkgDir, `tree-sitter-${name}.wasm`)));
			const provenance = readFileSync(join(REPO_ROOT, 'grammars', name, 'PROVENANCE'), 'utf8');
			expect(provenance).toContain(`sha256: ${sha256(committed)}`);
			expect(provenance).toContain(`tree-sitter-${name}@${version}`);
		});
	}
});
