/**
 * The fuzzing engine shared by the short fixed-seed pass (`test/fuzz/*.test.ts`, part of `npm test`)
 * and the long runs (`npm run fuzz`, scripts/fuzz.mjs, which bundles this file).
 *
 * Every target is a fast-check property over one kind of input: mutations (byte flips, truncations,
 * splices, insertions of generated fragments) of a fixed sample of real files, or generated
 * grammar-ish devicetree and C. The properties: the call never throws, stays under a generous time
 * bound (measured: a synchronous hang cannot be interrupted, only seen), and is deterministic (the
 * same input twice, on fresh state, gives the same printed tree / findings JSON). The syntax target
 * also checks that an incremental tree-sitter parse equals a fresh one.
 *
 * Reproducing a failure: the report names the target, the seed and the fast-check path; run
 * `npm run fuzz -- --target <t> --seed <s> --path <p>` (or `runTarget` with the same options).
 */
import fc from 'fast-check';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { memoryFileSystem, type FileSystem, type Span } from '../../server/src/base/source';
import { createPreprocessor } from '../../server/src/cpp';
import { printDts } from '../../server/src/dts';
import { createFrontend } from '../../server/src/model/board';
import { analyseBoard, analyseDriverSources } from '../../server/src/model/analysis';
import { createSnapshot } from '../../server/src/model/snapshot';
import { codeLenses, definition, documentLinks, documentSymbols, hover, inlayHints, quickFixes, references, workspaceSymbols } from '../../server/src/ide';
import { loadParserRuntime, type Grammar, type ParserRuntime, type SyntaxTree } from '../../server/src/syntax/parser';
import { createCExtractor, type CExtractor } from '../../server/src/drivers/c/extract';
import { readDriverSources } from '../../server/src/drivers/sources';
import { SDM845_LIKE } from '../ide/fixtures';
import { runServerTarget } from './server-engine';

/** Generous bound of one call (a whole board's analysis on a busy, shared 2-core machine). */
export const CALL_BOUND_MS = 10_000;

/** The fixed sample of real files: corpus boards (paths relative to the corpus root) and C files of the repository. */
export const CORPUS_BOARDS: readonly string[] = [
	'src/arm64/arm/juno.dts',
	'src/arm64/arm/foundation-v8.dts',
	'src/arm64/allwinner/sun50i-a64-pine64-plus.dts',
	'src/arm64/rockchip/rk3399-rock-pi-4a.dts',
	'src/arm64/freescale/imx8mq-evk.dts',
	'src/arm64/ti/k3-am625-sk.dts',
	'src/arm64/amlogic/meson-g12b-odroid-n2.dts',
	'src/arm64/qcom/sdm845-db845c.dts',
];
export const C_SAMPLES: readonly string[] = [
	'test/drivers/tree/drivers/iommu/arm-smmu.c',
	'test/drivers/tree/drivers/iommu/arm-smmu-v3.c',
	'test/drivers/tree/drivers/iommu/rockchip-iommu.c',
	'test/drivers/tree/drivers/misc/fastrpc.c',
	'test/drivers/cases/macro-heavy.c',
	'test/drivers/cases/per-device.c',
	'test/drivers/cases/rpmsg-channel-dma.c',
	'test/drivers/cases/tristate-bad.c',
];
const CORPUS_INCLUDES = ['include', 'src', 'src/arm64'];

export type TargetName = 'cpp' | 'dts' | 'emulator' | 'drivers' | 'ide' | 'syntax' | 'server';
/** `server` is the language server over its real transport (test/fuzz/server-engine.ts). */
export const TARGETS: readonly TargetName[] = ['cpp', 'dts', 'emulator', 'drivers', 'ide', 'syntax', 'server'];

export interface Env {
	repoRoot: string;
	corpusRoot: string;
}

// ---------------------------------------------------------------------------------------------------
// Inputs

/** A mutation of a text; places are fractions (in millionths) of the text's length, so they fit any text. */
export type Mutation =
	| { kind: 'flip'; at: number; ch: string }
	| { kind: 'truncate'; at: number }
	| { kind: 'delete'; at: number; len: number }
	| { kind: 'splice'; at: number; from: number; len: number }
	| { kind: 'insert'; at: number; text: string };

