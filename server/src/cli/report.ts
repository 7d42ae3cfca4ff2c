/**
 * How `check` prints: compiler-style text, the JSON array contract, SARIF 2.1.0 (GitHub code
 * scanning), the per-id summary of a scan, and the filters (`--only`, `--skip`, `--baseline`,
 * `--fail-on`).
 */
import { readFileSync } from 'node:fs';
import { isAbsolute, relative, resolve, sep } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { FINDING_IDS } from '../../../emulator/src';
import type { Span } from '../base/source';
import { UsageError } from './args';
import { displayPath, jsonSpan, place } from './common';
import { docSummary, DOCS_URL, findingDoc } from './docs';
import type { BoardResult, PlainItem } from './scan';

export type CheckFormat = 'text' | 'json' | 'sarif';
export type FailOn = 'error' | 'warning' | 'never';

/** The front-end's and the driver reader's diagnostic ids (besides the emulator's FINDING_IDS). */
export const FRONTEND_IDS = [
	'syntax', 'missing-include', 'include-cycle', 'include-depth', 'unterminated-comment', 'bad-char-literal', 'division-by-zero', 'header-mismatch',
	'missing-dts-v1', 'nesting-depth', 'bad-bits', 'bad-name-property', 'bad-node-name', 'bad-phandle', 'bad-property-name', 'delete-missing-node',
	'delete-missing-property', 'duplicate-node', 'duplicate-phandle', 'duplicate-property', 'duplicate-symbol', 'duplicate-label', 'properties-after-subnodes',
	'ref-in-non-32-bit-array', 'unknown-reference', 'unresolved-reference', 'value-out-of-range', 'error', 'warning',
	'c-no-facts', 'c-recovered', 'config-syntax', 'kconfig-missing-source', 'kconfig-glob-skipped',
] as const;

const KNOWN_IDS = new Set<string>([...FINDING_IDS, ...FRONTEND_IDS]);

/** `--only`/`--skip` values (comma-separated, repeatable); a usage error names unknown ids. */
export function idListArg(values: readonly string[] | undefined, option: string): Set<string> | undefined {
	if (!values) return undefined;
	const ids = values.flatMap((v) => v.split(',')).map((v) => v.trim()).filter(Boolean);
	const unknown = ids.filter((id) => !KNOWN_IDS.has(id));
	if (unknown.length > 0) throw new UsageError(`--${option}: unknown finding id${unknown.length > 1 ? 's' : ''} ${unknown.map((u) => `'${u}'`).join(', ')} (see: iommu-lens explain --list)`);
	if (ids.length === 0) throw new UsageError(`--${option} needs at least one finding id`);
	return new Set(ids);
}

export function failOnArg(value: string | undefined): FailOn {
	const v = value ?? 'error';
	if (v !== 'error' && v !== 'warning' && v !== 'never') throw new UsageError(`--fail-on must be error, warning or never, not '${v}'`);
	return v;
}

const RANK = { info: 0, warning: 1, error: 2 } as const;

/** Exit status 1 when an item at or above `failOn` remains. */
export function fails(items: Iterable<PlainItem>, failOn: FailOn): boolean {
	if (failOn === 'never') return false;
	for (const i of items) if (RANK[i.severity] >= RANK[failOn]) return true;
	return false;
}

/** A finding's identity for baselines: id, file (relative to the working folder) and message; never lines. */
function baselineKey(id: string, file: string, message: string): string {
	return `${id}\u0000${file.split(sep).join('/')}\u0000${message}`;
}

