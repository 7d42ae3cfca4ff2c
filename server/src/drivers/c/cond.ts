/**
 * Whether a preprocessor condition or C guard holds under a configuration: true, false, or
 * undefined when it depends on something the configuration does not know (a macro that is not a
 * `CONFIG_` symbol, a symbol no scanned Kconfig defines). `CONFIG_X` is defined when X=y,
 * `CONFIG_X_MODULE` when X=m; `IS_ENABLED` is y or m, `IS_BUILTIN` y, `IS_MODULE` m, and
 * `IS_REACHABLE(X)` y, or m when the file itself is built as a module.
 */
import type { Configuration } from '../kconfig/config';
import type { CGuard, FactBase, PreprocCondition } from './types';

type T3 = boolean | undefined;

const not = (a: T3): T3 => (a === undefined ? undefined : !a);
const and = (a: T3, b: T3): T3 => (a === false || b === false ? false : a === undefined || b === undefined ? undefined : true);
const or = (a: T3, b: T3): T3 => (a === true || b === true ? true : a === undefined || b === undefined ? undefined : false);

/** Evaluates a `#if` expression (or `#ifdef` name with `defined`). */
export function evalCondition(expr: string, config: Configuration, selfModule: boolean | undefined): T3 {
	const tokens = expr.match(/\w+|&&|\|\||[!()]|==|!=|\S/g) ?? [];
	let i = 0;
	const sym = (name: string): { y: T3; m: T3 } => {
		const m = /^CONFIG_(\w+?)(_MODULE)?$/.exec(name);
		if (!m) return { y: undefined, m: undefined };
		const v = config.value(m[1] as string);
		if (v === undefined) return { y: undefined, m: undefined };
		return m[2] ? { y: v === 'm', m: false } : { y: v === 'y', m: v === 'm' };
	};
	const primary = (): T3 => {
		const t = tokens[i++];
		if (t === '!') return not(primary());
		if (t === '(') {
			const v = orE();
			i++;
			return v;
		}
		if (t === 'defined') {
			const paren = tokens[i] === '(';
			if (paren) i++;
			const name = tokens[i++] ?? '';
			if (paren) i++;
			return sym(name).y;
		}
		if (t === 'IS_ENABLED' || t === 'IS_BUILTIN' || t === 'IS_MODULE' || t === 'IS_REACHABLE') {
			i++;
			const name = tokens[i++] ?? '';
			i++;
			const s = sym(name);
			if (t === 'IS_BUILTIN') return s.y;
			if (t === 'IS_MODULE') return s.m;
			if (t === 'IS_ENABLED') return or(s.y, s.m);
			return or(s.y, and(s.m, selfModule));
		}
		if (t !== undefined && /^\d+$/.test(t)) return Number(t) !== 0;
		if (t !== undefined && /^CONFIG_\w+$/.test(t)) return sym(t).y;
		return undefined;
	};
	const andE = (): T3 => {
		let v = primary();
		while (tokens[i] === '&&') {
			i++;
			v = and(v, primary());
		}
		return v;
	};
	const orE = (): T3 => {
		let v = andE();
		while (tokens[i] === '||') {
			i++;
			v = or(v, andE());
		}
		return v;
	};
	const v = orE();
	return i === tokens.length ? v : undefined;
}

/** One preprocessor condition. */
export function conditionHolds(c: PreprocCondition, config: Configuration, selfModule: boolean | undefined): T3 {
	if (c.directive === 'else') return undefined;
	const v = c.directive === 'ifdef' ? evalCondition(`defined(${c.expr})`, config, selfModule) : c.directive === 'ifndef' ? not(evalCondition(`defined(${c.expr})`, config, selfModule)) : evalCondition(c.expr, config, selfModule);
	return c.holds ? v : not(v);
}

function guardHolds(g: CGuard, config: Configuration, selfModule: boolean | undefined): T3 {
	const v = evalCondition(g.expr, config, selfModule);
	return g.holds ? v : not(v);
}

/** Whether a fact is compiled in (and its C guards hold): false only when some condition is known false. */
export function factActive(f: FactBase, config: Configuration, selfModule: boolean | undefined): T3 {
	let v: T3 = true;
	for (const c of f.conditions) v = and(v, conditionHolds(c, config, selfModule));
	for (const g of f.guards) v = and(v, guardHolds(g, config, selfModule));
	return v;
}
