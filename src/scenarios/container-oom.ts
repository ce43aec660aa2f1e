// container-oom: the first seed's story. A service in a 512 MiB container
// handles 2,000 requests per second, each writing eight short-lived 4 KiB
// []byte buffers (32 KiB), while a cache leaks 256 new 4 KiB entries (1 MiB)
// per second, kept forever, for 8 minutes. Its Go original is
// reality/cases/container-oom/main.go, recorded in a real 512 MiB memory
// cgroup by reality/record_cgroup.ts; `gomem container-oom` runs it under
// GOGC=100, GOMEMLIMIT=450MiB and GOGC=off + GOMEMLIMIT=450MiB and prints
// one row per configuration (src/scenarios/container-oom-table.ts).
//
// Go:   var inflight [8][]byte; var cache [][]byte; var pattern [4096]byte
//       func handle(id int) { for i := range inflight { b := make([]byte, 4096); copy(b, pattern[:]); b[0] = byte(id); inflight[i] = b } }
//       func leak() { b := make([]byte, 4096); copy(b, pattern[:]); cache = append(cache, b) }
//       main: every 10 ms tick k (sleeping until start + k·10ms, so a late
//       tick is made up by the next): requests up to 20·k, cache entries up
//       to floor(2.56·k).
//
// The copy from pattern writes every byte of the buffer (go.fill: the pages
// become resident; the bytes themselves are never read back). The Go program
// also prints a runtime/metrics SAMPLE line each second for the recording;
// here the table reads the same state from the model.

import type { Go } from '../go/api.ts';
import { defineProgram } from '../go/program.ts';
import { T } from '../go/types.ts';
import type { Slice } from '../go/values.ts';

const byteSlice = T.slice(T.byte);
export const requestsPerSecond = 2000;
export const buffersPerRequest = 8;
export const bufferSize = 4096;
export const leakedPerSecond = 256;
export const ticksPerSecond = 100;

export default defineProgram({
  name: 'container-oom',
  description: 'a service leaking 1 MiB/s (256 × 4 KiB cache entries) while serving 2,000 req/s of 8 × 4 KiB short-lived buffers, 8 minutes (run it with --cgroup-memory-max 512MiB; gomem container-oom runs the three configurations)',
  options: {
    seconds: { default: '480', help: 'how many seconds the service runs', kind: 'integer' },
  },
  maxTimeNs: 3600e9,
  *main(go: Go) {
    const seconds = Number(go.option('seconds'));
    if (!(seconds >= 0)) throw new Error(`container-oom: seconds=${seconds} is negative`);
    const g = go.globals({
      in0: byteSlice,
      in1: byteSlice,
      in2: byteSlice,
      in3: byteSlice,
      in4: byteSlice,
      in5: byteSlice,
      in6: byteSlice,
      in7: byteSlice,
      cache: T.slice(byteSlice),
    });
    const inflight = ['in0', 'in1', 'in2', 'in3', 'in4', 'in5', 'in6', 'in7'] as const;
    const f = go.locals('main.main', { b: byteSlice }, 120);
    const buffer = (): Slice => {
      const b = go.make(byteSlice, bufferSize);
      go.fill(b);
      return b;
    };
    const tickNs = 1e9 / ticksPerSecond;
    const start = go.time.Now();
    let req = 0;
    let leaked = 0;
    for (let k = 1; k <= seconds * ticksPerSecond; k++) {
      const d = start + k * tickNs - go.time.Now();
      if (d > 0) yield* go.time.Sleep(d);
      for (; req < (k * requestsPerSecond) / ticksPerSecond; req++) {
        for (const name of inflight) g[name] = buffer();
      }
      for (; leaked < Math.floor((k * leakedPerSecond) / ticksPerSecond); leaked++) {
        // b is live in main's frame while append may grow the cache (and so start a cycle).
        f.b = buffer();
        g.cache = go.append(g.cache as Slice, f.b);
      }
    }
    go.fmt.Println('DONE');
  },
});
