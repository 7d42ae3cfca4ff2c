/**
 * Hovers: what the board makes of the thing under the cursor, as compact markdown. Chains come from
 * `model/explain.ts` (one hop per line, each with its `file:line`) inside fenced blocks; this module
 * picks the part that applies to the place (the `iommus` entry under the cursor, one `reg` entry, ...)
 * and adds what only the editor shows (the IOMMU inventory, the map tables, macros, includes), then
 * the findings at that place, one line each.
 */
import { address, formatRange, hex, iommu, probe, type DtNodeView } from '../../../emulator/src';
import type { Position, Span } from '../base/source';
import type { MacroRecord, MacroUse } from '../cpp';
import type { DtNode, DtProperty } from '../dts/types';
import type { Section } from '../model/explain';
import { ideContext, outcomeText, type IdeContext } from './context';
import { boardIndex, contains, nodeOf, type Located } from './locate';
import type { BoardSnapshot, HoverResult, IdeQuery } from './types';

/** Lines of a list shown before "… and N more". */
export const MAX_LIST = 16;

export function hover(snapshot: BoardSnapshot, query: IdeQuery): HoverResult | undefined {
	const index = boardIndex(snapshot);
	const here = index.at(query.file, query.position);
	const ctx = ideContext(snapshot);
	const findings = findingsAt(snapshot, query);
	const top = here[0];
	if (!top) {
		if (findings.length === 0) return undefined;
		const item = snapshot.analysis.items.find((i) => contains(i.span, query.file, query.position))!;
		return { markdown: findings.join('\n\n'), span: item.span };
	}
	const parts = describe(ctx, top, here, query.position);
	if (parts.length === 0 && findings.length === 0) return undefined;
	if (findings.length > 0) parts.push(findings.join('  \n'));
	return { markdown: parts.join('\n\n'), span: top.span };
}

/** The findings whose span holds the position, one line each. */
function findingsAt(snapshot: BoardSnapshot, query: IdeQuery): string[] {
	const out: string[] = [];
	for (const item of snapshot.analysis.items) {
		if (!contains(item.span, query.file, query.position)) continue;
		const line = `${item.severity === 'error' ? '⛔' : item.severity === 'warning' ? '⚠' : 'ℹ'} \`${item.id}\`: ${item.message.split('\n')[0]}`;
		if (!out.includes(line)) out.push(line);
	}
	return out;
}

function describe(ctx: IdeContext, top: Located, here: readonly Located[], position: Position): string[] {
	switch (top.kind) {
		case 'include':
			return [`\`${top.directive}\` → ${top.resolved ? `\`${top.resolved}\`` : '**not found**'}`];
		case 'macro-def':
			return macroHover(ctx, top.macro, undefined);
		case 'macro-use':
			return macroHover(ctx, top.use.definition, top.use);
		case 'cell':
		case 'reference':
		case 'string':
		case 'property-name': {
			const prop = top.kind === 'reference' ? top.prop : top.prop;
			const out: string[] = [];
			if (top.kind === 'reference' || (top.kind === 'cell' && top.ref)) {
				const ref = top.kind === 'reference' ? top.ref : top.ref!;
				out.push(refLine(ctx, ref.text, ref.target));
			}
			if (prop) out.push(...propertyHover(ctx, prop, top, position));
			else if (top.kind === 'reference' && top.ref.target) out.push(...nodeHover(ctx, top.ref.target, false));
			const macro = here.find((e): e is Extract<Located, { kind: 'macro-use' }> => e.kind === 'macro-use');
			if (macro && top.kind === 'cell') out.push(...macroHover(ctx, macro.use.definition, macro.use));
			return out;
		}
		case 'label-def':
		case 'node-name': {
			const node = nodeOf(top);
			if (top.kind === 'label-def' && top.prop && !top.node) return [`label \`${top.name}:\` on property \`${top.prop.name}\` of \`${top.prop.node.path}\``];
			if (!node) return [];
			return nodeHover(ctx, node, true);
		}
	}
}

// ---- Nodes ----

