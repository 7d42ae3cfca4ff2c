/**
 * Facts from one C file of a driver, read with tree-sitter-c and tolerant of kernel idioms the
 * grammar does not know: annotation macros are blanked to same-length spaces before parsing (offsets
 * stay exact), file-scope macro invocations (`module_platform_driver(x);`, `IOMMU_OF_DECLARE(...)`)
 * parse as calls, and the parts the parse still cannot read (ERROR nodes) are pattern-scanned for the
 * same facts. Without a grammar, the whole file is pattern-scanned.
 */
import type { Grammar, SyntaxNode, SyntaxQuery } from '../../syntax/parser';
import { lineStarts, positionAt, type Diagnostic, type Span } from '../../base/source';
import { blankAnnotations } from './blank';
import { configsOf, scanConditions, type ConditionMap } from './preproc';
import type {
	BusSetIommuFact,
	CallFact,
	CFileFacts,
	CGuard,
	DriverBus,
	DriverStruct,
	FactBase,
	FieldAssignFact,
	FunctionFact,
	IommuOps,
	ModuleParamFact,
	OfDeclareFact,
	OfMatchEntry,
	OfMatchTable,
	Registration,
} from './types';
import { isEmpty } from './types';

/** Calls recorded as `CallFact`s. */
export const INTERESTING_CALLS: ReadonlySet<string> = new Set([
	'iommu_device_register', 'iommu_device_sysfs_add', 'iommu_present', 'iommu_device_set_ops',
	'of_find_matching_node', 'of_find_matching_node_and_match', 'for_each_matching_node', 'for_each_matching_node_and_match', 'of_device_is_available',
	'dma_set_mask', 'dma_set_mask_and_coherent', 'dma_set_coherent_mask', 'dma_coerce_mask_and_coherent',
	'of_dma_configure', 'of_dma_configure_id', 'dma_alloc_coherent', 'dmam_alloc_coherent', 'dma_alloc_attrs', 'set_dma_ops', 'arch_setup_dma_ops',
	'of_platform_populate', 'devm_of_platform_populate', 'iommu_fwspec_init', 'iommu_fwspec_add_ids',
	'platform_driver_register', '__platform_driver_register', 'amba_driver_register', 'pci_register_driver', '__pci_register_driver',
	'register_rpmsg_driver', '__register_rpmsg_driver', 'register_virtio_driver', 'i2c_add_driver', 'spi_register_driver', 'platform_register_drivers',
]);

/** Driver structure types and their bus. */
const DRIVER_TYPES: Readonly<Record<string, DriverBus>> = {
	platform_driver: 'platform',
	amba_driver: 'amba',
	pci_driver: 'pci',
	rpmsg_driver: 'rpmsg',
	virtio_driver: 'virtio',
	i2c_driver: 'i2c',
	spi_driver: 'spi',
	fsl_mc_driver: 'fsl-mc',
	host1x_driver: 'host1x',
	spmi_driver: 'spmi',
};

/** Bus variables of `bus_set_iommu()` and the bus they are. */
const BUS_VARIABLES: Readonly<Record<string, string>> = {
	platform_bus_type: 'platform',
	amba_bustype: 'amba',
	pci_bus_type: 'pci',
	rpmsg_bus: 'rpmsg',
	virtio_bus: 'virtio',
	fsl_mc_bus_type: 'fsl-mc',
	host1x_bus_type: 'host1x',
	spmi_bus_type: 'spmi',
};

