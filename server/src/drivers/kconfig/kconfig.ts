/**
 * Kconfig files: `config`/`menuconfig` symbols with their type, prompt, `depends on` (including the
 * enclosing `if`/`menu` dependencies), `select`/`imply` (with `if`), `default` (with `if`) and
 * `def_bool`/`def_tristate`, across `source`d files (paths relative to the tree root, `$(srctree)/`
 * accepted, `rsource` relative to the current file, `osource` optional, globs when a lister is given,
 * `$(VAR)` and `$VAR` from `env`: kbuild's `ARCH` and `SRCARCH`, see `arch.ts`; a `source` line with
 * a variable `env` lacks is a diagnostic, not a path tried).
 * Help texts are skipped by indentation, as the kconfig lexer does.
 */
import { lineStarts, paths, positionAt, type Diagnostic, type FileSystem, type Span } from '../../base/source';
import { parseExpr, type Expr } from './expr';

export type SymbolType = 'bool' | 'tristate' | 'string' | 'int' | 'hex' | 'unknown';

export interface Conditional<T> {
	readonly value: T;
	readonly cond?: Expr;
}

export interface KconfigSymbol {
	readonly name: string;
	type: SymbolType;
	/** Every definition site (a symbol may be defined in several places). */
	readonly spans: Span[];
	readonly prompts: Conditional<string>[];
	/** Each `depends on` (and the enclosing `if`/menu dependencies), ANDed. */
	readonly depends: Expr[];
	readonly defaults: Conditional<Expr>[];
	readonly selects: Conditional<string>[];
	readonly implies: Conditional<string>[];
	/** Symbols that select this one: [selector, condition]. Filled after parsing. */
	readonly selectedBy: Array<{ readonly by: string; readonly cond?: Expr }>;
	menuconfig: boolean;
}

export interface KconfigModel {
	readonly root: string;
	readonly symbols: ReadonlyMap<string, KconfigSymbol>;
	readonly files: readonly string[];
	readonly diagnostics: readonly Diagnostic[];
}

export interface KconfigOptions {
	/** The tree root; `Kconfig` at the root is read first. */
	readonly root: string;
	readonly fs: FileSystem;
	/** The top file (default `<root>/Kconfig`). */
	readonly top?: string;
	/** Lists the files of a folder (for `source "arch/*\/Kconfig"` globs); without it globs are skipped with a note. */
	readonly list?: (dir: string) => readonly string[];
	/** Environment for `$(VAR)` in `source` paths (`SRCARCH` ...). */
	readonly env?: Readonly<Record<string, string>>;
}

