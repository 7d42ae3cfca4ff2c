/**
 * Macro expansion fixtures. Every expected text is the verbatim output of GCC 12's
 * `cpp -nostdinc -I include -undef -D__DTS__ -x assembler-with-cpp board.dts` on the same files,
 * so these tests pin spacing, line structure and line markers to cpp's.
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

describe("macro expansion matches GCC cpp", () => {
	it("object-like macros, nesting and empty macros", () => {
		const r = run({"board.dts": "#define EMPTY\n#define ONE 1\n#define TWO ONE + ONE\n#define PLUS +\na TWO b EMPTY c EMPTY EMPTY d\nTWO-TWO -TWO PLUS+ +PLUS PLUS PLUS x EMPTY y\n"}, "board.dts", ["include"], ["__DTS__"]);
		expect(r.text).toBe("# 0 \"board.dts\"\n# 0 \"<built-in>\"\n# 0 \"<command-line>\"\n# 1 \"board.dts\"\n\n\n\n\na 1 + 1 b c d\n1 + 1 -1 + 1 -1 + 1 + + + + + + x y\n");
		expect(r.diagnostics).toEqual([]);
	});
	it("function-like macros: invocation, no parenthesis, arguments across lines", () => {
		const r = run({"board.dts": "#define EMPTY\n#define f(x) [x]\n#define g f\n#define two(a, b) a|b\na f(1) f (2) f\n(3) g(4) g (5) f EMPTY (6)\ntwo( p , q ) two(,) two((a,b),c) f\nx f(\n  1,\n  2) after\nf(f(f(1)))\n"}, "board.dts", ["include"], ["__DTS__"]);
		expect(r.text).toBe("# 0 \"board.dts\"\n# 0 \"<built-in>\"\n# 0 \"<command-line>\"\n# 1 \"board.dts\"\n\n\n\n\na [1] [2] [3] [4] [5] f (6)\n\np|q | (a,b)|c f\nx f after\n\n\n[[[1]]]\n");
		// cpp: ["board.dts:10:4: error: macro \"f\" passed 2 arguments, but takes just 1"]
		expect([...new Set(r.diagnostics.map((d) => d.severity))].sort()).toEqual(["error"]);
	});
	it("painted-blue names are never expanded again", () => {
		const r = run({"board.dts": "#define foo foo bar\n#define rec(x) rec(x+1)\n#define h(x) x f\n#define f(x) <x>\n#define ID(x) x\n#define self ID(self)\nfoo rec(1) h(1)(2) ID(ID)(2) ID(f)(3) self\n#define AA BB\n#define BB AA\nAA BB\n"}, "board.dts", ["include"], ["__DTS__"]);
		expect(r.text).toBe("# 0 \"board.dts\"\n# 0 \"<built-in>\"\n# 0 \"<command-line>\"\n# 1 \"board.dts\"\n\n\n\n\n\n\nfoo bar rec(1 +1) 1 <2> ID(2) <3> self\n\n\nAA BB\n");
		expect(r.diagnostics).toEqual([]);
	});
	it("stringification", () => {
		const r = run({"board.dts": "#define S(x) #x\n#define XS(x) S(x)\n#define ONE 1\nS(a  b   \"c\\n\" '\\'' \\n) S( x ) S() XS(ONE) XS(S(ONE)) S(  a  /* c */ b  )\nS(@ $x \\ `) S(\"\\\"\") S(f(1,2)) S('a) S(\\)\n"}, "board.dts", ["include"], ["__DTS__"]);
		expect(r.text).toBe("# 0 \"board.dts\"\n# 0 \"<built-in>\"\n# 0 \"<command-line>\"\n# 1 \"board.dts\"\n\n\n\n\"a b \\\"c\\\\n\\\" '\\\\'' \\n\" \"x\" \"\" \"1\" \"\\\"ONE\\\"\" \"a b\"\n\"@ $x \\ `\" \"\\\"\\\\\\\"\\\"\" \"f(1,2)\" S\n");
		// cpp: ["board.dts:5:41: error: unterminated argument list invoking macro \"S\""]
		expect([...new Set(r.diagnostics.map((d) => d.severity))].sort()).toEqual(["error"]);
	});
	it("token pasting, placemarkers and invalid pastes", () => {
		const r = run({"board.dts": "#define P(a,b) a##b\n#define P3(a,b,c) a##b##c\n#define SP(a,b) a ## b\nP(gpio, 10) P(, x) P(x, ) P(,) P(1,.5) P(-,>) P(<,<=) P(&, label) P(a b, c d)\nP3(a,,c) P3(,,c) P3(a,b,) P(/,/) P(foo,-cells) P(+,-) SP(x, y)\n#define OBJ a ## b ## 12\nOBJ P(O,BJ) P(P,)(1,2)\n"}, "board.dts", ["include"], ["__DTS__"]);
		expect(r.text).toBe("# 0 \"board.dts\"\n# 0 \"<built-in>\"\n# 0 \"<command-line>\"\n# 1 \"board.dts\"\n\n\n\ngpio10 x x 1.5 -> <<= & label a bc d\nac c ab / / foo-cells +- xy\n\nab12 ab12 P(1,2)\n");
		expect(r.diagnostics).toEqual([]);
	});
	it("variadic macros, GNU comma swallowing and __VA_OPT__", () => {
		const r = run({"board.dts": "#define VA(fmt, ...) fmt, ## __VA_ARGS__\n#define VB(fmt, args...) <fmt args>\n#define VC(...) [__VA_ARGS__]\n#define VO(a, ...) a __VA_OPT__(: __VA_ARGS__ ;) end\n#define VP(a, ...) __VA_OPT__(a ## a) ## __VA_ARGS__\n#define EMPTY\nVA(x) VA(x,) VA(x, y, z) VB(a) VB(a, b, c) VC() VC(1, (2, 3), 4)\nVO(1) VO(1, 2) VO(1,) VO(1, EMPTY) VP(a) VP(a,b)\n"}, "board.dts", ["include"], ["__DTS__"]);
		expect(r.text).toBe("# 0 \"board.dts\"\n# 0 \"<built-in>\"\n# 0 \"<command-line>\"\n# 1 \"board.dts\"\n\n\n\n\n\n\nx x, x, y, z <a > <a b, c> [] [1, (2, 3), 4]\n1 end 1 : 2 ; end 1 end 1 end aab\n");
		expect(r.diagnostics).toEqual([]);
	});
	it("devicetree idioms keep their exact spacing", () => {
		const r = run({"board.dts": "#define NODE(name, addr) name@addr\n#define LBL(n) n: node\n#define PIN(n) pinctrl-n\n#define PIN2(n) pinctrl-##n\n#define REF(l) &l\n#define CELLS(x) #x-cells\n#define GIC_SPI 0\n#define IRQ_TYPE_LEVEL_HIGH 4\n#define ADDR 0x1000\n/ {\n\tNODE(gpio, ADDR) { };\n\tLBL(l2) REF(foo) REF(  x ) PIN(0) PIN2(0) = <&tlmm 1 2>;\n\tinterrupts = <GIC_SPI 10 IRQ_TYPE_LEVEL_HIGH>;\n\t#address-cells = <1>;\n  #size-cells = <0>;\n\tCELLS(gpio) = <2>;\n};\n"}, "board.dts", ["include"], ["__DTS__"]);
		expect(r.text).toBe("# 0 \"board.dts\"\n# 0 \"<built-in>\"\n# 0 \"<command-line>\"\n# 1 \"board.dts\"\n# 10 \"board.dts\"\n/ {\n gpio@0x1000 { };\n l2: node &foo &x pinctrl-0 pinctrl-0 = <&tlmm 1 2>;\n interrupts = <0 10 4>;\n #address-cells = <1>;\n  #size-cells = <0>;\n \"gpio\"-cells = <2>;\n};\n");
		expect(r.diagnostics).toEqual([]);
	});
	it("paste avoidance between tokens that came from macros", () => {
		const r = run({"board.dts": "#define NEG -1\n#define ID(x) x\n#define M -\n#define E =\nNEG -NEG - NEG --NEG ID(-)ID(-) ID(-)- ID(+)+ ID(<)< x ID(/)/ ID(.)1 ID(.).\nM- M> M= <M ID(a)ID(b) ID(1)ID(2) ID(x)\"s\" ID(.)ID(.) ID(#)ID(#) E= !E <E ID(<<)E ID(&)&\n#define H #\nH c\n H c\nx H\n#define HH(x) # x\nHH(y) H H\n"}, "board.dts", ["include"], ["__DTS__"]);
		expect(r.text).toBe("# 0 \"board.dts\"\n# 0 \"<built-in>\"\n# 0 \"<command-line>\"\n# 1 \"board.dts\"\n\n\n\n\n-1 - -1 - -1 ---1 - - - - + + < < x / / . 1 . .\n- - - > - = <- a b 1 2 x \"s\" . . # # = = ! = < = << = & &\n\n # c\n # c\nx #\n\n\"y\" # #\n");
		expect(r.diagnostics).toEqual([]);
	});
	it("line structure: indentation, comments, blank lines and long gaps", () => {
		const r = run({"board.dts": "a\n\tb\n\t\tc\n   /* x */ d  e\t f\ng /* multi\nline */ h\ni // comment\nj\n\n\n\nk\n\n\n\n\n\n\n\n\n\nl\n#define F(a, b) a b\nF(1,\n2) z\nw\n"}, "board.dts", ["include"], ["__DTS__"]);
		expect(r.text).toBe("# 0 \"board.dts\"\n# 0 \"<built-in>\"\n# 0 \"<command-line>\"\n# 1 \"board.dts\"\na\n b\n  c\n           d e f\ng h\n\ni\nj\n\n\n\nk\n# 22 \"board.dts\"\nl\n\n1 2 z\n\nw\n");
		expect(r.diagnostics).toEqual([]);
	});
	it("builtin and predefined macros", () => {
		const r = run({"inc.h": "__FILE__ __INCLUDE_LEVEL__ __LINE__ __BASE_FILE__\n", "board.dts": "__LINE__ __FILE__ __INCLUDE_LEVEL__ __COUNTER__ __COUNTER__ __BASE_FILE__ __FILE_NAME__\n__STDC__ __ASSEMBLER__ __DTS__ __STDC_HOSTED__ __GNUC__ __STDC_VERSION__ __linux__ __x86_64__ unix\n#include \"inc.h\"\n__LINE__\n"}, "board.dts", ["include"], ["__DTS__"]);
		expect(r.text).toBe("# 0 \"board.dts\"\n# 0 \"<built-in>\"\n# 0 \"<command-line>\"\n# 1 \"board.dts\"\n1 \"board.dts\" 0 0 1 \"board.dts\" \"board.dts\"\n1 1 1 1 __GNUC__ __STDC_VERSION__ __linux__ __x86_64__ unix\n# 1 \"inc.h\" 1\n\"inc.h\" 1 1 \"board.dts\"\n# 4 \"board.dts\" 2\n4\n");
		expect(r.diagnostics).toEqual([]);
	});
	it("macro redefinition", () => {
		const r = run({"board.dts": "#define A 1\n#define A 1\n#define A  1\n#define B(x) x\n#define B(x) x\nA B(2)\n#define A 2\nA\n#undef A\nA\n#define A 3\nA\n"}, "board.dts", ["include"], ["__DTS__"]);
		expect(r.text).toBe("# 0 \"board.dts\"\n# 0 \"<built-in>\"\n# 0 \"<command-line>\"\n# 1 \"board.dts\"\n\n\n\n\n\n1 2\n\n2\n\nA\n\n3\n");
		// cpp: ["board.dts:7: warning: \"A\" redefined"]
		expect([...new Set(r.diagnostics.map((d) => d.severity))].sort()).toEqual(["warning"]);
	});
	it("command line defines with values", () => {
		const r = run({"board.dts": "X Y Z __DTS__\n"}, "board.dts", ["include"], ["__DTS__", "X=2", "Y=a b", "Z="]);
		expect(r.text).toBe("# 0 \"board.dts\"\n# 0 \"<built-in>\"\n# 0 \"<command-line>\"\n# 1 \"board.dts\"\n2 a b 1\n");
		expect(r.diagnostics).toEqual([]);
	});
	it("wrong argument counts are reported and the name is kept", () => {
		const r = run({"board.dts": "#define F2(x,y) x\n#define F0() z\n#define F1(x) [x]\nF2(1) F2(1,2,3) F0() F0( ) F1() F1(a) end\n"}, "board.dts", ["include"], ["__DTS__"]);
		expect(r.text).toBe("# 0 \"board.dts\"\n# 0 \"<built-in>\"\n# 0 \"<command-line>\"\n# 1 \"board.dts\"\n\n\n\nF2 F2 z z [] [a] end\n");
		// cpp: ["board.dts:4:5: error: macro \"F2\" requires 2 arguments, but only 1 given", "board.dts:4:15: error: macro \"F2\" passed 3 arguments, but takes just 2"]
		expect([...new Set(r.diagnostics.map((d) => d.severity))].sort()).toEqual(["error"]);
	});
	it("a # line inside macro arguments ends the argument", () => {
		const r = run({"board.dts": "#define F(x,y) x y\nF(a,\n#address-cells\n)\nF(b,\n#if 1\nc\n#endif\n)\nend\n"}, "board.dts", ["include"], ["__DTS__"]);
		expect(r.text).toBe("# 0 \"board.dts\"\n# 0 \"<built-in>\"\n# 0 \"<command-line>\"\n# 1 \"board.dts\"\n\nF\n\n\nb c\n\n\n\n\nend\n");
		// cpp: ["board.dts:4:1: error: macro \"F\" passed 3 arguments, but takes just 2"]
		expect([...new Set(r.diagnostics.map((d) => d.severity))].sort()).toEqual(["error"]);
	});
	it("unterminated argument list at end of file", () => {
		const r = run({"board.dts": "#define F(x) x\na F(1,\nb\n"}, "board.dts", ["include"], ["__DTS__"]);
		expect(r.text).toBe("# 0 \"board.dts\"\n# 0 \"<built-in>\"\n# 0 \"<command-line>\"\n# 1 \"board.dts\"\n\na F\n");
		// cpp: ["board.dts:3:2: error: unterminated argument list invoking macro \"F\""]
		expect([...new Set(r.diagnostics.map((d) => d.severity))].sort()).toEqual(["error"]);
	});
});
