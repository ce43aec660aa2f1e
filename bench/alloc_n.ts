// `npm run bench -- alloc_n`: go.allocN (the bulk allocation path) against
// the one-at-a-time loop it stands for, on the same workload in the same
// invocation: ns of host time per object, and their ratio (bulk over loop,
// lower is better). Each side is a whole gomem process run in this one
// (GOMAXPROCS=1, the cost model on as always, gctrace=1; GOGC=100, or off
// for the _gcoff cases, which leave the allocation path alone), timed
// around the allocation loop only: allocator, sweeping and GC cycles the
// loop triggers, memory contents, kernel and cost model, and the program
// API's safe points and stores on both sides. Five rounds alternate the
// sides; the line gives the medians. Each case also checks that the two
// runs' outputs (stdout, stderr, every checkpoint line) are byte-identical.

import { performance } from 'node:perf_hooks';
import { defineProgram, type Program } from '../src/go/program.ts';
import { runProgram } from '../src/go/runs.ts';
import { type GoType, T } from '../src/go/types.ts';
import { printResult } from './timing.ts';
import { median } from './go/calibrate/results.ts';

const rounds = 5;

interface Case {
  name: string;
  gogc: string;
  type: GoType;
  n: number;
  dst: 'none' | 'slice' | 'sink';
}

const Node = T.declare('main.benchNode');
T.define(Node, T.struct([['left', T.pointer(Node)], ['right', T.pointer(Node)], ['val', T.int64], ['pad', T.array(T.byte, 40)]]));

const cases: Case[] = [
  { name: 'noscan16_dropped', gogc: '100', type: T.array(T.byte, 16), n: 2_000_000, dst: 'none' },
  { name: 'noscan16_dropped_gcoff', gogc: 'off', type: T.array(T.byte, 16), n: 2_000_000, dst: 'none' },
  { name: 'noscan1024_dropped', gogc: '100', type: T.array(T.byte, 1024), n: 200_000, dst: 'none' },
  { name: 'scan64_slice', gogc: '100', type: Node, n: 1_000_000, dst: 'slice' },
  { name: 'scan64_slice_gcoff', gogc: 'off', type: Node, n: 1_000_000, dst: 'slice' },
  { name: 'scan32_sink', gogc: '100', type: T.array(T.unsafePointer, 4), n: 2_000_000, dst: 'sink' },
];

function program(c: Case, bulk: boolean, out: { ms: number }): Program {
  return defineProgram({
    name: 'alloc-n-bench',
    description: c.name,
    *main(go) {
      const g = go.globals({ s: T.slice(T.pointer(c.type)), sink: T.pointer(c.type) });
      go.locals('main.main', {}, 64);
      const s = c.dst === 'slice' ? go.make(T.slice(T.pointer(c.type)), c.n) : null;
      g.s = s;
      const sink = go.globalAddr(g, 'sink');
      const t = c.type;
      const n = c.n;
      const t0 = performance.now();
      if (bulk) go.allocN(t, n, c.dst === 'slice' ? s : c.dst === 'sink' ? sink : null);
      else if (c.dst === 'none') for (let i = 0; i < n; i++) go.new(t);
      else if (c.dst === 'sink') for (let i = 0; i < n; i++) g.sink = go.new(t);
      else for (let i = 0; i < n; i++) go.set(s, i, go.new(t));
      out.ms = performance.now() - t0;
      go.checkpoint('done');
    },
  });
}

function once(c: Case, bulk: boolean): { ns: number; text: string } {
  const out = { ms: 0 };
  const r = runProgram(program(c, bulk, out), { env: { GOGC: c.gogc, GOMAXPROCS: '1', GODEBUG: 'gctrace=1' } });
  return { ns: (out.ms * 1e6) / c.n, text: JSON.stringify([r.stdout, r.stderr, r.checkpoints, r.result]) };
}


export function run(): void {
  for (const c of cases) {
    const bulk: number[] = [];
    const loop: number[] = [];
    let identical = true;
    for (let r = 0; r < rounds; r++) {
      const a = once(c, false);
      const b = once(c, true);
      loop.push(a.ns);
      bulk.push(b.ns);
      identical &&= a.text === b.text;
    }
    const bm = median(bulk);
    const lm = median(loop);
    printResult({ bench: `alloc_n/${c.name}`, n: c.n, bulk_ns_per_object: +bm.toFixed(1), loop_ns_per_object: +lm.toFixed(1), ratio: +(bm / lm).toFixed(3), speedup: +(lm / bm).toFixed(2), identical });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) run();
