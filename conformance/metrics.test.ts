// Port of the MemStats and runtime/metrics identities of Go 1.23
// src/runtime/metrics_test.go, run on real gomem processes.
//
// Go runs these tests inside the test binary, in whatever state the runtime
// happens to be; here each identity is checked in every state of several
// programs that matter (start-up, paced and forced cycles, goroutines at
// work, stacks grown and freed, a dropped 600 MiB slice, FreeOSMemory):
//
// - TestReadMetrics: ReadMetricsSlow (export_test.go) stops the world,
//   runs readmemstats_m (which flushes the mcaches) and reads every metric;
//   each metric must equal the MemStats field it mirrors. gc_test.go's init
//   turns on readmemstats_m's doubleCheckReadMemStats in the same test
//   binary, so its five internal identities (mstats.go) are asserted by
//   TestReadMetrics too; they are ported under their own describe.
// - TestReadMetricsConsistency: metrics.Read alone (no mcache flush), and
//   the identities between metrics: /memory/classes/total is the sum of
//   the classes; allocs − frees = objects (counts and bytes); /gc/scan/total
//   is the sum of its parts; the /cpu/classes sums; GOMAXPROCS; goroutines.
// - TestReadMetricsCumulative: cumulative metrics never decrease while a
//   goroutine allocates and runs runtime.GC().
// - TestCPUMetricsSleep: a sleep's CPU time shows up as idle time.
// - TestCPUStats: the same /cpu/classes sums, exactly, in nanoseconds.
// - TestMetricHeapUnusedLargeObjectOverflow: /memory/classes/heap/unused
//   does not wrap while 1 MiB objects are allocated and collected.
//
// - TestReadMetrics' histogram checks: allocs-by-size and frees-by-size
//   against MemStats.BySize (bucket bounds at each class's size + 1, counts
//   = Mallocs and Frees), the tiny-allocation count derived from the
//   allocs-by-size total, /gc/pauses = /sched/pauses/total/gc.
// - TestReadMetricsConsistency's histogram checks: the shape of both
//   by-size histograms, per-bucket allocs ≥ frees, their totals against
//   /gc/heap/{allocs,frees,objects}:objects, and at least 2 GC pauses per
//   cycle (gomem: exactly 2, one more while a cycle is in its mark phase).
// - TestSchedPauseMetrics for the stop-the-worlds gomem has (runtime.GC,
//   runtime.ReadMemStats), TestMutexWaitTimeMetric for sync.Mutex (gomem
//   has no RWMutex), TestReadMetricsCumulative for histogram buckets.
//
// Beyond Go's tests, identities Go guarantees but does not test here: the
// size-class histograms' bucket-weighted bytes against /gc/heap/allocs:bytes
// and frees:bytes (small classes exactly; the large bucket a whole number of
// pages, at least 5 each); /cpu/classes/gc/pause = the sum of
// /sched/pauses/total/gc samples × GOMAXPROCS (its description says so),
// and PauseTotalNs = their plain sum, both within the samples' bucket
// bounds; stopping and total pause histograms count the same pauses;
// /sched/latencies' samples (one in gTrackingPeriod = 8 transitions, or
// all with casgstatusAlwaysTrack) and their durations; mutex wait = 8 × the
// wait of a tracked goroutine; metrics.All() against real Go 1.23.5's
// (testdata/metrics_go1.23.5.json, recorded by testdata/metrics/main.go),
// and metrics.Read of all of them.
//
// Not ported: /cgo/go-to-c-calls:calls = runtime.NumCgoCall() (gomem runs
// no cgo; both are 0), TestRuntimeLockMetricsAndProfile (gomem has no
// runtime-internal lock contention), the RWMutex cases of
// TestMutexWaitTimeMetric and the GOMAXPROCS, GoroutineProfile, Stack,
// WriteHeapDump and trace.Start cases of TestSchedPauseMetrics (gomem has
// none of these stop-the-worlds).

import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Go } from '../src/go/api.ts';
import { GoProcess } from '../src/go/process.ts';
import type { Program } from '../src/go/program.ts';
import { T } from '../src/go/types.ts';
import type { Ptr, Slice } from '../src/go/values.ts';
import { type Float64Histogram, type MetricSampleValue, readAllMetrics } from '../src/runtime/metrics.ts';
import { KindFloat64, KindFloat64Histogram, KindUint64, allDesc } from '../src/runtime/metrics_desc.ts';
import { sizeClassBuckets, timeHistBuckets } from '../src/runtime/histogram.ts';
import { gTrackingPeriod } from '../src/runtime/proc.ts';
import { _Gwaiting } from '../src/runtime/runtime2.ts';
import { heapTotals, type MemStatsSnapshot, readMemStats } from '../src/runtime/mstats.ts';
import type { GoroutineBody } from '../src/runtime/runtime2.ts';
import { scenarios } from '../src/scenarios/index.ts';

// ──────────────────────── Go 1.23's metric descriptions (runtime/metrics/description.go) ────────────────────────

/** Real Go 1.23.5's metrics.All() and histogram bucket boundaries (testdata/metrics/main.go). */
const goRecord = JSON.parse(readFileSync(new URL('./testdata/metrics_go1.23.5.json', import.meta.url), 'utf8')) as {
  version: string;
  all: { Name: string; Description: string; Kind: number; Cumulative: boolean }[];
  timeBuckets: string[];
  sizeBuckets: string[];
};

type Kind = 'uint64' | 'float64' | 'histogram';

/** Every metric Go 1.23 describes: its kind and whether it is cumulative. */
const descriptions: Record<string, { kind: Kind; cumulative: boolean }> = Object.fromEntries(
  goRecord.all.map((d) => [d.Name, { kind: (['bad', 'uint64', 'float64', 'histogram'] as const)[d.Kind] as Kind, cumulative: d.Cumulative }]),
);

const maxInt64 = (1n << 63n) - 1n;

// ──────────────────────── reading a process ────────────────────────

/** What one state of a program gives the tests. */
interface Snap {
  state: string;
  /** Whether the GC was in its mark phase at the read. */
  marking: boolean;
  /** runtime.GOMAXPROCS(-1). */
  gomaxprocs: number;
  /** The GOGC and GOMEMLIMIT the program set (or was started with). */
  gcPercent: number;
  memoryLimit: bigint;
  /** metrics.Read of every metric, as TestReadMetricsConsistency reads them (the mcaches not flushed). */
  read: Map<string, MetricSampleValue>;
  /** ReadMetricsSlow: the MemStats readmemstats_m produced and the metrics read after it. */
  mstats: MemStatsSnapshot;
  slow: Map<string, MetricSampleValue>;
  /** What doubleCheckReadMemStats compares, read at readmemstats_m (after the flush). */
  dc: {
    heapInUse: number;
    heapFree: number;
    heapReleased: number;
    totalAlloc: number;
    totalFree: number;
    mappedReady: number;
    consInHeap: number;
    consReleased: number;
    consCommitted: number;
    consInStacks: number;
    consInWorkBufs: number;
    consInPtrScalarBits: number;
    consTotalAlloc: number;
    consTotalFree: number;
  };
}

/**
 * Reads a process as the Go tests do: metrics.Read first (nothing flushed),
 * then ReadMetricsSlow (readmemstats_m, which flushes the mcaches, then the
 * metrics again). Neither read lets another goroutine run in between, as
 * the stopped world guarantees in Go.
 */
