import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { REPO_ROOT } from '../harness/corpus';

it('ext.md is updated with ext.ts (its first line holds ext.ts sha256)', () => {
	const dir = join(REPO_ROOT, 'server/src/protocol');
	const hash = createHash('sha256').update(readFileSync(join(dir, 'ext.ts'))).digest('hex');
	const first = readFileSync(join(dir, 'ext.md'), 'utf8').split('\n')[0];
	expect(first, 'server/src/protocol/ext.ts changed: document the change in ext.md and update its first line').toBe(`ext.ts sha256: ${hash}`);
});
