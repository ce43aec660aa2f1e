// Sweeping (mgcsweep.go): after mark termination every in-use heap span is
// swept once before the next cycle starts — its mark bits become its
// allocation bits, dead objects' slots become free, and a span with no
// survivor goes back to the heap. Who sweeps:
//   - the background sweeper goroutine (bgsweep), on otherwise idle time;
//   - allocation, in proportion to the heap it allocates (deductSweepCredit,
//     paced by gcPaceSweeper so sweeping ends before the next trigger);
//   - mcentral.cacheSpan, which sweeps spans of its own class to find room;
//   - mheap.reclaim, before a large allocation, sweeping spans with no
//     marked object to free pages;
//   - an mcache giving back a span it took before this sweep began;
//   - gcStart's sweep termination, which finishes whatever is left.
//
// Order (nextSpanForSweep): span classes 0…135, for each its full unswept
// spans, then its partial ones. A span is claimed by moving its sweepgen
// from sg−2 to sg−1 and is done at sg (mheap.ts documents the values).
//
// Each swept span costs virtual time by its outcome (freed, partly freed,
// unchanged), at per-span costs calibrated against real Go.

import type { MCentral } from './mcentral.ts';
import { type MSpan, mSpanInUse, numSpanClasses } from './mspan.ts';
import type { Runtime } from './runtime.ts';
import { pageSize } from './sizeclasses_const.ts';
import { progSpans } from './mbitmap.ts';
import { spanAllocPtrScalarBits } from './mspan.ts';

/** How a span's sweep went, for its cost. */
export type SweepOutcome = 'unchanged' | 'partial' | 'freed' | 'largeFreed';

/** Hooks the sweeper calls out through. */
export interface SweepHooks {
  /** Virtual time for sweeping one span. */
  cost(outcome: SweepOutcome): number;
  /** A finalizer special on an unmarked object: keep the object this cycle and queue its finalizer; true if it had one. */
  sweepSpecials(s: MSpan): void;
  /** Sweeping has just finished (the last unswept span is done): scavtrace, the scavenger's wake-up. */
  onDrained(): void;
}

export class Sweeper {
  /** The span class whose unswept sets the next sweepone looks at (sweep.centralIndex). */
  private centralIndex = 0;
  /** Sweeping finished for this cycle (sweep.active's drained state). */
  drained = true;
  /** Virtual nanoseconds of sweeping done since the last take(). */
  private ns = 0;
  /** Spans swept this cycle, and pages freed. */
  spansSwept = 0;

  constructor(
    private readonly rt: Runtime,
    private readonly hooks: SweepHooks,
  ) {}

  // ── the cycle ────────────────────────────────────────────────────────

  /** gcSweep: a new sweep starts (world stopped): sweepgen += 2, every in-use span becomes unswept. */
  begin(): void {
    const h = this.rt.mheap;
    h.sweepgen += 2;
    h.pagesSwept = 0;
    h.reclaimIndex = 0;
    h.reclaimCredit = 0;
    h.sweepArenas = h.allArenas.slice();
    this.centralIndex = 0;
    this.spansSwept = 0;
    this.drained = false;
  }

  isDone(): boolean {
    return this.drained;
  }

  /** Nanoseconds of sweeping done since the last call. */
  take(): number {
    const n = this.ns;
    this.ns = 0;
    return n;
  }

  // ── sweeping spans ───────────────────────────────────────────────────

  /** nextSpanForSweep: the next unswept span in class order, claimed; null when none is left. */
  private next(): MSpan | null {
    const h = this.rt.mheap;
    const sg = h.sweepgen;
    for (; this.centralIndex < numSpanClasses * 2; this.centralIndex++) {
      const c: MCentral = h.central[this.centralIndex >>> 1]!;
      const set = (this.centralIndex & 1) === 0 ? c.fullUnswept(sg) : c.partialUnswept(sg);
      for (;;) {
        const s = set.pop();
        if (s === null) break;
        if (s.sweepgen === sg - 2) {
          s.sweepgen = sg - 1;
          return s;
        }
      }
    }
    return null;
  }

  /** sweepone: sweeps one span; returns its page count, or −1 when nothing is left. */
  sweepone(): number {
    const s = this.next();
    if (s === null) {
      this.finish();
      return -1;
    }
    const npages = s.npages;
    if (this.sweep(s, false)) this.rt.mheap.reclaimCredit += npages;
    return npages;
  }

  private finish(): void {
    if (this.drained) return;
    this.drained = true;
    this.hooks.onDrained();
  }

  /** Claims span s (sg−2 → sg−1) and sweeps it, keeping it out of the mcentral sets; false if it was not unswept. */
  tryAcquireAndSweep(s: MSpan): boolean {
    const sg = this.rt.mheap.sweepgen;
    if (s.sweepgen !== sg - 2) return false;
    s.sweepgen = sg - 1;
    this.sweep(s, true);
    return true;
  }

  /** A span an mcache took before this sweep began (sweepgen already set to sg−1 by uncacheSpan). */
  sweepStale(s: MSpan): void {
    this.sweep(s, false);
  }

