/**
 * The analysis host: open documents over the disk, build contexts, and one `BoardSnapshot` per
 * context, recomputed only when a file it read changed (by document version, or a disk change
 * reported by the client) or the settings changed. No LSP types here.
 */
import { iommu, probe } from '../../../emulator/src';
import { SymbolIndex } from '../ide/symbol-index';
import type { BoardSnapshot, WorkspaceSymbol } from '../ide/types';
import { createFrontend, type Frontend } from '../model/board';
import type { AnalysisOptions } from '../model/analysis';
import { KERNEL_DTS_DEFINES } from '../node/kernel-tree';
import type { BuildContextReason, Settings } from '../protocol/ext';
import { IncludeGraph, isBoard, isDevicetree, type Candidate } from './contexts';
import { DriverWorkspace } from './drivers';
import { isCFile, LooseDrivers } from './loose-drivers';
import { sameTokens } from './equivalent';
import { analyseInSteps } from './phased';
import type { Runtime } from './runtime';
import { DEFAULT_SETTINGS, parseDefines } from './settings';

export interface Context {
	board: string | undefined;
	reason: BuildContextReason;
	candidates: Candidate[];
}

interface Entry {
	snapshot: BoardSnapshot;
	/** Every file the analysis read, with its version then (shared with `readBy`). */
	inputs: Map<string, string>;
	/**
	 * True when an input changed since by an edit that keeps every token in place (`sameTokens`): the
	 * results stand, but the snapshot's texts may be older than the documents (quick fixes need them exact).
	 */
	carried: boolean;
	settingsGen: number;
	/** The driver sources' generation it was analysed with (undefined: none configured). */
	driversGen: number | undefined;
	elapsedMs: number;
}

export interface SnapshotResult {
	snapshot: BoardSnapshot;
	/** False when the snapshot came from the cache. */
	fresh: boolean;
	elapsedMs: number;
}

/**
 * Snapshots kept (least recently used dropped first, boards analysed in the background before any
 * other); a dropped board is analysed again on demand. Each is some 10 MB on a big SoC.
 */
export const MAX_SNAPSHOTS = 4;

export class AnalysisHost {
	readonly frontend: Frontend;
	private readonly graph: IncludeGraph;
	private readonly versions = new Map<string, number>();
	/** Counts `open` calls: the version of an open document in the cache keys. */
	private openGeneration = 0;
	private readonly diskGen = new Map<string, number>();
	private readonly entries = new Map<string, Entry>();
	private readonly chosen = new Map<string, string>();
	/** The files each board read at its last analysis, with their versions (kept after its snapshot is dropped). */
	private readonly readBy = new Map<string, Map<string, string>>();
	/** The inputs of the analyses under way (`snapshotSteps`), and those carried over a same-tokens edit. */
	private readonly inFlight = new Set<Map<string, string>>();
	private readonly carriedInFlight = new Set<Map<string, string>>();
	/** Boards whose last analysis used the driver sources (every driver input is then an input of theirs). */
	private readonly usedDrivers = new Set<string>();
	private settings: Settings = DEFAULT_SETTINGS;
	private settingsGen = 0;
	private profiles: iommu.UserProfiles | undefined;
	readonly drivers: DriverWorkspace;
	/** The open C files the driver sources do not read, each analysed on its own. */
	readonly loose: LooseDrivers;
	folders: string[] = [];
	/** Labels and node names of every devicetree source of the workspace, built on the first search. */
	private readonly symbolIndex = new SymbolIndex();
	private symbolIndexBuilt: Promise<void> | undefined;
	/** Files to index again before the next search (edited, opened, closed, changed on disk). */
	private readonly symbolsDirty = new Set<string>();
	/** Problems with the settings (shown once in the status). */
	settingsErrors: string[] = [];

	constructor(readonly runtime: Runtime) {
		this.frontend = createFrontend(runtime.fs);
		this.graph = new IncludeGraph(runtime);
		this.drivers = new DriverWorkspace(runtime);
		this.loose = new LooseDrivers(runtime);
	}

