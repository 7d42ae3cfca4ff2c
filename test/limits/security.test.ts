/**
 * Security review as tests. The server and the command line never execute anything from the
 * workspace, and the core (preprocessor, devicetree, model, editor features, driver facts, emulator)
 * reads files only through the `FileSystem` it is given. Includes follow cpp's and dtc's rules (the
 * kernel's build reads `#include "../../x"` wherever it points, and so must we to give the same tree):
 * what may be read is decided by the FileSystem the entry point passes, not by the core.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { memoryFileSystem, type FileSystem } from '../../server/src/base/source';
import { printDts } from '../../server/src/dts';
import { createFrontend } from '../../server/src/model/board';
import { createSnapshot } from '../../server/src/model/snapshot';
import { documentLinks, hover } from '../../server/src/ide';
import { REPO_ROOT } from '../harness/corpus';

const sources = (dir: string): string[] => {
	const out: string[] = [];
	const walk = (d: string): void => {
		for (const e of readdirSync(d, { withFileTypes: true })) {
			if (e.isDirectory()) walk(join(d, e.name));
			else if (e.name.endsWith('.ts')) out.push(join(d, e.name));
		}
	};
	walk(join(REPO_ROOT, dir));
	return out.sort();
};
const importsOf = (file: string): string[] => {
	const text = readFileSync(file, 'utf8');
	return [...text.matchAll(/(?:^|\n)\s*(?:import|export)\b[^;]*?\bfrom\s+['"]([^'"]+)['"]|\brequire\(\s*['"]([^'"]+)['"]\s*\)|\bimport\(\s*['"]([^'"]+)['"]\s*\)/g)].map((m) => (m[1] ?? m[2] ?? m[3])!);
};
const NODE_BUILTIN = /^(node:)?(fs|fs\/promises|path|child_process|worker_threads|net|http|https|http2|dgram|tls|vm|os|process|cluster|inspector|module)$/;

describe('security: no IO and no execution outside the entry points', () => {
	it('the core imports no Node built-in (files come only through the FileSystem it is given)', () => {
		const offenders: string[] = [];
		for (const dir of ['server/src/base', 'server/src/cpp', 'server/src/dts', 'server/src/model', 'server/src/ide', 'server/src/drivers', 'emulator/src']) {
			for (const f of sources(dir)) for (const m of importsOf(f)) if (NODE_BUILTIN.test(m)) offenders.push(`${relative(REPO_ROOT, f)}: ${m}`);
		}
		expect(offenders).toEqual([]);
	});

	it('the tree-sitter loader reads only the grammars it is pointed at (the extension\'s own files) and imports only node:module', () => {
		const builtins = importsOf(join(REPO_ROOT, 'server/src/syntax/parser.ts')).filter((m) => NODE_BUILTIN.test(m));
		expect(builtins).toEqual(['node:module']);
	});

	it('nothing in server/src or emulator/src runs a process, evaluates code or builds a function from text', () => {
		const forbidden = /\bchild_process\b|\bexecSync\b|\bexecFile(Sync)?\b|\bspawn(Sync)?\s*\(|(?<![\w.])eval\s*\(|\bnew\s+Function\b|(?<![\w.])Function\s*\(|\bnode:vm\b|\bfrom\s+['"]vm['"]/;
		const offenders: string[] = [];
		for (const dir of ['server/src', 'emulator/src']) {
			for (const f of sources(dir)) {
				readFileSync(f, 'utf8')
					.split('\n')
					.forEach((line, i) => {
						if (forbidden.test(line) && !/^\s*(\/\/|\*)/.test(line)) offenders.push(`${relative(REPO_ROOT, f)}:${i + 1}: ${line.trim()}`);
					});
			}
		}
		expect(offenders).toEqual([]);
	});
});

describe('security: the FileSystem is the only IO path', () => {
	/** A FileSystem over `files` recording every path asked for. */
	const recording = (files: Record<string, string>): { fs: FileSystem; asked: string[] } => {
		const inner = memoryFileSystem(files);
		const asked: string[] = [];
		return { fs: { readFile: (p) => (asked.push(p), inner.readFile(p)) }, asked };
	};
	const BOARD = '/work/arch/arm64/boot/dts/vendor/board.dts';
	const files = {
		[BOARD]: '/dts-v1/;\n#include <dt-bindings/x.h>\n/include/ "/etc/shadow"\n/ { x = <X>; y = /incbin/("../../../../../../etc/hosts"); };\n#include "../../../../../../etc/passwd"\n',
		'/work/include/dt-bindings/x.h': '#define X 1\n',
		'/etc/passwd': 'root:x:0:0:root:/root:/bin/sh\n',
		'/etc/shadow': '/ { };\n',
		'/etc/hosts': '127.0.0.1 localhost\n',
	};

	it('an include outside the include roots is read as cpp and dtc would read it, through the FileSystem only', () => {
		const { fs, asked } = recording(files);
		const r = createFrontend(fs).resolve(BOARD, { includePaths: ['/work/include'] });
		// cpp reads the relative include (and so does the kernel's build): its text is then a syntax error for dtc.
		expect(asked).toContain('/etc/passwd');
		expect(asked).toContain('/etc/shadow');
		expect(asked).toContain('/etc/hosts');
		expect(r.diagnostics.map((d) => `${d.code}@${d.span.file}:${d.span.start.line}`)[0]).toBe('syntax@/etc/passwd:0');
		// Every path asked for is the board, a file it names, or an include-path candidate: nothing else.
		for (const p of asked) expect(['/work/', '/etc/'].some((root) => p.startsWith(root)), p).toBe(true);
	});

	it('a FileSystem that refuses paths outside its roots makes such includes missing, and nothing is read around it', () => {
		const inner = recording(files);
		const roots = ['/work/'];
		const bounded: FileSystem = { readFile: (p) => (roots.some((r) => p.startsWith(r)) ? inner.fs.readFile(p) : undefined) };
		const fe = createFrontend(bounded);
		const r = fe.resolve(BOARD, { includePaths: ['/work/include'] });
		expect(inner.asked.every((p) => p.startsWith('/work/'))).toBe(true);
		expect(r.diagnostics.filter((d) => d.code === 'missing-file' || d.code === 'missing-include').map((d) => d.span.start.line)).toEqual([4, 2, 3]);
		expect(printDts(r.tree)).toContain('x = <0x01>;');
		// The editor features read only what the snapshot holds (the same FileSystem).
		const snap = createSnapshot(fe, bounded, BOARD, { includePaths: ['/work/include'] });
		hover(snap, { file: BOARD, position: { line: 3, col: 11 } });
		documentLinks(snap, BOARD);
		expect(inner.asked.every((p) => p.startsWith('/work/'))).toBe(true);
	});
});
