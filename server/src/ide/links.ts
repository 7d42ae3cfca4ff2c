/**
 * Document links: each `#include` and `/include/` directive of a file to the file it resolved to
 * in this board (the quoted name is the link).
 */
import { boardIndex } from './locate';
import type { BoardSnapshot, DocumentLink } from './types';

/** `#include` and `/include/` targets of one file. */
export function documentLinks(snapshot: BoardSnapshot, file: string): DocumentLink[] {
	const out: DocumentLink[] = [];
	for (const inc of boardIndex(snapshot).includesIn(file)) if (inc.resolved) out.push({ span: inc.nameSpan, target: inc.resolved });
	return out;
}
