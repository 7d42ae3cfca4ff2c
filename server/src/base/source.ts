/**
 * Shared vocabulary of the front-end: files, positions, spans, diagnostics and the file system
 * it reads through. Pure: no Node APIs, no LSP types.
 *
 * Conventions (used everywhere in server/ and by the emulator's inputs):
 * - `line` and `col` are 0-based; `col` counts UTF-16 code units (as LSP does).
 *   The command line adds 1 to both when it prints.
 * - Offsets are 0-based UTF-16 offsets into the file's text (JavaScript string indices).
 * - Spans are half-open: `end` is the position just after the last character.
 */

export interface Position {
	line: number;
	col: number;
}

/** A half-open range in one file. `file` is the path as the file system was asked for it. */
export interface Span {
	file: string;
	start: Position;
	end: Position;
}

export type Severity = 'error' | 'warning' | 'info';

export interface RelatedInfo {
	span: Span;
	message: string;
}

/** A finding of the front-end (preprocessor, devicetree parser, tree builder). */
export interface Diagnostic {
	severity: Severity;
	/** Stable id, kebab-case, e.g. `missing-include`, `syntax`, `unknown-label`. */
	code: string;
	message: string;
	span: Span;
	related?: RelatedInfo[];
}

/**
 * Where the front-end reads files from. Injected, so the core never touches `fs`:
 * the command line passes the disk, the language server passes the disk overlaid with
 * the open documents, tests pass an in-memory map.
 */
export interface FileSystem {
	/** The file's text, or undefined when it does not exist or is not readable. */
	readFile(path: string): string | undefined;
}

/** A FileSystem over an in-memory map of path to text (tests, fuzzing). */
export function memoryFileSystem(files: Record<string, string>): FileSystem {
	return { readFile: (path) => (Object.prototype.hasOwnProperty.call(files, path) ? files[path] : undefined) };
}

/** Line start offsets of a text; `\n`, `\r\n` and lone `\r` all end a line. */
export function lineStarts(text: string): number[] {
	const starts = [0];
	for (let i = 0; i < text.length; i++) {
		const c = text.charCodeAt(i);
		if (c === 10) starts.push(i + 1);
		else if (c === 13) {
			if (text.charCodeAt(i + 1) === 10) i++;
			starts.push(i + 1);
		}
	}
	return starts;
}

/** Position of `offset` given the line starts of its text. */
export function positionAt(starts: readonly number[], offset: number): Position {
	let lo = 0;
	let hi = starts.length - 1;
	while (lo < hi) {
		const mid = (lo + hi + 1) >> 1;
		if (starts[mid]! <= offset) lo = mid;
		else hi = mid - 1;
	}
	return { line: lo, col: offset - starts[lo]! };
}

/** Pure path helpers (POSIX separators), so the core needs no `path` module. */
export const paths = {
	dirname(p: string): string {
		const i = p.lastIndexOf('/');
		if (i < 0) return '.';
		if (i === 0) return '/';
		return p.slice(0, i);
	},
	join(dir: string, rel: string): string {
		if (rel.startsWith('/')) return paths.normalize(rel);
		return paths.normalize(dir === '' ? rel : `${dir}/${rel}`);
	},
	normalize(p: string): string {
		const abs = p.startsWith('/');
		const out: string[] = [];
		for (const part of p.split('/')) {
			if (part === '' || part === '.') continue;
			if (part === '..') {
				if (out.length > 0 && out[out.length - 1] !== '..') out.pop();
				else if (!abs) out.push('..');
				continue;
			}
			out.push(part);
		}
		const joined = out.join('/');
		return abs ? `/${joined}` : joined === '' ? '.' : joined;
	},
};

/**
 * Maps offsets of a generated text (the preprocessor's output) back to the files the text came from.
 * Implemented by the preprocessor (server/src/cpp) and by the line-marker reader for text that
 * was preprocessed elsewhere (`# 12 "file.dtsi"` markers as gcc's cpp writes them).
 */
export interface SourceMap {
	/**
	 * The span in a real file that a user should see for the generated range [start, end).
	 * Text spelled in a file (including a macro argument written at the call site) maps to where it
	 * was written; text that a macro body produced maps to the macro invocation in the file.
	 */
	spanOf(start: number, end: number): Span;
	/** For text produced by a macro expansion: the outermost invocation's span and the macro's name. */
	expansionAt?(offset: number): { span: Span; macro: string } | undefined;
}
