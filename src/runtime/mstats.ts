// Memory statistics (mstats.go): the sys stats every OS mapping is charged
// to, the consistent heap stats (heapStatsDelta) the allocator updates,
// the GC timing stats, and ReadMemStats's computation of the exported
// runtime.MemStats from them.
//
// Go keeps heapStats as per-P deltas folded together under sequence
// counters; the simulation is single-threaded, so one set of counters is
// exact. What stays faithful is *when* small-object counts reach them: only
// when an mcache uncaches a span (refill, releaseAll), which ReadMemStats
// forces by flushing every mcache first.

import { SysMemStat } from './mem.ts';
import { class_to_size, numSizeClasses } from './sizeclasses.ts';

export class HeapStats {
  /** Bytes of heap memory backed by the OS (Ready), stacks and workbufs included. */
  committed = 0;
  /** Bytes released to the OS (scavenged) or never used. */
  released = 0;
  inHeap = 0;
  inStacks = 0;
  inWorkBufs = 0;
  inPtrScalarBits = 0;
  tinyAllocCount = 0;
  largeAlloc = 0;
  largeAllocCount = 0;
  readonly smallAllocCount = new Float64Array(numSizeClasses);
  largeFree = 0;
  largeFreeCount = 0;
  readonly smallFreeCount = new Float64Array(numSizeClasses);
}

export class MemStats {
  readonly stacks_sys = new SysMemStat('stacks_sys');
  readonly mspan_sys = new SysMemStat('mspan_sys');
  readonly mcache_sys = new SysMemStat('mcache_sys');
  readonly buckhash_sys = new SysMemStat('buckhash_sys');
  readonly gcMiscSys = new SysMemStat('gcMiscSys');
  readonly other_sys = new SysMemStat('other_sys');
  readonly heapStats = new HeapStats();

  // GC statistics (owned by the collector).
  last_gc_unix = 0n;
  last_gc_nanotime = 0;
  pause_total_ns = 0;
  readonly pause_ns = new Float64Array(256);
  readonly pause_end = new Array<bigint>(256).fill(0n);
  numgc = 0;
  /** heapInUse at the last mark termination (memstats.lastHeapInUse; the scavenger's goal uses it). */
  lastHeapInUse = 0;
  numforcedgc = 0;
  gc_cpu_fraction = 0;
  enablegc = false;
}

/** runtime.MemStats, field for field (uint64 fields as numbers, except the exact NextGC/LastGC/PauseEnd). */
export interface MemStatsSnapshot {
  Alloc: number;
  TotalAlloc: number;
  Sys: number;
  Lookups: number;
  Mallocs: number;
  Frees: number;
  HeapAlloc: number;
  HeapSys: number;
  HeapIdle: number;
  HeapInuse: number;
  HeapReleased: number;
  HeapObjects: number;
  StackInuse: number;
  StackSys: number;
  MSpanInuse: number;
  MSpanSys: number;
  MCacheInuse: number;
  MCacheSys: number;
  BuckHashSys: number;
  GCSys: number;
  OtherSys: number;
  NextGC: bigint;
  LastGC: bigint;
  PauseTotalNs: number;
  PauseNs: number[];
  PauseEnd: bigint[];
  NumGC: number;
  NumForcedGC: number;
  GCCPUFraction: number;
  EnableGC: boolean;
  DebugGC: boolean;
  BySize: { Size: number; Mallocs: number; Frees: number }[];
}

/** What readmemstats_m reads besides memstats itself. */
export interface MemStatsSources {
  memstats: MemStats;
  heapInUse: number;
  heapFree: number;
  heapReleased: number;
  spanallocInuse: number;
  cacheallocInuse: number;
  heapGoalExact: bigint;
}

/** Totals over the consistent stats, shared by ReadMemStats and runtime/metrics. */
export function heapTotals(h: HeapStats): { totalAlloc: number; totalFree: number; nMalloc: number; nFree: number } {
  let totalAlloc = h.largeAlloc;
  let nMalloc = h.largeAllocCount;
  let totalFree = h.largeFree;
  let nFree = h.largeFreeCount;
  for (let i = 0; i < numSizeClasses; i++) {
    const size = class_to_size[i]!;
    totalAlloc += h.smallAllocCount[i]! * size;
    nMalloc += h.smallAllocCount[i]!;
    totalFree += h.smallFreeCount[i]! * size;
    nFree += h.smallFreeCount[i]!;
  }
  nFree += h.tinyAllocCount;
  nMalloc += h.tinyAllocCount;
  return { totalAlloc, totalFree, nMalloc, nFree };
}

