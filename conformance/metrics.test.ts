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
// Not ported, because gomem has no such metric yet (issue 10 completes the
// set): the histograms /gc/heap/allocs-by-size:bytes and
// /gc/heap/frees-by-size:bytes (TestReadMetrics' per-size-class comparison
// with MemStats.BySize, its tiny-allocation count derived from the
// allocs-by-size total, and TestReadMetricsConsistency's histogram shape
// and count checks), /gc/pauses:seconds and /sched/pauses/* (TestReadMetrics'
// /gc/pauses = /sched/pauses/total/gc, the "at least 2 pauses per GC"
// check, TestSchedPauseMetrics), /cgo/go-to-c-calls:calls (gomem runs no
// cgo), /sync/mutex/wait/total:seconds (TestMutexWaitTimeMetric,
// TestRuntimeLockMetricsAndProfile), /sched/latencies:seconds and
// /godebug/non-default-behavior/*.

import { beforeAll, describe, expect, it } from 'vitest';
import type { Go } from '../src/go/api.ts';
import { GoProcess } from '../src/go/process.ts';
import type { Program } from '../src/go/program.ts';
import { T } from '../src/go/types.ts';
import type { Ptr, Slice } from '../src/go/values.ts';
import type { MetricValue } from '../src/runtime/metrics.ts';
import { heapTotals, type MemStatsSnapshot, readMemStats } from '../src/runtime/mstats.ts';
import type { GoroutineBody } from '../src/runtime/runtime2.ts';
import { scenarios } from '../src/scenarios/index.ts';

// ──────────────────────── Go 1.23's metric descriptions (runtime/metrics/description.go) ────────────────────────

type Kind = 'uint64' | 'float64' | 'histogram';

/** Every metric Go 1.23 describes (the /godebug/* ones aside): its kind and whether it is cumulative. */
const descriptions: Record<string, { kind: Kind; cumulative: boolean }> = {
  '/cgo/go-to-c-calls:calls': { kind: 'uint64', cumulative: true },
  '/cpu/classes/gc/mark/assist:cpu-seconds': { kind: 'float64', cumulative: true },
  '/cpu/classes/gc/mark/dedicated:cpu-seconds': { kind: 'float64', cumulative: true },
  '/cpu/classes/gc/mark/idle:cpu-seconds': { kind: 'float64', cumulative: true },
  '/cpu/classes/gc/pause:cpu-seconds': { kind: 'float64', cumulative: true },
  '/cpu/classes/gc/total:cpu-seconds': { kind: 'float64', cumulative: true },
  '/cpu/classes/idle:cpu-seconds': { kind: 'float64', cumulative: true },
  '/cpu/classes/scavenge/assist:cpu-seconds': { kind: 'float64', cumulative: true },
  '/cpu/classes/scavenge/background:cpu-seconds': { kind: 'float64', cumulative: true },
  '/cpu/classes/scavenge/total:cpu-seconds': { kind: 'float64', cumulative: true },
  '/cpu/classes/total:cpu-seconds': { kind: 'float64', cumulative: true },
  '/cpu/classes/user:cpu-seconds': { kind: 'float64', cumulative: true },
  '/gc/cycles/automatic:gc-cycles': { kind: 'uint64', cumulative: true },
  '/gc/cycles/forced:gc-cycles': { kind: 'uint64', cumulative: true },
  '/gc/cycles/total:gc-cycles': { kind: 'uint64', cumulative: true },
  '/gc/gogc:percent': { kind: 'uint64', cumulative: false },
  '/gc/gomemlimit:bytes': { kind: 'uint64', cumulative: false },
  '/gc/heap/allocs-by-size:bytes': { kind: 'histogram', cumulative: true },
  '/gc/heap/allocs:bytes': { kind: 'uint64', cumulative: true },
  '/gc/heap/allocs:objects': { kind: 'uint64', cumulative: true },
  '/gc/heap/frees-by-size:bytes': { kind: 'histogram', cumulative: true },
  '/gc/heap/frees:bytes': { kind: 'uint64', cumulative: true },
  '/gc/heap/frees:objects': { kind: 'uint64', cumulative: true },
  '/gc/heap/goal:bytes': { kind: 'uint64', cumulative: false },
  '/gc/heap/live:bytes': { kind: 'uint64', cumulative: false },
  '/gc/heap/objects:objects': { kind: 'uint64', cumulative: false },
  '/gc/heap/tiny/allocs:objects': { kind: 'uint64', cumulative: true },
  '/gc/limiter/last-enabled:gc-cycle': { kind: 'uint64', cumulative: false },
  '/gc/pauses:seconds': { kind: 'histogram', cumulative: true },
  '/gc/scan/globals:bytes': { kind: 'uint64', cumulative: false },
  '/gc/scan/heap:bytes': { kind: 'uint64', cumulative: false },
  '/gc/scan/stack:bytes': { kind: 'uint64', cumulative: false },
  '/gc/scan/total:bytes': { kind: 'uint64', cumulative: false },
  '/gc/stack/starting-size:bytes': { kind: 'uint64', cumulative: false },
  '/memory/classes/heap/free:bytes': { kind: 'uint64', cumulative: false },
  '/memory/classes/heap/objects:bytes': { kind: 'uint64', cumulative: false },
  '/memory/classes/heap/released:bytes': { kind: 'uint64', cumulative: false },
  '/memory/classes/heap/stacks:bytes': { kind: 'uint64', cumulative: false },
  '/memory/classes/heap/unused:bytes': { kind: 'uint64', cumulative: false },
  '/memory/classes/metadata/mcache/free:bytes': { kind: 'uint64', cumulative: false },
  '/memory/classes/metadata/mcache/inuse:bytes': { kind: 'uint64', cumulative: false },
  '/memory/classes/metadata/mspan/free:bytes': { kind: 'uint64', cumulative: false },
  '/memory/classes/metadata/mspan/inuse:bytes': { kind: 'uint64', cumulative: false },
  '/memory/classes/metadata/other:bytes': { kind: 'uint64', cumulative: false },
  '/memory/classes/os-stacks:bytes': { kind: 'uint64', cumulative: false },
  '/memory/classes/other:bytes': { kind: 'uint64', cumulative: false },
  '/memory/classes/profiling/buckets:bytes': { kind: 'uint64', cumulative: false },
  '/memory/classes/total:bytes': { kind: 'uint64', cumulative: false },
  '/sched/gomaxprocs:threads': { kind: 'uint64', cumulative: false },
  '/sched/goroutines:goroutines': { kind: 'uint64', cumulative: false },
  '/sched/latencies:seconds': { kind: 'histogram', cumulative: true },
  '/sched/pauses/stopping/gc:seconds': { kind: 'histogram', cumulative: true },
  '/sched/pauses/stopping/other:seconds': { kind: 'histogram', cumulative: true },
  '/sched/pauses/total/gc:seconds': { kind: 'histogram', cumulative: true },
  '/sched/pauses/total/other:seconds': { kind: 'histogram', cumulative: true },
  '/sync/mutex/wait/total:seconds': { kind: 'float64', cumulative: true },
};

