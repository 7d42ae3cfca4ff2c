/** A worker thread of corpus.test.ts: checks one shard's boards (corpus-fixes.ts) and posts the result. */
import { parentPort, workerData } from 'node:worker_threads';
import { checkShard } from './corpus-fixes';

const { root, boards } = workerData as { root: string; boards: string[] };
parentPort!.postMessage(checkShard(root, boards));
