// gctrace's number formats, with the values Go's own formatting gives
// (mgc.go fmtNSAsMS and itoaDiv; examples from real gctrace lines).

import { describe, expect, it } from 'vitest';
import { fmtNSAsMS, itoaDiv } from '../../src/runtime/mgctrace.ts';

describe('gctrace number formats', () => {
  it('fmtNSAsMS: two significant digits below 10 ms, whole ms above', () => {
    const cases: [number, string][] = [
      [900, '0'],
      [5_000, '0.005'],
      [64_000, '0.064'],
      [80_000, '0.080'],
      [85_000, '0.085'],
      [150_000, '0.15'],
      [940_000, '0.94'],
      [1_490_000, '1.4'],
      [8_200_000, '8.2'],
      [9_990_000, '9.9'],
      [10_000_000, '10'],
      [123_456_789, '123'],
    ];
    for (const [ns, want] of cases) expect(fmtNSAsMS(ns)).toBe(want);
  });

  it('itoaDiv: the @seconds field', () => {
    expect(itoaDiv(74, 3)).toBe('0.074');
    expect(itoaDiv(0, 3)).toBe('0.000');
    expect(itoaDiv(647, 3)).toBe('0.647');
    expect(itoaDiv(12345, 3)).toBe('12.345');
    expect(itoaDiv(7, 0)).toBe('7');
  });
});
