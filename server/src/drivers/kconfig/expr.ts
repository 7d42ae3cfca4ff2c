/**
 * Kconfig expressions (`A && (B || !C)`, `FOO = y`, `BAR != "x"`) and tristate logic: n = 0, m = 1,
 * y = 2; `&&` is min, `||` max, `!` is 2 - x, comparisons give y or n.
 */
export type Tri = 0 | 1 | 2;

export type Expr =
	| { readonly kind: 'sym'; readonly name: string }
	| { readonly kind: 'const'; readonly value: string }
	| { readonly kind: 'not'; readonly arg: Expr }
	| { readonly kind: 'and' | 'or'; readonly left: Expr; readonly right: Expr }
	| { readonly kind: 'cmp'; readonly op: '=' | '!=' | '<' | '>' | '<=' | '>='; readonly left: Expr; readonly right: Expr };

export const triName = (t: Tri): 'n' | 'm' | 'y' => (t === 2 ? 'y' : t === 1 ? 'm' : 'n');
export const triOf = (s: string | undefined): Tri => (s === 'y' ? 2 : s === 'm' ? 1 : 0);

/** Parses an expression; undefined on a syntax error. */
export function parseExpr(text: string): Expr | undefined {
	const tokens = text.match(/"(?:[^"\\]|\\.)*"|'[^']*'|&&|\|\||!=|<=|>=|[!()=<>]|[^\s!()=<>&|"']+/g) ?? [];
	let i = 0;
	const peek = (): string | undefined => tokens[i];
	const primary = (): Expr | undefined => {
		const t = tokens[i++];
		if (t === undefined) return undefined;
		if (t === '!') {
			const arg = primary();
			return arg ? { kind: 'not', arg } : undefined;
		}
		if (t === '(') {
			const e = or();
			if (tokens[i++] !== ')') return undefined;
			return e;
		}
		let left: Expr = /^["']/.test(t) ? { kind: 'const', value: t.slice(1, -1) } : /^(y|m|n|-?\d+|0x[0-9a-fA-F]+)$/.test(t) ? { kind: 'const', value: t } : { kind: 'sym', name: t };
		const op = peek();
		if (op === '=' || op === '!=' || op === '<' || op === '>' || op === '<=' || op === '>=') {
			i++;
			const r = tokens[i++];
			if (r === undefined) return undefined;
			const right: Expr = /^["']/.test(r) ? { kind: 'const', value: r.slice(1, -1) } : /^(y|m|n|-?\d+|0x[0-9a-fA-F]+)$/.test(r) ? { kind: 'const', value: r } : { kind: 'sym', name: r };
			left = { kind: 'cmp', op, left, right };
		}
		return left;
	};
	const and = (): Expr | undefined => {
		let l = primary();
		while (l && peek() === '&&') {
			i++;
			const r = primary();
			if (!r) return undefined;
			l = { kind: 'and', left: l, right: r };
		}
		return l;
	};
	const or = (): Expr | undefined => {
		let l = and();
		while (l && peek() === '||') {
			i++;
			const r = and();
			if (!r) return undefined;
			l = { kind: 'or', left: l, right: r };
		}
		return l;
	};
	const e = or();
	return e && i === tokens.length ? e : undefined;
}

/** The symbols an expression mentions. */
export function exprSymbols(e: Expr | undefined, out: string[] = []): string[] {
	if (!e) return out;
	switch (e.kind) {
		case 'sym':
			if (!out.includes(e.name)) out.push(e.name);
			break;
		case 'const':
			break;
		case 'not':
			exprSymbols(e.arg, out);
			break;
		default:
			exprSymbols(e.left, out);
			exprSymbols(e.right, out);
	}
	return out;
}

/** Evaluates with `value(sym)` giving a symbol's tristate (and `text(sym)` its string value for comparisons). */
export function evalExpr(e: Expr, value: (name: string) => Tri, text: (name: string) => string): Tri {
	switch (e.kind) {
		case 'sym':
			return value(e.name);
		case 'const':
			return triOf(e.value);
		case 'not':
			return (2 - evalExpr(e.arg, value, text)) as Tri;
		case 'and':
			return Math.min(evalExpr(e.left, value, text), evalExpr(e.right, value, text)) as Tri;
		case 'or':
			return Math.max(evalExpr(e.left, value, text), evalExpr(e.right, value, text)) as Tri;
		case 'cmp': {
			const str = (x: Expr): string => (x.kind === 'const' ? x.value : x.kind === 'sym' ? text(x.name) : triName(evalExpr(x, value, text)));
			const a = str(e.left);
			const b = str(e.right);
			const na = Number(a);
			const nb = Number(b);
			const numeric = a !== '' && b !== '' && !Number.isNaN(na) && !Number.isNaN(nb);
			const c = numeric ? na - nb : a < b ? -1 : a > b ? 1 : 0;
			const r = e.op === '=' ? c === 0 : e.op === '!=' ? c !== 0 : e.op === '<' ? c < 0 : e.op === '>' ? c > 0 : e.op === '<=' ? c <= 0 : c >= 0;
			return r ? 2 : 0;
		}
	}
}
