/**
 * Caches keyed by object identity whose values live exactly as long as their keys: a key carries one
 * record (under one symbol shared by every cache, not enumerable, so spreading or serialising a key
 * does not carry it, and a key object gains one property whatever the number of caches), and each
 * cache keeps its value in that record under a symbol of its own.
 *
 * Why not a `WeakMap`: V8's young-generation collector treats the entries of a `WeakMap` that lives in
 * the old generation (any module-level one, after the first collections) as strong. Module-level
 * `WeakMap`s keyed by a board's view, nodes or snapshot kept every analysed board (and all that the
 * cached values reach) alive through each minor collection until the next full one, to be copied and
 * promoted meanwhile: about a tenth of the bytes the collector copied over a run of the corpus. A value
 * stored on its key dies young with it. Keys that cannot take a property (frozen objects) fall back to
 * a `WeakMap`. (dt/props.ts keeps its answers on the view objects the same way, with a slot of its
own: they are read on every node visit of every check, and one direct slot measured about 2%
faster over the corpus than a record shared with the other caches.)
 */
const SLOT = Symbol('iommu-lens keyed caches');

type Record_ = { [id: symbol]: unknown };

export class KeyedCache<K extends object, V> {
	private readonly id: symbol;
	private fallback: WeakMap<K, V> | undefined;

	constructor(name: string) {
		this.id = Symbol(name);
	}

	get(key: K): V | undefined {
		const record = (key as { [SLOT]?: Record_ })[SLOT];
		if (record !== undefined) return record[this.id] as V | undefined;
		return this.fallback?.get(key);
	}

	set(key: K, value: V): void {
		let record = (key as { [SLOT]?: Record_ })[SLOT];
		if (record === undefined) {
			if (!Object.isExtensible(key)) {
				(this.fallback ??= new WeakMap()).set(key, value);
				return;
			}
			record = {};
			Object.defineProperty(key, SLOT, { value: record, enumerable: false });
		}
		record[this.id] = value;
	}
}
