/**
 * The language server's entry point (stdio with `--stdio`, IPC when started by the VS Code client).
 *
 * Today it publishes the front-end's diagnostics (preprocessor, syntax, references) for open board
 * files (.dts, .dtso) that belong to that file; build contexts for .dtsi files, the emulator's
 * findings, hover, navigation and fixes come with the language-server issue.
 */
import { fileURLToPath, pathToFileURL } from 'node:url';
import { createConnection, DiagnosticSeverity, ProposedFeatures, TextDocuments, TextDocumentSyncKind, type Diagnostic as LspDiagnostic } from 'vscode-languageserver/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import type { Diagnostic } from '../base/source';
import { createFrontend } from '../model/board';
import { diskFileSystem } from '../node/disk-fs';
import { findKernelTree, KERNEL_DTS_DEFINES } from '../node/kernel-tree';

const connection = createConnection(ProposedFeatures.all);
const documents = new TextDocuments(TextDocument);
const fs = diskFileSystem();
const frontend = createFrontend(fs);
const pending = new Map<string, ReturnType<typeof setTimeout>>();
const DEBOUNCE_MS = 150;

const SEVERITY = { error: DiagnosticSeverity.Error, warning: DiagnosticSeverity.Warning, info: DiagnosticSeverity.Information } as const;

function toLsp(d: Diagnostic): LspDiagnostic {
	return {
		range: { start: { line: d.span.start.line, character: d.span.start.col }, end: { line: d.span.end.line, character: d.span.end.col } },
		severity: SEVERITY[d.severity],
		code: d.code,
		source: 'iommu-lens',
		message: d.message,
		relatedInformation: d.related?.map((r) => ({
			location: { uri: pathToFileURL(r.span.file).href, range: { start: { line: r.span.start.line, character: r.span.start.col }, end: { line: r.span.end.line, character: r.span.end.col } } },
			message: r.message,
		})),
	};
}

function analyse(uri: string): void {
	const document = documents.get(uri);
	if (!document || !uri.startsWith('file:')) return;
	const file = fileURLToPath(uri);
	if (!/\.(dts|dtso)$/.test(file)) return;
	try {
		const kernel = findKernelTree(file);
		const board = frontend.resolve(file, { includePaths: kernel?.includePaths ?? [], defines: [...KERNEL_DTS_DEFINES] });
		const own = board.diagnostics.filter((d) => d.span.file === file).map(toLsp);
		void connection.sendDiagnostics({ uri, version: document.version, diagnostics: own });
	} catch (error) {
		connection.console.error(`iommu-lens: analysis of ${file} failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
	}
}

function schedule(uri: string): void {
	clearTimeout(pending.get(uri));
	pending.set(uri, setTimeout(() => {
		pending.delete(uri);
		analyse(uri);
	}, DEBOUNCE_MS));
}

documents.onDidChangeContent((change) => {
	const uri = change.document.uri;
	if (uri.startsWith('file:')) {
		const file = fileURLToPath(uri);
		fs.overlay.set(file, change.document.getText());
		frontend.invalidate(file);
	}
	schedule(uri);
});
documents.onDidClose((event) => {
	const uri = event.document.uri;
	if (uri.startsWith('file:')) {
		const file = fileURLToPath(uri);
		fs.overlay.delete(file);
		frontend.invalidate(file);
	}
	void connection.sendDiagnostics({ uri, diagnostics: [] });
});

connection.onInitialize(() => ({
	capabilities: { textDocumentSync: TextDocumentSyncKind.Incremental },
	serverInfo: { name: 'iommu-lens' },
}));

process.on('unhandledRejection', (reason) => connection.console.error(`iommu-lens: unhandled rejection: ${String(reason)}`));
documents.listen(connection);
connection.listen();
