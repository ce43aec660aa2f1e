import { describe, expect, it } from 'vitest';
import { MapModel } from '../../src/go/map_model.ts';
import { T } from '../../src/go/types.ts';
import { MallocCounter } from './helpers/accounting.ts';

const mII = T.map(T.int, T.int);

describe('map deletions and same-size growth', () => {
  it('a deleted slot is reused before a new overflow bucket', () => {
    const m = new MapModel(mII);
    for (let i = 0; i < 8; i++) m.insertHash(i); // fills the single B=0 bucket
    m.deleteHash(3);
    expect(m.count).toBe(7);
    expect(m.insertHash(100)).toEqual([]); // takes slot 3
    expect(m.B).toBe(0);
  });

  it('too many overflow buckets trigger a same-size grow (hand-worked)', () => {
    // make(map[int]int, 9): B=1, 2 buckets, no preallocated overflow; the
    // overflow limit is 2^1 = 2 (map.go tooManyOverflowBuckets).
    const m = new MapModel(mII, { hint: 9 });
    for (let i = 0; i < 9; i++) m.insertHash(2 * i); // bucket 0: 8 + 1 in an overflow bucket
    for (let i = 0; i < 8; i++) m.deleteHash(2 * i); // count 1: far below the load factor
    for (let i = 0; i < 9; i++) m.insertHash(2 * i + 1); // bucket 1: second overflow bucket
    expect([m.count, m.noverflow, m.B]).toEqual([10, 2, 1]);
    // The next insert finds noverflow ≥ 2^B: a new array of the same size.
    // growWork then evacuates old bucket 1 (the key's): its 9 keys need an
    // overflow bucket again, which also starts a new overflow slice (the
    // old one became oldoverflow). Old bucket 0's single key moves next.
    const allocs = m.insertHash(1001);
    expect(allocs.map((a) => [a.what, a.size])).toEqual([
      ['buckets', 288], ['overflow bucket', 144], ['overflow slice header', 24], ['overflow slice', 8],
    ]);
    expect([m.B, m.grows, m.sameSizeGrows, m.noverflow, m.growing()]).toEqual([1, 1, 1, 1, false]);
  });

  it('a delete helps an unfinished grow, and can allocate doing so', () => {
    // make(map[int]int, 27): B=2. 26 keys, hashes ≡ 0 mod 4 for 18 of them
    // (old bucket 0: 8 + overflow 8 + overflow 2) and spread over buckets 1–3.
    const m = new MapModel(mII, { hint: 26 });
    expect(m.B).toBe(2);
    const keys: number[] = [];
    for (let i = 0; i < 18; i++) keys.push(8 * i); // bit 2 clear: all stay in new bucket 0 after the grow
    for (let i = 0; i < 8; i++) keys.push(4 * i + 1 + (i % 3));
    for (const k of keys) m.insertHash(k);
    // Key 27 grows to B=3 and evacuates its own old bucket (3) and nevacuate
    // (0): old bucket 0's 18 keys need two new overflow buckets (no
    // preallocated ones below B=4), each with its overflow-slice growth.
    expect(m.insertHash(3).map((a) => a.what)).toEqual([
      'buckets', 'overflow bucket', 'overflow slice header', 'overflow slice', 'overflow bucket', 'overflow slice',
    ]);
    expect(m.B).toBe(3);
    expect(m.growing()).toBe(true); // old buckets 1 and 2 still to go
    // Deleting a key of old bucket 1 evacuates it, then old bucket 2 (the
    // next unevacuated one): 3 keys each, no overflow needed, no allocation.
    expect(m.deleteHash(keys[18]!)).toEqual([]);
    expect(m.growing()).toBe(false);
    expect(() => m.deleteHash(12345)).toThrow(/not found/);
  });

  // Measured on Go 1.23.5 linux/amd64: a map[int]int filled with n keys,
  // then `ops` times: delete one key (the oldest, FIFO, or a uniformly random
  // live one, math/rand seed 1) and insert a new one. Mallocs over the churn
  // phase (runtime.MemStats), and hashGrow calls counted as the
  // makeBucketArray<hashGrow allocations in a MemProfileRate=1 profile,
  // minus the log2 grows of the fill phase. Every map has its own hash seed.
  // [n, ops, mode, real trials, allocs mean, sd, same-size grows per map, model trials]
  const measured: [number, number, 'fifo' | 'random', number, number, number, number, number][] = [
    [100, 100_000, 'fifo', 100, 3013.6, 105.6, 142.97, 20],
    [100, 100_000, 'random', 100, 2386.6, 86.6, 113.1, 20],
    [1000, 100_000, 'fifo', 20, 316.1, 84.9, 0.6, 20],
    [1000, 100_000, 'random', 20, 257.9, 44.9, 0.35, 20],
    [1000, 1_000_000, 'fifo', 10, 2730.2, 148.3, 10.7, 4],
  ];

  it.each(measured)('churn n=%d ops=%d %s: seeded model matches real Go in distribution', (n, ops, mode, realTrials, mean, sd, sameSize, trials) => {
    const xs: number[] = [];
    let grows = 0;
    for (let seed = 1; seed <= trials; seed++) {
      const m = new MapModel(mII, { seed });
      for (let i = 0; i < n; i++) m.insert();
      const c = new MallocCounter();
      for (let o = 0; o < ops; o++) {
        c.add(mode === 'fifo' ? m.deleteOldest() : m.deleteRandom());
        c.add(m.insert());
      }
      expect(m.count).toBe(n);
      xs.push(c.mallocs);
      grows += m.sameSizeGrows;
    }
    const got = xs.reduce((a, b) => a + b, 0) / trials;
    const gotSd = Math.sqrt(xs.reduce((a, b) => a + (b - got) ** 2, 0) / trials);
    // Within 4 standard errors of the difference of the means.
    expect(Math.abs(got - mean)).toBeLessThanOrEqual(4 * Math.sqrt(sd ** 2 / realTrials + gotSd ** 2 / trials));
    // Same-size grows: within 15 % or one grow per map.
    expect(Math.abs(grows / trials - sameSize)).toBeLessThanOrEqual(Math.max(1, 0.15 * sameSize));
  });
});
