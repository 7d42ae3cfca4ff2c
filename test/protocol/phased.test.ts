/**
 * The language server's analysis in steps (`server/src/lsp/phased.ts`) gives what the model's
 * `createSnapshot` gives: the same items and simulation, on a fixture and on a corpus board.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { corpusRoot, REPO_ROOT } from '../harness/corpus';
import { memoryFileSystem } from '../../server/src/base/source';
import { createFrontend } from '../../server/src/model/board';
import { createSnapshot } from '../../server/src/model/snapshot';
import { nodeRuntime } from '../../server/src/lsp/node-runtime';
import { analyseInSteps } from '../../server/src/lsp/phased';
import { DEFAULT_SETTINGS } from '../../server/src/lsp/settings';
import { AnalysisHost } from '../../server/src/lsp/workspace';

const json = (v: unknown): string => JSON.stringify(v, (_k, x: unknown) => (typeof x === 'bigint' ? `${x}n` : x));

describe('analysis in steps', () => {
	const boards = () => [join(REPO_ROOT, 'test/fixtures/seed/juno-mmu401-mmu600.dts'), join(corpusRoot(), 'src/arm64/qcom/sdm845-db845c.dts')];

	it('equals createSnapshot (items, simulation, lazily built parts)', async () => {
		const runtime = nodeRuntime();
		const host = new AnalysisHost(runtime);
		await host.configure(DEFAULT_SETTINGS);
		for (const board of boards()) {
			expect(readFileSync(board, 'utf8').length).toBeGreaterThan(0);
			const options = host.options(board);
			const whole = createSnapshot(host.frontend, runtime.fs, board, options);
			let resolved = 0;
			let yields = 0;
			const steps = analyseInSteps(host.frontend, runtime.fs, board, options, () => resolved++);
			let r = steps.next();
			while (!r.done) {
				yields++;
				r = steps.next();
			}
			const stepped = r.value;
			expect(resolved).toBe(1);
			expect(yields).toBe(2);
			// As JSON: what the server sends (some fix data hold the preprocessor state, with its __DATE__).
			expect(json(stepped.analysis.items.map(({ id, severity, message, span, related }) => ({ id, severity, message, span, related })))).toBe(json(whole.analysis.items.map(({ id, severity, message, span, related }) => ({ id, severity, message, span, related }))));
			expect(stepped.analysis.items.map((i) => i.fix?.kind)).toEqual(whole.analysis.items.map((i) => i.fix?.kind));
			expect(json(stepped.analysis.simulation.result)).toBe(json(whole.analysis.simulation.result));
			expect(json(stepped.attach())).toBe(json(whole.attach()));
			expect(json(stepped.driverFacts?.())).toBe(json(whole.driverFacts?.()));
		}
	}, 60_000);

	it("takes the texts of what the front-end read from its cache, and reads the disk for what it no longer holds", () => {
		const files: Record<string, string> = {
			'/b/board.dts': '/dts-v1/;\n#include "soc.dtsi"\n/ { model = "m"; };\n',
			'/b/soc.dtsi': '/ { soc { compatible = "simple-bus"; }; };\n',
		};
		const reads: string[] = [];
		const mem = memoryFileSystem(files);
		const fs = { readFile: (p: string) => (reads.push(p), mem.readFile(p)) };
		const frontend = createFrontend(fs);
		const snapshot = createSnapshot(frontend, fs, '/b/board.dts', { includePaths: [] });
		const read = reads.length;
		expect(reads).toContain('/b/soc.dtsi');
		expect(snapshot.text('/b/board.dts')).toBe(files['/b/board.dts']);
		expect(snapshot.text('/b/soc.dtsi')).toBe(files['/b/soc.dtsi']);
		expect(reads.length).toBe(read);
		// Edited after the analysis and dropped from the cache: read (once) from the file system.
		const again = createSnapshot(frontend, fs, '/b/board.dts', { includePaths: [] });
		files['/b/soc.dtsi'] = '/ { };\n';
		frontend.invalidate('/b/soc.dtsi');
		expect(again.text('/b/soc.dtsi')).toBe('/ { };\n');
		expect(again.text('/b/soc.dtsi')).toBe('/ { };\n');
		expect(reads.filter((p) => p === '/b/soc.dtsi').length).toBe(2);
	});
});