/** Reads a Kconfig tree. Never throws: missing files become diagnostics. */
export function parseKconfigTree(options: KconfigOptions): KconfigModel {
	const symbols = new Map<string, KconfigSymbol>();
	const files: string[] = [];
	const diagnostics: Diagnostic[] = [];
	const top = options.top ?? paths.join(options.root, 'Kconfig');
	/** `how`: the `source` line and its variables' values, when the path came from variables. */
	const visit = (file: string, inherited: Expr[], from?: Span, optional = false, how?: string): void => {
		if (files.includes(file)) return;
		const text = options.fs.readFile(file);
		if (text === undefined) {
			if (!optional) diagnostics.push({ severity: 'warning', code: 'kconfig-missing-source', message: `cannot read Kconfig file ${file}${how ? ` (${how})` : ''}`, span: from ?? { file, start: { line: 0, col: 0 }, end: { line: 0, col: 0 } } });
			return;
		}
		files.push(file);
		parseFile(file, text, inherited);
	};
	/**
	 * The variables of a `source` path: `$(VAR)`, and `$VAR` as Kconfig before 4.18 wrote it
	 * (`source "arch/$SRCARCH/Kconfig"`). `$(srctree)` is the root. Those `env` lacks stay as written
	 * and are listed in `unknown`; `used` gives the values of the others (for messages).
	 */
	const expandVars = (raw: string): { path: string; unknown: string[]; used: string[] } => {
		const unknown: string[] = [];
		const used: string[] = [];
		const path = raw.replace(/\$\((\w+)\)|\$(\w+)/g, (whole: string, a: string | undefined, b: string | undefined) => {
			const v = (a ?? b) as string;
			if (v === 'srctree') return '';
			const value = options.env?.[v];
			if (value === undefined) {
				if (!unknown.includes(whole)) unknown.push(whole);
				return whole;
			}
			if (!used.includes(`${v}=${value}`)) used.push(`${v}=${value}`);
			return value;
		});
		return { path, unknown, used };
	};
	const expandPath = (raw: string, file: string, relative: boolean): string[] => {
		const p = expandVars(raw).path.replace(/^\/+/, '');
		const full = relative ? paths.join(paths.dirname(file), p) : paths.join(options.root, p);
		if (!/[*?[]/.test(full)) return [full];
		if (!options.list) return [];
		// List from the deepest folder without a wildcard.
		const fixed = full.slice(0, full.search(/[*?[]/));
		const dir = fixed.endsWith('/') ? fixed.slice(0, -1) : paths.dirname(fixed);
		return options.list(dir).filter((f) => globMatch(full, f)).sort();
	};
	const parseFile = (file: string, text: string, inherited: Expr[]): void => {
		const starts = lineStarts(text);
		const lines = text.split(/\r\n|\n|\r/);
		const depStack: Expr[][] = [inherited];
		const current = (): Expr[] => depStack.flat();
		let sym: KconfigSymbol | undefined;
		let inChoice = 0;
		const cond = (rest: string): { value: string; cond?: Expr } => {
			// `(?<!\s)`: a whitespace run is tried from its start only (same match; linear, not quadratic, on long runs).
			const m = /^(.*?)(?<!\s)\s+if\s+(.+)$/.exec(rest);
			if (!m) return { value: rest.trim() };
			const c = parseExpr(m[2] as string);
			return { value: (m[1] as string).trim(), ...(c ? { cond: c } : {}) };
		};
		const unquote = (s: string): string => s.replace(/^"(.*)"$/, '$1').replace(/^'(.*)'$/, '$1');
		let pendingMenuDeps: Expr[] | undefined;
		for (let li = 0; li < lines.length; li++) {
			let line = (lines[li] as string).replace(/(?<!\s)\s+#.*$/, '').replace(/^\s*#.*$/, '');
			while (line.endsWith('\\') && li + 1 < lines.length) line = line.slice(0, -1) + ' ' + (lines[++li] as string);
			const trimmed = line.trim();
			if (trimmed === '') continue;
			const span = (): Span => ({ file, start: positionAt(starts, starts[li] as number), end: positionAt(starts, (starts[li] as number) + (lines[li] as string).length) });
			const [kw, ...restParts] = trimmed.split(/\s+/);
			const rest = trimmed.slice((kw as string).length).trim();
			if (kw === 'help' || kw === '---help---') {
				// Skip the help text: from the first non-blank line, every line at least as indented (and blank lines).
				const width = (l: string): number => (l.match(/^[ \t]*/)?.[0] ?? '').replace(/\t/g, '        ').length;
				const own = width(lines[li] as string);
				let indent = -1;
				while (li + 1 < lines.length) {
					const next = lines[li + 1] as string;
					if (next.trim() === '') {
						li++;
						continue;
					}
					const w = width(next);
					if (indent < 0) {
						if (w <= own) break;
						indent = w;
					}
					if (w < indent) break;
					li++;
				}
				continue;
			}
			switch (kw) {
				case 'config':
				case 'menuconfig': {
					const name = restParts[0] as string;
					sym = symbols.get(name);
					if (!sym) {
						sym = { name, type: 'unknown', spans: [], prompts: [], depends: [], defaults: [], selects: [], implies: [], selectedBy: [], menuconfig: false };
						symbols.set(name, sym);
					}
					sym.spans.push(span());
					if (kw === 'menuconfig') sym.menuconfig = true;
					sym.depends.push(...current());
					pendingMenuDeps = undefined;
					continue;
				}
				case 'choice':
					inChoice++;
					sym = undefined;
					continue;
				case 'endchoice':
					inChoice = Math.max(0, inChoice - 1);
					sym = undefined;
					continue;
				case 'menu':
					depStack.push([]);
					pendingMenuDeps = depStack[depStack.length - 1];
					sym = undefined;
					continue;
				case 'endmenu':
					if (depStack.length > 1) depStack.pop();
					sym = undefined;
					pendingMenuDeps = undefined;
					continue;
				case 'if': {
					const e = parseExpr(rest);
					depStack.push(e ? [e] : []);
					sym = undefined;
					continue;
				}
				case 'endif':
					if (depStack.length > 1) depStack.pop();
					sym = undefined;
					continue;
				case 'comment':
				case 'mainmenu':
					sym = undefined;
					continue;
				case 'source':
				case 'rsource':
				case 'osource':
				case 'orsource': {
					const target = unquote(rest);
					const optional = kw.startsWith('o');
					sym = undefined;
					// A variable the environment lacks (kbuild sets ARCH and SRCARCH): not a path to try.
					const vars = expandVars(target);
					if (vars.unknown.length > 0) {
						diagnostics.push({ severity: optional ? 'info' : 'warning', code: 'kconfig-missing-source', message: `${kw} "${target}": ${vars.unknown.join(', ')} ${vars.unknown.length > 1 ? 'are' : 'is'} not set, so this file is not read`, span: span() });
						continue;
					}
					const how = vars.used.length > 0 ? `${kw} "${target}" with ${vars.used.join(', ')}` : undefined;
					const list = expandPath(target, file, kw === 'rsource' || kw === 'orsource');
					if (list.length === 0 && /[*?[]/.test(target) && !options.list) diagnostics.push({ severity: 'info', code: 'kconfig-glob-skipped', message: `source "${target}": globs need a directory lister; skipped`, span: span() });
					for (const f of list) visit(f, current(), span(), optional || /[*?[]/.test(target), how);
					continue;
				}
			}
			if (kw === 'depends' && restParts[0] === 'on') {
				const e = parseExpr(rest.replace(/^on\s+/, ''));
				if (!e) continue;
				if (sym) sym.depends.push(e);
				else if (pendingMenuDeps) pendingMenuDeps.push(e);
				continue;
			}
			if (kw === 'visible') continue;
			if (!sym) continue;
			switch (kw) {
				case 'bool':
				case 'boolean':
				case 'tristate':
				case 'string':
				case 'int':
				case 'hex': {
					sym.type = kw === 'boolean' ? 'bool' : kw;
					if (rest) {
						const c = cond(rest);
						sym.prompts.push({ value: unquote(c.value), ...(c.cond ? { cond: c.cond } : {}) });
					}
					break;
				}
				case 'def_bool':
				case 'def_tristate': {
					sym.type = kw === 'def_bool' ? 'bool' : 'tristate';
					const c = cond(rest);
					const e = parseExpr(c.value);
					if (e) sym.defaults.push({ value: e, ...(c.cond ? { cond: c.cond } : {}) });
					break;
				}
				case 'prompt': {
					const c = cond(rest);
					sym.prompts.push({ value: unquote(c.value), ...(c.cond ? { cond: c.cond } : {}) });
					break;
				}
				case 'default': {
					const c = cond(rest);
					const e = parseExpr(c.value);
					if (e) sym.defaults.push({ value: e, ...(c.cond ? { cond: c.cond } : {}) });
					break;
				}
				case 'select':
				case 'imply': {
					const c = cond(rest);
					(kw === 'select' ? sym.selects : sym.implies).push({ value: c.value, ...(c.cond ? { cond: c.cond } : {}) });
					break;
				}
			}
		}
		void inChoice;
	};
	visit(top, []);
	for (const s of symbols.values()) for (const sel of s.selects) symbols.get(sel.value)?.selectedBy.push({ by: s.name, ...(sel.cond ? { cond: sel.cond } : {}) });
	return { root: options.root, symbols, files, diagnostics };
}

/**
 * glob(3) matching of a whole path: `*` and `?` (never across `/`), `[...]` classes (`!`/`^` negates,
 * ranges); an unterminated `[` is a literal. Iterative with one backtrack point per `*` segment, so
 * O(pattern × path) on any input (a regular expression built from the pattern could throw or
 * backtrack exponentially).
 */
export function globMatch(pattern: string, path: string): boolean {
	/** Length of the class at `pattern[i] === '['`, or 0 when it is not a class; sets `hit` for `c`. */
	const classAt = (i: number, c: string): { len: number; hit: boolean } => {
		let j = i + 1;
		const negate = pattern[j] === '!' || pattern[j] === '^';
		if (negate) j++;
		let hit = false;
		let first = true;
		for (; j < pattern.length; j++) {
			const ch = pattern[j]!;
			if (ch === ']' && !first) return { len: j - i + 1, hit: hit !== negate && c !== '/' };
			first = false;
			if (pattern[j + 1] === '-' && j + 2 < pattern.length && pattern[j + 2] !== ']') {
				if (c >= ch && c <= pattern[j + 2]!) hit = true;
				j += 2;
			} else if (c === ch) hit = true;
		}
		return { len: 0, hit: false };
	};
	let p = 0;
	let s = 0;
	let starP = -1;
	let starS = -1;
	while (s < path.length) {
		const c = path[s]!;
		const pc = pattern[p];
		if (pc === '*') {
			starP = ++p;
			starS = s;
			continue;
		}
		if (pc !== undefined) {
			if (pc === '?' && c !== '/') {
				p++;
				s++;
				continue;
			}
			if (pc === '[') {
				const k = classAt(p, c);
				if (k.len > 0 ? k.hit : c === '[') {
					p += k.len > 0 ? k.len : 1;
					s++;
					continue;
				}
			} else if (pc !== '?' && pc === c) {
				p++;
				s++;
				continue;
			}
		}
		// Mismatch: let the last `*` take one more character (never a `/`).
		if (starP < 0 || path[starS] === '/') return false;
		starS++;
		s = starS;
		p = starP;
	}
	while (pattern[p] === '*') p++;
	return p === pattern.length;
}
