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

export function changedRegion(before: string, after: string): ChangedRegion {
	const min = Math.min(before.length, after.length);
	let p = 0;
	while (p < min && before.charCodeAt(p) === after.charCodeAt(p)) p++;
	let s = 0;
	while (s < min - p && before.charCodeAt(before.length - 1 - s) === after.charCodeAt(after.length - 1 - s)) s++;
	return { start: p, oldEnd: before.length - s, newEnd: after.length - s };
}
