// `gomem explain <scenario-or-file> [--at CHECKPOINT] [--json]`: where VmRSS
// and VmSize go. Runs the program (with `gomem run`'s settings flags) up to
// the checkpoint (default: exit, the end of main) and prints both split into
// causes that sum to the kernel's figures exactly, each with what would
// change it. The classifier is src/go/explain.ts.

import type { Command } from 'commander';
import type { RunOptions } from '../go/process.ts';
import { explainAt, formatExplain } from '../go/explain.ts';
import { reachCheckpoint, settingsOptions } from './at_checkpoint.ts';
import { UsageError } from './errors.ts';
import { type RunFlags, goEnvironment, loadProgram, machineOptions, programOptions, settingsEnv } from './run.ts';

export interface ExplainFlags extends RunFlags {
  at?: string;
}

export async function explainCommand(spec: string, flags: ExplainFlags): Promise<number> {
  const env = settingsEnv(flags, goEnvironment());
  const machine = machineOptions(flags);
  const at = flags.at ?? 'exit';
  if (!/^[A-Za-z0-9_.-]+$/.test(at)) throw new UsageError(`--at: "${at}" is not a checkpoint name`);
  const program = await loadProgram(spec);
  const runOpts: RunOptions = { ...machine, env, options: programOptions(flags.opt, program) };
  const run = reachCheckpoint(program.name, at, () => explainAt(program, runOpts, at));
  const report = run.report!;
  if (flags.json) {
    const { mappings: _m, check: _c, ...rest } = report;
    process.stdout.write(`${JSON.stringify(rest, null, 2)}\n`);
  } else process.stdout.write(formatExplain(report));
  return 0;
}

export function registerExplain(program: Command, setExit: (code: number) => void): void {
  const cmd = program
    .command('explain')
    .description('where RSS and VSZ go: VmRSS and VmSize at a checkpoint split into causes that sum to them exactly, each with what would change it')
    .argument('<scenario-or-file>', 'a scenario name (gomem scenarios) or a .ts/.js file exporting a program')
    .option('--at <CHECKPOINT>', 'the checkpoint to explain (its first occurrence; default "exit", the end of main)')
    .option('--json', 'the same lines as JSON');
  settingsOptions(cmd, 'GODEBUG (madvdontneed=0 releases with MADV_FREE: see the LazyFree line)')
    .addHelpText(
      'after',
      `
Every resident page of every mapping is given to one cause by its address:
heap pages by the page allocator's state and their span (allocated slots,
free slots, heap bits, stacks, GC buffers, free retained, released), runtime
metadata by what the runtime mapped it for, and the rest by the kernel's view
(the executable, [stack], [vdso], file mappings). There is no "other" line.`,
    )
    .action(async (spec: string, flags: ExplainFlags) => {
      setExit(await explainCommand(spec, flags));
    });
}
