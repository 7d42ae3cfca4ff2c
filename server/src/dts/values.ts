/**
 * Values: escape decoding as dtc does it (strings, character literals), integer literal
 * evaluation, UTF-8 encoding, and the encoding of a value to dtb bytes plus dtc's markers.
 */

import type { DtValueChunk } from './types.js';

/** BigInts 0..SMALL_MAX, made once: most cells and phandles are small numbers. */
const SMALL_MAX = 4095;
const SMALL: bigint[] = [];
for (let i = 0; i <= SMALL_MAX; i++) SMALL.push(BigInt(i));

/** `BigInt(n)` for a non-negative safe integer, without allocating for small ones. */
export function big(n: number): bigint {
	return n <= SMALL_MAX ? SMALL[n]! : BigInt(n);
}

/** Encodes a JavaScript string to UTF-8 bytes. */
export function utf8(s: string): Uint8Array {
	let ascii = true;
	for (let i = 0; i < s.length; i++) {
		if (s.charCodeAt(i) >= 128) {
			ascii = false;
			break;
		}
	}
	if (ascii) {
		const out = new Uint8Array(s.length);
		for (let i = 0; i < s.length; i++) out[i] = s.charCodeAt(i);
		return out;
	}
	const out: number[] = [];
	for (let i = 0; i < s.length; i++) {
		let c = s.charCodeAt(i);
		if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) {
			const d = s.charCodeAt(i + 1);
			if (d >= 0xdc00 && d <= 0xdfff) {
				c = 0x10000 + ((c - 0xd800) << 10) + (d - 0xdc00);
				i++;
			}
		}
		if (c < 0x80) out.push(c);
		else if (c < 0x800) out.push(0xc0 | (c >> 6), 0x80 | (c & 63));
		else if (c < 0x10000) out.push(0xe0 | (c >> 12), 0x80 | ((c >> 6) & 63), 0x80 | (c & 63));
		else out.push(0xf0 | (c >> 18), 0x80 | ((c >> 12) & 63), 0x80 | ((c >> 6) & 63), 0x80 | (c & 63));
	}
	return Uint8Array.from(out);
}

/** Decodes UTF-8 bytes (invalid sequences become U+FFFD). */
export function fromUtf8(b: Uint8Array): string {
	let s = '';
	for (let i = 0; i < b.length; ) {
		const c = b[i]!;
		if (c < 0x80) {
			s += String.fromCharCode(c);
			i++;
			continue;
		}
		let need = 0;
		let cp = 0;
		if (c >= 0xc2 && c < 0xe0) {
			need = 1;
			cp = c & 31;
		} else if (c >= 0xe0 && c < 0xf0) {
			need = 2;
			cp = c & 15;
		} else if (c >= 0xf0 && c < 0xf5) {
			need = 3;
			cp = c & 7;
		} else {
			s += '\ufffd';
			i++;
			continue;
		}
		let ok = i + need < b.length;
		for (let k = 1; ok && k <= need; k++) {
			const d = b[i + k];
			if (d === undefined || (d & 0xc0) !== 0x80) ok = false;
			else cp = (cp << 6) | (d & 63);
		}
		if (!ok) {
			s += '\ufffd';
			i++;
			continue;
		}
		s += String.fromCodePoint(cp);
		i += need + 1;
	}
	return s;
}

function isOct(c: number | undefined): boolean {
	return c !== undefined && c >= 48 && c <= 55;
}

function hexVal(c: number | undefined): number {
	if (c === undefined) return -1;
	if (c >= 48 && c <= 57) return c - 48;
	if (c >= 97 && c <= 102) return c - 87;
	if (c >= 65 && c <= 70) return c - 55;
	return -1;
}

/**
 * dtc's escape decoding of one escape starting after the backslash at `b[i]`.
 * Returns the byte value (0..255) and the index after the escape.
 */
