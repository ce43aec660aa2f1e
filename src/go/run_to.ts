// Running a program up to a checkpoint and stopping it there, for the
// commands that report on one moment (gomem explain, gomem why): the
// program's own output is kept aside, the process ends at the checkpoint as
// os.Exit would end it, and what happened on the way is returned.

import type { Program } from './program.ts';
import { GoExit, GoProcess, type RunOptions, type RunResult } from './process.ts';

export interface RunToCheckpoint {
  /** The checkpoints passed, in order. */
  checkpoints: string[];
  result: RunResult;
  /** What the program wrote to stderr (a panic's report, …). */
  stderr: string;
  /** The process, stopped at the checkpoint (or ended before it). */
  process: GoProcess;
}

/**
 * Runs `program` to the first checkpoint named `at`, calls `atCheckpoint`
 * there (after the runtime read its stats), and stops. `prepare` sees the
 * process before it starts.
 */
export function runToCheckpoint(
  program: Program,
  runOpts: RunOptions,
  at: string,
  atCheckpoint: (json: string, p: GoProcess) => void,
  prepare?: (p: GoProcess) => void,
): RunToCheckpoint {
  const checkpoints: string[] = [];
  let stderr = '';
  const p = new GoProcess(program, {
    ...runOpts,
    stdout: () => {},
    stderr: (s) => {
      stderr += s;
    },
    onCheckpoint: (json, name, proc) => {
      runOpts.onCheckpoint?.(json, name, proc);
      checkpoints.push(name);
      if (name !== at) return;
      atCheckpoint(json, proc);
      throw new GoExit(0);
    },
  });
  prepare?.(p);
  const result = p.run();
  return { checkpoints, result, stderr, process: p };
}
