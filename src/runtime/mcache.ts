// The per-P object cache (mcache.go): one current span per span class,
// the tiny-allocator block, and the bookkeeping that turns per-object
// allocation into per-span statistics. Nothing here takes a lock in Go;
// everything that reaches shared state does so a span at a time:
//   refill     — hand the full span back to its mcentral, count its slots
//                into the stats, take a span with free space, and count
//                all of that span's free bytes into heapLive at once;
//   releaseAll — give every span back (at GC, on ReadMemStats), taking the
//                unused bytes back out of heapLive.

import { pageSize } from './sizeclasses_const.ts';
import { type MSpan, emptymspan, makeSpanClass, numSpanClasses, type SpanClass, spanClassSizeclass, tinySpanClass } from './mspan.ts';
import type { Runtime } from './runtime.ts';

export const numStackOrders = 4;

/** The alloc array of an mcache that never held a span; never written. */
const noSpans: readonly MSpan[] = new Array<MSpan>(numSpanClasses).fill(emptymspan);

export class MCache {
  /** Simulated address of this mcache (from mheap.cachealloc). */
  readonly addr: number;
  /** Bytes until the next heap-profile sample. */
  nextSample = 0;
  /** Scannable bytes allocated since the last flush into heapScan. */
  scanAlloc = 0;
  /** Address of the current 16-byte tiny block, or 0. */
  tiny = 0;
  tinyoffset = 0;
  /** Tiny sub-allocations since the last flush (counted as both mallocs and frees). */
  tinyAllocs = 0;
  /**
   * The current span of each span class: until the first refill, the
   * shared all-empty array (an idle P's mcache holds no span, and 100,000
   * Ps need not carry 100,000 copies of it).
   */
  alloc: readonly MSpan[] = noSpans;
  /** How many of alloc are real spans: releaseAll of an mcache that holds none (an idle P's, at each GC) skips the 136 classes. */
  private cached = 0;
  /** Per-order stack cache: free stack addresses and cached bytes (stack.go). */
  readonly stackcache: { list: number[]; size: number }[] = [];
  /** The sweepgen this cache was last flushed at. */
  flushGen = 0;

  constructor(addr: number, flushGen: number) {
    this.addr = addr;
    this.flushGen = flushGen;
    for (let i = 0; i < numStackOrders; i++) this.stackcache.push({ list: [], size: 0 });
  }

  /**
   * The slot after freeindex, refilling from the mcentral when the span is
   * full. Sets rt.shouldhelpgc when it had to refill.
   */
  nextFree(rt: Runtime, spc: SpanClass): number {
    let s = this.alloc[spc]!;
    let freeIndex = s.nextFreeIndex();
    if (freeIndex === s.nelems) {
      if (s.allocCount !== s.nelems) throw new Error('s.allocCount != s.nelems && freeIndex == s.nelems');
      this.refill(rt, spc);
      rt.shouldhelpgc = true;
      s = this.alloc[spc]!;
      freeIndex = s.nextFreeIndex();
    }
    if (freeIndex >= s.nelems) throw new Error('freeIndex is not valid');
    s.allocCount++;
    if (s.allocCount > s.nelems) throw new Error('s.allocCount > s.nelems');
    return freeIndex * s.elemsize + s.startAddr;
  }

  /** Replaces the (full) current span of spc with one that has free space. */
  refill(rt: Runtime, spc: SpanClass): void {
    const mheap = rt.mheap;
    const hs = rt.memstats.heapStats;
    let s = this.alloc[spc]!;
    if (s.allocCount !== s.nelems) throw new Error('refill of span with free space remaining');
    if (s !== emptymspan) {
      if (s.sweepgen !== mheap.sweepgen + 3) throw new Error('bad sweepgen in refill');
      mheap.central[spc]!.uncacheSpan(s, (x) => rt.sweepStale(x));
      const slotsUsed = s.allocCount - s.allocCountBeforeCache;
      hs.smallAllocCount[spanClassSizeclass(spc)]! += slotsUsed;
      if (spc === tinySpanClass) {
        hs.tinyAllocCount += this.tinyAllocs;
        this.tinyAllocs = 0;
      }
      rt.gcController.totalAlloc += slotsUsed * s.elemsize;
      s.allocCountBeforeCache = 0;
    }
    const got = mheap.central[spc]!.cacheSpan();
    if (got === null) rt.throwOutOfMemory();
    s = got!;
    if (s.allocCount === s.nelems) throw new Error('span has no free space');
    s.sweepgen = mheap.sweepgen + 3;
    s.allocCountBeforeCache = s.allocCount;
    const usedBytes = s.allocCount * s.elemsize;
    rt.gcController.update(s.npages * pageSize - usedBytes, this.scanAlloc, rt.gcBlackenEnabled);
    this.scanAlloc = 0;
    if (this.alloc === noSpans) this.alloc = noSpans.slice();
    if (this.alloc[spc] === emptymspan) this.cached++;
    (this.alloc as MSpan[])[spc] = s;
  }

