// `npm run bench -- gosrc`: a Go-source loop compiled by the front end
// against the same loop written by hand against the program API, on the
// same workload in the same invocation (issue 13: within 3x):
//
//   Go:   var sink *T; for i := 0; i < n; i++ { sink = new(T) }
//   API:  for (let i = 0; i < n; i++) g.sink = go.new(t)
//
// Each side is a whole gomem process (GOMAXPROCS=1, GOGC=100); a side's
// time is its run's host time minus the same program's with n = 0 (start-up
// and exit), so both count the loop, every allocation, the sweeps and GC
// cycles it triggers. Three rounds alternate the sides; medians printed.
// The Go side also charges its loop 1 ns of virtual time per iteration.

import { performance } from 'node:perf_hooks';
import { defineProgram, type Program } from '../src/go/program.ts';
import { runProgram } from '../src/go/runs.ts';
import { T } from '../src/go/types.ts';
import { compileGo } from '../src/gofront/compile.ts';
import { loadGoGrammar } from '../src/gofront/grammar_node.ts';
import { printResult } from './timing.ts';
import { median } from './go/calibrate/results.ts';

const rounds = 3;
const n = Number(process.env.GOSRC_N ?? 10_000_000);

const source = (count: number): string => `package main

import "gomem/reality/checkpoint"

type node struct {
	left, right *node
	val         int64
}

var sink *node

func main() {
	for i := 0; i < ${count}; i++ {
		sink = new(node)
	}
	checkpoint.Mark("done")
}
`;

const Node = T.declare('main.node');
T.define(Node, T.struct([['left', T.pointer(Node)], ['right', T.pointer(Node)], ['val', T.int64]]));

function handWritten(count: number): Program {
  return defineProgram({
    name: 'gosrc-bench',
    description: 'sink = new(node), by hand',
    checkpointHelper: true,
    *main(go) {
      const g = go.globals({ sink: T.pointer(Node) });
      go.locals('main.main', {}, 16);
      for (let i = 0; i < count; i++) g.sink = go.new(Node);
      go.checkpoint('done');
    },
  });
}

const env = { GOGC: '100', GOMAXPROCS: '1' };

function ms(p: Program): number {
  const t0 = performance.now();
  runProgram(p, { env });
  return performance.now() - t0;
}


export async function run(): Promise<void> {
  const lang = await loadGoGrammar();
  const base = { name: 'gosrc-bench', description: 'sink = new(node), from Go source', checkpointHelper: true };
  const goProgram = (count: number): Program => compileGo(lang, './bench.go', source(count)).program(base);
  const goSide: number[] = [];
  const apiSide: number[] = [];
  for (let r = 0; r < rounds; r++) {
    goSide.push(ms(goProgram(n)) - ms(goProgram(0)));
    apiSide.push(ms(handWritten(n)) - ms(handWritten(0)));
  }
  const g = median(goSide);
  const a = median(apiSide);
  printResult({ bench: 'gosrc/new_to_global_sink', n, go_source_ns_per_iter: +((g * 1e6) / n).toFixed(1), api_ns_per_iter: +((a * 1e6) / n).toFixed(1), ratio: +(g / a).toFixed(2) });
}

if (import.meta.url === `file://${process.argv[1]}`) await run();
