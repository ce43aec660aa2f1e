// mcentral (mcentral.go): the central free lists of one span class. Spans
// with free slots and full spans, each as a swept and an unswept set. The
// sets swap roles every GC because the sweep generation advances by 2:
// partialSwept(sg) = partial[(sg/2) % 2], partialUnswept(sg) = the other.
//
// cacheSpan hands an mcache a span with free space: a swept partial span,
// else (while sweeping) one it sweeps itself, else a fresh span from the
// heap (grow). uncacheSpan takes it back.

import { class_to_allocnpages, class_to_size } from './sizeclasses.ts';
import { pageSize, pageShift } from './sizeclasses_const.ts';
import { type MSpan, type SpanClass, spanClassSizeclass } from './mspan.ts';
import { SpanSet, type SpanSetBlockPool, type SpanSetMemory } from './mspanset.ts';

/** What an mcentral needs from the rest of the runtime. */
export interface MCentralEnv {
  sweepgen(): number;
  /** mheap.alloc(npages, spanclass): a fresh in-use span, or null when out of memory. */
  allocSpan(npages: number, spanclass: SpanClass): MSpan | null;
  /** initHeapBits for a fresh span (mbitmap.go). */
  initHeapBits(s: MSpan): void;
  /** deductSweepCredit (mgcsweep.go); a no-op while sweeping is done. */
  deductSweepCredit(spanBytes: number, callerSweepPages: number): void;
  /**
   * Sweeping support for cacheSpan (mgcsweep.go), null when sweeping is
   * finished. trySweep claims an unswept span and sweeps it, keeping it
   * out of the sets (preserve = true); returns false if another sweeper had it.
   */
  readonly sweeper: { active(): boolean; tryAcquireAndSweep(s: MSpan): boolean } | null;
}

export class MCentral {
  readonly partial: [SpanSet, SpanSet];
  readonly full: [SpanSet, SpanSet];

  constructor(
    readonly spanclass: SpanClass,
    private readonly env: MCentralEnv,
    pool: SpanSetBlockPool,
    mem: SpanSetMemory,
  ) {
    this.partial = [new SpanSet(pool, mem), new SpanSet(pool, mem)];
    this.full = [new SpanSet(pool, mem), new SpanSet(pool, mem)];
  }

  partialUnswept(sg: number): SpanSet {
    return this.partial[1 - ((sg >>> 1) & 1)]!;
  }
  partialSwept(sg: number): SpanSet {
    return this.partial[(sg >>> 1) & 1]!;
  }
  fullUnswept(sg: number): SpanSet {
    return this.full[1 - ((sg >>> 1) & 1)]!;
  }
  fullSwept(sg: number): SpanSet {
    return this.full[(sg >>> 1) & 1]!;
  }

  /** A span with at least one free slot, for an mcache. */
  cacheSpan(): MSpan | null {
    const sizeclass = spanClassSizeclass(this.spanclass);
    const spanBytes = class_to_allocnpages[sizeclass]! * pageSize;
    this.env.deductSweepCredit(spanBytes, 0);
    const sg = this.env.sweepgen();
    let s = this.partialSwept(sg).pop();
    if (s === null) s = this.sweepForSpan(sg);
    if (s === null) s = this.grow();
    if (s === null) return null;
    if (s.nelems - s.allocCount === 0 || s.freeindex === s.nelems || s.allocCount === s.nelems) {
      throw new Error('span has no free objects');
    }
    // Position allocCache at freeindex.
    const freeByteBase = s.freeindex & ~63;
    s.refillAllocCache(freeByteBase >>> 3);
    s.shiftAllocCache(s.freeindex & 63);
    return s;
  }

  /** While sweeping: sweep unswept partial, then full spans, with one shared budget of 100. */
  private sweepForSpan(sg: number): MSpan | null {
    const sweeper = this.env.sweeper;
    if (sweeper === null || !sweeper.active()) return null;
    let budget = 100;
    for (; budget >= 0; budget--) {
      const s = this.partialUnswept(sg).pop();
      if (s === null) break;
      if (sweeper.tryAcquireAndSweep(s)) return s;
    }
    for (; budget >= 0; budget--) {
      const s = this.fullUnswept(sg).pop();
      if (s === null) break;
      if (sweeper.tryAcquireAndSweep(s)) {
        const freeIndex = s.nextFreeIndex();
        if (freeIndex !== s.nelems) {
          s.freeindex = freeIndex;
          return s;
        }
        this.fullSwept(sg).push(s);
      }
    }
    return null;
  }

  /** Takes back a span from an mcache. */
  uncacheSpan(s: MSpan, sweepStale: (s: MSpan) => void): void {
    if (s.allocCount === 0) throw new Error('uncaching span but s.allocCount == 0');
    const sg = this.env.sweepgen();
    const stale = s.sweepgen === sg + 1;
    if (stale) {
      // Cached before this sweep began: it must be swept now.
      s.sweepgen = sg - 1;
      sweepStale(s);
      return;
    }
    s.sweepgen = sg;
    if (s.nelems - s.allocCount > 0) this.partialSwept(sg).push(s);
    else this.fullSwept(sg).push(s);
  }

  /** A fresh span from the heap. */
  grow(): MSpan | null {
    const sizeclass = spanClassSizeclass(this.spanclass);
    const npages = class_to_allocnpages[sizeclass]!;
    const size = class_to_size[sizeclass]!;
    const s = this.env.allocSpan(npages, this.spanclass);
    if (s === null) return null;
    const n = s.divideByElemSize(npages << pageShift);
    s.limit = s.startAddr + size * n;
    this.env.initHeapBits(s);
    return s;
  }
}
