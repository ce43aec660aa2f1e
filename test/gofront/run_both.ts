// Runs a built-in twin and its Go source through the front end on the same
// settings, and returns each run's checkpoints (name, memstats, extra),
// stdout and stderr; runBoth does it in a child process.

import { execFile } from 'node:child_process';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { GoProcess, type RunOptions } from '../../src/go/process.ts';
import type { Program } from '../../src/go/program.ts';
import { loadGoProgram } from '../../src/cli/gosource.ts';
import { scenarios } from '../../src/scenarios/index.ts';

const root = fileURLToPath(new URL('../..', import.meta.url));

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

type Run = ReturnType<typeof runProgram>;

/** Both runs in this process. */
export async function runBothHere(name: string, env: Record<string, string> = {}): Promise<{ twin: Run; go: Run }> {
  const twin = runProgram(scenarios.get(name)!, env);
  const go = runProgram(await loadGoProgram(resolve(`reality/cases/${name}/main.go`)), env);
  return { twin, go };
}

/** Both runs in a child process (run_both_child.ts), so that the test's event loop stays free while they run. */
export function runBoth(name: string, env: Record<string, string> = {}): Promise<{ twin: Run; go: Run }> {
  return new Promise((ok, fail) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', fileURLToPath(new URL('./run_both_child.ts', import.meta.url)), name, JSON.stringify(env)],
      { cwd: root, encoding: 'utf8', maxBuffer: 1 << 28 },
      (e, stdout, stderr) => {
        if (e !== null) fail(new Error(`run_both_child ${name}: ${stderr.trim().split('\n').slice(-3).join(' | ') || e.message}`));
        else ok(JSON.parse(stdout) as { twin: Run; go: Run });
      },
    );
  });
}
