/**
 * Fuzzing, short fixed-seed pass: the language server over its real transport (a child process over
 * stdio, bundled from the working tree): edits of real corpus files interleaved with every request,
 * each answered within a bound, diagnostics published for the last version and equal to a fresh
 * server's, no error logged, the disk's build contexts back once every document is closed, and the
 * same hover on an unedited board before and after the storm (test/fuzz/server-engine.ts).
 * Long runs: `npm run fuzz -- --target server`.
 *
 * Then the bugs the fuzzer found, each as its minimal input.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SymbolIndex } from '../../server/src/ide/symbol-index';
import { CORPUS_ROOT, REPO_ROOT } from '../harness/corpus';
import { shortPass } from './pass';
import { FuzzServer, serverBundle } from './server-engine';

describe('fuzz: server', () => {
	shortPass('server', 24, 20_000);
});

describe('fuzz: server, the inputs it found', () => {
	let server: FuzzServer;
	const file = (rel: string) => join(CORPUS_ROOT, 'src/arm64', rel);
	const uri = (rel: string) => pathToFileURL(file(rel)).href;
	const text = (rel: string) => readFileSync(file(rel), 'utf8');
	/** Opens (or changes) a document and waits for the publish of that version. */
	const publishOf = async (rel: string, version: number, send: () => void) => {
		const since = server.published.length;
		send();
		return server.waitPublish((p) => p.uri === uri(rel) && p.version === version, since, `${rel} v${version}`);
	};
	const open = (rel: string, t: string, version: number) => publishOf(rel, version, () => server.notify('textDocument/didOpen', { textDocument: { uri: uri(rel), languageId: 'dts', version, text: t } }));
	const close = (rel: string) => server.notify('textDocument/didClose', { textDocument: { uri: uri(rel) } });
	const BROKEN = '/dts-v1/;\n/ {\n\tnode {\n};\n';

	beforeAll(async () => {
		server = new FuzzServer(await serverBundle(REPO_ROOT), 'regression');
		await server.initialize(CORPUS_ROOT);
	});
	afterAll(async () => {
		expect(server.takeErrors()).toEqual([]);
		await server.stop();
	});

	it('a document reopened at the same version with another text is analysed again (the version was the cache key)', async () => {
		// Before: the second open (v1 again, as editors number a reopened document) got the first text's (no) diagnostics.
		expect((await open('arm/foundation-v8.dts', text('arm/foundation-v8.dts'), 1)).diagnostics).toEqual([]);
		close('arm/foundation-v8.dts');
		const again = await open('arm/foundation-v8.dts', BROKEN, 1);
		expect(again.diagnostics.map((d) => d.code)).toContain('syntax');
		close('arm/foundation-v8.dts');
	});

	it('a change that repeats the version is analysed, not served the older analysis of that version', async () => {
		const rel = 'arm/foundation-v8.dts';
		expect((await open(rel, BROKEN, 5)).diagnostics.map((d) => d.code)).toContain('syntax');
		// A misbehaving client sends version 5 again, with a good text: before, version 5's analysis (of the broken text) came back.
		const again = await publishOf(rel, 5, () => server.notify('textDocument/didChange', { textDocument: { uri: uri(rel), version: 5 }, contentChanges: [{ text: text(rel) }] }));
		expect(again.diagnostics).toEqual([]);
		close(rel);
	});

	it('workspace symbols never come from an analysis of an older text (places past the end of an edited file)', async () => {
		const juno = 'arm/juno.dts';
		await open(juno, text(juno), 1);
		type Sym = { name: string; location: { uri: string; range: { start: { line: number } } } };
		const inJuno = async () => ((await server.request('workspace/symbol', { query: 'A57_0' })).result as Sym[]).filter((s) => s.location.uri === uri(juno));
		expect((await inJuno()).length).toBeGreaterThan(0);
		// Truncated to one line, not analysed yet (the debounce): before, the old snapshot's symbols came back, at lines the text no longer has.
		server.notify('textDocument/didChange', { textDocument: { uri: uri(juno), version: 2 }, contentChanges: [{ text: '/*\n' }] });
		expect((await inJuno()).filter((s) => s.location.range.start.line > 0)).toEqual([]);
		close(juno);
	});

	it('a document closed unsaved counts with its disk text again in the build contexts of the files it includes', async () => {
		const contexts = async () => JSON.stringify((await server.request('iommuLens/buildContexts', { textDocument: { uri: uri('arm/juno-base.dtsi') } })).result);
		const disk = await contexts();
		expect(disk).toContain(uri('arm/juno.dts'));
		// juno.dts edited to include nothing, then closed without saving: before, it no longer counted as including juno-base.dtsi.
		await open('arm/juno.dts', BROKEN, 1);
		expect(await contexts()).not.toContain(uri('arm/juno.dts'));
		close('arm/juno.dts');
		expect(await contexts()).toBe(disk);
	});

	it('the workspace symbol index counts the line an unterminated string ends (every later symbol was a line too high)', () => {
		// The shape of sdm845.dtsi with 349 characters deleted at 25.5% (`compatible = "qcom` left unterminated).
		const text = '/ {\n\ta = "unterminated\n\tnode {};\n\tb = "x\\\n";\n\tlast {};\n\t"stray\n\tafter {};\n};\n&{/unclosed\nref_target: end {};\n';
		const index = new SymbolIndex();
		index.update('/f.dts', text);
		const lines = text.split('\n');
		const symbols = index.search('', 100).map((s) => `${s.name} ${s.span.start.line}:${s.span.start.col} ${lines[s.span.start.line]!.slice(s.span.start.col, s.span.end.col)}`);
		// (What a broken value swallows up to its `;` or `{` is not indexed; what is indexed is where it is written.)
		expect(symbols).toEqual(['/ 0:0 /', 'after 7:1 after', 'end 10:12 end', 'ref_target 10:0 ref_target']);
	});

	it('a simulation with a bad kernel version answers, naming the problem in its errors (it threw, logged as a crash)', async () => {
		await open('arm/foundation-v8.dts', text('arm/foundation-v8.dts'), 1);
		const r = await server.request('iommuLens/simulate', { textDocument: { uri: uri('arm/foundation-v8.dts') }, scenario: { kernel: 'x.y' } });
		expect(r.result).toMatchObject({ errors: [expect.stringContaining("Invalid kernel version 'x.y'")] });
		expect(server.takeErrors()).toEqual([]);
		close('arm/foundation-v8.dts');
	});
});