	/** The `iommuLens.kernel` setting when it is valid. */
	get kernelSetting(): string | undefined {
		return this.settings.kernel && probe.tryParseKernelVersion(this.settings.kernel).ok ? this.settings.kernel : undefined;
	}

	get kernel(): probe.KernelVersion {
		const parsed = this.settings.kernel ? probe.tryParseKernelVersion(this.settings.kernel) : undefined;
		return parsed?.ok ? parsed.version : probe.NEWEST_KERNEL;
	}

	/** New settings; returns the problems found. Every snapshot is dropped. */
	async configure(settings: Settings): Promise<string[]> {
		const errors: string[] = [];
		const base = this.folders[0] ?? '/';
		if (settings.kernel) {
			const parsed = probe.tryParseKernelVersion(settings.kernel);
			if (!parsed.ok) errors.push(`iommuLens.kernel: ${parsed.error}`);
		}
		errors.push(...parseDefines(settings.defines).errors);
		let profiles: iommu.UserProfiles | undefined;
		if (settings.profile) {
			const path = this.runtime.resolvePath(base, settings.profile);
			try {
				const res = iommu.validateProfile(JSON.parse(this.runtime.fs.readFile(path) ?? 'null') as unknown);
				if (res.errors.length > 0 || !res.profile) errors.push(`iommuLens.profile ${settings.profile}: ${res.errors.join('; ') || 'unreadable'}`);
				else profiles = res.profile;
			} catch (error) {
				errors.push(`iommuLens.profile ${settings.profile}: ${error instanceof Error ? error.message : String(error)}`);
			}
		}
		try {
			const error = await this.drivers.configure(
				settings.driverRoots.length > 0 || settings.kconfig || settings.config
					? {
							dirs: settings.driverRoots.map((d) => this.runtime.resolvePath(base, d)),
							...(settings.kconfig ? { kconfig: this.runtime.resolvePath(base, settings.kconfig) } : {}),
							...(settings.config ? { config: this.runtime.resolvePath(base, settings.config) } : {}),
						}
					: undefined,
			);
			if (error) errors.push(error);
		} catch (error) {
			errors.push(`iommuLens.driverRoots: ${error instanceof Error ? error.message : String(error)}`);
		}
		// The driver roots decide which open C files are loose.
		for (const file of this.runtime.fs.overlay.keys()) this.trackLoose(file);
		this.settings = settings;
		this.profiles = profiles;
		this.settingsGen++;
		this.settingsErrors = errors;
		return errors;
	}

	/**
	 * An open C file is loose (analysed on its own) when the driver sources do not read it, nor the last
	 * analysis of a board (a header with devicetree macros, `include/dt-bindings/...`, is the boards').
	 */
	private trackLoose(file: string): void {
		if (!isCFile(file)) return;
		if (this.drivers.reads(file) || [...this.readBy.values()].some((inputs) => inputs.has(file))) this.loose.untrack(file);
		else this.loose.track(file);
	}

	/**
	 * An open document's text (new or edited). `drivers`: the driver sources read it. `sameTokens`:
	 * the edit kept every token in place (comments, trailing blanks), so the analyses that read the
	 * file stand and are carried over to the new version instead of being redone. `loose`: the loose
	 * C files to analyse again (the file itself when it is one, those whose Kconfig tree, Makefile or
	 * siblings read it, those of a kernel tree whose architecture an opened board changes).
	 */
	open(file: string, text: string, version: number): { drivers: boolean; sameTokens: boolean; loose: string[] } {
		const before = this.runtime.fs.overlay.get(file);
		const same = before !== undefined && isDevicetree(file) && sameTokens(before, text);
		const oldKey = this.versionOf(file);
		this.runtime.fs.overlay.set(file, text);
		// Cache key: a generation of ours, not the client's version, which may repeat (a document closed and
		// reopened starts again at 1; a misbehaving client sends a stale one): a repeated version served
		// the analysis of an older text (fuzz, test/fuzz/server-engine.ts).
		void version;
		this.versions.set(file, ++this.openGeneration);
		this.frontend.invalidate(file);
		if (same) {
			const newKey = this.versionOf(file);
			for (const [board, inputs] of this.readBy) {
				if (inputs.get(file) !== oldKey) continue;
				inputs.set(file, newKey);
				const e = this.entries.get(board);
				if (e?.inputs === inputs) e.carried = true;
			}
			// Analyses under way carry it too (their snapshot's texts may be older: not exact).
			for (const inputs of this.inFlight) if (inputs.get(file) === oldKey) {
				inputs.set(file, newKey);
				this.carriedInFlight.add(inputs);
			}
			return { drivers: false, sameTokens: true, loose: [] };
		}
		if (isDevicetree(file)) {
			this.graph.update(file, text, true);
			this.symbolsDirty.add(file);
		}
		const drivers = this.drivers.changed(file);
		this.trackLoose(file);
		return { drivers, sameTokens: false, loose: this.loose.changed(file) };
	}