  /** A span for one large object (> 32760 bytes); Go pushes it straight onto fullSwept. */
  allocLarge(rt: Runtime, size: number, noscan: boolean): MSpan {
    const npages = Math.ceil(size / pageSize);
    rt.deductSweepCredit(npages * pageSize, npages);
    const spc = makeSpanClass(0, noscan);
    const s = rt.mheap.alloc(npages, spc);
    if (s === null) rt.throwOutOfMemory();
    const hs = rt.memstats.heapStats;
    hs.largeAlloc += npages * pageSize;
    hs.largeAllocCount++;
    rt.gcController.totalAlloc += npages * pageSize;
    rt.gcController.update(s!.npages * pageSize, 0, rt.gcBlackenEnabled);
    rt.mheap.central[spc]!.fullSwept(rt.mheap.sweepgen).push(s!);
    s!.limit = s!.startAddr + size;
    return s!;
  }

  /** Returns every cached span to its mcentral and flushes the counts (mcache.releaseAll). */
  releaseAll(rt: Runtime): void {
    const scanAlloc = this.scanAlloc;
    this.scanAlloc = 0;
    const sg = rt.mheap.sweepgen;
    const hs = rt.memstats.heapStats;
    let dHeapLive = 0;
    for (let i = 0; this.cached > 0 && i < numSpanClasses; i++) {
      const s = this.alloc[i]!;
      if (s === emptymspan) continue;
      const slotsUsed = s.allocCount - s.allocCountBeforeCache;
      s.allocCountBeforeCache = 0;
      hs.smallAllocCount[i >>> 1]! += slotsUsed;
      rt.gcController.totalAlloc += slotsUsed * s.elemsize;
      if (s.sweepgen !== sg + 1) {
        // Free slots were counted as live at refill; take them back.
        dHeapLive -= (s.nelems - s.allocCount) * s.elemsize;
      }
      rt.mheap.central[i]!.uncacheSpan(s, (x) => rt.sweepStale(x));
      (this.alloc as MSpan[])[i] = emptymspan;
      this.cached--;
    }
    this.tiny = 0;
    this.tinyoffset = 0;
    hs.tinyAllocCount += this.tinyAllocs;
    this.tinyAllocs = 0;
    rt.gcController.update(dHeapLive, scanAlloc, rt.gcBlackenEnabled);
  }

  /** Flushes the cache once per GC cycle before this P allocates again (mcache.prepareForSweep). */
  prepareForSweep(rt: Runtime): void {
    const sg = rt.mheap.sweepgen;
    if (this.flushGen === sg) return;
    if (this.flushGen !== sg - 2) throw new Error(`bad flushGen ${this.flushGen} in prepareForSweep; sweepgen ${sg}`);
    this.releaseAll(rt);
    rt.stackcacheClear(this);
    this.flushGen = sg;
  }
}

/** allocmcache: a new mcache from mheap.cachealloc (its 1200 bytes are written). */
export function allocmcache(rt: Runtime): MCache {
  const addr = rt.mheap.cachealloc.alloc(rt.curP?.palloc ?? null);
  rt.sys.touch(addr, 1200);
  const c = new MCache(addr, rt.mheap.sweepgen);
  c.nextSample = rt.mprof.nextSample();
  return c;
}

/** freemcache: flush and return an mcache (when a P is destroyed). */
export function freemcache(rt: Runtime, c: MCache): void {
  c.releaseAll(rt);
  rt.stackcacheClear(c);
  rt.mheap.cachealloc.free(c.addr);
}