const place = fc.integer({ min: 0, max: 1_000_000 });
/** Characters that matter to the lexers, and the awkward ones: NUL, BOM, CR, lone surrogates, U+FFFD, non-ASCII. */
const oddChar = fc.oneof(
	fc.constantFrom('\0', '\uFEFF', '\r', '\n', '\r\n', '{', '}', ';', '<', '>', '(', ')', '[', ']', '"', "'", '/', '*', '#', '&', '\\', ':', '=', ',', '@', '\uD800', '\uDC00', '\uFFFD', 'é', '\u2028', '\t', ' ', '0x', '/*', '//', '\\\n'),
	fc.integer({ min: 0, max: 0xffff }).map((c) => String.fromCharCode(c)),
);

/** A long run of one character (quadratic regular expressions and scanners show up on these). */
const runOf = (max: number): fc.Arbitrary<string> =>
	fc.tuple(fc.constantFrom('a', ' ', '\t', '(', ')', '-', '>', '.', '*', '=', '{', '"', '/', '#', '\\', '0', 'if ', '\n'), fc.integer({ min: 1_000, max })).map(([c, n]) => c.repeat(n));
const longRun = runOf(40_000);
/**
 * Shorter for C: tree-sitter-c's error recovery is superlinear on long runs of unclosed brackets
 * (40k `(`: about 10 s inside the wasm parser, upstream); see the report in ARCHITECTURE.md "Limits".
 */
const cLongRun = runOf(8_000);

export function mutationArb(fragment: fc.Arbitrary<string>): fc.Arbitrary<Mutation> {
	return fc.oneof(
		{ weight: 4, arbitrary: fc.record({ kind: fc.constant('flip' as const), at: place, ch: oddChar }) },
		{ weight: 1, arbitrary: fc.record({ kind: fc.constant('truncate' as const), at: place }) },
		{ weight: 2, arbitrary: fc.record({ kind: fc.constant('delete' as const), at: place, len: fc.integer({ min: 1, max: 400 }) }) },
		{ weight: 2, arbitrary: fc.record({ kind: fc.constant('splice' as const), at: place, from: place, len: fc.integer({ min: 1, max: 600 }) }) },
		{ weight: 3, arbitrary: fc.record({ kind: fc.constant('insert' as const), at: place, text: fragment }) },
	);
}

export function applyMutations(text: string, muts: readonly Mutation[]): string {
	let t = text;
	for (const m of muts) {
		const at = Math.floor((m.at / 1_000_000) * t.length);
		switch (m.kind) {
			case 'flip':
				t = t.slice(0, at) + m.ch + t.slice(at + 1);
				break;
			case 'truncate':
				t = t.slice(0, at);
				break;
			case 'delete':
				t = t.slice(0, at) + t.slice(at + m.len);
				break;
			case 'splice': {
				const from = Math.floor((m.from / 1_000_000) * t.length);
				t = t.slice(0, at) + t.slice(from, from + m.len) + t.slice(at);
				break;
			}
			case 'insert':
				t = t.slice(0, at) + m.text + t.slice(at);
				break;
		}
	}
	return t;
}

const LABELS = ['l0', 'l1', 'l2', 'smmu', 'bus', 'dsp'];
const NAMES = ['node', 'iommu', 'soc', 'bus', 'serial', 'pcie', 'fastrpc', 'compute-cb', 'reserved-memory', 'memory', 'dma-controller', 'remoteproc', 'glink-edge', 'x'];
const PROPS = ['compatible', 'reg', 'ranges', 'dma-ranges', '#address-cells', '#size-cells', 'iommus', '#iommu-cells', 'iommu-map', 'iommu-map-mask', 'msi-map', 'msi-parent', 'memory-region', 'status', 'interrupts', 'phandle', 'dma-coherent', 'label', 'qcom,glink-channels', '#global-interrupts', 'bus-range', 'device_type', 'no-map', 'x'];
const COMPATIBLES = ['arm,mmu-500', 'arm,smmu-v2', 'arm,smmu-v3', 'arm,mmu-401', 'qcom,sdm845-smmu-500', 'rockchip,iommu', 'simple-bus', 'qcom,fastrpc', 'qcom,fastrpc-compute-cb', 'pci-host-ecam-generic', 'arm,gic-v3-its', 'qcom,sdm845-cdsp-pas', 'ti,k3-r5f', 'okay', 'disabled', 'pci'];

