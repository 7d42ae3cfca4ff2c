/**
 * Every finding id (except `plugin-crashed`) as devicetree fixtures through the front-end: for each id
 * `test/fixtures/findings/<id>.dts` triggers it (exact findings as annotations) and
 * `<id>.near-miss.dts` must not (its exact findings too). Further fixtures `<id>.<case>.dts` pin other
 * cases of a check, including today's behaviour where a check is wrong (marked `FIXME:` in the
 * fixture).
 *
 * A fixture's first line may be `// options: {json}` (kernel, whatIf, profiles), passed to
 * `checkFindings`.
 */
import { describe, expect, test } from 'vitest';
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { FINDING_IDS, type FindingId } from '../../emulator/src/types';
import { REPO_ROOT } from '../harness/corpus';
import { FIXTURES, checkFindings, parseFixture, readFixture, type FixtureOptions } from '../harness/fixture';

/** Ids whose checks read driver sources (C, Kconfig, .config): tested in test/drivers and no-driver.test.ts. */
const NEEDS_DRIVER_SOURCES: readonly FindingId[] = ['no-driver', 'tristate-ifdef', 'bus-set-iommu', 'rpmsg-dma-ops'];

const DIR = resolve(FIXTURES, 'findings');
const files = readdirSync(DIR).filter((f) => f.endsWith('.dts')).sort();

function optionsOf(text: string): FixtureOptions {
	const m = /^\/\/ options: (.*)$/m.exec(text.split('\n', 1)[0] ?? '');
	return m ? (JSON.parse(m[1] as string) as FixtureOptions) : {};
}

const idOf = (file: string): string => file.split('.')[0] as string;

describe('finding fixtures', () => {
	for (const file of files) {
		test(file, () => {
			const text = readFixture(`findings/${file}`);
			const analysis = checkFindings(text, optionsOf(text));
			const id = idOf(file);
			const hits = analysis.items.filter((i) => i.id === id);
			if (file === `${id}.dts`) expect(hits.length, `${file} must trigger ${id}`).toBeGreaterThan(0);
			if (file === `${id}.near-miss.dts`) expect(hits, `${file} must not trigger ${id}`).toEqual([]);
		});
	}

	test('every finding id but plugin-crashed has a trigger and a near miss', () => {
		const missing = FINDING_IDS.filter((id) => id !== 'plugin-crashed' && !NEEDS_DRIVER_SOURCES.includes(id)).flatMap((id) => [`${id}.dts`, `${id}.near-miss.dts`].filter((f) => !files.includes(f)));
		expect(missing).toEqual([]);
	});

	test('the ids that need driver sources have their triggers and near misses with the driver tests', () => {
		// Their fixtures are C and Kconfig (test/drivers/cases, test/drivers/tree): a .dts alone cannot trigger them.
		const driverTests = readFileSync(join(REPO_ROOT, 'test/drivers/checks.test.ts'), 'utf8') + readFileSync(join(REPO_ROOT, 'test/emulator/checks/no-driver.test.ts'), 'utf8');
		for (const id of NEEDS_DRIVER_SOURCES) {
			expect(FINDING_IDS).toContain(id);
			expect(driverTests, `${id} has tests with driver sources`).toMatch(new RegExp(`${id === 'no-driver' ? 'is silent without driver sources' : `describe\\('${id}'`}`));
		}
		expect(driverTests).toMatch(/near miss/);
	});

	test('fixtures are named after a finding id', () => {
		expect(files.filter((f) => !(FINDING_IDS as readonly string[]).includes(idOf(f)))).toEqual([]);
	});

	test('fixtures parse', () => {
		for (const f of files) expect(() => parseFixture(readFixture(`findings/${f}`))).not.toThrow();
	});
});
