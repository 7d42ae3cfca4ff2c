/** Fuzzing, short fixed-seed pass: the tree-sitter (devicetree and C grammars): an incremental parse after a random splice equals a fresh parse (and undoing it gives the original tree back). */
import { describe } from 'vitest';
import { shortPass } from './pass';

describe('fuzz: syntax', () => {
	shortPass('syntax', 300);
});
