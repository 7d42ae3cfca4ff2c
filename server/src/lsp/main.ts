/**
 * The language server's entry point (`dist/server.js`): stdio with `--stdio`, Node IPC otherwise (the
 * VS Code client). Everything else is `startServer` (server.ts) with the Node runtime.
 */
import { runNodeServer } from './node-runtime';

runNodeServer(process.argv);
