/** Fuzzing, short fixed-seed pass: the devicetree front-end: the printed tree (with __symbols__) and diagnostics; re-resolving after invalidate() equals the first resolution. */
import { describe } from 'vitest';
import { shortPass } from './pass';

describe('fuzz: dts', () => {
	shortPass('dts', 60);
});
