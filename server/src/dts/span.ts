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
	private resolved: Span | undefined = undefined;

	constructor(
		private readonly map: SourceMap,
		private readonly from: number,
		private readonly to: number,
	) {}

	private get span(): Span {
		let s = this.resolved;
		if (s === undefined) {
			s = this.map.spanOf(this.from, this.to);
			this.resolved = s;
		}
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
