// The time histogram (histogram.go): every duration is counted in the
// bucket whose boundaries, as metrics.Read reports them, enclose it; the
// boundaries themselves are checked against real Go 1.23.5's in
// conformance/metrics.test.ts.

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SchedStats, TimeHistogram, sizeClassBuckets, timeHistBuckets, timeHistTotalBuckets } from '../../src/runtime/histogram.ts';
import { class_to_size, numSizeClasses } from '../../src/runtime/sizeclasses.ts';

/** The only bucket a histogram holding one sample of `ns` counts it in. */
function bucketOf(ns: number): number {
  const h = new TimeHistogram();
  h.record(ns);
  const { Counts } = h.write();
  const hit = Counts.flatMap((c, i) => (c === 0 ? [] : [i]));
  expect(hit.length).toBe(1);
  expect(Counts[hit[0]!]).toBe(1);
  return hit[0]!;
}

describe('TimeHistogram', () => {
  it('has 162 counts (160 buckets, underflow, overflow) and 163 boundaries from -Inf to +Inf', () => {
    const { Counts, Buckets } = new TimeHistogram().write();
    expect(Counts.length).toBe(timeHistTotalBuckets);
    expect(Counts.length).toBe(162);
    expect(Buckets.length).toBe(163);
    expect(Buckets[0]).toBe(-Infinity);
    expect(Buckets[162]).toBe(Infinity);
    expect(Buckets[161]).toBe(2 ** 47 / 1e9);
  });

  it('counts each duration in the bucket whose boundaries enclose it', () => {
    const cases = [0, 1, 63, 64, 127, 128, 255, 256, 320, 511, 512, 640, 1000, 65_536, 1e6, 1e9, 2 ** 32 - 1, 2 ** 32, 2 ** 32 + 1, 3e12, 2 ** 46, 2 ** 47 - 1];
    for (const ns of cases) {
      const i = bucketOf(ns);
      expect(timeHistBuckets[i]! <= ns / 1e9 && ns / 1e9 < timeHistBuckets[i + 1]!, `${ns} ns in [${timeHistBuckets[i]}, ${timeHistBuckets[i + 1]})`).toBe(true);
    }
  });

  it('sub-buckets are linear within a power of two: 0–63 ns, 64–127, … in bucket 0; 256–319 ns starts bucket 1', () => {
    expect(bucketOf(0)).toBe(1);
    expect(bucketOf(63)).toBe(1);
    expect(bucketOf(64)).toBe(2);
    expect(bucketOf(255)).toBe(4);
    expect(bucketOf(256)).toBe(5);
    expect(bucketOf(319)).toBe(5);
    expect(bucketOf(320)).toBe(6);
    expect(bucketOf(512)).toBe(9);
  });

  it('puts negative durations in underflow and 2^47 ns or more in overflow', () => {
    expect(bucketOf(-1)).toBe(0);
    expect(bucketOf(2 ** 47)).toBe(161);
    expect(bucketOf(1e16)).toBe(161);
  });

  it('any integer duration below 2^53 lands in its enclosing bucket', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER }), fc.integer({ min: 0, max: 52 }), (x, bits) => {
        const ns = x % 2 ** bits; // spread over every magnitude
        const i = bucketOf(ns);
        return timeHistBuckets[i]! <= ns / 1e9 && ns / 1e9 < timeHistBuckets[i + 1]!;
      }),
    );
  });

  it('accumulates counts', () => {
    const h = new TimeHistogram();
    for (let i = 0; i < 10; i++) h.record(1000);
    h.record(-5);
    const { Counts } = h.write();
    expect(Counts.reduce((a, b) => a + b, 0)).toBe(11);
    expect(Counts[0]).toBe(1);
  });
});

describe('sizeClassBuckets', () => {
  it('starts at 1, then each small size class + 1, then +Inf', () => {
    expect(sizeClassBuckets.length).toBe(numSizeClasses + 1);
    expect(sizeClassBuckets[0]).toBe(1);
    for (let i = 1; i < numSizeClasses; i++) expect(sizeClassBuckets[i]).toBe(class_to_size[i]! + 1);
    expect(sizeClassBuckets[numSizeClasses]).toBe(Infinity);
  });
});

describe('SchedStats.recordSTW', () => {
  it('records GC pauses and other pauses apart, stopping and total each', () => {
    const s = new SchedStats();
    s.recordSTW(true, 100, 50_000);
    s.recordSTW(false, 0, 0);
    s.recordSTW(false, 0, 0);
    const n = (h: TimeHistogram): number => h.write().Counts.reduce((a, b) => a + b, 0);
    expect([n(s.stwStoppingTimeGC), n(s.stwTotalTimeGC), n(s.stwStoppingTimeOther), n(s.stwTotalTimeOther)]).toEqual([1, 1, 2, 2]);
    expect(bucketOfHist(s.stwTotalTimeGC)).toBe(bucketOf(50_000));
  });
});

function bucketOfHist(h: TimeHistogram): number {
  return h.write().Counts.findIndex((c) => c > 0);
}