	/**
	 * A document closed. `drivers`: the driver sources read the file; `loose`: the loose C files to
	 * analyse again (the file itself is no longer one).
	 */
	close(file: string): { drivers: boolean; loose: string[] } {
		this.runtime.fs.overlay.delete(file);
		this.versions.delete(file);
		this.bumpDisk(file);
		if (isDevicetree(file)) this.symbolsDirty.add(file);
		// Closed unsaved: its includes are the disk's again (fuzz, test/fuzz/server-engine.ts).
		if (isDevicetree(file)) this.graph.update(file, this.runtime.fs.readFile(file) ?? '');
		this.loose.untrack(file);
		return { drivers: this.drivers.changed(file), loose: this.loose.changed(file) };
	}

	/**
	 * A file changed on disk (workspace/didChangeWatchedFiles; `created` for a created or deleted
	 * file). `drivers`: the driver sources read it; `loose`: the loose C files to analyse again.
	 */
	diskChanged(file: string, created = false): { drivers: boolean; loose: string[] } {
		if (this.versions.has(file)) return { drivers: false, loose: [] };
		const drivers = this.drivers.changed(file, created);
		const loose = this.loose.changed(file, created);
		this.bumpDisk(file);
		if (isDevicetree(file)) {
			this.graph.update(file, this.runtime.fs.readFile(file) ?? '');
			this.symbolsDirty.add(file);
		}
		return { drivers, loose };
	}

	private bumpDisk(file: string): void {
		this.diskGen.set(file, (this.diskGen.get(file) ?? 0) + 1);
		this.frontend.invalidate(file);
	}

	private versionOf(file: string): string {
		const v = this.versions.get(file);
		return v !== undefined ? `v${v}` : `d${this.diskGen.get(file) ?? 0}`;
	}

	/** The build context of a file. */
	contextOf(file: string, openBoards: readonly string[] = []): Context {
		if (isBoard(file)) return { board: file, reason: 'self', candidates: [{ board: file, depth: 0 }] };
		// Only devicetree sources have build contexts (and asking must not scan the workspace).
		if (!isDevicetree(file)) return { board: undefined, reason: 'none', candidates: [] };
		const candidates = this.candidates(file);
		const user = this.chosen.get(file);
		if (user) return { board: user, reason: 'user', candidates };
		if (this.settings.buildContext) {
			const b = this.settings.buildContext.startsWith('file:')
				? this.runtime.uriToPath(this.settings.buildContext)
				: this.runtime.resolvePath(this.folders[0] ?? '/', this.settings.buildContext);
			if (b && candidates.some((c) => c.board === b)) return { board: b, reason: 'setting', candidates };
		}
		const open = candidates.find((c) => openBoards.includes(c.board));
		if (open) return { board: open.board, reason: 'open-board', candidates };
		const first = candidates[0];
		return first ? { board: first.board, reason: 'nearest', candidates } : { board: undefined, reason: 'none', candidates };
	}

	setContext(file: string, board: string | undefined): void {
		if (board === undefined) this.chosen.delete(file);
		else this.chosen.set(file, board);
	}

	private candidates(file: string): Candidate[] {
		const root = this.runtime.kernelTree(file)?.boardsRoot;
		if (root && file.startsWith(`${root}/`)) this.graph.scanRoot(root);
		else for (const f of this.folders) if (file.startsWith(`${f}/`)) this.graph.scanRoot(f);
		return this.graph.boardsIncluding(file);
	}

