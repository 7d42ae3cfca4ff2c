/** `iommu-lens lsp --stdio`: the language server over stdin/stdout (for Neovim, Emacs eglot, Helix). */
import { runNodeServer } from '../../lsp/node-runtime';
import { UsageError } from '../args';
import { EXIT_OK, type Io } from '../common';

const HELP = `Usage: iommu-lens lsp --stdio

Runs the language server over stdin/stdout (--node-ipc: over Node IPC, when started by a Node parent).
Settings come from the editor (iommuLens.*: see README.md, "Language server").
`;

export function lsp(argv: readonly string[], io: Io): number | Promise<number> {
	if (argv.includes('-h') || argv.includes('--help')) {
		io.out(HELP);
		return EXIT_OK;
	}
	const unknown = argv.find((a) => a !== '--stdio' && a !== '--node-ipc' && !a.startsWith('--clientProcessId'));
	if (unknown !== undefined) throw new UsageError(`lsp: unexpected argument '${unknown}' (try: iommu-lens lsp --stdio)`);
	if (!argv.includes('--stdio') && !argv.includes('--node-ipc')) throw new UsageError('lsp needs --stdio (or --node-ipc)');
	runNodeServer(argv);
	// The connection ends the process on the client's `exit` notification.
	return new Promise<number>(() => undefined);
}
