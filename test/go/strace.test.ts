// The memory system calls of a gomem run read like `strace -f -e
// trace=memory` of the real program: the hello case's whole log, call for
// call and address for address (recorded under setarch -R on Go 1.23.5:
// reality/cases/hello/strace.txt).

import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { StraceWriter } from '../../src/kernel/index.ts';
import { GoProcess } from '../../src/go/process.ts';
import { scenarios } from '../../src/scenarios/index.ts';

describe('strace of the hello scenario', () => {
  it('equals real Go 1.23.5’s, call for call', () => {
    const real = readFileSync(new URL('../../reality/cases/hello/strace.txt', import.meta.url), 'utf8')
      .split('\n')
      .map((l) => l.replace(/^\d+\s+/, ''))
      .filter((l) => /^(mmap|munmap|mprotect|madvise|brk)\(/.test(l));
    const p = new GoProcess(scenarios.get('hello')!, { env: { GOMAXPROCS: '2' }, stdout: () => {}, stderr: () => {} });
    const w = new StraceWriter(p.machine.events);
    p.run();
    expect(real.length).toBeGreaterThan(20);
    expect(w.lines).toEqual(real);
  });
});
