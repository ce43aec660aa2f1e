// The gomem command line. Each subcommand lives in its own file under
// src/cli/ and registers itself here. User errors print one line and exit 2.

import { Command, CommanderError } from 'commander';
import { readFileSync } from 'node:fs';
import { NotModelled } from '../go/panic_trace.ts';
import { SourceError, UsageError } from './errors.ts';
import { registerRun } from './run.ts';
import { registerWhy } from './why.ts';
import { registerScenarios } from './scenarios.ts';
import { registerSizeclasses } from './sizeclasses.ts';
import { registerDemo } from './demo.ts';
import { registerContainerOom } from './container_oom.ts';
import { registerExplain } from './explain.ts';
import { registerView } from './view.ts';
import { registerServe } from './serve.ts';
import { registerBuild } from './gosource.ts';

const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };

export function buildProgram(): Command {
  const program = new Command('gomem')
    .description("Go's memory system, executable: the Go 1.23 runtime's allocator, GC and scavenger on a model of Linux")
    .version(pkg.version, '-v, --version')
    .showHelpAfterError(false)
    .exitOverride();
  program.configureOutput({ outputError: (str, write) => write(str.split('\n')[0]!.replace(/^error: /, 'gomem: ') + '\n') });
  registerRun(program, (code) => {
    exitCode = code;
  });
  registerWhy(program, (code) => {
    exitCode = code;
  });
  registerExplain(program, (code) => {
    exitCode = code;
  });
  registerScenarios(program);
  registerSizeclasses(program);
  registerDemo(program);
  registerContainerOom(program, (code) => {
    exitCode = code;
  });
  registerView(program);
  registerServe(program);
  registerBuild(program);
  return program;
}

let exitCode = 0;

async function main(argv: string[]): Promise<number> {
  try {
    await buildProgram().parseAsync(argv);
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
