/**
 * The language server on Node: the runtime (disk, kernel trees, driver sources) and the process entry
 * shared by `dist/server.js` and `iommu-lens lsp`: stdio with `--stdio`, Node IPC otherwise.
 */
import { existsSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { createConnection, IPCMessageReader, IPCMessageWriter, ProposedFeatures, type Connection } from 'vscode-languageserver/node';
import { readDriverSourcesFromDisk } from '../node/c-extractor';
import { diskFileSystem } from '../node/disk-fs';
import { findKernelTree } from '../node/kernel-tree';
import { listFiles } from '../node/list-files';
import type { Runtime } from './runtime';
import { startServer } from './server';

const DEVICETREE = /\.(dts|dtsi|dtso|overlay)$/;

export function nodeRuntime(): Runtime {
	const trees = new Map<string, ReturnType<Runtime['kernelTree']>>();
	return {
		fs: diskFileSystem(),
		exists: (p) => existsSync(p),
		listDevicetreeFiles: (dir) => listFiles(dir, (p) => DEVICETREE.test(p)),
		kernelTree(file) {
			const dir = resolve(file, '..');
			if (!trees.has(dir)) {
				const tree = findKernelTree(file);
				const boardsRoot =
					tree?.arch === undefined ? undefined : tree.layout === 'dts-rebasing' ? join(tree.root, 'src', tree.arch) : join(tree.root, 'arch', tree.arch, 'boot/dts');
				trees.set(dir, tree ? { includePaths: tree.includePaths, boardsRoot } : undefined);
			}
			return trees.get(dir);
		},
		readDriverSources: (p) => readDriverSourcesFromDisk({ dirs: p.dirs, ...(p.kconfig ? { kconfig: p.kconfig } : {}), ...(p.config ? { config: p.config } : {}) }, process.cwd()),
		uriToPath: (uri) => (uri.startsWith('file:') ? fileURLToPath(uri) : undefined),
		pathToUri: (p) => pathToFileURL(p).href,
		resolvePath: (base, rel) => (isAbsolute(rel) ? rel : resolve(base, rel)),
		now: () => performance.now(),
	};
}

/** Starts the server on this process: `--stdio` → stdin/stdout, otherwise Node IPC (the VS Code client forks it with `--node-ipc`). */
export function runNodeServer(argv: readonly string[]): Connection {
	const connection = argv.includes('--stdio')
		? createConnection(ProposedFeatures.all, process.stdin, process.stdout)
		: createConnection(ProposedFeatures.all, new IPCMessageReader(process), new IPCMessageWriter(process));
	// stdout may be the transport: everything printed goes to the client's log instead.
	console.log = (...a: unknown[]) => connection.console.log(a.map(String).join(' '));
	console.error = (...a: unknown[]) => connection.console.error(a.map(String).join(' '));
	process.on('unhandledRejection', (reason) => connection.console.error(`iommu-lens: unhandled rejection: ${reason instanceof Error ? (reason.stack ?? reason.message) : String(reason)}`));
	startServer(connection, nodeRuntime());
	return connection;
}
