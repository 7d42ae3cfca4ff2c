/**
 * The diagnostics of C files: those of the driver sources (`drivers.ts`: on every file with
 * findings, every open driver document, an empty list where findings went away) and those of the
 * open C files outside them (`loose-drivers.ts`: each on its own, for the document's version; the
 * server clears them when it closes). On both, a `bus-set-iommu` diagnostic also relates the
 * devicetree nodes its drivers bind in the boards open in the editor, taken from their last
 * snapshots whose texts are still current (never an analysis for this; a board whose own files were
 * edited since adds nothing until it is analysed again); `boardsChanged` re-sends the files whose
 * related nodes changed after one of those boards was analysed again or closed.
 */
import type { Diagnostic } from 'vscode-languageserver';
import type { DtView } from '../../../emulator/src';
import type { DriverFacts } from '../../../emulator/src/probe';
import { toDriverFacts } from '../drivers/facts';
import type { DriverSources } from '../drivers/sources';
import { withBoardNodes, type ReportItem } from '../model/analysis';
import { docLinks, toDiagnostic } from './convert';
import type { Runtime } from './runtime';
import type { AnalysisHost } from './workspace';

export interface CDiagnosticsDeps {
	readonly host: AnalysisHost;
	readonly runtime: Runtime;
	/** False until the first settings arrived: nothing is published before. */
	configured(): boolean;
	/** The open documents, with their versions. */
	documents(): ReadonlyArray<{ readonly uri: string; readonly version: number }>;
	/** The views of the boards open in the editor (the build contexts of the open documents), from snapshots whose texts are current. */
	boardViews(): DtView[];
	send(uri: string, version: number | undefined, diagnostics: Diagnostic[]): void;
	log(message: string): void;
}

/** The diagnostics of one file, and the related places of its `bus-set-iommu` items (to see whether boards changed them). */
interface FileDiagnostics {
	readonly diagnostics: Diagnostic[];
	readonly key: string;
}

export class CDiagnostics {
	/** uris where the driver sources' diagnostics were last published non-empty. */
	private readonly driverPublished = new Set<string>();
	/** Per uri: the `key` of what was last published there. */
	private readonly keys = new Map<string, string>();
	private readonly facts = new WeakMap<DriverSources, DriverFacts[]>();
	private driversTimer: ReturnType<typeof setTimeout> | undefined;
	private readonly looseTimers = new Map<string, ReturnType<typeof setTimeout>>();
	/**
	 * The views `boardsChanged` last compared with (snapshots are immutable: the same views, the same
	 * nodes); forgotten when a publish used others.
	 */
	private lastViews: readonly DtView[] | undefined;

	private readonly docUri: (id: string) => string;

	constructor(private readonly deps: CDiagnosticsDeps) {
		this.docUri = docLinks(deps.runtime.findingDocUri?.bind(deps.runtime));
	}

	/** Publishes the driver sources' diagnostics after `delay` ms (a newer call restarts the wait). */
	scheduleDrivers(delay: number): void {
		clearTimeout(this.driversTimer);
		this.driversTimer = setTimeout(() => this.publishDrivers(), delay);
	}

	/** Publishes each loose file's diagnostics after `delay` ms (per file: a newer call restarts its wait). */
	scheduleLoose(files: readonly string[], delay: number): void {
		for (const file of files) {
			clearTimeout(this.looseTimers.get(file));
			this.looseTimers.set(file, setTimeout(() => {
				this.looseTimers.delete(file);
				void this.publishLoose(file);
			}, delay));
		}
	}

	/**
	 * Publishes the driver sources' diagnostics (C parse problems, the C checks without a board, with
	 * the open boards' nodes) on their files: every file with findings, every open driver document
	 * (possibly empty), and an empty list where findings went away (unless the file is now loose).
	 */
	publishDrivers(): void {
		const { host, runtime } = this.deps;
		if (!this.deps.configured()) return;
		try {
			const byUri = this.driverDiagnostics(this.views());
			const versions = this.versions();
			for (const uri of versions.keys()) {
				const p = runtime.uriToPath(uri);
				if (p !== undefined && host.drivers.owns(p) && !byUri.has(uri)) byUri.set(uri, { diagnostics: [], key: '' });
			}
			for (const uri of this.driverPublished) {
				const p = runtime.uriToPath(uri);
				if (!byUri.has(uri) && !(p !== undefined && host.loose.has(p))) byUri.set(uri, { diagnostics: [], key: '' });
			}
			this.driverPublished.clear();
			for (const [uri, d] of byUri) this.sendDriver(uri, versions.get(uri), d);
		} catch (error) {
			this.deps.log(`iommu-lens: analysis of the driver sources failed: ${describe(error)}`);
		}
	}

	/**
	 * Publishes the diagnostics of a loose C file (once the C extractor is loaded; nothing when it is no
	 * longer loose). When its siblings are to be parsed for the first time and are large
	 * (`LooseDrivers.siblingsLater`), its findings without them go out first, and those with them on a
	 * later turn, after the input that came meanwhile (`withSiblings`).
	 */
	async publishLoose(file: string, withSiblings = false): Promise<void> {
		const { host, runtime } = this.deps;
		if (!this.deps.configured()) return;
		try {
			await host.loose.ready();
			// Closed meanwhile, or now one of the driver sources.
			if (!host.loose.has(file)) return;
			const later = !withSiblings && host.loose.siblingsLater(file);
			const uri = runtime.pathToUri(file);
			const d = this.looseDiagnostics(file, this.views(), !later);
			this.keys.set(uri, d.key);
			this.deps.send(uri, this.versions().get(uri), d.diagnostics);
			if (later) setImmediate(() => void this.publishLoose(file, true));
		} catch (error) {
			this.deps.log(`iommu-lens: analysis of ${file} failed: ${describe(error)}`);
		}
	}

