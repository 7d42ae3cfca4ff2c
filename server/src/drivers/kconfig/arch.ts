/**
 * The kernel architecture a Kconfig tree is read for, as kbuild decides it: `ARCH` from the
 * environment (a cross build exports it), else `SUBARCH`, the host's `uname -m` mapped by
 * `scripts/subarch.include`; `SRCARCH` (the folder `arch/$(SRCARCH)/Kconfig` names) from `ARCH` by
 * the top Makefile. Between the two, iommu-lens puts the architecture of the devicetree boards the
 * user works on in that tree (`arch/<arch>/boot/dts/...`). Pure: the caller gives the environment
 * variable and the machine name (`server/src/node/kernel-tree.ts` does on Node).
 */
import { paths } from '../../base/source';

/** Where the architecture came from. */
export type ArchSource = 'environment' | 'boards' | 'host';

export interface KernelArch {
	/** kbuild's `ARCH`. */
	readonly arch: string;
	/** kbuild's `SRCARCH`: the folder under `arch/`. */
	readonly srcarch: string;
	readonly from: ArchSource;
}

/** kbuild's `SRCARCH` for an `ARCH` (the top Makefile: i386 and x86_64 build arch/x86, sparc32/64 arch/sparc, ...). */
export function srcarchOf(arch: string): string {
	switch (arch) {
		case 'i386':
		case 'x86_64':
			return 'x86';
		case 'sparc32':
		case 'sparc64':
			return 'sparc';
		case 'parisc64':
			return 'parisc';
		case 'sh64':
			return 'sh';
		default:
			return arch;
	}
}

/**
 * kbuild's `SUBARCH` for a machine name (`uname -m`): `scripts/subarch.include`'s sed expressions,
 * applied in turn (`x86_64` → x86, `aarch64` → arm64, `armv7l` → arm, `riscv64` → riscv, `ppc64le` →
 * powerpc, ...). One addition: `arm64`, macOS's name for aarch64, stays arm64 (sed would make it arm).
 */
export function subarchOf(machine: string): string {
	if (machine === 'arm64') return 'arm64';
	const rules: ReadonlyArray<readonly [RegExp, string]> = [
		[/i.86/, 'x86'],
		[/x86_64/, 'x86'],
		[/sun4u/, 'sparc64'],
		[/arm.*/, 'arm'],
		[/sa110/, 'arm'],
		[/s390x/, 's390'],
		[/ppc.*/, 'powerpc'],
		[/mips.*/, 'mips'],
		[/sh[234].*/, 'sh'],
		[/aarch64.*/, 'arm64'],
		[/riscv.*/, 'riscv'],
		[/loongarch.*/, 'loongarch'],
	];
	let m = machine;
	for (const [re, to] of rules) m = m.replace(re, to);
	return m;
}

/**
 * The architecture of the devicetree files among `files` that lie in the kernel tree at `root`
 * (`<root>/arch/<arch>/boot/dts/...`), when they all agree on one; undefined when none lies there or
 * they name several.
 */
export function boardsArch(root: string, files: Iterable<string>): string | undefined {
	const prefix = `${paths.join(root, 'arch')}/`;
	let found: string | undefined;
	for (const f of files) {
		if (!f.startsWith(prefix) || !/\.(dts|dtsi|dtso|overlay)$/.test(f)) continue;
		const rest = f.slice(prefix.length).split('/');
		if (rest.length < 4 || rest[1] !== 'boot' || rest[2] !== 'dts') continue;
		const arch = rest[0] as string;
		if (found !== undefined && found !== arch) return undefined;
		found = arch;
	}
	return found;
}

/** kbuild's order: `ARCH` from the environment when set, else the boards' architecture, else the host's `SUBARCH`. */
export function chooseKernelArch(o: { readonly env?: string | undefined; readonly boards?: string | undefined; readonly machine: string }): KernelArch {
	const env = o.env?.trim();
	const [arch, from]: [string, ArchSource] = env ? [env, 'environment'] : o.boards ? [o.boards, 'boards'] : [subarchOf(o.machine), 'host'];
	return { arch, srcarch: srcarchOf(arch), from };
}

/** The variables a Kconfig tree's `source` paths may use (`arch/$(SRCARCH)/Kconfig`), as kbuild exports them to Kconfig. */
export function kconfigEnv(a: KernelArch): Readonly<Record<string, string>> {
	return { ARCH: a.arch, SRCARCH: a.srcarch };
}

/** A key that changes with what the Kconfig tree reads (`ARCH` and `SRCARCH`). */
export const archKey = (a: KernelArch): string => `${a.arch}/${a.srcarch}`;
