// runtime/metrics (metrics.go): every metric Go 1.23 supports, computed as
// Go computes them. readMetrics gives the scalar metrics under
// /memory/classes/, /gc/, /sched/ and /cpu/classes/ that checkpoint lines
// carry; readMoreMetrics the rest: the histograms (allocs and frees by size
// class, scheduling latencies, stop-the-world pauses), /sync/mutex/wait,
// /cgo and the /godebug counts; readAllMetrics all of them, as metrics.Read
// of metrics.All() returns them. Unlike ReadMemStats, metrics.Read does not
// flush the mcaches, so object counts lag by up to one span per size class
// per P — a difference real programs show too.
// Values are numbers, or bigint where Go's uint64 exceeds 2^53 (e.g.
// /gc/gogc:percent with GOGC=off is uint64(-1)), or Float64Histograms.

import { type Float64Histogram, sizeClassBuckets } from './histogram.ts';
import { allDesc, godebugMetricName, godebugs } from './metrics_desc.ts';
import { heapTotals } from './mstats.ts';
import type { Runtime } from './runtime.ts';
import { numSizeClasses } from './sizeclasses.ts';

export type { Float64Histogram } from './histogram.ts';
export type MetricValue = number | bigint;
/** A metric's value of any kind (metrics.Value). */
export type MetricSampleValue = MetricValue | Float64Histogram;

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

/**
 * The allocs-by-size / frees-by-size histogram: one bucket per small size
 * class (class 0, unused, left out) and the last, up to +Inf, for large
 * objects. Tiny allocations are counted by their 16-byte blocks.
 */
function sizeClassHist(small: Float64Array, large: number): Float64Histogram {
  const counts = new Array<number>(numSizeClasses);
  for (let i = 1; i < numSizeClasses; i++) counts[i - 1] = small[i]!;
  counts[numSizeClasses - 1] = large;
  return { Counts: counts, Buckets: sizeClassBuckets };
}

/** The metrics beyond readMetrics' set, in sorted name order. */
export function readMoreMetrics(rt: Runtime): Map<string, MetricSampleValue> {
  const hs = rt.memstats.heapStats;
  const ss = rt.schedStats;
  const m = new Map<string, MetricSampleValue>([
    // NumCgoCall: gomem's programs make no cgo calls, and Go counts none for a program without cgo.
    ['/cgo/go-to-c-calls:calls', 0],
    ['/gc/heap/allocs-by-size:bytes', sizeClassHist(hs.smallAllocCount, hs.largeAllocCount)],
    ['/gc/heap/frees-by-size:bytes', sizeClassHist(hs.smallFreeCount, hs.largeFreeCount)],
    // Deprecated; identical to /sched/pauses/total/gc:seconds.
    ['/gc/pauses:seconds', ss.stwTotalTimeGC.write()],
    ['/sched/latencies:seconds', ss.timeToRun.write()],
    ['/sched/pauses/stopping/gc:seconds', ss.stwStoppingTimeGC.write()],
    ['/sched/pauses/stopping/other:seconds', ss.stwStoppingTimeOther.write()],
    ['/sched/pauses/total/gc:seconds', ss.stwTotalTimeGC.write()],
    ['/sched/pauses/total/other:seconds', ss.stwTotalTimeOther.write()],
    // totalMutexWaitTimeNanos: sync.Mutex waits of sampled goroutines (proc.ts); gomem has no
    // runtime-internal lock contention, the other part of Go's figure.
    ['/sync/mutex/wait/total:seconds', ss.totalMutexWaitTime / 1e9],
  ]);
  // Non-default GODEBUG behaviour executed: gomem implements none of these settings'
  // behaviours, so each stays at 0, as in a Go program that never runs one.
  for (const info of godebugs) if (info.Opaque !== true) m.set(godebugMetricName(info.Name), 0);
  return new Map([...m].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

/**
 * Every metric metrics.All() describes and its current value, in
 * metrics.All()'s order: `scalars` (readMetrics' result, read at the same
 * instant) and readMoreMetrics.
 */
export function readAllMetrics(rt: Runtime, scalars: ReadonlyMap<string, MetricValue>): Map<string, MetricSampleValue> {
  const more = readMoreMetrics(rt);
  const out = new Map<string, MetricSampleValue>();
  for (const d of allDesc) {
    const v = scalars.get(d.Name) ?? more.get(d.Name);
    if (v !== undefined) out.set(d.Name, v);
  }
  return out;
}