/** The keys of a previous `--format json` or `--format sarif` output; a usage error when it is neither. */
export function readBaseline(file: string, cwd: string): Set<string> {
	let json: unknown;
	try {
		json = JSON.parse(readFileSync(resolve(cwd, file), 'utf8'));
	} catch (error) {
		throw new UsageError(`--baseline ${file}: ${error instanceof Error ? error.message : String(error)}`);
	}
	const keys = new Set<string>();
	const norm = (p: string): string => (isAbsolute(p) ? displayPath(p, cwd) : p);
	if (Array.isArray(json)) {
		for (const item of json as Array<Record<string, unknown>>) {
			if (typeof item?.id === 'string' && typeof item.file === 'string' && typeof item.message === 'string') keys.add(baselineKey(item.id, norm(item.file), item.message));
		}
		return keys;
	}
	const runs = (json as { runs?: unknown })?.runs;
	if (!Array.isArray(runs)) throw new UsageError(`--baseline ${file}: not a JSON array of findings (--format json) nor a SARIF log (--format sarif)`);
	for (const run of runs as Array<{ results?: Array<Record<string, any>> }>) {
		for (const r of run.results ?? []) {
			const uri = r.locations?.[0]?.physicalLocation?.artifactLocation?.uri;
			const text = r.message?.text;
			if (typeof r.ruleId !== 'string' || typeof uri !== 'string' || typeof text !== 'string') continue;
			const path = uri.startsWith('file:') ? norm(fileURLToPath(uri)) : decodeURIComponent(uri);
			keys.add(baselineKey(r.ruleId, path, text));
		}
	}
	return keys;
}

export interface Filters {
	only?: Set<string>;
	skip?: Set<string>;
	baseline?: Set<string>;
}

/** The items that survive `--only`, `--skip` and `--baseline`. */
export function filterItems(items: readonly PlainItem[], filters: Filters, cwd: string): PlainItem[] {
	return items.filter((i) => {
		if (filters.only && !filters.only.has(i.id)) return false;
		if (filters.skip?.has(i.id)) return false;
		if (filters.baseline?.has(baselineKey(i.id, displayPath(i.span.file, cwd), i.message))) return false;
		return true;
	});
}

export function textItem(item: PlainItem, cwd: string): string {
	let text = `${place(item.span, cwd)}: ${item.severity}: ${item.message} [${item.id}]\n`;
	for (const r of item.related) text += `  ${place(r.span, cwd)}: note: ${r.message}\n`;
	return text;
}

export function jsonItem(item: PlainItem, cwd: string, board?: string): object {
	return {
		id: item.id,
		severity: item.severity,
		...jsonSpan(item.span, cwd),
		message: item.message,
		related: item.related.map((r) => {
			const { file, line, column } = jsonSpan(r.span, cwd);
			return { file, line, column, message: r.message };
		}),
		...(board !== undefined ? { board: displayPath(board, cwd) } : {}),
	};
}

/** The per-id summary of a scan of several boards. */
export function summaryText(results: readonly BoardResult[]): string {
	const byId = new Map<string, { severity: PlainItem['severity']; count: number; boards: Set<string> }>();
	let withFindings = 0;
	const totals = { error: 0, warning: 0, info: 0 };
	for (const r of results) {
		if (r.items.length > 0) withFindings++;
		for (const i of r.items) {
			totals[i.severity]++;
			const e = byId.get(i.id) ?? { severity: i.severity, count: 0, boards: new Set<string>() };
			if (RANK[i.severity] > RANK[e.severity]) e.severity = i.severity;
			e.count++;
			e.boards.add(r.board);
			byId.set(i.id, e);
		}
	}
	const lines = [`Summary: ${results.length} board${results.length === 1 ? '' : 's'}, ${withFindings} with findings: ${totals.error} errors, ${totals.warning} warnings, ${totals.info} notes`];
	const rows = [...byId].sort((a, b) => RANK[b[1].severity] - RANK[a[1].severity] || b[1].count - a[1].count || a[0].localeCompare(b[0]));
	const width = Math.max(0, ...rows.map(([id]) => id.length));
	for (const [id, e] of rows) lines.push(`  ${id.padEnd(width)}  ${e.severity.padEnd(7)}  ${String(e.count).padStart(5)} in ${e.boards.size} board${e.boards.size === 1 ? '' : 's'}`);
	return `${lines.join('\n')}\n`;
}

// ---------------------------------------------------------------------------------------------
// SARIF 2.1.0

const SARIF_LEVEL = { error: 'error', warning: 'warning', info: 'note' } as const;
const SRCROOT = 'SRCROOT';

function artifactLocation(file: string, cwd: string): { uri: string; uriBaseId?: string } {
	const rel = relative(cwd, file);
	if (rel !== '' && !rel.startsWith('..') && !isAbsolute(rel)) return { uri: rel.split(sep).map(encodeURIComponent).join('/'), uriBaseId: SRCROOT };
	return { uri: pathToFileURL(file).href };
}

