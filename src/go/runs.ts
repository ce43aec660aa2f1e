// Many runs in one process: a program run again and again with different
// settings (GOGC, GOMEMLIMIT, the container's limit, …) without reloading
// the model — the base for sweeps and for the browser view's what-if
// re-runs. Each run builds its own machine, process and runtime; nothing
// carries over from one run to the next, so a run's output is the same
// whatever ran before it in the process (test/go/many_runs.test.ts).

import { GoProcess, type RunOptions, type RunResult } from './process.ts';
import type { Program } from './program.ts';

export interface RunRecord {
  /** The settings the run was given. */
  opts: RunOptions;
  /** The program's stdout and stderr (gctrace lines included), as gomem run prints them. */
  stdout: string;
  stderr: string;
  /** Each checkpoint's name and CHECKPOINT JSON, in order. */
  checkpoints: { name: string; json: string }[];
  result: RunResult;
}

/** Runs `program` once with `opts` (stdout, stderr and onCheckpoint are collected). */
export function runProgram(program: Program, opts: RunOptions = {}): RunRecord {
  let stdout = '';
  let stderr = '';
  const checkpoints: RunRecord['checkpoints'] = [];
  const p = new GoProcess(program, {
    ...opts,
    stdout: (s) => (stdout += s),
    stderr: (s) => (stderr += s),
    onCheckpoint: (json, name, proc) => {
      checkpoints.push({ name, json });
      opts.onCheckpoint?.(json, name, proc);
    },
  });
  const result = p.run();
  return { opts, stdout, stderr, checkpoints, result };
}

/** Runs `program` once per settings, in order: a sweep. */
export function* runSweep(program: Program, settings: Iterable<RunOptions>): Generator<RunRecord> {
  for (const opts of settings) yield runProgram(program, opts);
}
