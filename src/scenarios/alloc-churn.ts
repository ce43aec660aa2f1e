// alloc-churn and alloc-churn-gctrace: short-lived small allocations over a
// tiny live heap. Each iteration makes four objects — 16 and 64 bytes
// noscan, a 32-byte pointerful struct, a 128-byte []byte — and stores each
// in a global, overwriting (and so killing) the previous iteration's. With
// almost nothing live the heap goal stays at its 4 MiB minimum and a cycle
// starts every ~4 MB allocated. alloc-churn (2 × 1,250,000 iterations,
// 10,000,000 objects) runs from its Go source only; alloc-churn-gctrace runs
// 4 × 250,000 with GODEBUG=gctrace=1.
//
// Go:   type small struct { next *small; x [3]int64 }
//       var sink16 *[16]byte; var sink64 *[64]byte; var sinkS *small; var sinkB []byte; var counter int64
//       func iterate(n int) { for i := 0; i < n; i++ {
//           sink16 = new([16]byte); sink64 = new([64]byte)
//           s := &small{next: sinkS}; s.next = nil; sinkS = s
//           sinkB = make([]byte, 128); counter++ } }
//
// new([16]byte) is not tiny (the tiny allocator takes noscan objects under
// 16 bytes): four mallocgc calls per iteration, in this order. Both stores
// into s.next take the write barrier (the first stores a heap pointer; the
// second overwrites one), as the compiled code does. Frames (go build
// -gcflags=-S): iterate 40 bytes of locals + 8 of return address, main
// 48 + 8 (alloc-churn-gctrace: 64 + 8).

import type { Go } from '../go/api.ts';
import { defineProgram, type Program } from '../go/program.ts';
import { T } from '../go/types.ts';
import { binaryOf, initsOf, liveOf } from './binaries.ts';

const small = T.declare('main.small');
T.define(small, T.struct([['next', T.pointer(small)], ['x', T.array(T.int64, 3)]]));
const arr16 = T.array(T.byte, 16);
const arr64 = T.array(T.byte, 64);
const byteSlice = T.slice(T.byte);

function allocChurn(name: string, description: string, mainFrame: number, phases: readonly [number, string][]): Program {
  return defineProgram({
    name,
    description,
    binary: binaryOf(name),
    inits: initsOf(name),
    live: liveOf(name),
    *main(go: Go) {
      const g = go.globals({ sink16: T.pointer(arr16), sink64: T.pointer(arr64), sinkS: T.pointer(small), sinkB: byteSlice, counter: T.int64 });
      let counter = 0;
      go.locals('main.main', {}, mainFrame);
      const iterate = go.func(
        'main.iterate',
        {},
        (_f, n: number) => {
          for (let i = 0; i < n; i++) {
            g.sink16 = go.new(arr16);
            g.sink64 = go.new(arr64);
            const s = go.new(small);
            go.set(s, 'next', g.sinkS);
            go.set(s, 'next', null); // the new object points at nothing old: every object dies young
            g.sinkS = s;
            g.sinkB = go.make(byteSlice, 128);
            counter++;
          }
          // counter++ is a plain int64 global: its value is stored once per call (nothing reads it in between).
          g.counter = counter;
        },
        48,
      );
      go.checkpoint('start');
      for (const [n, cp] of phases) {
        iterate(n);
        go.checkpoint(cp);
      }
    },
  });
}

export const allocChurnGctrace = allocChurn(
  'alloc-churn-gctrace',
  'alloc-churn with GODEBUG=gctrace=1, in four phases of 250,000 iterations (4,000,000 objects)',
  72,
  [
    [250000, 'after_churn_1m'],
    [250000, 'after_churn_2m'],
    [250000, 'after_churn_3m'],
    [250000, 'after_churn_4m'],
  ],
);