/** readmemstats_m after flushallmcaches (the caller flushes). */
export function readmemstats(src: MemStatsSources): MemStatsSnapshot {
  const m = src.memstats;
  const h = m.heapStats;
  const { totalAlloc, totalFree, nMalloc, nFree } = heapTotals(h);
  const heapSys = src.heapInUse + src.heapFree + src.heapReleased;
  const totalMapped =
    heapSys +
    m.stacks_sys.bytes +
    m.mspan_sys.bytes +
    m.mcache_sys.bytes +
    m.buckhash_sys.bytes +
    m.gcMiscSys.bytes +
    m.other_sys.bytes +
    h.inStacks +
    h.inWorkBufs +
    h.inPtrScalarBits;
  const bySize: MemStatsSnapshot['BySize'] = [];
  // MemStats.BySize has 61 entries: classes 0..60; larger classes are not reported.
  for (let i = 0; i < 61; i++) {
    bySize.push({ Size: class_to_size[i]!, Mallocs: h.smallAllocCount[i]!, Frees: h.smallFreeCount[i]! });
  }
  return {
    Alloc: totalAlloc - totalFree,
    TotalAlloc: totalAlloc,
    Sys: totalMapped,
    Lookups: 0,
    Mallocs: nMalloc,
    Frees: nFree,
    HeapAlloc: totalAlloc - totalFree,
    HeapSys: heapSys,
    HeapIdle: src.heapFree + src.heapReleased,
    HeapInuse: src.heapInUse,
    HeapReleased: src.heapReleased,
    HeapObjects: nMalloc - nFree,
    StackInuse: h.inStacks,
    StackSys: h.inStacks + m.stacks_sys.bytes,
    MSpanInuse: src.spanallocInuse,
    MSpanSys: m.mspan_sys.bytes,
    MCacheInuse: src.cacheallocInuse,
    MCacheSys: m.mcache_sys.bytes,
    BuckHashSys: m.buckhash_sys.bytes,
    GCSys: m.gcMiscSys.bytes + h.inWorkBufs + h.inPtrScalarBits,
    OtherSys: m.other_sys.bytes,
    NextGC: src.heapGoalExact,
    LastGC: m.last_gc_unix,
    PauseTotalNs: m.pause_total_ns,
    PauseNs: Array.from(m.pause_ns),
    PauseEnd: m.pause_end.slice(),
    NumGC: m.numgc,
    NumForcedGC: m.numforcedgc,
    GCCPUFraction: m.gc_cpu_fraction,
    EnableGC: true,
    DebugGC: false,
    BySize: bySize,
  };
}

/**
 * runtime.ReadMemStats: stop the world, flush every mcache and stack
 * cache (so small-object counts reach the stats), then read.
 *
 * The stop-the-world (stwReadMemStats) is one sample of
 * /sched/pauses/{stopping,total}/other:seconds. gomem's ReadMemStats takes
 * no virtual time (a checkpoint charges the helper's whole cost after it),
 * so both samples are 0 ns, where real Go 1.23.5 on this machine stops for
 * about 20 µs and pauses for 30–40 µs in all (GOMAXPROCS=2).
 */
export function readMemStats(rt: import('./runtime.ts').Runtime): MemStatsSnapshot {
  rt.schedStats.recordSTW(false, 0, 0);
  flushallmcaches(rt);
  return memStatsAsTheyStand(rt);
}

/**
 * The MemStats figures as the runtime holds them now, without
 * ReadMemStats's stop-the-world and flush: for a reader that must not
 * change the state it reports on (gomem explain).
 */
export function memStatsAsTheyStand(rt: import('./runtime.ts').Runtime): MemStatsSnapshot {
  const gc = rt.gcController;
  return readmemstats({
    memstats: rt.memstats,
    heapInUse: gc.heapInUse.bytes,
    heapFree: gc.heapFree.bytes,
    heapReleased: gc.heapReleased.bytes,
    spanallocInuse: rt.mheap.spanalloc.inuse,
    cacheallocInuse: rt.mheap.cachealloc.inuse,
    heapGoalExact: gc.heapGoalExact(),
  });
}

/** flushallmcaches: releaseAll + stackcache_clear on every P's mcache. */
export function flushallmcaches(rt: import('./runtime.ts').Runtime): void {
  for (const p of rt.allp) {
    p.mcache.releaseAll(rt);
    rt.stackcacheClear(p.mcache);
  }
}
