/**
 * The workspace symbol index: labels and node names of every devicetree source, from a light lexer
 * (comments, strings, preprocessor lines and property values skipped; braces nested), without
 * resolving anything, so that `workspace/symbol` covers files no analysed board has read. One
 * compact record per file (the names joined in one string, the numbers in one typed array), so the
 * whole corpus takes a few megabytes; bounded by `MAX_INDEXED_FILES` and `MAX_FILE_SYMBOLS`.
 * Pure: texts come in, the caller decides when (lazily, on change).
 */
import type { Span } from '../base/source';
import type { WorkspaceSymbol } from './types';

/** Files kept in the index (further files are not indexed). */
export const MAX_INDEXED_FILES = 50_000;
/** Symbols recorded per file (the rest of a larger file is not indexed). */
export const MAX_FILE_SYMBOLS = 100_000;

const KIND_NODE = 0;
const KIND_LABEL = 1;
const KIND_REF = 2; // `&label {`: a container only, not a symbol
const FIELDS = 6; // kind, line, col, parent (-1 at the top), offset of the name in `names`, its length

/** One file's symbols: names joined by '\n', and FIELDS numbers per symbol. */
export interface FileSymbols {
	readonly names: string;
	readonly data: Int32Array;
}

const DIRECTIVE = /^#\s*(?:include|define|undef|if|ifdef|ifndef|elif|else|endif|error|warning|pragma|line|\d|$)/;
const isNameChar = (c: number): boolean =>
	(c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 44 || c === 46 || c === 95 || c === 43 || c === 45 || c === 64 || c === 35; // 0-9 A-Z a-z , . _ + - @ #
const isIdentChar = (c: number): boolean => (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95;

/**
 * From just after an opening quote: the index after the closing quote, or of the newline that ends an
 * unterminated string, which is left for the scanner to count (consuming it shifted every later symbol
 * up a line; found by fuzzing the server, test/fuzz/server.test.ts).
 */
function stringEnd(text: string, i: number, quote: number): number {
	while (i < text.length) {
		const d = text.charCodeAt(i);
		if (d === quote) return i + 1;
		if (d === 10) return i;
		i += d === 92 && text.charCodeAt(i + 1) !== 10 ? 2 : 1;
	}
	return text.length;
}

/** Scans one devicetree source. A leading BOM is not a column (editors do not show it). */
export function scanSymbols(input: string): FileSymbols {
	const text = input.charCodeAt(0) === 0xfeff ? input.slice(1) : input;
	const names: string[] = [];
	const data: number[] = [];
	let offset = 0;
	const stack: number[] = []; // symbol index of each open brace's node (-1: not a node)
	let pendingLabels: Array<{ name: string; line: number; col: number }> = [];
	let line = 0;
	let lineStart = 0;
	let atLineStart = true;
	const n = text.length;
	const push = (kind: number, name: string, l: number, col: number, parent: number): number => {
		names.push(name);
		data.push(kind, l, col, parent, offset, name.length);
		offset += name.length + 1;
		return names.length - 1;
	};
	const parentOf = (): number => {
		for (let k = stack.length - 1; k >= 0; k--) if (stack[k]! >= 0) return stack[k]!;
		return -1;
	};
	let i = 0;
	while (i < n && names.length < MAX_FILE_SYMBOLS) {
		const c = text.charCodeAt(i);
		if (c === 10) {
			line++;
			i++;
			lineStart = i;
			atLineStart = true;
			continue;
		}
		if (c === 32 || c === 9 || c === 13 || c === 12 || c === 11) {
			i++;
			continue;
		}
		// Preprocessor lines (with continuations) and cpp line markers.
		if (c === 35 /* # */ && atLineStart && DIRECTIVE.test(text.slice(i, i + 12))) {
			while (i < n) {
				const d = text.charCodeAt(i);
				if (d === 10) {
					if (text.charCodeAt(i - 1) === 92 || (text.charCodeAt(i - 1) === 13 && text.charCodeAt(i - 2) === 92)) {
						line++;
						i++;
						lineStart = i;
						continue;
					}
					break;
				}
				if (d === 47 && text.charCodeAt(i + 1) === 42) break; // a comment starts: let the lexer count its lines
				i++;
			}
			continue;
		}
		atLineStart = false;
		if (c === 47 /* / */ && text.charCodeAt(i + 1) === 47) {
			while (i < n && text.charCodeAt(i) !== 10) i++;
			continue;
		}
		if (c === 47 && text.charCodeAt(i + 1) === 42) {
			i += 2;
			while (i < n && !(text.charCodeAt(i) === 42 && text.charCodeAt(i + 1) === 47)) {
				if (text.charCodeAt(i) === 10) {
					line++;
					lineStart = i + 1;
				}
				i++;
			}
			i += 2;
			continue;
		}
		if (c === 34 /* " */ || c === 39 /* ' */) {
			i = stringEnd(text, i + 1, c);
			continue;
		}
		if (c === 123 /* { */) {
			stack.push(-1);
			pendingLabels = [];
			i++;
			continue;
		}
		if (c === 125 /* } */) {
			stack.pop();
			pendingLabels = [];
			i++;
			continue;
		}
		if (c === 61 /* = */) {
			// A property value: skip to its `;` (strings, cells and byte strings hold no symbols).
			i++;
			while (i < n) {
				const d = text.charCodeAt(i);
				if (d === 59 || d === 123 || d === 125) break;
				if (d === 34) {
					i = stringEnd(text, i + 1, 34);
					continue;
				} else if (d === 10) {
					line++;
					lineStart = i + 1;
				} else if (d === 47 && text.charCodeAt(i + 1) === 42) {
					i += 2;
					while (i < n && !(text.charCodeAt(i) === 42 && text.charCodeAt(i + 1) === 47)) {
						if (text.charCodeAt(i) === 10) {
							line++;
							lineStart = i + 1;
						}
						i++;
					}
					i++;
				} else if (d === 47 && text.charCodeAt(i + 1) === 47) {
					while (i < n && text.charCodeAt(i) !== 10) i++;
					continue;
				}
				i++;
			}
			pendingLabels = [];
			continue;
		}
		if (c === 59 /* ; */) {
			pendingLabels = [];
			i++;
			continue;
		}
		if (c === 38 /* & */) {
			// `&label {` or `&{/path} {`
			const start = i;
			i++;
			if (text.charCodeAt(i) === 123) {
				while (i < n && text.charCodeAt(i) !== 125 && text.charCodeAt(i) !== 10) i++;
				if (text.charCodeAt(i) === 125) i++;
			} else while (i < n && isIdentChar(text.charCodeAt(i))) i++;
			const ref = text.slice(start, i);
			let j = i;
			while (j < n && (text.charCodeAt(j) === 32 || text.charCodeAt(j) === 9)) j++;
			if (text.charCodeAt(j) === 123) {
				const idx = push(KIND_REF, ref, line, start - lineStart, -1);
				stack.push(idx);
				pendingLabels = [];
				i = j + 1;
			}
			continue;
		}
		if (c === 47 /* / */) {
			// `/ {` (the root), or a keyword (`/dts-v1/`, `/delete-node/ name;`, `/plugin/`)
			let j = i + 1;
			while (j < n && (text.charCodeAt(j) === 32 || text.charCodeAt(j) === 9)) j++;
			if (text.charCodeAt(j) === 123) {
				const idx = push(KIND_NODE, '/', line, i - lineStart, -1);
				for (const l of pendingLabels) push(KIND_LABEL, l.name, l.line, l.col, idx);
				pendingLabels = [];
				stack.push(idx);
				i = j + 1;
				continue;
			}
			const end = text.indexOf('/', i + 1);
			const word = end > 0 ? text.slice(i, end + 1) : '';
			if (word === '/delete-node/' || word === '/delete-property/') {
				// Skip the statement: the name that follows is not a definition.
				i = end + 1;
				while (i < n && text.charCodeAt(i) !== 59 && text.charCodeAt(i) !== 10) i++;
				continue;
			}
			i = end > 0 && /^\/[a-z-]+\/$/.test(word) ? end + 1 : i + 1;
			continue;
		}
		if (isNameChar(c)) {
			const start = i;
			while (i < n && isNameChar(text.charCodeAt(i))) i++;
			const word = text.slice(start, i);
			const col = start - lineStart;
			if (text.charCodeAt(i) === 58 /* : */ && /^[A-Za-z_]\w*$/.test(word)) {
				pendingLabels.push({ name: word, line, col });
				i++;
				continue;
			}
			let j = i;
			while (j < n && (text.charCodeAt(j) === 32 || text.charCodeAt(j) === 9)) j++;
			if (text.charCodeAt(j) === 123) {
				const idx = push(KIND_NODE, word, line, col, parentOf());
				for (const l of pendingLabels) push(KIND_LABEL, l.name, l.line, l.col, idx);
				pendingLabels = [];
				stack.push(idx);
				i = j + 1;
			}
			continue;
		}
		i++;
	}
	// The names are copied into one flat string: the index never keeps the file's text alive.
	return { names: names.join('\n'), data: Int32Array.from(data) };
}

/** Case-insensitive: a substring, or the query's characters in order (`apsm` finds `apps_smmu`). */
export function matchesQuery(name: string, q: string): boolean {
	if (q === '') return true;
	const n = name.toLowerCase();
	if (n.includes(q)) return true;
	let i = 0;
	for (const c of n) if (c === q[i] && ++i === q.length) return true;
	return false;
}

/** True when the characters of `q` occur in order in `s[from, to)`. */
function inOrder(s: string, from: number, to: number, q: string): boolean {
	let k = 0;
	for (let i = from; i < to && k < q.length; i++) if (s.charCodeAt(i) === q.charCodeAt(k)) k++;
	return k === q.length;
}

export class SymbolIndex {
	private readonly files = new Map<string, FileSymbols & { lower: string }>();

	get size(): number {
		return this.files.size;
	}

	has(file: string): boolean {
		return this.files.has(file);
	}

	/** (Re)indexes one file; `undefined` text removes it. */
	update(file: string, text: string | undefined): void {
		if (text === undefined) {
			this.files.delete(file);
			return;
		}
		if (!this.files.has(file) && this.files.size >= MAX_INDEXED_FILES) return;
		const s = scanSymbols(text);
		this.files.set(file, { ...s, lower: s.names.toLowerCase() });
	}

	/**
	 * Labels and node names matching `query`, best first: the name itself, then names starting with
	 * it, containing it, and holding its characters in order. A query with '/' matches node paths as
	 * written in their file (`&label` blocks start at the label).
	 */
	search(query: string, limit: number, skip?: (s: WorkspaceSymbol) => boolean): WorkspaceSymbol[] {
		const q = query.trim().toLowerCase();
		const byPath = q.includes('/');
		const buckets: WorkspaceSymbol[][] = [[], [], [], []];
		let found = 0;
		for (const [file, f] of this.files) {
			const d = f.data;
			const count = d.length / FIELDS;
			const nameOf = (k: number): string => f.names.slice(d[k * FIELDS + 4]!, d[k * FIELDS + 4]! + d[k * FIELDS + 5]!);
			const pathOf = (idx: number): string => {
				const parts: string[] = [];
				for (let k = idx; k >= 0 && parts.length < 256; k = d[k * FIELDS + 3]!) parts.push(nameOf(k));
				parts.reverse();
				if (parts[0] === '/') return parts.length === 1 ? '/' : `/${parts.slice(1).join('/')}`;
				return parts.join('/');
			};
			const spanOf = (k: number): Span => {
				const line = d[k * FIELDS + 1]!;
				const col = d[k * FIELDS + 2]!;
				return { file, start: { line, col }, end: { line, col: col + d[k * FIELDS + 5]! } };
			};
			const add = (bucket: number, sym: WorkspaceSymbol): void => {
				if (skip?.(sym)) return;
				buckets[bucket]!.push(sym);
				found++;
			};
			if (byPath) {
				for (let k = 0; k < count && buckets[0]!.length < limit; k++) {
					if (d[k * FIELDS] !== KIND_NODE) continue;
					const path = pathOf(k);
					if (path.toLowerCase().includes(q)) add(0, { name: path, kind: 'node', container: file, span: spanOf(k) });
				}
				continue;
			}
			// Substring hits come from one indexOf scan of the file's joined names.
			let hit = q === '' ? 0 : f.lower.indexOf(q);
			if (hit < 0 && !inOrder(f.lower, 0, f.lower.length, q)) continue;
			for (let k = 0; k < count; k++) {
				const kind = d[k * FIELDS]!;
				const from = d[k * FIELDS + 4]!;
				const to = from + d[k * FIELDS + 5]!;
				while (hit >= 0 && hit < from) hit = f.lower.indexOf(q, from);
				let bucket: number;
				if (hit >= from && hit + q.length <= to) bucket = to - from === q.length ? 0 : hit === from ? 1 : 2;
				else if (inOrder(f.lower, from, to, q)) bucket = 3;
				else continue;
				if (kind === KIND_REF || buckets[bucket]!.length >= limit) continue;
				const owner = kind === KIND_LABEL ? d[k * FIELDS + 3]! : k;
				add(bucket, { name: nameOf(k), kind: kind === KIND_LABEL ? 'label' : 'node', container: pathOf(owner), span: spanOf(k) });
			}
			if (buckets[0]!.length >= limit) break;
		}
		void found;
		return buckets.flat().slice(0, limit);
	}
}
