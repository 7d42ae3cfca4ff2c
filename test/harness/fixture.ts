/**
 * Devicetree fixtures, end to end: a multi-file fixture in one string, resolved in memory by the
 * front-end and analysed by `analyseBoard`, with the expected findings written as annotations in
 * the text itself.
 *
 * Fixture text
 * - `//- /path` on a line of its own starts a file (text before the first marker is ignored; a
 *   fixture without markers is one file, `/board.dts`). The board is `/board.dts` when the fixture
 *   has one, else the first file. The files' text is passed to the front-end verbatim (annotations
 *   included: they are `//` comments), so line numbers are those of the fixture section.
 * - An annotation is a comment line
 *     `//   ^^^^ severity[id]: message`
 *   labelling columns of the previous non-annotation line of the same file. Columns are absolute:
 *   the annotation's leading `//` counts, so annotated lines must be indented by at least two columns
 *   (fixtures indent with spaces, not tabs). Several annotation lines in a row label the same line.
 *   A span ending on another line, or an empty span, says where it ends:
 *     `//   ^ severity[id] {end +2:5}: message`   (end = line + 2, 0-based column 5).
 * - An item that cannot be placed on a line (a file the fixture does not have) is written at the
 *   end of the fixture as `//! file:line:col-line:col severity[id]: message` (0-based).
 *
 * `checkFindings()` asserts the exact set of items (id, severity, file, span, message) and on a
 * mismatch fails with the fixture re-rendered with the actual annotations, so the diff shows what
 * changed.
 */
import { expect } from 'vitest';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { createFrontend } from '../../server/src/model/board';
import { analyseBoard, type AnalysisOptions, type BoardAnalysis, type ReportItem } from '../../server/src/model/analysis';
import { memoryFileSystem } from '../../server/src/base/source';
import { describeOutcome } from '../../emulator/src/scenario/scenario';

export interface FixtureOptions {
	/** Kernel version `X.Y`; default: the newest the emulator knows. */
	kernel?: string;
	/** What-ifs for the checks and the probe simulation. */
	whatIf?: AnalysisOptions['whatIf'];
	/** User SoC profiles. */
	profiles?: AnalysisOptions['profiles'];
	/** `-I` folders (fixture paths); default `/include` (as the kernel's `-I include`). */
	includePaths?: string[];
	defines?: AnalysisOptions['defines'];
}

/** One expected or actual item, in the shape annotations carry. */
export interface Annotation {
	id: string;
	severity: string;
	file: string;
	startLine: number;
	startCol: number;
	endLine: number;
	endCol: number;
	message: string;
}

interface FixtureFile {
	path: string;
	/** Every line of the section, annotations included. */
	lines: string[];
	/** Indices of lines that are annotations (not rendered back). */
	annotationLines: Set<number>;
}

export interface ParsedFixture {
	/** Lines before the first file marker (a description; not part of any file). */
	preamble: string[];
	/** Whether the text has `//- /path` markers (rendering keeps them). */
	markers: boolean;
	files: FixtureFile[];
	board: string;
	expected: Annotation[];
}

const FILE_MARKER = /^\/\/- (\S+)\s*$/;
const ANNOTATION = /^\/\/( *)(\^+)(?: \{end \+(\d+):(\d+)\})? (error|warning|info)\[([^\]\s]+)\]: (.*)$/;
const UNPLACED = /^\/\/! (.+):(\d+):(\d+)-(\d+):(\d+) (error|warning|info)\[([^\]\s]+)\]: (.*)$/;

