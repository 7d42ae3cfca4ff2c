/**
 * The one changed region between two texts (common prefix and suffix), in UTF-16 offsets: the old text's
 * [start, oldEnd) became the new text's [start, newEnd). Used to tell tree-sitter about an edit
 * (`syntax.ts`) and to decide whether an edit keeps every token in place (`equivalent.ts`).
 */
export interface ChangedRegion {
	readonly start: number;
	readonly oldEnd: number;
	readonly newEnd: number;
}

const CHUNK = 256;

export function changedRegion(before: string, after: string): ChangedRegion {
	const min = Math.min(before.length, after.length);
	const lb = before.length;
	const la = after.length;
	// By chunks first (comparing two slices is a memory compare), then character by character.
	let p = 0;
	while (p + CHUNK <= min && before.slice(p, p + CHUNK) === after.slice(p, p + CHUNK)) p += CHUNK;
	while (p < min && before.charCodeAt(p) === after.charCodeAt(p)) p++;
	let s = 0;
	while (s + CHUNK <= min - p && before.slice(lb - s - CHUNK, lb - s) === after.slice(la - s - CHUNK, la - s)) s += CHUNK;
	while (s < min - p && before.charCodeAt(lb - 1 - s) === after.charCodeAt(la - 1 - s)) s++;
	return { start: p, oldEnd: lb - s, newEnd: la - s };
}
