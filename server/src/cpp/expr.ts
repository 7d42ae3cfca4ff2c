/**
 * The `#if` expression evaluator: C integer expressions over `intmax_t`/`uintmax_t` (64-bit,
 * two's complement), with cpp's rules for literals, the usual arithmetic conversions, shifts,
 * short-circuit evaluation and errors that only count in evaluated operands.
 */

/** A value of a `#if` expression. */
export interface Value {
	v: bigint;
	unsigned: boolean;
}

/** An item of an already macro-expanded `#if` line. */
export type ExprToken = { kind: 'value'; value: Value; text: string } | { kind: 'op'; text: string };

/**
 * A problem found while evaluating. `fatal` ones make the whole expression false (syntax errors);
 * `error` ones are errors after which cpp still uses the value it computed (division by zero
 * yields the left operand, a bad literal yields 0).
 */
export interface ExprProblem {
	message: string;
	fatal: boolean;
	error?: boolean;
}

/**
 * Deepest nesting of a `#if` expression (parentheses, unary operators, `?:` arms) evaluated; deeper
 * expressions are reported as malformed (`bad-expression`, the group is false). Bounds the recursion.
 */
export const MAX_IF_EXPR_DEPTH = 256;

const MAX_U = (1n << 64n) - 1n;
const MAX_S = (1n << 63n) - 1n;

function wrap(v: bigint, unsigned: boolean): bigint {
	return unsigned ? BigInt.asUintN(64, v) : BigInt.asIntN(64, v);
}

/** Interprets a pp-number of a `#if` line (integer constants only). */
export function parseInteger(text: string, problems: ExprProblem[]): Value {
	const m = /^(.*?)([uUlL]*)$/.exec(text)!;
	let digits = m[1]!;
	const suffix = m[2]!;
	const hex = /^0[xX]/.test(digits);
	const bin = /^0[bB]/.test(digits);
	if (!hex && !bin && /[.eE]/.test(digits)) {
		problems.push({ message: 'floating constant in preprocessor expression', fatal: false, error: true });
		return { v: 0n, unsigned: false };
	}
	if (hex && /[.pP]/.test(digits)) {
		problems.push({ message: 'floating constant in preprocessor expression', fatal: false, error: true });
		return { v: 0n, unsigned: false };
	}
	const s = suffix.toLowerCase();
	const okSuffix = ['', 'u', 'l', 'ul', 'lu', 'll', 'ull', 'llu'].includes(s) && !/lL|Ll/.test(suffix);
	let base = 10;
	if (hex) {
		base = 16;
		digits = digits.slice(2);
	} else if (bin) {
		base = 2;
		digits = digits.slice(2);
	} else if (digits.length > 1 && digits[0] === '0') {
		base = 8;
		digits = digits.slice(1);
	}
	const valid = base === 16 ? /^[0-9a-fA-F]+$/ : base === 2 ? /^[01]+$/ : base === 8 ? /^[0-7]+$/ : /^[0-9]+$/;
	if (!okSuffix || digits === '' || !valid.test(digits)) {
		if (base === 8 && /^[0-9]+$/.test(digits) && okSuffix) {
			const bad = /[89]/.exec(digits)![0];
			problems.push({ message: `invalid digit "${bad}" in octal constant`, fatal: false, error: true });
		} else {
			const suf = /^(?:0[xX][0-9a-fA-F]*|0[bB][01]*|[0-9]*)(.*)$/.exec(text)![1]!;
			problems.push({ message: `invalid suffix "${suf || text}" on integer constant`, fatal: false, error: true });
		}
		return { v: 0n, unsigned: false };
	}
	let v = 0n;
	const b = BigInt(base);
	for (const ch of digits) v = v * b + BigInt(parseInt(ch, base));
	if (v > MAX_U) {
		problems.push({ message: 'integer constant is too large for its type', fatal: false });
		v = BigInt.asUintN(64, v);
	}
	let unsigned = s.includes('u');
	if (!unsigned && v > MAX_S) {
		unsigned = true;
		if (base === 10) problems.push({ message: 'integer constant is so large that it is unsigned', fatal: false });
	}
	return { v, unsigned };
}

const SIMPLE_ESCAPES: Record<string, number> = { n: 10, t: 9, r: 13, a: 7, b: 8, f: 12, v: 11, e: 27, E: 27, '\\': 92, "'": 39, '"': 34, '?': 63 };

