// blahdo: ten 100,000,000-byte []byte allocations, each returned as a
// pointer from a helper and dropped at once. TotalAlloc grows by 1 GB;
// each allocation past the heap goal starts a GC that frees the arrays
// already dropped, while HeapSys stays high.
//
// Go:   func bigBytes() *[]byte { s := make([]byte, 100000000); return &s }
//       printMem(&mem): runtime.ReadMemStats(mem); log.Println(mem.Alloc); … TotalAlloc, HeapAlloc, HeapSys
//
// bigBytes is inlined, so `s` does not escape: no *[]byte header is
// allocated. main's frame holds `var mem runtime.MemStats` (5,416 bytes),
// which grows the main goroutine's stack to 8 KiB; printMem's frame is
// 136 bytes of locals + 8 of return address (go build -gcflags=-S).

import type { Go } from '../go/api.ts';
import { defineProgram } from '../go/program.ts';
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
  name: 'blahdo',
  description: 'ten 100 MB []byte allocations returned as pointers and dropped (TotalAlloc vs HeapSys)',
  binary: binaryOf('blahdo'),
  inits: initsOf('blahdo'),
  live: liveOf('blahdo'),
  *main(go) {
    const T = go.T;
    // var mem runtime.MemStats lives in main's frame: 5,864 bytes of locals + 8 of return address.
    go.locals('main.main', {}, 5872);
    go.fmt.Println('memory baseline...');
    printMem(go);
    go.checkpoint('before_loop');
    for (let i = 0; i < 10; i++) {
      // s := bigBytes(), inlined into main (go build -gcflags=-S: main calls runtime.makeslice and
      // no runtime.newobject): the slice header stays in main's frame, one large noscan allocation.
      go.inline('main.bigBytes', () => go.make(T.slice(T.byte), 100000000));
    }
    go.checkpoint('after_loop');
    go.fmt.Println('memory comparison...');
    printMem(go);
  },
});
