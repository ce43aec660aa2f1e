// `gomem sizeclasses`: the size-class table laid out like the comment table
// at the top of Go's sizeclasses.go, for side-by-side reading.

import type { Command } from 'commander';
import { class_to_allocnpages, class_to_size } from '../runtime/sizeclasses.ts';
import { formatSizeClassTable } from '../runtime/sizeclasses_text.ts';

export function registerSizeclasses(program: Command): void {
  program
    .command('sizeclasses')
    .description("print Go 1.23's size-class table (as in sizeclasses.go)")
    .action(() => {
      process.stdout.write(formatSizeClassTable(class_to_size, class_to_allocnpages).join('\n') + '\n');
    });
}
