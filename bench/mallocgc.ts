// mallocgc as users run it, next to real Go 1.23 in the same invocation:
// `sink = new(T)` for the tiny, small noscan, small scan and large paths,
// on both sides at GOGC=100 and GOMAXPROCS=1 over the same steady live heap
// of 64 MiB (1024 pointer-free 64 KiB blocks held by a global), so that GC
// cycles come every 64 MiB allocated, with little to mark.
//
//   Go:    bench/go BenchmarkMallocgcLive (go test -bench, -count 5): the
//          loop body `sink = new(T)`; its time includes mallocgc, the write
//          barrier during a cycle, zeroing of reused slots, the GC cycles,
//          sweeping and assists the allocations cause, page faults; heap
//          profiling at Go's default MemProfileRate (a test binary keeps it).
//   gomem: a whole simulated process (GoProcess: collector, sweeper,
//          scavenger, cost model on, reused slots zeroed as Go zeroes
//          them, heap profiling on as in the test binary) whose main builds
//          the same live heap with the program API and runs runtime.GC(),
//          then loops what the compiled body does: newobject (mallocgc)
//          and the store into the sink through the write barrier, with a
//          scheduler safe point per iteration (where Go would preempt the
//          loop for its mark worker). The host time of that loop only, per
//          allocation, including the cycles, sweeps, assists, kernel and
//          cost model work it causes; not the program API's own layer
//          (go.new's Ptr values and checks), which bench/alloc_n.ts shows.
//
// Each round runs Go's benchmarks once, then each gomem case once, so that
// a round's ratio compares runs made at the same time on a shared machine.
// One JSON line per case: the median of the five per-round ratios, with the
// medians of each side's ns/op.

import { spawnSync } from 'node:child_process';
import { performance } from 'node:perf_hooks';
import { defineProgram, type Program } from '../src/go/program.ts';
import { newobject } from '../src/runtime/malloc.ts';
import { writePointer } from '../src/runtime/mbarrier.ts';
import { runProgram } from '../src/go/runs.ts';
import { type GoType, T } from '../src/go/types.ts';
import { GO_BENCH_DIR } from './go_bench.ts';
import { printResult } from './timing.ts';
import { median } from './go/calibrate/results.ts';

const rounds = 5;

interface Case {
  name: string;
  type: GoType;
  /** Allocations per gomem round (about a second of host time). */
  n: number;
}

const scan64 = T.named(T.struct([['p', T.pointer(T.int)], ['pad', T.array(T.byte, 56)]]), 'main.scan64');

const cases: Case[] = [
  { name: 'tiny8', type: T.array(T.byte, 8), n: 4_000_000 },
  { name: 'noscan16', type: T.array(T.byte, 16), n: 3_000_000 },
  { name: 'noscan64', type: T.array(T.byte, 64), n: 2_000_000 },
  { name: 'noscan1024', type: T.array(T.byte, 1024), n: 400_000 },
  { name: 'scan64', type: scan64, n: 2_000_000 },
  { name: 'large40k', type: T.array(T.byte, 40 << 10), n: 20_000 },
];

function program(c: Case, out: { ms: number }): Program {
  return defineProgram({
    name: 'mallocgc-bench',
    description: `sink = new(${c.name}) over a 64 MiB live heap`,
    memProfile: true,
    *main(go) {
      const bytes = T.slice(T.byte);
      const g = go.globals({ live: T.slice(bytes), sink: T.pointer(c.type) });
      go.locals('main.main', {}, 64);
      const live = go.make(T.slice(bytes), 1024);
      g.live = live;
      for (let i = 0; i < 1024; i++) go.set(live, i, go.make(bytes, 64 << 10));
      yield* go.runtime.GC();
      const rt = go.p.rt;
      const sched = go.p.sched;
      const sink = go.globalAddr(g, 'sink').addr;
      const t = c.type;
      const n = c.n;
      for (let i = 0; i < n / 10; i++) {
        sched.poll();
        writePointer(rt, sink, newobject(rt, t)); // warm-up
      }
      const t0 = performance.now();
      for (let i = 0; i < n; i++) {
        sched.poll();
        writePointer(rt, sink, newobject(rt, t));
      }
      out.ms = performance.now() - t0;
    },
  });
}

function gomemNs(c: Case): number {
  const out = { ms: 0 };
  const r = runProgram(program(c, out), { env: { GOGC: '100', GOMAXPROCS: '1' } });
  if (r.result.outcome !== 'exit') throw new Error(`mallocgc/${c.name}: the gomem run ended with ${r.result.outcome}:\n${r.stderr}`);
  return (out.ms * 1e6) / c.n;
}

/** Go's ns/op for each case, from one go test run; null without Go. */
function goRounds(): Map<string, number[]> | null {
  const probe = spawnSync('go', ['version'], { encoding: 'utf8' });
  if (probe.error || probe.status !== 0) return null;
  const r = spawnSync('go', ['test', '-run', '^$', '-bench', 'MallocgcLive', '-benchtime', '1s', '-count', '1', '.'], {
    cwd: GO_BENCH_DIR,
    encoding: 'utf8',
    env: { ...process.env, GOMAXPROCS: '1', GOGC: '100', CGO_ENABLED: '0', GOTOOLCHAIN: 'local', GOFLAGS: '-mod=mod' },
    maxBuffer: 64 << 20,
  });
  if (r.status !== 0) throw new Error(`go test -bench MallocgcLive failed:\n${r.stdout}\n${r.stderr}`);
  const out = new Map<string, number[]>();
  for (const line of r.stdout.split('\n')) {
    const m = /^BenchmarkMallocgcLive\/(\S+?)(?:-\d+)?\s+\d+\s+([\d.]+) ns\/op/.exec(line);
    if (m) out.set(m[1]!, [...(out.get(m[1]!) ?? []), Number(m[2])]);
  }
  return out;
}

const round1 = (x: number): number => Number(x.toFixed(1));

export function run(): void {
  const ours = new Map<string, number[]>(cases.map((c) => [c.name, []]));
  const theirs = new Map<string, number[]>(cases.map((c) => [c.name, []]));
  let haveGo = true;
  for (let r = 0; r < rounds; r++) {
    const go = goRounds();
    if (go === null) haveGo = false;
    for (const c of cases) {
      ours.get(c.name)!.push(gomemNs(c));
      const x = go?.get(c.name)?.[0];
      if (x !== undefined) theirs.get(c.name)!.push(x);
    }
  }
  if (!haveGo) console.error('mallocgc: real Go is not installed (scripts/install-go.sh); go_ns_per_op is null');
  for (const c of cases) {
    const o = ours.get(c.name)!;
    const g = theirs.get(c.name)!;
    const ratios = g.length === rounds ? o.map((x, i) => x / g[i]!) : null;
    printResult({
      bench: `mallocgc/live/${c.name}`,
      gomem_ns_per_op: round1(median(o)),
      go_ns_per_op: g.length === 0 ? null : round1(median(g)),
      ratio: ratios === null ? null : Number(median(ratios).toFixed(2)),
    });
  }
}
