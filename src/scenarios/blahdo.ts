// blahdo: ten 100,000,000-byte []byte allocations, each returned as a
// pointer from a helper and dropped at once. TotalAlloc grows by 1 GB;
// what HeapAlloc and HeapSys do depends on the GC (which gomem does not
// model yet: every array stays, as with GOGC=off).
//
// Go:   func bigBytes() *[]byte { s := make([]byte, 100000000); return &s }
//       printMem: runtime.ReadMemStats(&m); log.Println(m.Alloc); … TotalAlloc, HeapAlloc, HeapSys

import type { Go } from '../go/api.ts';
import { defineProgram } from '../go/program.ts';
import { binaryOf, initsOf, liveOf } from './binaries.ts';

function printMem(go: Go): void {
  const m = go.runtime.ReadMemStats();
  go.log.Println(m.Alloc);
  go.log.Println(m.TotalAlloc);
  go.log.Println(m.HeapAlloc);
  go.log.Println(m.HeapSys);
}

export default defineProgram({
  name: 'blahdo',
  description: 'ten 100 MB []byte allocations returned as pointers and dropped (TotalAlloc vs HeapSys)',
  binary: binaryOf('blahdo'),
  inits: initsOf('blahdo'),
  live: liveOf('blahdo'),
  *main(go) {
    const T = go.T;
    go.fmt.Println('memory baseline...');
    printMem(go);
    go.checkpoint('before_loop');
    for (let i = 0; i < 10; i++) {
      // bigBytes: s escapes (its address is returned): a *[]byte header and the array.
      const p = go.new(T.slice(T.byte));
      const s = go.make(T.slice(T.byte), 100000000);
      go.storePointer(p.addr, s);
    }
    go.checkpoint('after_loop');
    go.fmt.Println('memory comparison...');
    printMem(go);
  },
});
