/**
 * The preprocessor conditions of a C file: every `#if`/`#ifdef`/`#ifndef`/`#elif`/`#else`/`#endif`
 * with its span, and for any offset the stack of conditions that must hold for the text there to be
 * compiled. A line scan (comments and strings aware enough for directives), independent of the parse,
 * so it works on text tree-sitter cannot parse.
 */
import { lineStarts, positionAt, type Span } from '../../base/source';

/** One condition that must hold at a place: the directive's text, negated for `#else`/`#elif` siblings. */
export interface PreprocCondition {
	/** `ifdef`, `ifndef`, `if` or `elif` (the directive whose branch holds). */
	readonly directive: 'ifdef' | 'ifndef' | 'if' | 'elif' | 'else';
	/** The expression as written (`CONFIG_RPMSG` for `#ifdef CONFIG_RPMSG`). */
	readonly expr: string;
	/**
	 * True when this branch is taken when `expr` holds; false for an `#else` (or for the negated earlier
	 * siblings of an `#elif`).
	 */
	readonly holds: boolean;
	/** The directive line. */
	readonly span: Span;
	/** The `CONFIG_*` symbols the expression mentions (without the prefix). */
	readonly configs: readonly string[];
}

/** One `#if`-group directive line, as written. */
export interface Directive {
	readonly kind: 'if' | 'ifdef' | 'ifndef' | 'elif' | 'else' | 'endif';
	readonly expr: string;
	readonly span: Span;
	/** Offset of the start of the line and of the end of the (continued) line. */
	readonly start: number;
	readonly end: number;
}

export interface ConditionMap {
	readonly directives: readonly Directive[];
	/** The conditions in force at `offset`, outermost first (each `#elif` contributes its negated siblings too). */
	at(offset: number): PreprocCondition[];
}

const CONFIG_RE = /\bCONFIG_([A-Za-z0-9_]+)/g;

/** Symbols named in an expression (`CONFIG_FOO_MODULE` names `FOO`, as `IS_ENABLED` reads it). */
export function configsOf(expr: string): string[] {
	const out: string[] = [];
	for (const m of expr.matchAll(CONFIG_RE)) {
		const name = (m[1] as string).replace(/_MODULE$/, '');
		if (!out.includes(name)) out.push(name);
	}
	return out;
}

interface Region {
	/** Text range the branch covers. */
	from: number;
	to: number;
	conds: PreprocCondition[];
}

/** Scans the directives of `text` (a file named `file`). */
export function scanConditions(file: string, text: string): ConditionMap {
	const starts = lineStarts(text);
	const directives: Directive[] = [];
	const span = (a: number, b: number): Span => ({ file, start: positionAt(starts, a), end: positionAt(starts, b) });
	let inComment = false;
	for (let li = 0; li < starts.length; li++) {
		const lineStart = starts[li] as number;
		let lineEnd = li + 1 < starts.length ? (starts[li + 1] as number) - 1 : text.length;
		let line = text.slice(lineStart, lineEnd);
		if (inComment) {
			const close = line.indexOf('*/');
			if (close < 0) continue;
			inComment = false;
			line = ' '.repeat(close + 2) + line.slice(close + 2);
		}
		const m = /^\s*#\s*(ifdef|ifndef|if|elif|else|endif)\b(.*)$/.exec(line);
		if (m) {
			let expr = m[2] as string;
			// Continued lines.
			while (expr.endsWith('\\') && li + 1 < starts.length) {
				li++;
				const s = starts[li] as number;
				lineEnd = li + 1 < starts.length ? (starts[li + 1] as number) - 1 : text.length;
				expr = `${expr.slice(0, -1)} ${text.slice(s, lineEnd)}`;
			}
			expr = expr.replace(/\/\*.*?\*\//g, ' ').replace(/\/\/.*$/, '');
			if (expr.includes('/*')) {
				inComment = true;
				expr = expr.slice(0, expr.indexOf('/*'));
			}
			const trimmedEnd = lineEnd > lineStart && text.charCodeAt(lineEnd - 1) === 13 ? lineEnd - 1 : lineEnd;
			directives.push({ kind: m[1] as Directive['kind'], expr: expr.trim(), span: span(lineStart + (line.length - line.trimStart().length), trimmedEnd), start: lineStart, end: lineEnd });
			continue;
		}
		// Track block comments opened on ordinary lines (so a `#if` inside a comment is ignored).
		let i = 0;
		while (i < line.length) {
			const open = line.indexOf('/*', i);
			if (open < 0) break;
			const line2 = line.indexOf('//', i);
			if (line2 >= 0 && line2 < open) break;
			const close = line.indexOf('*/', open + 2);
			if (close < 0) {
				inComment = true;
				break;
			}
			i = close + 2;
		}
	}
	// Regions: each branch of each group, with the conditions that hold inside it.
	const regions: Region[] = [];
	interface Group {
		parent: PreprocCondition[];
		earlier: Directive[];
		current: Directive;
		from: number;
	}
	const stack: Group[] = [];
	const condsOf = (g: Group): PreprocCondition[] => {
		const out = [...g.parent];
		for (const d of g.earlier) out.push(cond(d, false));
		if (g.current.kind !== 'else') out.push(cond(g.current, true));
		else if (g.earlier.length === 0) out.push(cond(g.current, true));
		return out;
	};
	const cond = (d: Directive, holds: boolean): PreprocCondition => {
		if (d.kind === 'else') return { directive: 'else', expr: '', holds: true, span: d.span, configs: [] };
		return { directive: d.kind === 'endif' ? 'if' : d.kind, expr: d.expr, holds, span: d.span, configs: configsOf(d.expr) };
	};
	const top = (): PreprocCondition[] => (stack.length === 0 ? [] : condsOf(stack[stack.length - 1] as Group));
	for (const d of directives) {
		if (d.kind === 'if' || d.kind === 'ifdef' || d.kind === 'ifndef') {
			stack.push({ parent: top(), earlier: [], current: d, from: d.end });
		} else if (d.kind === 'elif' || d.kind === 'else') {
			const g = stack[stack.length - 1];
			if (!g) continue;
			regions.push({ from: g.from, to: d.start, conds: condsOf(g) });
			g.earlier.push(g.current);
			g.current = d;
			g.from = d.end;
		} else {
			const g = stack.pop();
			if (!g) continue;
			regions.push({ from: g.from, to: d.start, conds: condsOf(g) });
		}
	}
	for (const g of stack) regions.push({ from: g.from, to: text.length, conds: condsOf(g) });
	return {
		directives,
		at(offset) {
			// The innermost region containing the offset carries its whole stack.
			let best: Region | undefined;
			for (const r of regions) if (offset >= r.from && offset < r.to && (!best || r.conds.length > best.conds.length)) best = r;
			return best ? best.conds : [];
		},
	};
}
