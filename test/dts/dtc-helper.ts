/**
 * Test helpers: run the real dtc (1.6.1) on a text, and compare two resolved trees structurally.
 */

import { spawnSync } from 'node:child_process';
import { buildDts, type DtNode, type DtTree, valueBytes } from '../../server/src/dts/index.js';

/** Result of running the real dtc. */
export interface DtcResult {
	ok: boolean;
	stdout: string;
	stderr: string;
}

/** Runs `dtc -I dts -O dts [extra] -` on `text`. */
export function runDtc(text: string, extra: string[] = [], cwd?: string): DtcResult {
	const r = spawnSync('dtc', ['-q', '-I', 'dts', '-O', 'dts', ...extra, '-'], { input: text, encoding: 'utf8', cwd, maxBuffer: 256 * 1024 * 1024 });
	return { ok: r.status === 0, stdout: r.stdout ?? '', stderr: r.stderr ?? '' };
}

function hexBytes(b: Uint8Array): string {
	return Array.from(b, (x) => x.toString(16).padStart(2, '0')).join(' ');
}

/**
 * Structural differences between an expected tree and an actual one: nodes, properties,
 * labels and value bytes, as readable lines (`path: what: expected X, actual Y`).
 */
export function diffTrees(expected: DtTree, actual: DtTree, limit = 50): string[] {
	const out: string[] = [];
	const walk = (e: DtNode, a: DtNode): void => {
		if (out.length >= limit) return;
		const el = e.labels.map((l) => l.name).join(',');
		const al = a.labels.map((l) => l.name).join(',');
		if (el !== al) out.push(`${e.path}: labels: expected [${el}], actual [${al}]`);
		const ep = e.properties.map((p) => p.name).join(' ');
		const ap = a.properties.map((p) => p.name).join(' ');
		if (ep !== ap) out.push(`${e.path}: property order: expected [${ep}], actual [${ap}]`);
		for (const p of e.properties) {
			const q = a.property(p.name);
			if (q === undefined) {
				out.push(`${e.path}: property ${p.name}: missing`);
				continue;
			}
			const x = hexBytes(valueBytes(p.value));
			const y = hexBytes(valueBytes(q.value));
			if (x !== y) out.push(`${e.path}: property ${p.name}: expected <${x}>, actual <${y}>`);
		}
		for (const q of a.properties) if (e.property(q.name) === undefined) out.push(`${e.path}: property ${q.name}: unexpected`);
		const ec = e.children.map((c) => c.name).join(' ');
		const ac = a.children.map((c) => c.name).join(' ');
		if (ec !== ac) out.push(`${e.path}: children: expected [${ec}], actual [${ac}]`);
		for (const c of e.children) {
			const d = a.child(c.name);
			if (d !== undefined) walk(c, d);
		}
	};
	walk(expected.root, actual.root);
	return out;
}

/** Builds a tree from dts text (no map: line markers honoured). */
export function build(text: string, file = 'test.dts', symbols = false): DtTree {
	return buildDts({ file, text }, symbols ? { symbols: true } : {});
}
