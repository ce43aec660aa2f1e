// The worker of `gomem whatif`'s pool (src/cli/whatif.ts): runs one
// configuration of a sweep per task, as `gomem run` would run it, with a
// trace writer attached, and folds the trace, piece by piece as the run
// goes, into the configuration's row and series (src/whatif/outcome.ts).
// A worker thread loads the model once and runs many configurations; each
// run is a new GoProcess, so one run leaves nothing behind for the next.

import { OomKilled } from '../kernel/index.ts';
import { GoProcess, type RunOptions, type RunResult } from '../go/process.ts';
import type { Program } from '../go/program.ts';
import { TraceDecoder } from '../trace/reader.ts';
import { TraceWriter } from '../trace/writer.ts';
import { type Outcome, OutcomeReader } from '../whatif/outcome.ts';
import { loadProgram, machineOptions, type RunFlags } from './run.ts';
import { traceSettings } from './trace.ts';

/** One configuration to run. */
export interface WhatifTask {
  spec: string;
  /** GOGC, GOMEMLIMIT, GOMAXPROCS, GODEBUG as the process sees them (settingsEnv's, checked). */
  env: Record<string, string>;
  /** The machine's flags, as gomem run takes them (--cgroup-memory-max, --seed, --max-time). */
  machine: Pick<RunFlags, 'cgroupMemoryMax' | 'seed' | 'maxTime'>;
  /** The program's options, checked. */
  options: Record<string, string>;
}

/** How often (in records the trace writer has seen) the trace so far is decoded and dropped. */
const drainEvery = 4096;

const programs = new Map<string, Promise<Program>>();

/** Runs one configuration; its row and series from the run's trace. */
export async function runConfiguration(task: WhatifTask): Promise<Outcome> {
  let loading = programs.get(task.spec);
  if (loading === undefined) {
    loading = loadProgram(task.spec);
    programs.set(task.spec, loading);
  }
  const program = await loading;
  const runOpts: RunOptions = {
    ...machineOptions(task.machine),
    env: task.env,
    options: task.options,
    // The program's output is not the sweep's: the figures come from the trace.
    stdout: () => {},
    stderr: () => {},
  };
  let p: GoProcess;
  try {
    p = new GoProcess(program, runOpts);
  } catch (e) {
    // A cgroup too small for the new image: the kernel kills it while exec maps it in, before any trace.
    if (e instanceof OomKilled) return killedAtExec();
    throw e;
  }
  const trace = new TraceWriter(p, { name: program.name }, traceSettings(runOpts));
  const decoder = new TraceDecoder();
  let reader: OutcomeReader | null = null;
  const take = (bytes: Uint8Array): void => {
    const records = decoder.push(bytes);
    reader ??= new OutcomeReader(decoder.header!);
    reader.push(records);
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
  return reader!.finish();
}

/** The row of a process the OOM killer took before it ran: nothing happened, at time 0. */
function killedAtExec(): Outcome {
  return {
    row: { outcome: 'oom-kill', status: 137, endNs: 0, peakRss: 0, peakCharge: 0, gcCycles: 0, gcCpuFraction: 0, assistNs: 0, maxPauseNs: 0, limiterNs: 0, spiral: null },
    series: { t: [], rss: [], charge: [], heapInuse: [], heapAlloc: [], heapGoal: [] },
  };
}

export default runConfiguration;
