/** Which files `iommu-lens check DIR` takes as boards, per tree layout (server/src/cli/scan.ts). */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { findBoards } from '../../server/src/cli/scan';

function tree(files: string[]): string {
	const root = mkdtempSync(join(tmpdir(), 'iommu-lens-scan-'));
	for (const f of files) {
		mkdirSync(dirname(join(root, f)), { recursive: true });
		if (!f.endsWith('/')) writeFileSync(join(root, f), '/dts-v1/;\n/ { };\n');
	}
	return root;
}
const found = (root: string): string[] => findBoards(root).map((f) => relative(root, f));

describe('findBoards', () => {
	it('takes arch/*/boot/dts of a kernel tree, nothing else', () => {
		const root = tree(['include/dt-bindings/x.h', 'scripts/dtc/include-prefixes/', 'arch/arm64/boot/dts/vendor/b.dts', 'arch/arm64/boot/dts/vendor/a.dts', 'arch/arm64/boot/dts/vendor/soc.dtsi', 'arch/riscv/boot/dts/c.dts', 'arch/x86/kernel/foo.dts', 'scripts/dtc/tests/t.dts', 'Documentation/devicetree/ex.dts']);
		expect(found(root)).toEqual(['arch/arm64/boot/dts/vendor/a.dts', 'arch/arm64/boot/dts/vendor/b.dts', 'arch/riscv/boot/dts/c.dts']);
	});

	it('takes src/ of a devicetree-rebasing tree', () => {
		const root = tree(['include/dt-bindings/x.h', 'src/arm64/v/a.dts', 'src/arm/b.dts', 'Bindings/ex.dts']);
		expect(found(root)).toEqual(['src/arm/b.dts', 'src/arm64/v/a.dts']);
	});

	it('takes every .dts below any other folder, skipping hidden folders and node_modules', () => {
		const root = tree(['boards/x.dts', 'boards/x.dtsi', 'boards/y.dtso', 'z.dts', '.git/q.dts', 'node_modules/p/q.dts']);
		expect(found(root)).toEqual(['boards/x.dts', 'z.dts']);
	});
});
