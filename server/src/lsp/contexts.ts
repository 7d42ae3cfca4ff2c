/**
 * Build contexts: a .dtsi is analysed inside a board that includes it. The include graph comes from a
 * cheap textual scan of the `#include` / `/include/` lines of the devicetree files under a root (the
 * kernel tree's board folder, else the workspace folders), done once per root on first need and then
 * kept up to date for edited documents only.
 */
import { changedRegion } from './changed-region';
import type { Runtime } from './runtime';

const INCLUDE = /^[ \t]*(?:#[ \t]*include[ \t]*([<"])([^">\n]+)[">]|\/include\/[ \t]*"([^"\n]+)")/gm;

/** A devicetree source (what the include graph scans). */
export const isDevicetree = (file: string): boolean => /\.(dts|dtsi|dtso|overlay)$/.test(file);

/** A board: a file the kernel's build compiles on its own. */
export const isBoard = (file: string): boolean => /\.(dts|dtso|overlay)$/.test(file);

export interface Candidate {
	board: string;
	depth: number;
}

/** An include line's file name (devicetree sources only: headers never include boards). */
interface Spelled {
	quoted: boolean;
	name: string;
}

function includeLines(text: string): Spelled[] {
	const out: Spelled[] = [];
	for (const m of text.matchAll(INCLUDE)) {
		const name = (m[2] ?? m[3] ?? '').trim();
		if (/\.(dtsi|dts|dtso)$/.test(name)) out.push({ quoted: m[1] !== '<', name });
	}
	return out;
}

/**
 * True when the edit from `before` to `after` may have changed an include line: a line (up to \n;
 * every match of INCLUDE lies within one and depends on it alone) that it touched mentions `include`,
 * before or after.
 */
function touchesInclude(before: string, after: string): boolean {
	if (before === after) return false;
	const { start, oldEnd, newEnd } = changedRegion(before, after);
	const touched = (text: string, end: number): boolean => {
		const from = start === 0 ? 0 : text.lastIndexOf('\n', start - 1) + 1;
		const nl = text.indexOf('\n', end);
		return text.slice(from, nl < 0 ? text.length : nl).includes('include');
	};
	return touched(before, oldEnd) || touched(after, newEnd);
}

export class IncludeGraph {
	/** File → the files it includes (resolved). */
	private readonly edges = new Map<string, string[]>();
	private readonly scannedRoots = new Set<string>();
	private reverse: Map<string, string[]> | undefined;
	/** The open documents' last text and include lines (`update` with `keep`). */
	private readonly kept = new Map<string, { text: string; spelled: Spelled[] }>();

	constructor(private readonly runtime: Runtime) {}

	/** Scans a root once (later calls are free). */
	scanRoot(root: string): void {
		if (this.scannedRoots.has(root)) return;
		for (const r of this.scannedRoots) if (root.startsWith(`${r}/`)) return;
		this.scannedRoots.add(root);
		for (const file of this.runtime.listDevicetreeFiles(root)) if (!this.edges.has(file)) this.update(file, this.runtime.fs.readFile(file) ?? '');
	}

	/**
	 * (Re)reads one file's include lines from `text`. `keep`: the file is an open document, edited
	 * keystroke by keystroke; its text and include lines are kept, so that the next version's are only
	 * read again when the edit touched a line that mentions `include` (they are resolved again anyway).
	 */
	update(file: string, text: string, keep = false): void {
		const dir = file.slice(0, file.lastIndexOf('/'));
		const search = this.runtime.kernelTree(file)?.includePaths ?? [];
		const last = this.kept.get(file);
		const spelled = last !== undefined && !touchesInclude(last.text, text) ? last.spelled : includeLines(text);
		if (keep) this.kept.set(file, { text, spelled });
		else this.kept.delete(file);
		const out: string[] = [];
		for (const { quoted, name } of spelled) {
			const dirs = quoted ? [dir, ...search] : search;
			for (const d of dirs) {
				const p = this.runtime.resolvePath(d, name);
				if (this.edges.has(p) || this.runtime.exists(p)) {
					out.push(p);
					break;
				}
			}
		}
		const before = this.edges.get(file);
		if (!before || before.join('\n') !== out.join('\n')) this.reverse = undefined;
		this.edges.set(file, out);
	}

	/** Boards that include `file` (transitively), nearest first, then by path. */
	boardsIncluding(file: string): Candidate[] {
		if (!this.reverse) {
			this.reverse = new Map();
			for (const [from, tos] of this.edges) for (const to of tos) {
				let list = this.reverse.get(to);
				if (!list) this.reverse.set(to, (list = []));
				list.push(from);
			}
		}
		const seen = new Map<string, number>([[file, 0]]);
		let frontier = [file];
		for (let depth = 1; frontier.length > 0 && depth < 64; depth++) {
			const next: string[] = [];
			for (const f of frontier) for (const up of this.reverse.get(f) ?? []) if (!seen.has(up)) {
				seen.set(up, depth);
				next.push(up);
			}
			frontier = next;
		}
		const out: Candidate[] = [];
		for (const [f, depth] of seen) if (depth > 0 && /\.dts$/.test(f)) out.push({ board: f, depth });
		const dir = file.slice(0, file.lastIndexOf('/') + 1);
		const sameDir = (p: string): number => (p.startsWith(dir) && !p.slice(dir.length).includes('/') ? 0 : 1);
		return out.sort((a, b) => a.depth - b.depth || sameDir(a.board) - sameDir(b.board) || (a.board < b.board ? -1 : a.board > b.board ? 1 : 0));
	}
}
