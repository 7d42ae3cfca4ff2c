/**
 * `startServer(connection, runtime)`: wires the open documents, the analysis host and the handlers.
 * No analysis logic here: the host (workspace.ts) decides what to recompute, the features
 * (server/src/ide) answer, convert.ts translates.
 */
import {
	CodeActionKind,
	DidChangeConfigurationNotification,
	DidChangeWatchedFilesNotification,
	FileChangeType,
	InlayHintKind,
	TextDocuments,
	TextDocumentSyncKind,
	type CodeAction,
	type InlayHint,
	type Location,
	type Connection,
	type InitializeResult,
	type ServerCapabilities,
} from 'vscode-languageserver';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { probe } from '../../../emulator/src';
import * as ide from '../ide';
import type { BoardSnapshot } from '../ide/types';
import {
	BuildContextsRequest,
	Commands,
	SetBuildContextRequest,
	SimulateRequest,
	StatusNotification,
	TopologyRequest,
	type BuildContextsResult,
	type DmaPathResult,
	type SimulateResult,
	type TopologyResult,
	type ScenarioParams,
} from '../protocol/ext';
import { docLinks, fromRange, toDiagnostic, toLocation, toRange, toReportItem } from './convert';
import { topology, simulate } from './custom';
import { runSafe } from './run-safe';
import { CDiagnostics } from './c-diagnostics';
import { SyntaxDocuments } from './syntax';
import { isDevicetree } from './contexts';
import type { Grammar, SyntaxTree } from '../syntax/parser';
import type { Runtime } from './runtime';
import { normaliseSettings } from './settings';
import { AnalysisHost, type Context, type SnapshotResult } from './workspace';
import { MAX_WORKSPACE_SYMBOLS } from '../ide/symbols';
import { boardIndex } from '../ide/locate';
import { ideContext } from '../ide/context';
import { EditDebounce } from './debounce';

export type { Runtime } from './runtime';

/**
 * An edit inside a burst of typing is analysed once typing pauses this long (a newer edit restarts
 * the wait); an edit after such a pause is analysed at once (debounce.ts).
 */
export const DEBOUNCE_MS = 150;
/**
 * Other open boards that read the edited file wait until typing pauses this long, and are then
 * analysed one per event-loop turn, so that a newer edit (which restarts the wait) is never queued
 * behind them.
 */
export const BACKGROUND_DEBOUNCE_MS = 1000;
/**
 * This long after a fresh analysis's publish, when no analysis waits or runs, the young generation is
 * collected (`Runtime.collectYoung`): what the analysis left is moved then, not inside the next one.
 */
export const YOUNG_GC_MS = 50;
/** Nothing pending for this long: collect garbage (see `Runtime.collectGarbage`). */
export const IDLE_GC_MS = 1500;

export const CAPABILITIES: ServerCapabilities = {
	textDocumentSync: { openClose: true, change: TextDocumentSyncKind.Incremental },
	hoverProvider: true,
	definitionProvider: true,
	referencesProvider: true,
	documentSymbolProvider: true,
	foldingRangeProvider: true,
	workspaceSymbolProvider: true,
	documentLinkProvider: { resolveProvider: false },
	codeLensProvider: { resolveProvider: false },
	inlayHintProvider: true,
	codeActionProvider: { codeActionKinds: [CodeActionKind.QuickFix] },
	executeCommandProvider: { commands: [Commands.simulate, Commands.topology, Commands.showDmaPath] },
};

