// Runs a program exactly (every object, every span) with a trace writer
// attached and hands the decoded records to a reader as the run goes, so a
// long run's trace is never held whole. The what-if worker folds them into
// a configuration's row (outcome.ts); the fast mode's calibration run
// (fast_calibrate.ts) into its coefficients. The trace is the contract
// between the model and what reads it (DESIGN.md), so both read only it.

import { OomKilled } from '../kernel/index.ts';
import { GoProcess, type RunOptions, type RunResult } from '../go/process.ts';
import type { Program } from '../go/program.ts';
import { type TraceHeader, type TraceRecord, TraceDecoder } from '../trace/reader.ts';
import { type TraceSettings, TraceWriter } from '../trace/writer.ts';

/** What takes the records: made from the header when the first bytes arrive. */
export interface RecordSink {
  push(records: readonly TraceRecord[]): void;
}

/** How often (in records the trace writer has seen) the trace so far is decoded and dropped. */
const drainEvery = 4096;

/**
 * Runs `program` to its end; null if the kernel killed it while exec mapped
 * it in (a cgroup too small for the new image), before any trace.
 */
export function runStreamed<S extends RecordSink>(
  program: Program,
  runOpts: RunOptions,
  settings: TraceSettings,
  sinkFor: (header: TraceHeader) => S,
): S | null {
  let p: GoProcess;
  try {
    p = new GoProcess(program, runOpts);
  } catch (e) {
    if (e instanceof OomKilled) return null;
    throw e;
  }
  const trace = new TraceWriter(p, { name: program.name }, settings);
  const decoder = new TraceDecoder();
  let sink: S | null = null;
  const take = (bytes: Uint8Array): void => {
    const records = decoder.push(bytes);
    sink ??= sinkFor(decoder.header!);
    sink.push(records);
  };
  // Subscribed after the writer's listeners: the trace holds whole records here.
  let n = 0;
  const between = (): void => {
    if (++n % drainEvery === 0) take(trace.drain());
  };
  for (const k of ['spanAlloc', 'spanFree', 'gcPhase', 'gcMark', 'scavenge'] as const) p.rt.events.on(k, between);
  p.machine.events.on('syscall', between);
  p.machine.events.on('fault', between);
  const r: RunResult = p.run();
  take(trace.finish(r.status, r.outcome));
  return sink!;
}
