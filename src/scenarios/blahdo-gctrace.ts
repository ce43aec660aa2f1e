// blahdo-gctrace: the blahdo program (src/scenarios/blahdo.ts) run with
// GODEBUG=gctrace=1: ten 100,000,000-byte []byte allocations, each made by
// a helper that returns a pointer to its slice, dropped at once. Every
// allocation past the heap goal starts a cycle, so each iteration's array
// is freed by the cycle the next one starts: ~10 gctrace lines of
// 95->95->0 MB (or ->95 while the last array is still live).
//
// Go:   func bigBytes() *[]byte { s := make([]byte, 100000000); return &s }
//       for i := 0; i < 10; i++ { s := bigBytes(); if s == nil { log.Println("oh noes") } }
//       printMem(&mem): runtime.ReadMemStats(mem); log.Println(mem.Alloc); … TotalAlloc, HeapAlloc, HeapSys
//
// bigBytes is inlined into main (go build -gcflags=-S: main.main calls
// runtime.makeslice and no runtime.newobject), so the slice header s stays
// in main's frame and each iteration is one large noscan allocation; s is
// dead after the nil check, so nothing holds the array. main's frame holds
// `var mem runtime.MemStats` (5,416 bytes): 5,864 bytes of locals + 8 of
// return address, which grows the main goroutine's stack to 8 KiB;
// printMem's is 136 + 8.

import type { Go } from '../go/api.ts';
import { defineProgram } from '../go/program.ts';
import { T } from '../go/types.ts';
import { binaryOf, initsOf, liveOf } from './binaries.ts';

function printMem(go: Go): void {
  go.call('main.printMem', 144, () => {
    const m = go.runtime.ReadMemStats();
    go.log.Println(m.Alloc);
    go.log.Println(m.TotalAlloc);
    go.log.Println(m.HeapAlloc);
    go.log.Println(m.HeapSys);
  });
}

export default defineProgram({
  name: 'blahdo-gctrace',
  description: 'blahdo with GODEBUG=gctrace=1: ten 100 MB []byte allocations dropped at once, a GC cycle each',
  binary: binaryOf('blahdo-gctrace'),
  inits: initsOf('blahdo-gctrace'),
  live: liveOf('blahdo-gctrace'),
  *main(go) {
    go.locals('main.main', {}, 5872);
    go.fmt.Println('memory baseline...');
    printMem(go);
    go.checkpoint('before_loop');
    for (let i = 0; i < 10; i++) {
      // s := bigBytes(), inlined: one makeslice; the header stays on main's stack.
      go.make(T.slice(T.byte), 100000000);
    }
    go.checkpoint('after_loop');
    go.fmt.Println('memory comparison...');
    printMem(go);
  },
});