const num = fc.oneof(
	fc.integer({ min: 0, max: 8 }).map(String),
	fc.constantFrom('0x0', '0x1', '0xffffffff', '0x100000000', '0xffffffffffffffff', '0x1ffffffffffffffff', '-1', '1ULL', "'a'", '077', '09', '0x', '1U'),
	fc.integer({ min: 0, max: 0xffffffff }).map((n) => `0x${n.toString(16)}`),
);
const expr: fc.Arbitrary<string> = fc.letrec<{ e: string }>((tie) => ({
	e: fc.oneof(
		{ depthSize: 'small', withCrossShrink: true },
		num,
		fc.tuple(tie('e'), fc.constantFrom('+', '-', '*', '/', '%', '<<', '>>', '&', '|', '^', '&&', '||', '==', '<', '>=', '!='), tie('e')).map(([a, o, b]) => `${a} ${o} ${b}`),
		tie('e').map((a) => `(${a})`),
		fc.tuple(fc.constantFrom('-', '~', '!'), tie('e')).map(([o, a]) => `${o}${a}`),
		fc.tuple(tie('e'), tie('e'), tie('e')).map(([a, b, c]) => `${a} ? ${b} : ${c}`),
	),
})).e;
const cell = fc.oneof(num, expr.map((e) => `(${e})`), fc.constantFrom(...LABELS).map((l) => `&${l}`), fc.constant('&{/soc}'), fc.constant('MACRO'), fc.constant('F(1)'));
const value = fc.oneof(
	fc.array(cell, { maxLength: 8 }).map((c) => `<${c.join(' ')}>`),
	fc.tuple(fc.constantFrom('8', '16', '32', '64', '7'), fc.array(cell, { maxLength: 4 })).map(([b, c]) => `/bits/ ${b} <${c.join(' ')}>`),
	fc.constantFrom(...COMPATIBLES).map((s) => `"${s}"`),
	fc.array(fc.constantFrom(...COMPATIBLES), { minLength: 1, maxLength: 3 }).map((a) => a.map((s) => `"${s}"`).join(', ')),
	fc.array(fc.integer({ min: 0, max: 255 }), { maxLength: 6 }).map((b) => `[${b.map((x) => x.toString(16).padStart(2, '0')).join(' ')}]`),
	fc.constantFrom(...LABELS).map((l) => `&${l}`),
	fc.constant('"a\\x41\\n\\0"'),
);
const prop = fc.oneof(
	{ weight: 4, arbitrary: fc.tuple(fc.constantFrom(...PROPS), value).map(([n, v]) => `${n} = ${v};`) },
	{ weight: 1, arbitrary: fc.constantFrom(...PROPS).map((n) => `${n};`) },
	{ weight: 1, arbitrary: fc.constantFrom(...PROPS).map((n) => `/delete-property/ ${n};`) },
);
const nodeName = fc.tuple(fc.constantFrom(...NAMES), fc.option(fc.integer({ min: 0, max: 0x2000 }).map((n) => n.toString(16)), { nil: undefined })).map(([n, u]) => (u === undefined ? n : `${n}@${u}`));
const label = fc.option(fc.constantFrom(...LABELS).map((l) => `${l}: `), { nil: '' });
const node: fc.Arbitrary<string> = fc.letrec<{ node: string }>((tie) => ({
	node: fc.oneof(
		{ depthSize: 'small', withCrossShrink: true },
		fc.tuple(label, nodeName, fc.array(prop, { maxLength: 5 })).map(([l, n, ps]) => `${l}${n} {\n\t${ps.join('\n\t')}\n};`),
		fc
			.tuple(label, nodeName, fc.array(prop, { maxLength: 5 }), fc.array(tie('node'), { maxLength: 3 }))
			.map(([l, n, ps, cs]) => `${l}${n} {\n\t${ps.join('\n\t')}\n${cs.join('\n')}\n};`),
	),
})).node;
/** A top-level devicetree statement, or a preprocessor line. */
export const dtsFragment: fc.Arbitrary<string> = fc.oneof(
	{ weight: 4, arbitrary: node.map((n) => `/ {\n${n}\n};\n`) },
	{ weight: 2, arbitrary: fc.tuple(fc.constantFrom(...LABELS), fc.array(prop, { maxLength: 4 }), fc.array(node, { maxLength: 2 })).map(([l, ps, ns]) => `&${l} {\n${ps.join('\n')}\n${ns.join('\n')}\n};\n`) },
	{ weight: 1, arbitrary: fc.constantFrom(...LABELS).map((l) => `/delete-node/ &${l};\n`) },
	{ weight: 1, arbitrary: fc.tuple(fc.constantFrom('MACRO', 'F(x)', 'G(a, ...)', 'X'), expr).map(([m, e]) => `\n#define ${m} ${e}\n`) },
	{ weight: 1, arbitrary: fc.tuple(expr, node).map(([e, n]) => `\n#if ${e}\n/ { ${n} };\n#else\n#endif\n`) },
	{ weight: 1, arbitrary: fc.constantFrom('\n#include "missing.h"\n', '\n#include <dt-bindings/gpio/gpio.h>\n', '\n/include/ "x.dtsi"\n', '\n#undef MACRO\n', '\n#ifdef X\n', '\n#endif\n', '/memreserve/ 0x1000 0x1000;\n', '/omit-if-no-ref/ ', '/dts-v1/;\n', '/plugin/;\n', '\n#error boom\n', '\n#pragma once\n') },
	{ weight: 1, arbitrary: fc.string({ maxLength: 40 }) },
	{ weight: 1, arbitrary: longRun },
);

