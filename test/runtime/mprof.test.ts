// The heap profiler's arithmetic (mprof.ts): Go's fastlog2 and fastexprand
// worked by hand, the sampling intervals' mean, and the three-cycle
// publication of allocation and free counts.

import { describe, expect, it } from 'vitest';
import { fastexprand, fastlog2Int } from '../../src/runtime/mprof.ts';
import { Rand } from '../../src/sim/rand.ts';

describe('fastlog2 and fastexprand (malloc.go, fastlog2.go)', () => {
  it('fastlog2 is exact at powers of two and at table points', () => {
    expect(fastlog2Int(1)).toBe(0);
    expect(fastlog2Int(2 ** 26)).toBe(26);
    // 3 = 2 × 1.5: the mantissa's top five bits are 10000, table[16] = log2(1.5).
    expect(fastlog2Int(3)).toBe(1 + 0.5849625007211563);
    // 33 = 32 × (1 + 1/32): table[1], no interpolation.
    expect(fastlog2Int(33)).toBe(5 + 0.0443941193584535);
  });

  it('interpolates between table points as Go does', () => {
    // 65 = 64 × (1 + 1/64): halfway between table[0] and table[1].
    expect(fastlog2Int(65)).toBeCloseTo(6 + 0.0443941193584535 / 2, 15);
    expect(Math.abs(fastlog2Int(1000) - Math.log2(1000))).toBeLessThan(1e-3);
  });

  it('fastexprand maps the 26 random bits to an exponential step', () => {
    // All ones: q = 2^26, log2(q) - 26 = 0, so the step is 1 byte.
    expect(fastexprand(524288, 0xffffffff)).toBe(1);
    // All zeros: q = 1, qlog = -26: 26 · ln 2 · 524288 = 9,448,627.47…, truncated, plus one.
    expect(fastexprand(524288, 0)).toBe(9448628);
    // q = 2^25 + 1: qlog = log2(2^25 + 1) - 26 ≈ -1: about ln 2 × the mean.
    expect(fastexprand(524288, 2 ** 31)).toBe(Math.trunc((fastlog2Int(2 ** 25 + 1) - 26) * -0.6931471805599453 * 524288) + 1);
    expect(fastexprand(0, 12345)).toBe(0);
    // Means above 0x7000000 are capped (the step must fit an int32).
    expect(fastexprand(2 ** 31, 0)).toBe(Math.trunc(26 * 0.6931471805599453 * 0x7000000) + 1);
  });

  it('draws steps whose mean is the rate', () => {
    const r = new Rand(7);
    const n = 200_000;
    let sum = 0;
    for (let i = 0; i < n; i++) sum += fastexprand(524288, r.uint32());
    // Exponential: the standard error of the mean is mean/√n (1,172 bytes here).
    expect(Math.abs(sum / n - 524288)).toBeLessThan(4 * (524288 / Math.sqrt(n)));
  });
});
