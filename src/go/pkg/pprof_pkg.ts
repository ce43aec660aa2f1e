// runtime/pprof as programs call it: WriteHeapProfile writes the heap
// profile (pprof.ts) to a file of the host, where `go tool pprof` reads it —
// the one call of the model whose output leaves it, as a profile is the
// program's report rather than its state. Writing allocates nothing in the
// model (Go's writer allocates its records and buffers on the heap).

import { writeFileSync } from 'node:fs';
import type { GoProcess } from '../process.ts';

export class Pprof {
  constructor(private readonly p: GoProcess) {}

  /** pprof.WriteHeapProfile(f) for f = os.Create(path): the profile as of the last completed GC cycle. */
  WriteHeapProfile(path: string): void {
    writeFileSync(path, this.p.heapProfile());
  }
}
