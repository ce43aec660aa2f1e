// big-slice-gc and big-slice-freeos (Efficient Go, Example 5-6): after a
// 600 MiB slice is dropped, runtime.GC() frees it but RSS stays (the pages
// go back to the OS only as the scavenger gets to them), while
// debug.FreeOSMemory() releases them at once. A later 300 MiB slice reuses
// the freed address space.
//
// Go:   b := make([]byte, 600<<20); for i := range b { b[i] = 1 }; b = nil; runtime.GC() (or debug.FreeOSMemory())
//       time.Sleep(time.Second); b = make([]byte, 300<<20); for i := range b { b[i] = 1 }; time.Sleep(time.Second)

import type { Go } from '../go/api.ts';
import { defineProgram, type Program } from '../go/program.ts';
import type { GoroutineBody } from '../runtime/runtime2.ts';
import { binaryOf, initsOf, liveOf } from './binaries.ts';

function* bigSliceGC(go: Go, release: () => GoroutineBody): GoroutineBody {
  const T = go.T;
  go.checkpoint('start');
  // main.main's frame as go build -gcflags=-S gives it: locals 0x40 and the return address (72 bytes, b among them).
  const v = go.locals('main.main', { b: T.slice(T.byte) }, 0x40 + 8 - 24);
  let b = go.make(T.slice(T.byte), 600 << 20);
  v.b = b;
  go.fill(b);
  go.checkpoint('after_full_touch');
  v.b = null;
  yield* release();
  go.checkpoint('after_gc');
  yield* go.time.Sleep(go.time.Second);
  go.checkpoint('after_gc_sleep1s');
  b = go.make(T.slice(T.byte), 300 << 20);
  v.b = b;
  go.checkpoint('after_make_300mb');
  go.fill(b);
  go.checkpoint('after_300mb');
  yield* go.time.Sleep(go.time.Second);
  go.checkpoint('after_300mb_sleep1s');
  go.runtime.KeepAlive(b);
}

export const bigSliceGc: Program = defineProgram({
  name: 'big-slice-gc',
  description: 'Example 5-6: drop a touched 600 MiB slice, runtime.GC(), sleep, then a 300 MiB one',
  binary: binaryOf('big-slice-gc'),
  inits: initsOf('big-slice-gc'),
  live: liveOf('big-slice-gc'),
  *main(go) {
    yield* bigSliceGC(go, () => go.runtime.GC());
  },
});

export const bigSliceFreeos: Program = defineProgram({
  name: 'big-slice-freeos',
  description: 'Example 5-6 with debug.FreeOSMemory() in place of runtime.GC(): RSS drops at once',
  binary: binaryOf('big-slice-freeos'),
  inits: initsOf('big-slice-freeos'),
  live: liveOf('big-slice-freeos'),
  *main(go) {
    yield* bigSliceGC(go, () => go.debug.FreeOSMemory());
  },
});
