/**
 * A `.config` or defconfig fragment (`CONFIG_X=y|m|"str"|123`, `# CONFIG_X is not set`) and the
 * evaluation of every Kconfig symbol against it.
 *
 * The evaluation (a reasonable approximation of scripts/kconfig, documented here):
 * - A bool/tristate symbol's upper bound is its `depends on` (ANDed, including enclosing `if`/`menu`).
 *   Its visibility is that bound ANDed with its prompt's condition (no prompt: invisible).
 * - A visible symbol set in the file takes that value, limited by its visibility; a visible symbol the
 *   file does not mention, or an invisible one, takes its first `default` whose `if` holds (limited by
 *   `depends on`), else n (as `make olddefconfig` does).
 * - `select` forces a lower bound whatever the dependencies: the selecting symbol's value ANDed with
 *   the `if`. `imply` is treated as a default-like lower bound limited by the implied symbol's
 *   dependencies, only when the file does not set it.
 * - A bool that comes out m becomes y (kconfig rounds m up for bools, including visibility m).
 * - `MODULES=n` (when the symbol exists and is n) turns every m into y.
 * - Symbols the file sets but no scanned Kconfig defines keep the file's value; symbols neither
 *   defines nor sets are unknown (`undefined`), so a partial tree does not turn them into n.
 * The values are computed to a fixpoint (at most 32 rounds), starting from n.
 */
import { lineStarts, positionAt, type Diagnostic, type Span } from '../../base/source';
import { evalExpr, triName, triOf, type Tri } from './expr';
import type { KconfigModel, KconfigSymbol } from './kconfig';

export type ConfigValue = 'y' | 'm' | 'n';

export interface ConfigFile {
	readonly file: string;
	/** Symbol (without `CONFIG_`) to the value as written (`y`, `m`, `n`, a string or number). */
	readonly values: ReadonlyMap<string, { readonly value: string; readonly span: Span }>;
	readonly diagnostics: readonly Diagnostic[];
}

export function parseConfigFile(file: string, text: string): ConfigFile {
	const starts = lineStarts(text);
	const values = new Map<string, { value: string; span: Span }>();
	const diagnostics: Diagnostic[] = [];
	text.split(/\r\n|\n|\r/).forEach((line, i) => {
		const span: Span = { file, start: positionAt(starts, starts[i] as number), end: positionAt(starts, (starts[i] as number) + line.length) };
		const set = /^\s*CONFIG_(\w+)=(.*)$/.exec(line);
		const unset = /^\s*#\s*CONFIG_(\w+) is not set\s*$/.exec(line);
		if (set) values.set(set[1] as string, { value: (set[2] as string).trim().replace(/^"(.*)"$/, '$1'), span });
		else if (unset) values.set(unset[1] as string, { value: 'n', span });
		else if (line.trim() !== '' && !line.trim().startsWith('#')) diagnostics.push({ severity: 'warning', code: 'config-syntax', message: `not a .config line: ${line.trim()}`, span });
	});
	return { file, values, diagnostics };
}

/** Every symbol's evaluated value. */
export interface Configuration {
	/** y/m/n for a bool/tristate symbol the Kconfig tree defines or the file sets; undefined when unknown. */
	value(symbol: string): ConfigValue | undefined;
	/** The string value of any symbol (`y`/`m`/`n` for tristates). */
	text(symbol: string): string | undefined;
	/** Why a symbol has its value, in a few words (`set to m in defconfig`, `selected by RPMSG_VIRTIO`). */
	why(symbol: string): string | undefined;
}

