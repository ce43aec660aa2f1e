// The worker of `gomem whatif`'s pool (src/cli/whatif.ts): runs one
// configuration of a sweep per task, as `gomem run` would run it, with a
// trace writer attached, and folds the trace, piece by piece as the run
// goes, into the configuration's row and series (src/whatif/outcome.ts).
// A worker thread loads the model once and runs many configurations; each
// run is a new GoProcess, so one run leaves nothing behind for the next.
// In the fast mode (--mode fast) a task is a workload run by the cycle-level
// model instead (src/whatif/fast_model.ts), with the sweep's calibration.

import { readFileSync } from 'node:fs';
import type { RunOptions } from '../go/process.ts';
import type { Program } from '../go/program.ts';
import type { Calibration } from '../whatif/fast_calibrate.ts';
import { type FastConfig, runFast } from '../whatif/fast_model.ts';
import { type Outcome, OutcomeReader } from '../whatif/outcome.ts';
import { type Workload, parseWorkload } from '../whatif/workload.ts';
import { runStreamed } from '../whatif/run_streamed.ts';
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
  /** In the fast mode: the model's settings and the sweep's calibration for this GOMAXPROCS (the spec is a workload file). */
  fast?: { config: FastConfig; calibration: Calibration };
}

const programs = new Map<string, Promise<Program>>();
const workloads = new Map<string, Workload>();

/** A workload file, read once per worker (a sweep runs it many times). */
function workloadOf(spec: string): Workload {
  let w = workloads.get(spec);
  if (w === undefined) {
    w = parseWorkload(readFileSync(spec, 'utf8'), spec);
    workloads.set(spec, w);
  }
  return w;
}

/** Runs one configuration; its row and series from the run's trace. */
export async function runConfiguration(task: WhatifTask): Promise<Outcome> {
  if (task.fast !== undefined) return runFast(workloadOf(task.spec), task.fast.calibration, task.fast.config);
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
  const reader = runStreamed(program, runOpts, traceSettings(runOpts), (header) => new OutcomeReader(header));
  // A cgroup too small for the new image: the kernel kills it while exec maps it in, before any trace.
  return reader === null ? killedAtExec() : reader.finish();
}

/** The row of a process the OOM killer took before it ran: nothing happened, at time 0. */
function killedAtExec(): Outcome {
  return {
    row: { outcome: 'oom-kill', status: 137, endNs: 0, peakRss: 0, peakCharge: 0, gcCycles: 0, gcCpuFraction: 0, assistNs: 0, maxPauseNs: 0, limiterNs: 0, spiral: null },
    series: { t: [], rss: [], charge: [], heapInuse: [], heapAlloc: [], heapGoal: [] },
  };
}

export default runConfiguration;