	options(board: string): AnalysisOptions {
		const drivers = this.drivers.sources();
		const base = this.folders[0] ?? '/';
		const includePaths = [...(this.runtime.kernelTree(board)?.includePaths ?? []), ...this.settings.includePaths.map((p) => this.runtime.resolvePath(base, p))];
		return {
			includePaths,
			defines: [...KERNEL_DTS_DEFINES, ...parseDefines(this.settings.defines).defines],
			...(this.settings.kernel && probe.tryParseKernelVersion(this.settings.kernel).ok ? { kernel: this.settings.kernel } : {}),
			...(this.profiles ? { profiles: this.profiles } : {}),
			...(drivers ? { drivers } : {}),
		};
	}

	/** The cached snapshot if none of its inputs changed (and it becomes the most recently used). */
	cached(board: string): Entry | undefined {
		const e = this.entries.get(board);
		if (!e || !this.upToDate(e)) return undefined;
		this.entries.delete(board);
		this.entries.set(board, e);
		return e;
	}

	/** The cached snapshot if none of its inputs changed (its place in the LRU order unchanged). */
	private peek(board: string): Entry | undefined {
		const e = this.entries.get(board);
		return e && this.upToDate(e) ? e : undefined;
	}

	/**
	 * The board's last snapshot when none of the files it read changed since, so that its places are
	 * in the current texts, also when the settings or the driver sources changed since (its new
	 * analysis is then due); never analyses (its place in the LRU order unchanged).
	 */
	analysedSnapshot(board: string): BoardSnapshot | undefined {
		const e = this.entries.get(board);
		if (!e) return undefined;
		for (const [file, version] of e.inputs) if (this.versionOf(file) !== version) return undefined;
		return e.snapshot;
	}

	/** True when the board has an up-to-date snapshot. */
	isUpToDate(board: string): boolean {
		return this.peek(board) !== undefined;
	}

	/** True when `snapshot` is the board's cached snapshot and still up to date. */
	isCurrent(board: string, snapshot: BoardSnapshot): boolean {
		const e = this.entries.get(board);
		return e !== undefined && e.snapshot === snapshot && this.upToDate(e);
	}

	private upToDate(e: Entry): boolean {
		if (e.settingsGen !== this.settingsGen) return false;
		if (e.driversGen !== undefined && e.driversGen !== this.drivers.generation) return false;
		for (const [file, version] of e.inputs) if (this.versionOf(file) !== version) return false;
		return true;
	}

	/**
	 * The board's snapshot, analysing it again only when an input changed (or, with `exactTexts`, when
	 * its texts are older than the documents: see `Entry.carried`).
	 */
	snapshot(board: string, how: { exactTexts?: boolean; background?: boolean } = {}): SnapshotResult {
		const steps = this.snapshotSteps(board, how);
		for (;;) {
			const r = steps.next();
			if (r.done) return r.value!;
		}
	}

	/**
	 * `snapshot` in steps (see phased.ts): the caller resumes it once per event-loop turn. Returns
	 * undefined, dropping the work, when an input changed between two steps (a newer edit: the
	 * analysis would be stale before it is published).
	 */
	*snapshotSteps(board: string, how: { exactTexts?: boolean; background?: boolean } = {}): Generator<void, SnapshotResult | undefined> {
		const hit = how.background ? this.peek(board) : this.cached(board);
		if (hit && !(how.exactTexts && hit.carried)) return { snapshot: hit.snapshot, fresh: false, elapsedMs: hit.elapsedMs };
		const options = this.options(board);
		const settingsGen = this.settingsGen;
		const driversGen = options.drivers ? this.drivers.generation : undefined;
		const inputs = new Map<string, string>();
		this.inFlight.add(inputs);
		try {
			return yield* this.runSteps(board, how, options, settingsGen, driversGen, inputs);
		} finally {
			this.inFlight.delete(inputs);
			this.carriedInFlight.delete(inputs);
		}
	}

