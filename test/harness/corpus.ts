/**
 * Where the tests find the shared, read-only kernel devicetree corpus and the repository itself.
 * The corpus is never copied into the repository.
 */
import { existsSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';

export const REPO_ROOT = resolve(__dirname, '../..');
export const CORPUS_ROOT = resolve(REPO_ROOT, '../shared/corpus/linux-dts');

/** The corpus root; throws with a clear message when the corpus is not where the tests expect it. */
export function corpusRoot(): string {
	if (!existsSync(join(CORPUS_ROOT, 'src/arm64'))) {
		throw new Error(`The kernel devicetree corpus is missing: expected ${CORPUS_ROOT}/src/arm64 (../shared/corpus/linux-dts beside the repository).`);
	}
	return CORPUS_ROOT;
}

/** Files under `dir` (relative to the corpus root) whose names end with one of `extensions`, sorted. */
export function corpusFiles(dir: string, extensions: readonly string[]): string[] {
	const root = corpusRoot();
	const out: string[] = [];
	const walk = (rel: string): void => {
		for (const entry of readdirSync(join(root, rel), { withFileTypes: true })) {
			const child = `${rel}/${entry.name}`;
			if (entry.isDirectory()) walk(child);
			else if (extensions.some((ext) => entry.name.endsWith(ext))) out.push(child);
		}
	};
	walk(dir);
	return out.sort();
}
