// Runs a built-in twin and its Go source through the front end on the same
// settings, and returns each run's checkpoints (name, memstats, extra).

import { resolve } from 'node:path';
import { GoProcess, type RunOptions } from '../../src/go/process.ts';
import type { Program } from '../../src/go/program.ts';
import { loadGoProgram } from '../../src/cli/gosource.ts';
import { scenarios } from '../../src/scenarios/index.ts';

export interface Checkpoint {
  name: string;
  memstats: Record<string, unknown>;
  extra?: Record<string, unknown>;
}

export function runProgram(p: Program, env: Record<string, string> = {}): { checkpoints: Checkpoint[]; stdout: string; stderr: string } {
  const checkpoints: Checkpoint[] = [];
  let stdout = '';
  let stderr = '';
  const opts: RunOptions = {
    env,
    stdout: (s) => (stdout += s),
    stderr: (s) => (stderr += s),
    onCheckpoint: (json) => {
      const j = JSON.parse(json) as Checkpoint;
      checkpoints.push({ name: j.name, memstats: j.memstats, extra: j.extra });
    },
  };
  new GoProcess(p, opts).run();
  return { checkpoints, stdout, stderr };
}

export async function runBoth(name: string, env: Record<string, string> = {}) {
  const twin = runProgram(scenarios.get(name)!, env);
  const go = runProgram(await loadGoProgram(resolve(`reality/cases/${name}/main.go`)), env);
  return { twin, go };
}
