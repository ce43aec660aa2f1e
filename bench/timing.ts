// Host-clock timing for benchmarks only (src/ and tests never read the host clock).

import { performance } from 'node:perf_hooks';

/**
 * Runs `body(n)` with growing n until one run takes at least `minMs`, then
 * returns nanoseconds per operation of the best of `rounds` runs at that n.
 */
export function nsPerOp(body: (n: number) => void, minMs = 200, rounds = 3): number {
  let n = 1000;
  for (;;) {
    const t0 = performance.now();
    body(n);
    const ms = performance.now() - t0;
    if (ms >= minMs || n >= 1 << 30) break;
    n = Math.min(n * Math.max(2, Math.ceil((minMs * 1.2) / Math.max(ms, 1))), 1 << 30);
  }
  let best = Infinity;
  for (let r = 0; r < rounds; r++) {
    const t0 = performance.now();
    body(n);
    best = Math.min(best, ((performance.now() - t0) * 1e6) / n);
  }
  return best;
}

export function printResult(result: Record<string, unknown>): void {
  console.log(JSON.stringify(result));
}
