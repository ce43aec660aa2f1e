// size-rounding-gctrace: size-rounding's 1000 live make([]byte, n) per size
// (1, 8, 9, 17, 33, 100, 1025, 4097, 32769, 40000 bytes), in six passes
// with GODEBUG=gctrace=1. Each pass overwrites every holder of the previous
// pass (one global [10][1000][]byte), so a pass allocates ~88 MB — 82 MB of
// it in the 2000 large objects of 40 KiB — and leaves the previous pass's
// objects as garbage: the GC frees tiny blocks, small objects of seven size
// classes and large spans, and the heap goal follows a live heap of one to
// two passes.
//
// Go:   var keep [10][1000][]byte
//       for pass := range names { for si, size := range sizes { for i := range keep[si] { keep[si][i] = make([]byte, size) } }; Mark(names[pass]) }
//
// keep is a package variable in .bss (240,000 bytes, a pointer word every
// 24): the holders are not heap objects, and every object stays reachable
// from there until the next pass overwrites it. main's frame: 152 bytes of
// locals + 8 of return address (go build -gcflags=-S).

import { defineProgram } from '../go/program.ts';
import { T } from '../go/types.ts';
import { binaryOf, initsOf, liveOf } from './binaries.ts';

const sizes = [1, 8, 9, 17, 33, 100, 1025, 4097, 32769, 40000];
const byteSlice = T.slice(T.byte);
const keepT = T.array(T.array(byteSlice, 1000), sizes.length);

export default defineProgram({
  name: 'size-rounding-gctrace',
  description: 'size-rounding in six passes with GODEBUG=gctrace=1, each pass replacing the last (~88 MB per pass)',
  binary: binaryOf('size-rounding-gctrace'),
  inits: initsOf('size-rounding-gctrace'),
  live: liveOf('size-rounding-gctrace'),
  *main(go) {
    const g = go.globals({ keep: keepT });
    const keep = go.globalAddr(g, 'keep'); // &keep: a package variable has an address and never moves
    go.locals('main.main', {}, 160);
    go.checkpoint('start');
    for (let pass = 1; pass <= 6; pass++) {
      for (let si = 0; si < sizes.length; si++) {
        const row = go.addr(keep, si);
        for (let i = 0; i < 1000; i++) go.set(row, i, go.make(byteSlice, sizes[si]!));
      }
      go.checkpoint(`after_pass_${pass}`);
    }
  },
});