  /**
   * mspan.sweep: frees the span's unmarked objects. With `preserve` the span
   * stays out of the mcentral sets (the caller uses it). Returns true if the
   * span went back to the heap.
   */
  sweep(s: MSpan, preserve: boolean): boolean {
    const rt = this.rt;
    const h = rt.mheap;
    const sg = h.sweepgen;
    if (s.state !== mSpanInUse || s.sweepgen !== sg - 1) {
      throw new Error(`mspan.sweep: bad span state ${s.state} sweepgen ${s.sweepgen} (heap sweepgen ${sg})`);
    }
    h.pagesSwept += s.npages;
    this.spansSwept++;
    this.hooks.sweepSpecials(s);
    const nalloc = s.countMarked();
    const nfreed = s.allocCount - nalloc;
    if (nalloc > s.allocCount) {
      // A mark bit on a slot that was free: something pointed to a free object (Go: "found pointer to free object").
      throw new Error(`runtime: nelems=${s.nelems} nalloc=${nalloc} previous allocCount=${s.allocCount} nfreed=${nfreed}\nfatal error: sweep increased allocation count`);
    }
    s.allocCount = nalloc;
    s.freeindex = 0;
    s.freeIndexForScan = 0;
    // The mark bits become the allocation bits; fresh zeroed mark bits for the next cycle.
    s.allocBits = s.gcmarkBits;
    s.allocBitsOff = s.gcmarkBitsOff;
    const mark = h.gcBits.newMarkBits(s.nelems);
    s.gcmarkBits = mark.words;
    s.gcmarkBitsOff = mark.off;
    s.refillAllocCache(0);
    s.sweepgen = sg;
    const hs = rt.memstats.heapStats;
    const gc = rt.gcController;
    const sizeclass = s.sizeclass();
    let outcome: SweepOutcome = nfreed === 0 ? 'unchanged' : 'partial';
    let freed = false;
    if (sizeclass !== 0) {
      if (nfreed > 0) {
        s.needzero = 1;
        hs.smallFreeCount[sizeclass]! += nfreed;
        gc.totalFree += nfreed * s.elemsize;
      }
      if (!preserve) {
        if (nalloc === 0) {
          h.freeSpan(s);
          outcome = 'freed';
          freed = true;
        } else if (nalloc === s.nelems) {
          h.central[s.spanclass]!.fullSwept(sg).push(s);
        } else {
          h.central[s.spanclass]!.partialSwept(sg).push(s);
        }
      }
    } else if (!preserve && nfreed > 0) {
      hs.largeFree += s.elemsize;
      hs.largeFreeCount++;
      gc.totalFree += s.elemsize;
      const prog = progSpans.get(s);
      if (prog !== undefined) {
        progSpans.delete(s);
        h.freeManual(prog, spanAllocPtrScalarBits);
      }
      h.freeSpan(s);
      outcome = 'largeFreed';
      freed = true;
    } else if (!preserve) {
      h.central[s.spanclass]!.fullSwept(sg).push(s);
    }
    this.ns += this.hooks.cost(outcome);
    return freed;
  }

  // ── who pays for sweeping ────────────────────────────────────────────

  /**
   * deductSweepCredit: before allocating spanBytes, sweep enough pages to
   * stay on the pace gcPaceSweeper set (pages per byte of heap growth).
   */
  deductSweepCredit(spanBytes: number, callerSweepPages: number): void {
    const h = this.rt.mheap;
    if (h.sweepPagesPerByte === 0) return;
    const live = this.rt.gcController.heapLive;
    for (;;) {
      const liveBytes = live - h.sweepHeapLiveBasis;
      let pagesTarget = Math.trunc(h.sweepPagesPerByte * (spanBytes + liveBytes)) - callerSweepPages;
      if (pagesTarget < 0) pagesTarget = 0;
      if (h.pagesSwept - h.pagesSweptBasis >= pagesTarget) return;
      if (this.sweepone() === -1) {
        h.sweepPagesPerByte = 0;
        return;
      }
    }
  }

  /** gcPaceSweeper(trigger): the proportional sweep's pace for the heap growth left before the trigger. */
  pace(trigger: number): void {
    const h = this.rt.mheap;
    if (this.drained) {
      h.sweepPagesPerByte = 0;
      return;
    }
    const live = this.rt.gcController.heapLive;
    let heapDistance = trigger - live - (1 << 20);
    if (heapDistance < pageSize) heapDistance = pageSize;
    const pagesSwept = h.pagesSwept;
    const pagesInUse = h.pagesInUse;
    const sweepDistancePages = pagesInUse - pagesSwept;
    if (sweepDistancePages <= 0) {
      h.sweepPagesPerByte = 0;
    } else {
      h.sweepPagesPerByte = sweepDistancePages / heapDistance;
      h.sweepHeapLiveBasis = live;
      h.pagesSweptBasis = pagesSwept;
    }
  }

  /**
   * mheap.reclaim(npage): before allocating npage pages, sweep spans in which
   * nothing was marked (they will be freed) until that many pages are free.
   */
  reclaim(npage: number): void {
    const h = this.rt.mheap;
    if (this.drained) return;
    // Credit from earlier sweeping first.
    if (h.reclaimCredit >= npage) {
      h.reclaimCredit -= npage;
      return;
    }
    npage -= h.reclaimCredit;
    h.reclaimCredit = 0;
    const sg = h.sweepgen;
    const arenas = h.sweepArenas;
    while (npage > 0 && h.reclaimIndex < arenas.length * 1024) {
      const ai = arenas[Math.floor(h.reclaimIndex / 1024)]!;
      const ha = h.arenas.get(ai)!;
      const byte = h.reclaimIndex % 1024;
      h.reclaimIndex++;
      const cand = ha.pageInUse[byte]! & ~ha.pageMarks[byte]!;
      if (cand === 0) continue;
      for (let bit = 0; bit < 8 && npage > 0; bit++) {
        if (((cand >>> bit) & 1) === 0) continue;
        const id = ha.spans[byte * 8 + bit]!;
        const s = h.spanById(id);
        if (s === null || s.state !== mSpanInUse || s.sweepgen !== sg - 2) continue;
        // Claimed here, it stays in its mcentral's unswept set; sweepone skips it there.
        s.sweepgen = sg - 1;
        const n = s.npages;
        if (this.sweep(s, false)) npage -= n;
      }
    }
    if (npage < 0) h.reclaimCredit -= npage;
  }
}
