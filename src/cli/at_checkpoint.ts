// What explain and why share: gomem run's settings flags, running a program
// to the checkpoint --at names, and turning every way of not getting there
// into one line for the user (no such checkpoint, an OOM kill, a panic,
// --max-time).

import type { Command } from 'commander';
import type { RunResult } from '../go/process.ts';
import { OomKilled } from '../kernel/index.ts';
import { UsageError } from './errors.ts';

interface StoppedRun {
  report: unknown;
  result: RunResult;
  checkpoints: string[];
  stderr: string;
}

/** Runs `run` and returns it when it reached checkpoint `at` (its report is set); otherwise throws the reason as a usage error. */
export function reachCheckpoint<R extends StoppedRun>(name: string, at: string, run: () => R): R {
  let r: R;
  try {
    r = run();
  } catch (e) {
    if (e instanceof OomKilled) throw new UsageError(`${name} was OOM-killed while starting, before checkpoint "${at}"`);
    throw e;
  }
  if (r.report !== null) return r;
  const res = r.result;
  if (res.outcome === 'exit') {
    const seen = r.checkpoints.length > 0 ? `its checkpoints: ${[...new Set(r.checkpoints)].join(', ')}` : 'it passed none';
    throw new UsageError(`--at: ${name} has no checkpoint "${at}" (${seen})`);
  }
  const what = res.outcome === 'oom-kill' ? 'was OOM-killed' : res.outcome === 'time-limit' ? 'ran past --max-time' : `ended with a ${res.outcome}`;
  const detail = r.stderr.split('\n').find((l) => l.trim() !== '');
  throw new UsageError(`${name} ${what} before checkpoint "${at}"${detail !== undefined && res.outcome !== 'oom-kill' ? `: ${detail.trim()}` : ''}`);
}

/** The settings flags of gomem run a command that runs a program to a checkpoint takes too. */
export function settingsOptions(cmd: Command, godebugHelp = 'GODEBUG'): Command {
  return cmd
    .option('--gogc <N|off>', 'GOGC (overrides the environment)')
    .option('--memlimit <SIZE|off>', 'GOMEMLIMIT, in Go syntax (512MiB, 4GiB, bytes)')
    .option('--gomaxprocs <N>', "GOMAXPROCS (default: the machine's CPUs)")
    .option('--godebug <k=v,...>', godebugHelp)
    .option('--cgroup-memory-max <SIZE>', 'run in a cgroup with this memory.max')
    .option('--mem-total <SIZE>', "the machine's RAM (MemTotal; default 24GiB)")
    .option('--ncpu <N>', "the machine's CPUs (default 2)")
    .option('--max-time <DURATION>', 'stop a program still running after this much virtual time (default 1h)')
    .option('--thp <always|madvise|never>', 'transparent huge pages mode of the machine')
    .option('--seed <N>', 'seed for everything random in the run')
    .option('--opt <key=value>', 'set a program option (repeatable)', (v: string, prev: string[] = []) => [...prev, v]);
}
