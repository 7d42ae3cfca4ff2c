/**
 * What the commands share: board options from arguments, loading a profile, the disk, and output
 * writers. The exit codes are a contract with users' CI.
 */
import { readFileSync } from 'node:fs';
import { relative, resolve } from 'node:path';
import { iommu, probe } from '../../../emulator/src';
import type { Span } from '../base/source';
import type { BoardOptions } from '../model/board';
import { diskFileSystem, type DiskFileSystem } from '../node/disk-fs';
import { findKernelTree, KERNEL_DTS_DEFINES } from '../node/kernel-tree';
import { UsageError, type OptionSpec, type ParsedArgs } from './args';

export const EXIT_OK = 0;
export const EXIT_FINDINGS = 1;
export const EXIT_USAGE = 2;

export interface Io {
	out(text: string): void;
	err(text: string): void;
	cwd: string;
}

export const HELP_OPTION: OptionSpec = { name: 'help', short: 'h', help: 'show this help' };

export const BOARD_OPTIONS: OptionSpec[] = [
	{ name: 'include', short: 'I', value: true, repeat: true, valueName: 'DIR', help: 'add DIR to the #include and /include/ search path (in order, after the kernel defaults)' },
	{ name: 'define', short: 'D', value: true, repeat: true, valueName: 'NAME[=VAL]', help: 'define a preprocessor macro (VAL defaults to 1)' },
	{ name: 'undefine', short: 'U', value: true, repeat: true, valueName: 'NAME', help: 'undefine a preprocessor macro' },
	{ name: 'no-kernel-defaults', help: 'do not add the include folders of the kernel-like tree the board sits in' },
];

export const KERNEL_OPTION: OptionSpec = { name: 'kernel', value: true, valueName: 'X.Y', help: `kernel version to emulate (default ${probe.formatKernelVersion(probe.NEWEST_KERNEL)}, the newest)` };
export const PROFILE_OPTION: OptionSpec = { name: 'profile', value: true, valueName: 'FILE', help: 'SoC profile (JSON: {"byCompatible": {...}, "byPath": {...}}) with IOMMU hardware parameters' };
export const DRIVER_OPTIONS: OptionSpec[] = [
	{ name: 'drivers', value: true, repeat: true, valueName: 'DIR', help: 'driver C sources (repeatable): their of_device_id tables, registrations and IOMMU/DMA calls replace the built-in driver table' },
	{ name: 'kconfig', value: true, valueName: 'DIR', help: 'a tree with Kconfig files (Kconfig at its root) and Makefiles: symbol types, dependencies, link order; arch/$(SRCARCH)/Kconfig for $ARCH, else the checked boards\' arch/<arch>/, else this machine\'s' },
	{ name: 'config', value: true, valueName: 'FILE', help: 'a .config or defconfig fragment: which drivers are y, m or n' },
];

/** The driver-source options, or undefined when none is given. */
export function driverArgs(args: ParsedArgs): { dirs: string[]; kconfig?: string; config?: string } | undefined {
	const dirs = args.values.get('drivers') ?? [];
	const kconfig = args.values.get('kconfig')?.[0];
	const config = args.values.get('config')?.[0];
	if (dirs.length === 0 && kconfig === undefined && config === undefined) return undefined;
	return { dirs, ...(kconfig !== undefined ? { kconfig } : {}), ...(config !== undefined ? { config } : {}) };
}

/** True for a path `check` reads as driver source rather than a board (`.c`, `.h`, `Kconfig*`). */
export function isDriverSourcePath(p: string): boolean {
	return /\.[ch]$/.test(p) || /(^|[\\/])Kconfig[^\\/]*$/.test(p);
}

export const FORMAT_OPTION: OptionSpec = { name: 'format', value: true, valueName: 'text|json', help: 'output format (default text)' };

