/**
 * A tiny zip reader (a .vsix is a zip): the central directory's entries and the inflated bytes of
 * one entry. Enough for the .vsix test; no zip64, no encryption (vsce writes neither).
 */
import { inflateRawSync } from 'node:zlib';

export interface ZipEntry {
	name: string;
	method: number;
	compressedSize: number;
	size: number;
	localHeaderOffset: number;
}

const EOCD = 0x06054b50;
const CENTRAL = 0x02014b50;
const LOCAL = 0x04034b50;

export function listZip(zip: Buffer): ZipEntry[] {
	// The end-of-central-directory record is in the last 22 + 65535 (comment) bytes.
	let eocd = -1;
	for (let i = zip.length - 22; i >= Math.max(0, zip.length - 22 - 0xffff); i--) {
		if (zip.readUInt32LE(i) === EOCD) {
			eocd = i;
			break;
		}
	}
	if (eocd < 0) throw new Error('not a zip file: no end of central directory record');
	const count = zip.readUInt16LE(eocd + 10);
	let at = zip.readUInt32LE(eocd + 16);
	const entries: ZipEntry[] = [];
	for (let n = 0; n < count; n++) {
		if (zip.readUInt32LE(at) !== CENTRAL) throw new Error(`bad central directory entry at ${at}`);
		const nameLength = zip.readUInt16LE(at + 28);
		const extraLength = zip.readUInt16LE(at + 30);
		const commentLength = zip.readUInt16LE(at + 32);
		entries.push({
			name: zip.toString('utf8', at + 46, at + 46 + nameLength),
			method: zip.readUInt16LE(at + 10),
			compressedSize: zip.readUInt32LE(at + 20),
			size: zip.readUInt32LE(at + 24),
			localHeaderOffset: zip.readUInt32LE(at + 42),
		});
		at += 46 + nameLength + extraLength + commentLength;
	}
	return entries;
}

export function readZipEntry(zip: Buffer, entry: ZipEntry): Buffer {
	const at = entry.localHeaderOffset;
	if (zip.readUInt32LE(at) !== LOCAL) throw new Error(`bad local header for ${entry.name}`);
	const start = at + 30 + zip.readUInt16LE(at + 26) + zip.readUInt16LE(at + 28);
	const data = zip.subarray(start, start + entry.compressedSize);
	if (entry.method === 0) return Buffer.from(data);
	if (entry.method === 8) return inflateRawSync(data);
	throw new Error(`${entry.name}: unsupported compression method ${entry.method}`);
}