/** Interprets a character constant (`'a'`, `'\n'`, `L'x'`, multi-character) as cpp does on x86-64. */
export function parseChar(text: string, problems: ExprProblem[]): Value {
	const wide = text.startsWith('L');
	const body = text.slice(wide ? 2 : 1, -1);
	const chars: number[] = [];
	for (let i = 0; i < body.length; ) {
		const c = body[i]!;
		if (c !== '\\') {
			const cp = body.codePointAt(i)!;
			if (cp < 0x80 || wide) chars.push(cp);
			else for (const byte of new TextEncoder().encode(String.fromCodePoint(cp))) chars.push(byte);
			i += cp > 0xffff ? 2 : 1;
			continue;
		}
		const d = body[i + 1] ?? '';
		if (d === 'x') {
			const m = /^[0-9a-fA-F]+/.exec(body.slice(i + 2));
			chars.push(m ? parseInt(m[0], 16) : 0);
			i += 2 + (m ? m[0].length : 0);
		} else if (/[0-7]/.test(d)) {
			const m = /^[0-7]{1,3}/.exec(body.slice(i + 1))!;
			chars.push(parseInt(m[0], 8));
			i += 1 + m[0].length;
		} else {
			chars.push(SIMPLE_ESCAPES[d] ?? d.charCodeAt(0));
			i += 2;
		}
	}
	if (chars.length === 0) {
		problems.push({ message: 'empty character constant', fatal: false, error: true });
		return { v: 0n, unsigned: false };
	}
	if (wide) return { v: BigInt.asIntN(32, BigInt(chars[chars.length - 1]!)), unsigned: false };
	if (chars.length === 1) return { v: BigInt.asIntN(8, BigInt(chars[0]! & 0xff)), unsigned: false };
	problems.push({ message: 'multi-character character constant', fatal: false });
	let v = 0n;
	for (const c of chars) v = BigInt.asUintN(32, (v << 8n) | BigInt(c & 0xff));
	return { v: BigInt.asIntN(32, v), unsigned: false };
}

const BINARY_PREC: Record<string, number> = {
	'||': 1,
	'&&': 2,
	'|': 3,
	'^': 4,
	'&': 5,
	'==': 6,
	'!=': 6,
	'<': 7,
	'>': 7,
	'<=': 7,
	'>=': 7,
	'<<': 8,
	'>>': 8,
	'+': 9,
	'-': 9,
	'*': 10,
	'/': 10,
	'%': 10,
};

class ParseError extends Error {}

/**
 * Evaluates a `#if` expression. Returns undefined when the expression is malformed or a fatal
 * problem (division by zero in an evaluated operand...) occurred; cpp then takes the group as false.
 */
