/**
 * The finding documentation (docs/findings/<id>.md): what `iommu-lens explain` prints, what SARIF
 * rules carry, what the editor links to. Read from dist/docs/findings (the build copies it there) or
 * from the repository's docs/findings when running unbundled.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { FINDING_IDS } from '../../../emulator/src';

/** Where the findings' documentation is published (SARIF `helpUri`). */
export const DOCS_URL = 'https://github.com/iommu-lens/iommu-lens/blob/main/docs/findings/';

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

export interface DocSummary {
	/** The title without the id: `# smr-conflict: two stream matches overlap` → `two stream matches overlap`. */
	short: string;
	/** The first paragraph after the title. */
	full: string;
}

/** Title and first paragraph of a finding's doc (plain text). */
export function docSummary(markdown: string): DocSummary {
	const lines = markdown.split('\n');
	const title = (lines.find((l) => l.startsWith('# ')) ?? '').slice(2).trim();
	const short = title.replace(/^`?[a-z0-9-]+`?\s*[:—-]\s*/, '').replace(/`/g, '');
	const start = lines.findIndex((l) => l.startsWith('# ')) + 1;
	const para: string[] = [];
	for (const l of lines.slice(start)) {
		if (l.trim() === '') {
			if (para.length) break;
			continue;
		}
		if (l.startsWith('#')) break;
		para.push(l.trim());
	}
	return { short, full: para.join(' ').replace(/`/g, '') };
}