const ASSIGN_FIELDS = new Set(['dma_ops', 'iommu_ops', 'iommu_fwspec', 'dma_mask', 'coherent_dma_mask']);
const GUARD_RE = /\b(IS_ENABLED|IS_REACHABLE|IS_BUILTIN|IS_MODULE)\s*\(/;

/** The level a registration macro runs at when built in, or undefined when it is not one. */
export function registrationOf(macro: string): { kind: 'driver-macro' | 'initcall'; level: string } | undefined {
	if (macro === 'module_init' || macro === 'module_driver') return { kind: macro === 'module_init' ? 'initcall' : 'driver-macro', level: 'device' };
	if (/^(module|builtin)_\w+_driver$/.test(macro)) return { kind: 'driver-macro', level: 'device' };
	const m = /^(pure|core|postcore|arch|subsys|fs|rootfs|device|late|early)_initcall(_sync)?$/.exec(macro);
	if (m) return { kind: 'initcall', level: `${m[1]}${m[2] ?? ''}` };
	return undefined;
}

/** A C extractor over a loaded grammar and the project's `driver-facts.scm` query. */
export interface CExtractor {
	extract(file: string, text: string): CFileFacts;
}

/** Builds an extractor; without a grammar every file is pattern-scanned. */
export function createCExtractor(grammar: Grammar | undefined, querySource: string | undefined): CExtractor {
	const query = grammar && querySource ? grammar.query(querySource) : undefined;
	return { extract: (file, text) => extractC(file, text, grammar, query) };
}

interface Ctx {
	file: string;
	text: string;
	starts: number[];
	conds: ConditionMap;
	functions: FunctionFact[];
}

const spanOf = (ctx: Ctx, a: number, b: number): Span => ({ file: ctx.file, start: positionAt(ctx.starts, a), end: positionAt(ctx.starts, b) });

function enclosingFunction(ctx: Ctx, offset: number): FunctionFact | undefined {
	for (const f of ctx.functions) if (offset >= f.bodyStart && offset < f.bodyEnd) return f;
	return undefined;
}

function base(ctx: Ctx, a: number, b: number, guards: CGuard[] = [], recovered = false): FactBase {
	const fn = enclosingFunction(ctx, a);
	return { span: spanOf(ctx, a, b), ...(fn ? { function: fn.name } : {}), conditions: ctx.conds.at(a), guards, ...(recovered ? { recovered: true } : {}) };
}

/** The C-level `if (IS_ENABLED(...))` guards around a node. */
function guardsOf(ctx: Ctx, node: SyntaxNode): CGuard[] {
	const out: CGuard[] = [];
	let child: SyntaxNode = node;
	for (let p = node.parent; p; child = p, p = p.parent) {
		if (p.type !== 'if_statement') continue;
		const cond = p.childForFieldName('condition');
		if (!cond || !GUARD_RE.test(cond.text) || child.startIndex === cond.startIndex) continue;
		const alt = p.childForFieldName('alternative');
		const holds = !(alt && child.startIndex >= alt.startIndex && child.endIndex <= alt.endIndex);
		out.unshift({ expr: cond.text.replace(/^\(|\)$/g, '').trim(), holds, span: spanOf(ctx, cond.startIndex, cond.endIndex), configs: configsOf(cond.text) });
	}
	return out;
}

/** The identifier a declarator declares (through pointers, arrays, function declarators, parentheses). */
function declaredName(node: SyntaxNode | null): string | undefined {
	for (let n = node; n; ) {
		if (n.type === 'identifier' || n.type === 'field_identifier') return n.text;
		const next: SyntaxNode | null = n.childForFieldName('declarator') ?? (n.type === 'parenthesized_declarator' ? n.namedChild(0) : null);
		n = next;
	}
	return undefined;
}

/** A C string literal's value (concatenated literals joined, escapes kept). */
function stringValue(text: string): string | undefined {
	const parts = [...text.matchAll(/"((?:[^"\\]|\\.)*)"/g)].map((m) => m[1] as string);
	return parts.length > 0 ? parts.join('') : undefined;
}