/** Splits a fixture into files and expected annotations. Throws on a malformed annotation. */
export function parseFixture(text: string): ParsedFixture {
	const all = text.split('\n');
	const files: FixtureFile[] = [];
	const expected: Annotation[] = [];
	let current: FixtureFile | undefined;
	const hasMarker = all.some((l) => FILE_MARKER.test(l));
	if (!hasMarker) {
		current = { path: '/board.dts', lines: [], annotationLines: new Set() };
		files.push(current);
	}
	let lastCode = -1;
	const preamble: string[] = [];
	// `{end +N:C}`: N counts the file's non-annotation lines after the start line.
	const relative: Array<{ a: Annotation; file: FixtureFile; lines: number }> = [];
	for (const raw of all) {
		const marker = FILE_MARKER.exec(raw);
		if (marker) {
			current = { path: marker[1] as string, lines: [], annotationLines: new Set() };
			files.push(current);
			lastCode = -1;
			continue;
		}
		if (!current) {
			preamble.push(raw);
			continue;
		}
		const index = current.lines.length;
		current.lines.push(raw);
		const unplaced = UNPLACED.exec(raw);
		if (unplaced) {
			current.annotationLines.add(index);
			const [, file, l1, c1, l2, c2, severity, id, message] = unplaced;
			expected.push({ id: id!, severity: severity!, file: file!, startLine: +l1!, startCol: +c1!, endLine: +l2!, endCol: +c2!, message: message! });
			continue;
		}
		const ann = ANNOTATION.exec(raw);
		if (ann) {
			if (lastCode < 0) throw new Error(`${current.path}:${index + 1}: annotation with no line above it to label`);
			current.annotationLines.add(index);
			const [, pad, carets, endLines, endCol, severity, id, message] = ann;
			const startCol = 2 + pad!.length;
			const a: Annotation = {
				id: id!,
				severity: severity!,
				file: current.path,
				startLine: lastCode,
				startCol,
				endLine: lastCode,
				endCol: endCol !== undefined ? Number(endCol) : startCol + carets!.length,
				message: message!,
			};
			expected.push(a);
			if (endLines !== undefined) relative.push({ a, file: current, lines: Number(endLines) });
			continue;
		}
		if (/^\/\/ *\^/.test(raw)) throw new Error(`${current.path}:${index + 1}: malformed annotation: ${raw}`);
		lastCode = index;
	}
	for (const { a, file, lines } of relative) {
		const code = codeLines(file);
		const at = code.indexOf(a.startLine) + lines;
		if (at >= code.length) throw new Error(`${file.path}:${a.startLine + 1}: {end +${lines}:…} is past the end of the file`);
		a.endLine = code[at]!;
	}
	if (files.length === 0) throw new Error('empty fixture');
	const board = files.some((f) => f.path === '/board.dts') ? '/board.dts' : files[0]!.path;
	return { preamble, markers: hasMarker, files, board, expected };
}

/** Line indices of a file's non-annotation lines. */
function codeLines(file: FixtureFile): number[] {
	return file.lines.flatMap((_, i) => (file.annotationLines.has(i) ? [] : [i]));
}

export function toAnnotation(item: ReportItem): Annotation {
	return {
		id: item.id,
		severity: item.severity,
		file: item.span.file,
		startLine: item.span.start.line,
		startCol: item.span.start.col,
		endLine: item.span.end.line,
		endCol: item.span.end.col,
		message: item.message,
	};
}

const key = (a: Annotation): string => `${a.file}:${a.startLine}:${a.startCol}-${a.endLine}:${a.endCol} ${a.severity}[${a.id}]: ${a.message}`;
const order = (a: Annotation, b: Annotation): number =>
	a.file.localeCompare(b.file) || a.startLine - b.startLine || a.startCol - b.startCol || a.endLine - b.endLine || a.endCol - b.endCol || a.id.localeCompare(b.id) || a.message.localeCompare(b.message);

/** Can the annotation be written under its start line (the line exists and the carets fit after `//`)? */
function placeable(parsed: ParsedFixture, a: Annotation): boolean {
	const file = parsed.files.find((f) => f.path === a.file);
	if (!file || a.startLine >= file.lines.length || file.annotationLines.has(a.startLine)) return false;
	if (a.endLine > a.startLine && (a.endLine >= file.lines.length || file.annotationLines.has(a.endLine))) return false;
	return a.startCol >= 2 && !(a.endLine === a.startLine && a.endCol < a.startCol) && a.endLine >= a.startLine;
}

function renderAnnotation(file: FixtureFile, a: Annotation): string {
	const plain = a.endLine === a.startLine && a.endCol > a.startCol;
	const carets = '^'.repeat(plain ? a.endCol - a.startCol : 1);
	const code = codeLines(file);
	const end = plain ? '' : ` {end +${code.indexOf(a.endLine) - code.indexOf(a.startLine)}:${a.endCol}}`;
	return `//${' '.repeat(a.startCol - 2)}${carets}${end} ${a.severity}[${a.id}]: ${a.message}`;
}

