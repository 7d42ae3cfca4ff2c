/**
 * Prints a resolved tree exactly as `dtc -I dts -O dts` (dtc 1.6.1) does: labels, numbers as
 * `0x%02x`, strings with dtc's escapes, byte strings, `/bits/`, value labels and the layout.
 */

import type { DtNode, DtProperty, DtTree } from './types.js';
import { encodeValue, M, type Marker } from './values.js';

const hex = (n: number | bigint, width: number): string => {
	const s = n.toString(16);
	return s.length >= width ? s : '0'.repeat(width - s.length) + s;
};

const tabs: string[] = [''];
function prefix(level: number): string {
	while (tabs.length <= level) tabs.push(`${tabs[tabs.length - 1]!}\t`);
	return tabs[level]!;
}

function isStringByte(c: number): boolean {
	return (c >= 32 && c < 127) || c === 0 || (c >= 7 && c <= 13);
}

function writeString(out: string[], b: Uint8Array, from: number, len: number): void {
	if (len === 0) return;
	const end = from + len - 1;
	let s = '"';
	for (let i = from; i < end; i++) {
		const c = b[i]!;
		switch (c) {
			case 7:
				s += '\\a';
				break;
			case 8:
				s += '\\b';
				break;
			case 9:
				s += '\\t';
				break;
			case 10:
				s += '\\n';
				break;
			case 11:
				s += '\\v';
				break;
			case 12:
				s += '\\f';
				break;
			case 13:
				s += '\\r';
				break;
			case 92:
				s += '\\\\';
				break;
			case 34:
				s += '\\"';
				break;
			case 0:
				s += '\\0';
				break;
			default:
				if (c >= 32 && c < 127) s += String.fromCharCode(c);
				// dtc passes a signed char to PRIx8, so bytes >= 0x80 print sign-extended.
				else s += c >= 128 ? `\\x${hex((c | 0xffffff00) >>> 0, 2)}` : `\\x${hex(c, 2)}`;
		}
	}
	out.push(s, '"');
}

function writeInts(out: string[], b: Uint8Array, from: number, len: number, width: number): void {
	const end = from + len;
	for (let p = from; p < end; p += width) {
		switch (width) {
			case 1:
				out.push(hex(b[p]!, 2));
				break;
			case 2:
				out.push(`0x${hex((b[p]! << 8) | b[p + 1]!, 2)}`);
				break;
			case 4:
				out.push(`0x${hex(((b[p]! << 24) | (b[p + 1]! << 16) | (b[p + 2]! << 8) | b[p + 3]!) >>> 0, 2)}`);
				break;
			default: {
				let v = 0n;
				for (let k = 0; k < 8; k++) v = (v << 8n) | BigInt(b[p + k]!);
				out.push(`0x${hex(v, 2)}`);
			}
		}
		if (p + width < end) out.push(' ');
	}
}

const isType = (t: number): boolean => t >= M.TYPE_UINT8 && t <= M.TYPE_STRING;
const delimStart: Record<number, string> = { [M.TYPE_UINT8]: '[', [M.TYPE_UINT16]: '/bits/ 16 <', [M.TYPE_UINT32]: '<', [M.TYPE_UINT64]: '/bits/ 64 <', [M.TYPE_STRING]: '' };
const delimEnd: Record<number, string> = { [M.TYPE_UINT8]: ']', [M.TYPE_UINT16]: '>', [M.TYPE_UINT32]: '>', [M.TYPE_UINT64]: '>', [M.TYPE_STRING]: '' };

