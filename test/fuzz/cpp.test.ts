/** Fuzzing, short fixed-seed pass: the preprocessor: the output text, diagnostics and source map of mutated corpus boards and generated devicetree. */
import { describe } from 'vitest';
import { shortPass } from './pass';

describe('fuzz: cpp', () => {
	shortPass('cpp', 150);
});