	private *runSteps(board: string, how: { background?: boolean }, options: AnalysisOptions, settingsGen: number, driversGen: number | undefined, inputs: Map<string, string>): Generator<void, SnapshotResult | undefined> {
		let elapsedMs = 0;
		let t0 = this.runtime.now();
		const steps = analyseInSteps(this.frontend, this.runtime.fs, board, options, (resolved) => {
			// The versions of what the front-end read, taken in the step that read it.
			for (const f of [board, ...resolved.preprocessed.files, ...resolved.tree.includes]) inputs.set(f, this.versionOf(f));
		});
		let snapshot: BoardSnapshot;
		for (;;) {
			const r = steps.next();
			elapsedMs += this.runtime.now() - t0;
			if (r.done) {
				snapshot = r.value;
				break;
			}
			yield;
			t0 = this.runtime.now();
			const stale = settingsGen !== this.settingsGen || (driversGen !== undefined && driversGen !== this.drivers.generation) || [...inputs].some(([f, v]) => this.versionOf(f) !== v);
			if (stale) return undefined;
		}
		this.entries.delete(board);
		const entry: Entry = { snapshot, inputs, carried: this.carriedInFlight.delete(inputs), settingsGen, driversGen, elapsedMs };
		if (how.background) {
			// Analysed for its diagnostics only: the least recently used, the first to go.
			const rest = [...this.entries];
			this.entries.clear();
			this.entries.set(board, entry);
			for (const [b, e] of rest) this.entries.set(b, e);
		} else this.entries.set(board, entry);
		this.readBy.set(board, inputs);
		if (driversGen !== undefined) this.usedDrivers.add(board);
		else this.usedDrivers.delete(board);
		for (const old of this.entries.keys()) {
			if (this.entries.size <= MAX_SNAPSHOTS) break;
			this.entries.delete(old);
		}
		return { snapshot, fresh: true, elapsedMs };
	}

	/** True when the board's last analysis read `file` (directly, or through the driver sources). */
	reads(board: string, file: string): boolean {
		return (this.readBy.get(board)?.has(file) ?? false) || (this.usedDrivers.has(board) && this.drivers.reads(file));
	}

	/**
	 * True when the board's last analysis read `file` at another version than the current one (or
	 * through the driver sources): its results may have changed. False after edits that kept every
	 * token in place, also for boards whose snapshot was dropped.
	 */
	outdatedBy(board: string, file: string): boolean {
		const v = this.readBy.get(board)?.get(file);
		return (v !== undefined && v !== this.versionOf(file)) || (this.usedDrivers.has(board) && this.drivers.reads(file));
	}

	/**
	 * Workspace symbols from the index of every devicetree source under the workspace folders: built
	 * on the first search (a batch of files per event-loop turn, so other requests are answered
	 * meanwhile), then kept up to date file by file. `skip` drops symbols already found elsewhere.
	 */
	async indexedSymbols(query: string, limit: number, skip?: (s: WorkspaceSymbol) => boolean): Promise<WorkspaceSymbol[]> {
		this.symbolIndexBuilt ??= (async () => {
			const files = [...new Set(this.folders.flatMap((f) => this.runtime.listDevicetreeFiles(f)))];
			for (let i = 0; i < files.length; i += 64) {
				for (const f of files.slice(i, i + 64)) if (!this.symbolsDirty.has(f)) this.symbolIndex.update(f, this.runtime.fs.readFile(f));
				await new Promise<void>((resolve) => setImmediate(resolve));
			}
		})();
		await this.symbolIndexBuilt;
		for (const f of this.symbolsDirty) this.symbolIndex.update(f, this.runtime.fs.readFile(f));
		this.symbolsDirty.clear();
		return this.symbolIndex.search(query, limit, skip);
	}

	/**
	 * The snapshots still current (none of their inputs changed): a stale one would give places in
	 * texts that are no longer there (fuzz, test/fuzz/server-engine.ts).
	 */
	/** The cached snapshots, least recently used first. */
	snapshots(): BoardSnapshot[] {
		return [...this.entries.keys()].flatMap((b) => this.cached(b)?.snapshot ?? []);
	}

}
