// idle-after-burst: a 256 MiB live set of 64 KiB buffers is built, dropped
// and collected by runtime.GC(); then a near-idle service (one 64 KiB
// garbage request every 10 ms) runs for 30 s with a checkpoint each second.
// The requests keep cycles coming, and from the cycle after the one that
// freed the burst, the background scavenger returns its pages at about 1%
// of the CPU: RSS and HeapReleased over time show when and how fast.
//
// Go:   keep = make([][]byte, 0, 4096)
//       for i := 0; i < 4096; i++ { b := make([]byte, 64<<10); for j := 0; j < len(b); j += 4096 { b[j] = 1 }; keep = append(keep, b) }
//       keep = nil; runtime.GC()
//       for s := 1..30 { for i := 0; i < 100; i++ { sink = make([]byte, 64<<10); sink[0] = 1; time.Sleep(10 * time.Millisecond) }; checkpoint }

import type { Go } from '../go/api.ts';
import { defineProgram, type Program } from '../go/program.ts';
import { binaryOf, initsOf, liveOf } from './binaries.ts';

const bufferSize = 64 << 10;
const buffers = 4096;
const pageSize = 4096;

const idleAfterBurst: Program = defineProgram({
  name: 'idle-after-burst',
  description: 'a 256 MiB burst dropped and collected, then 30 s near idle: the scavenger gives the memory back',
  binary: binaryOf('idle-after-burst'),
  inits: initsOf('idle-after-burst'),
  live: liveOf('idle-after-burst'),
  *main(go: Go) {
    const T = go.T;
    const bytes = T.slice(T.byte);
    const g = go.globals({ keep: T.slice(bytes), sink: bytes });
    // main.main's frame is 0x250 bytes below its return address and frame pointer (go tool objdump).
    const v = go.locals('main.main', { b: bytes }, 0x250 + 16 - 24);
    go.checkpoint('start');
    g.keep = go.make(T.slice(bytes), 0, buffers);
    for (let i = 0; i < buffers; i++) {
      v.b = go.make(bytes, bufferSize);
      for (let j = 0; j < bufferSize; j += pageSize) go.set(v.b as never, j, 1);
      g.keep = go.append(g.keep as never, v.b as never);
    }
    v.b = null;
    go.checkpoint('after_burst');
    g.keep = null;
    yield* go.runtime.GC();
    go.checkpoint('after_gc');
    for (let s = 1; s <= 30; s++) {
      for (let i = 0; i < 100; i++) {
        g.sink = go.make(bytes, bufferSize);
        go.set(g.sink as never, 0, 1);
        yield* go.time.Sleep(10 * go.time.Millisecond);
      }
      go.checkpoint(`idle_${String(s).padStart(2, '0')}s`);
    }
  },
});

export default idleAfterBurst;
