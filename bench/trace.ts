// The event trace's size and cost: the churn workload (100 MB/s of 4 KiB
// buffers, bench/programs/churn.ts) for 600 virtual seconds, run once
// without and once with a trace writer attached, in this process.
// `npm run bench -- trace`; one JSON line.
//
// There is no Go side: real Go has no such trace (go tool trace records
// scheduling, not RSS). Both gomem runs do the same simulated work; the
// traced one also encodes every record and gzips the file at the end, which
// is what `gomem run --trace` adds. The size budget (issue 10) is 50 MB.

import { performance } from 'node:perf_hooks';
import { GoProcess } from '../src/go/process.ts';
import { traceFile } from '../src/cli/trace.ts';
import { runTraced } from '../src/trace/writer.ts';
import { churnProgram } from './programs/churn.ts';
import { printResult } from './timing.ts';

const seconds = 600;

function runOnce(trace: boolean): { ms: number; raw: number; gz: number } {
  const program = churnProgram(seconds);
  const t0 = performance.now();
  const silent = { stdout: () => {}, stderr: () => {} };
  if (!trace) {
    new GoProcess(program, silent).run();
    return { ms: performance.now() - t0, raw: 0, gz: 0 };
  }
  const { raw } = runTraced(program, silent);
  const gz = traceFile(raw).length;
  return { ms: performance.now() - t0, raw: raw.length, gz };
}

export function run(): void {
  const plain = runOnce(false);
  const traced = runOnce(true);
  printResult({
    bench: 'trace',
    case: `churn-100MB/s-${seconds}s`,
    trace_bytes: traced.gz,
    trace_raw_bytes: traced.raw,
    budget_bytes: 50e6,
    untraced_ms: Math.round(plain.ms),
    traced_ms: Math.round(traced.ms),
    ratio: Number((traced.ms / plain.ms).toFixed(2)),
  });
}