function snap(p: GoProcess, state: string, settings: { gcPercent: number; memoryLimit: bigint }): Snap {
  const read = readAllMetrics(p.rt, p.readMetrics());
  const mstats = readMemStats(p.rt);
  const gc = p.rt.gcController;
  const hs = p.rt.memstats.heapStats;
  const cons = heapTotals(hs);
  const dc = {
    heapInUse: gc.heapInUse.bytes,
    heapFree: gc.heapFree.bytes,
    heapReleased: gc.heapReleased.bytes,
    totalAlloc: gc.totalAlloc,
    totalFree: gc.totalFree,
    mappedReady: p.rt.sys.mappedReady,
    consInHeap: hs.inHeap,
    consReleased: hs.released,
    consCommitted: hs.committed,
    consInStacks: hs.inStacks,
    consInWorkBufs: hs.inWorkBufs,
    consInPtrScalarBits: hs.inPtrScalarBits,
    consTotalAlloc: cons.totalAlloc,
    consTotalFree: cons.totalFree,
  };
  const slow = readAllMetrics(p.rt, p.readMetrics());
  return { state, marking: p.rt.gcBlackenEnabled, gomaxprocs: p.gomaxprocs, ...settings, read, mstats, slow, dc };
}

const defaults = { gcPercent: 100, memoryLimit: maxInt64 };

/** Runs a built-in scenario with GOMAXPROCS=2, reading the process at each of its checkpoints. */
function runScenario(name: string): Map<string, Snap> {
  const out = new Map<string, Snap>();
  const p = new GoProcess(scenarios.get(name)!, {
    env: { GOMAXPROCS: '2' },
    stdout: () => {},
    stderr: () => {},
    onCheckpoint: (_json, cp, gp) => void out.set(cp, snap(gp, cp, defaults)),
  });
  const r = p.run();
  if (r.status !== 0) throw new Error(`${name} exited with status ${r.status}`);
  return out;
}

/** Runs a program written here, which calls read(state) where it wants the process read. */
function runProgram(body: (go: Go, read: (state: string, settings?: typeof defaults) => void) => GoroutineBody, env: Record<string, string>): Map<string, Snap> {
  const out = new Map<string, Snap>();
  let stderr = '';
  const program: Program = {
    name: 'metrics-test',
    description: 'metrics_test.go states',
    *main(go) {
      yield* body(go, (state, settings = defaults) => void out.set(state, snap(go.p, state, settings)));
    },
  };
  const r = new GoProcess(program, { env, stdout: () => {}, stderr: (s) => void (stderr += s) }).run();
  if (r.status !== 0) throw new Error(`metrics-test exited with status ${r.status}: ${stderr}`);
  return out;
}

// ──────────────────────── the programs ────────────────────────

const Node = T.declare('main.metricsNode');
T.define(Node, T.struct([['next', T.pointer(Node)], ['val', T.int64]]));
const tiny8 = T.array(T.byte, 8);
const bytes = T.slice(T.byte);

/**
 * A program through the states the Go tests run in: allocation with paced
 * cycles (tiny, small pointerful and large objects, a live list growing
 * behind garbage), worker goroutines allocating while main reads, a read
 * during a cycle's mark phase, runtime.GC(), TestReadMetricsConsistency's
 * three runtime.GC() and a sleep, and TestReadMetrics' runtime.GC() with
 * GOMEMLIMIT=512 MiB and GOGC=99.
 */
function* churn(go: Go, read: (state: string, settings?: typeof defaults) => void): GoroutineBody {
  const g = go.globals({ list: T.pointer(Node), tiny: T.pointer(tiny8), big: bytes, sink: bytes });
  read('main starts');
  for (let i = 0; i < 60_000; i++) {
    g.tiny = go.new(tiny8);
    const n = go.new(Node);
    if (i % 4 === 0) {
      go.set(n, 'next', g.list);
      g.list = n;
    }
    if (i % 500 === 0) g.sink = go.make(bytes, 40_000);
    if (i % 5000 === 0) g.big = go.make(bytes, 1 << 20);
  }
  read('after paced cycles');

  const wg = go.sync.WaitGroup();
  for (let w = 0; w < 6; w++) {
    wg.Add(1);
    go.go('main.worker', function* (gw) {
      const v = gw.locals('main.worker', { head: T.pointer(Node), b: bytes }, 64);
      for (let round = 0; round < 20; round++) {
        for (let i = 0; i < 2000; i++) {
          const n = gw.new(Node);
          if (i % 2 === 0) {
            gw.set(n, 'next', v.head);
            v.head = n;
          }
          gw.new(tiny8);
        }
        v.b = gw.make(bytes, 100_000);
        if (round % 5 === 4) v.head = null;
        yield* gw.time.Sleep(100_000);
      }
      wg.Done();
    });
  }
  yield* go.time.Sleep(350_000);
  read('worker goroutines allocating');
  // Allocate until a paced cycle is in its mark phase, and read it there.
  let marked = false;
  for (let i = 0; i < 400_000 && !marked; i++) {
    g.sink = go.make(bytes, 2048);
    if (go.p.rt.gcBlackenEnabled) {
      read('during a mark phase');
      marked = true;
    }
  }
  if (!marked) read('during a mark phase'); // outside a mark phase: 'its states are what their names say' fails
  yield* wg.Wait();
  read('workers done');
  yield* go.runtime.GC();
  read('after runtime.GC()');
  g.list = null;
  g.big = null;
  // TestReadMetricsConsistency: three runtime.GC(), then idle time.
  yield* go.runtime.GC();
  yield* go.runtime.GC();
  yield* go.runtime.GC();
  yield* go.time.Sleep(1_000_000);
  read('after 3× runtime.GC() and a 1 ms sleep');
  // TestReadMetrics: runtime.GC(), then GOMEMLIMIT=512 MiB and GOGC=99.
  yield* go.runtime.GC();
  go.debug.SetMemoryLimit(512 * 1024 * 1024);
  go.debug.SetGCPercent(99);
  read('after runtime.GC(), GOMEMLIMIT=512MiB, GOGC=99', { gcPercent: 99, memoryLimit: 512n * 1024n * 1024n });
  // GOGC=off: /gc/gogc:percent is uint64(-1).
  go.debug.SetGCPercent(-1);
  for (let i = 0; i < 5000; i++) g.sink = go.make(bytes, 4096);
  read('GOGC=off, GOMEMLIMIT=512MiB, after 20 MB allocated', { gcPercent: -1, memoryLimit: 512n * 1024n * 1024n });
  go.runtime.KeepAlive(g.list as Ptr | null);
}

