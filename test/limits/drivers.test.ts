/**
 * Driver sources on adversarial input: long lines and runs in C, Kconfig and Makefiles stay linear
 * (regular expressions that backtracked quadratically were rewritten), and Kconfig `source` globs are
 * matched without building a regular expression from the workspace's text.
 */
import { describe, expect, it } from 'vitest';
import { memoryFileSystem } from '../../server/src/base/source';
import { globMatch, parseKconfigTree } from '../../server/src/drivers/kconfig/kconfig';
import { extractor } from '../drivers/helpers';
import { within } from './helpers';

describe('driver sources stay bounded', () => {
	it('Kconfig: a 200k-character line of spaces (the `if` and comment patterns were quadratic) parses in bounded time', () => {
		const long = ' '.repeat(200_000);
		const text = `config A\n\tbool "a${long}x"\n\tdefault y${long}x\n\tdepends on B${long}if${long}\n# c${long}\nconfig B\n\tbool${long}#\n`;
		const m = within(2_000, () => parseKconfigTree({ root: '/', fs: memoryFileSystem({ '/Kconfig': text }) }));
		expect([...m.symbols.keys()]).toEqual(['A', 'B']);
	});

	it('Kconfig: a `source` glob with an unterminated `[` or many `*` neither throws nor backtracks', () => {
		const fs = memoryFileSystem({ '/Kconfig': `source "d/[x"\nsource "${'*a'.repeat(50)}b"\nsource "d/*/Kconfig"\n`, '/d/e/Kconfig': 'config E\n\tbool\n' });
		const list = () => ['/d/[x', '/d/e/Kconfig', `/${'a'.repeat(3000)}`];
		const m = within(2_000, () => parseKconfigTree({ root: '/', fs, list }));
		expect(m.files).toEqual(['/Kconfig', '/d/e/Kconfig']);
		expect(m.diagnostics).toEqual([]);
	});

	it('globMatch: glob(3) rules for `*`, `?` and classes, never across `/`', () => {
		const cases: Array<[string, string, boolean]> = [
			['/arch/*/Kconfig', '/arch/arm64/Kconfig', true],
			['/arch/*/Kconfig', '/arch/a/b/Kconfig', false],
			['/a/?', '/a/b', true],
			['/a/?', '/a/bc', false],
			['/a/[xy]z', '/a/yz', true],
			['/a/[!xy]z', '/a/yz', false],
			['/a/[a-c]', '/a/b', true],
			['/a/[x', '/a/[x', true],
			['/a*b', '/a/b', false],
			[`${'*a'.repeat(200)}b`, 'a'.repeat(5000), false],
		];
		for (const [p, s, want] of cases) expect(globMatch(p, s), `${p} ~ ${s.slice(0, 20)}`).toBe(want);
	});

	it('C: a 100k-character statement before a call and a 50k run in an unparsable region extract in bounded time', async () => {
		const x = await extractor();
		const text = `static int f(void)\n{\n\t${'a'.repeat(100_000)} bus_set_iommu(&platform_bus_type, &ops);\n\treturn 0;\n}\n%%%% ${'a'.repeat(50_000)}\nstatic struct platform_driver d = { .probe = p, };\n`;
		const facts = within(5_000, () => x.extract('/x.c', text));
		expect(facts.busSetIommu.length + facts.calls.length).toBeGreaterThan(0);
	});
});
