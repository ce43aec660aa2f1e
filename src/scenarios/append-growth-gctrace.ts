// append-growth-gctrace: append-growth's appends done four times over, with
// GODEBUG=gctrace=1. Each round appends to a nil []int64 one element at a
// time up to 1,000,000; growslice allocates a new array whenever the
// capacity runs out (doubling below 256 elements, then ×1.25 + 192, rounded
// up to a size class or to whole pages) and the outgrown one is garbage at
// once. A round's final slice stays live in the global sink until the next
// round's replaces it: ~42 MB allocated per round over a live heap of one
// or two 8.4 MB arrays.
//
// Go:   func round(record bool) { var s []int64; for i := 0; i < 1000000; i++ { s = append(s, int64(i)); … }; sink = s }
//       main: round(true); ExtraInts("caps", …); Extra("len", …); Mark("after_round_1"); round(false) ×3 with checkpoints
//
// s lives in round's frame across every growslice call (its pointer word is
// in the stack map), so the array being outgrown stays reachable while the
// next one is allocated; between growths the array does not change, so
// the frame slot is written when it does. Frames (go build -gcflags=-S):
// round 88 bytes of locals + 8 of return address, main 112 + 8.

import { defineProgram } from '../go/program.ts';
import { T } from '../go/types.ts';
import type { Slice } from '../go/values.ts';
import { binaryOf, initsOf, liveOf } from './binaries.ts';

const int64s = T.slice(T.int64);

export default defineProgram({
  name: 'append-growth-gctrace',
  description: 'append-growth four times over with GODEBUG=gctrace=1: ~42 MB of outgrown arrays per round',
  binary: binaryOf('append-growth-gctrace'),
  inits: initsOf('append-growth-gctrace'),
  live: liveOf('append-growth-gctrace'),
  *main(go) {
    const g = go.globals({ sink: int64s });
    go.locals('main.main', {}, 120);
    const round = go.func(
      'main.round',
      { s: int64s },
      (f, caps: number[] | null): Slice => {
        let s = go.make(int64s, 0, 0); // var s []int64: nil (no allocation)
        f.s = null;
        for (let i = 0; i < 1000000; i++) {
          const cap = s.cap;
          s = go.append(s, i);
          if (s.cap !== cap) {
            f.s = s;
            caps?.push(s.cap);
          }
        }
        g.sink = s;
        return s;
      },
      72, // + the 24-byte slot s: 96 bytes
    );
    go.checkpoint('start');
    const caps: number[] = [];
    const s = round(caps);
    go.extra('caps', caps);
    go.extra('len', s.len);
    go.checkpoint('after_round_1');
    round(null);
    go.checkpoint('after_round_2');
    round(null);
    go.checkpoint('after_round_3');
    round(null);
    go.checkpoint('after_round_4');
  },
});
