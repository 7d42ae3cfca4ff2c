/** Fuzzing, short fixed-seed pass: the C fact extraction (tree-sitter-c and the pattern scans) and the C checks, on mutated driver sources and generated C. */
import { describe } from 'vitest';
import { shortPass } from './pass';

describe('fuzz: drivers', () => {
	shortPass('drivers', 400);
});