/** The programs, each with the states it is read in (checkpoints for the scenarios). */
const programs: {
  name: string;
  gomaxprocs: number;
  states: string[];
  run: () => Map<string, Snap>;
  /** That the states are what their names say (the identities are only worth what the states cover). */
  covers?: (at: (state: string) => Snap) => void;
}[] = [
  { name: 'hello', gomaxprocs: 2, states: ['start', 'after_println', 'after_sleep_2s', 'exit'], run: () => runScenario('hello') },
  {
    name: 'churn (GOMAXPROCS=4)',
    gomaxprocs: 4,
    states: [
      'main starts',
      'after paced cycles',
      'worker goroutines allocating',
      'during a mark phase',
      'workers done',
      'after runtime.GC()',
      'after 3× runtime.GC() and a 1 ms sleep',
      'after runtime.GC(), GOMEMLIMIT=512MiB, GOGC=99',
      'GOGC=off, GOMEMLIMIT=512MiB, after 20 MB allocated',
    ],
    run: () => runProgram(churn, { GOMAXPROCS: '4' }),
    covers: (at) => {
      const m = (st: string, name: string): bigint => u64(at(st).slow, name);
      expect(m('main starts', '/gc/cycles/total:gc-cycles')).toBe(0n);
      expect(m('after paced cycles', '/gc/cycles/automatic:gc-cycles')).toBeGreaterThan(2n);
      expect(m('after paced cycles', '/gc/heap/tiny/allocs:objects')).toBeGreaterThan(0n);
      expect(m('worker goroutines allocating', '/sched/goroutines:goroutines')).toBeGreaterThan(6n);
      expect(at('during a mark phase').marking).toBe(true);
      expect(m('after runtime.GC()', '/gc/cycles/forced:gc-cycles')).toBe(1n);
      expect(m('after runtime.GC(), GOMEMLIMIT=512MiB, GOGC=99', '/gc/cycles/forced:gc-cycles')).toBe(5n);
    },
  },
  {
    name: 'stack-release',
    gomaxprocs: 2,
    states: ['start', 'after_spawn', 'after_gc_parked', 'after_exit', 'after_gc_exited', 'exit'],
    run: () => runScenario('stack-release'),
    covers: (at) => {
      expect(u64(at('after_spawn').slow, '/sched/goroutines:goroutines')).toBeGreaterThan(1000n);
      expect(u64(at('after_spawn').slow, '/memory/classes/heap/stacks:bytes')).toBeGreaterThanOrEqual(1000n * 32768n);
    },
  },
  { name: 'blahdo-gctrace', gomaxprocs: 2, states: ['before_loop', 'after_loop', 'exit'], run: () => runScenario('blahdo-gctrace') },
  {
    name: 'big-slice-freeos',
    gomaxprocs: 2,
    states: ['start', 'after_full_touch', 'after_gc', 'after_gc_sleep1s', 'after_make_300mb', 'after_300mb', 'after_300mb_sleep1s', 'exit'],
    run: () => runScenario('big-slice-freeos'),
    covers: (at) => {
      expect(u64(at('after_full_touch').slow, '/memory/classes/heap/objects:bytes')).toBeGreaterThanOrEqual(600n << 20n);
      expect(u64(at('after_gc').slow, '/memory/classes/heap/released:bytes')).toBeGreaterThanOrEqual(600n << 20n);
    },
  },
  { name: 'alloc-churn-gctrace', gomaxprocs: 2, states: ['start', 'after_churn_1m', 'after_churn_2m', 'after_churn_3m', 'after_churn_4m', 'exit'], run: () => runScenario('alloc-churn-gctrace') },
];

// ──────────────────────── helpers ────────────────────────

/** A uint64 metric as an exact integer (BigInt rejects a fraction, so a non-integer value fails too). */
/** Read(names) gives null for a name Go does not support (KindBad): every name these tests read is supported. */
function known(m: Map<string, MetricSampleValue | null>): Map<string, MetricSampleValue> {
  const out = new Map<string, MetricSampleValue>();
  for (const [k, v] of m) {
    if (v === null) throw new Error(`metric ${k} is not supported (KindBad)`);
    out.set(k, v);
  }
  return out;
}

function u64(m: Map<string, MetricSampleValue>, name: string): bigint {
  const v = m.get(name);
  if (v === undefined) throw new Error(`metric ${name} is not supported`);
  if (typeof v === 'object') throw new Error(`metric ${name} is a histogram`);
  return BigInt(v);
}

function f64(m: Map<string, MetricSampleValue>, name: string): number {
  const v = m.get(name);
  if (typeof v !== 'number') throw new Error(`metric ${name} is not a float64`);
  return v;
}

function hist(m: Map<string, MetricSampleValue>, name: string): Float64Histogram {
  const v = m.get(name);
  if (typeof v !== 'object') throw new Error(`metric ${name} is not a Float64Histogram`);
  return v;
}

/** A metric value for a message (JSON.stringify rejects bigints). */
function show(v: MetricSampleValue | undefined): string {
  return typeof v === 'object' ? `{Counts: [${v.Counts.join(' ')}]}` : String(v);
}

/** Whether a cumulative metric's value did not decrease: a scalar, or each bucket of a histogram. */
function notDecreased(v: MetricSampleValue, old: MetricSampleValue): boolean {
  if (typeof v === 'object' || typeof old === 'object') {
    if (typeof v !== 'object' || typeof old !== 'object' || v.Counts.length !== old.Counts.length) return false;
    return v.Counts.every((c, i) => c >= old.Counts[i]!);
  }
  return v >= old;
}

/** The number of samples in a histogram. */
function samples(h: Float64Histogram): number {
  return h.Counts.reduce((a, b) => a + b, 0);
}

/** The bounds of the sum of a time histogram's samples, in seconds (underflow and overflow count as 0 and +Inf). */
function sumBounds(h: Float64Histogram): { lo: number; hi: number } {
  let lo = 0;
  let hi = 0;
  h.Counts.forEach((c, i) => {
    if (c === 0) return;
    lo += c * Math.max(0, h.Buckets[i]!);
    hi += c * h.Buckets[i + 1]!;
  });
  return { lo, hi };
}

/** metrics_test.go's withinEpsilon: v1 lies within e (relative) of v2. */
function withinEpsilon(v1: number, v2: number, e: number): boolean {
  return v2 - v2 * e <= v1 && v1 <= v2 + v2 * e;
}

const B = (n: number | bigint): bigint => BigInt(n);

// ──────────────────────── the identities, in every state ────────────────────────

