// Example 5-3 of "Efficient Go" on the kernel model: map a 600 MiB file,
// read three bytes, unmap; and the anonymous counterpart, with and without
// MADV_HUGEPAGE. Prints the numbers, `ps aux` rows and the mapping's smaps.
//
//   npx tsx examples/mmap-file.ts      (same as: node bin/gomem.js demo mmap-file)

import { formatWalkthrough, mmapFileWalkthrough } from '../src/kernel/walkthrough.ts';

process.stdout.write(formatWalkthrough(mmapFileWalkthrough()));
