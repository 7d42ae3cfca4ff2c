// Worker thread of the front-end benchmark: resolves the boards it is sent with one Frontend (so
// shared .dtsi and header files are lexed once per worker) and reports per-board times.
import { join } from 'node:path';
import { parentPort, workerData } from 'node:worker_threads';
import { createFrontend } from '../server/src/model/board';
import { diskFileSystem } from '../server/src/node/disk-fs';

const { corpus } = workerData as { corpus: string };
const frontend = createFrontend(diskFileSystem());
const includePaths = (board: string): string[] => [join(corpus, 'include'), join(corpus, 'src'), join(corpus, 'src', board.split('/')[1] as string)];

parentPort?.on('message', (message: { board: string } | 'exit') => {
	if (message === 'exit') {
		parentPort?.postMessage({ rss: process.memoryUsage().rss });
		process.exit(0);
	}
	const start = performance.now();
	const res = frontend.resolve(join(corpus, message.board), { includePaths: includePaths(message.board), defines: [{ name: '__DTS__' }] });
	const errors = res.diagnostics.filter((d) => d.severity === 'error').length;
	parentPort?.postMessage({ board: message.board, ms: performance.now() - start, errors });
});
