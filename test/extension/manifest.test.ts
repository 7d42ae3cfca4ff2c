import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../harness/corpus';

const manifest = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as {
	capabilities: { untrustedWorkspaces: { supported: string; restrictedConfigurations: string[] } };
	contributes: { configuration: { properties: Record<string, unknown> } };
};

describe('manifest: workspace trust', () => {
	it('reads user-supplied profiles and driver sources only in trusted workspaces', () => {
		const trust = manifest.capabilities.untrustedWorkspaces;
		expect(trust.supported).toBe('limited');
		for (const setting of ['iommuLens.profile', 'iommuLens.driverRoots', 'iommuLens.kconfig', 'iommuLens.config']) {
			expect(trust.restrictedConfigurations).toContain(setting);
		}
		for (const setting of trust.restrictedConfigurations) expect(Object.keys(manifest.contributes.configuration.properties)).toContain(setting);
	});
});