function header(ctx: IdeContext, node: DtNode): string {
	const labels = node.labels.map((l) => `&${l.name}`).join(' ');
	const compat = node.property('compatible')?.value.filter((c) => c.kind === 'string').map((c) => c.value);
	const status = node.property('status')?.value.find((c) => c.kind === 'string');
	const bits = [labels, compat && compat.length > 0 ? compat.map((c) => `"${c}"`).join(', ') : '', status ? `status "${status.value}"` : ''].filter(Boolean);
	return `**\`${node.path}\`**${bits.length > 0 ? ` · ${bits.join(' · ')}` : ''}  \n${where(ctx, node)}`;
}

/** Where a node is defined and extended (first few places). */
function where(ctx: IdeContext, node: DtNode): string {
	const defs = node.events.filter((e) => e.kind !== 'delete' && e.span.file);
	const first = defs[0];
	if (!first) return '';
	const rest = defs.slice(1).map((e) => ctx.place(e.span));
	const more = rest.length > 4 ? `, … (${rest.length} in all)` : '';
	return `defined at ${ctx.place(first.span)}${rest.length > 0 ? `; extended at ${rest.slice(0, 4).join(', ')}${more}` : ''}`;
}

function nodeHover(ctx: IdeContext, node: DtNode, withHeader: boolean): string[] {
	const out: string[] = withHeader ? [header(ctx, node)] : [];
	const v = ctx.view(node);
	if (!v) return out;
	const inst = ctx.instance(node.path);
	if (inst) out.push(...iommuInventory(ctx, inst));
	out.push(...blocks(ctx.explain(v)));
	out.push(...masterOutcome(ctx, node.path));
	const region = regionOf(ctx, node.path);
	if (region) out.push(...regionHover(ctx, region));
	return out;
}

/** Sections as markdown: a bold title, then the lines in a fenced block. */
function blocks(sections: readonly Section[]): string[] {
	return sections.filter((s) => s.lines.length > 0).map((s) => `**${s.title}**\n\`\`\`text\n${s.lines.join('\n')}\n\`\`\``);
}

function block(title: string, lines: readonly string[]): string {
	return blocks([{ title, lines: [...lines] }])[0] ?? '';
}

function masterOutcome(ctx: IdeContext, path: string): string[] {
	const m = ctx.probeMaster(path);
	if (!m) return [];
	const lines = m.outcomes.map((o, i) => `${i === 0 ? 'default order' : 'other order'}: ${outcomeText(o.outcome)}${i > 0 || m.outcomes.length > 1 ? ` — ${o.witness.description}` : ''}`);
	return [block(`Probe${m.orderDependent ? ' (depends on probe order)' : ''}`, lines)];
}

// ---- IOMMU nodes ----