/** The fixture text with its annotations replaced by `items`. */
export function renderFixture(parsed: ParsedFixture, items: readonly Annotation[]): string {
	const sorted = [...items].sort(order);
	const unplaced = sorted.filter((a) => !placeable(parsed, a));
	const out: string[] = [...parsed.preamble];
	for (const file of parsed.files) {
		if (parsed.markers) out.push(`//- ${file.path}`);
		file.lines.forEach((line, i) => {
			if (file.annotationLines.has(i)) return;
			out.push(line);
			for (const a of sorted) if (a.file === file.path && a.startLine === i && placeable(parsed, a)) out.push(renderAnnotation(file, a));
		});
	}
	for (const a of unplaced) out.push(`//! ${a.file}:${a.startLine}:${a.startCol}-${a.endLine}:${a.endCol} ${a.severity}[${a.id}]: ${a.message}`);
	// A trailing empty line of the source stays where it was.
	return out.join('\n');
}

/** Resolves and analyses a fixture (no assertions). */
export function analyseFixture(fixture: string, options: FixtureOptions = {}): { parsed: ParsedFixture; analysis: BoardAnalysis } {
	const parsed = parseFixture(fixture);
	const files: Record<string, string> = {};
	for (const f of parsed.files) files[f.path] = f.lines.join('\n');
	const frontend = createFrontend(memoryFileSystem(files));
	const analysis = analyseBoard(frontend, parsed.board, {
		includePaths: options.includePaths ?? ['/include'],
		...(options.defines ? { defines: options.defines } : {}),
		...(options.kernel !== undefined ? { kernel: options.kernel } : {}),
		...(options.whatIf ? { whatIf: options.whatIf } : {}),
		...(options.profiles ? { profiles: options.profiles } : {}),
	});
	return { parsed, analysis };
}

/** The result of comparing a fixture's annotations with the analysis. */
export interface FindingsComparison {
	ok: boolean;
	expected: string;
	actual: string;
}

export function compareFindings(fixture: string, options: FixtureOptions = {}): FindingsComparison & { analysis: BoardAnalysis } {
	const { parsed, analysis } = analyseFixture(fixture, options);
	const actualItems = analysis.items.map(toAnnotation);
	const exp = parsed.expected.map(key).sort();
	const act = actualItems.map(key).sort();
	const ok = exp.length === act.length && exp.every((k, i) => k === act[i]);
	return { ok, expected: renderFixture(parsed, parsed.expected), actual: renderFixture(parsed, actualItems), analysis };
}

/**
 * Asserts that the fixture's annotations are exactly the analysis' items. On a mismatch the failure
 * shows the fixture re-rendered with the actual items against the fixture as written.
 */
export function checkFindings(fixture: string, options: FixtureOptions = {}): BoardAnalysis {
	const { ok, expected, actual, analysis } = compareFindings(fixture, options);
	if (!ok) {
		// toEqual on the two renderings gives a line diff; the message carries the whole actual text.
		expect(actual, `findings differ; the fixture with the actual findings:\n${actual}\n`).toEqual(expected);
	}
	return analysis;
}

/** test/fixtures. */
export const FIXTURES = resolve(__dirname, '../fixtures');

/** A fixture file under test/fixtures. */
export function readFixture(relative: string): string {
	return readFileSync(resolve(FIXTURES, relative), 'utf8');
}

/** One master's outcomes, as the expectations of fixture tests write them. */
export interface OutcomeExpectation {
	outcomes: string[];
	orderDependent: boolean;
}

/** Every master of the probe simulation: path → its distinct outcomes (`describeOutcome`) and order dependence. */
export function outcomesOf(analysis: BoardAnalysis): Record<string, OutcomeExpectation> {
	const out: Record<string, OutcomeExpectation> = {};
	for (const m of analysis.simulation.result.masters) out[m.path] = { outcomes: m.outcomes.map((o) => describeOutcome(o.outcome)), orderDependent: m.orderDependent };
	return out;
}
