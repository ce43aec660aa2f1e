// Many runs in one process (issue 12, item 4): a sweep over settings runs
// the model again and again in one Node process, and each run prints what
// a fresh `gomem run` process prints for the same program and settings,
// whatever ran before it.

import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { runProgram, runSweep } from '../../src/go/runs.ts';
import { scenarios } from '../../src/scenarios/index.ts';

const root = fileURLToPath(new URL('../..', import.meta.url));
const program = (name: string) => scenarios.get(name)!;

/** What gomem run --json prints on stdout: the program's output and a CHECKPOINT line per checkpoint, interleaved. */
function cliStdout(name: string, gogc: string): { stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, ['bin/gomem.js', 'run', name, '--json', '--quiet', '--gogc', gogc, '--godebug', 'gctrace=1'], { cwd: root, encoding: 'utf8' });
  return { stdout: r.stdout, stderr: r.stderr };
}

describe('many runs in one process', () => {
  it('a sweep over GOGC gives each setting its own result, and a repeat gives the same bytes', () => {
    const settings = ['50', '200', '50'].map((gogc) => ({ env: { GOGC: gogc, GODEBUG: 'gctrace=1' } }));
    const runs = [...runSweep(program('size-rounding-gctrace'), settings)];
    const numgc = runs.map((r) => (JSON.parse(r.checkpoints[r.checkpoints.length - 1]!.json) as { memstats: { NumGC: number } }).memstats.NumGC);
    // GOGC=50 collects four times as often as 200 here (gomem run --gogc: 20 cycles and 5).
    expect(numgc).toEqual([20, 5, 20]);
    expect(runs[2]!.stdout).toBe(runs[0]!.stdout);
    expect(runs[2]!.stderr).toBe(runs[0]!.stderr);
    expect(runs[2]!.checkpoints).toEqual(runs[0]!.checkpoints);
  });

  it('a run after others, of other programs, prints what a fresh gomem run process prints', () => {
    runProgram(program('stack-release'), { env: { GOGC: '25' } });
    runProgram(program('big-slice-freeos'), { seed: 9 });
    const r = runProgram(program('blahdo-gctrace'), { env: { GOGC: '50', GODEBUG: 'gctrace=1' } });
    const fresh = cliStdout('blahdo-gctrace', '50');
    // --json puts each CHECKPOINT line on stdout at its moment; the run's own output goes around it.
    const stdoutLines = fresh.stdout.split('\n').filter((l) => !l.startsWith('CHECKPOINT ')).join('\n');
    const checkpoints = fresh.stdout.split('\n').filter((l) => l.startsWith('CHECKPOINT ')).map((l) => l.slice('CHECKPOINT '.length));
    expect(r.stdout).toBe(stdoutLines);
    expect(r.stderr).toBe(fresh.stderr);
    expect(r.checkpoints.map((c) => c.json)).toEqual(checkpoints);
    expect(r.stderr).toMatch(/^gc 1 @/m);
  });
});
