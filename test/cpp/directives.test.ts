/**
 * Directive fixtures (conditionals, includes, #line, #pragma, assembler-mode `#` lines). Every
 * expected text is the verbatim output of GCC 12's
 * `cpp -nostdinc -I include... -undef -D__DTS__ -x assembler-with-cpp board.dts` on the same files.
 */

import { describe, expect, it } from 'vitest';
import { memoryFileSystem } from '../../server/src/base/source';
import { createPreprocessor, type PreprocessResult } from '../../server/src/cpp/index';

function run(files: Record<string, string>, main: string, includePaths: string[], defines: string[]): PreprocessResult {
	const defs = defines.map((d) => {
		const i = d.indexOf('=');
		return i < 0 ? { name: d } : { name: d.slice(0, i), value: d.slice(i + 1) };
	});
	return createPreprocessor(memoryFileSystem(files)).preprocess(main, { includePaths, defines: defs, lineMarkers: true });
}

describe("directives match GCC cpp", () => {
	it("#if with arithmetic, defined, unsigned rules and short-circuit", () => {
		const r = run({"board.dts": "#define f(x) x\n#define ZERO 0\n#define TWO 2\n#if 1 + 2 * 3 == 7 && defined f && !defined(nope) && defined ZERO\na1\n#endif\n#if (0x10 >> 2) == 4 && -1 < 0 && 0b101 == 5 && 010 == 8 && 'a' == 97 && '\\n' == 10\na2\n#endif\n#if 1u > -1\nno3\n#elif -1 >> 70 == -1 && (1 << 63) < 0 && -9223372036854775807 - 1 < 0 && 18446744073709551615 == -1\na4\n#endif\n#if 0 ? 1/0 : (1 || 1/0) && !(0 && 1/0) && (2, 3) == 3 && UNDEFINED_NAME == 0 && f(TWO) == 2\na5\n#endif\n#if TWO > 1 ? 0u : -1\na6\n#endif\n#if (-1 ? 1u : 0) > 0 && 5 / 2 == 2 && -5 / 2 == -2 && -5 % 2 == -1 && ~0u == 0xffffffffffffffff\na7\n#endif\n#if '\\377' < 0 && 'ab' == 24930 && '\\x41' == 65\na8\n#endif\n"}, "board.dts", ["include"], ["__DTS__"]);
		expect(r.text).toBe("# 0 \"board.dts\"\n# 0 \"<built-in>\"\n# 0 \"<command-line>\"\n# 1 \"board.dts\"\n\n\n\n\na1\n\n\na2\n\n\n\n\na4\n\n\na5\n\n\n\n\n\na7\n\n\na8\n");
		// cpp: ["board.dts:12:33: warning: integer overflow in preprocessor expression", "board.dts:12:74: warning: integer constant is so large that it is unsigned", "board.dts:24:19: warning: multi-character character constant [-Wmultichar]"]
		expect([...new Set(r.diagnostics.map((d) => d.severity))].sort()).toEqual(["warning"]);
	});
	it("#ifdef, #ifndef, #elif, #else, nesting and skipped groups", () => {
		const r = run({"board.dts": "#define A\n#ifdef A\nin-a\n#ifndef A\nno\n#elif 1\nin-elif\n#else\nno\n#endif\n#else\nno\n#if garbage ((( 1/0\n#include \"nothere.h\"\n#error not reached\n#endif\n#endif\n#if 0\n#elif 0\n#elif 1\nthird\n#elif 1/0\nno\n#else\nno\n#endif\n#undef A\n#ifndef A\nundefined\n#endif\n# /* null directive */\n#\nend\n"}, "board.dts", ["include"], ["__DTS__"]);
		expect(r.text).toBe("# 0 \"board.dts\"\n# 0 \"<built-in>\"\n# 0 \"<command-line>\"\n# 1 \"board.dts\"\n\n\nin-a\n\n\n\nin-elif\n# 21 \"board.dts\"\nthird\n\n\n\n\n\n\n\nundefined\n\n\n\nend\n");
		expect(r.diagnostics).toEqual([]);
	});
	it("assembler mode: non-directive # lines pass through", () => {
		const r = run({"board.dts": "#define cells 2\n#address-cells = <1>;\n  #size-cells = <cells>;\n\t# 33 \"not-a-marker\"\n#cells\n#foo bar\n#!shebang\n#define X #x-cells\nX X\n#if 0\n#address-cells = <2>;\n#endif\n"}, "board.dts", ["include"], ["__DTS__"]);
		expect(r.text).toBe("# 0 \"board.dts\"\n# 0 \"<built-in>\"\n# 0 \"<command-line>\"\n# 1 \"board.dts\"\n\n#address-2 = <1>;\n  #size-2 = <2>;\n # 33 \"not-a-marker\"\n#2\n #foo bar\n#!shebang\n\n #x-2 #x-2\n");
		expect(r.diagnostics).toEqual([]);
	});
	it("#include search order, guards, #pragma once and include_next", () => {
		const r = run({"local.h": "local __INCLUDE_LEVEL__\n", "include/dt-bindings/a.h": "a-from-include __FILE__\n", "sub/g.h": "/* guarded */\n#ifndef G_H\n#define G_H\ng __FILE__\n#include \"g3.h\"\n#endif\n\n", "sub/g3.h": "g3 __INCLUDE_LEVEL__\n", "sub/g2.h": "#if !defined(G2_H)\n#define G2_H\ng2\n#endif\n", "sub/o.h": "#pragma once\nonce\n", "include/n.h": "#include_next <n.h>\nfirst-n\n", "include2/n.h": "second-n __FILE__\n", "board.dts": "#include \"local.h\"\n#include <dt-bindings/a.h>\n#include \"dt-bindings/a.h\"\n#include \"sub/g.h\"\n#include \"sub/g.h\"\n#include \"sub/o.h\"\n#include \"sub/o.h\"\n#include <n.h>\n#define HDR \"sub/g2.h\"\n#define SYS <dt-bindings/a.h>\n#include HDR\n#include SYS\n#include \"sub/g2.h\"\nend __INCLUDE_LEVEL__\n"}, "board.dts", ["include", "include2"], ["__DTS__"]);
		expect(r.text).toBe("# 0 \"board.dts\"\n# 0 \"<built-in>\"\n# 0 \"<command-line>\"\n# 1 \"board.dts\"\n# 1 \"local.h\" 1\nlocal 1\n# 2 \"board.dts\" 2\n# 1 \"include/dt-bindings/a.h\" 1\na-from-include \"include/dt-bindings/a.h\"\n# 3 \"board.dts\" 2\n# 1 \"include/dt-bindings/a.h\" 1\na-from-include \"include/dt-bindings/a.h\"\n# 4 \"board.dts\" 2\n# 1 \"sub/g.h\" 1\n\n\n\ng \"sub/g.h\"\n# 1 \"sub/g3.h\" 1\ng3 2\n# 6 \"sub/g.h\" 2\n# 5 \"board.dts\" 2\n\n# 1 \"sub/o.h\" 1\n       \nonce\n# 7 \"board.dts\" 2\n\n# 1 \"include/n.h\" 1\n# 1 \"include2/n.h\" 1\nsecond-n \"include2/n.h\"\n# 2 \"include/n.h\" 2\nfirst-n\n# 9 \"board.dts\" 2\n\n\n# 1 \"sub/g2.h\" 1\n\n\ng2\n# 12 \"board.dts\" 2\n# 1 \"include/dt-bindings/a.h\" 1\na-from-include \"include/dt-bindings/a.h\"\n# 13 \"board.dts\" 2\n\nend 0\n");
		expect(r.diagnostics).toEqual([]);
	});
	it("line markers around includes in the middle of text", () => {
		const r = run({"a.dtsi": "A\n\n#include \"defs.h\"\nB\n", "defs.h": "#define DEF 1\n", "empty.h": "", "board.dts": "/dts-v1/;\n#include \"a.dtsi\"\nx\n#include \"empty.h\"\ny\n\n\n\n\n\n\n\n\n\n#include \"a.dtsi\"\n#include \"defs.h\"\nz DEF\n"}, "board.dts", ["include"], ["__DTS__"]);
		expect(r.text).toBe("# 0 \"board.dts\"\n# 0 \"<built-in>\"\n# 0 \"<command-line>\"\n# 1 \"board.dts\"\n/dts-v1/;\n# 1 \"a.dtsi\" 1\nA\n\n# 1 \"defs.h\" 1\n# 4 \"a.dtsi\" 2\nB\n# 3 \"board.dts\" 2\nx\n# 1 \"empty.h\" 1\n# 5 \"board.dts\" 2\ny\n# 15 \"board.dts\"\n# 1 \"a.dtsi\" 1\nA\n\n# 1 \"defs.h\" 1\n# 4 \"a.dtsi\" 2\nB\n# 16 \"board.dts\" 2\n# 1 \"defs.h\" 1\n# 17 \"board.dts\" 2\nz 1\n");
		expect(r.diagnostics).toEqual([]);
	});
	it("#line changes the presumed file and line", () => {
		const r = run({"board.dts": "a __LINE__\n#line 100 \"fake.c\"\nb __LINE__ __FILE__\nc\n#line 7\nd __LINE__\n#line 3 \"other.c\"\ne\n"}, "board.dts", ["include"], ["__DTS__"]);
		expect(r.text).toBe("# 0 \"board.dts\"\n# 0 \"<built-in>\"\n# 0 \"<command-line>\"\n# 1 \"board.dts\"\na 1\n# 100 \"fake.c\"\nb 100 \"fake.c\"\nc\n# 7 \"fake.c\"\nd 7\n# 3 \"other.c\"\ne\n");
		expect(r.diagnostics).toEqual([]);
	});
	it("#pragma in assembler mode", () => {
		const r = run({"board.dts": "#pragma foo bar\na\n#pragma GCC poison zz\n#pragma push_macro(\"X\")\n#define X 2\nX\n#pragma pop_macro(\"X\")\nX\n#pragma GCC warning \"careful\"\n#ident \"x\"\n#pragma GCC diagnostic push\nb\n"}, "board.dts", ["include"], ["__DTS__", "X=1"]);
		expect(r.text).toBe("# 0 \"board.dts\"\n# 0 \"<built-in>\"\n# 0 \"<command-line>\"\n# 1 \"board.dts\"\n\na\n       \n       \n\n2\n       \n1\n       \n\n\nb\n");
		// cpp: ["board.dts:5: warning: \"X\" redefined", "board.dts:9:21: warning: careful"]
		expect([...new Set(r.diagnostics.map((d) => d.severity))].sort()).toEqual(["warning"]);
	});
	it("line splices and comments", () => {
		const r = run({"board.dts": "#define LONG a \\\n  b \\\n  c\nLONG x\\\ny /* one\ntwo */ z // tail \\\nstill comment\nw 'unterminated F(1) \"q\n\"also unterminated\nafter\n"}, "board.dts", ["include"], ["__DTS__"]);
		expect(r.text).toBe("# 0 \"board.dts\"\n# 0 \"<built-in>\"\n# 0 \"<command-line>\"\n# 1 \"board.dts\"\n\n\n\na b c xy z\n\n\n\nw 'unterminated F(1) \"q\n\"also unterminated\nafter\n");
		expect(r.diagnostics).toEqual([]);
	});
	it("#error and #warning keep going", () => {
		const r = run({"board.dts": "#error stop here\na\n#warning careful now\nb\n"}, "board.dts", ["include"], ["__DTS__"]);
		expect(r.text).toBe("# 0 \"board.dts\"\n# 0 \"<built-in>\"\n# 0 \"<command-line>\"\n# 1 \"board.dts\"\n\na\n\nb\n");
		// cpp: ["board.dts:1:2: error: #error stop here", "board.dts:3:2: warning: #warning careful now [-Wcpp]"]
		expect([...new Set(r.diagnostics.map((d) => d.severity))].sort()).toEqual(["error", "warning"]);
	});
	it("unterminated #if and #else after #else", () => {
		const r = run({"board.dts": "#if 1\na\n#else\nb\n#else\nc\n#endif\n#if 1\nd\n"}, "board.dts", ["include"], ["__DTS__"]);
		expect(r.text).toBe("# 0 \"board.dts\"\n# 0 \"<built-in>\"\n# 0 \"<command-line>\"\n# 1 \"board.dts\"\n\na\n\n\n\n\n\n\nd\n");
		// cpp: ["board.dts:5:2: error: #else after #else", "board.dts:1: error: the conditional began here", "board.dts:8: error: unterminated #if"]
		expect([...new Set(r.diagnostics.map((d) => d.severity))].sort()).toEqual(["error"]);
	});
	it("missing include directory entries", () => {
		const r = run({"include/one.h": "one\n", "board.dts": "#include <one.h>\nx\n"}, "board.dts", ["nope", "include"], ["__DTS__"]);
		expect(r.text).toBe("# 0 \"board.dts\"\n# 0 \"<built-in>\"\n# 0 \"<command-line>\"\n# 1 \"board.dts\"\n# 1 \"include/one.h\" 1\none\n# 2 \"board.dts\" 2\nx\n");
		expect(r.diagnostics).toEqual([]);
	});
});