const C_IDENTS = ['x', 'dev', 'smmu', 'pdev', 'ret', 'ops', 'of_match', 'drv'];
/** A C fragment in the shapes the driver extraction looks for (and broken variants). */
export const cFragment: fc.Arbitrary<string> = fc.oneof(
	fc.tuple(fc.constantFrom(...C_IDENTS), fc.array(fc.constantFrom(...COMPATIBLES), { maxLength: 3 })).map(
		([n, cs]) => `static const struct of_device_id ${n}_of_match[] = {\n${cs.map((c) => `\t{ .compatible = "${c}", .data = &${n} },`).join('\n')}\n\t{ }\n};\nMODULE_DEVICE_TABLE(of, ${n}_of_match);\n`,
	),
	fc.constantFrom(...C_IDENTS).map((n) => `static struct platform_driver ${n}_driver = {\n\t.probe = ${n}_probe,\n\t.driver = { .name = "${n}", .of_match_table = ${n}_of_match, },\n};\nmodule_platform_driver(${n}_driver);\n`),
	fc.constantFrom(...C_IDENTS).map((n) => `static int ${n}_probe(struct platform_device *pdev)\n{\n\tif (IS_ENABLED(CONFIG_ARM_SMMU))\n\t\tbus_set_iommu(&platform_bus_type, &${n}_ops);\n\tiommu_device_register(&${n}->iommu, &ops, dev);\n\treturn dma_set_mask_and_coherent(dev, DMA_BIT_MASK(36));\n}\n`),
	fc.tuple(fc.constantFrom('ifdef', 'ifndef', 'if', 'elif', 'else', 'endif'), fc.constantFrom('CONFIG_IOMMU_API', 'IS_ENABLED(CONFIG_X)', 'defined(CONFIG_OF) && 1', '')).map(([d, c]) => `\n#${d} ${c}\n`),
	fc.constantFrom('subsys_initcall(x_init);\n', 'IOMMU_OF_DECLARE(x, "arm,mmu-500");\n', 'module_param(x, int, 0644);\n', 'static const struct iommu_ops x_ops = { .probe_device = x_probe_device, };\n', '__init __maybe_unused ', '/* unterminated', '"unterminated', '{', '}', ';', '#define X(a) a##b\n'),
	fc.string({ maxLength: 40 }),
	cLongRun,
);

/** Kconfig, Makefile and .config lines (and broken variants) for the driver-sources target. */
export const kbuildFragment: fc.Arbitrary<string> = fc.oneof(
	fc.constantFrom(
		'config ARM_SMMU\n\ttristate "Arm SMMU"\n\tdepends on ARM64 && (OF || COMPILE_TEST)\n\tselect IOMMU_API\n\tdefault y if ARCH_QCOM\n',
		'config X\n\tbool\n\tdef_bool y if !Y || (Z && W)\n',
		'menu "m"\nif FOO\n',
		'endif\nendmenu\n',
		'choice\n\tprompt "c"\nendchoice\n',
		'source "drivers/Kconfig"\n',
		'source "drivers/[x"\n',
		'rsource "*/Kconfig"\n',
		'osource "$(SRCARCH)/Kconfig"\n',
		'obj-$(CONFIG_ARM_SMMU) += arm-smmu.o\n',
		'obj-y += iommu/ misc/\n',
		'arm-smmu-objs := a.o b.o\n',
		'CONFIG_ARM_SMMU=y\n# CONFIG_X is not set\nCONFIG_Y=m\n',
		'help\n  text\n',
		'\\\n',
		'# comment\n',
	),
	fc.string({ maxLength: 30 }),
	longRun,
);