for (const prog of programs) {
  describe(prog.name, () => {
    let snaps = new Map<string, Snap>();
    beforeAll(() => {
      snaps = prog.run();
    }, 120_000);
    const at = (state: string): Snap => {
      const s = snaps.get(state);
      if (s === undefined) throw new Error(`the program was never read at "${state}" (read: ${[...snaps.keys()].join(', ')})`);
      return s;
    };

    it('is read in every state listed here', () => {
      expect([...snaps.keys()].filter((k) => prog.states.includes(k))).toEqual(prog.states);
    });

    for (const state of prog.states) {
      describe(state, () => {
        // TestReadMetrics: ReadMetricsSlow, each metric against the MemStats field it mirrors.
        describe('TestReadMetrics', () => {
          const cases: [string, (s: Snap) => bigint][] = [
            ['/memory/classes/heap/free:bytes', (s) => B(s.mstats.HeapIdle) - B(s.mstats.HeapReleased)],
            ['/memory/classes/heap/released:bytes', (s) => B(s.mstats.HeapReleased)],
            ['/memory/classes/heap/objects:bytes', (s) => B(s.mstats.HeapAlloc)],
            ['/memory/classes/heap/unused:bytes', (s) => B(s.mstats.HeapInuse) - B(s.mstats.HeapAlloc)],
            ['/memory/classes/heap/stacks:bytes', (s) => B(s.mstats.StackInuse)],
            ['/memory/classes/metadata/mcache/free:bytes', (s) => B(s.mstats.MCacheSys) - B(s.mstats.MCacheInuse)],
            ['/memory/classes/metadata/mcache/inuse:bytes', (s) => B(s.mstats.MCacheInuse)],
            ['/memory/classes/metadata/mspan/free:bytes', (s) => B(s.mstats.MSpanSys) - B(s.mstats.MSpanInuse)],
            ['/memory/classes/metadata/mspan/inuse:bytes', (s) => B(s.mstats.MSpanInuse)],
            ['/memory/classes/metadata/other:bytes', (s) => B(s.mstats.GCSys)],
            ['/memory/classes/os-stacks:bytes', (s) => B(s.mstats.StackSys) - B(s.mstats.StackInuse)],
            ['/memory/classes/other:bytes', (s) => B(s.mstats.OtherSys)],
            ['/memory/classes/profiling/buckets:bytes', (s) => B(s.mstats.BuckHashSys)],
            ['/memory/classes/total:bytes', (s) => B(s.mstats.Sys)],
            ['/gc/heap/allocs:bytes', (s) => B(s.mstats.TotalAlloc)],
            ['/gc/heap/frees:bytes', (s) => B(s.mstats.TotalAlloc) - B(s.mstats.HeapAlloc)],
            ['/gc/gomemlimit:bytes', (s) => s.memoryLimit],
            ['/gc/heap/objects:objects', (s) => B(s.mstats.HeapObjects)],
            ['/gc/heap/goal:bytes', (s) => s.mstats.NextGC],
            ['/gc/gogc:percent', (s) => (s.gcPercent < 0 ? (1n << 64n) + B(s.gcPercent) : B(s.gcPercent))],
            ['/gc/cycles/automatic:gc-cycles', (s) => B(s.mstats.NumGC) - B(s.mstats.NumForcedGC)],
            ['/gc/cycles/forced:gc-cycles', (s) => B(s.mstats.NumForcedGC)],
            ['/gc/cycles/total:gc-cycles', (s) => B(s.mstats.NumGC)],
          ];
          for (const [name, want] of cases) {
            it(`${name} = MemStats`, () => {
              const s = at(state);
              expect(u64(s.slow, name)).toBe(want(s));
            });
          }
          it('/gc/heap/live:bytes ≤ HeapSys, and not 0 once a cycle has run', () => {
            const s = at(state);
            const live = u64(s.slow, '/gc/heap/live:bytes');
            expect(live).toBeLessThanOrEqual(B(s.mstats.HeapSys));
            // Go calls runtime.GC() first so that live is not 0; before the first cycle it is.
            if (s.mstats.NumGC > 0) expect(live).not.toBe(0n);
          });
          it('/gc/heap/allocs:objects = Mallocs − /gc/heap/tiny/allocs', () => {
            const s = at(state);
            expect(u64(s.slow, '/gc/heap/allocs:objects')).toBe(B(s.mstats.Mallocs) - u64(s.slow, '/gc/heap/tiny/allocs:objects'));
          });
          it('/gc/heap/frees:objects = Frees − /gc/heap/tiny/allocs', () => {
            const s = at(state);
            expect(u64(s.slow, '/gc/heap/frees:objects')).toBe(B(s.mstats.Frees) - u64(s.slow, '/gc/heap/tiny/allocs:objects'));
          });
          for (const [name, field] of [
            ['/gc/heap/allocs-by-size:bytes', 'Mallocs'],
            ['/gc/heap/frees-by-size:bytes', 'Frees'],
          ] as const) {
            it(`${name}: a bucket per BySize class from its size + 1, counting its ${field}`, () => {
              const s = at(state);
              const h = hist(s.slow, name);
              // BySize[0] (class 0) is always empty and not in the histogram.
              s.mstats.BySize.slice(1).forEach((sc, i) => {
                expect(h.Buckets[i + 1], `bucket of class ${i + 1}`).toBe(sc.Size + 1);
                expect(h.Counts[i], `count of class ${i + 1}`).toBe(sc[field]);
              });
            });
          }
          it('/gc/heap/tiny/allocs:objects = Mallocs − the allocs-by-size total', () => {
            const s = at(state);
            expect(u64(s.slow, '/gc/heap/tiny/allocs:objects')).toBe(B(s.mstats.Mallocs) - B(samples(hist(s.slow, '/gc/heap/allocs-by-size:bytes'))));
          });
          it('/gc/pauses:seconds is a copy of /sched/pauses/total/gc:seconds', () => {
            const s = at(state);
            expect(hist(s.slow, '/gc/pauses:seconds')).toEqual(hist(s.slow, '/sched/pauses/total/gc:seconds'));
          });
          // Beyond Go's test: MemStats' pause total is the plain sum of the GC pauses, of the
          // cycles done (a cycle in its mark phase has had its first pause only).
          it('PauseTotalNs lies within the bounds of the sum of /sched/pauses/total/gc:seconds', () => {
            const s = at(state);
            if (s.marking) return;
            const { lo, hi } = sumBounds(hist(s.slow, '/sched/pauses/total/gc:seconds'));
            if (hi === 0) {
              expect(s.mstats.PauseTotalNs).toBe(0);
              return;
            }
            expect(s.mstats.PauseTotalNs / 1e9).toBeGreaterThanOrEqual(lo);
            expect(s.mstats.PauseTotalNs / 1e9).toBeLessThan(hi);
          });
        });

        // readmemstats_m's doubleCheckReadMemStats (mstats.go), on in TestReadMetrics' binary (gc_test.go's init).
        describe('doubleCheckReadMemStats', () => {
          it('heapInUse = the consistent stats’ inHeap', () => {
            const { dc } = at(state);
            expect(dc.heapInUse).toBe(dc.consInHeap);
          });
          it('heapReleased = the consistent stats’ released', () => {
            const { dc } = at(state);
            expect(dc.heapReleased).toBe(dc.consReleased);
          });
          it('heapInUse + heapFree = committed − inStacks − inWorkBufs − inPtrScalarBits', () => {
            const { dc } = at(state);
            expect(dc.heapInUse + dc.heapFree).toBe(dc.consCommitted - dc.consInStacks - dc.consInWorkBufs - dc.consInPtrScalarBits);
          });
          it('gcController.totalAlloc = the consistent stats’ total', () => {
            const { dc } = at(state);
            expect(dc.totalAlloc).toBe(dc.consTotalAlloc);
          });
          it('gcController.totalFree = the consistent stats’ total', () => {
            const { dc } = at(state);
            expect(dc.totalFree).toBe(dc.consTotalFree);
          });
          it('mappedReady = Sys − released', () => {
            const s = at(state);
            expect(s.dc.mappedReady).toBe(s.mstats.Sys - s.dc.consReleased);
          });
        });

        // TestReadMetricsConsistency: metrics.Read alone, the metrics against each other.
        describe('TestReadMetricsConsistency', () => {
          it('every metric has its described kind', () => {
            for (const [name, v] of at(state).read) {
              const kind = descriptions[name]?.kind;
              // A uint64 is an integer in [0, 2^64); a float64 a finite number (0 seconds included);
              // a histogram has one more bucket boundary than counts, boundaries rising, counts uint64s.
              const isHist =
                typeof v === 'object' &&
                v.Buckets.length === v.Counts.length + 1 &&
                v.Buckets.every((b, i) => i === 0 || b > v.Buckets[i - 1]!) &&
                v.Counts.every((c) => Number.isSafeInteger(c) && c >= 0);
              const isUint64 = typeof v === 'bigint' ? v >= 0n && v < 1n << 64n : typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;
              const isFloat64 = typeof v === 'number' && Number.isFinite(v);
              const got = isHist ? 'histogram' : kind === 'float64' ? (isFloat64 ? 'float64' : 'bad') : isUint64 ? 'uint64' : 'bad';
              expect(got, `${name} = ${show(v)}`).toBe(kind);
            }
          });
          it('no /memory/classes metric is negative or overflowing (int64(v) < 0 in Go)', () => {
            for (const [name] of at(state).read) {
              if (!name.startsWith('/memory/classes') || name === '/memory/classes/total:bytes') continue;
              const v = u64(at(state).read, name);
              expect(v >= 0n && v <= maxInt64, `${name} = ${v}`).toBe(true);
            }
          });
          it('/memory/classes/total:bytes = the sum of /memory/classes/**', () => {
            const { read } = at(state);
            let sum = 0n;
            for (const [name] of read) if (name.startsWith('/memory/classes') && name !== '/memory/classes/total:bytes') sum += u64(read, name);
            expect(u64(read, '/memory/classes/total:bytes')).toBe(sum);
          });
          it('/gc/heap/allocs:objects − /gc/heap/frees:objects = /gc/heap/objects:objects', () => {
            const { read } = at(state);
            expect(u64(read, '/gc/heap/allocs:objects') - u64(read, '/gc/heap/frees:objects')).toBe(u64(read, '/gc/heap/objects:objects'));
          });
          it('/gc/heap/allocs:bytes − /gc/heap/frees:bytes = /memory/classes/heap/objects:bytes', () => {
            const { read } = at(state);
            expect(u64(read, '/gc/heap/allocs:bytes') - u64(read, '/gc/heap/frees:bytes')).toBe(u64(read, '/memory/classes/heap/objects:bytes'));
          });
          it('allocs-by-size and frees-by-size: the same buckets, allocs ≥ frees in each, totals = allocs, frees and objects', () => {
            const { read } = at(state);
            const a = hist(read, '/gc/heap/allocs-by-size:bytes');
            const f = hist(read, '/gc/heap/frees-by-size:bytes');
            expect(a.Buckets.length).toBe(a.Counts.length + 1);
            expect(f.Buckets.length).toBe(f.Counts.length + 1);
            expect(f.Buckets).toEqual(a.Buckets);
            a.Counts.forEach((c, i) => expect(c, `bucket ${i}`).toBeGreaterThanOrEqual(f.Counts[i]!));
            expect(B(samples(a)) - B(samples(f))).toBe(u64(read, '/gc/heap/objects:objects'));
            expect(B(samples(a))).toBe(u64(read, '/gc/heap/allocs:objects'));
            expect(B(samples(f))).toBe(u64(read, '/gc/heap/frees:objects'));
          });
          // Each small bucket is one size class, whose objects are (upper bound − 1) bytes each; the
          // last holds the large objects, each a whole number of 8 KiB pages, at least 5 (> 32 KiB).
          for (const [name, bytes] of [
            ['/gc/heap/allocs-by-size:bytes', '/gc/heap/allocs:bytes'],
            ['/gc/heap/frees-by-size:bytes', '/gc/heap/frees:bytes'],
          ] as const) {
            it(`${name}: the bucket-weighted bytes of the size classes plus whole pages of large objects = ${bytes}`, () => {
              const { read } = at(state);
              const h = hist(read, name);
              const last = h.Counts.length - 1;
              let small = 0n;
              for (let i = 0; i < last; i++) small += B(h.Counts[i]!) * B(h.Buckets[i + 1]! - 1);
              const large = u64(read, bytes) - small;
              expect(large % 8192n).toBe(0n);
              expect(large).toBeGreaterThanOrEqual(B(h.Counts[last]!) * 40960n);
              if (h.Counts[last] === 0) expect(large).toBe(0n);
            });
          }
          it('at least 2 GC pauses per GC (exactly 2, and the first of a cycle in its mark phase)', () => {
            const s = at(state);
            const pauses = B(samples(hist(s.read, '/gc/pauses:seconds')));
            const numGC = u64(s.read, '/gc/cycles/total:gc-cycles');
            expect(pauses).toBeGreaterThanOrEqual(numGC * 2n);
            expect(pauses).toBe(numGC * 2n + (s.marking ? 1n : 0n));
          });
          it('/gc/pauses:seconds = /sched/pauses/total/gc:seconds; stopping and total histograms count the same pauses', () => {
            const { read } = at(state);
            expect(hist(read, '/gc/pauses:seconds')).toEqual(hist(read, '/sched/pauses/total/gc:seconds'));
            expect(samples(hist(read, '/sched/pauses/stopping/gc:seconds'))).toBe(samples(hist(read, '/sched/pauses/total/gc:seconds')));
            expect(samples(hist(read, '/sched/pauses/stopping/other:seconds'))).toBe(samples(hist(read, '/sched/pauses/total/other:seconds')));
          });
          it('/cpu/classes/gc/pause:cpu-seconds = the sum of /sched/pauses/total/gc:seconds samples × GOMAXPROCS (within the buckets)', () => {
            const s = at(state);
            const { lo, hi } = sumBounds(hist(s.read, '/sched/pauses/total/gc:seconds'));
            const pause = f64(s.read, '/cpu/classes/gc/pause:cpu-seconds');
            expect(pause).toBeGreaterThanOrEqual(lo * s.gomaxprocs);
            if (hi === 0) expect(pause).toBe(0);
            else expect(pause).toBeLessThan(hi * s.gomaxprocs);
          });
          it('time histograms have Go’s buckets; /cgo, /godebug counts are 0 and mutex wait time ≥ 0', () => {
            const { read } = at(state);
            for (const [name, v] of read) {
              if (descriptions[name]?.kind === 'histogram' && !name.includes('-by-size')) expect(hist(read, name).Buckets, name).toBe(timeHistBuckets);
              if (name.startsWith('/godebug/')) expect(v, name).toBe(0);
            }
            expect(hist(read, '/gc/heap/allocs-by-size:bytes').Buckets).toBe(sizeClassBuckets);
            expect(u64(read, '/cgo/go-to-c-calls:calls')).toBe(0n);
            expect(f64(read, '/sync/mutex/wait/total:seconds')).toBeGreaterThanOrEqual(0);
          });
          it('/gc/scan/total:bytes > 0 and = heap + globals + stack', () => {
            const { read } = at(state);
            const total = u64(read, '/gc/scan/total:bytes');
            expect(total).toBeGreaterThan(0n);
            expect(total).toBe(u64(read, '/gc/scan/heap:bytes') + u64(read, '/gc/scan/globals:bytes') + u64(read, '/gc/scan/stack:bytes'));
          });
          it('/sched/gomaxprocs:threads = runtime.GOMAXPROCS(-1)', () => {
            const s = at(state);
            expect(s.gomaxprocs).toBe(prog.gomaxprocs);
            expect(u64(s.read, '/sched/gomaxprocs:threads')).toBe(B(s.gomaxprocs));
          });
          it('/sched/goroutines:goroutines ≥ 1', () => {
            expect(u64(at(state).read, '/sched/goroutines:goroutines')).toBeGreaterThanOrEqual(1n);
          });
          // Go checks these on Linux only; after its runtime.GC() calls, so the GC ones once a cycle has run.
          it('found time spent on GC work, and GC pauses, once a cycle has run', () => {
            const { read } = at(state);
            if (u64(read, '/gc/cycles/total:gc-cycles') === 0n) return;
            const assist = f64(read, '/cpu/classes/gc/mark/assist:cpu-seconds');
            const dedicated = f64(read, '/cpu/classes/gc/mark/dedicated:cpu-seconds');
            const idle = f64(read, '/cpu/classes/gc/mark/idle:cpu-seconds');
            expect(dedicated > 0 || assist > 0 || idle > 0).toBe(true);
            expect(f64(read, '/cpu/classes/gc/pause:cpu-seconds')).toBeGreaterThan(0);
          });
          it('found idle time, once a cycle has run', () => {
            const { read } = at(state);
            if (u64(read, '/gc/cycles/total:gc-cycles') === 0n) return;
            expect(f64(read, '/cpu/classes/idle:cpu-seconds')).toBeGreaterThan(0);
          });
          it('/cpu/classes/gc/total = assist + dedicated + idle + pause (within 0.1%)', () => {
            const { read } = at(state);
            const sum =
              f64(read, '/cpu/classes/gc/mark/dedicated:cpu-seconds') +
              f64(read, '/cpu/classes/gc/mark/assist:cpu-seconds') +
              f64(read, '/cpu/classes/gc/mark/idle:cpu-seconds') +
              f64(read, '/cpu/classes/gc/pause:cpu-seconds');
            expect(withinEpsilon(f64(read, '/cpu/classes/gc/total:cpu-seconds'), sum, 0.001), `${f64(read, '/cpu/classes/gc/total:cpu-seconds')} vs ${sum}`).toBe(true);
          });
          it('/cpu/classes/scavenge/total = assist + background (within 0.1%)', () => {
            const { read } = at(state);
            const sum = f64(read, '/cpu/classes/scavenge/assist:cpu-seconds') + f64(read, '/cpu/classes/scavenge/background:cpu-seconds');
            expect(withinEpsilon(f64(read, '/cpu/classes/scavenge/total:cpu-seconds'), sum, 0.001)).toBe(true);
          });
          // Go's /cpu/classes are work.cpuStats, accumulated at the GC's stop-the-world pauses: 0 until the
          // first cycle, which is why the Go test runs runtime.GC() before it reads.
          it('found total CPU time passed, once a cycle has run', () => {
            const { read } = at(state);
            if (u64(read, '/gc/cycles/total:gc-cycles') === 0n) return;
            expect(f64(read, '/cpu/classes/total:cpu-seconds')).toBeGreaterThan(0);
          });
          it('found user time passed, once a cycle has run', () => {
            const { read } = at(state);
            if (u64(read, '/gc/cycles/total:gc-cycles') === 0n) return;
            expect(f64(read, '/cpu/classes/user:cpu-seconds')).toBeGreaterThan(0);
          });
          it('/cpu/classes/total = gc + scavenge + user + idle (within 0.1%)', () => {
            const { read } = at(state);
            const sum =
              f64(read, '/cpu/classes/gc/total:cpu-seconds') +
              f64(read, '/cpu/classes/scavenge/total:cpu-seconds') +
              f64(read, '/cpu/classes/user:cpu-seconds') +
              f64(read, '/cpu/classes/idle:cpu-seconds');
            const total = f64(read, '/cpu/classes/total:cpu-seconds');
            if (!at(state).marking) {
              expect(withinEpsilon(total, sum, 0.001), `${total} vs ${sum}`).toBe(true);
              return;
            }
            // In a mark phase, gc/total already holds this cycle's sweep-termination pause (each
            // pause is added as it ends) but the rest is as of the last mark termination: the
            // classes add up to more than total, by less than the pauses so far (in Go too; its
            // test reads after runtime.GC() returns).
            expect(sum).toBeGreaterThan(total);
            expect(sum - total).toBeLessThan(f64(read, '/cpu/classes/gc/pause:cpu-seconds'));
          });
        });
      });
    }

    // TestReadMetricsCumulative's check, across the program's states in order (each read, then each
    // ReadMetricsSlow); the /cpu/classes ones apart, as some programs leave them out.
    const cumulative = (cpu: boolean) => () => {
      const reads = prog.states.flatMap((st) => [at(st).read, at(st).slow]);
      for (let i = 1; i < reads.length; i++) {
        for (const [name, v] of reads[i]!) {
          if (!descriptions[name]?.cumulative || name.startsWith('/cpu/classes/') !== cpu) continue;
          const old = reads[i - 1]!.get(name)!;
          expect(notDecreased(v, old), `${name} decreased: ${show(v)} < ${show(old)}`).toBe(true);
        }
      }
    };
    it('TestReadMetricsCumulative: no cumulative metric outside /cpu/classes decreases from one state to the next', cumulative(false));
    it('TestReadMetricsCumulative: no /cpu/classes metric decreases from one state to the next', cumulative(true));

    const covers = prog.covers;
    if (covers !== undefined) it('its states are what their names say', () => covers(at));
  });
}

