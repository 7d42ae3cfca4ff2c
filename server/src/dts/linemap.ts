/**
 * A SourceMap for text that was preprocessed elsewhere: it honours the line markers that gcc's
 * cpp writes (`# 12 "file.dtsi" 1 3`) and `#line 12 "file"` directives, the way dtc's lexer does.
 */

import { lineStarts, type Span, type SourceMap } from '../base/source.js';

/** One run of generated lines that come from consecutive lines of one real file. */
interface Segment {
	/** First generated line (0-based) of the run. */
	genLine: number;
	/** The real file. */
	file: string;
	/** Real line (0-based) of `genLine`. */
	line: number;
}

/**
 * Parses a line marker that starts at `i` (which must be a line start holding `#`).
 * Returns the 1-based line number and file name, or undefined when the line is not a marker.
 * The accepted form is dtc's: `#` optionally `line`, blanks, digits, blanks, a quoted string.
 */
export function parseLineMarker(text: string, i: number): { line: number; file: string; end: number } | undefined {
	const n = text.length;
	if (text.charCodeAt(i) !== 35) return undefined;
	let p = i + 1;
	if (text.startsWith('line', p)) p += 4;
	const blanksStart = p;
	while (p < n && (text.charCodeAt(p) === 32 || text.charCodeAt(p) === 9)) p++;
	if (p === blanksStart) return undefined;
	const digitsStart = p;
	let line = 0;
	while (p < n) {
		const c = text.charCodeAt(p);
		if (c < 48 || c > 57) break;
		line = line * 10 + (c - 48);
		p++;
	}
	if (p === digitsStart) return undefined;
	const blanks2 = p;
	while (p < n && (text.charCodeAt(p) === 32 || text.charCodeAt(p) === 9)) p++;
	if (p === blanks2 || text.charCodeAt(p) !== 34) return undefined;
	p++;
	let file = '';
	let segStart = p;
	for (;;) {
		if (p >= n) return undefined;
		const c = text.charCodeAt(p);
		if (c === 34) break;
		if (c === 10) return undefined;
		if (c === 92) {
			file += text.slice(segStart, p);
			p++;
			if (p >= n) return undefined;
			file += text[p];
			p++;
			segStart = p;
			continue;
		}
		p++;
	}
	file += text.slice(segStart, p);
	p++;
	// Optional flags: blanks and digits, as cpp writes them.
	for (;;) {
		let q = p;
		while (q < n && (text.charCodeAt(q) === 32 || text.charCodeAt(q) === 9)) q++;
		if (q === p) break;
		const ds = q;
		while (q < n && text.charCodeAt(q) >= 48 && text.charCodeAt(q) <= 57) q++;
		if (q === ds) break;
		p = q;
	}
	return { line, file, end: p };
}

/**
 * Maps offsets of a text carrying cpp line markers back to the files named by the markers.
 * Columns are kept as they are in the generated text. Lines before the first marker map to `file`.
 */
export class LineMarkerSourceMap implements SourceMap {
	private readonly starts: number[];
	private readonly segments: Segment[];

	/**
	 * @param file the name of the generated text, used before the first marker.
	 * @param text the generated text.
	 */
	constructor(file: string, text: string) {
		this.starts = lineStarts(text);
		this.segments = [{ genLine: 0, file, line: 0 }];
		const starts = this.starts;
		for (let l = 0; l < starts.length; l++) {
			const s = starts[l]!;
			if (text.charCodeAt(s) !== 35) continue;
			const m = parseLineMarker(text, s);
			if (m === undefined) continue;
			// The marker names the line that follows it.
			this.segments.push({ genLine: l + 1, file: m.file, line: m.line - 1 });
		}
	}

	/** Line (0-based) of a generated offset. */
	private lineOf(offset: number): number {
		const starts = this.starts;
		let lo = 0;
		let hi = starts.length - 1;
		while (lo < hi) {
			const mid = (lo + hi + 1) >> 1;
			if (starts[mid]! <= offset) lo = mid;
			else hi = mid - 1;
		}
		return lo;
	}

	private segmentOf(line: number): Segment {
		const segs = this.segments;
		let lo = 0;
		let hi = segs.length - 1;
		while (lo < hi) {
			const mid = (lo + hi + 1) >> 1;
			if (segs[mid]!.genLine <= line) lo = mid;
			else hi = mid - 1;
		}
		return segs[lo]!;
	}

	spanOf(start: number, end: number): Span {
		const l1 = this.lineOf(start);
		const seg = this.segmentOf(l1);
		const startPos = { line: seg.line + (l1 - seg.genLine), col: start - this.starts[l1]! };
		const l2 = end <= start ? l1 : this.lineOf(end);
		let endPos;
		if (l2 === l1) endPos = { line: startPos.line, col: end - this.starts[l1]! };
		else {
			const seg2 = this.segmentOf(l2);
			if (seg2 === seg) endPos = { line: seg.line + (l2 - seg.genLine), col: end - this.starts[l2]! };
			else endPos = { line: startPos.line, col: Math.max(startPos.col, (this.starts[l1 + 1] ?? end) - this.starts[l1]! - 1) };
		}
		return { file: seg.file, start: startPos, end: endPos };
	}
}
