/**
 * Read-only markdown documents (`iommu-lens-report:` URIs) that show results the simulation panel
 * does not: a simulation of an explicit scenario, the masters behind one IOMMU, one master's DMA path.
 */
import { EventEmitter, Uri, ViewColumn, window, workspace, type Disposable, type TextDocumentContentProvider } from 'vscode';

export const REPORT_SCHEME = 'iommu-lens-report';

export class ReportDocuments implements TextDocumentContentProvider, Disposable {
	private readonly contents = new Map<string, string>();
	private readonly changed = new EventEmitter<Uri>();
	readonly onDidChange = this.changed.event;
	private readonly registration: Disposable;

	constructor() {
		this.registration = workspace.registerTextDocumentContentProvider(REPORT_SCHEME, this);
	}

	provideTextDocumentContent(uri: Uri): string {
		return this.contents.get(uri.toString()) ?? '';
	}

	/** Shows `markdown` in the document `name` (reused: a second simulation replaces the first). */
	async show(name: string, markdown: string): Promise<Uri> {
		const uri = Uri.from({ scheme: REPORT_SCHEME, path: `/${name.replace(/[^\w.@-]+/g, '-')}.md` });
		const known = this.contents.has(uri.toString());
		this.contents.set(uri.toString(), markdown);
		if (known) this.changed.fire(uri);
		const doc = await workspace.openTextDocument(uri);
		await window.showTextDocument(doc, { viewColumn: ViewColumn.Beside, preview: true, preserveFocus: true });
		return uri;
	}

	/** The text last shown at `uri` (for the tests, through the extension's API). */
	text(uri: Uri): string | undefined {
		return this.contents.get(uri.toString());
	}

	dispose(): void {
		this.registration.dispose();
		this.changed.dispose();
	}
}