// ──────────────────────── the tests that run programs of their own ────────────────────────

describe('the metric set', () => {
  it(`metrics.All() is real ${goRecord.version}'s: names, descriptions, kinds and cumulative flags, in its order`, () => {
    expect(goRecord.version).toBe('go1.23.5');
    expect(allDesc.map((d) => ({ ...d }))).toEqual(goRecord.all);
    expect(allDesc.length).toBe(88);
  });
  it(`the histograms' bucket boundaries are real ${goRecord.version}'s`, () => {
    // strconv's 'g' strings: "+Inf" and "-Inf" for the infinities.
    const goFloat = (f: string): number => (f === '+Inf' ? Infinity : f === '-Inf' ? -Infinity : Number(f));
    expect(timeHistBuckets).toEqual(goRecord.timeBuckets.map(goFloat));
    expect(sizeClassBuckets).toEqual(goRecord.sizeBuckets.map(goFloat));
  });
  // prepareAllMetricsSamples reads metrics.All() and metrics.Read all of them.
  it('go.metrics.All() and go.metrics.Read(): every metric Go 1.23 describes, of its kind, and none Go does not', () => {
    let all: readonly { Name: string; Kind: number }[] = [];
    let read = new Map<string, MetricSampleValue>();
    let named = new Map<string, MetricSampleValue>();
    let bad = new Map<string, MetricSampleValue | null>();
    runProgram(function* (go) {
      all = go.metrics.All();
      read = go.metrics.Read();
      named = known(go.metrics.Read(['/gc/pauses:seconds', '/sched/goroutines:goroutines']));
      bad = go.metrics.Read(['/gc/heap/goal:bytes', '/no/such:metric', '/gc/heap/goal:objects']);
      yield* go.runtime.GC();
    }, { GOMAXPROCS: '2' });
    expect(all.map((d) => d.Name)).toEqual(goRecord.all.map((d) => d.Name));
    expect([...read.keys()]).toEqual(goRecord.all.map((d) => d.Name));
    for (const d of all) {
      const v = read.get(d.Name)!;
      const kind = typeof v === 'object' ? KindFloat64Histogram : d.Kind === KindFloat64 ? KindFloat64 : KindUint64;
      expect(kind, d.Name).toBe(d.Kind);
    }
    expect([...named.keys()]).toEqual(['/gc/pauses:seconds', '/sched/goroutines:goroutines']);
    expect(typeof named.get('/gc/pauses:seconds')).toBe('object');
    // An unsupported name (or a known name with the wrong unit) is KindBad in Go: null here, not a 0 that reads as a value.
    expect([...bad.values()].map((v) => (v === null ? null : typeof v))).toEqual(['number', null, null]);
    // The readMetrics set (checkpoint lines carry exactly it) stays the scalars it was.
    const p = new GoProcess({ name: 'm', description: 'm', *main() {} }, { env: { GOMAXPROCS: '2' }, stdout: () => {}, stderr: () => {} });
    p.run();
    expect(p.readMetrics().size).toBe(46);
  });
});

