// The strace renderer against lines strace 6.x printed on this machine
// (strace -e trace=memory of /tmp/k/pt/err.c and of the Go hello program).

import { describe, expect, it } from 'vitest';
import { EventStream } from '../../src/sim/events.ts';
import {
  MADV_COLLAPSE,
  MADV_NOHUGEPAGE,
  MAP_ANONYMOUS,
  MAP_DENYWRITE,
  MAP_FIXED,
  MAP_NORESERVE,
  MAP_PRIVATE,
  PROT_EXEC,
  PROT_READ,
  PROT_WRITE,
  StraceWriter,
  formatSyscall,
  type KernelEvents,
  type SyscallEvent,
} from '../../src/kernel/index.ts';
import { HELLO, newMachine } from './helpers.ts';

const ev = (name: SyscallEvent['name'], args: number[], ret: number): SyscallEvent => ({ pid: 1, t: 0, name, args, ret });

describe('strace lines', () => {
  it('formats each call as strace does', () => {
    const cases: [SyscallEvent, string][] = [
      [ev('mmap', [0, 8192, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0], 0x7f59a288f000), 'mmap(NULL, 8192, PROT_READ|PROT_WRITE, MAP_PRIVATE|MAP_ANONYMOUS, -1, 0) = 0x7f59a288f000'],
      [
        ev('mmap', [0x7f59a26ca000, 1400832, PROT_READ | PROT_EXEC, MAP_PRIVATE | MAP_FIXED | MAP_DENYWRITE, 3, 0x26000], 0x7f59a26ca000),
        'mmap(0x7f59a26ca000, 1400832, PROT_READ|PROT_EXEC, MAP_PRIVATE|MAP_FIXED|MAP_DENYWRITE, 3, 0x26000) = 0x7f59a26ca000',
      ],
      [
        ev('mmap', [0, 1099511627776, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0], 0x7d59a1600000),
        'mmap(NULL, 1099511627776, PROT_READ|PROT_WRITE, MAP_PRIVATE|MAP_ANONYMOUS|MAP_NORESERVE, -1, 0) = 0x7d59a1600000',
      ],
      [ev('mmap', [0, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_FIXED | MAP_ANONYMOUS, -1, 0], 0), 'mmap(NULL, 4096, PROT_READ|PROT_WRITE, MAP_PRIVATE|MAP_FIXED|MAP_ANONYMOUS, -1, 0) = 0'],
      [ev('mprotect', [0x7f59a2873000, 16384, PROT_READ], 0), 'mprotect(0x7f59a2873000, 16384, PROT_READ) = 0'],
      [ev('mprotect', [0x7f59a1600000, 0, PROT_READ], 0), 'mprotect(0x7f59a1600000, 0, PROT_READ)  = 0'],
      [ev('munmap', [0x7f59a2886000, 34547], 0), 'munmap(0x7f59a2886000, 34547)           = 0'],
      [ev('brk', [0], 0x5574a92bd000), 'brk(NULL)                               = 0x5574a92bd000'],
      [ev('brk', [0x5574a92de000], 0x5574a92de000), 'brk(0x5574a92de000)                     = 0x5574a92de000'],
      [ev('madvise', [0x7fffb1600000, 33554432, MADV_NOHUGEPAGE], 0), 'madvise(0x7fffb1600000, 33554432, MADV_NOHUGEPAGE) = 0'],
      [ev('madvise', [0x7c59a1400000, 2097152, MADV_COLLAPSE], -22), 'madvise(0x7c59a1400000, 2097152, MADV_COLLAPSE) = -1 EINVAL (Invalid argument)'],
      [ev('mmap', [0, 2 ** 63, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0], -12), 'mmap(NULL, 9223372036854775808, PROT_READ|PROT_WRITE, MAP_PRIVATE|MAP_ANONYMOUS, -1, 0) = -1 ENOMEM (Cannot allocate memory)'],
    ];
    for (const [e, line] of cases) expect(formatSyscall(e)).toBe(line);
  });

  it('the writer keeps only memory calls, filters by pid and prefixes like strace -f', () => {
    const m = newMachine();
    const w = new StraceWriter(m.events, { pidPrefix: true });
    const p = m.spawn({ comm: 'a', exe: HELLO });
    p.open('/nonexistent');
    p.brk(0);
    expect(w.lines).toEqual([`[pid  ${p.pid}] brk(NULL)                               = 0x58f000`]);
    const all = new StraceWriter(new EventStream<KernelEvents>(), { all: true });
    expect(all.lines).toEqual([]);
    w.close();
    p.brk(0);
    expect(w.lines.length).toBe(1);
  });
});
