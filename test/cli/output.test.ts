/**
 * How `iommu-lens check` writes when it is not talking to a person: progress as plain lines when
 * stderr is not a terminal, and a reader that goes away (`| head`) is not a crash.
 */
import { spawn } from 'node:child_process';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PLAIN_PROGRESS_INTERVAL_MS, progressBar } from '../../server/src/cli/commands/check';
import { REPO_ROOT } from '../harness/corpus';

const CLI = join(REPO_ROOT, 'dist/cli.js');
const MARVELL = resolve(REPO_ROOT, '../shared/corpus/linux-dts/src/arm64/marvell');

function recorder(): { err: string[]; io: { out: (t: string) => void; err: (t: string) => void; cwd: string } } {
	const err: string[] = [];
	return { err, io: { out: () => undefined, err: (t) => void err.push(t), cwd: '/' } };
}

describe('progress', () => {
	it('prints a plain line per interval when stderr is not a terminal, and a last line if it printed any', () => {
		const { err, io } = recorder();
		let now = 1_000_000;
		const bar = progressBar(100, io, true, false, () => now);
		for (let done = 1; done <= 100; done++) {
			now += PLAIN_PROGRESS_INTERVAL_MS / 40; // 100 boards over 2.5 intervals
			bar.step(done, { file: `/b${done}.dts` });
		}
		bar.end();
		expect(err).toEqual(['iommu-lens: checked 40/100 boards (10 s)\n', 'iommu-lens: checked 80/100 boards (20 s)\n', 'iommu-lens: checked 100/100 boards (25 s)\n']);
		for (const line of err) expect(line).not.toMatch(/[\r\x1b]/);
	});

	it('prints nothing for a scan shorter than the interval, for one board, or when quiet', () => {
		for (const [total, enabled] of [[100, true], [1, true], [100, false]] as const) {
			const { err, io } = recorder();
			let now = 0;
			const bar = progressBar(total, io, enabled, false, () => now);
			for (let done = 1; done <= total; done++) {
				now += enabled && total > 1 ? 10 : PLAIN_PROGRESS_INTERVAL_MS;
				bar.step(done, { file: 'x.dts' });
			}
			bar.end();
			expect(err).toEqual([]);
		}
	});

	it('redraws one line in place on a terminal and clears it at the end', () => {
		const { err, io } = recorder();
		let now = 0;
		const bar = progressBar(4, io, true, true, () => now);
		for (let done = 1; done <= 4; done++) {
			now += 100;
			bar.step(done, { file: `/b${done}.dts` });
		}
		bar.end();
		expect(err.length).toBe(5);
		expect(err[3]).toMatch(/^\r\x1b\[K\[#{30}\] 4\/4 \/?b4\.dts$/);
		expect(err[4]).toBe('\r\x1b[K');
	});
});

describe('a closed pipe', () => {
	it('ends with the scan exit status and no EPIPE trace when the reader goes away after one line', async () => {
		// SARIF of 35 boards is well over a pipe's 64 KiB buffer, so the writer is still writing when
		// the reader leaves and must see EPIPE.
		const child = spawn(process.execPath, [CLI, 'check', MARVELL, '--format', 'sarif', '--fail-on', 'warning'], { stdio: ['ignore', 'pipe', 'pipe'] });
		let received = 0;
		let stderr = '';
		child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
		// Like `head -1`: read until the first newline, then close our end of the pipe.
		child.stdout.on('data', (d: Buffer) => {
			received += d.length;
			if (d.includes(10)) child.stdout.destroy();
		});
		const code = await new Promise<number | null>((done) => child.on('close', done));
		expect(stderr).not.toMatch(/EPIPE|internal error|Unhandled/);
		expect(received).toBeLessThan(100_000);
		expect(code).toBe(1); // marvell boards have warnings
	}, 120_000);
});
