/** Fuzzing, short fixed-seed pass: the editor features: symbols, lenses, links, inlay hints, hover/definition/references at random places, the quick fixes of every item. */
import { describe } from 'vitest';
import { shortPass } from './pass';

describe('fuzz: ide', () => {
	shortPass('ide', 40);
});
