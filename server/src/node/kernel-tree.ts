/**
 * Include rules of a kernel-like tree, found from a board's location, so that the command line and
 * the language server need no configuration inside a kernel tree.
 *
 * Three layouts are recognised (first match walking up from the file):
 * - a kernel source tree with `scripts/dtc/include-prefixes` (the kernel's own `-I` for dtc's cpp run,
 *   whose entries `arm64`, `dt-bindings`, ... are links into `arch/<arch>/boot/dts` and `include/`);
 * - a kernel tree without that folder: `arch/<arch>/boot/dts` plus `include/`;
 * - a devicetree-rebasing tree (as in u-boot's dts/upstream): `src/<arch>/...` plus `include/`,
 *   built with `-I include -I src -I src/<arch>`.
 *
 * The cpp defines are always the kernel's `-undef -D__DTS__`; dtc's `/include/` search uses the
 * board's folder and the same include folders.
 *
 * For C sources, `findKconfigRoot` finds the top of the kernel source tree (its Kconfig tree's root),
 * and `kernelArch` the architecture its Kconfig tree is read for (`arch/$(SRCARCH)/Kconfig`).
 */
import { existsSync, statSync } from 'node:fs';
import { machine } from 'node:os';
import { dirname, join, relative, sep } from 'node:path';
import { chooseKernelArch, type KernelArch } from '../drivers/kconfig/arch';

export interface KernelTree {
	layout: 'kernel-prefixes' | 'kernel' | 'dts-rebasing';
	root: string;
	arch: string | undefined;
	includePaths: string[];
}

const isDir = (p: string): boolean => {
	try {
		return statSync(p).isDirectory();
	} catch {
		return false;
	}
};

/** The kernel-like tree that contains `file` (an absolute path), if any. */
export function findKernelTree(file: string): KernelTree | undefined {
	let dir = dirname(file);
	for (;;) {
		const rel = relative(dir, file).split(sep);
		if (isDir(join(dir, 'scripts/dtc/include-prefixes'))) {
			const arch = rel[0] === 'arch' ? rel[1] : undefined;
			return { layout: 'kernel-prefixes', root: dir, arch, includePaths: [join(dir, 'scripts/dtc/include-prefixes')] };
		}
		if (rel[0] === 'arch' && rel[2] === 'boot' && rel[3] === 'dts' && isDir(join(dir, 'include'))) {
			const arch = rel[1] as string;
			return { layout: 'kernel', root: dir, arch, includePaths: [join(dir, 'include'), join(dir, 'arch', arch, 'boot/dts')] };
		}
		if (rel[0] === 'src' && rel.length > 2 && isDir(join(dir, 'include')) && existsSync(join(dir, 'src'))) {
			const arch = rel[1] as string;
			return { layout: 'dts-rebasing', root: dir, arch, includePaths: [join(dir, 'include'), join(dir, 'src'), join(dir, 'src', arch)] };
		}
		const parent = dirname(dir);
		if (parent === dir) return undefined;
		dir = parent;
	}
}

const isFile = (p: string): boolean => {
	try {
		return statSync(p).isFile();
	} catch {
		return false;
	}
};

/**
 * The top of the kernel source tree that contains `file` (a C source or header, an absolute path):
 * the nearest folder above it with a `Kconfig` file and an `arch/` folder, as a kernel's top level
 * has (the folders below it have a `Kconfig` each, but no `arch/`). Undefined outside a kernel tree.
 */
export function findKconfigRoot(file: string): string | undefined {
	for (let dir = dirname(file); ; ) {
		if (isFile(join(dir, 'Kconfig')) && isDir(join(dir, 'arch'))) return dir;
		const parent = dirname(dir);
		if (parent === dir) return undefined;
		dir = parent;
	}
}

/**
 * The architecture a kernel tree's Kconfig is read for, as kbuild picks it: the process's `ARCH`
 * environment variable when set (exported for cross builds), else `boards` (the architecture of the
 * devicetree boards the user works on in that tree, when known), else this machine's (`uname -m`
 * mapped as kbuild's `SUBARCH`).
 */
export function kernelArch(boards?: string): KernelArch {
	hostMachine ??= machine();
	return chooseKernelArch({ env: process.env.ARCH, boards, machine: hostMachine });
}

let hostMachine: string | undefined;

/** The kernel's cpp defines for devicetree sources (`-undef` is implied: nothing else is predefined). */
export const KERNEL_DTS_DEFINES: ReadonlyArray<{ name: string; value?: string }> = [{ name: '__DTS__' }];
