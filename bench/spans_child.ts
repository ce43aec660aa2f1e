// One run of the span-heavy heap benchmark, in its own process (bench/spans.ts
// starts it): `gib` GiB of live, touched, noscan 1 KiB objects at GOGC=off
// on a machine of `memTotal` GiB, through the public program API. Prints the
// simulated RSS and the host memory the run holds (V8 heap and typed-array
// buffers after a full host GC, minus what the process held before).

import { GoProcess } from '../src/go/process.ts';
import { T, defineProgram } from '../src/index.ts';

const gib = Number(process.argv[2]);
const memTotal = Number(process.argv[3]) * 2 ** 30;
const hostNow = (): number => {
  (globalThis as { gc?: () => void }).gc?.();
  const m = process.memoryUsage();
  return m.heapUsed + m.arrayBuffers;
};
const h0 = hostNow();
let rssBytes = 0;
let host = 0;
const program = defineProgram({
  name: 'spans',
  description: '1 KiB noscan objects, each written',
  *main(go) {
    const bytes = T.slice(T.byte);
    for (let i = 0; i < gib * 2 ** 20; i++) go.fill(go.make(bytes, 1024));
    host = hostNow() - h0;
    rssBytes = Number(/VmRSS:\s+(\d+)/.exec(go.p.statusText())![1]) * 1024;
  },
});
const r = new GoProcess(program, { env: { GOGC: 'off' }, memTotal, stdout: () => {}, stderr: (s) => process.stderr.write(s) }).run();
if (r.status !== 0) process.exit(1);
console.log(JSON.stringify({ rss_bytes: rssBytes, host_bytes: host }));