function escapeChar(b: Uint8Array, i: number): [number, number] {
	const c = b[i];
	switch (c) {
		case 97:
			return [7, i + 1];
		case 98:
			return [8, i + 1];
		case 116:
			return [9, i + 1];
		case 110:
			return [10, i + 1];
		case 118:
			return [11, i + 1];
		case 102:
			return [12, i + 1];
		case 114:
			return [13, i + 1];
		case 120: {
			// Up to two hex digits; dtc dies without one, here the `x` stands for itself.
			let v = 0;
			let j = i + 1;
			while (j < i + 3 && hexVal(b[j]) >= 0) v = v * 16 + hexVal(b[j++]);
			if (j === i + 1) return [120, i + 1];
			return [v & 255, j];
		}
		default:
			if (isOct(c)) {
				let v = 0;
				let j = i;
				while (j < i + 3 && isOct(b[j])) v = v * 8 + (b[j++]! - 48);
				return [v & 255, j];
			}
			return [c ?? 92, i + 1];
	}
}

/** Decodes the body of a string literal (between the quotes) to bytes, without the terminator. */
export function decodeString(raw: string): Uint8Array {
	const src = utf8(raw);
	if (src.indexOf(92) < 0) return src;
	const out = new Uint8Array(src.length);
	let n = 0;
	for (let i = 0; i < src.length; ) {
		const c = src[i]!;
		if (c === 92 && i + 1 < src.length) {
			const [v, j] = escapeChar(src, i + 1);
			out[n++] = v;
			i = j;
		} else {
			out[n++] = c;
			i++;
		}
	}
	return out.slice(0, n);
}

/**
 * Evaluates a character literal's body. Returns the value (a signed char sign-extended to
 * 64 bits, as dtc computes it) and an error message when the literal is malformed.
 */
export function evalCharLiteral(raw: string): { value: bigint; error?: string } {
	const b = utf8(raw);
	if (b.length === 0) return { value: 0n, error: 'Empty character literal' };
	let c = b[0]!;
	let i = 1;
	if (c === 92) [c, i] = escapeChar(b, 1);
	const value = c >= 128 ? BigInt.asUintN(64, BigInt(c - 256)) : BigInt(c);
	if (i < b.length) return { value, error: `Character literal has ${b.length} characters instead of 1` };
	return { value };
}

/** 2^64 - 1. */
export const U64_MAX = 0xffffffffffffffffn;

/**
 * Evaluates an integer literal as dtc does (strtoull with base 0, then an optional U/L suffix).
 */
export function evalLiteral(text: string): { value: bigint; error?: string } {
	let end = text.length;
	while (end > 0) {
		const c = text.charCodeAt(end - 1);
		if (c === 85 || c === 76) end--;
		else break;
	}
	const body = text.slice(0, end);
	let digits: string;
	let radix: number;
	if (body.length > 2 && body[0] === '0' && (body[1] === 'x' || body[1] === 'X')) {
		digits = body.slice(2);
		radix = 16;
	} else if (body.length > 1 && body[0] === '0') {
		digits = body.slice(1);
		radix = 8;
	} else {
		digits = body;
		radix = 10;
	}
	let valid = digits.length;
	if (radix === 8) {
		for (let i = 0; i < digits.length; i++) {
			const c = digits.charCodeAt(i);
			if (c < 48 || c > 55) {
				valid = i;
				break;
			}
		}
	}
	const good = digits.slice(0, valid);
	let value = good === '' ? 0n : BigInt(radix === 16 ? `0x${good}` : radix === 8 ? `0o${good}` : good);
	if (valid < digits.length) return { value, error: `Bad integer literal '${text}'` };
	if (value > U64_MAX) {
		value = U64_MAX;
		return { value, error: `Integer literal '${text}' out of range` };
	}
	return { value };
}