export function evaluate(tokens: readonly ExprToken[], problems: ExprProblem[]): Value | undefined {
	let pos = 0;
	let skip = 0;
	const fail = (message: string): never => {
		problems.push({ message, fatal: true });
		throw new ParseError(message);
	};
	const describe = (t: ExprToken | undefined): string => (t === undefined ? 'end of line' : `"${t.text}"`);
	const peek = (): ExprToken | undefined => tokens[pos];
	const isOp = (t: ExprToken | undefined, text: string): boolean => t !== undefined && t.kind === 'op' && t.text === text;
	const bool = (b: boolean): Value => ({ v: b ? 1n : 0n, unsigned: false });

	let depth = 0;
	/** Runs `f` one level deeper; fails beyond MAX_IF_EXPR_DEPTH. */
	const deeper = <T>(f: () => T): T => {
		if (depth >= MAX_IF_EXPR_DEPTH) fail(`#if expression nested deeper than ${MAX_IF_EXPR_DEPTH} levels`);
		depth++;
		const v = f();
		depth--;
		return v;
	};

	const primary = (): Value => {
		const t = tokens[pos];
		if (t === undefined) {
			const before = tokens[pos - 1];
			return fail(before === undefined ? '#if with no expression' : `operator '${before.text}' has no right operand`);
		}
		pos++;
		if (t.kind === 'value') return t.value;
		switch (t.text) {
			case '(': {
				if (isOp(peek(), ')')) fail('missing expression between \'(\' and \')\'');
				const v = deeper(comma);
				if (!isOp(peek(), ')')) fail(`missing ')' in expression`);
				pos++;
				return v;
			}
			case '+':
				return deeper(primary);
			case '-': {
				const a = deeper(primary);
				const r = wrap(-a.v, a.unsigned);
				if (!a.unsigned && a.v === -(1n << 63n) && skip === 0) problems.push({ message: 'integer overflow in preprocessor expression', fatal: false });
				return { v: r, unsigned: a.unsigned };
			}
			case '~': {
				const a = deeper(primary);
				return { v: wrap(~a.v, a.unsigned), unsigned: a.unsigned };
			}
			case '!':
				return bool(deeper(primary).v === 0n);
			default:
				if (t.text === ')' || t.text === ':' || BINARY_PREC[t.text] !== undefined || t.text === '?' || t.text === ',')
					return fail(`operator '${t.text}' has no left operand`);
				return fail(`token "${t.text}" is not valid in preprocessor expressions`);
		}
	};

	const conv = (a: Value, b: Value): [bigint, bigint, boolean] => {
		if (a.unsigned || b.unsigned) return [BigInt.asUintN(64, a.v), BigInt.asUintN(64, b.v), true];
		return [a.v, b.v, false];
	};

	const arith = (op: string, a: Value, b: Value): Value => {
		if (op === '<<' || op === '>>') {
			let n = b.v;
			let left = op === '<<';
			if (!b.unsigned && n < 0n) {
				left = !left;
				n = -n;
			}
			if (left) {
				if (n >= 64n) return { v: 0n, unsigned: a.unsigned };
				const exact = a.unsigned ? BigInt.asUintN(64, a.v) << n : a.v << n;
				const r = wrap(exact, a.unsigned);
				if (!a.unsigned && r !== exact && skip === 0) problems.push({ message: 'integer overflow in preprocessor expression', fatal: false });
				return { v: r, unsigned: a.unsigned };
			}
			if (n >= 64n) return { v: a.unsigned || a.v >= 0n ? 0n : -1n, unsigned: a.unsigned };
			return { v: a.unsigned ? BigInt.asUintN(64, a.v) >> n : a.v >> n, unsigned: a.unsigned };
		}
		const [x, y, u] = conv(a, b);
		switch (op) {
			case '==':
				return bool(x === y);
			case '!=':
				return bool(x !== y);
			case '<':
				return bool(x < y);
			case '>':
				return bool(x > y);
			case '<=':
				return bool(x <= y);
			case '>=':
				return bool(x >= y);
			case '&':
				return { v: wrap(x & y, u), unsigned: u };
			case '|':
				return { v: wrap(x | y, u), unsigned: u };
			case '^':
				return { v: wrap(x ^ y, u), unsigned: u };
			case '/':
			case '%': {
				if (y === 0n) {
					/* cpp reports the error and goes on with the left operand as the value. */
					if (skip === 0) problems.push({ message: 'division by zero in #if', fatal: false, error: true });
					return { v: x, unsigned: u };
				}
				const exact = op === '/' ? x / y : x % y;
				return { v: wrap(exact, u), unsigned: u };
			}
			default: {
				const exact = op === '+' ? x + y : op === '-' ? x - y : x * y;
				const r = wrap(exact, u);
				if (!u && r !== exact && skip === 0) problems.push({ message: 'integer overflow in preprocessor expression', fatal: false });
				return { v: r, unsigned: u };
			}
		}
	};

	const binary = (minPrec: number): Value => {
		let left = primary();
		for (;;) {
			const t = peek();
			if (t === undefined || t.kind !== 'op') {
				if (t !== undefined) fail(`missing binary operator before token ${describe(t)}`);
				return left;
			}
			const prec = BINARY_PREC[t.text];
			if (prec === undefined) {
				if (t.text === ')' || t.text === '?' || t.text === ':' || t.text === ',') return left;
				if (t.text === '(') fail(`missing binary operator before token "("`);
				return fail(`token "${t.text}" is not valid in preprocessor expressions`);
			}
			if (prec < minPrec) return left;
			pos++;
			if (t.text === '&&' || t.text === '||') {
				const shortCircuit = t.text === '&&' ? left.v === 0n : left.v !== 0n;
				if (shortCircuit) skip++;
				const right = binary(prec + 1);
				if (shortCircuit) skip--;
				left = bool(t.text === '&&' ? left.v !== 0n && right.v !== 0n : left.v !== 0n || right.v !== 0n);
			} else left = arith(t.text, left, binary(prec + 1));
		}
	};

	const conditional = (): Value => {
		const c = binary(1);
		if (!isOp(peek(), '?')) return c;
		pos++;
		if (c.v === 0n) skip++;
		const a = deeper(comma);
		if (c.v === 0n) skip--;
		if (!isOp(peek(), ':')) fail(`'?' without following ':'`);
		pos++;
		if (c.v !== 0n) skip++;
		const b = deeper(conditional);
		if (c.v !== 0n) skip--;
		const u = a.unsigned || b.unsigned;
		const r = c.v !== 0n ? a : b;
		return { v: u ? BigInt.asUintN(64, r.v) : r.v, unsigned: u };
	};

	const comma = (): Value => {
		let v = conditional();
		while (isOp(peek(), ',')) {
			pos++;
			v = conditional();
		}
		return v;
	};

	try {
		if (tokens.length === 0) fail('#if with no expression');
		const v = comma();
		if (pos < tokens.length) {
			const t = tokens[pos]!;
			if (t.text === ':') fail('\':\' without preceding \'?\'');
			fail(t.text === ')' ? 'missing \'(\' in expression' : `missing binary operator before token ${describe(t)}`);
		}
		if (problems.some((p) => p.fatal)) return undefined;
		return v;
	} catch (e) {
		if (e instanceof ParseError) return undefined;
		throw e;
	}
}
