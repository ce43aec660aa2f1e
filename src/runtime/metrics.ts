// runtime/metrics (metrics.go): the scalar metrics under /memory/classes/,
// /gc/ and /sched/, computed as Go computes them. Unlike ReadMemStats,
// metrics.Read does not flush the mcaches, so object counts lag by up to one
// span per size class per P — a difference real programs show too.
// Values are numbers, or bigint where Go's uint64 exceeds 2^53 (e.g.
// /gc/gogc:percent with GOGC=off is uint64(-1)).

import { heapTotals } from './mstats.ts';
import type { Runtime } from './runtime.ts';

export type MetricValue = number | bigint;

/** Inputs metrics need beyond the runtime: the scheduler's counts. */
export interface MetricsSched {
  gomaxprocs: number;
  /** gcount(): all Gs minus free and system ones (at least 1). */
  gcount: number;
  startingStackSize: number;
  limiterLastEnabledCycle: number;
  /** CPU time by class, virtual ns since start (/cpu/classes/*), when the collector keeps it. */
  cpu?: CPUClasses;
}

/** Go's cpuStats (mgclimit.go/metrics.go): ns of CPU by class since the process started. */
export interface CPUClasses {
  gcAssist: number;
  /** Dedicated and fractional mark workers. */
  gcDedicated: number;
  gcIdle: number;
  gcPause: number;
  scavengeAssist: number;
  scavengeBackground: number;
  /** Ps with nothing to run. */
  idle: number;
  /** GOMAXPROCS × elapsed. */
  total: number;
  /** What is left of total when GC, scavenging and idle time are taken out, as cpuStats.accumulate derives it. */
  user: number;
}

const u64 = (n: number): MetricValue => (n < 0 ? 2n ** 64n + BigInt(n) : n);

/** Every supported metric name → its current value, in sorted name order. */
export function readMetrics(rt: Runtime, sched: MetricsSched): Map<string, MetricValue> {
  const ms = rt.memstats;
  const hs = ms.heapStats;
  const gc = rt.gcController;
  const t = heapTotals(hs);
  // heapTotals counts tiny allocs into nMalloc/nFree; the metrics do not.
  const totalAllocs = t.nMalloc - hs.tinyAllocCount;
  const totalFrees = t.nFree - hs.tinyAllocCount;
  const inObjects = t.totalAlloc - t.totalFree;
  const mSpanInUse = rt.mheap.spanalloc.inuse;
  const mCacheInUse = rt.mheap.cachealloc.inuse;
  const heapGoal = gc.heapGoalExact();
  const m = new Map<string, MetricValue>([
    ['/gc/cycles/automatic:gc-cycles', ms.numgc - ms.numforcedgc],
    ['/gc/cycles/forced:gc-cycles', ms.numforcedgc],
    ['/gc/cycles/total:gc-cycles', ms.numgc],
    ['/gc/gogc:percent', u64(gc.gcPercent)],
    ['/gc/gomemlimit:bytes', gc.memoryLimit <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(gc.memoryLimit) : gc.memoryLimit],
    ['/gc/heap/allocs:bytes', t.totalAlloc],
    ['/gc/heap/allocs:objects', totalAllocs],
    ['/gc/heap/frees:bytes', t.totalFree],
    ['/gc/heap/frees:objects', totalFrees],
    ['/gc/heap/goal:bytes', heapGoal <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(heapGoal) : heapGoal],
    ['/gc/heap/live:bytes', gc.heapMarked],
    ['/gc/heap/objects:objects', totalAllocs - totalFrees],
    ['/gc/heap/tiny/allocs:objects', hs.tinyAllocCount],
    ['/gc/limiter/last-enabled:gc-cycle', sched.limiterLastEnabledCycle],
    ['/gc/scan/globals:bytes', gc.globalsScan],
    ['/gc/scan/heap:bytes', gc.heapScan],
    ['/gc/scan/stack:bytes', gc.lastStackScan],
    ['/gc/scan/total:bytes', gc.heapScan + gc.lastStackScan + gc.globalsScan],
    ['/gc/stack/starting-size:bytes', sched.startingStackSize],
    ['/memory/classes/heap/free:bytes', hs.committed - hs.inHeap - hs.inStacks - hs.inWorkBufs - hs.inPtrScalarBits],
    ['/memory/classes/heap/objects:bytes', inObjects],
    ['/memory/classes/heap/released:bytes', hs.released],
    ['/memory/classes/heap/stacks:bytes', hs.inStacks],
    ['/memory/classes/heap/unused:bytes', hs.inHeap - inObjects],
    ['/memory/classes/metadata/mcache/free:bytes', ms.mcache_sys.bytes - mCacheInUse],
    ['/memory/classes/metadata/mcache/inuse:bytes', mCacheInUse],
    ['/memory/classes/metadata/mspan/free:bytes', ms.mspan_sys.bytes - mSpanInUse],
    ['/memory/classes/metadata/mspan/inuse:bytes', mSpanInUse],
    ['/memory/classes/metadata/other:bytes', hs.inWorkBufs + hs.inPtrScalarBits + ms.gcMiscSys.bytes],
    ['/memory/classes/os-stacks:bytes', ms.stacks_sys.bytes],
    ['/memory/classes/other:bytes', ms.other_sys.bytes],
    ['/memory/classes/profiling/buckets:bytes', ms.buckhash_sys.bytes],
    [
      '/memory/classes/total:bytes',
      hs.committed + hs.released + ms.stacks_sys.bytes + ms.mspan_sys.bytes + ms.mcache_sys.bytes + ms.buckhash_sys.bytes + ms.gcMiscSys.bytes + ms.other_sys.bytes,
    ],
    ['/sched/gomaxprocs:threads', sched.gomaxprocs],
    ['/sched/goroutines:goroutines', sched.gcount],
  ]);
  const c = sched.cpu;
  if (c !== undefined) {
    const sec = (ns: number): number => ns / 1e9;
    const gcTotal = c.gcAssist + c.gcDedicated + c.gcIdle + c.gcPause;
    const scavTotal = c.scavengeAssist + c.scavengeBackground;
    for (const [k, v] of [
      ['/cpu/classes/gc/mark/assist:cpu-seconds', c.gcAssist],
      ['/cpu/classes/gc/mark/dedicated:cpu-seconds', c.gcDedicated],
      ['/cpu/classes/gc/mark/idle:cpu-seconds', c.gcIdle],
      ['/cpu/classes/gc/pause:cpu-seconds', c.gcPause],
      ['/cpu/classes/gc/total:cpu-seconds', gcTotal],
      ['/cpu/classes/idle:cpu-seconds', c.idle],
      ['/cpu/classes/scavenge/assist:cpu-seconds', c.scavengeAssist],
      ['/cpu/classes/scavenge/background:cpu-seconds', c.scavengeBackground],
      ['/cpu/classes/scavenge/total:cpu-seconds', scavTotal],
      ['/cpu/classes/total:cpu-seconds', c.total],
      ['/cpu/classes/user:cpu-seconds', c.user],
    ] as const) {
      m.set(k, sec(v));
    }
  }
  return new Map([...m].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}