export interface BoardInput {
	/** A corpus board (CORPUS_BOARDS), a findings fixture (test/fixtures/findings, sorted; the SDM845-like editor fixture last) or generated text. */
	source: 'corpus' | 'fixture' | 'generated';
	index: number;
	mutations: Mutation[];
	generated: string[];
}

const boardInput: fc.Arbitrary<BoardInput> = fc.oneof(
	fc.record({ source: fc.constant('corpus' as const), index: fc.integer({ min: 0, max: CORPUS_BOARDS.length - 1 }), mutations: fc.array(mutationArb(dtsFragment), { minLength: 1, maxLength: 6 }), generated: fc.constant<string[]>([]) }),
	fc.record({ source: fc.constant('fixture' as const), index: fc.nat(), mutations: fc.array(mutationArb(dtsFragment), { maxLength: 4 }), generated: fc.constant<string[]>([]) }),
	fc.record({ source: fc.constant('generated' as const), index: fc.constant(0), mutations: fc.array(mutationArb(dtsFragment), { maxLength: 3 }), generated: fc.array(dtsFragment, { minLength: 1, maxLength: 8 }) }),
);

export interface CInput {
	file: number;
	mutations: Mutation[];
	generated: string[];
	/** Texts of /Kconfig, /drivers/Kconfig, /drivers/Makefile and /.config. */
	kbuild: string[];
}
const kbuildTexts = fc.array(fc.array(kbuildFragment, { maxLength: 6 }).map((a) => a.join('')), { minLength: 4, maxLength: 4 });
const cInput: fc.Arbitrary<CInput> = fc.oneof(
	fc.record({ file: fc.integer({ min: 0, max: C_SAMPLES.length - 1 }), mutations: fc.array(mutationArb(cFragment), { minLength: 1, maxLength: 6 }), generated: fc.constant<string[]>([]), kbuild: kbuildTexts }),
	fc.record({ file: fc.constant(-1), mutations: fc.array(mutationArb(cFragment), { maxLength: 3 }), generated: fc.array(cFragment, { minLength: 1, maxLength: 10 }), kbuild: kbuildTexts }),
);

// ---------------------------------------------------------------------------------------------------
// Real files, read once (the corpus is read-only and never copied)

const fileCache = new Map<string, string | undefined>();
function readOnce(abs: string): string | undefined {
	if (!fileCache.has(abs)) {
		let t: string | undefined;
		try {
			t = readFileSync(abs, 'utf8');
		} catch {
			t = undefined;
		}
		fileCache.set(abs, t);
	}
	return fileCache.get(abs);
}

/** The corpus as a FileSystem (paths relative to its root), with some files replaced in memory. */
function corpusFs(env: Env, replaced: Record<string, string>): FileSystem {
	return {
		readFile(path) {
			if (Object.prototype.hasOwnProperty.call(replaced, path)) return replaced[path];
			if (path.startsWith('/') || path.startsWith('..')) return undefined;
			return readOnce(join(env.corpusRoot, path));
		},
	};
}

const GENERATED_BOARD = '/board.dts';
const GENERATED_HEADER = '/include/x.h';

/** The board file, its text and the file system of one board input. */
let fixtures: Array<Record<string, string> & { '': string }> | undefined;
/** The findings fixtures and the editor fixture, each as its files (the key '' names the board). */
function fixtureBoards(env: Env): Array<Record<string, string> & { '': string }> {
	if (!fixtures) {
		const dir = join(env.repoRoot, 'test/fixtures/findings');
		const texts = readdirSync(dir).filter((f) => f.endsWith('.dts')).sort().map((f) => readFileSync(join(dir, f), 'utf8'));
		fixtures = [...texts, SDM845_LIKE].map((t) => {
			// As test/harness/fixture.ts splits them (which imports vitest, so not here): `//- /path` starts a file.
			const files: Record<string, string> & { '': string } = { '': '/board.dts' };
			let current = '/board.dts';
			const lines: Record<string, string[]> = { [current]: [] };
			for (const line of t.split('\n')) {
				const m = /^\/\/- (\S+)\s*$/.exec(line);
				if (m) lines[(current = m[1]!)] = [];
				else lines[current]!.push(line);
			}
			for (const [path, l] of Object.entries(lines)) files[path] = l.join('\n');
			return files;
		});
	}
	return fixtures;
}

