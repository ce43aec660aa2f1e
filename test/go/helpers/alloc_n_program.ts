// Random allocation workloads for allocN's equality test
// (test/go/alloc_n.test.ts): the same workload written with go.allocN and
// with the plain loops allocN stands for, run with the same settings; every
// output of the two runs must be byte-identical.

import fc from 'fast-check';
import type { Go } from '../../../src/go/api.ts';
import type { GoroutineBody } from '../../../src/runtime/runtime2.ts';
import type { Chan } from '../../../src/go/chan.ts';
import { defineProgram, type Program } from '../../../src/go/program.ts';
import { type RunRecord, runProgram } from '../../../src/go/runs.ts';
import { type GoType, T } from '../../../src/go/types.ts';

const Node = T.declare('main.allocNode');
T.define(Node, T.struct([['next', T.pointer(Node)], ['val', T.int64]]));

/** Types of every path through mallocgc: tiny, noscan and scan size classes, malloc headers (> 512 B scan), large. */
export const allocTypes: readonly GoType[] = [
  T.array(T.byte, 4), // tiny
  T.array(T.byte, 12), // tiny
  T.int64, // tiny (8 B noscan)
  T.array(T.byte, 16),
  T.array(T.byte, 48),
  T.array(T.byte, 100),
  T.array(T.byte, 1000),
  T.array(T.byte, 5000),
  T.array(T.byte, 40000), // large
  Node, // 16 B scan
  T.array(T.unsafePointer, 3), // 24 B, all pointers
  T.struct([['p', T.pointer(T.int64)], ['pad', T.array(T.byte, 40)], ['q', T.unsafePointer]]), // 56 B, mixed
  T.array(T.pointer(Node), 64), // 512 B: bits in the span
  T.struct([['p', T.unsafePointer], ['pad', T.array(T.byte, 600)]]), // 608 B: malloc header
  T.array(T.unsafePointer, 1500), // 12000 B: malloc header
  T.array(T.unsafePointer, 5000), // large scan
];

export type Op =
  /** n objects of allocTypes[t]: dropped, stored in a fresh slice (from `from`, `over` elements past its end), in a global array (from `from`), or in the sink variable. */
  | { op: 'bulk'; t: number; n: number; dst: 'none' | 'slice' | 'sink' | 'array'; slot: number; from: number; over: number }
  /** One other allocation in between: a []byte of `size` bytes, kept in keep slot `slot` or dropped. */
  | { op: 'other'; size: number; slot: number; keep: boolean }
  /** Let go of a kept slot. */
  | { op: 'drop'; slot: number }
  | { op: 'sleep'; us: number }
  | { op: 'checkpoint' };

const slots = 4;

const opArb: fc.Arbitrary<Op> = fc.oneof(
  {
    weight: 6,
    arbitrary: fc.record({
      op: fc.constant('bulk' as const),
      t: fc.nat(allocTypes.length - 1),
      n: fc.oneof(fc.nat(3), fc.nat(200), fc.nat(3000)),
      dst: fc.constantFrom('none' as const, 'slice' as const, 'sink' as const, 'array' as const),
      slot: fc.nat(slots - 1),
      from: fc.nat(20),
      over: fc.oneof({ weight: 12, arbitrary: fc.constant(0) }, { weight: 1, arbitrary: fc.integer({ min: 1, max: 3 }) }),
    }),
  },
  { weight: 3, arbitrary: fc.record({ op: fc.constant('other' as const), size: fc.oneof(fc.integer({ min: 1, max: 600 }), fc.integer({ min: 1, max: 50000 })), slot: fc.nat(slots - 1), keep: fc.boolean() }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('drop' as const), slot: fc.nat(slots - 1) }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('sleep' as const), us: fc.integer({ min: 1, max: 3000 }) }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('checkpoint' as const) }) },
);

export interface Workload {
  /** The main goroutine's ops, then each worker's. */
  main: Op[];
  workers: Op[][];
  gogc: number;
  procs: number;
  memprofilerate: number;
  seed: number;
  /** A cgroup memory.max in MiB (the OOM killer may strike mid-batch, at a page fault), or 0 for none. */
  cgroupMiB?: number;
}

export const workloadArb: fc.Arbitrary<Workload> = fc.record({
  main: fc.array(opArb, { minLength: 1, maxLength: 14 }),
  workers: fc.array(fc.array(opArb, { maxLength: 8 }), { maxLength: 3 }),
  gogc: fc.constantFrom(5, 10, 25, 50),
  procs: fc.integer({ min: 1, max: 4 }),
  memprofilerate: fc.constantFrom(1, 512, 4096, 65536),
  seed: fc.integer({ min: 1, max: 1000 }),
  cgroupMiB: fc.oneof({ weight: 3, arbitrary: fc.constant(0) }, { weight: 1, arbitrary: fc.integer({ min: 6, max: 40 }) }),
});