/** Board options from the parsed arguments, with the kernel tree's defaults first. */
export function boardOptions(args: ParsedArgs, file: string, cwd: string): BoardOptions {
	const includePaths: string[] = [];
	if (!args.flags.has('no-kernel-defaults')) {
		const kernel = findKernelTree(file);
		if (kernel) includePaths.push(...kernel.includePaths);
	}
	for (const dir of args.values.get('include') ?? []) includePaths.push(resolve(cwd, dir));
	const defines = [...KERNEL_DTS_DEFINES];
	for (const def of args.values.get('define') ?? []) {
		const eq = def.indexOf('=');
		const name = eq < 0 ? def : def.slice(0, eq);
		if (!/^[A-Za-z_]\w*$/.test(name)) throw new UsageError(`bad macro name in '-D ${def}'`);
		defines.push(eq < 0 ? { name } : { name, value: def.slice(eq + 1) });
	}
	return { includePaths, defines, undefs: args.values.get('undefine') ?? [] };
}

/** The one board file argument (absolute), or a usage error naming what is wrong. */
export function boardArg(args: ParsedArgs, command: string, count = 1): string[] {
	if (args.positionals.length !== count) {
		const want = count === 1 ? 'BOARD.dts' : 'BOARD.dts and a node';
		throw new UsageError(args.positionals.length < count ? `${command} needs ${want}` : `${command}: unexpected argument '${args.positionals[count]}'`);
	}
	return args.positionals;
}

/** Opens the disk and checks the board is readable; returns undefined after printing the error. */
export function openBoard(io: Io, given: string): { fs: DiskFileSystem; file: string } | undefined {
	const file = resolve(io.cwd, given);
	const fs = diskFileSystem();
	if (fs.readFile(file) === undefined) {
		io.err(`iommu-lens: cannot read '${given}'\n`);
		return undefined;
	}
	return { fs, file };
}

export function kernelArg(args: ParsedArgs): string | undefined {
	const text = args.values.get('kernel')?.[0];
	if (text === undefined) return undefined;
	const parsed = probe.tryParseKernelVersion(text);
	if (!parsed.ok) throw new UsageError(`--kernel: ${parsed.error}`);
	return text;
}

export function formatArg(args: ParsedArgs): 'text' | 'json' {
	const format = args.values.get('format')?.[0] ?? 'text';
	if (format !== 'text' && format !== 'json') throw new UsageError(`--format must be text or json, not '${format}'`);
	return format;
}

/** The validated user profile of `--profile`, or a usage error with every problem. */
export function profileArg(args: ParsedArgs, cwd: string): iommu.UserProfiles | undefined {
	const file = args.values.get('profile')?.[0];
	if (file === undefined) return undefined;
	let json: unknown;
	try {
		json = JSON.parse(readFileSync(resolve(cwd, file), 'utf8'));
	} catch (error) {
		throw new UsageError(`--profile ${file}: ${error instanceof Error ? error.message : String(error)}`);
	}
	const res = iommu.validateProfile(json);
	if (res.errors.length > 0 || !res.profile) throw new UsageError(`--profile ${file}: ${res.errors.join('; ')}`);
	return res.profile;
}

/** A path for output: relative to the working folder when inside it. */
export function displayPath(file: string, cwd: string): string {
	const rel = relative(cwd, file);
	return rel.startsWith('..') || rel === '' ? file : rel;
}

/** `file:line:col` (1-based). */
export function place(span: Span, cwd: string): string {
	return `${displayPath(span.file, cwd)}:${span.start.line + 1}:${span.start.col + 1}`;
}

/** A span as the JSON contract writes it (1-based lines and columns). */
export function jsonSpan(span: Span, cwd: string): { file: string; line: number; column: number; endLine: number; endColumn: number } {
	return { file: displayPath(span.file, cwd), line: span.start.line + 1, column: span.start.col + 1, endLine: span.end.line + 1, endColumn: span.end.col + 1 };
}

/** JSON with bigints as `0x...` strings and spans as the contract's 1-based objects. */
export function toJson(value: unknown, cwd: string): string {
	return JSON.stringify(
		value,
		function (this: unknown, _key, v: unknown) {
			if (typeof v === 'bigint') return `0x${v.toString(16)}`;
			if (v && typeof v === 'object' && 'file' in v && 'start' in v && 'end' in v) {
				return jsonSpan(v as Span, cwd);
			}
			return v;
		},
		2,
	);
}
