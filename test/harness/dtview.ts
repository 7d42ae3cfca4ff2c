/**
 * A small builder of emulator `DtView`s from plain objects, for emulator unit tests that do not go
 * through the devicetree front-end. (Fixture tests of whole boards use real .dts text instead.)
 *
 * Shape: an object is a node; its keys are property names or child node names (`label: name@unit`
 * gives a label). Values:
 * - an object: a child node;
 * - `true`: an empty property;
 * - a string: a string property;
 * - an array of strings none of which starts with `&`: a string list;
 * - an array of numbers, bigints and `&label` strings: 32-bit cells, `&label` becoming the phandle;
 * - a Uint8Array: bytes.
 * Every node and property gets a distinct synthetic location in file `fixture.dts` (one line each,
 * in definition order), and each cell its own column, so tests can assert where findings point.
 */
import type { DtNodeView, DtPropView, DtView, SourceRef } from '../../emulator/src/types';

export type ViewValue = true | string | readonly (number | bigint | string)[] | Uint8Array | ViewNode;
export interface ViewNode {
	readonly [key: string]: ViewValue;
}

const FILE = 'fixture.dts';
const ref = (line: number, col: number, endCol: number): SourceRef => ({ file: FILE, start: { line, col }, end: { line, col: endCol } });

const isNode = (v: ViewValue): v is ViewNode => typeof v === 'object' && !Array.isArray(v) && !(v instanceof Uint8Array);

export function buildView(rootSpec: ViewNode): DtView {
	let line = 0;
	const byLabel = new Map<string, MutableNode>();
	const byPath = new Map<string, MutableNode>();
	const byPhandle = new Map<number, MutableNode>();
	const pending: Array<() => void> = [];

	interface MutableNode extends DtNodeView {
		children: MutableNode[];
		properties: DtPropView[];
		labels: string[];
		phandle: number | undefined;
	}

	const make = (spec: ViewNode, name: string, labels: string[], parent: MutableNode | undefined): MutableNode => {
		const path = parent === undefined ? '/' : parent.path === '/' ? `/${name}` : `${parent.path}/${name}`;
		const node: MutableNode = {
			path,
			name,
			labels,
			parent,
			children: [],
			properties: [],
			phandle: undefined,
			loc: ref(line++, 0, Math.max(1, name.length)),
			property(n: string) {
				return this.properties.find((p) => p.name === n);
			},
		};
		byPath.set(path, node);
		for (const label of labels) byLabel.set(label, node);
		for (const [key, value] of Object.entries(spec)) {
			if (isNode(value)) {
				const m = /^(?:([A-Za-z_][\w]*):\s*)?(.*)$/.exec(key) as RegExpExecArray;
				node.children.push(make(value, m[2] as string, m[1] ? [m[1]] : [], node));
			} else {
				const propLine = line++;
				pending.push(() => node.properties.push(makeProp(key, value, propLine)));
			}
		}
		return node;
	};

	const makeProp = (name: string, value: Exclude<ViewValue, ViewNode>, propLine: number): DtPropView => {
		const loc = ref(propLine, 0, name.length);
		let bytes: Uint8Array;
		let cellCount = 0;
		if (value === true) bytes = new Uint8Array(0);
		else if (typeof value === 'string') bytes = new TextEncoder().encode(`${value}\0`);
		else if (value instanceof Uint8Array) bytes = value;
		else if (value.every((v) => typeof v === 'string' && !v.startsWith('&'))) {
			bytes = new TextEncoder().encode(value.map((v) => `${v}\0`).join(''));
		} else {
			cellCount = value.length;
			bytes = new Uint8Array(value.length * 4);
			const dv = new DataView(bytes.buffer);
			value.forEach((v, i) => {
				let n: number;
				if (typeof v === 'string') {
					const target = byLabel.get(v.slice(1));
					if (!target) throw new Error(`buildView: unknown label ${v}`);
					n = phandleOf(target);
				} else n = Number(BigInt(v) & 0xffffffffn);
				dv.setUint32(i * 4, n);
			});
		}
		const cellCol = (i: number): number => name.length + 4 + i * 6;
		return {
			name,
			bytes,
			loc,
			cellLoc: (i) => (i >= 0 && i < cellCount ? ref(propLine, cellCol(i), cellCol(i) + 5) : undefined),
			entryLoc: (i, count) =>
				i >= 0 && i + count <= cellCount && count > 0 ? ref(propLine, cellCol(i), cellCol(i + count - 1) + 5) : loc,
		};
	};

	let nextPhandle = 1;
	const phandleOf = (node: MutableNode): number => {
		if (node.phandle === undefined) {
			node.phandle = nextPhandle++;
			byPhandle.set(node.phandle, node);
		}
		return node.phandle;
	};

	const root = make(rootSpec, '', [], undefined);
	for (const run of pending) run();
	return {
		root,
		byPhandle: (p) => byPhandle.get(p),
		byPath: (p) => byPath.get(p),
		byLabel: (l) => byLabel.get(l),
	};
}
