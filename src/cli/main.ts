// The gomem command line. Each subcommand lives in its own file under
// src/cli/ and registers itself here. User errors print one line and exit 2.

import { Command, CommanderError } from 'commander';
import { readFileSync } from 'node:fs';
import { NotModelled } from '../go/panic_trace.ts';
import { SourceError, UsageError } from './errors.ts';

const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };

type Register = (program: Command, setExit: (code: number) => void) => void;

/**
 * The subcommands, in the order help lists them, each with the module that
 * registers it. A module is imported only when its command may run: every
 * one of them for help, an unknown command or anything else, but only
 * run.ts (and what it imports) for `gomem run …`, so a start does not
 * compile the code of commands it will not run (the browser view's server,
 * why's and explain's reports, the what-if and OOM tables).
 */
const commands: [name: string, load: () => Promise<Register>][] = [
  ['run', async () => (await import('./run.ts')).registerRun],
  ['why', async () => (await import('./why.ts')).registerWhy],
  ['explain', async () => (await import('./explain.ts')).registerExplain],
  ['scenarios', async () => (await import('./scenarios.ts')).registerScenarios],
  ['sizeclasses', async () => (await import('./sizeclasses.ts')).registerSizeclasses],
  ['demo', async () => (await import('./demo.ts')).registerDemo],
  ['container-oom', async () => (await import('./container_oom.ts')).registerContainerOom],
  ['view', async () => (await import('./view.ts')).registerView],
  ['serve', async () => (await import('./serve.ts')).registerServe],
  ['build', async () => (await import('./gosource.ts')).registerBuild],
  ['import', async () => (await import('./import.ts')).registerImport],
  ['whatif', async () => (await import('./whatif.ts')).registerWhatif],
  ['advise', async () => (await import('./advise.ts')).registerAdvise],
  ['worker', async () => (await import('./worker.ts')).registerWorker],
];

/**
 * The command line, with every subcommand, or with only `command` (and
 * what it is built from) when argv's first word names it exactly:
 * commander then parses it as it would among all of them (a subcommand's
 * help, errors and options do not depend on its siblings; the program's own
 * options, -v and --help, are the same).
 */
export async function buildProgram(command?: string): Promise<Command> {
  const program = new Command('gomem')
    .description("Go's memory system, executable: the Go 1.23 runtime's allocator, GC and scavenger on a model of Linux")
    .version(pkg.version, '-v, --version')
    .showHelpAfterError(false)
    .exitOverride();
  program.configureOutput({ outputError: (str, write) => write(str.split('\n')[0]!.replace(/^error: /, 'gomem: ') + '\n') });
  // serve takes its run options from run's command: run comes first.
  const wanted = command === 'serve' ? ['run', 'serve'] : [command];
  const only = commands.filter(([name]) => wanted.includes(name));
  const registers = await Promise.all((only.length > 0 ? only : commands).map(([, load]) => load()));
  for (const register of registers) {
    register(program, (code) => {
      exitCode = code;
    });
  }
  return program;
}

let exitCode = 0;

async function main(argv: string[]): Promise<number> {
  try {
    await (await buildProgram(argv[2])).parseAsync(argv);
    return exitCode;
  } catch (e) {
    if (e instanceof CommanderError) {
      // --help and --version arrive here as "errors" with exit code 0.
      return e.exitCode === 0 ? 0 : 2;
    }
    if (e instanceof UsageError) {
      process.stderr.write(e instanceof SourceError ? `${e.message}\n` : `gomem: ${e.message}\n`);
      return 2;
    }
    if (e instanceof NotModelled) {
      process.stderr.write(`gomem: ${e.message}\n`);
      return 2;
    }
    throw e;
  }
}

process.exitCode = await main(process.argv);
