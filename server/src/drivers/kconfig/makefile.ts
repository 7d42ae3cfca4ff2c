/**
 * Kbuild Makefiles: `obj-$(CONFIG_X) += foo.o dir/`, `obj-y`/`obj-m`, and composite objects
 * (`foo-y += a.o b.o`, `foo-objs := a.o`, `foo-$(CONFIG_Y) += c.o`). Gives the link order of every
 * object (the order `obj-y` lists them, descending into sub-folders where they are listed, as the
 * kernel links built-in objects and therefore orders initcalls of one level), and the Kconfig symbol
 * each C file is built under.
 */
import { lineStarts, paths, positionAt, type FileSystem, type Span } from '../../base/source';

/** One C file as the Makefiles build it. */
export interface BuiltFile {
	/** The C file (`<dir>/foo.c`). */
	readonly file: string;
	/** The object linked (`<dir>/foo.o`, or the composite module's object). */
	readonly object: string;
	/** The symbol of the `obj-$(CONFIG_X)` line (`undefined` for `obj-y`), and of a composite part's own condition. */
	readonly symbol?: string;
	readonly partSymbol?: string;
	/** Forced `y` (`obj-y`) or `m` (`obj-m`) when no symbol. */
	readonly fixed?: 'y' | 'm';
	/** Position in the link order (0 first). */
	readonly linkOrder: number;
	/** The Makefile line. */
	readonly span: Span;
}

export interface MakefileModel {
	/** By C file path. */
	readonly files: ReadonlyMap<string, BuiltFile>;
	readonly makefiles: readonly string[];
	/** Folders whose own `obj-` line names a symbol (`obj-$(CONFIG_IOMMU_SUPPORT) += iommu/`). */
	readonly dirSymbols: ReadonlyMap<string, string>;
}

interface Line {
	readonly lhs: string;
	readonly op: string;
	readonly words: string[];
	readonly span: Span;
}

function readLines(file: string, text: string): Line[] {
	const starts = lineStarts(text);
	const raw = text.split(/\r\n|\n|\r/);
	const out: Line[] = [];
	for (let i = 0; i < raw.length; i++) {
		const first = i;
		let line = (raw[i] as string).replace(/#.*$/, '');
		while (line.trimEnd().endsWith('\\') && i + 1 < raw.length) line = line.trimEnd().slice(0, -1) + ' ' + (raw[++i] as string).replace(/#.*$/, '');
		const m = /^\s*([\w$().-]+)\s*(\+=|:=|=|\?=)\s*(.*)$/.exec(line);
		if (!m) continue;
		out.push({ lhs: m[1] as string, op: m[2] as string, words: (m[3] as string).split(/\s+/).filter(Boolean), span: { file, start: positionAt(starts, starts[first] as number), end: positionAt(starts, (starts[first] as number) + (raw[first] as string).length) } });
	}
	return out;
}

const symbolOf = (s: string): string | undefined => /^\$\(CONFIG_(\w+)\)$/.exec(s)?.[1];

/**
 * Reads the Makefiles from `roots` (folders, in order), descending into listed sub-folders; a folder
 * reached twice is read once. Objects get increasing link-order numbers in the order visited.
 */
export function parseMakefiles(fs: FileSystem, roots: readonly string[]): MakefileModel {
	const files = new Map<string, BuiltFile>();
	const makefiles: string[] = [];
	const dirSymbols = new Map<string, string>();
	let order = 0;
	const visit = (dir: string, inherited: string | undefined): void => {
		const mk = paths.join(dir, 'Makefile');
		if (makefiles.includes(mk)) return;
		const text = fs.readFile(mk) ?? fs.readFile(paths.join(dir, 'Kbuild'));
		if (text === undefined) return;
		makefiles.push(mk);
		const lines = readLines(mk, text);
		// Composite objects: `foo-y`, `foo-objs`, `foo-$(CONFIG_Y)`.
		const parts = new Map<string, Array<{ obj: string; symbol?: string }>>();
		for (const l of lines) {
			const m = /^([\w.-]+)-(y|objs|\$\(CONFIG_\w+\))$/.exec(l.lhs);
			if (!m || m[1] === 'obj' || m[1] === 'subdir' || m[1] === 'lib' || m[1] === 'ccflags' || m[1] === 'asflags') continue;
			const list = parts.get(m[1] as string) ?? [];
			const sym = symbolOf(m[2] as string);
			for (const w of l.words) if (w.endsWith('.o')) list.push({ obj: w, ...(sym ? { symbol: sym } : {}) });
			parts.set(m[1] as string, list);
		}
		for (const l of lines) {
			const m = /^obj-(y|m|\$\(CONFIG_\w+\))$/.exec(l.lhs);
			if (!m) continue;
			const sym = symbolOf(m[1] as string) ?? inherited;
			const fixed = m[1] === 'y' || m[1] === 'm' ? (m[1] as 'y' | 'm') : undefined;
			for (const w of l.words) {
				if (w.endsWith('/')) {
					const sub = paths.join(dir, w.slice(0, -1));
					const s = symbolOf(m[1] as string);
					if (s) dirSymbols.set(sub, s);
					visit(sub, s ?? inherited);
					continue;
				}
				if (!w.endsWith('.o')) continue;
				const stem = w.slice(0, -2);
				const object = paths.join(dir, w);
				const composite = parts.get(stem);
				const sources = composite && composite.length > 0 ? composite : [{ obj: w }];
				for (const p of sources) {
					const file = paths.join(dir, `${p.obj.slice(0, -2)}.c`);
					if (files.has(file)) continue;
					files.set(file, { file, object, ...(sym ? { symbol: sym } : {}), ...('symbol' in p && p.symbol ? { partSymbol: p.symbol } : {}), ...(fixed && !sym ? { fixed } : {}), linkOrder: order++, span: l.span });
				}
			}
		}
	};
	for (const r of roots) visit(r, undefined);
	return { files, makefiles, dirSymbols };
}