/** dtc's marker kinds (data.c), used by the printer and by the encoder. */
export const M = {
	TYPE_UINT8: 1,
	TYPE_UINT16: 2,
	TYPE_UINT32: 3,
	TYPE_UINT64: 4,
	TYPE_STRING: 5,
	LABEL: 6,
	REF_PHANDLE: 7,
	REF_PATH: 8,
} as const;

/** A marker of dtc's data model: a type, a label or a reference at a byte offset. */
export interface Marker {
	type: number;
	offset: number;
	ref?: string;
}

/** A value as dtc holds it: the dtb bytes and the markers. */
export interface EncodedValue {
	bytes: Uint8Array;
	markers: Marker[];
}

const bitsType: Record<number, number> = { 8: M.TYPE_UINT8, 16: M.TYPE_UINT16, 32: M.TYPE_UINT32, 64: M.TYPE_UINT64 };

/** Encodes a value to its dtb bytes and dtc's markers (the same markers dtc's parser records). */
export function encodeValue(chunks: readonly DtValueChunk[]): EncodedValue {
	let size = 0;
	for (const ch of chunks) {
		switch (ch.kind) {
			case 'cells':
				for (const it of ch.items) if (it.kind !== 'label') size += ch.bits >> 3;
				break;
			case 'bytes':
				for (const it of ch.items) if (it.kind !== 'label') size++;
				break;
			case 'string':
				size += ch.bytes.length + 1;
				break;
			case 'path-ref':
				if (ch.path !== '') size += utf8(ch.path).length + 1;
				break;
			case 'incbin':
				size += ch.bytes.length;
				break;
			case 'label':
				break;
		}
	}
	const bytes = new Uint8Array(size);
	const markers: Marker[] = [];
	let o = 0;
	for (const ch of chunks) {
		switch (ch.kind) {
			case 'cells': {
				markers.push({ type: bitsType[ch.bits]!, offset: o });
				const w = ch.bits >> 3;
				for (const it of ch.items) {
					if (it.kind === 'label') {
						markers.push({ type: M.LABEL, offset: o, ref: it.name });
						continue;
					}
					if (it.kind === 'ref' && ch.bits === 32) markers.push({ type: M.REF_PHANDLE, offset: o, ref: it.ref.text });
					let v = it.value;
					if (w === 4 && v <= 0xffffffffn) {
						const x = Number(v);
						bytes[o] = x >>> 24;
						bytes[o + 1] = (x >>> 16) & 255;
						bytes[o + 2] = (x >>> 8) & 255;
						bytes[o + 3] = x & 255;
					} else {
						for (let k = w - 1; k >= 0; k--) {
							bytes[o + k] = Number(v & 255n);
							v >>= 8n;
						}
					}
					o += w;
				}
				break;
			}
			case 'bytes':
				markers.push({ type: M.TYPE_UINT8, offset: o });
				for (const it of ch.items) {
					if (it.kind === 'label') markers.push({ type: M.LABEL, offset: o, ref: it.name });
					else bytes[o++] = Number(it.value & 255n);
				}
				break;
			case 'string':
				markers.push({ type: M.TYPE_STRING, offset: o });
				bytes.set(ch.bytes, o);
				o += ch.bytes.length + 1;
				break;
			case 'path-ref': {
				markers.push({ type: M.TYPE_STRING, offset: o, ref: ch.ref.text });
				markers.push({ type: M.REF_PATH, offset: o, ref: ch.ref.text });
				if (ch.path !== '') {
					const p = utf8(ch.path);
					bytes.set(p, o);
					o += p.length + 1;
				}
				break;
			}
			case 'incbin':
				bytes.set(ch.bytes, o);
				o += ch.bytes.length;
				break;
			case 'label':
				markers.push({ type: M.LABEL, offset: o, ref: ch.name });
				break;
		}
	}
	return { bytes, markers };
}

/** The dtb bytes of a value (what `dtc -O dtb` stores for the property). */
export function valueBytes(chunks: readonly DtValueChunk[]): Uint8Array {
	return encodeValue(chunks).bytes;
}