export function startServer(connection: Connection, runtime: Runtime): void {
	const documents = new TextDocuments(TextDocument);
	const host = new AnalysisHost(runtime);
	let grammar: Promise<Grammar | undefined> | undefined;
	const syntax = new SyntaxDocuments(() => (grammar ??= runtime.loadDevicetreeGrammar()));
	/** The syntax tree of an open devicetree document, with its text and path. */
	const syntaxOf = async (uri: string): Promise<{ file: string; text: string; tree: SyntaxTree } | undefined> => {
		const doc = documents.get(uri);
		const file = runtime.uriToPath(uri);
		if (!doc || file === undefined || !isDevicetree(file)) return undefined;
		const text = doc.getText();
		const tree = await syntax.tree(file, text);
		return tree ? { file, text, tree } : undefined;
	};
	const log = (m: string): void => connection.console.error(m);
	const toUri = (p: string): string => runtime.pathToUri(p);
	const docUri = docLinks(runtime.findingDocUri?.bind(runtime));
	const pending = new Map<string, ReturnType<typeof setTimeout>>();
	/** uri → the board whose analysis last published diagnostics there. */
	const publishedBy = new Map<string, string>();
	let pullConfiguration = false;
	let watchFiles = false;
	/** Analyses wait for the first settings (a board analysed with defaults would be analysed twice). */
	let configured = false;

	const openBoards = (): string[] => documents.all().flatMap((d) => {
		const p = runtime.uriToPath(d.uri);
		return p !== undefined && /\.(dts|dtso|overlay)$/.test(p) ? [p] : [];
	});
	const contextOfUri = (uri: string, boards?: readonly string[]): (Context & { file: string }) | undefined => {
		const file = runtime.uriToPath(uri);
		if (file === undefined) return undefined;
		// A board is its own context: no need to list the open boards.
		return { file, ...host.contextOf(file, boards ?? (/\.dtsi$/.test(file) ? openBoards() : [])) };
	};
	/** The build contexts of the open documents (the boards open in the editor). */
	const openContexts = (): string[] => {
		const boards = openBoards();
		return [...new Set(documents.all().flatMap((d) => contextOfUri(d.uri, boards)?.board ?? []))];
	};
	/** The diagnostics of C files: the driver sources' and the loose files' (c-diagnostics.ts). */
	const cDiagnostics = new CDiagnostics({
		host,
		runtime,
		configured: () => configured,
		documents: () => documents.all(),
		boardViews: () => openContexts().flatMap((b) => host.analysedSnapshot(b)?.analysis.view ?? []),
		send: (uri, version, diagnostics) => void connection.sendDiagnostics({ uri, ...(version !== undefined ? { version } : {}), diagnostics }),
		log: (m) => log(m),
	});
	/** `exactTexts`: the snapshot's texts must be the documents' (quick fixes edit them). */
	const snapshotOf = async (uri: string, exactTexts = false): Promise<{ file: string; snapshot: BoardSnapshot } | undefined> => {
		const ctx = contextOfUri(uri);
		if (!ctx?.board) return undefined;
		// An analysis under way (or a new one) runs in steps; other requests are answered meanwhile.
		if (!host.isUpToDate(ctx.board)) await analyseSteps(ctx.board);
		return { file: ctx.file, snapshot: host.snapshot(ctx.board, { exactTexts }).snapshot };
	};

	/**
	 * Runs `fn` on a later event-loop turn, after the input that arrived meanwhile: messages read in the
	 * next poll phase are dispatched by vscode-jsonrpc in a `setImmediate` queued behind the first hop
	 * here, so they go first. (Two immediates, not `setTimeout(fn, 0)`: a timer waits a millisecond
	 * or more even when nothing arrived.)
	 */
	const afterPendingInput = (fn: () => void): void => {
		setImmediate(() => setImmediate(fn));
	};
	/** Analyses in steps under way, by board: a request for that board waits for it rather than analysing again. */
	const inFlight = new Map<string, Promise<SnapshotResult | undefined>>();
	/**
	 * Runs `host.snapshotSteps`, one step per event-loop turn, the next step after the input that
	 * arrived meanwhile (so the requests and edits go first: `afterPendingInput`). Undefined when a newer edit made it stale.
	 */
	function analyseSteps(board: string, how: { background?: boolean } = {}): Promise<SnapshotResult | undefined> {
		const flying = inFlight.get(board);
		if (flying) return flying;
		const steps = host.snapshotSteps(board, how);
		const p = new Promise<SnapshotResult | undefined>((resolve, reject) => {
			const step = (): void => {
				try {
					const r = steps.next();
					if (r.done) resolve(r.value);
					else afterPendingInput(step);
				} catch (error) {
					reject(error);
				}
			};
			step();
		});
		inFlight.set(board, p);
		const clear = (): void => {
			if (inFlight.get(board) === p) inFlight.delete(board);
		};
		p.then(clear, clear);
		return p;
	}
	const baseName = (p: string): string => p.slice(p.lastIndexOf('/') + 1);

	function status(extra: Partial<Parameters<typeof sendStatus>[0]>): void {
		const v = host.kernel;
		sendStatus({ state: 'ready', kernel: probe.formatKernelVersion(v), era: probe.eraOf(v), ...extra });
	}
	function sendStatus(params: import('../protocol/ext').StatusParams): void {
		void connection.sendNotification(StatusNotification.type, params).catch(() => undefined);
	}

	/** Analyses a board (if an input changed) and publishes the diagnostics of its files. */
	async function analyse(board: string, background = false): Promise<void> {
		if (!configured) return;
		try {
			const fresh = !host.isUpToDate(board);
			if (fresh) status({ state: 'analysing', context: toUri(board) });
			const res = await analyseSteps(board, { background });
			// Stale before it was done (a newer edit, whose own analysis is scheduled), or by now.
			if (!res || !host.isCurrent(board, res.snapshot)) return;
			const { snapshot, elapsedMs } = res;
			if (fresh) prepare(board, snapshot);
			const byUri = new Map<string, ReturnType<typeof toDiagnostic>[]>();
			for (const item of snapshot.analysis.items) {
				// The driver sources' files show the drivers' own findings (c-diagnostics.ts), not a board's.
				if (host.drivers.owns(item.span.file)) continue;
				const uri = toUri(item.span.file);
				let list = byUri.get(uri);
				if (!list) byUri.set(uri, (list = []));
				list.push(toDiagnostic(item, board, baseName(board), toUri, docUri));
			}
			// The open documents analysed in this context always get a publish (possibly empty).
			const boards = openBoards();
			const own = new Set(documents.all().filter((d) => contextOfUri(d.uri, boards)?.board === board).map((d) => d.uri));
			for (const u of own) if (!byUri.has(u)) byUri.set(u, []);
			for (const [uri, owner] of publishedBy) if (owner === board && !byUri.has(uri)) byUri.set(uri, []);
			// The document being edited first; the others' serialisation waits for the input that arrived
			// meanwhile (a hover sent on seeing the first publish), and is dropped when a newer analysis
			// replaced this one (that one publishes every file this one did).
			const sends: Array<() => void> = [];
			for (const uri of byUri.keys()) {
				const diagnostics = byUri.get(uri)!;
				const doc = documents.get(uri);
				// An open file analysed in another context shows that context's results, not these.
				if (doc && !own.has(uri)) continue;
				if (diagnostics.length === 0) publishedBy.delete(uri);
				else publishedBy.set(uri, board);
				const send = (): void => void connection.sendDiagnostics({ uri, ...(doc ? { version: doc.version } : {}), diagnostics });
				if (uri === focus) send();
				else sends.push(send);
			}
			if (sends.length > 0) {
				afterPendingInput(() => {
					if (host.isCurrent(board, snapshot)) for (const send of sends) send();
				});
			}
			// The C files' bus-set-iommu diagnostics relate the nodes of the open boards (a new snapshot, or a board opened again).
			cDiagnostics.boardsChanged();
			const settingsErrors = host.settingsErrors;
			status({ state: settingsErrors.length > 0 ? 'error' : 'ready', context: toUri(board), elapsedMs, ...(settingsErrors.length > 0 ? { message: settingsErrors.join('\n') } : {}) });
		} catch (error) {
			log(`iommu-lens: analysis of ${board} failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
			status({ state: 'error', context: toUri(board), message: String(error) });
		}
	}

	const scheduleDrivers = (delay = DEBOUNCE_MS): void => cDiagnostics.scheduleDrivers(delay);

	/** The document last opened or edited (its board is the one the user looks at). */
	let focus: string | undefined;
	/**
	 * After a fresh analysis, before its publish: for the board of the document the user works in, what
	 * the first hover needs (the position index, that document's entries in it, the hover context; some
	 * 3 ms on a big SoC), so that a hover sent on seeing the new diagnostics finds it ready. Then, once
	 * the requests that came with the publish are answered, the young generation; once typing pauses,
	 * the attach simulation. Those two are skipped once a newer edit made the snapshot stale.
	 */
	function prepare(board: string, snapshot: BoardSnapshot): void {
		const attempt = (name: string, fn: () => unknown): void => {
			try {
				fn();
			} catch (error) {
				log(`iommu-lens: ${name} of ${board} failed: ${String(error)}`);
			}
		};
		/** `fn` after `ms`, unless a newer edit made the snapshot stale meanwhile. */
		const later = (ms: number, name: string, fn: () => unknown): void => {
			setTimeout(() => {
				if (host.isCurrent(board, snapshot)) attempt(name, fn);
			}, ms);
		};
		const file = focus !== undefined && contextOfUri(focus)?.board === board ? runtime.uriToPath(focus) : undefined;
		if (file !== undefined) {
			attempt('position index', () => boardIndex(snapshot));
			// The index lists a file's entries when first asked.
			attempt('position index of the focused file', () => boardIndex(snapshot).at(file, { line: 0, col: 0 }));
			attempt('hover context', () => ideContext(snapshot));
		}
		// Once the requests that came with the publish (a hover on the new results) are answered.
		later(YOUNG_GC_MS, 'young generation', collectYoungIfIdle);
		// Once typing pauses: a keystroke that comes meanwhile makes this snapshot stale, and its edit's
		// analysis does not wait behind work for a snapshot about to be replaced.
		later(DEBOUNCE_MS, 'attach simulation', () => snapshot.attach());
		idleSoon();
	}

	/**
	 * A minor collection when no analysis waits or runs: what the last analysis and its hover
	 * preparation left in the young generation (the board's new tree, some MB) is moved now, so that
	 * the next keystroke's analysis starts with it nearly empty and, allocating less than it holds, is
	 * rarely interrupted by a collection (sdm845.dtsi in db845c: 15 of 201 analyses instead of 64).
	 */
	function collectYoungIfIdle(): void {
		if (pending.size === 0 && inFlight.size === 0) runtime.collectYoung?.();
	}

	/** A collection once nothing is pending for IDLE_GC_MS (the process gives memory back while idle). */
	let idleTimer: ReturnType<typeof setTimeout> | undefined;
	function idleSoon(): void {
		if (!runtime.collectGarbage) return;
		clearTimeout(idleTimer);
		idleTimer = setTimeout(() => {
			if (pending.size > 0 || background.size > 0) return idleSoon();
			runtime.collectGarbage?.();
		}, IDLE_GC_MS);
	}

	function schedule(board: string, delay = DEBOUNCE_MS): void {
		clearTimeout(pending.get(board));
		pending.set(board, setTimeout(() => {
			pending.delete(board);
			void analyse(board);
		}, delay));
	}

	const background = new Set<string>();
	let backgroundTimer: ReturnType<typeof setTimeout> | undefined;
	/** The background analyses wait until then (typing pushes it back). */
	let backgroundNotBefore = 0;
	let draining = false;
	function drainBackground(): void {
		clearTimeout(backgroundTimer);
		const wait = backgroundNotBefore - runtime.now();
		if (wait > 0) {
			backgroundTimer = setTimeout(drainBackground, wait);
			return;
		}
		if (draining) return;
		const [next] = background;
		if (next === undefined) return;
		background.delete(next);
		draining = true;
		void analyse(next, true).finally(() => {
			draining = false;
			// Between background analyses (the user is not typing): keep the heap near its live size.
			runtime.collectGarbage?.();
			backgroundTimer = setTimeout(drainBackground, 0);
		});
	}

	/** When an edit's own analysis starts (debounce.ts). */
	const edits = new EditDebounce(DEBOUNCE_MS);
	/**
	 * After `file` changed: the edited file's own context now (after a pause in typing) or once typing
	 * pauses (`EditDebounce`), every other open context that read it later.
	 */
	function changed(file: string | undefined, own?: string, delay = DEBOUNCE_MS): void {
		const boards = new Set<string>();
		const ownBoard = own ? contextOfUri(own)?.board : undefined;
		if (ownBoard) {
			background.delete(ownBoard);
			// Results that stand (a same-tokens edit over an analysed board) are published at once; a board
			// to analyse again is analysed at once after a pause in typing, else once typing pauses.
			const wait = edits.edited(ownBoard, runtime.now(), pending.has(ownBoard) || inFlight.has(ownBoard));
			if (!(delay === 0 && host.isUpToDate(ownBoard))) delay = wait;
			// A pending analysis is not hurried.
			if (!(delay === 0 && pending.has(ownBoard))) schedule(ownBoard, delay);
		}
		if (file !== undefined) {
			const open = openBoards();
			for (const d of documents.all()) {
				const b = contextOfUri(d.uri, open)?.board;
				if (b && b !== ownBoard && host.outdatedBy(b, file)) boards.add(b);
			}
		}
		if (boards.size === 0 && background.size === 0) return;
		for (const b of boards) background.add(b);
		const wait = ownBoard ? BACKGROUND_DEBOUNCE_MS : DEBOUNCE_MS;
		backgroundNotBefore = runtime.now() + wait;
		clearTimeout(backgroundTimer);
		backgroundTimer = setTimeout(drainBackground, wait);
	}

	// didOpen fires onDidOpen, then onDidChangeContent (which reads the text and schedules).
	documents.onDidOpen((e) => {
		const ctx = contextOfUri(e.document.uri);
		if (ctx) status({ state: configured ? 'analysing' : 'starting', uri: e.document.uri, ...(ctx.board ? { context: toUri(ctx.board) } : {}), reason: ctx.reason });
	});
	documents.onDidChangeContent((e) => {
		const file = runtime.uriToPath(e.document.uri);
		if (file === undefined) return;
		focus = e.document.uri;
		const res = host.open(file, e.document.getText(), e.document.version);
		if (res.drivers) scheduleDrivers();
		cDiagnostics.scheduleLoose(res.loose, DEBOUNCE_MS);
		// An edit that kept every token in place: the results stand; publish them for the new version now.
		changed(file, e.document.uri, res.sameTokens ? 0 : DEBOUNCE_MS);
	});
	documents.onDidClose((e) => {
		const file = runtime.uriToPath(e.document.uri);
		if (file === undefined) return;
		syntax.close(file);
		const res = host.close(file);
		if (res.drivers) scheduleDrivers();
		cDiagnostics.closed(file);
		cDiagnostics.scheduleLoose(res.loose, DEBOUNCE_MS);
		// The closed file's own diagnostics go; so do those a closed board published in files no open
		// document's context still covers.
		const stillOpen = new Set(documents.all().flatMap((d) => contextOfUri(d.uri)?.board ?? []));
		edits.retain(stillOpen);
		for (const [uri, owner] of publishedBy) {
			if (uri === e.document.uri || stillOpen.has(owner)) continue;
			publishedBy.delete(uri);
			void connection.sendDiagnostics({ uri, diagnostics: [] });
		}
		// (A driver source keeps the drivers' diagnostics: c-diagnostics.ts sends them again, unversioned.)
		if (!host.drivers.owns(file) && !stillOpen.has(publishedBy.get(e.document.uri) ?? '')) {
			publishedBy.delete(e.document.uri);
			void connection.sendDiagnostics({ uri: e.document.uri, diagnostics: [] });
		}
		changed(file);
		// A closed board's nodes leave the C files' related places.
		if (isDevicetree(file)) cDiagnostics.boardsChanged();
	});

	async function loadSettings(initial: unknown): Promise<void> {
		let raw = initial;
		if (pullConfiguration) {
			try {
				const [pulled] = (await connection.workspace.getConfiguration([{ section: 'iommuLens' }])) as unknown[];
				if (pulled && typeof pulled === 'object') raw = pulled;
			} catch (error) {
				log(`iommu-lens: workspace/configuration failed: ${String(error)}`);
			}
		}
		const errors = await host.configure(normaliseSettings(raw));
		configured = true;
		for (const e of errors) log(`iommu-lens: ${e}`);
		scheduleDrivers(0);
		cDiagnostics.scheduleLoose(host.loose.tracked(), 0);
		registerWatchers();
		for (const b of openContexts()) schedule(b, 0);
	}

	let initialSettings: unknown;
	connection.onInitialize((params): InitializeResult => {
		const folders = params.workspaceFolders?.map((f) => runtime.uriToPath(f.uri)).filter((p): p is string => p !== undefined) ?? [];
		if (folders.length === 0 && params.rootUri) {
			const root = runtime.uriToPath(params.rootUri);
			if (root) folders.push(root);
		}
		host.folders = folders;
		const opts = params.initializationOptions as { settings?: unknown } | undefined;
		initialSettings = opts?.settings ?? opts;
		pullConfiguration = params.capabilities.workspace?.configuration === true;
		watchFiles = params.capabilities.workspace?.didChangeWatchedFiles?.dynamicRegistration === true;
		return { capabilities: CAPABILITIES, serverInfo: { name: 'iommu-lens' } };
	});
	connection.onInitialized(() => {
		if (pullConfiguration) void connection.client.register(DidChangeConfigurationNotification.type, { section: 'iommuLens' }).catch(() => undefined);
		void loadSettings(initialSettings).catch((e: unknown) => log(String(e)));
	});
	connection.onDidChangeConfiguration((p) => void loadSettings(p.settings ?? initialSettings).catch((e: unknown) => log(String(e))));
	connection.onDidChangeWatchedFiles((p) => {
		let drivers = false;
		const loose = new Set<string>();
		for (const c of p.changes) {
			const file = runtime.uriToPath(c.uri);
			if (file === undefined) continue;
			const res = host.diskChanged(file, c.type !== FileChangeType.Changed);
			if (res.drivers) drivers = true;
			for (const f of res.loose) loose.add(f);
			changed(file);
		}
		if (drivers) scheduleDrivers();
		cDiagnostics.scheduleLoose([...loose], DEBOUNCE_MS);
	});

	/**
	 * Files changed outside the editor (git checkout, generated headers, driver sources): the
	 * devicetree sources and headers, the driver sources, Kconfig files, Makefiles and the configured
	 * `.config` (whatever its name). Registered again when the settings change the configuration's name.
	 */
	let watcherGlobs = '';
	let watcher: Promise<{ dispose(): void }> | undefined;
	function registerWatchers(): void {
		if (!watchFiles) return;
		const globs = ['**/*.{dts,dtsi,dtso,overlay,h,c}', '**/{Kconfig*,Makefile,Kbuild,.config,*defconfig}'];
		const config = host.drivers.configPath;
		if (config !== undefined) globs.push(`**/${config.slice(config.lastIndexOf('/') + 1)}`);
		if (globs.join('|') === watcherGlobs) return;
		watcherGlobs = globs.join('|');
		const old = watcher;
		watcher = connection.client.register(DidChangeWatchedFilesNotification.type, { watchers: globs.map((globPattern) => ({ globPattern })) });
		void watcher.catch(() => undefined);
		void old?.then((d) => d.dispose()).catch(() => undefined);
	}

	// ---- features (server/src/ide) ----
	connection.onHover((p, token) =>
		runSafe(log, async () => {
			const s = await snapshotOf(p.textDocument.uri);
			const h = s && ide.hover(s.snapshot, { file: s.file, position: { line: p.position.line, col: p.position.character } });
			return h ? { contents: { kind: 'markdown' as const, value: h.markdown }, range: toRange(h.span) } : null;
		}, null, 'hover', token));
	/**
	 * In a driver source or a loose C file, on an `of_device_id` compatible string: the nodes it binds
	 * in the boards open in the editor (their analysis, as for any request on them), deduplicated by place.
	 */
	const boundByDriver = async (uri: string, position: { line: number; character: number }): Promise<Location[]> => {
		const file = runtime.uriToPath(uri);
		if (file === undefined) return [];
		const facts = host.drivers.owns(file) ? host.drivers.factsOf(file) : host.loose.has(file) ? await host.loose.ready().then(() => host.loose.factsOf(file)) : undefined;
		const compatible = facts && ide.compatibleAt(facts, file, { line: position.line, col: position.character });
		if (compatible === undefined) return [];
		const seen = new Set<string>();
		const out: Location[] = [];
		for (const board of openContexts()) {
			const s = await snapshotOf(toUri(board));
			for (const { span } of s ? ide.boundNodes(s.snapshot, compatible) : []) {
				const key = `${span.file}:${span.start.line}:${span.start.col}`;
				if (seen.has(key)) continue;
				seen.add(key);
				out.push(toLocation(span, toUri));
			}
		}
		return out;
	};
	connection.onDefinition((p, token) =>
		runSafe(log, async () => {
			const s = await snapshotOf(p.textDocument.uri);
			return s ? ide.definition(s.snapshot, { file: s.file, position: { line: p.position.line, col: p.position.character } }).map((x) => toLocation(x, toUri)) : await boundByDriver(p.textDocument.uri, p.position);
		}, [], 'definition', token));
	connection.onReferences((p, token) =>
		runSafe(log, async () => {
			const s = await snapshotOf(p.textDocument.uri);
			return s ? ide.references(s.snapshot, { file: s.file, position: { line: p.position.line, col: p.position.character } }, p.context.includeDeclaration).map((x) => toLocation(x, toUri)) : await boundByDriver(p.textDocument.uri, p.position);
		}, [], 'references', token));
	connection.onDocumentSymbol((p, token) =>
		runSafe(log, async () => {
			const s = await snapshotOf(p.textDocument.uri);
			const KIND = { node: 2, property: 7, label: 14, macro: 14 } as const; // Module, Property, Constant
			type Sym = ide.DocumentSymbol;
			const conv = (d: Sym): import('vscode-languageserver').DocumentSymbol => ({
				name: d.name, ...(d.detail ? { detail: d.detail } : {}), kind: KIND[d.kind], range: toRange(d.span), selectionRange: toRange(d.selectionSpan), children: d.children.map(conv),
			});
			if (s) return ide.documentSymbols(s.snapshot, s.file).map(conv);
			// No build context (or none yet): the outline of the text as written, from its syntax tree.
			const t = await syntaxOf(p.textDocument.uri);
			return t ? ide.syntaxOutline(t.tree.rootNode, t.text, t.file).map(conv) : [];
		}, [], 'documentSymbol', token));
	connection.onFoldingRanges((p, token) =>
		runSafe(log, async () => {
			const t = await syntaxOf(p.textDocument.uri);
			return t ? ide.syntaxFolding(t.tree.rootNode, t.text) : [];
		}, [], 'foldingRange', token));
	connection.onWorkspaceSymbol((p, token) =>
		runSafe(log, () => {
			const KIND = { node: 2, property: 7, label: 14, macro: 14 } as const;
			// The board last worked in first (resolved paths; its position index is built already), then
			// the index of every file (paths as written). Other snapshots would each build their index.
			const recent = host.snapshots().slice(-1);
			const resolved = ide.workspaceSymbols(recent, p.query);
			const key = (w: ide.WorkspaceSymbol): string => `${w.span.file}:${w.span.start.line}:${w.span.start.col}`;
			const seen = new Set(resolved.map(key));
			const conv = (w: ide.WorkspaceSymbol) => ({ name: w.name, kind: KIND[w.kind], ...(w.container ? { containerName: w.container } : {}), location: toLocation(w.span, toUri) });
			const rest = MAX_WORKSPACE_SYMBOLS - resolved.length;
			if (rest <= 0) return resolved.map(conv);
			return host.indexedSymbols(p.query, rest, (w) => seen.has(key(w))).then((indexed) => [...resolved, ...indexed].map(conv));
		}, [], 'workspaceSymbol', token));
	connection.onDocumentLinks((p, token) =>
		runSafe(log, async () => {
			const s = await snapshotOf(p.textDocument.uri);
			return s ? ide.documentLinks(s.snapshot, s.file).map((l) => ({ range: toRange(l.span), target: toUri(l.target) })) : [];
		}, [], 'documentLink', token));
	connection.onCodeLens((p, token) =>
		runSafe(log, async () => {
			const s = await snapshotOf(p.textDocument.uri);
			return s ? ide.codeLenses(s.snapshot, s.file).map((l) => ({ range: toRange(l.span), command: { title: l.title, command: l.command, arguments: [...l.args] } })) : [];
		}, [], 'codeLens', token));
	connection.languages.inlayHint.on((p, token) =>
		runSafe(log, async () => {
			const s = await snapshotOf(p.textDocument.uri);
			return s
				? ide.inlayHints(s.snapshot, fromRange(s.file, p.range)).map((h): InlayHint => ({
						position: { line: h.position.line, character: h.position.col }, label: h.label, kind: h.kind === 'type' ? InlayHintKind.Type : InlayHintKind.Parameter,
						...(h.paddingLeft ? { paddingLeft: true } : {}), ...(h.paddingRight ? { paddingRight: true } : {}),
					}))
				: [];
		}, [], 'inlayHint', token));
	connection.onCodeAction((p, token) =>
		runSafe(log, async () => {
			const s = await snapshotOf(p.textDocument.uri, true);
			// A driver source or a loose C file (its C checks run without a board): the fixes that need only its text.
			const driverFile = s ? undefined : runtime.uriToPath(p.textDocument.uri);
			if (!s && (driverFile === undefined || !(host.drivers.owns(driverFile) || host.loose.has(driverFile)))) return [];
			const file = s?.file ?? driverFile!;
			const out: CodeAction[] = [];
			for (const d of p.context.diagnostics) {
				const item = toReportItem(d, file, runtime.uriToPath);
				if (!item) continue;
				const fixes = s ? ide.quickFixes(s.snapshot, item) : ide.textQuickFixes(item, (path) => runtime.fs.readFile(path));
				for (const fix of fixes) {
					const changes: Record<string, import('vscode-languageserver').TextEdit[]> = {};
					for (const e of fix.edits) (changes[toUri(e.span.file)] ??= []).push({ range: toRange(e.span), newText: e.newText });
					out.push({ title: fix.title, kind: CodeActionKind.QuickFix, diagnostics: [d], ...(fix.preferred ? { isPreferred: true } : {}), edit: { changes } });
				}
			}
			return out;
		}, [], 'codeAction', token));

	// ---- extensions (server/src/protocol/ext.ts) ----
	const contexts = (uri: string): BuildContextsResult => {
		const ctx = contextOfUri(uri);
		if (!ctx) return { reason: 'none', candidates: [] };
		return { ...(ctx.board ? { current: toUri(ctx.board) } : {}), reason: ctx.reason, candidates: ctx.candidates.map((c) => ({ uri: toUri(c.board), depth: c.depth })) };
	};
	const doSimulate = async (uri: string, scenario: ScenarioParams) => {
		const s = await snapshotOf(uri);
		if (!s) return null;
		return simulate(s.snapshot, scenario, host.options(s.snapshot.board), toUri);
	};
	const doTopology = async (uri: string) => {
		const s = await snapshotOf(uri);
		return s ? topology(s.snapshot, probe.formatKernelVersion(host.kernel), toUri) : null;
	};
	connection.onRequest(BuildContextsRequest.type, (p, token) => runSafe(log, () => contexts(p.textDocument.uri), { reason: 'none', candidates: [] } as BuildContextsResult, 'buildContexts', token));
	connection.onRequest(SetBuildContextRequest.type, (p, token) =>
		runSafe(log, () => {
			const file = runtime.uriToPath(p.textDocument.uri);
			if (file !== undefined) {
				const board = p.context === null ? undefined : (runtime.uriToPath(p.context) ?? p.context);
				host.setContext(file, board);
				const ctx = contextOfUri(p.textDocument.uri);
				if (ctx?.board) schedule(ctx.board, 0);
			}
			return contexts(p.textDocument.uri);
		}, { reason: 'none', candidates: [] } as BuildContextsResult, 'setBuildContext', token));
	connection.onRequest(SimulateRequest.type, (p, token) => runSafe(log, () => doSimulate(p.textDocument.uri, p.scenario ?? {}), null, 'simulate', token));
	connection.onRequest(TopologyRequest.type, (p, token) => runSafe(log, () => doTopology(p.textDocument.uri), null, 'topology', token));
	connection.onExecuteCommand((p, token) =>
		runSafe(log, async (): Promise<SimulateResult | TopologyResult | DmaPathResult | null> => {
			const [file, arg] = (p.arguments ?? []) as [unknown, unknown];
			if (typeof file !== 'string') return null;
			const uri = file.startsWith('file:') ? file : toUri(file);
			if (p.command === Commands.topology) return await doTopology(uri);
			if (p.command === Commands.simulate) {
				const res = await doSimulate(uri, arg && typeof arg === 'object' ? (arg as ScenarioParams) : {});
				return res && typeof arg === 'string' ? { ...res, masters: res.masters.filter((m) => m.iommu === arg) } : res;
			}
			if (p.command === Commands.showDmaPath && typeof arg === 'string') {
				const res = await doSimulate(uri, {});
				const topo = await doTopology(uri);
				if (!res || !topo) return null;
				return { context: res.context, master: res.masters.find((m) => m.path === arg) ?? null, edges: topo.edges.filter((e) => e.from === arg || e.from.startsWith(`${arg} rid `)) };
			}
			return null;
		}, null, 'executeCommand', token));

	documents.listen(connection);
	connection.listen();
}
