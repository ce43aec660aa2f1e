// `gomem scenarios`: the built-in programs, one line each.

import type { Command } from 'commander';
import { scenarios } from '../scenarios/index.ts';

export function registerScenarios(program: Command): void {
  program
    .command('scenarios')
    .description('list the built-in programs')
    .action(() => {
      const width = Math.max(...[...scenarios.keys()].map((k) => k.length));
      for (const [name, p] of scenarios) process.stdout.write(`${name.padEnd(width)}  ${p.description}\n`);
    });
}
