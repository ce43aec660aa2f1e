// `gomem demo <name>`: runs a built-in walk-through and prints it.
//   mmap-file   Example 5-3: a 600 MiB file mapping, three bytes read (kernel model only)

import type { Command } from 'commander';
import { formatWalkthrough, mmapFileWalkthrough } from '../kernel/walkthrough.ts';
import { UsageError } from './errors.ts';

const DEMOS: Record<string, { about: string; run: () => string }> = {
  'mmap-file': {
    about: 'Example 5-3: mmap a 600 MiB file, read three bytes; and the anonymous counterpart (with MADV_HUGEPAGE)',
    run: () => formatWalkthrough(mmapFileWalkthrough()),
  },
};

export function registerDemo(program: Command): void {
  program
    .command('demo')
    .description('run a built-in walk-through: ' + Object.keys(DEMOS).join(', '))
    .argument('<name>', `one of: ${Object.keys(DEMOS).join(', ')}`)
    .action((name: string) => {
      const d = DEMOS[name];
      if (d === undefined) throw new UsageError(`unknown demo "${name}" (have: ${Object.keys(DEMOS).join(', ')})`);
      process.stdout.write(d.run());
    });
}
