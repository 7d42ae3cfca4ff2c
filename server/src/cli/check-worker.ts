/**
 * The worker thread of a parallel `check` (bundled as dist/cli-worker.js): one front-end for every
 * board it is given, so included files are read and lexed once per worker. Messages: `{index, job}`
 * in, `{index, result}` or `{index, error}` out; `null` ends the worker.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { createFrontend } from '../model/board';
import { readDriverSourcesFromDisk } from '../node/c-extractor';
import { diskFileSystem } from '../node/disk-fs';
import type { DriverSources } from '../drivers/sources';
import { analyseJob, type BoardJob, type WorkerInit, type WorkerReply } from './scan';

const init = workerData as WorkerInit | undefined;
const port = parentPort;
if (port && init?.iommuLensCheckWorker) {
	const post = (reply: WorkerReply): void => port.postMessage(reply);
	const fs = diskFileSystem();
	const frontend = createFrontend(fs);
	const start = async (): Promise<DriverSources | undefined> => (init.drivers ? readDriverSourcesFromDisk(init.drivers, init.cwd) : undefined);
	start().then(
		(drivers) => {
			port.on('message', (msg: { index: number; job: BoardJob } | null) => {
				if (msg === null) {
					port.close();
					return;
				}
				try {
					post({ index: msg.index, result: analyseJob(frontend, fs, msg.job, drivers) });
				} catch (error) {
					post({ index: msg.index, error: error instanceof Error ? (error.stack ?? error.message) : String(error) });
				}
			});
			post({ ready: true });
		},
		(error: unknown) => post({ fatal: error instanceof Error ? error.message : String(error) }),
	);
}
