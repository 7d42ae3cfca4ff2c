/**
 * The finding documentation on disk (docs/findings/<id>.md): read from dist/docs/findings (the build
 * copies it there; the packaged extension ships it) or from the repository's docs/findings when
 * running unbundled. `iommu-lens explain` prints it, SARIF rules carry it, the editor links to it.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { FINDING_IDS } from '../../../emulator/src';

let cachedDir: string | null | undefined;

/** The folder holding `<id>.md`, or undefined when neither the bundle's nor the repository's is found. */
export function findingDocsDir(): string | undefined {
	if (cachedDir !== undefined) return cachedDir ?? undefined;
	let dir = __dirname;
	for (;;) {
		for (const candidate of [join(dir, 'docs/findings'), join(dir, 'dist/docs/findings')]) {
			if (existsSync(join(candidate, `${FINDING_IDS[0]}.md`))) {
				cachedDir = candidate;
				return candidate;
			}
		}
		const parent = dirname(dir);
		if (parent === dir) break;
		dir = parent;
	}
	cachedDir = null;
	return undefined;
}

/** The markdown of one finding id, or undefined. */
export function findingDoc(id: string): string | undefined {
	if (!/^[a-z0-9-]+$/.test(id)) return undefined;
	const dir = findingDocsDir();
	if (!dir) return undefined;
	const file = join(dir, `${id}.md`);
	return existsSync(file) ? readFileSync(file, 'utf8') : undefined;
}

/** The `file:` URI of a finding's documentation, or undefined when it is not on disk. */
export function findingDocUri(id: string): string | undefined {
	if (!/^[a-z0-9-]+$/.test(id)) return undefined;
	const dir = findingDocsDir();
	if (!dir) return undefined;
	const file = join(dir, `${id}.md`);
	return existsSync(file) ? pathToFileURL(file).href : undefined;
}
