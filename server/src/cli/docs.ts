/**
 * The finding documentation (docs/findings/<id>.md, read by node/finding-docs.ts) as the command line
 * uses it: what `iommu-lens explain` prints, what SARIF rules carry (with the published URL).
 */
import { findingDoc, findingDocsDir } from '../node/finding-docs';

export { findingDoc, findingDocsDir };

/** Where the findings' documentation is published (SARIF `helpUri`). */
export const DOCS_URL = 'https://github.com/iommu-lens/iommu-lens/blob/main/docs/findings/';

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
