/**
 * Editor-feature fixtures: a multi-file fixture (as `fixture.ts` writes them: `//- /path` starts a
 * file, the board is `/board.dts` when present) with cursor markers `$0` … `$9` in the text (one digit: `0x$01401` is `$0` before `1401`). The
 * markers are removed before the front-end reads the files; `at('$1')` is the query at that place.
 */
import { createFrontend } from '../../server/src/model/board';
import { createSnapshot } from '../../server/src/model/snapshot';
import { memoryFileSystem, type Position, type Span } from '../../server/src/base/source';
import type { AnalysisOptions } from '../../server/src/model/analysis';
import type { BoardSnapshot, IdeQuery } from '../../server/src/ide/types';
import { parseFixture } from './fixture';

export interface CursorFixture {
	snapshot: BoardSnapshot;
	/** The files as the front-end read them (markers removed). */
	files: Record<string, string>;
	/** The query at a marker (default `$0`). */
	at(marker?: string): IdeQuery;
	/** The text a span covers. */
	text(span: Span): string;
}

const MARKER = /\$(\d)/g;

/** Splits out the markers, resolves and analyses the board. */
export function cursorFixture(fixture: string, options: Partial<AnalysisOptions> = {}): CursorFixture {
	const parsed = parseFixture(fixture);
	const files: Record<string, string> = {};
	const marks = new Map<string, IdeQuery>();
	for (const f of parsed.files) {
		const lines = f.lines.map((line, lineNo) => {
			let removed = 0;
			return line.replace(MARKER, (m: string, _d: string, offset: number) => {
				const position: Position = { line: lineNo, col: offset - removed };
				removed += m.length;
				marks.set(m, { file: f.path, position });
				return '';
			});
		});
		files[f.path] = lines.join('\n');
	}
	const fs = memoryFileSystem(files);
	const snapshot = createSnapshot(createFrontend(fs), fs, parsed.board, { includePaths: ['/include'], ...options });
	return {
		snapshot,
		files,
		at(marker = '$0') {
			const q = marks.get(marker);
			if (!q) throw new Error(`no marker ${marker} in the fixture`);
			return q;
		},
		text(span) {
			const lines = (files[span.file] ?? '').split('\n');
			if (span.start.line === span.end.line) return (lines[span.start.line] ?? '').slice(span.start.col, span.end.col);
			const out = [(lines[span.start.line] ?? '').slice(span.start.col)];
			for (let l = span.start.line + 1; l < span.end.line; l++) out.push(lines[l] ?? '');
			out.push((lines[span.end.line] ?? '').slice(0, span.end.col));
			return out.join('\n');
		},
	};
}

/** `file:line:col-line:col` (0-based) of a span, for compact expectations. */
export function spanText(span: Span): string {
	return `${span.file}:${span.start.line}:${span.start.col}-${span.end.line}:${span.end.col}`;
}
