// busy-loop: a goroutine spinning for one second allocates nothing, so
// nothing about memory changes — what a CPU-bound Go program costs at rest.
//
// Go:   begin := time.Now(); for { for i := 0; i < 1<<20; i++ { spins++ }; if time.Since(begin) >= time.Second { break } }

import { defineProgram } from '../go/program.ts';
import { binaryOf, initsOf, liveOf } from './binaries.ts';

export default defineProgram({
  name: 'busy-loop',
  description: 'a for {} loop for one second of virtual time: CPU without allocation',
  binary: binaryOf('busy-loop'),
  inits: initsOf('busy-loop'),
  live: liveOf('busy-loop'),
  *main(go) {
    go.checkpoint('start');
    yield* go.work(go.time.Second);
    go.checkpoint('after_busy_1s');
  },
});