/** Designated fields of an initializer list, flattened: `.driver.name` → `driver.name`. */
function designatedFields(list: SyntaxNode, prefix = ''): Map<string, SyntaxNode> {
	const out = new Map<string, SyntaxNode>();
	for (let i = 0; i < list.namedChildCount; i++) {
		const pair = list.namedChild(i);
		if (!pair || pair.type !== 'initializer_pair') continue;
		const des = pair.childForFieldName('designator') ?? pair.namedChild(0);
		const value = pair.childForFieldName('value') ?? pair.namedChild(pair.namedChildCount - 1);
		if (!des || !value) continue;
		const name = des.text.replace(/^\./, '').trim();
		out.set(prefix + name, value);
		if (value.type === 'initializer_list') for (const [k, v] of designatedFields(value, `${prefix}${name}.`)) out.set(k, v);
	}
	return out;
}

/** `of_match_ptr(x)` / `&x` / `x` → `x`. */
const unwrapName = (text: string): string => text.replace(/^of_match_ptr\s*\(\s*(\w+)\s*\)$/, '$1').replace(/^&\s*/, '').trim();

function extractC(file: string, original: string, grammar: Grammar | undefined, query: SyntaxQuery | undefined): CFileFacts {
	const { text } = blankAnnotations(original);
	const ctx: Ctx = { file, text, starts: lineStarts(text), conds: scanConditions(file, text), functions: [] };
	const tables: OfMatchTable[] = [];
	const drivers: DriverStruct[] = [];
	const registrations: Registration[] = [];
	const ops: IommuOps[] = [];
	const calls: CallFact[] = [];
	const allCalls: Array<{ callee: string; args: string[]; start: number; end: number; node?: SyntaxNode }> = [];
	const assigns: FieldAssignFact[] = [];
	const declares: OfDeclareFact[] = [];
	const vars = new Map<string, string>();
	const diagnostics: Diagnostic[] = [];
	const errors: Array<{ start: number; end: number }> = [];
	let recoveredCount = 0;
	let tree;
	if (grammar && query) {
		tree = grammar.parse(text);
		const caps = query.captures(tree.rootNode);
		// Functions first: every other fact looks up its enclosing function.
		for (const c of caps) {
			if (c.name !== 'function') continue;
			const n = c.node;
			const decl = n.childForFieldName('declarator');
			let fd: SyntaxNode | null = decl;
			while (fd && fd.type !== 'function_declarator') fd = fd.childForFieldName('declarator');
			const body = n.childForFieldName('body');
			const name = declaredName(fd?.childForFieldName('declarator') ?? null);
			if (!name || !body) continue;
			ctx.functions.push({ name, span: spanOf(ctx, n.startIndex, n.endIndex), params: fd?.childForFieldName('parameters')?.text ?? '', calls: [], bodyStart: body.startIndex, bodyEnd: body.endIndex });
		}
		for (const c of caps) {
			const n = c.node;
			switch (c.name) {
				case 'call': {
					const callee = n.childForFieldName('function')?.text ?? '';
					const argList = n.childForFieldName('arguments');
					const args: string[] = [];
					for (let i = 0; argList && i < argList.namedChildCount; i++) {
						const a = argList.namedChild(i) as SyntaxNode;
						if (a.type !== 'comment') args.push(a.text);
					}
					allCalls.push({ callee, args, start: n.startIndex, end: n.endIndex, node: n });
					break;
				}
				case 'struct': {
					const type = n.childForFieldName('type')?.childForFieldName('name')?.text ?? '';
					const init = n.childForFieldName('declarator');
					const name = declaredName(init?.childForFieldName('declarator') ?? null);
					const list = init?.childForFieldName('value');
					if (!name || !list) break;
					structFact(ctx, type, name, n.startIndex, n.endIndex, list, tables, drivers, ops, guardsOf(ctx, n));
					break;
				}
				case 'var': {
					const name = declaredName(n.childForFieldName('declarator'));
					const value = n.childForFieldName('value');
					if (name && value) vars.set(name, value.text.replace(/\s+/g, ' '));
					break;
				}
				case 'assign': {
					const left = n.childForFieldName('left');
					const field = left?.childForFieldName('field')?.text ?? '';
					if (!left || !ASSIGN_FIELDS.has(field)) break;
					const right = n.childForFieldName('right');
					assigns.push({ ...base(ctx, n.startIndex, n.endIndex, guardsOf(ctx, n)), field: field as FieldAssignFact['field'], object: left.childForFieldName('argument')?.text ?? '', value: right?.text ?? '' });
					break;
				}
				case 'error':
					break;
			}
		}
		// Scan every top-level item with an error (ERROR or MISSING nodes) together with the item
		// before it: a construct the grammar could not read often starts in the item before.
		const root = tree.rootNode;
		for (let k = 0; k < root.childCount; k++) {
			const item = root.child(k) as SyntaxNode;
			if (!item.hasError && item.type !== 'ERROR') continue;
			const prev = k > 0 ? (root.child(k - 1) as SyntaxNode) : undefined;
			errors.push({ start: prev && prev.type !== 'comment' ? prev.startIndex : item.startIndex, end: item.endIndex });
		}
	} else {
		errors.push({ start: 0, end: text.length });
	}
	// Pattern scan of the parts the parse could not read.
	const outer = errors.filter((e) => !errors.some((o) => o !== e && o.start <= e.start && o.end >= e.end && (o.start < e.start || o.end > e.end)));
	for (const e of outer) recoveredCount += scanRegion(ctx, e.start, e.end, tables, drivers, ops, allCalls, vars, assigns);
	if (grammar && errors.length > 0 && recoveredCount > 0) {
		diagnostics.push({ severity: 'info', code: 'c-recovered', message: `${errors.length} part(s) of this file did not parse as C; ${recoveredCount} fact(s) were recovered from them by pattern scans.`, span: spanOf(ctx, outer[0]?.start ?? 0, outer[0]?.end ?? 0) });
	}
	// Calls: the call graph, registrations, declares, module parameters, interesting calls.
	allCalls.sort((a, b) => a.start - b.start);
	const params: ModuleParamFact[] = [];
	for (const call of allCalls) {
		const fn = enclosingFunction(ctx, call.start);
		if (fn) (fn.calls as string[]).push(call.callee);
		const guards = call.node ? guardsOf(ctx, call.node) : [];
		const b = base(ctx, call.start, call.end, guards, !call.node);
		const reg = fn ? undefined : registrationOf(call.callee);
		if (reg && call.args[0]) registrations.push({ ...b, macro: call.callee, level: reg.level, target: unwrapName(call.args[0]), kind: reg.kind });
		else if (!fn && call.callee === 'IOMMU_OF_DECLARE' && call.args.length >= 2) declares.push({ ...b, name: call.args[0] as string, compatible: stringValue(call.args[1] as string) ?? '' });
		else if (!fn && (call.callee === 'module_param' || call.callee === 'module_param_named') && call.args.length >= 3) {
			const named = call.callee === 'module_param_named';
			const variable = (named ? call.args[1] : call.args[0]) as string;
			const init = vars.get(variable);
			params.push({ ...b, name: call.args[0] as string, variable, type: (named ? call.args[2] : call.args[1]) as string, ...(init !== undefined ? { initializer: init } : {}) });
		} else if (INTERESTING_CALLS.has(call.callee)) calls.push({ ...b, callee: call.callee, args: call.args });
	}
	const busSet = busSetIommuFacts(ctx, allCalls, drivers, registrations, calls);
	const argsCountChecks: Array<{ expected: number; message?: string; span: Span }> = [];
	for (const m of text.matchAll(/args(?:\.|->)args_count\s*!=\s*(\d+)\s*\)\s*\{?\s*(?:dev_err|pr_err)\s*\((?:[^,"]*,)?\s*"((?:[^"\\]|\\.)*)"/g)) {
		const at = m.index as number;
		argsCountChecks.push({ expected: Number(m[1]), message: (m[2] as string).replace(/\\n$/, '').replace(/%pOF/g, '%s'), span: spanOf(ctx, at, at + m[0].length) });
	}
	const paramPrefix = /#\s*define\s+MODULE_PARAM_PREFIX\s+"([^"]*)"/.exec(text)?.[1];
	const facts: CFileFacts = {
		file,
		ofMatchTables: dedupe(tables),
		drivers: dedupe(drivers),
		registrations,
		iommuOps: dedupe(ops),
		busSetIommu: busSet,
		calls,
		fieldAssigns: assigns,
		ofDeclares: declares,
		moduleParams: params,
		functions: ctx.functions,
		argsCountChecks,
		directives: ctx.conds.directives,
		...(paramPrefix !== undefined ? { paramPrefix } : {}),
		parseErrors: errors.length,
		recovered: recoveredCount,
		diagnostics,
	};
	tree?.delete();
	if (isEmpty(facts)) diagnostics.push({ severity: 'info', code: 'c-no-facts', message: `${file}: no driver facts (no of_device_id table, driver structure, registration, IOMMU or DMA call) found in this file.`, span: spanOf(ctx, 0, 0) });
	return facts;
}

function dedupe<T extends FactBase & ({ name: string } | { variable: string })>(list: T[]): T[] {
	const seen = new Set<string>();
	return list.filter((x) => {
		const key = 'name' in x ? x.name : x.variable;
		if (seen.has(key)) return false;
		seen.add(key);
		return true;
	});
}

function structFact(ctx: Ctx, type: string, name: string, start: number, end: number, list: SyntaxNode, tables: OfMatchTable[], drivers: DriverStruct[], ops: IommuOps[], guards: CGuard[]): void {
	if (type === 'of_device_id') {
		const entries: OfMatchEntry[] = [];
		for (let i = 0; i < list.namedChildCount; i++) {
			const entry = list.namedChild(i);
			if (!entry || entry.type !== 'initializer_list') continue;
			const fields = designatedFields(entry);
			const compat = fields.get('compatible');
			const value = compat ? stringValue(compat.text) : undefined;
			if (value === undefined) continue;
			const data = fields.get('data');
			entries.push({ compatible: value, ...(data ? { data: data.text } : {}), span: spanOf(ctx, compat!.startIndex, compat!.endIndex) });
		}
		tables.push({ ...base(ctx, start, end, guards), name, entries });
	} else if (type in DRIVER_TYPES) {
		const f = designatedFields(list);
		const nameNode = f.get('driver.name') ?? f.get('drv.name') ?? f.get('name');
		const match = f.get('driver.of_match_table') ?? f.get('drv.of_match_table');
		const probe = f.get('probe');
		const literal = nameNode ? stringValue(nameNode.text) : undefined;
		drivers.push({
			...base(ctx, start, end, guards),
			variable: name,
			structType: type,
			bus: DRIVER_TYPES[type] as DriverBus,
			...(literal !== undefined ? { name: literal } : {}),
			...(match ? { ofMatchTable: unwrapName(match.text) } : {}),
			...(probe ? { probe: unwrapName(probe.text) } : {}),
		});
	} else if (type === 'iommu_ops') {
		ops.push({ ...base(ctx, start, end, guards), variable: name, fields: [...designatedFields(list).keys()] });
	}
}

/** The balanced-parenthesis end of a call whose `(` is at `open`, or -1. */
function closeParen(text: string, open: number, limit: number): number {
	let depth = 0;
	for (let i = open; i < limit; i++) {
		const c = text[i];
		if (c === '"') {
			for (i++; i < limit && text[i] !== '"'; i++) if (text[i] === '\\') i++;
		} else if (c === '(') depth++;
		else if (c === ')' && --depth === 0) return i;
	}
	return -1;
}

/** Top-level comma split of an argument list text. */
function splitArgs(s: string): string[] {
	const out: string[] = [];
	let depth = 0;
	let cur = '';
	for (const c of s) {
		if (c === '(' || c === '{' || c === '[') depth++;
		else if (c === ')' || c === '}' || c === ']') depth--;
		if (c === ',' && depth === 0) {
			out.push(cur.trim());
			cur = '';
		} else cur += c;
	}
	if (cur.trim() !== '') out.push(cur.trim());
	return out;
}

/** Text with comments and string contents blanked (for pattern scans). */
function codeOnly(text: string): string {
	return text.replace(/\/\*[\s\S]*?\*\/|\/\/[^\n]*/g, (m) => m.replace(/[^\n]/g, ' '));
}

/**
 * Pattern scans of a region the parse could not read: `of_device_id` tables, driver and `iommu_ops`
 * structures, calls (registration macros, `bus_set_iommu`, the DMA helpers), `->dma_ops =`
 * assignments, and function headers (so the calls get their function). Returns the facts added.
 */
function scanRegion(ctx: Ctx, start: number, end: number, tables: OfMatchTable[], drivers: DriverStruct[], ops: IommuOps[], calls: Array<{ callee: string; args: string[]; start: number; end: number }>, vars: Map<string, string>, assigns: FieldAssignFact[]): number {
	const region = codeOnly(ctx.text.slice(start, end));
	let added = 0;
	// Function headers: `name(params) {` at the start of a line or after a type; bodies by brace matching.
	for (const m of region.matchAll(/(?:^|\n)[\w \t*]*?\b([A-Za-z_]\w*)\s*\(([^;{}()]*(?:\([^()]*\)[^;{}()]*)*)\)\s*\{/g)) {
		const name = m[1] as string;
		if (['if', 'for', 'while', 'switch', 'return', 'sizeof'].includes(name) || ctx.functions.some((f) => f.name === name)) continue;
		const open = start + (m.index as number) + m[0].length - 1;
		let depth = 0;
		let i = open;
		for (; i < end; i++) {
			if (ctx.text[i] === '{') depth++;
			else if (ctx.text[i] === '}' && --depth === 0) break;
		}
		ctx.functions.push({ name, span: spanOf(ctx, start + (m.index as number), i + 1), params: m[2] as string, calls: [], bodyStart: open, bodyEnd: i + 1 });
	}
	for (const m of region.matchAll(/struct\s+(\w+)\s+(\w+)\s*(\[\s*\])?\s*=\s*\{/g)) {
		const type = m[1] as string;
		const name = m[2] as string;
		const open = start + (m.index as number) + m[0].length - 1;
		let depth = 0;
		let i = open;
		for (; i < end; i++) {
			if (ctx.text[i] === '{') depth++;
			else if (ctx.text[i] === '}' && --depth === 0) break;
		}
		const body = ctx.text.slice(open, i + 1);
		const b = base(ctx, start + (m.index as number), i + 1, [], true);
		if (type === 'of_device_id' && !tables.some((t) => t.name === name)) {
			const entries: OfMatchEntry[] = [];
			for (const e of body.matchAll(/\.compatible\s*=\s*"([^"]*)"/g)) entries.push({ compatible: e[1] as string, span: spanOf(ctx, open + (e.index as number), open + (e.index as number) + e[0].length) });
			tables.push({ ...b, name, entries });
			added++;
		} else if (type in DRIVER_TYPES && !drivers.some((d) => d.variable === name)) {
			const lit = /\.name\s*=\s*"([^"]*)"/.exec(body)?.[1];
			const match = /\.of_match_table\s*=\s*(?:of_match_ptr\s*\(\s*)?(\w+)/.exec(body)?.[1];
			const probe = /\.probe\s*=\s*(\w+)/.exec(body)?.[1];
			drivers.push({ ...b, variable: name, structType: type, bus: DRIVER_TYPES[type] as DriverBus, ...(lit !== undefined ? { name: lit } : {}), ...(match ? { ofMatchTable: match } : {}), ...(probe ? { probe } : {}) });
			added++;
		} else if (type === 'iommu_ops' && !ops.some((o) => o.variable === name)) {
			ops.push({ ...b, variable: name, fields: [...body.matchAll(/\.(\w+)\s*=/g)].map((x) => x[1] as string) });
			added++;
		}
	}
	for (const m of region.matchAll(/\b([A-Za-z_]\w*)\s*\(/g)) {
		const callee = m[1] as string;
		const interesting = callee === 'bus_set_iommu' || callee === 'IOMMU_OF_DECLARE' || callee.startsWith('module_param') || INTERESTING_CALLS.has(callee) || registrationOf(callee) !== undefined || ctx.functions.some((f) => f.name === callee);
		if (!interesting) continue;
		const at = start + (m.index as number);
		if (calls.some((c) => c.start === at)) continue;
		const open = at + m[0].length - 1;
		const close = closeParen(ctx.text, open, end);
		if (close < 0) continue;
		// A definition's header, not a call.
		if (/^\s*\{/.test(ctx.text.slice(close + 1, close + 40))) continue;
		calls.push({ callee, args: splitArgs(ctx.text.slice(open + 1, close)), start: at, end: close + 1 });
		added++;
	}
	for (const m of region.matchAll(/static\s+[\w\s]*?\b(\w+)\s*=\s*([^;{]+);/g)) if (!vars.has(m[1] as string)) vars.set(m[1] as string, (m[2] as string).trim().replace(/\s+/g, ' '));
	// `(?<!...)`: a match starts only where a run of the object's characters starts (the same matches; linear on long runs).
	for (const m of region.matchAll(/(?<![\w>.\-&()])([\w>.\-&()]+?)(?:->|\.)(dma_ops|iommu_ops)\s*=\s*([^;=]+);/g)) {
		const at = start + (m.index as number);
		assigns.push({ ...base(ctx, at, at + m[0].length, [], true), field: m[2] as FieldAssignFact['field'], object: m[1] as string, value: (m[3] as string).trim() });
		added++;
	}
	return added;
}

// ---- bus_set_iommu() --------------------------------------------------------------------------

function functionText(ctx: Ctx, f: FunctionFact): string {
	return ctx.text.slice(f.bodyStart, f.bodyEnd);
}

/** True when the call's result is returned by its function (directly, or through a variable that is tested and returned). */
function propagates(ctx: Ctx, call: { start: number; end: number; node?: SyntaxNode }, fn: FunctionFact): boolean {
	const before = ctx.text.slice(fn.bodyStart, call.start);
	const stmtStart = Math.max(before.lastIndexOf(';'), before.lastIndexOf('{'), before.lastIndexOf('}'));
	const head = before.slice(stmtStart + 1).trim();
	if (/^return\b/.test(head)) return true;
	const after = ctx.text.slice(call.end, fn.bodyEnd);
	if (/^if\s*\(\s*!?\s*$/.test(head) || /^if\s*\(.*$/.test(head)) return /^\s*[^;{]*?\)\s*(\{\s*)?(return\b|goto\b)/.test(after);
	const assigned = /(?<!\w)(\w+)\s*=\s*$/.exec(head)?.[1];
	if (!assigned) return false;
	const v = assigned.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
	return new RegExp(`if\\s*\\(\\s*(?:${v}|${v}\\s*(?:<|!=)\\s*0|IS_ERR_VALUE\\(${v}\\))\\s*\\)\\s*(?:\\{[^}]*?)?\\b(?:return|goto)\\b|return\\s+${v}\\s*;`).test(after);
}

/** A path of function names from `root` to `target` through the file's call graph (BFS), or undefined. */
function pathTo(ctx: Ctx, root: string, target: string): string[] | undefined {
	const byName = new Map(ctx.functions.map((f) => [f.name, f]));
	const prev = new Map<string, string>([[root, '']]);
	const queue = [root];
	while (queue.length > 0) {
		const n = queue.shift() as string;
		if (n === target) {
			const path = [n];
			for (let p = prev.get(n); p; p = prev.get(p)) path.unshift(p);
			return path;
		}
		for (const c of byName.get(n)?.calls ?? []) if (!prev.has(c) && byName.has(c)) {
			prev.set(c, n);
			queue.push(c);
		}
	}
	return undefined;
}

function busSetIommuFacts(ctx: Ctx, all: Array<{ callee: string; args: string[]; start: number; end: number; node?: SyntaxNode }>, drivers: DriverStruct[], regs: Registration[], calls: CallFact[]): BusSetIommuFact[] {
	const out: BusSetIommuFact[] = [];
	const probes = drivers.map((d) => d.probe).filter((p): p is string => p !== undefined);
	const inits = regs.filter((r) => r.kind === 'initcall').map((r) => r.target);
	const byName = new Map(ctx.functions.map((f) => [f.name, f]));
	for (const call of all) {
		if (call.callee !== 'bus_set_iommu') continue;
		const fn = enclosingFunction(ctx, call.start);
		const busArg = call.args[0] ?? '';
		const busVar = busArg.replace(/^&\s*/, '').trim();
		const bus = BUS_VARIABLES[busVar] ?? (/rpmsg/.test(busVar) ? 'rpmsg' : undefined);
		let from: BusSetIommuFact['from'] = 'unknown';
		let via: string[] = fn ? [fn.name] : [];
		if (fn) {
			const viaProbe = probes.map((p) => pathTo(ctx, p, fn.name)).find((p) => p !== undefined);
			const viaInit = inits.map((p) => pathTo(ctx, p, fn.name)).find((p) => p !== undefined);
			if (viaProbe) [from, via] = ['probe', viaProbe];
			else if (viaInit) [from, via] = ['initcall', viaInit];
		}
		// Guard: an enclosing `if (!iommu_present(...))`.
		let guarded = false;
		if (call.node) {
			let child: SyntaxNode = call.node;
			for (let p = call.node.parent; p && p.type !== 'function_definition'; child = p, p = p.parent) {
				if (p.type !== 'if_statement') continue;
				const cond = p.childForFieldName('condition');
				const cons = p.childForFieldName('consequence');
				if (cond && cons && child.startIndex >= cons.startIndex && /!\s*iommu_present\s*\(/.test(cond.text)) guarded = true;
			}
		} else if (fn) {
			const before = ctx.text.slice(fn.bodyStart, call.start);
			guarded = /if\s*\(\s*!\s*iommu_present\s*\([^)]*\)\s*\)\s*\{?\s*[^;]*$/.test(before);
		}
		// Error propagation along the chain.
		let propagated = fn !== undefined && propagates(ctx, call, fn);
		for (let i = via.length - 2; propagated && i >= 0; i--) {
			const caller = byName.get(via[i] as string) as FunctionFact;
			const callee = via[i + 1] as string;
			const site = all.find((c) => c.callee === callee && c.start >= caller.bodyStart && c.start < caller.bodyEnd);
			propagated = site !== undefined && propagates(ctx, site, caller);
		}
		// of_find_matching_node() without of_device_is_available() on the way.
		const chainCalls = via.flatMap((n) => byName.get(n)?.calls ?? []);
		const finds = chainCalls.some((c) => c.startsWith('of_find_matching_node') || c.startsWith('for_each_matching_node'));
		const available = chainCalls.includes('of_device_is_available') || via.some((n) => /of_device_is_available/.test(functionText(ctx, byName.get(n) as FunctionFact)));
		out.push({
			...base(ctx, call.start, call.end, call.node ? guardsOf(ctx, call.node) : [], !call.node),
			busArg,
			...(bus ? { bus } : {}),
			ops: call.args[1] ?? '',
			from,
			via,
			guardedByIommuPresent: guarded,
			errorPropagated: !guarded && propagated,
			afterMatchingNodeWithoutAvailability: finds && !available,
		});
	}
	void calls;
	return out;
}