describe('TestReadMetricsCumulative', () => {
  it('cumulative metrics only grow while a goroutine allocates and runs runtime.GC()', () => {
    const gens: Map<string, MetricSampleValue>[] = [];
    runProgram(function* (go) {
      // readMetricsSink [1024]interface{}: each slot holds the latest 1 KiB []byte.
      const any = T.interface();
      const g = go.globals({ sink: T.slice(any) });
      g.sink = go.make(T.slice(any), 1024);
      const sink = g.sink as Slice;
      let done = false;
      const wg = go.sync.WaitGroup();
      wg.Add(1);
      go.go('main.noise', function* (gn) {
        for (;;) {
          for (let i = 0; i < 1024; i++) {
            gn.set(sink, i, gn.box(gn.make(bytes, 1024), bytes));
            if (done) {
              wg.Done();
              return;
            }
            if (i % 64 === 63) yield* gn.runtime.Gosched();
          }
          yield* gn.runtime.GC();
        }
      });
      // The first generation, then nine more; the noise goroutine runs between reads.
      for (let gen = 0; gen < 10; gen++) {
        gens.push(go.metrics.Read());
        yield* go.time.Sleep(300_000);
      }
      done = true;
      yield* wg.Wait();
    }, { GOMAXPROCS: '2' });
    expect(gens.length).toBe(10);
    // The noise did run cycles between the reads, or the test shows nothing.
    expect(u64(gens[9]!, '/gc/cycles/forced:gc-cycles')).toBeGreaterThan(u64(gens[0]!, '/gc/cycles/forced:gc-cycles'));
    for (const name of ['/gc/pauses:seconds', '/sched/latencies:seconds', '/gc/heap/allocs-by-size:bytes', '/gc/heap/frees-by-size:bytes']) {
      expect(samples(hist(gens[9]!, name)), name).toBeGreaterThan(samples(hist(gens[0]!, name)));
    }
    for (let gen = 1; gen < 10; gen++) {
      for (const [name, v] of gens[gen]!) {
        if (!descriptions[name]?.cumulative) continue;
        const old = gens[gen - 1]!.get(name)!;
        expect(notDecreased(v, old), `${name} decreased: ${show(v)} < ${show(old)}`).toBe(true);
      }
    }
  });
});

