/**
 * Spans of the devicetree model, resolved through the source map only when read. A board has
 * tens of thousands of cells, labels, names and values, each with a span, and most spans are never
 * looked at: building them eagerly (a source-map search and three objects each) was half of the
 * parse time.
 */

import type { Position, SourceMap, Span } from '../base/source.js';

/**
 * A `Span` whose `file`, `start` and `end` are computed on first access from a range of the
 * preprocessed text and its source map (and then kept). It reads like any span; `toJSON` gives the
 * plain form, so serialised output is unchanged.
 */
export class LazySpan implements Span {
	/** The source map until resolved, then the resolved span (`from` is then -1): three fields, not four. */
	private m: SourceMap | Span;
	private from: number;
	private readonly to: number;

	constructor(map: SourceMap, from: number, to: number) {
		this.m = map;
		this.from = from;
		this.to = to;
	}

	private get span(): Span {
		if (this.from < 0) return this.m as Span;
		const s = (this.m as SourceMap).spanOf(this.from, this.to);
		this.m = s;
		this.from = -1;
		return s;
	}

	get file(): string {
		return this.span.file;
	}

	get start(): Position {
		return this.span.start;
	}

	get end(): Position {
		return this.span.end;
	}

	toJSON(): Span {
		const s = this.span;
		return { file: s.file, start: s.start, end: s.end };
	}
}