function boardOf(env: Env, input: BoardInput): { file: string; fs: FileSystem; includePaths: string[] } {
	if (input.source === 'fixture') {
		const all = fixtureBoards(env);
		const { '': board, ...files } = all[input.index % all.length]!;
		return { file: board, fs: memoryFileSystem({ ...files, [board]: applyMutations(files[board] ?? '', input.mutations) }), includePaths: ['/include'] };
	}
	if (input.source === 'generated') {
		const text = applyMutations(`/dts-v1/;\n${input.generated.join('\n')}`, input.mutations);
		return { file: GENERATED_BOARD, fs: memoryFileSystem({ [GENERATED_BOARD]: text, [GENERATED_HEADER]: '#define MACRO 1\n#define F(x) ((x) + 1)\n', '/x.dtsi': '/ { from-dtsi; };\n' }), includePaths: ['/include'] };
	}
	const file = CORPUS_BOARDS[input.index]!;
	const original = readOnce(join(env.corpusRoot, file)) ?? '';
	return { file, fs: corpusFs(env, { [file]: applyMutations(original, input.mutations) }), includePaths: CORPUS_INCLUDES };
}

function cTextOf(env: Env, input: CInput): { path: string; text: string } {
	if (input.file < 0) return { path: '/gen.c', text: applyMutations(input.generated.join('\n'), input.mutations) };
	const path = C_SAMPLES[input.file]!;
	return { path, text: applyMutations(readOnce(join(env.repoRoot, path)) ?? '', input.mutations) };
}

// ---------------------------------------------------------------------------------------------------
// Targets: each maps an input to a deterministic printed result (or throws)

const json = (v: unknown): string => JSON.stringify(v, (_k, x: unknown) => (typeof x === 'bigint' ? `${x}n` : x instanceof Uint8Array ? Array.from(x) : x));

interface Runtime {
	grammars: ParserRuntime;
	extractor: CExtractor;
}
let runtime: Promise<Runtime> | undefined;
/** The wasm parser runtime and the C extractor, loaded once per process. */
export function loadRuntime(env: Env): Promise<Runtime> {
	runtime ??= loadParserRuntime({ grammarDir: join(env.repoRoot, 'grammars') }).then((grammars) => ({
		grammars,
		extractor: createCExtractor(grammars.grammar('c'), readFileSync(join(env.repoRoot, 'grammars/c/queries/driver-facts.scm'), 'utf8')),
	}));
	return runtime;
}

function runCpp(env: Env, input: BoardInput): string {
	const b = boardOf(env, input);
	const r = createPreprocessor(b.fs).preprocess(b.file, { includePaths: b.includePaths, defines: [{ name: '__DTS__' }] });
	// Every output offset maps somewhere (the source map must not throw on any place).
	const step = Math.max(1, Math.floor(r.text.length / 50));
	const spans: Span[] = [];
	for (let i = 0; i < r.text.length; i += step) spans.push(r.map.spanOf(i, Math.min(r.text.length, i + 1)));
	return json({ text: r.text, d: r.diagnostics, spans, inc: r.includes, skipped: r.skipped, uses: r.macroUses.length });
}

function runDts(env: Env, input: BoardInput): string {
	const b = boardOf(env, input);
	const fe = createFrontend(b.fs);
	const r = fe.resolve(b.file, { includePaths: b.includePaths, defines: [{ name: '__DTS__' }], symbols: true });
	const printed = printDts(r.tree);
	// The cached front-end after an invalidation gives what a fresh one gives.
	fe.invalidate(b.file);
	const again = fe.resolve(b.file, { includePaths: b.includePaths, defines: [{ name: '__DTS__' }], symbols: true });
	if (printDts(again.tree) !== printed || json(again.diagnostics) !== json(r.diagnostics)) throw new Error('re-resolving after invalidate() differs from the first resolution');
	return json({ printed, d: r.diagnostics });
}

function runEmulator(env: Env, input: BoardInput): string {
	const b = boardOf(env, input);
	const a = analyseBoard(createFrontend(b.fs), b.file, { includePaths: b.includePaths, defines: [{ name: '__DTS__' }] });
	const crashed = a.items.filter((i) => i.id === 'plugin-crashed');
	if (crashed.length > 0) throw new Error(`a check crashed: ${crashed[0]!.message}`);
	return json({ items: a.items, outcomes: a.simulation });
}