describe('TestCPUMetricsSleep', () => {
  it('time.Sleep(100ms) adds at least 100 ms × (GOMAXPROCS − 0.5) of idle CPU time', () => {
    const names = [
      '/cpu/classes/idle:cpu-seconds',
      '/cpu/classes/gc/mark/assist:cpu-seconds',
      '/cpu/classes/gc/mark/dedicated:cpu-seconds',
      '/cpu/classes/gc/mark/idle:cpu-seconds',
      '/cpu/classes/gc/pause:cpu-seconds',
      '/cpu/classes/gc/total:cpu-seconds',
      '/cpu/classes/scavenge/assist:cpu-seconds',
      '/cpu/classes/scavenge/background:cpu-seconds',
      '/cpu/classes/scavenge/total:cpu-seconds',
      '/cpu/classes/total:cpu-seconds',
      '/cpu/classes/user:cpu-seconds',
    ];
    const dur = 100_000_000;
    let m1 = new Map<string, MetricSampleValue>();
    let m2 = new Map<string, MetricSampleValue>();
    let gomaxprocs = 0;
    runProgram(function* (go) {
      gomaxprocs = go.runtime.GOMAXPROCS();
      // No background scavenge work left; the runtime.GC() calls leave the sweeper nothing to do in the sleep.
      yield* go.debug.FreeOSMemory();
      // Go retries up to 10 times because the OS may deschedule it; gomem's virtual time needs one try.
      yield* go.runtime.GC();
      m1 = known(go.metrics.Read(names));
      yield* go.time.Sleep(dur);
      yield* go.runtime.GC();
      m2 = known(go.metrics.Read(names));
    }, { GOMAXPROCS: '4' });
    const minIdleCPUSeconds = (dur / 1e9) * (gomaxprocs - 0.5);
    const dt = f64(m2, '/cpu/classes/idle:cpu-seconds') - f64(m1, '/cpu/classes/idle:cpu-seconds');
    expect(dt).toBeGreaterThanOrEqual(minIdleCPUSeconds);
  });
});

describe('TestCPUStats', () => {
  // Go compares runtime.ReadCPUStats' nanosecond counters exactly; gomem's come out of
  // metrics.Read in seconds (ns / 1e9), so each sum is compared back in ns to within
  // the rounding of that division.
  it('the CPU classes add up, and total, GC and idle time are not zero', () => {
    let read = new Map<string, MetricSampleValue>();
    runProgram(function* (go) {
      yield* go.runtime.GC();
      yield* go.runtime.GC();
      yield* go.runtime.GC();
      yield* go.time.Sleep(1_000_000);
      read = go.metrics.Read();
    }, { GOMAXPROCS: '4' });
    const ns = (name: string): number => f64(read, name) * 1e9;
    const gcTotal = ns('/cpu/classes/gc/mark/assist:cpu-seconds') + ns('/cpu/classes/gc/mark/dedicated:cpu-seconds') + ns('/cpu/classes/gc/mark/idle:cpu-seconds') + ns('/cpu/classes/gc/pause:cpu-seconds');
    expect(Math.abs(gcTotal - ns('/cpu/classes/gc/total:cpu-seconds'))).toBeLessThan(1);
    const scavTotal = ns('/cpu/classes/scavenge/assist:cpu-seconds') + ns('/cpu/classes/scavenge/background:cpu-seconds');
    expect(Math.abs(scavTotal - ns('/cpu/classes/scavenge/total:cpu-seconds'))).toBeLessThan(1);
    const total = gcTotal + scavTotal + ns('/cpu/classes/idle:cpu-seconds') + ns('/cpu/classes/user:cpu-seconds');
    expect(Math.abs(total - ns('/cpu/classes/total:cpu-seconds'))).toBeLessThan(1);
    expect(total).not.toBe(0);
    expect(gcTotal).not.toBe(0);
    expect(ns('/cpu/classes/idle:cpu-seconds')).not.toBe(0);
  });
});

describe('TestMetricHeapUnusedLargeObjectOverflow', () => {
  it('/memory/classes/heap/unused:bytes never wraps while 1 MiB objects are allocated and collected', () => {
    const values: bigint[] = [];
    let cycles = 0;
    runProgram(function* (go) {
      const g = go.globals({ escape: bytes });
      let done = false;
      const wg = go.sync.WaitGroup();
      wg.Add(1);
      go.go('main.bigAllocs', function* (gb) {
        for (;;) {
          for (let i = 0; i < 10; i++) g.escape = gb.make(bytes, 1 << 20);
          yield* gb.runtime.GC();
          cycles++;
          if (done) break;
        }
        wg.Done();
      });
      for (let i = 0; i < 1000; i++) {
        values.push(u64(known(go.metrics.Read(['/memory/classes/heap/unused:bytes'])), '/memory/classes/heap/unused:bytes'));
        yield* go.time.Sleep(20_000);
      }
      done = true;
      yield* wg.Wait();
    }, { GOMAXPROCS: '2' });
    expect(values.length).toBe(1000);
    expect(cycles).toBeGreaterThan(10);
    // Go: value > 1<<40 is the wrapped uint64; gomem's numbers would go negative instead.
    for (const v of values) expect(v >= 0n && v <= 1n << 40n, `unused = ${v}`).toBe(true);
  });
});

