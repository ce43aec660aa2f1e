// A service's garbage at a steady 100 MB/s: every 10 ms of virtual time,
// 244 request buffers of 4 KiB, each written in full and stored into a
// 4,096-entry ring (16 MiB live), overwriting the oldest. The trace size
// check (test/trace) and bench/trace.ts run it.
//
// Go:   var ring [][]byte = make([][]byte, 4096)
//       for k := 0; k < seconds*100; k++ { for i := 0; i < 244; i++ { b := make([]byte, 4096); fill(b); ring[n%4096] = b; n++ }; time.Sleep(10 * time.Millisecond) }

import { defineProgram, type Program } from '../../src/go/program.ts';
import { T } from '../../src/go/types.ts';
import type { Slice } from '../../src/go/values.ts';

export const churnBytesPerSecond = 100e6;

export function churnProgram(seconds: number): Program {
  return defineProgram({
    name: 'churn-100mbs',
    description: `100 MB/s of 4 KiB buffers, 16 MiB of them live, for ${seconds} s`,
    maxTimeNs: 3600e9,
    *main(go) {
      const bytes = T.slice(T.byte);
      const g = go.globals({ ring: T.slice(bytes) });
      const ringLen = 4096;
      g.ring = go.make(T.slice(bytes), ringLen);
      const perTick = Math.round(churnBytesPerSecond / 4096 / 100);
      let n = 0;
      for (let k = 0; k < seconds * 100; k++) {
        for (let i = 0; i < perTick; i++) {
          const b = go.make(bytes, 4096);
          go.fill(b);
          go.set(g.ring as Slice, n++ % ringLen, b);
        }
        yield* go.time.Sleep(10e6);
      }
    },
  });
}