export function evaluateConfig(model: KconfigModel | undefined, config: ConfigFile | undefined): Configuration {
	const syms: ReadonlyMap<string, KconfigSymbol> = model?.symbols ?? new Map<string, KconfigSymbol>();
	const vals = new Map<string, Tri>();
	const whys = new Map<string, string>();
	const texts = new Map<string, string>();
	for (const [k, v] of config?.values ?? []) texts.set(k, v.value);
	const get = (name: string): Tri => vals.get(name) ?? (syms.has(name) ? 0 : triOf(config?.values.get(name)?.value));
	const text = (name: string): string => texts.get(name) ?? triName(get(name));
	const modulesOff = (): boolean => syms.has('MODULES') && get('MODULES') === 0;
	const impliedBy = new Map<string, Array<{ by: string; cond?: KconfigSymbol['implies'][number]['cond'] }>>();
	for (const other of syms.values()) for (const imp of other.implies) impliedBy.set(imp.value, [...(impliedBy.get(imp.value) ?? []), { by: other.name, ...(imp.cond ? { cond: imp.cond } : {}) }]);
	for (let round = 0; round < 32; round++) {
		let changed = false;
		for (const s of syms.values()) {
			if (s.type !== 'bool' && s.type !== 'tristate' && s.type !== 'unknown') continue;
			const dep = s.depends.reduce<Tri>((acc, e) => Math.min(acc, evalExpr(e, get, text)) as Tri, 2);
			const prompt = s.prompts.find((p) => !p.cond || evalExpr(p.cond, get, text) > 0);
			let vis: Tri = prompt ? (Math.min(dep, prompt.cond ? evalExpr(prompt.cond, get, text) : 2) as Tri) : 0;
			if (s.type === 'bool' && vis === 1) vis = 2;
			const user = config?.values.get(s.name);
			let v: Tri;
			let why: string;
			if (user && vis > 0) {
				v = Math.min(triOf(user.value), vis) as Tri;
				why = `set to ${user.value} in ${config?.file}${v < triOf(user.value) ? `, limited to ${triName(v)} by its dependencies` : ''}`;
			} else {
				const d = s.defaults.find((x) => !x.cond || evalExpr(x.cond, get, text) > 0);
				v = d ? (Math.min(evalExpr(d.value, get, text), dep) as Tri) : 0;
				why = d ? `default${user ? ` (not visible, so the ${config?.file} value is ignored)` : ''}` : user ? `not visible, so the ${config?.file} value is ignored` : 'not set';
			}
			for (const sel of s.selectedBy) {
				const by = Math.min(get(sel.by), sel.cond ? evalExpr(sel.cond, get, text) : 2) as Tri;
				if (by > v) {
					v = by;
					why = `selected by ${sel.by}`;
				}
			}
			if (!user) {
				for (const imp of impliedBy.get(s.name) ?? []) {
					const by = Math.min(get(imp.by), imp.cond ? evalExpr(imp.cond, get, text) : 2, dep) as Tri;
					if (by > v) {
						v = by;
						why = `implied by ${imp.by}`;
					}
				}
			}
			if (v === 1 && (s.type === 'bool' || modulesOff())) v = 2;
			if (vals.get(s.name) !== v) {
				vals.set(s.name, v);
				changed = true;
			}
			whys.set(s.name, why);
		}
		if (!changed) break;
	}
	return {
		value(symbol) {
			if (syms.has(symbol)) {
				const t = syms.get(symbol)?.type;
				if (t === 'string' || t === 'int' || t === 'hex') return undefined;
				return triName(get(symbol));
			}
			const u = config?.values.get(symbol)?.value;
			return u === 'y' || u === 'm' || u === 'n' ? u : undefined;
		},
		text(symbol) {
			if (texts.has(symbol)) return texts.get(symbol);
			if (syms.has(symbol)) {
				const s = syms.get(symbol);
				if (s && (s.type === 'string' || s.type === 'int' || s.type === 'hex')) {
					const d = s.defaults.find((x) => !x.cond);
					return d && d.value.kind === 'const' ? d.value.value : d && d.value.kind === 'sym' ? d.value.name : undefined;
				}
				return triName(get(symbol));
			}
			return undefined;
		},
		why: (symbol) => whys.get(symbol) ?? (config?.values.has(symbol) ? `set in ${config.file}` : undefined),
	};
}
