// The cache model's two constants (src/sim/cache.ts: its size, and what a
// miss costs) from BenchmarkGCMark: its random graphs mark slower per object
// than its sequential ones by the misses the random order takes. The model
// itself marks the same graphs (the same xorshift targets, the collector's
// LIFO order) and counts its misses for each candidate size; the size is the
// one at which the small (3.2 MB) and the large (12.8 MB) random graphs give
// the same cost per miss, and that cost is the large graph's (the less noisy
// measurement). Pure: no I/O.

import { CacheModel, cacheWays } from '../../../src/sim/cache.ts';

/** Candidate sizes: 0.25 MiB steps from 0.5 to 8 MiB. */
const candidates = Array.from({ length: 31 }, (_, i) => (i + 2) * 262144);

/** Misses per object when the model marks BenchmarkGCMark's graph of n objects of w pointer words (its second cycle). */
export function missesPerObject(n: number, w: number, mode: 'seq' | 'random', cacheBytes: number): number {
  const slots = new Int32Array(n * w);
  let x = 12345;
  for (let i = 0; i < n; i++) {
    slots[i * w] = (i + 1) % n;
    for (let k = 1; k < w; k++) {
      if (mode === 'seq') {
        slots[i * w + k] = (i - k + n) % n;
      } else {
        x = (x ^ (x << 13)) >>> 0;
        x = (x ^ (x >>> 17)) >>> 0;
        x = (x ^ (x << 5)) >>> 0;
        slots[i * w + k] = x % n;
      }
    }
  }
  const c = new CacheModel(cacheBytes, cacheWays);
  const marked = new Uint8Array(n);
  const stack: number[] = [];
  const size = w * 8;
  let misses = 0;
  for (let cycle = 0; cycle < 2; cycle++) {
    marked.fill(0);
    stack.push(0);
    marked[0] = 1;
    misses = 0;
    while (stack.length > 0) {
      const o = stack.pop()!;
      misses += c.touchRange(o * size, size);
      for (let k = 0; k < w; k++) {
        const t = slots[o * w + k]!;
        if (marked[t] === 0) {
          marked[t] = 1;
          stack.push(t);
        }
      }
    }
  }
  return misses / n;
}

/**
 * extra4 and extra16: mark ns per object of the random graphs beyond the
 * sequential ones (n = 100,000; w = 4 and 16). Returns the cache size and
 * the cost of one miss.
 */
export function fitCache(extra4: number, extra16: number): { cacheBytes: number; missNs: number } {
  const n = 100_000;
  let best = { cacheBytes: candidates[0]!, missNs: 0, err: Infinity };
  for (const bytes of candidates) {
    const m4 = missesPerObject(n, 4, 'random', bytes) - missesPerObject(n, 4, 'seq', bytes);
    const m16 = missesPerObject(n, 16, 'random', bytes) - missesPerObject(n, 16, 'seq', bytes);
    if (m4 <= 0 || m16 <= 0) continue;
    const cost16 = extra16 / m16;
    const err = Math.abs(Math.log(extra4 / m4 / cost16));
    if (err < best.err) best = { cacheBytes: bytes, missNs: cost16, err };
  }
  return { cacheBytes: best.cacheBytes, missNs: best.missNs };
}