function region(span: Span): { startLine: number; startColumn: number; endLine: number; endColumn: number } {
	return { startLine: span.start.line + 1, startColumn: span.start.col + 1, endLine: span.end.line + 1, endColumn: span.end.col + 1 };
}

function physical(span: Span, cwd: string): object {
	return { physicalLocation: { artifactLocation: artifactLocation(span.file, cwd), region: region(span) } };
}

/** The SARIF rule of an id: from its doc when it has one. */
function rule(id: string): object {
	const md = findingDoc(id);
	if (!md) {
		return { id, name: id, shortDescription: { text: `iommu-lens front-end diagnostic ${id}` }, fullDescription: { text: `A diagnostic of the devicetree or driver-source reader (${id}): the input is not what cpp, dtc or the kernel's build accepts.` }, defaultConfiguration: { level: 'error' } };
	}
	const { short, full } = docSummary(md);
	const severity = /\*\*Severity:\*\*\s*(error|warning|info)/i.exec(md)?.[1]?.toLowerCase() as keyof typeof SARIF_LEVEL | undefined;
	return {
		id,
		name: id,
		shortDescription: { text: short || id },
		fullDescription: { text: full || short || id },
		help: { text: md, markdown: md },
		helpUri: `${DOCS_URL}${id}.md`,
		...(severity ? { defaultConfiguration: { level: SARIF_LEVEL[severity] } } : {}),
	};
}

/** One SARIF run for the boards' results (items appearing in several boards, e.g. in a shared .dtsi, once). */
export function toSarif(results: readonly BoardResult[], cwd: string, version: string): object {
	const seen = new Map<string, { item: PlainItem; boards: string[] }>();
	for (const r of results) {
		for (const item of r.items) {
			const key = `${item.id}\u0000${item.span.file}:${item.span.start.line}:${item.span.start.col}\u0000${item.message}`;
			const e = seen.get(key);
			if (e) e.boards.push(r.board);
			else seen.set(key, { item, boards: [r.board] });
		}
	}
	const ruleIds = [...FINDING_IDS] as string[];
	for (const { item } of seen.values()) if (!ruleIds.includes(item.id)) ruleIds.push(item.id);
	const ruleIndex = new Map(ruleIds.map((id, i) => [id, i]));
	const sarifResults = [...seen.values()].map(({ item, boards }) => ({
		ruleId: item.id,
		ruleIndex: ruleIndex.get(item.id),
		level: SARIF_LEVEL[item.severity],
		message: { text: item.message },
		locations: [physical(item.span, cwd)],
		...(item.related.length > 0
			? { relatedLocations: item.related.map((r, i) => ({ id: i + 1, ...physical(r.span, cwd), message: { text: r.message } })) }
			: {}),
		...(item.fixes && item.fixes.length > 0
			? {
					fixes: item.fixes.map((f) => {
						const byFile = new Map<string, typeof f.edits>();
						for (const e of f.edits) byFile.set(e.span.file, [...(byFile.get(e.span.file) ?? []), e]);
						return {
							description: { text: f.title },
							artifactChanges: [...byFile].map(([file, edits]) => ({
								artifactLocation: artifactLocation(file, cwd),
								replacements: edits.map((e) => ({ deletedRegion: region(e.span), ...(e.newText !== '' ? { insertedContent: { text: e.newText } } : {}) })),
							})),
						};
					}),
				}
			: {}),
		...(boards.some((b) => b !== '') ? { properties: { boards: boards.filter((b) => b !== '').map((b) => displayPath(b, cwd)) } } : {}),
	}));
	return {
		$schema: 'https://json.schemastore.org/sarif-2.1.0.json',
		version: '2.1.0',
		runs: [
			{
				tool: { driver: { name: 'iommu-lens', version, informationUri: `${DOCS_URL.replace(/docs\/findings\/$/, '')}`, rules: ruleIds.map(rule) } },
				originalUriBaseIds: { [SRCROOT]: { uri: pathToFileURL(cwd.endsWith(sep) ? cwd : `${cwd}${sep}`).href } },
				columnKind: 'utf16CodeUnits',
				results: sarifResults,
			},
		],
	};
}