/** dtc 1.6.1's guess for values without type information (properties dtc generates). */
function guessType(b: Uint8Array, markers: Marker[]): number {
	const len = b.length;
	let nnotstring = 0;
	let nnul = 0;
	for (let i = 0; i < len; i++) {
		if (!isStringByte(b[i]!)) nnotstring++;
		if (b[i] === 0) nnul++;
	}
	let nnotstringlbl = 0;
	let nnotcelllbl = 0;
	for (const m of markers) {
		if (m.type !== M.LABEL) continue;
		if (m.offset > 0 && b[m.offset - 1] !== 0) nnotstringlbl++;
		if (m.offset % 4 !== 0) nnotcelllbl++;
	}
	if (b[len - 1] === 0 && nnotstring === 0 && nnul < len - nnul && nnotstringlbl === 0) return M.TYPE_STRING;
	if (len % 4 === 0 && nnotcelllbl === 0) return M.TYPE_UINT32;
	return M.TYPE_UINT8;
}

/** The text after a property's name: ` = ...;` or `;`, as dtc writes it. */
export function formatValue(p: DtProperty): string {
	if (p.value.length === 0) return ';';
	const { bytes, markers: ms } = encodeValue(p.value);
	const len = bytes.length;
	if (len === 0) return ';';
	let markers = ms;
	const out: string[] = [' ='];
	if (!markers.some((m) => isType(m.type))) markers = [{ type: guessType(bytes, markers), offset: 0 }, ...markers];
	let emit = 0;
	for (let i = 0; i < markers.length; i++) {
		const m = markers[i]!;
		const next = markers[i + 1];
		const chunkLen = (next ? next.offset : len) - m.offset;
		let dataLen = 0;
		for (let j = i + 1; j < markers.length; j++) {
			if (isType(markers[j]!.type)) {
				dataLen = markers[j]!.offset - m.offset;
				break;
			}
		}
		if (dataLen === 0) dataLen = len - m.offset;
		if (isType(m.type)) {
			emit = m.type;
			out.push(' ', delimStart[emit]!);
		} else if (m.type === M.LABEL) out.push(' ', m.ref!, ':');
		else if (m.offset !== 0) out.push(' ');
		if (emit === 0) continue;
		switch (emit) {
			case M.TYPE_UINT16:
				writeInts(out, bytes, m.offset, chunkLen, 2);
				break;
			case M.TYPE_UINT32:
				writeInts(out, bytes, m.offset, chunkLen, 4);
				break;
			case M.TYPE_UINT64:
				writeInts(out, bytes, m.offset, chunkLen, 8);
				break;
			case M.TYPE_STRING:
				writeString(out, bytes, m.offset, chunkLen);
				break;
			default:
				writeInts(out, bytes, m.offset, chunkLen, 1);
		}
		if (chunkLen === dataLen) {
			const pos = m.offset + chunkLen;
			out.push(delimEnd[emit]!);
			if (pos !== len) out.push(',');
			emit = 0;
		}
	}
	out.push(';');
	return out.join('');
}

function writeNode(out: string[], n: DtNode, level: number): void {
	const pre = prefix(level);
	let line = pre;
	for (const l of n.labels) line += `${l.name}: `;
	line += n.name !== '' ? `${n.name} {\n` : '/ {\n';
	out.push(line);
	const inner = prefix(level + 1);
	for (const p of n.properties) {
		let s = inner;
		for (const l of p.labels) s += `${l.name}: `;
		out.push(`${s}${p.name}${formatValue(p)}\n`);
	}
	for (const c of n.children) {
		out.push('\n');
		writeNode(out, c, level + 1);
	}
	out.push(`${pre}};\n`);
}

/** Prints the tree as `dtc -I dts -O dts` (1.6.1) does. Build the tree with `symbols` for `-@`. */
export function printDts(tree: DtTree): string {
	// dtc 1.6.1 does not print `/plugin/;` back.
	const out: string[] = ['/dts-v1/;\n\n'];
	for (const r of tree.memreserves) {
		let s = '';
		for (const l of r.labels) s += `${l.name}: `;
		out.push(`${s}/memreserve/\t0x${hex(r.address, 16)} 0x${hex(r.size, 16)};\n`);
	}
	writeNode(out, tree.root, 0);
	return out.join('');
}