/** The metrics these tests read that gomem does not have yet (issue 10); every other one must be there. */
const notYetInGomem = new Set([
  '/cgo/go-to-c-calls:calls',
  '/gc/heap/allocs-by-size:bytes',
  '/gc/heap/frees-by-size:bytes',
  '/gc/pauses:seconds',
  '/sched/latencies:seconds',
  '/sched/pauses/stopping/gc:seconds',
  '/sched/pauses/stopping/other:seconds',
  '/sched/pauses/total/gc:seconds',
  '/sched/pauses/total/other:seconds',
  '/sync/mutex/wait/total:seconds',
]);

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
  read: Map<string, MetricValue>;
  /** ReadMetricsSlow: the MemStats readmemstats_m produced and the metrics read after it. */
  mstats: MemStatsSnapshot;
  slow: Map<string, MetricValue>;
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
  const read = p.readMetrics();
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
  const slow = p.readMetrics();
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
function u64(m: Map<string, MetricValue>, name: string): bigint {
  const v = m.get(name);
  if (v === undefined) throw new Error(`metric ${name} is not supported`);
  return BigInt(v);
}

function f64(m: Map<string, MetricValue>, name: string): number {
  const v = m.get(name);
  if (typeof v !== 'number') throw new Error(`metric ${name} is not a float64`);
  return v;
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
              // A uint64 is an integer in [0, 2^64); a float64 a finite number (0 seconds included).
              const isUint64 = typeof v === 'bigint' ? v >= 0n && v < 1n << 64n : Number.isSafeInteger(v) && v >= 0;
              const isFloat64 = typeof v === 'number' && Number.isFinite(v);
              const got = kind === 'float64' ? (isFloat64 ? 'float64' : 'bad') : isUint64 ? 'uint64' : 'bad';
              expect(got, `${name} = ${v}`).toBe(kind);
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
          expect(v >= old, `${name} decreased: ${v} < ${old}`).toBe(true);
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
  // prepareAllMetricsSamples reads metrics.All(); here, what gomem reports against Go 1.23's descriptions.
  it('gomem reports every metric Go 1.23 describes but those issue 10 adds, and none Go does not', () => {
    const p = new GoProcess({ name: 'm', description: 'm', *main() {} }, { env: { GOMAXPROCS: '2' }, stdout: () => {}, stderr: () => {} });
    p.run();
    const got = [...p.readMetrics().keys()];
    expect(got.filter((n) => descriptions[n] === undefined)).toEqual([]);
    expect(Object.keys(descriptions).filter((n) => !got.includes(n))).toEqual([...notYetInGomem]);
  });
});

describe('TestReadMetricsCumulative', () => {
  it('cumulative metrics only grow while a goroutine allocates and runs runtime.GC()', () => {
    const gens: Map<string, MetricValue>[] = [];
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
    for (let gen = 1; gen < 10; gen++) {
      for (const [name, v] of gens[gen]!) {
        if (!descriptions[name]?.cumulative) continue;
        const old = gens[gen - 1]!.get(name)!;
        expect(v >= old, `${name} decreased: ${v} < ${old}`).toBe(true);
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
    let m1 = new Map<string, MetricValue>();
    let m2 = new Map<string, MetricValue>();
    let gomaxprocs = 0;
    runProgram(function* (go) {
      gomaxprocs = go.runtime.GOMAXPROCS();
      // No background scavenge work left; the runtime.GC() calls leave the sweeper nothing to do in the sleep.
      yield* go.debug.FreeOSMemory();
      // Go retries up to 10 times because the OS may deschedule it; gomem's virtual time needs one try.
      yield* go.runtime.GC();
      m1 = go.metrics.Read(names);
      yield* go.time.Sleep(dur);
      yield* go.runtime.GC();
      m2 = go.metrics.Read(names);
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
    let read = new Map<string, MetricValue>();
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
        values.push(u64(go.metrics.Read(['/memory/classes/heap/unused:bytes']), '/memory/classes/heap/unused:bytes'));
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