function runIde(env: Env, input: BoardInput, positions: ReadonlyArray<[number, number]>): string {
	const b = boardOf(env, input);
	const opts = { includePaths: b.includePaths, defines: [{ name: '__DTS__' }] };
	const snap = createSnapshot(createFrontend(b.fs), b.fs, b.file, opts);
	const text = snap.text(b.file) ?? '';
	const lines = text.split('\n');
	const files = [b.file, ...snap.analysis.board.preprocessed.files.filter((f) => f !== b.file).slice(0, 1)];
	const out: unknown[] = [];
	for (const file of files) {
		out.push(documentSymbols(snap, file), codeLenses(snap, file), documentLinks(snap, file));
		out.push(inlayHints(snap, { file, start: { line: 0, col: 0 }, end: { line: lines.length + 1, col: 0 } }));
	}
	for (const [l, c] of positions) {
		// Places inside the file mostly, some past its end.
		const line = Math.floor((l / 1_000_000) * (lines.length + 2));
		const col = Math.floor((c / 1_000_000) * ((lines[line]?.length ?? 10) + 3));
		const q = { file: b.file, position: { line, col } };
		out.push(hover(snap, q), definition(snap, q), references(snap, q, true));
	}
	for (const item of snap.analysis.items) out.push(quickFixes(snap, item));
	out.push(workspaceSymbols([snap], 'smmu'));
	return json(out);
}

function runDrivers(rt: Runtime, env: Env, input: CInput): string {
	const c = cTextOf(env, input);
	const facts = rt.extractor.extract(c.path, c.text);
	const [kconfig, sub, makefile, config] = input.kbuild as [string, string, string, string];
	const files: Record<string, string> = { '/Kconfig': kconfig, '/drivers/Kconfig': sub, '/drivers/Makefile': makefile, '/drivers/iommu/Makefile': makefile };
	const sources = readDriverSources(rt.extractor, {
		files: [c],
		fs: memoryFileSystem(files),
		kconfigRoot: '/',
		dirs: ['/drivers'],
		config: { path: '/.config', text: config },
		list: (dir) => Object.keys(files).filter((f) => f.startsWith(dir === '/' ? '/' : `${dir}/`)),
	});
	const items = analyseDriverSources(sources);
	return json({ facts, items });
}

/**
 * Incremental parse after a splice equals a fresh parse, and undoing the splice incrementally gives
 * the fresh parse of the original text back. tree-sitter guarantees equality for trees without
 * errors only (error recovery depends on the reused subtrees, as upstream's own randomized tests
 * assume), so on texts with syntax errors the incremental tree must only cover the same text.
 * Returns the fresh trees' S-expressions.
 */
function runSyntax(grammar: Grammar, before: string, edit: { at: number; del: number; text: string }): string {
	const start = Math.floor((edit.at / 1_000_000) * before.length);
	const oldEnd = Math.min(before.length, start + edit.del);
	const after = before.slice(0, start) + edit.text + before.slice(oldEnd);
	const point = (t: string, offset: number) => {
		const head = t.slice(0, offset);
		const row = head.split('\n').length - 1;
		return { row, column: offset - (head.lastIndexOf('\n') + 1) };
	};
	const trees: Array<{ delete(): void }> = [];
	const keep = <T extends { delete(): void }>(t: T): T => (trees.push(t), t);
	const same = (what: string, inc: SyntaxTree, fresh: SyntaxTree): string => {
		const a = inc.rootNode.toString();
		const b = fresh.rootNode.toString();
		if (fresh.rootNode.hasError) {
			if (inc.rootNode.endIndex !== fresh.rootNode.endIndex) throw new Error(`${what}: the incremental tree ends at ${inc.rootNode.endIndex}, a fresh one at ${fresh.rootNode.endIndex}`);
		} else if (a !== b) throw new Error(`${what}: incremental parse differs from a fresh parse:\n${a.slice(0, 300)}\n${b.slice(0, 300)}`);
		return b;
	};
	try {
		const original = keep(grammar.parse(before));
		const tree = keep(grammar.parse(before));
		tree.edit({ startIndex: start, oldEndIndex: oldEnd, newEndIndex: start + edit.text.length, startPosition: point(before, start), oldEndPosition: point(before, oldEnd), newEndPosition: point(after, start + edit.text.length) });
		const incremental = keep(grammar.parse(after, tree));
		const out = same('edit', incremental, keep(grammar.parse(after)));
		incremental.edit({ startIndex: start, oldEndIndex: start + edit.text.length, newEndIndex: oldEnd, startPosition: point(after, start), oldEndPosition: point(after, start + edit.text.length), newEndPosition: point(before, oldEnd) });
		return out + same('undo', keep(grammar.parse(before, incremental)), original);
	} finally {
		for (const t of trees) t.delete();
	}
}

// ---------------------------------------------------------------------------------------------------
// Properties and the runner

