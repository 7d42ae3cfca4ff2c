/**
 * The analysis host: open documents over the disk, build contexts, and one `BoardSnapshot` per
 * context, recomputed only when a file it read changed (by document version, or a disk change
 * reported by the client) or the settings changed. No LSP types here.
 */
import { iommu, probe } from '../../../emulator/src';
import type { DriverSources } from '../drivers/sources';
import type { BoardSnapshot } from '../ide/types';
import { createFrontend, type Frontend } from '../model/board';
import type { AnalysisOptions } from '../model/analysis';
import { createSnapshot } from '../model/snapshot';
import { KERNEL_DTS_DEFINES } from '../node/kernel-tree';
import type { BuildContextReason, Settings } from '../protocol/ext';
import { IncludeGraph, isBoard, type Candidate } from './contexts';
import type { Runtime } from './runtime';
import { DEFAULT_SETTINGS, parseDefines } from './settings';

export interface Context {
	board: string | undefined;
	reason: BuildContextReason;
	candidates: Candidate[];
}

interface Entry {
	snapshot: BoardSnapshot;
	/** Every file the analysis read, with its version then. */
	inputs: Map<string, string>;
	settingsGen: number;
	elapsedMs: number;
}

/** Snapshots kept (least recently used dropped first); a dropped board is analysed again on demand. */
export const MAX_SNAPSHOTS = 6;

export class AnalysisHost {
	readonly frontend: Frontend;
	private readonly graph: IncludeGraph;
	private readonly versions = new Map<string, number>();
	private readonly diskGen = new Map<string, number>();
	private readonly entries = new Map<string, Entry>();
	private readonly chosen = new Map<string, string>();
	/** The files each board read at its last analysis (kept after its snapshot is dropped). */
	private readonly readBy = new Map<string, ReadonlySet<string>>();
	private settings: Settings = DEFAULT_SETTINGS;
	private settingsGen = 0;
	private profiles: iommu.UserProfiles | undefined;
	private drivers: DriverSources | undefined;
	folders: string[] = [];
	/** Problems with the settings (shown once in the status). */
	settingsErrors: string[] = [];

	constructor(readonly runtime: Runtime) {
		this.frontend = createFrontend(runtime.fs);
		this.graph = new IncludeGraph(runtime);
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
		let drivers: DriverSources | undefined;
		if (settings.driverRoots.length > 0 || settings.kconfig || settings.config) {
			try {
				drivers = await this.runtime.readDriverSources({
					dirs: settings.driverRoots.map((d) => this.runtime.resolvePath(base, d)),
					...(settings.kconfig ? { kconfig: this.runtime.resolvePath(base, settings.kconfig) } : {}),
					...(settings.config ? { config: this.runtime.resolvePath(base, settings.config) } : {}),
				});
			} catch (error) {
				errors.push(`iommuLens.driverRoots: ${error instanceof Error ? error.message : String(error)}`);
			}
		}
		this.settings = settings;
		this.profiles = profiles;
		this.drivers = drivers;
		this.settingsGen++;
		this.settingsErrors = errors;
		return errors;
	}

	open(file: string, text: string, version: number): void {
		this.runtime.fs.overlay.set(file, text);
		this.versions.set(file, version);
		this.frontend.invalidate(file);
		this.graph.update(file, text);
	}

	close(file: string): void {
		this.runtime.fs.overlay.delete(file);
		this.versions.delete(file);
		this.bumpDisk(file);
	}

	/** A file changed on disk (workspace/didChangeWatchedFiles). */
	diskChanged(file: string): void {
		if (this.versions.has(file)) return;
		this.bumpDisk(file);
		this.graph.update(file, this.runtime.fs.readFile(file) ?? '');
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
		const base = this.folders[0] ?? '/';
		const includePaths = [...(this.runtime.kernelTree(board)?.includePaths ?? []), ...this.settings.includePaths.map((p) => this.runtime.resolvePath(base, p))];
		return {
			includePaths,
			defines: [...KERNEL_DTS_DEFINES, ...parseDefines(this.settings.defines).defines],
			...(this.settings.kernel && probe.tryParseKernelVersion(this.settings.kernel).ok ? { kernel: this.settings.kernel } : {}),
			...(this.profiles ? { profiles: this.profiles } : {}),
			...(this.drivers ? { drivers: this.drivers } : {}),
		};
	}

	/** The cached snapshot if none of its inputs changed. */
	cached(board: string): Entry | undefined {
		const e = this.entries.get(board);
		if (!e || e.settingsGen !== this.settingsGen) return undefined;
		for (const [file, version] of e.inputs) if (this.versionOf(file) !== version) return undefined;
		this.entries.delete(board);
		this.entries.set(board, e);
		return e;
	}

	/** The board's snapshot, analysing it again only when an input changed. */
	snapshot(board: string): { snapshot: BoardSnapshot; fresh: boolean; elapsedMs: number } {
		const hit = this.cached(board);
		if (hit) return { snapshot: hit.snapshot, fresh: false, elapsedMs: hit.elapsedMs };
		const t0 = this.runtime.now();
		const snapshot = createSnapshot(this.frontend, this.runtime.fs, board, this.options(board));
		const elapsedMs = this.runtime.now() - t0;
		const inputs = new Map<string, string>();
		for (const f of [board, ...snapshot.analysis.board.preprocessed.files, ...snapshot.analysis.board.tree.includes]) inputs.set(f, this.versionOf(f));
		this.entries.delete(board);
		this.entries.set(board, { snapshot, inputs, settingsGen: this.settingsGen, elapsedMs });
		this.readBy.set(board, new Set(inputs.keys()));
		for (const old of this.entries.keys()) {
			if (this.entries.size <= MAX_SNAPSHOTS) break;
			this.entries.delete(old);
		}
		return { snapshot, fresh: true, elapsedMs };
	}

	/** True when the board's last analysis read `file`. */
	reads(board: string, file: string): boolean {
		return this.readBy.get(board)?.has(file) ?? false;
	}

	snapshots(): BoardSnapshot[] {
		return [...this.entries.values()].map((e) => e.snapshot);
	}

}
