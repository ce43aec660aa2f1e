// One gomem run of hello at GOMAXPROCS=argv[2], in its own process
// (bench/procs.ts starts it and times it from spawn to exit). The program's
// own output is dropped; one JSON line says how long the model took in this
// process and how much virtual time the run lasted. It goes through
// GoProcess, not the CLI: `gomem run` takes at most 1024 Ps.

import { performance } from 'node:perf_hooks';
import { GoProcess } from '../src/go/process.ts';
import { scenarios } from '../src/scenarios/index.ts';

const procs = process.argv[2]!;
const t0 = performance.now();
const p = new GoProcess(scenarios.get('hello')!, { env: { GOMAXPROCS: procs }, stdout: () => {}, stderr: () => {} });
const r = p.run();
const ms = performance.now() - t0;
if (r.status !== 0) {
  process.stderr.write(`hello at GOMAXPROCS=${procs} ended with status ${r.status} (${r.outcome})\n`);
  process.exit(1);
}
console.log(JSON.stringify({ procs: Number(procs), run_ms: ms, virtual_ns: r.elapsedNs }));