function iommuInventory(ctx: IdeContext, inst: iommu.IommuInstanceInfo): string[] {
	const lines: string[] = [];
	const plugin = inst.plugin ? `${inst.plugin.model} (plugin ${inst.plugin.id})` : 'no model for these compatibles';
	lines.push(`${inst.label}: ${plugin}, #iommu-cells = ${inst.iommuCells ?? 'absent'}${inst.available ? '' : ', disabled'}`);
	if (inst.profile.sources.length > 0) lines.push(`profile: ${inst.profile.sources.join(', ')}`);
	const pi = ctx.probeInstance(inst.path);
	const facts = pi?.driver ? ctx.driverFacts().find((f) => f.name === pi.driver) : probe.matchDriver(inst.compatibles, ctx.driverFacts());
	if (facts) {
		const reg = facts.registration;
		lines.push(`driver ${facts.name}${facts.file ? ` (${facts.file})` : ''}: ${reg.macro} → ${reg.level} initcall, built ${facts.build}${reg.loc ? `  (${ctx.place(reg.loc)})` : ''}`);
		if (facts.buildSource) lines.push(`  ${facts.buildSource.symbol ? `${facts.buildSource.symbol}: ` : ''}${facts.buildSource.why}`);
		const c = inst.compatibles.find((x) => facts.compatibles.includes(x));
		const cloc = c ? facts.compatibleLocs?.[c] : undefined;
		if (c) lines.push(`  matches "${c}"${cloc ? `  (${ctx.place(cloc)})` : ''}`);
	} else lines.push('driver: none of the known drivers matches these compatibles');
	const era = probe.eraOf(ctx.version);
	lines.push(`kernel ${probe.formatKernelVersion(ctx.version)}: ${probe.ERA_DESCRIPTIONS[era]}`);
	if (pi) lines.push(`probe: ${pi.state}${pi.states.length > 1 ? ` (over every order: ${pi.states.join(', ')})` : ''}`);
	for (const issue of inst.probeIssues) lines.push(`  probe issue: ${issue.message}  (${ctx.place(issue.loc)})`);
	const usage = ctx.snapshot.attach().usage.get(inst.path);
	if (usage) {
		const u: string[] = [];
		if (usage.smrsTotal !== undefined) u.push(`SMRs ${usage.smrsUsed ?? 0}/${usage.smrsTotal}`);
		if (usage.contextBanksTotal !== undefined) u.push(`context banks ${usage.contextBanksUsed ?? 0}/${usage.contextBanksTotal}`);
		u.push(`groups ${usage.groups}`);
		lines.push(`used: ${u.join(' · ')}`);
	}
	const masters = ctx.mastersOf(inst.path);
	lines.push(`masters (${masters.length}):`);
	for (const m of masters.slice(0, MAX_LIST)) {
		const res = ctx.snapshot.attach().byMaster.get(m.ref.key);
		const slots = (res?.entries ?? []).filter((e) => e.instance === inst.path).map((e) => `${e.stream?.label ?? '?'}${e.group !== undefined ? ` group ${e.group}` : ''}`);
		const pm = ctx.probeMaster(m.ref.node.path);
		const outcome = pm ? pm.outcomes.map((o) => outcomeText(o.outcome)).join(' | ') : (res?.status ?? 'not simulated');
		lines.push(`  ${ctx.short(m.ref.key)}: ${slots.join(', ') || m.entries.map((e) => e.problem ?? '').join(', ')} → ${outcome}`);
	}
	if (masters.length > MAX_LIST) lines.push(`  … and ${masters.length - MAX_LIST} more`);
	return [block('IOMMU', lines)];
}

// ---- Properties ----

