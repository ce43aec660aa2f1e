// stack-release: goroutine stacks grown by recursion, shrunk by the GC,
// freed when their goroutines exit and returned to the heap by the next GC
// (GODEBUG=gctrace=1). 1000 goroutines — 500 `go shallow()`, 500 `go deep()`
// — each recurse 80 calls into grow, whose frame (a [200]byte local) takes
// 240 bytes of stack: ~19.5 KB in use, so each stack grows 2 → 4 → 8 → 16 →
// 32 KiB by copying. A shallow goroutine returns from the recursion and
// parks on a channel; a deep one parks at the bottom of it.
//   after_spawn      1000 × 32 KiB of stacks in use
//   runtime.GC()     shrinks each mostly unused shallow stack to 16 KiB, and
//                    scans the deep ones' ~20 KB in use (gctrace's "MB
//                    stacks", which the next heap goal counts)
//   close(release)   every goroutine exits; a stack that is not the starting
//                    size is freed at exit (gfput) into the stack pools
//   runtime.GC()     the pools' emptied spans go back to the heap
//
// Go:   var ack, release chan struct{}
//       //go:noinline
//       func grow(n int, park bool) int { var buf [200]byte; …; if n == 0 { if park { ack <- struct{}{}; <-release }; return … }; return grow(n-1, park) + … }
//       func shallow() { grow(80, false); ack <- struct{}{}; <-release; ack <- struct{}{} }
//       func deep() { grow(80, true); ack <- struct{}{} }
//       main: ack = make(chan struct{}, 1000); release = make(chan struct{}); for i := 0; i < 500; i++ { go shallow(); go deep() }
//             1000 × <-ack; runtime.GC(); close(release); 1000 × <-ack; runtime.GC()
//
// The channels are globals and the goroutines take no arguments, so a go
// statement allocates no closure; each blocked send or receive takes a
// sudog. Frames (go build -gcflags=-S; locals + 8 bytes of return address):
// grow 232 + 8, shallow and deep 24 + 8, main 56 + 8.

import type { Chan } from '../go/chan.ts';
import { defineProgram } from '../go/program.ts';
import { T } from '../go/types.ts';
import type { GoroutineBody } from '../runtime/runtime2.ts';
import { binaryOf, initsOf, liveOf } from './binaries.ts';

const pairs = 500;
const depth = 80;
const chanT = T.chan(T.struct([]));

export default defineProgram({
  name: 'stack-release',
  description: '1000 goroutines grow their stacks to 32 KiB; the GC shrinks the idle ones, exits free them, the next GC releases the spans',
  binary: binaryOf('stack-release'),
  inits: initsOf('stack-release'),
  live: liveOf('stack-release'),
  *main(go) {
    const g = go.globals({ ack: chanT, release: chanT });
    const ack = (): Chan => g.ack as Chan;
    const release = (): Chan => g.release as Chan;
    const grow = go.func(
      'main.grow',
      {},
      function* (_f, n: number, park: boolean): Generator<number, number, unknown> {
        if (n === 0) {
          if (park) {
            yield* ack().send({});
            yield* release().recv();
          }
          return 0;
        }
        return (yield* grow(n - 1, park)) + 0;
      },
      240,
    ) as (n: number, park: boolean) => Generator<number, number, unknown>;
    const shallow = go.func(
      'main.shallow',
      {},
      function* () {
        yield* grow(depth, false);
        yield* ack().send({});
        yield* release().recv();
        yield* ack().send({});
      },
      32,
    );
    const deep = go.func(
      'main.deep',
      {},
      function* () {
        yield* grow(depth, true);
        yield* ack().send({});
      },
      32,
    );
    go.locals('main.main', {}, 64);
    go.checkpoint('start');
    g.ack = go.makeChan(chanT, 2 * pairs);
    g.release = go.makeChan(chanT, 0);
    for (let i = 0; i < pairs; i++) {
      go.go('main.shallow', () => shallow() as GoroutineBody);
      go.go('main.deep', () => deep() as GoroutineBody);
    }
    for (let i = 0; i < 2 * pairs; i++) yield* ack().recv();
    go.checkpoint('after_spawn');
    yield* go.runtime.GC();
    go.checkpoint('after_gc_parked');
    release().close();
    for (let i = 0; i < 2 * pairs; i++) yield* ack().recv();
    go.checkpoint('after_exit');
    yield* go.runtime.GC();
    go.checkpoint('after_gc_exited');
  },
});
