// live-heap-steady, live-heap-gogc50 and live-heap-gogc100 (the cases
// live-heap-gogc200 and live-heap-memlimit run from their Go source only):
// a steady live heap of small pointerful objects under churn. A table of
// slots each holds a pair of 56-byte nodes (64-byte size class; the first
// points to the second); each churn phase replaces randomly chosen
// pairs (a fixed-seed LCG, the same in every run), so the old pairs become
// garbage while the live heap stays put. The pacer then holds the heap goal
// at live × (1 + GOGC/100) — or, with GOGC=off and GOMEMLIMIT, at what the
// limit leaves after the runtime's other memory.
//
// Go:   type node struct { next *node; val [6]int64 }
//       func pair(v int64) *node { a := &node{next: &node{}}; a.val[0] = v; a.next.val[0] = v; return a }
//       func churn() { for r := 0; r < rounds; r++ { lcg = lcg*6364136223846793005 + 1442695040888963407
//                                                    table[(lcg>>33)%slots] = pair(int64(r)) } }
//       main: table = make([]*node, slots); for i := range table { table[i] = pair(int64(i)) }; churn() ×3
//
// What the compiler makes of it (go build -gcflags=-S): pair is inlined into
// main and churn; the outer node is allocated first and kept in a stack slot
// (main.a+32(SP)) across the second newobject, then a.next = inner and
// table[j] = a go through the write barrier. Frames: churn 48 bytes of
// locals + 8 of return address, main 120 + 8. The val stores write bytes of
// objects whose pages the allocation already touched: they are left out.

import type { Go, Locals } from '../go/api.ts';
import { defineProgram, type Program } from '../go/program.ts';
import { T } from '../go/types.ts';
import type { Ptr, Slice } from '../go/values.ts';
import { binaryOf, initsOf, liveOf } from './binaries.ts';

const node = T.declare('main.node');
T.define(node, T.struct([['next', T.pointer(node)], ['val', T.array(T.int64, 6)]]));
const nodePtr = T.pointer(node);

const M64 = (1n << 64n) - 1n;

/** The churn loop's LCG (the global lcg), as uint64 arithmetic. */
function lcgNext(x: bigint): bigint {
  return (x * 6364136223846793005n + 1442695040888963407n) & M64;
}

/** pair(v), inlined into the caller: the outer node in the caller's slot `a`, then the inner one. */
function pair(go: Go, f: Locals<{ a: typeof nodePtr }>): void {
  f.a = go.new(node);
  go.set(f.a as Ptr, 'next', go.new(node));
}

function liveHeap(name: string, description: string, slots: number, rounds: number): Program {
  return defineProgram({
    name,
    description,
    binary: binaryOf(name),
    inits: initsOf(name),
    live: liveOf(name),
    *main(go) {
      // var table []*node; var lcg uint64 = 42 (lcg is initialised data: no store at run time)
      const g = go.globals({ table: T.slice(nodePtr), lcg: T.uint64 });
      let lcg = 42n;
      const m = go.locals('main.main', { a: nodePtr }, 120);
      let table: Slice;
      const churn = go.func(
        'main.churn',
        { a: nodePtr },
        (f) => {
          for (let r = 0; r < rounds; r++) {
            lcg = lcgNext(lcg);
            const j = Number((lcg >> 33n) % BigInt(slots));
            pair(go, f);
            go.set(table, j, f.a);
          }
          g.lcg = lcg;
        },
        48,
      );
      go.checkpoint('start');
      table = go.make(T.slice(nodePtr), slots);
      g.table = table;
      for (let i = 0; i < slots; i++) {
        pair(go, m);
        go.set(table, i, m.a);
      }
      go.checkpoint('after_build');
      churn();
      go.checkpoint('after_churn_1');
      churn();
      go.checkpoint('after_churn_2');
      churn();
      go.checkpoint('after_churn_3');
    },
  });
}

export const liveHeapSteady = liveHeap(
  'live-heap-steady',
  'GOGC=100: 400,000 slots × a pair of 56-byte pointerful nodes (54 MB live), then 3 × 2,000,000 pair replacements',
  400000,
  2000000,
);

const small = (setting: string): string => `${setting}: 100,000 slots × a pair of 56-byte pointerful nodes (13.6 MB live), then 3 × 500,000 pair replacements (gctrace)`;

export const liveHeapGogc50 = liveHeap('live-heap-gogc50', small('GOGC=50'), 100000, 500000);
export const liveHeapGogc100 = liveHeap('live-heap-gogc100', small('GOGC=100'), 100000, 500000);
