/**
 * Finding: tristate-ifdef
 *
 * Triggers on `#ifdef CONFIG_X`, `#ifndef CONFIG_X` or `#if defined(CONFIG_X)` where the scanned
 * Kconfig declares X `tristate`: with X=m the kernel defines only `CONFIG_X_MODULE`, so the block is
 * compiled out (the 2018 rpmsg patch: `#ifdef CONFIG_RPMSG` in built-in arm-smmu code, with RPMSG
 * tristate and only selected). Warning. The fix data proposes `#if IS_ENABLED(CONFIG_X)`, or
 * `#if IS_REACHABLE(CONFIG_X)` when the file's own symbol can be y while X is m (built-in code would
 * call into the module X: a link failure with IS_ENABLED). Related: the Kconfig definition of X, the
 * file's own symbol, and the configuration line when one is given.
 */
import type { Finding, RelatedRef } from '../../../../emulator/src';
import type { Expr } from '../kconfig/expr';
import { fileSymbol } from '../sources';
import type { DriverCheckContext } from './context';

/** True when `sym` (transitively through `depends on`) depends on `target`. */
function dependsOn(ctx: DriverCheckContext, sym: string, target: string, seen = new Set<string>()): boolean {
	if (seen.has(sym)) return false;
	seen.add(sym);
	const s = ctx.sources.kconfig?.symbols.get(sym);
	if (!s) return false;
	// Only ANDed terms bound the value: look at top-level conjuncts.
	const conjuncts = (e: Expr): Expr[] => (e.kind === 'and' ? [...conjuncts(e.left), ...conjuncts(e.right)] : [e]);
	for (const d of s.depends) for (const c of conjuncts(d)) {
		if (c.kind === 'sym' && (c.name === target || dependsOn(ctx, c.name, target, seen))) return true;
	}
	return false;
}

export function check(ctx: DriverCheckContext): Finding[] {
	const out: Finding[] = [];
	const kconfig = ctx.sources.kconfig;
	if (!kconfig) return out;
	for (const f of ctx.sources.files) {
		const seen = new Set<string>();
		const own = fileSymbol(ctx.sources, f.file);
		const ownSym = own ? kconfig.symbols.get(own) : undefined;
		for (const d of f.directives) {
			if (d.kind !== 'ifdef' && d.kind !== 'ifndef' && d.kind !== 'if' && d.kind !== 'elif') continue;
			const c = { directive: d.kind, expr: d.expr, span: d.span };
			const key = `${c.span.start.line}`;
			if (seen.has(key)) continue;
			seen.add(key);
			const m = c.directive === 'ifdef' || c.directive === 'ifndef' ? /^CONFIG_(\w+)$/.exec(c.expr.trim()) : /^!?\s*defined\s*\(?\s*CONFIG_(\w+)\s*\)?$/.exec(c.expr.trim());
			if (!m) continue;
			const name = m[1] as string;
			if (name.endsWith('_MODULE')) continue;
			const sym = kconfig.symbols.get(name);
			if (!sym || sym.type !== 'tristate') continue;
			const ownCanBeY = !ownSym || ownSym.type !== 'tristate' || !dependsOn(ctx, ownSym.name, name);
			const macro = ownCanBeY ? 'IS_REACHABLE' : 'IS_ENABLED';
			const negated = c.directive === 'ifndef' || c.expr.trim().startsWith('!');
			const value = ctx.sources.config ? ctx.sources.configuration.value(name) : undefined;
			const selectors = sym.selectedBy.map((s) => s.by);
			const related: RelatedRef[] = [{ loc: sym.spans[0] as RelatedRef['loc'], message: `config ${name} is tristate${sym.prompts.length === 0 ? ' without a prompt' : ''}${selectors.length ? `, selected by ${selectors.join(', ')}` : ''}` }];
			if (ownSym?.spans[0]) related.push({ loc: ownSym.spans[0], message: `this file is built by CONFIG_${ownSym.name} (${ownSym.type})${ownCanBeY ? `, which can be y while ${name} is m` : `, which depends on ${name}`}` });
			const line = ctx.sources.config?.values.get(name);
			if (line) related.push({ loc: line.span, message: `CONFIG_${name}=${value ?? line.value} here` });
			const now = value === 'm' ? ` With this configuration ${name}=m (${ctx.sources.configuration.why(name) ?? ''}), so the block is ${negated ? 'compiled in although the feature is there' : 'compiled out'}.` : '';
			out.push({
				id: 'tristate-ifdef',
				severity: 'warning',
				message: `CONFIG_${name} is tristate: when it is m only CONFIG_${name}_MODULE is defined, so '#${c.directive} ${c.expr}' is false and the block is silently compiled out.${now} Use ${negated ? '!' : ''}${macro}(CONFIG_${name})${ownCanBeY ? ` (this code can be built in while ${name} is a module, and built-in code cannot call into a module)` : ''}.`,
				loc: c.span,
				related,
				fix: { kind: 'replace-ifdef', replacement: `#if ${negated ? '!' : ''}${macro}(CONFIG_${name})`, macro, symbol: name },
			});
		}
	}
	return out;
}