/** Runs `f` twice; throws when it takes longer than the bound or gives different results. */
function boundedDeterministic(what: string, f: () => string, stats: Stats): void {
	const t0 = performance.now();
	const first = f();
	const ms = performance.now() - t0;
	stats.maxMs = Math.max(stats.maxMs, ms);
	if (ms > CALL_BOUND_MS) throw new Error(`${what} took ${Math.round(ms)} ms (bound ${CALL_BOUND_MS} ms)`);
	const second = f();
	if (second !== first) throw new Error(`${what} is not deterministic: two runs on the same input differ`);
}

interface Stats {
	maxMs: number;
}

async function propertyOf(target: Exclude<TargetName, 'server'>, env: Env, stats: Stats): Promise<fc.IPropertyWithHooks<never> | fc.IProperty<never>> {
	switch (target) {
		case 'cpp':
			return fc.property(boardInput, (input) => boundedDeterministic('preprocess', () => runCpp(env, input), stats)) as never;
		case 'dts':
			return fc.property(boardInput, (input) => boundedDeterministic('resolve', () => runDts(env, input), stats)) as never;
		case 'emulator':
			return fc.property(boardInput, (input) => boundedDeterministic('analyseBoard', () => runEmulator(env, input), stats)) as never;
		case 'ide': {
			const positions = fc.array(fc.tuple(place, place), { minLength: 1, maxLength: 8 });
			return fc.property(boardInput, positions, (input, ps) => boundedDeterministic('editor features', () => runIde(env, input, ps), stats)) as never;
		}
		case 'drivers': {
			const rt = await loadRuntime(env);
			return fc.property(cInput, (input) => boundedDeterministic('C extraction', () => runDrivers(rt, env, input), stats)) as never;
		}
		case 'syntax': {
			const rt = await loadRuntime(env);
			const edit = fc.record({ at: place, del: fc.integer({ min: 0, max: 200 }), text: fc.oneof(dtsFragment, cFragment, oddChar) });
			const dts = fc.tuple(fc.constant('devicetree' as const), boardInput.map((i) => {
				const b = boardOf(env, i);
				return b.fs.readFile(b.file) ?? '';
			}));
			const c = fc.tuple(fc.constant('c' as const), cInput.map((i) => cTextOf(env, i).text));
			return fc.property(fc.oneof(dts, c), edit, ([g, text], e) => boundedDeterministic('incremental parse', () => runSyntax(rt.grammars.grammar(g), text, e), stats)) as never;
		}
	}
}

export interface RunOptions {
	seed: number;
	/** Stop after this many inputs (default: unlimited within the time). */
	numRuns?: number;
	/** Stop starting new inputs after this long. */
	timeMs: number;
	/** Replay one fast-check path (with its seed). */
	path?: string;
}

export interface Failure {
	target: TargetName;
	seed: number;
	path: string;
	error: string;
	counterexample: string;
}

export interface RunResult {
	target: TargetName;
	tried: number;
	failures: Failure[];
	maxCallMs: number;
}

/** Runs one target for a while (or `numRuns` inputs) from `seed`; failures carry their reproducer. */
export async function runTarget(target: TargetName, env: Env, opts: RunOptions): Promise<RunResult> {
	if (target === 'server') return runServerTarget(env, opts);
	const stats: Stats = { maxMs: 0 };
	const prop = await propertyOf(target, env, stats);
	const details = fc.check(prop, {
		seed: opts.seed,
		numRuns: opts.numRuns ?? 1_000_000_000,
		...(opts.path !== undefined ? { path: opts.path } : {}),
		interruptAfterTimeLimit: opts.timeMs,
		markInterruptAsFailure: false,
		endOnFailure: true,
	});
	const failures: Failure[] = [];
	// Interrupted by the time limit before its first input (the last, short batch of a long run) is not a failure.
	const failed = details.failed && !(details.interrupted && details.errorInstance === null && details.counterexample === null);
	if (failed) {
		const err = details.errorInstance;
		failures.push({
			target,
			seed: details.seed,
			path: details.counterexamplePath ?? '',
			error: err instanceof Error ? `${err.message}\n${err.stack ?? ''}` : String(err),
			counterexample: fc.stringify(details.counterexample).slice(0, 4000),
		});
	}
	return { target, tried: details.numRuns + (failed ? 1 : 0), failures, maxCallMs: Math.round(stats.maxMs) };
}

/** The reproducer line of a failure. */
export function reproducer(f: Failure): string {
	return `npm run fuzz -- --target ${f.target} --seed ${f.seed} --path ${f.path}`;
}