	/** A document closed: nothing of it as a loose file is pending any more (the server clears its diagnostics). */
	closed(file: string): void {
		clearTimeout(this.looseTimers.get(file));
		this.looseTimers.delete(file);
		const uri = this.deps.runtime.pathToUri(file);
		// A driver source keeps its diagnostics.
		if (!this.driverPublished.has(uri)) this.keys.delete(uri);
	}

	/**
	 * The open boards' analyses may have changed (a board analysed, or closed): re-sends the C files
	 * whose `bus-set-iommu` related nodes are no longer what was published. Cheap when the boards'
	 * snapshots are those of the last call. The driver sources only when they are read (a re-read
	 * pending publishes them anyway, with the nodes).
	 */
	boardsChanged(): void {
		const { host, runtime } = this.deps;
		// Nothing to relate nodes to.
		if (!this.deps.configured() || (!host.drivers.upToDate && host.loose.tracked().length === 0)) return;
		try {
			const views = this.deps.boardViews();
			const last = this.lastViews;
			if (last && last.length === views.length && views.every((v, i) => v === last[i])) return;
			this.lastViews = views;
			const versions = this.versions();
			if (host.drivers.upToDate) {
				for (const [uri, d] of this.driverDiagnostics(views)) if (d.key !== (this.keys.get(uri) ?? '')) this.sendDriver(uri, versions.get(uri), d);
			}
			for (const file of host.loose.tracked()) {
				const uri = runtime.pathToUri(file);
				// Not published yet: its own publish is on its way.
				if (!this.keys.has(uri)) continue;
				// Large siblings never read yet: left to the file's own publish.
				const d = this.looseDiagnostics(file, views, !host.loose.siblingsLater(file));
				if (d.key === this.keys.get(uri)) continue;
				this.keys.set(uri, d.key);
				this.deps.send(uri, versions.get(uri), d.diagnostics);
			}
		} catch (error) {
			this.deps.log(`iommu-lens: the related nodes of the C diagnostics failed: ${describe(error)}`);
		}
	}

	/** The open boards' views for a publish (which `boardsChanged` then compares again). */
	private views(): DtView[] {
		this.lastViews = undefined;
		return this.deps.boardViews();
	}

	private sendDriver(uri: string, version: number | undefined, d: FileDiagnostics): void {
		if (d.diagnostics.length > 0) this.driverPublished.add(uri);
		this.keys.set(uri, d.key);
		this.deps.send(uri, version, d.diagnostics);
	}

	private versions(): Map<string, number> {
		return new Map(this.deps.documents().map((d) => [d.uri, d.version]));
	}

	/** The driver sources' diagnostics by uri (the files with findings). */
	private driverDiagnostics(views: readonly DtView[]): Map<string, FileDiagnostics> {
		const { host } = this.deps;
		const items = host.drivers.findings(host.kernelSetting);
		const sources = host.drivers.sources();
		return this.byUri(sources ? this.withNodes(items, sources, views) : items);
	}

	/** `readSiblings`: read the siblings of the file (else those read before, if any, serve). */
	private looseDiagnostics(file: string, views: readonly DtView[], readSiblings: boolean): FileDiagnostics {
		const { host, runtime } = this.deps;
		const how = { readSiblings };
		const items = host.loose.findings(file, host.kernelSetting, how);
		const sources = host.loose.sources(file, how);
		return this.byUri(sources ? this.withNodes(items, sources, views) : items).get(runtime.pathToUri(file)) ?? { diagnostics: [], key: '' };
	}

	private withNodes(items: ReportItem[], sources: DriverSources, views: readonly DtView[]): ReportItem[] {
		if (views.length === 0 || !items.some((i) => i.id === 'bus-set-iommu')) return items;
		let facts = this.facts.get(sources);
		if (!facts) this.facts.set(sources, (facts = toDriverFacts(sources)));
		return withBoardNodes(items, sources, facts, views);
	}

	private byUri(items: readonly ReportItem[]): Map<string, FileDiagnostics> {
		const toUri = (p: string): string => this.deps.runtime.pathToUri(p);
		const lists = new Map<string, { diagnostics: Diagnostic[]; related: string[] }>();
		for (const item of items) {
			const uri = toUri(item.span.file);
			let list = lists.get(uri);
			if (!list) lists.set(uri, (list = { diagnostics: [], related: [] }));
			list.diagnostics.push(toDiagnostic(item, item.span.file, 'drivers', toUri, this.docUri));
			if (item.id === 'bus-set-iommu') list.related.push(item.related.map((r) => `${r.span.file}:${r.span.start.line}:${r.span.start.col}:${r.message}`).join(','));
		}
		return new Map([...lists].map(([uri, l]) => [uri, { diagnostics: l.diagnostics, key: l.related.join(';') }]));
	}
}

const describe = (error: unknown): string => (error instanceof Error ? (error.stack ?? error.message) : String(error));
