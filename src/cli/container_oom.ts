// `gomem container-oom`: the first seed's story. Runs the container-oom
// program in a 512 MiB cgroup under GOGC=100, GOMEMLIMIT=450MiB and
// GOGC=off + GOMEMLIMIT=450MiB and prints the table
// (src/scenarios/container-oom-table.ts), then gomem's account of each kill.

import type { Command } from 'commander';
import { oomKillLines } from '../go/oom_report.ts';
import { parseInteger } from '../go/units.ts';
import { containerLimit, containerOomConfigs, formatContainerOomTable, runContainerOom } from '../scenarios/container-oom-table.ts';
import { UsageError } from './errors.ts';
import { parseSize } from './run.ts';

interface Flags {
  seconds?: string;
  cgroupMemoryMax?: string;
  seed?: string;
  dmesg?: boolean;
}

export function containerOomCommand(flags: Flags): number {
  let seconds = 480;
  if (flags.seconds !== undefined) {
    const n = parseInteger(flags.seconds);
    if (n === null || n < 1) throw new UsageError(`--seconds: "${flags.seconds}" is not a positive integer`);
    seconds = n;
  }
  const limit = flags.cgroupMemoryMax !== undefined ? parseSize(flags.cgroupMemoryMax, '--cgroup-memory-max') : containerLimit;
  let seed: number | undefined;
  if (flags.seed !== undefined) {
    const n = parseInteger(flags.seed);
    if (n === null) throw new UsageError(`--seed: "${flags.seed}" is not an integer (at most 2^53-1 either way)`);
    seed = n;
  }
  const rows = containerOomConfigs.map((c) => runContainerOom(c, { seconds, limit, ...(seed !== undefined ? { seed } : {}) }));
  process.stdout.write(formatContainerOomTable(rows, seconds, limit) + '\n');
  for (const r of rows) {
    if (!r.killed) continue;
    process.stdout.write(`\n# ${r.config}\n`);
    for (const l of oomKillLines(r.kernelLog, r.report, flags.dmesg === true)) process.stdout.write(`${l}\n`);
  }
  return 0;
}

export function registerContainerOom(program: Command, setExit: (code: number) => void): void {
  program
    .command('container-oom')
    .description('the container-oom scenario under GOGC=100, GOMEMLIMIT=450MiB and GOGC=off+GOMEMLIMIT=450MiB in a 512 MiB cgroup: one row each')
    .option('--seconds <N>', 'how long the service runs, virtual seconds (default 480)')
    .option('--cgroup-memory-max <SIZE>', "the container's memory.max (default 512MiB)")
    .option('--seed <N>', 'seed for everything random in the runs')
    .option('--dmesg', "also print the kernel's log lines of each OOM kill")
    .action((flags: Flags) => {
      setExit(containerOomCommand(flags));
    });
}
