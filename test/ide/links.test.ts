/** Document links: `#include` and `/include/` directives to the files they resolved to. */
import { describe, expect, it } from 'vitest';
import { documentLinks, hover, definition } from '../../server/src/ide';
import { cursorFixture, spanText } from '../harness/cursor';
import { SDM845_LIKE } from './fixtures';

describe('documentLinks', () => {
	it('links each #include of a file to the resolved file (the quoted name is the link)', () => {
		const f = cursorFixture(SDM845_LIKE);
		expect(documentLinks(f.snapshot, '/soc.dtsi').map((l) => `${spanText(l.span)} ${f.text(l.span)} → ${l.target}`)).toEqual([
			'/soc.dtsi:0:9-0:32 <dt-bindings/arm-gic.h> → /include/dt-bindings/arm-gic.h',
			'/soc.dtsi:1:9-1:28 <dt-bindings/sid.h> → /include/dt-bindings/sid.h',
		]);
		expect(documentLinks(f.snapshot, '/board.dts').map((l) => `${f.text(l.span)} → ${l.target}`)).toEqual(['"soc.dtsi" → /soc.dtsi']);
	});

	it('links dtc’s /include/ (the including file’s folder first), skips missing files and inactive code', () => {
		const f = cursorFixture(`//- /dts/board.dts
/dts-v1/;
/include/ "common.dtsi"
#include "missing.h"
#if 0
#include "skipped.h"
#endif
/ {
	$0model = "x";
};
//- /dts/common.dtsi
/ { compatible = "vendor,board"; };
//- /include/common.dtsi
/ { wrong; };
`);
		expect(documentLinks(f.snapshot, '/dts/board.dts').map((l) => `${spanText(l.span)} ${f.text(l.span)} → ${l.target}`)).toEqual([
			'/dts/board.dts:1:10-1:23 "common.dtsi" → /dts/common.dtsi',
		]);
		const q = { file: '/dts/board.dts', position: { line: 1, col: 3 } };
		expect(hover(f.snapshot, q)?.markdown).toBe('`/include/ "common.dtsi"` → `/dts/common.dtsi`');
		expect(definition(f.snapshot, q).map(spanText)).toEqual(['/dts/common.dtsi:0:0-0:0']);
		expect(hover(f.snapshot, { file: '/dts/board.dts', position: { line: 2, col: 3 } })?.markdown).toMatch(/^`#include "missing.h"` → \*\*not found\*\*/);
	});
});