/** The hover of a property (name or one of its cells). */
function propertyHover(ctx: IdeContext, prop: DtProperty, at: Located, position: Position): string[] {
	const node = prop.node;
	const v = ctx.view(node);
	const out: string[] = [];
	const onName = at.kind === 'property-name';
	if (onName) out.push(propertyOrigin(ctx, prop, at.kind === 'property-name' && !at.current));
	if (!v) return out;
	const file = at.span.file;
	const entryAt = (loc: Span): boolean => contains(loc, file, position);
	switch (prop.name) {
		case 'reg': {
			const sections = ctx.explain(v).filter((s) => s.title === 'CPU address');
			if (onName) return [...out, ...blocks(sections)];
			const entries = address.translateReg(ctx.snapshot.analysis.view, v);
			const e = entries.find((x) => entryAt(x.loc));
			return [...out, ...blocks(sections.map((s) => ({ ...s, lines: e ? entryLines(s.lines, `reg[${e.index}]`) : s.lines })))];
		}
		case 'iommus': {
			const sections = ctx.explain(v);
			const streams = sections.filter((s) => s.title === 'IOMMU streams');
			const entry = ctx.masters(node.path).flatMap((m) => m.entries).find((e) => entryAt(e.loc));
			const picked = entry && !onName ? streams.map((s) => ({ ...s, lines: entryLines(s.lines, `iommus[${entry.index}]`) })) : streams;
			const extra: string[] = [];
			if (entry?.instance) {
				const inst = entry.instance;
				extra.push(`${inst.label} = ${inst.path}: ${inst.compatibles.map((c) => `"${c}"`).join(', ')}${inst.iommuCells !== undefined ? `, #iommu-cells = <${inst.iommuCells}>` : ''}  (${ctx.place(inst.node.loc)})`);
				if (inst.profile.sources.length > 0) extra.push(`profile: ${inst.profile.sources.join(', ')}`);
			} else if (entry?.problemMessage) extra.push(entry.problemMessage);
			const fastrpc = sections.filter((s) => s.title === 'FastRPC');
			return [...out, ...blocks(picked), ...(extra.length > 0 ? [block('IOMMU', extra)] : []), ...blocks(fastrpc), ...masterOutcome(ctx, node.path)];
		}
		case 'iommu-map':
		case 'msi-map':
		case 'iommu-map-mask':
		case 'msi-map-mask':
			return [...out, ...mapHover(ctx, v, prop.name.startsWith('msi') ? 'msi-map' : 'iommu-map', onName ? undefined : (e) => entryAt(e.loc))];
		case 'memory-region': {
			const sections = ctx.explain(v).filter((s) => s.title === 'Memory regions');
			let idx: number | undefined;
			if (!onName && at.kind === 'cell' && at.cellIndex !== undefined) idx = at.cellIndex;
			const picked = idx !== undefined ? sections.map((s) => ({ ...s, lines: entryLines(s.lines, `memory-region[${idx}]`) })) : sections;
			return [...out, ...blocks(picked), ...consumerView(ctx, v, idx)];
		}
		case 'compatible': {
			const facts = ctx.driverFacts();
			const strings = prop.value.filter((c) => c.kind === 'string').map((c) => c.value);
			const which = at.kind === 'string' ? [at.value] : strings;
			const lines: string[] = [];
			for (const c of which) {
				const d = facts.find((f) => f.compatibles.includes(c));
				if (d) lines.push(`"${c}" → driver ${d.name}${d.file ? ` (${d.file})` : ''}${d.compatibleLocs?.[c] ? `  (${ctx.place(d.compatibleLocs[c]!)})` : ''}`);
			}
			const inst = ctx.instance(node.path);
			if (inst?.plugin) lines.push(`IOMMU model: ${inst.plugin.model}`);
			return lines.length > 0 ? [...out, block('Drivers', lines)] : out;
		}
		case 'dma-ranges':
		case 'dma-coherent':
			return [...out, ...blocks(ctx.explain(v).filter((s) => s.title === 'DMA view'))];
		case 'ranges': {
			// The children's translations go through here: show the node's own entries.
			const lines = rangesLines(ctx, node);
			return lines.length > 0 ? [...out, block('ranges', lines)] : out;
		}
		default:
			return out;
	}
}

/** A property's definition and overrides. */
function propertyOrigin(ctx: IdeContext, prop: DtProperty, replaced: boolean): string {
	const defs = prop.events.filter((e) => e.kind !== 'delete');
	const last = defs[defs.length - 1];
	const head = `\`${prop.name}\` of \`${prop.node.path}\``;
	if (replaced && last) return `${head} — **replaced** by the value at ${ctx.place(last.span)}`;
	const earlier = defs.slice(0, -1).map((e) => ctx.place(e.span));
	return `${head}${last ? ` — value from ${ctx.place(last.span)}` : ''}${earlier.length > 0 ? ` (overrides ${earlier.join(', ')})` : ''}`;
}

/** The block of lines of one entry: its head line (containing `head`) and the indented lines after it. */
function entryLines(lines: readonly string[], head: string): string[] {
	const start = lines.findIndex((l) => !l.startsWith(' ') && (l.startsWith(head) || l.includes(` ${head} `) || l.includes(` ${head}:`)));
	if (start < 0) return [...lines];
	const out = [lines[start]!];
	for (let i = start + 1; i < lines.length && lines[i]!.startsWith(' '); i++) out.push(lines[i]!);
	return out;
}

function rangesLines(ctx: IdeContext, node: DtNode): string[] {
	const prop = node.property('ranges');
	if (!prop) return [];
	if (prop.value.length === 0) return [`empty ranges: child addresses = parent addresses (1:1)  (${ctx.place(prop.span)})`];
	return [`translates ${node.children.length} child node(s); hover a child's reg for its chain  (${ctx.place(prop.span)})`];
}

// ---- iommu-map / msi-map ----

function mapHover(ctx: IdeContext, v: DtNodeView, name: iommu.MapName, pick: ((e: iommu.IdMapEntry) => boolean) | undefined): string[] {
	const view = ctx.snapshot.analysis.view;
	const map = iommu.parseIdMap(view, v, name);
	const other: iommu.MapName = name === 'iommu-map' ? 'msi-map' : 'iommu-map';
	if (!map) return [];
	const lines: string[] = [];
	if (map.error) lines.push(`error ${map.error.errno}: ${map.error.message}`);
	const maskNote = map.mask === 0n ? ': every RID masks to 0x0000' : map.mask !== 0xffffffffn ? `: RIDs are masked before the lookup` : '';
	lines.push(`${name}-mask ${hex(map.mask)}${maskNote}${map.maskProp ? `  (${ctx.place(map.maskProp.loc)})` : ' (default)'}`);
	const targetName = (t: DtNodeView | undefined, ph: number): string => (t ? (t.labels[0] ? `&${t.labels[0]}` : t.path) : `phandle ${ph} (unresolved)`);
	const paired = (rid: bigint): string => {
		const r = iommu.mapId(view, v, other, rid);
		switch (r.kind) {
			case 'absent':
				return `${other} absent`;
			case 'mapped':
				return `${other} → ${targetName(r.target, 0)} ${r.args.map((a) => hex(a)).join(' ')}`;
			case 'no-match':
				return `${other}: no match`;
			case 'error':
				return `${other}: error ${r.errno}`;
		}
	};
	for (const e of map.entries) {
		const mark = pick?.(e) ? '▶ ' : '';
		const rids = e.length > 1n ? `${hex(e.idBase, 4)}-${hex(e.idBase + e.length - 1n, 4)}` : `${hex(e.idBase, 4)}${e.length === 0n ? ' (length 0)' : ''}`;
		const out = e.length > 1n ? `${hex(e.outBase)}-${hex(e.outBase + e.length - 1n)}` : hex(e.outBase);
		lines.push(`${mark}[${e.index}] RID ${rids} → ${targetName(e.target, e.phandle)} ${out}  | ${paired(e.idBase)}  (${ctx.place(e.loc)})`);
	}
	const host = ctx.snapshot.topology().hosts.find((h) => h.node.path === v.path);
	const rids = host?.rids ?? [];
	if (rids.length > 0) {
		lines.push('RIDs under this host:');
		for (const r of rids.slice(0, MAX_LIST)) {
			const sec = ctx.explain(v, r.rid).find((s) => s.title.startsWith('RID'));
			const mapped = sec?.lines.find((l) => l.startsWith(`${name}:`)) ?? '';
			const pairedLine = sec?.lines.find((l) => l.startsWith(`${other}:`)) ?? '';
			lines.push(`  ${r.why}: ${mapped.slice(name.length + 2)}${pairedLine ? `  | ${pairedLine}` : ''}`);
		}
		if (rids.length > MAX_LIST) lines.push(`  … and ${rids.length - MAX_LIST} more`);
	}
	return [block(name, lines)];
}

// ---- memory-region ----

function regionOf(ctx: IdeContext, path: string): address.ReservedRegion | undefined {
	return ctx.reservedMemory().regions.find((r) => r.node === path);
}

function regionHover(ctx: IdeContext, region: address.ReservedRegion): string[] {
	const flags = [region.noMap ? 'no-map' : undefined, region.reusable ? 'reusable' : undefined, ...region.compatibles, region.available ? undefined : 'disabled'].filter(Boolean);
	const lines = [
		`${region.kind === 'static' ? region.ranges.map((r) => formatRange(r.range)).join(', ') : `dynamic${region.size !== undefined ? `, size ${hex(region.size)}` : ''}`}${flags.length > 0 ? ` [${flags.join(', ')}]` : ''}  (${ctx.place(region.loc)})`,
	];
	if (region.problem) lines.push(`refused: ${region.problem}`);
	lines.push(region.users.length > 0 ? `used by ${region.users.map((u) => `${ctx.short(u.node)}[${u.index}]`).join(', ')}` : 'no users');
	return [block('Reserved memory', lines)];
}

/** The region's address as the consumer's DMA sees it (through its `dma-ranges`). */
function consumerView(ctx: IdeContext, v: DtNodeView, idx: number | undefined): string[] {
	const view = ctx.snapshot.analysis.view;
	const topo = ctx.snapshot.topology();
	const report = ctx.snapshot.attach();
	const dma = address.dmaView(view, v, { isBehindIommu: (n) => iommu.isBehindIommu(topo, report, n) });
	const lines: string[] = [];
	for (const region of ctx.reservedMemory().regions) {
		for (const user of region.users) {
			if (user.node !== v.path || (idx !== undefined && user.index !== idx)) continue;
			for (const r of region.ranges) {
				if (dma.emits === 'iova') {
					lines.push(`memory-region[${user.index}]: behind an IOMMU: the driver maps ${formatRange(r.range)} to an IOVA`);
					continue;
				}
				if (dma.windows.length === 0) {
					lines.push(`memory-region[${user.index}]: bus ${formatRange(r.range)} (no dma-ranges: bus = CPU)`);
					continue;
				}
				const w = dma.windows.find((x) => x.cpu && r.range.start >= x.cpu.start && r.range.end <= x.cpu.end);
				if (w && w.cpu) {
					const off = w.dma.start - w.cpu.start;
					lines.push(`memory-region[${user.index}]: bus ${formatRange({ start: r.range.start + off, end: r.range.end + off })} via ${w.owner} dma-ranges[${w.index}]  (${ctx.place(w.loc)})`);
				} else lines.push(`memory-region[${user.index}]: **outside every dma-ranges window** of the device`);
			}
		}
	}
	return lines.length > 0 ? [block("Consumer's view", lines)] : [];
}

// ---- References, macros ----

function refLine(ctx: IdeContext, text: string, target: DtNode | undefined): string {
	const written = text.startsWith('/') || text.includes('/') ? `&{${text}}` : `&${text}`;
	if (!target) return `\`${written}\` → **unresolved**`;
	return `\`${written}\` → \`${target.path}\`  (${ctx.place(target.nameSpan)})`;
}

function macroHover(ctx: IdeContext, def: MacroRecord | undefined, use: MacroUse | undefined): string[] {
	if (!def) return use ? [`\`${use.name}\`: builtin or command-line macro`] : [];
	const head = `#define ${def.name}${def.params ? `(${def.params.join(', ')})` : ''} ${def.body}`;
	const out = [`\`\`\`c\n${head}\n\`\`\`\ndefined at ${ctx.place(def.nameSpan)}`];
	if (use) {
		const text = spanText(ctx, use.span);
		if (text !== undefined) {
			const expanded = expand(ctx, text);
			if (expanded !== undefined && expanded !== text) out.push(`expands to \`${expanded}\`${numeric(expanded)}`);
		}
	} else {
		const uses = boardIndex(ctx.snapshot).usesOf(def).length;
		out.push(`${uses} use${uses === 1 ? '' : 's'} in this board`);
	}
	return out;
}

function spanText(ctx: IdeContext, span: Span): string | undefined {
	const text = ctx.snapshot.text(span.file);
	if (text === undefined) return undefined;
	const lines = text.split('\n', span.end.line + 1);
	if (span.start.line === span.end.line) return lines[span.start.line]?.slice(span.start.col, span.end.col);
	const out = [lines[span.start.line]?.slice(span.start.col) ?? ''];
	for (let l = span.start.line + 1; l < span.end.line; l++) out.push(lines[l] ?? '');
	out.push(lines[span.end.line]?.slice(0, span.end.col) ?? '');
	return out.join(' ');
}

/** ` = 0x1401` when an expansion is a constant integer expression (C operators, no identifiers). */
function numeric(text: string): string {
	const value = evaluate(text);
	return value === undefined ? '' : ` = ${hex(BigInt.asUintN(64, value))}`;
}

/** Evaluates `| ^ & << >> + - * / %`, unary `- ~ + !` and parentheses over integer literals; undefined otherwise. */
function evaluate(text: string): bigint | undefined {
	const toks = text.match(/0[xX][0-9a-fA-F]+[uUlL]*|\d+[uUlL]*|<<|>>|[-+*/%&|^~!()]|\S/g) ?? [];
	let i = 0;
	const levels: ReadonlyArray<readonly string[]> = [['|'], ['^'], ['&'], ['<<', '>>'], ['+', '-'], ['*', '/', '%']];
	const unary = (): bigint => {
		const t = toks[i++];
		if (t === undefined) throw new Error('end');
		if (t === '(') {
			const v = binary(0);
			if (toks[i++] !== ')') throw new Error(')');
			return v;
		}
		if (t === '-') return -unary();
		if (t === '+') return unary();
		if (t === '~') return ~unary();
		if (t === '!') return unary() === 0n ? 1n : 0n;
		if (!/^\d|^0[xX]/.test(t)) throw new Error(t);
		return BigInt(t.replace(/[uUlL]+$/, ''));
	};
	const binary = (level: number): bigint => {
		if (level === levels.length) return unary();
		let v = binary(level + 1);
		while (toks[i] !== undefined && levels[level]!.includes(toks[i]!)) {
			const op = toks[i++]!;
			const r = binary(level + 1);
			if ((op === '/' || op === '%') && r === 0n) throw new Error('div');
			if ((op === '<<' || op === '>>') && (r < 0n || r > 128n)) throw new Error('shift');
			v = op === '|' ? v | r : op === '^' ? v ^ r : op === '&' ? v & r : op === '<<' ? v << r : op === '>>' ? v >> r : op === '+' ? v + r : op === '-' ? v - r : op === '*' ? v * r : op === '/' ? v / r : v % r;
		}
		return v;
	};
	try {
		if (toks.length === 0) return undefined;
		const v = binary(0);
		return i === toks.length ? v : undefined;
	} catch {
		return undefined;
	}
}

/**
 * A display expansion of a macro invocation: arguments substituted into the body, nested macros
 * expanded (by their last definition), `#` and `##` applied simply. For hovers only.
 */
function expand(ctx: IdeContext, text: string, depth = 0, active: ReadonlySet<string> = new Set()): string | undefined {
	if (depth > 16) return text;
	const index = boardIndex(ctx.snapshot);
	let out = '';
	let i = 0;
	const ident = /[A-Za-z_][A-Za-z0-9_]*/y;
	while (i < text.length) {
		ident.lastIndex = i;
		const m = ident.exec(text);
		const prev = i > 0 ? text[i - 1]! : '';
		if (!m || /[A-Za-z0-9_]/.test(prev)) {
			out += text[i];
			i++;
			continue;
		}
		const name = m[0];
		const defs = index.macrosNamed(name);
		const def = defs[defs.length - 1];
		i += name.length;
		if (!def || active.has(name)) {
			out += name;
			continue;
		}
		let args: string[] = [];
		if (def.params) {
			let j = i;
			while (j < text.length && /\s/.test(text[j]!)) j++;
			if (text[j] !== '(') {
				out += name;
				continue;
			}
			let level = 0;
			let cur = '';
			for (j++; j < text.length; j++) {
				const c = text[j]!;
				if (c === '(') level++;
				if (c === ')' && level-- === 0) break;
				if (c === ',' && level === 0 && !(def.variadic && args.length === def.params.length - 1)) {
					args.push(cur.trim());
					cur = '';
				} else cur += c;
			}
			args.push(cur.trim());
			if (args.length === 1 && args[0] === '' && def.params.length === 0) args = [];
			i = j + 1;
		}
		let body = def.body;
		if (def.params) {
			const params = def.params;
			body = body.replace(/#\s*([A-Za-z_][A-Za-z0-9_]*)|[A-Za-z_][A-Za-z0-9_]*/g, (tok: string, str?: string) => {
				if (str !== undefined) {
					const k = params.indexOf(str);
					return k >= 0 ? JSON.stringify(args[k] ?? '') : tok;
				}
				const k = params.indexOf(tok);
				if (k < 0) return tok;
				return params[k] === '__VA_ARGS__' || (def.variadic && k === params.length - 1) ? args.slice(k).join(', ') : (expand(ctx, args[k] ?? '', depth + 1, active) ?? '');
			});
			body = body.replace(/\s*##\s*/g, '');
		}
		out += expand(ctx, body, depth + 1, new Set([...active, name])) ?? body;
	}
	return out;
}
