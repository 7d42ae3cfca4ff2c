/**
 * Editor terms (server/src/ide, server/src/model) to LSP types and back. Positions are already 0-based
 * UTF-16 on both sides; only files become URIs.
 */
import { DiagnosticSeverity, DiagnosticTag, type Diagnostic, type Location, type Range } from 'vscode-languageserver';
import type { Position, Span } from '../base/source';
import type { ReportItem } from '../model/analysis';
import { findingDocUrl } from '../protocol/ext';

export type ToUri = (path: string) => string;

export const toRange = (span: { start: Position; end: Position }): Range => ({
	start: { line: span.start.line, character: span.start.col },
	end: { line: span.end.line, character: span.end.col },
});

export const toLocation = (span: Span, toUri: ToUri): Location => ({ uri: toUri(span.file), range: toRange(span) });

export const fromRange = (file: string, range: Range): Span => ({
	file,
	start: { line: range.start.line, col: range.start.character },
	end: { line: range.end.line, col: range.end.character },
});

const SEVERITY = { error: DiagnosticSeverity.Error, warning: DiagnosticSeverity.Warning, info: DiagnosticSeverity.Information } as const;

/** Findings that point at text which has no effect: drawn faded. */
const UNNECESSARY = new Set(['smr-redundant']);

/** What a diagnostic carries for `textDocument/codeAction` (stateless: the item travels with it). */
export interface DiagnosticData {
	id: string;
	fix?: ReportItem['fix'];
	/** The board file of the build context. */
	context: string;
}

/**
 * The link of each finding id's documentation: `local` (the runtime's copy on disk) when it has one,
 * else the web address; looked up once per id.
 */
export function docLinks(local: ((id: string) => string | undefined) | undefined): (id: string) => string {
	const known = new Map<string, string>();
	return (id) => {
		let uri = known.get(id);
		if (uri === undefined) known.set(id, (uri = local?.(id) ?? findingDocUrl(id)));
		return uri;
	};
}

/**
 * A report item as an LSP diagnostic. `docUri`: the link of a finding id's documentation (the
 * server's own copy when it has one, see `Runtime.findingDocUri`; default the web address).
 */
export function toDiagnostic(item: ReportItem, context: string, contextName: string, toUri: ToUri, docUri: (id: string) => string = findingDocUrl): Diagnostic {
	const data: DiagnosticData = { id: item.id, context, ...(item.fix ? { fix: item.fix } : {}) };
	return {
		range: toRange(item.span),
		severity: SEVERITY[item.severity],
		code: item.id,
		codeDescription: { href: docUri(item.id) },
		source: `iommu-lens (${contextName})`,
		message: item.message,
		...(item.related.length > 0 ? { relatedInformation: item.related.map((r) => ({ location: toLocation(r.span, toUri), message: r.message })) } : {}),
		...(UNNECESSARY.has(item.id) ? { tags: [DiagnosticTag.Unnecessary] } : {}),
		data,
	};
}

/** The report item a diagnostic came from (for the quick fixes), or undefined when it is not ours. */
export function toReportItem(d: Diagnostic, file: string, toPath: (uri: string) => string | undefined): ReportItem | undefined {
	const data = d.data as Partial<DiagnosticData> | undefined;
	if (!data || typeof data.id !== 'string') return undefined;
	const severity = d.severity === DiagnosticSeverity.Error ? 'error' : d.severity === DiagnosticSeverity.Warning ? 'warning' : 'info';
	return {
		id: data.id,
		severity,
		message: typeof d.message === 'string' ? d.message : d.message.value,
		span: fromRange(file, d.range),
		related: (d.relatedInformation ?? []).flatMap((r) => {
			const p = toPath(r.location.uri);
			return p === undefined ? [] : [{ span: fromRange(p, r.location.range), message: r.message }];
		}),
		...(data.fix ? { fix: data.fix } : {}),
	};
}
