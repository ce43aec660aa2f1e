// `gomem advise --cgroup-memory-max SIZE <workload|program>`: the GOMEMLIMIT
// and GOGC to set for a container of that size. It runs the candidates
// (src/whatif/advise.ts) as a what-if sweep in the container, for
// --duration of virtual time each, and prints their table and the advice in
// plain words: the setting, its predicted peak RSS, GC CPU and headroom,
// what Go's defaults would do, and any death spiral.

import type { Command } from 'commander';
import { parseDuration } from '../go/units.ts';
import { adviceTable, advise, adviseGogc, adviseMemlimits } from '../whatif/advise.ts';
import { modeLine } from '../whatif/report.ts';
import { UsageError } from './errors.ts';
import { machineOptions } from './run.ts';
import { runSweep } from './whatif.ts';

interface AdviseFlags {
  cgroupMemoryMax: string;
  duration: string;
  gomaxprocs?: string;
  out?: string;
  jobs?: string;
  seed?: string;
  opt?: string[];
  mode?: string;
  calibrate?: string;
}

export async function adviseCommand(spec: string, flags: AdviseFlags): Promise<number> {
  if (flags.cgroupMemoryMax === 'max') throw new UsageError('--cgroup-memory-max: advice needs the container\'s limit, a size (512MiB), not "max"');
  const limit = machineOptions({ cgroupMemoryMax: flags.cgroupMemoryMax }).cgroupMemoryMax!;
  if (limit < 1 << 20) throw new UsageError(`--cgroup-memory-max: "${flags.cgroupMemoryMax}" is less than 1 MiB: no Go program starts in it`);
  const d = parseDuration(flags.duration);
  if (!('ns' in d) || d.ns <= 0) throw new UsageError(`--duration: "${flags.duration}" is not a positive duration (Go's syntax: 10m, 90s)`);
  const run = await runSweep(
    spec,
    {
      gogc: adviseGogc.join(','),
      memlimit: adviseMemlimits(limit).join(','),
      cgroupMemoryMax: flags.cgroupMemoryMax,
      duration: flags.duration,
      ...(flags.gomaxprocs !== undefined ? { gomaxprocs: flags.gomaxprocs } : {}),
      ...(flags.out !== undefined ? { out: flags.out } : {}),
      ...(flags.jobs !== undefined ? { jobs: flags.jobs } : {}),
      ...(flags.seed !== undefined ? { seed: flags.seed } : {}),
      ...(flags.opt !== undefined ? { opt: flags.opt } : {}),
      ...(flags.mode !== undefined ? { mode: flags.mode } : {}),
      ...(flags.calibrate !== undefined ? { calibrate: flags.calibrate } : {}),
    },
    'gomem advise',
    'advise',
  );
  const a = advise(run.entries, limit, flags.cgroupMemoryMax, flags.duration);
  process.stdout.write(`${modeLine(run.sweep)}\n${adviceTable(a)}\n\n${a.words.join('\n')}\n`);
  for (const f of run.failures) process.stderr.write(`${f}\n`);
  return run.failures.length > 0 ? 1 : 0;
}

export function registerAdvise(program: Command, setExit: (code: number) => void): void {
  program
    .command('advise')
    .description('the GOMEMLIMIT and GOGC to set for a container: runs the candidates in it and says which spends least CPU on the GC with headroom to spare')
    .argument('<workload-or-program>', 'a workload .json (docs/workloads.md), a scenario, or a .go/.ts program')
    .requiredOption('--cgroup-memory-max <SIZE>', "the container's memory limit (512MiB)")
    .option('--duration <D>', 'virtual time each candidate runs (Go syntax)', '10m')
    .option('--gomaxprocs <N>', 'GOMAXPROCS for every candidate')
    .option('--out <DIR>', 'where the candidates\' results go (default advise-<name>; re-running resumes)')
    .option('--jobs <N>', 'worker threads (default: the machine\'s CPUs)')
    .option('--seed <N>', 'seed for everything random in the runs')
    .option('--opt <key=value>', 'a program option (repeatable)', (v: string, prev: string[] = []) => [...prev, v])
    .option('--mode <MODE>', 'exact, or fast for a workload .json (as gomem whatif --mode)', 'exact')
    .option('--calibrate <DURATION>', "the fast mode's calibration run (as gomem whatif --calibrate)")
    .action(async (spec: string, flags: AdviseFlags) => {
      setExit(await adviseCommand(spec, flags));
    });
}