/** The workload as a program: with go.allocN (bulk) or with the loops it stands for. */
export function workloadProgram(w: Workload, bulk: boolean): Program {
  return defineProgram({
    name: 'alloc-n',
    description: 'allocN equality workload',
    memProfile: true,
    *main(go) {
      const ptrs = T.slice(T.unsafePointer);
      const g = go.globals({ k0: ptrs, k1: ptrs, k2: ptrs, k3: ptrs, b0: T.slice(T.byte), b1: T.slice(T.byte), b2: T.slice(T.byte), b3: T.slice(T.byte), sink: T.unsafePointer, arr: T.array(T.unsafePointer, 3000), done: T.chan(T.int) });
      const gv = g as unknown as Record<string, unknown>;
      const sinkAddr = go.globalAddr(g, 'sink');
      const arrAddr = go.globalAddr(g, 'arr');
      go.locals('main.main', {}, 64);
      function* run(x: Go, ops: readonly Op[]): GoroutineBody {
        for (const o of ops) {
          switch (o.op) {
            case 'bulk': {
              const t = allocTypes[o.t]!;
              // Both ways in one expression, so on one line before and after any transform: a heap-profile
              // sample records the program's source line of the call (allocN runs once, the loop's body n times).
              const m = bulk ? 1 : o.n;
              if (o.dst === 'none') {
                for (let i = 0; i < m; i++) bulk ? x.allocN(t, o.n) : x.new(t);
              } else if (o.dst === 'sink') {
                for (let i = 0; i < m; i++) bulk ? x.allocN(t, o.n, sinkAddr) : (g.sink = x.new(t));
              } else if (o.dst === 'array') {
                for (let i = 0; i < m; i++) bulk ? x.allocN(t, o.n, arrAddr, o.from) : x.set(arrAddr, o.from + i, x.new(t));
              } else {
                const s = x.make(ptrs, Math.max(0, o.from + o.n - o.over));
                gv[`k${o.slot}`] = s;
                for (let i = 0; i < m; i++) bulk ? x.allocN(t, o.n, s, o.from) : x.set(s, o.from + i, x.new(t));
              }
              break;
            }
            case 'other': {
              const b = x.make(T.slice(T.byte), o.size);
              if (o.keep) gv[`b${o.slot}`] = b;
              break;
            }
            case 'drop':
              gv[`k${o.slot}`] = null;
              break;
            case 'sleep':
              yield* x.time.Sleep(o.us * 1000);
              break;
            case 'checkpoint':
              x.checkpoint('cp');
              break;
          }
        }
      }
      g.done = go.makeChan(T.chan(T.int), w.workers.length);
      w.workers.forEach((ops, i) => {
        go.go(`main.worker${i}`, function* (x) {
          yield* run(x, ops);
          yield* (g.done as Chan).send(1);
        });
      });
      yield* run(go, w.main);
      for (let i = 0; i < w.workers.length; i++) yield* (g.done as Chan).recv();
      const ms = go.runtime.ReadMemStats();
      go.fmt.Println(go.str(`Mallocs=${ms.Mallocs} Frees=${ms.Frees} HeapAlloc=${ms.HeapAlloc} TotalAlloc=${ms.TotalAlloc} NumGC=${ms.NumGC} PauseTotalNs=${ms.PauseTotalNs}`));
    },
  });
}

export interface Outputs {
  run: RunRecord | null;
  /** The heap profile at exit (pprof bytes, as hex). */
  profile: string;
  /** What the model threw, if it failed (an internal error ends both runs alike, or the two differ). */
  error: string;
}

/** Runs the workload one way; every output the run has. */
export function runWorkload(w: Workload, bulk: boolean): Outputs {
  let profile = '';
  try {
    const run = runProgram(workloadProgram(w, bulk), {
      env: { GOGC: String(w.gogc), GOMAXPROCS: String(w.procs), GODEBUG: `gctrace=1,memprofilerate=${w.memprofilerate}` },
      seed: w.seed,
      ncpu: 4,
      ...(w.cgroupMiB ? { cgroupMemoryMax: w.cgroupMiB << 20 } : {}),
      onCheckpoint: (_json, name, p) => {
        if (name === 'exit') profile = Buffer.from(p.heapProfile()).toString('hex');
      },
    });
    return { run, profile, error: '' };
  } catch (e) {
    return { run: null, profile, error: e instanceof Error ? e.message : String(e) };
  }
}

/** Every output of a run as one string. */
export function outputsText(o: Outputs): string {
  const { run } = o;
  return JSON.stringify({ stdout: run?.stdout, stderr: run?.stderr, checkpoints: run?.checkpoints, result: run?.result, profile: o.profile, error: o.error });
}
