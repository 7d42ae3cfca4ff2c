// KeyedCache: values kept on their keys (one hidden record per key), WeakMap fallback for frozen keys.
import { describe, expect, it } from 'vitest';
import { KeyedCache } from '../../emulator/src/keyed-cache';

describe('KeyedCache', () => {
	it('gives back what was set, per cache and per key', () => {
		const a = new KeyedCache<object, number>('a');
		const b = new KeyedCache<object, string>('b');
		const k1 = {};
		const k2 = {};
		expect(a.get(k1)).toBeUndefined();
		a.set(k1, 1);
		b.set(k1, 'one');
		a.set(k2, 2);
		expect([a.get(k1), b.get(k1), a.get(k2), b.get(k2)]).toEqual([1, 'one', 2, undefined]);
		a.set(k1, 10);
		expect(a.get(k1)).toBe(10);
		expect(b.get(k1)).toBe('one');
	});

	it('leaves no trace a copy, a serialisation or a key listing would see', () => {
		const c = new KeyedCache<{ x: number }, number>('c');
		const key = { x: 1 };
		c.set(key, 5);
		expect(Object.keys(key)).toEqual(['x']);
		expect(JSON.stringify(key)).toBe('{"x":1}');
		const copy = { ...key };
		expect(c.get(copy)).toBeUndefined();
		expect(structuredClone(key)).toEqual({ x: 1 });
	});

	it('caches on frozen keys too (in a WeakMap)', () => {
		const c = new KeyedCache<object, string>('frozen');
		const key = Object.freeze({});
		c.set(key, 'v');
		expect(c.get(key)).toBe('v');
		expect(c.get({})).toBeUndefined();
	});

	it('works on class instances and arrays', () => {
		class Node {
			constructor(readonly name: string) {}
		}
		const c = new KeyedCache<object, number>('instances');
		const n = new Node('a');
		const arr: number[] = [];
		c.set(n, 1);
		c.set(arr, 2);
		expect([c.get(n), c.get(arr), arr.length]).toEqual([1, 2, 0]);
	});
});
