/** `iommu-lens lsp --stdio` is the same server as dist/server.js. */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { REPO_ROOT } from '../harness/corpus';
import { TestClient } from './client';

it('`iommu-lens lsp --stdio` initializes and shuts down cleanly', async () => {
	const client = new TestClient([join(REPO_ROOT, 'dist/cli.js'), 'lsp', '--stdio']);
	const res = await client.initialize(REPO_ROOT);
	expect(res.capabilities).toHaveProperty('hoverProvider', true);
	await client.stop();
	expect(client.proc.exitCode).toBe(0);
});

it('`iommu-lens lsp` without a transport is a usage error', () => {
	const res = spawnSync(process.execPath, [join(REPO_ROOT, 'dist/cli.js'), 'lsp'], { encoding: 'utf8' });
	expect(res.status).toBe(2);
	expect(res.stderr).toBe('iommu-lens: lsp needs --stdio (or --node-ipc)\n');
});
