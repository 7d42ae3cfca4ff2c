/** Fuzzing, short fixed-seed pass: the emulator: every check and the probe simulation on whatever tree results; no check may crash (plugin-crashed). */
import { describe } from 'vitest';
import { shortPass } from './pass';

describe('fuzz: emulator', () => {
	shortPass('emulator', 60);
});
