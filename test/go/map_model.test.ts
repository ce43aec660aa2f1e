// Deletions, reuse of deleted slots, same-size growth and churn, on the
// real map implementation (src/go/map.ts), against hand-worked cases and
// recorded real-Go figures. (These tests once drove MapModel, a replay of
// the map's allocations; the map itself now makes them.)

import { describe, expect, it } from 'vitest';
import type { GoMap } from '../../src/go/map.ts';
import { mapLayout } from '../../src/go/map_layout.ts';
import { T } from '../../src/go/types.ts';
import { Rand } from '../../src/sim/rand.ts';
import { MallocCounter } from './helpers/accounting.ts';
import { hmapOf, inProcess, mapAllocs, mapGrows } from './helpers/maps.ts';

const mII = T.map(T.int, T.int);

/** Keys (from `from` up) whose hash under m's current hash0 satisfies pred, skipping those in `used`. */
function keysWhere(m: GoMap<number, number>, n: number, pred: (lo: number) => boolean, used: Set<number>, from = 0): number[] {
  const out: number[] = [];
  for (let k = from; out.length < n; k++) {
    if (!used.has(k) && pred(m.hashOf(k).lo)) {
      out.push(k);
      used.add(k);
    }
  }
  return out;
}

describe('map deletions and same-size growth', () => {
  it('a deleted slot is reused before a new overflow bucket', () => {
    inProcess((go, p) => {
      const m = go.makeMap<number, number>(mII);
      for (let i = 0; i < 8; i++) m.set(i, i); // fills the single B=0 bucket, slots 0–7 in order
      m.delete(3);
      expect(m.len).toBe(7);
      expect(mapAllocs(p, () => m.set(100, 100))).toEqual([]); // takes slot 3
      expect(hmapOf(p, m).B).toBe(0);
      const h = hmapOf(p, m);
      const keysOff = mapLayout(mII).bucket.fields!.find((f) => f.name === 'keys')!.offset;
      expect(p.rt.mem.loadInt64(h.buckets + keysOff + 3 * 8)).toBe(100);
      expect([...Array(8).keys()].map((i) => m.get(i === 3 ? 100 : i))).toEqual([0, 1, 2, 100, 4, 5, 6, 7]);
    });
  });

  it('too many overflow buckets trigger a same-size grow (hand-worked)', () => {
    // make(map[int]int, 9): B=1, 2 buckets, no preallocated overflow; the
    // overflow limit is 2^1 = 2 (map.go tooManyOverflowBuckets).
    inProcess((go, p) => {
      const m = go.makeMap<number, number>(mII, 9);
      const used = new Set<number>();
      const even = keysWhere(m, 9, (lo) => (lo & 1) === 0, used);
      for (const k of even) m.set(k, k); // bucket 0: 8 + 1 in an overflow bucket
      for (const k of even.slice(0, 8)) m.delete(k); // count 1: far below the load factor
      const odd = keysWhere(m, 9, (lo) => (lo & 1) === 1, used);
      for (const k of odd) m.set(k, k); // bucket 1: second overflow bucket
      const h = hmapOf(p, m);
      expect([h.count, h.noverflow, h.B]).toEqual([10, 2, 1]);
      // The next insert finds noverflow ≥ 2^B: a new array of the same size.
      // growWork then evacuates old bucket 1 (the key's): its 9 keys need an
      // overflow bucket again, which also starts a new overflow slice (the
      // old one became oldoverflow). Old bucket 0's single key moves next.
      const [k] = keysWhere(m, 1, (lo) => (lo & 1) === 1, used);
      const g = mapGrows(p, () => m.set(k!, k!));
      expect(g.allocs.map((a) => [a.what, a.size])).toEqual([
        ['buckets', 288], ['overflow bucket', 144], ['overflow slice header', 24], ['overflow slice', 8],
      ]);
      const after = hmapOf(p, m);
      expect([after.B, g.grows, g.sameSize, after.noverflow, after.oldbuckets !== 0]).toEqual([1, 1, 1, 1, false]);
      for (const x of [even[8]!, ...odd, k!]) expect(m.get(x)).toBe(x);
      expect(m.len).toBe(11);
    });
  });

  it('a delete helps an unfinished grow, and can allocate doing so', () => {
    // make(map[int]int, 27): B=2. 26 keys, hashes ≡ 0 mod 8 for 18 of them
    // (old bucket 0: 8 + overflow 8 + overflow 2) and spread over buckets 1–3.
    inProcess((go, p) => {
      const m = go.makeMap<number, number>(mII, 26);
      expect(hmapOf(p, m).B).toBe(2);
      const used = new Set<number>();
      const keys = keysWhere(m, 18, (lo) => (lo & 7) === 0, used); // bit 2 clear: all stay in new bucket 0 after the grow
      for (let i = 0; i < 8; i++) keys.push(...keysWhere(m, 1, (lo) => (lo & 7) === 4 * (i & 1) + 1 + (i % 3), used));
      for (const k of keys) m.set(k, k);
      // The 27th key grows to B=3 and evacuates its own old bucket (3) and
      // nevacuate (0): old bucket 0's 18 keys need two new overflow buckets
      // (no preallocated ones below B=4), each with its overflow-slice growth.
      const [k27] = keysWhere(m, 1, (lo) => (lo & 7) === 3, used);
      expect(mapAllocs(p, () => m.set(k27!, k27!)).map((a) => a.what)).toEqual([
        'buckets', 'overflow bucket', 'overflow slice header', 'overflow slice', 'overflow bucket', 'overflow slice',
      ]);
      expect(hmapOf(p, m).B).toBe(3);
      expect(hmapOf(p, m).oldbuckets).not.toBe(0); // old buckets 1 and 2 still to go
      // Deleting a key of old bucket 1 evacuates it, then old bucket 2 (the
      // next unevacuated one): 3 keys each, no overflow needed, no allocation.
      expect(mapAllocs(p, () => m.delete(keys[18]!))).toEqual([]);
      expect(hmapOf(p, m).oldbuckets).toBe(0);
      // Deleting a key that is not there changes nothing (Go's delete is a no-op then).
      const [absent] = keysWhere(m, 1, () => true, used, 1_000_000);
      expect(mapAllocs(p, () => m.delete(absent!))).toEqual([]);
      expect(m.len).toBe(26);
      for (const k of [...keys.slice(0, 18), ...keys.slice(19), k27!]) expect(m.get(k)).toBe(k);
      expect(m.has(keys[18]!)).toBe(false);
    });
  });

  // Measured on Go 1.23.5 linux/amd64: a map[int]int filled with n keys,
  // then `ops` times: delete one key (the oldest, FIFO, or a uniformly random
  // live one, math/rand seed 1) and insert a new one. Mallocs over the churn
  // phase (runtime.MemStats), and hashGrow calls counted as the
  // makeBucketArray<hashGrow allocations in a MemProfileRate=1 profile,
  // minus the log2 grows of the fill phase. Every map has its own hash seed.
  // [n, ops, mode, real trials, allocs mean, sd, same-size grows per map, gomem trials]
  const measured: [number, number, 'fifo' | 'random', number, number, number, number, number][] = [
    [100, 100_000, 'fifo', 100, 3013.6, 105.6, 142.97, 10],
    [100, 100_000, 'random', 100, 2386.6, 86.6, 113.1, 10],
    [1000, 100_000, 'fifo', 20, 316.1, 84.9, 0.6, 10],
    [1000, 100_000, 'random', 20, 257.9, 44.9, 0.35, 10],
    [1000, 1_000_000, 'fifo', 10, 2730.2, 148.3, 10.7, 3],
  ];

  it.each(measured)('churn n=%d ops=%d %s: seeded maps match real Go in distribution', async (n, ops, mode, realTrials, mean, sd, sameSize, trials) => {
    const xs: number[] = [];
    let grows = 0;
    // A process per map, with a turn of the event loop between them.
    for (let t = 0; t < trials; t++) {
      await new Promise((r) => setImmediate(r));
      inProcess((go, p) => {
          const pick = new Rand(t + 1, 0x6d6170);
          const m = go.makeMap<number, number>(mII);
          const live: number[] = [];
          let head = 0;
          let next = 0;
          for (; next < n; next++) {
            m.set(next, next);
            live.push(next);
          }
          const g = mapGrows(p, () => {
            for (let o = 0; o < ops; o++) {
              if (mode === 'fifo') {
                m.delete(live[head++]!);
              } else {
                const i = head + pick.intn(live.length - head);
                m.delete(live[i]!);
                live[i] = live[head++]!;
              }
              m.set(next, next);
              live.push(next++);
              if (head > 4096) {
                live.splice(0, head);
                head = 0;
              }
            }
          });
          expect(m.len).toBe(n);
          xs.push(new MallocCounter().add(g.allocs).mallocs);
          grows += g.sameSize;
          expect(g.grows).toBe(g.sameSize); // a constant count never doubles the table
      }, t + 1);
    }
    const got = xs.reduce((a, b) => a + b, 0) / trials;
    const gotSd = Math.sqrt(xs.reduce((a, b) => a + (b - got) ** 2, 0) / trials);
    // Within 4 standard errors of the difference of the means.
    expect(Math.abs(got - mean)).toBeLessThanOrEqual(4 * Math.sqrt(sd ** 2 / realTrials + gotSd ** 2 / trials));
    // Same-size grows: within 15 % or one grow per map.
    expect(Math.abs(grows / trials - sameSize)).toBeLessThanOrEqual(Math.max(1, 0.15 * sameSize));
  }, 300_000);
});
