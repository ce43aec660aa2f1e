// What a cache's turnover costs the mark, for the fast mode. A long-lived
// set built in allocation order is marked at cache speed: the collector
// walks its table and the objects come in address order, which the
// hardware prefetches (src/sim/cache.ts models that). An entry the service
// replaces later is a new object wherever the allocator found a free slot,
// so the walk jumps to it: a trip past the cache for every replaced
// object. Measured on the exact model with a 150 MiB set at 20 MB/s of
// garbage: mark CPU per byte of scan work stays at 0.84 ns with no
// turnover and climbs to 1.43, 2.68 and 3.80 ns after 6%, 20% and 35% of
// the set was replaced (2 MiB/s): about 230 ns per replaced object, one
// line miss (mem.lineMiss, 222 ns). A short calibration run cannot see
// this build up, so the fast model adds it from the cost model and the
// workload's object mix: the misses of the replaced objects still live.

import { CostModel } from '../sim/cost.ts';
import type { Workload } from './workload.ts';
import { slotBytes } from './workload_program.ts';
import type { Timeline } from './workload_timeline.ts';

/** The bytes of a cache sector the model fetches at once (cache.ts cacheSectorBytes). */
const sectorBytes = 128;

export class Scatter {
  /** Objects of the long-lived set per byte of it, and the mark's extra ns for one replaced object, by the mix. */
  private readonly objectsPerByte: number;
  private readonly missNs: number;
  /** Bytes replaced so far, integrated over the phases up to `t`. */
  private replaced = 0;
  private t: number;

  constructor(
    w: Workload,
    private readonly line: Timeline,
  ) {
    const c = new CostModel();
    let count = 0;
    let cost = 0;
    const total = w.objects.reduce((s, k) => s + k.share, 0);
    for (const k of w.objects) {
      const n = k.share / total / slotBytes(k);
      count += n;
      // A pointerful object is read up to its last pointer word (its first half of words): a miss per sector of that.
      // A noscan one is only marked: its span's record, away from the last one's.
      const scanned = Math.ceil(k.size / 8 / 2) * 8;
      cost += n * (k.pointers ? Math.ceil(scanned / sectorBytes) * c.lineMiss() : c.markSpanMiss());
    }
    this.objectsPerByte = count;
    this.missNs = count > 0 ? cost / count : 0;
    this.t = line.t0;
  }

  /** Advances to `t` (never back), adding the phases' turnover. */
  advance(t: number): void {
    if (t <= this.t) return;
    this.replaced += this.line.integral(this.t, t, (p) => p.turnover);
    this.t = t;
  }

  /**
   * The mark's extra CPU (ns) at `t` for the replaced objects still live: a
   * replacement lands on a random entry, so the share of entries replaced
   * at least once is 1 − e^(−replaced/live).
   */
  extraMarkNs(t: number): number {
    this.advance(t);
    const live = this.line.liveAt(t);
    if (live <= 0 || this.replaced <= 0) return 0;
    const share = 1 - Math.exp(-this.replaced / live);
    return live * share * this.objectsPerByte * this.missNs;
  }
}