describe('TestSchedPauseMetrics', () => {
  const names = ['/sched/pauses/stopping/gc:seconds', '/sched/pauses/stopping/other:seconds', '/sched/pauses/total/gc:seconds', '/sched/pauses/total/other:seconds'];
  /** The sample counts of the four histograms around fn: GC ones, then other ones. */
  function around(fn: (go: Go) => GoroutineBody): { before: number[]; after: number[] } {
    let before: number[] = [];
    let after: number[] = [];
    runProgram(function* (go) {
      // Go disables automatic cycles so that only fn's pauses show.
      go.debug.SetGCPercent(-1);
      const m1 = known(go.metrics.Read(names));
      before = names.map((n) => samples(hist(m1, n)));
      yield* fn(go);
      const m2 = known(go.metrics.Read(names));
      after = names.map((n) => samples(hist(m2, n)));
    }, { GOMAXPROCS: '2' });
    return { before, after };
  }
  it('runtime.GC: the GC stopping and total counts grow (by its 2 pauses), the other ones do not', () => {
    const { before, after } = around(function* (go) {
      yield* go.runtime.GC();
    });
    expect(after[0]).toBe(before[0]! + 2);
    expect(after[2]).toBe(before[2]! + 2);
    expect(after[1]).toBe(before[1]);
    expect(after[3]).toBe(before[3]);
  });
  it('runtime.ReadMemStats: the other stopping and total counts grow (by its 1 pause), the GC ones do not', () => {
    const { before, after } = around(function* (go) {
      go.runtime.ReadMemStats();
      yield* go.runtime.Gosched();
    });
    expect(after[1]).toBe(before[1]! + 1);
    expect(after[3]).toBe(before[3]! + 1);
    expect(after[0]).toBe(before[0]);
    expect(after[2]).toBe(before[2]);
  });
  it('each GC pause lands in the bucket of its duration: the two pauses of runtime.GC sum to its MemStats.PauseNs', () => {
    let h: Float64Histogram | null = null;
    let pauseNs = 0;
    runProgram(function* (go) {
      go.debug.SetGCPercent(-1);
      yield* go.runtime.GC();
      h = hist(known(go.metrics.Read(['/sched/pauses/total/gc:seconds'])), '/sched/pauses/total/gc:seconds');
      const ms = go.runtime.ReadMemStats();
      pauseNs = ms.PauseNs[(ms.NumGC + 255) % 256]!;
    }, { GOMAXPROCS: '2' });
    expect(samples(h!)).toBe(2);
    const { lo, hi } = sumBounds(h!);
    expect(pauseNs).toBeGreaterThan(0);
    expect(pauseNs / 1e9).toBeGreaterThanOrEqual(lo);
    expect(pauseNs / 1e9).toBeLessThan(hi);
  });
});

describe('TestMutexWaitTimeMetric (sync.Mutex)', () => {
  // generateMutexWaitTime: main holds the lock; a goroutine blocks in Lock; main sleeps 100 ms
  // and unlocks. Go sets CasGStatusAlwaysTrack, so every wait is tracked — and still scaled
  // by gTrackingPeriod, as for the sampled ones.
  function run(alwaysTrack: boolean): { waited: number; metric: number; blockedAt: number; unlockedAt: number } {
    let before = 0;
    let after = 0;
    let blockedAt = 0;
    let unlockedAt = 0;
    runProgram(function* (go) {
      go.p.sched.casgstatusAlwaysTrack = alwaysTrack;
      const mu = go.sync.Mutex();
      const wg = go.sync.WaitGroup();
      const read = (): number => f64(known(go.metrics.Read(['/sync/mutex/wait/total:seconds'])), '/sync/mutex/wait/total:seconds');
      before = read();
      yield* mu.Lock();
      wg.Add(1);
      go.go('main.waiter', function* (gw) {
        blockedAt = gw.p.clock.now;
        yield* mu.Lock();
        mu.Unlock();
        wg.Done();
      });
      // Make sure the goroutine actually blocks on the lock. Go's loop calls Gosched; in gomem a
      // Gosched takes no virtual time and main, back from the global queue, keeps winning P0's
      // tie against P1's runnext where the waiter sits, so the loop sleeps instead.
      const waiting = (): boolean => go.p.sched.allgs.some((g) => g.name === 'main.waiter' && g.status === _Gwaiting && g.waitreason === 'sync.Mutex.Lock');
      while (!waiting()) yield* go.time.Sleep(1000);
      yield* go.time.Sleep(100_000_000);
      unlockedAt = go.p.clock.now;
      mu.Unlock();
      yield* wg.Wait();
      go.p.sched.casgstatusAlwaysTrack = false;
      after = read();
    }, { GOMAXPROCS: '2' });
    return { waited: unlockedAt - blockedAt, metric: after - before, blockedAt, unlockedAt };
  }
  it('a 100 ms block shows at least 100 ms of mutex wait time', () => {
    const { metric } = run(true);
    expect(metric).toBeGreaterThanOrEqual(0.1);
  });
  it('the tracked wait counts gTrackingPeriod times over, from the Lock that blocked to the Unlock that readied it', () => {
    const { metric, waited } = run(true);
    expect(waited).toBeGreaterThanOrEqual(100_000_000);
    expect(Math.abs(metric * 1e9 - gTrackingPeriod * waited)).toBeLessThan(1);
  });
});

describe('/sched/latencies:seconds', () => {
  const name = '/sched/latencies:seconds';
  it('a goroutine made runnable while the only P stays busy for 1 ms waits 1 ms: one sample in the bucket of 1 ms', () => {
    let h: Float64Histogram | null = null;
    let base: Float64Histogram | null = null;
    runProgram(function* (go) {
      // Every transition out of running is tracked; a new goroutine's first run only one time in
      // 8 (newproc1 draws it), so main.late is timed from its second run on.
      go.p.sched.casgstatusAlwaysTrack = true;
      const start = go.sync.WaitGroup();
      const done = go.sync.WaitGroup();
      start.Add(1);
      done.Add(1);
      go.go('main.late', function* () {
        yield* start.Wait();
        done.Done();
      });
      yield* go.time.Sleep(1000); // main.late runs and blocks in Wait
      base = hist(known(go.metrics.Read([name])), name);
      start.Done(); // main.late is runnable from here…
      yield* go.work(1_000_000); // …while main keeps the only P for 1 ms
      yield* done.Wait();
      go.p.sched.casgstatusAlwaysTrack = false;
      h = hist(known(go.metrics.Read([name])), name);
    }, { GOMAXPROCS: '1' });
    const d = h!.Counts.map((c, i) => c - base!.Counts[i]!);
    // main.late waited from start.Done to main's done.Wait; main, readied by done.Done, waited
    // for nothing but the switch back. Nothing else waited 0.5 ms or more.
    expect(samples({ Counts: d, Buckets: h!.Buckets })).toBe(2);
    const long = d.flatMap((c, i) => (c > 0 && h!.Buckets[i + 1]! > 0.5e-3 ? [i] : []));
    expect(long.length).toBe(1);
    const i = long[0]!;
    expect(d[i]).toBe(1);
    expect(h!.Buckets[i]).toBeLessThanOrEqual(1e-3);
    expect(h!.Buckets[i + 1]).toBeGreaterThan(1e-3);
  });
  it('samples one in gTrackingPeriod (8) of a goroutine’s runs, at a random phase', () => {
    const runs = 800;
    let got = 0;
    let always = 0;
    for (const track of [false, true]) {
      runProgram(function* (go) {
        go.p.sched.casgstatusAlwaysTrack = track;
        const wg = go.sync.WaitGroup();
        wg.Add(1);
        // Main waits for the goroutine on a channel-free WaitGroup; the goroutine yields `runs` times.
        go.go('main.yielder', function* (gy) {
          for (let i = 0; i < runs; i++) yield* gy.runtime.Gosched();
          wg.Done();
        });
        const before = samples(hist(known(go.metrics.Read([name])), name));
        yield* wg.Wait();
        const n = samples(hist(known(go.metrics.Read([name])), name)) - before;
        if (track) always = n;
        else got = n;
      }, { GOMAXPROCS: '1' });
    }
    // Tracking every transition: the yielder's run after each Gosched and main's return from
    // Wait; the yielder's first run as newproc1 decides, one time in 8.
    expect(always).toBeGreaterThanOrEqual(runs + 1);
    expect(always).toBeLessThanOrEqual(runs + 2);
    // Sampled: exactly one of each 8 consecutive transitions out of running is tracked (the
    // goroutine's uint8 trackingSeq), so 100 of the 800 runs after a Gosched; main's return and
    // the yielder's first run add at most one each.
    expect(got).toBeGreaterThanOrEqual(runs / gTrackingPeriod);
    expect(got).toBeLessThanOrEqual(runs / gTrackingPeriod + 2);
  });
});
