// Error paths of mmap / munmap / mprotect / madvise / brk, each with the errno
// this machine's kernel returns (measured with /tmp/k/pt/err.c under strace;
// the expected lines below are that strace output), and the calls Linux
// accepts that a naive model would reject.

import { describe, expect, it } from 'vitest';
import {
  EBADF,
  EEXIST,
  EINVAL,
  ENOMEM,
  MADV_COLLAPSE,
  MADV_DONTNEED,
  MADV_FREE,
  MADV_HUGEPAGE,
  MAP_ANONYMOUS,
  MAP_FIXED,
  MAP_FIXED_NOREPLACE,
  MAP_NORESERVE,
  MAP_PRIVATE,
  MAP_SHARED,
  PROT_NONE,
  PROT_READ,
  PROT_WRITE,
  StraceWriter,
  type Process,
} from '../../src/kernel/index.ts';
import { pteState, verify } from '../../src/kernel/export_test.ts';
import { HELLO, MEMTOTAL, MiB, newMachine } from './helpers.ts';

const RW = PROT_READ | PROT_WRITE;
const ANON = MAP_PRIVATE | MAP_ANONYMOUS;

function setup(): { p: Process; b: number; w: StraceWriter } {
  const m = newMachine();
  const p = m.spawn({ comm: 'err', exe: HELLO });
  const b = p.mmap(0, 16 * MiB, RW, ANON, -1, 0);
  const w = new StraceWriter(m.events);
  return { p, b, w };
}

describe('mmap errors', () => {
  it('returns the errno Linux returns', () => {
    const { p, b } = setup();
    expect(p.mmap(0, 0, RW, ANON, -1, 0)).toBe(-EINVAL); // zero length
    expect(p.mmap(b + 1, 4096, RW, ANON | MAP_FIXED, -1, 0)).toBe(-EINVAL); // unaligned MAP_FIXED
    expect(p.mmap(0, 4096, RW, MAP_ANONYMOUS, -1, 0)).toBe(-EINVAL); // neither private nor shared
    expect(p.mmap(0, 4096, RW, MAP_PRIVATE | MAP_SHARED | MAP_ANONYMOUS, -1, 0)).toBe(-EINVAL); // MAP_SHARED_VALIDATE, anonymous
    expect(p.mmap(b + 4096, 4096, RW, ANON | MAP_FIXED_NOREPLACE, -1, 0)).toBe(-EEXIST);
    expect(p.mmap(b + 4097, 4096, RW, ANON | MAP_FIXED_NOREPLACE, -1, 0)).toBe(-EINVAL);
    expect(p.mmap(0, 4096, RW, MAP_PRIVATE, 99, 0)).toBe(-EBADF);
    expect(p.mmap(0x800000000000, 4096, RW, ANON | MAP_FIXED, -1, 0)).toBe(-ENOMEM); // above TASK_SIZE
    expect(p.mmap(0, 2 ** 63, RW, ANON, -1, 0)).toBe(-ENOMEM);
    expect(p.mmap(0, 2 ** 47, PROT_NONE, ANON, -1, 0)).toBe(-ENOMEM);
    verify(p);
  });

  it('accepts an unaligned hint without MAP_FIXED, and MAP_FIXED at 0 as root', () => {
    const { p, b } = setup();
    expect(p.mmap(b + 1, 4096, RW, ANON, -1, 0)).toBeGreaterThan(0);
    expect(p.mmap(0, 4096, RW, ANON | MAP_FIXED, -1, 0)).toBe(0);
    expect(p.mmap(0x1000, 4096, RW, ANON | MAP_FIXED, -1, 0)).toBe(0x1000);
  });

  it('applies vm.overcommit_memory=0: one writable private mapping larger than RAM is refused', () => {
    const { p } = setup();
    expect(p.mmap(0, 2 ** 40, PROT_NONE, ANON, -1, 0)).toBeGreaterThan(0); // PROT_NONE is not charged
    expect(p.mmap(0, 2 ** 40, RW, ANON, -1, 0)).toBe(-ENOMEM);
    expect(p.mmap(0, 2 ** 40, RW, ANON | MAP_NORESERVE, -1, 0)).toBeGreaterThan(0);
    expect(p.mmap(0, MEMTOTAL + 4096, RW, ANON, -1, 0)).toBe(-ENOMEM); // measured: 24684092 kB + 4 KiB refused
    const ok = p.mmap(0, MEMTOTAL, RW, ANON, -1, 0); // exactly RAM is accepted
    expect(ok).toBeGreaterThan(0);
    expect(p.munmap(ok, MEMTOTAL)).toBe(0);
    const n = p.mmap(0, 2 ** 40, PROT_NONE, ANON, -1, 0);
    expect(p.mprotect(n, 2 ** 40, RW)).toBe(-ENOMEM); // mprotect charges what becomes writable
    expect(p.mprotect(n, 64 * MiB, RW)).toBe(0);
    verify(p);
  });
});

describe('munmap, mprotect, madvise errors', () => {
  it('mprotect: hole → ENOMEM, unaligned → EINVAL, zero length → 0, bad prot → EINVAL', () => {
    const { p, b } = setup();
    expect(p.munmap(b + 8192, 8192)).toBe(0);
    expect(p.mprotect(b, 65536, PROT_READ)).toBe(-ENOMEM);
    expect(p.mprotect(b + 1, 4096, PROT_READ)).toBe(-EINVAL);
    expect(p.mprotect(b, 0, PROT_READ)).toBe(0);
    expect(p.mprotect(0x100000000, 4096, PROT_READ)).toBe(-ENOMEM);
    expect(p.mprotect(b, 4096, 0x100)).toBe(-EINVAL);
    // the part before the hole was changed, as Linux does
    expect(p.vmas().find((v) => v.start === b)!.prot).toBe(PROT_READ);
    verify(p);
  });

  it('madvise: hole → ENOMEM (after advising the mapped part), unaligned → EINVAL, bad advice → EINVAL', () => {
    // measured (/tmp/k/pt/hole.c): after madvise → ENOMEM, mincore shows the pages before and
    // after the hole gone; mprotect over the hole changed only the part before it.
    const { p, b } = setup();
    p.write(b, 65536);
    expect(p.munmap(b + 8192, 8192)).toBe(0);
    expect(p.madvise(b, 65536, MADV_DONTNEED)).toBe(-ENOMEM);
    expect(pteState(p, b)).toBe('none'); // the mapped parts were zapped anyway
    expect(pteState(p, b + 16384)).toBe('none');
    expect(p.madvise(b, 65536, MADV_HUGEPAGE)).toBe(-ENOMEM);
    expect(p.madvise(b + 1, 4096, MADV_DONTNEED)).toBe(-EINVAL);
    expect(p.madvise(b, 0, MADV_DONTNEED)).toBe(0);
    expect(p.madvise(b, 4096, 12345)).toBe(-EINVAL);
    expect(p.madvise(b, 4096, MADV_FREE)).toBe(0);
    expect(p.madvise(b, 4096, MADV_COLLAPSE)).toBe(-EINVAL); // no 2 MiB extent inside
    expect(p.madvise(b, 4095, MADV_DONTNEED)).toBe(0); // length rounded up
    verify(p);
  });

  it('munmap: unaligned → EINVAL, zero → EINVAL, partly or wholly unmapped ranges → 0', () => {
    const { p, b } = setup();
    expect(p.munmap(b + 1, 4096)).toBe(-EINVAL);
    expect(p.munmap(b, 0)).toBe(-EINVAL);
    expect(p.munmap(b + 65536, 4095)).toBe(0);
    expect(p.munmap(b + 8192, 8192)).toBe(0);
    expect(p.munmap(b, 65536)).toBe(0); // partly unmapped already
    expect(p.munmap(b, 65536)).toBe(0); // nothing there at all
    expect(p.munmap(0x800000000000, 4096)).toBe(-EINVAL);
    verify(p);
  });

  it('MADV_DONTNEED, MADV_FREE and MADV_HUGEPAGE succeed on PROT_NONE memory; MADV_COLLAPSE does not', () => {
    const { p } = setup();
    const pn = p.mmap(0, 2 * MiB, PROT_NONE, ANON, -1, 0);
    expect(p.madvise(pn, 2 * MiB, MADV_DONTNEED)).toBe(0);
    expect(p.madvise(pn, 2 * MiB, MADV_FREE)).toBe(0);
    expect(p.madvise(pn, 2 * MiB, MADV_HUGEPAGE)).toBe(0);
    expect(p.madvise(pn, 2 * MiB, MADV_COLLAPSE)).toBe(-EINVAL);
  });

  it('strace renders the failures as this machine’s strace does', () => {
    const { p, b, w } = setup();
    p.mmap(0, 0, RW, ANON, -1, 0);
    p.mmap(b + 4096, 4096, RW, ANON | MAP_FIXED_NOREPLACE, -1, 0);
    p.mmap(0, 4096, RW, MAP_PRIVATE, 99, 0);
    p.mprotect(b, 4096, 0x100);
    p.madvise(b, 4096, 0x3039);
    p.munmap(b + 1, 4096);
    p.mmap(0, 4096, RW, MAP_ANONYMOUS, -1, 0);
    expect(w.lines).toEqual([
      'mmap(NULL, 0, PROT_READ|PROT_WRITE, MAP_PRIVATE|MAP_ANONYMOUS, -1, 0) = -1 EINVAL (Invalid argument)',
      `mmap(0x${(b + 4096).toString(16)}, 4096, PROT_READ|PROT_WRITE, MAP_PRIVATE|MAP_ANONYMOUS|MAP_FIXED_NOREPLACE, -1, 0) = -1 EEXIST (File exists)`,
      'mmap(NULL, 4096, PROT_READ|PROT_WRITE, MAP_PRIVATE, 99, 0) = -1 EBADF (Bad file descriptor)',
      `mprotect(0x${b.toString(16)}, 4096, 0x100 /* PROT_??? */) = -1 EINVAL (Invalid argument)`,
      `madvise(0x${b.toString(16)}, 4096, 0x3039 /* MADV_??? */) = -1 EINVAL (Invalid argument)`,
      `munmap(0x${(b + 1).toString(16)}, 4096)            = -1 EINVAL (Invalid argument)`,
      'mmap(NULL, 4096, PROT_READ|PROT_WRITE, MAP_FILE|MAP_ANONYMOUS, -1, 0) = -1 EINVAL (Invalid argument)',
    ]);
  });
});

describe('brk', () => {
  it('grows and shrinks [heap] above the bss, as measured with a Go binary calling brk directly', () => {
    const { p } = setup();
    // measured (/tmp/k/brk): brk0=0x591000 grow=0x593064 shrink=0x592000 bad=0x592000 with the bss ending at 0x590240;
    // for hello the bss ends at 0x58e240, so the initial break is 0x58f000.
    const cur = p.brk(0);
    expect(cur).toBe(0x58f000);
    expect(p.brk(cur + 8192 + 100)).toBe(cur + 8192 + 100);
    expect(p.vmas().find((v) => v.name === '[heap]')!.end).toBe(cur + 12288);
    expect(p.brk(cur + 4096)).toBe(cur + 4096);
    expect(p.brk(0x100)).toBe(cur + 4096);
    const heap = p.vmas().find((v) => v.name === '[heap]')!;
    expect([heap.start, heap.end]).toEqual([cur, cur + 4096]);
    // the heap does not merge with the bss VMA below it
    expect(p.vmas().find((v) => v.end === cur)!.name).toBe('');
    verify(p);
  });
});

describe('vm.overcommit_memory', () => {
  it('2 (never): the commit limit is RAM × 50 % minus the 8 MiB admin reserve (hand-worked from __vm_enough_memory)', () => {
    const m = newMachine({ memTotal: 1024 * MiB, overcommitMemory: 2 });
    const p = m.spawn({ comm: 'a', exe: HELLO });
    const limit = 131072 - 2048; // pages
    const used = m.committedPages; // exec: the stack, the writable data and the bss
    expect(used).toBe(33 + 11 + 36);
    expect(p.mmap(0, (limit - used + 1) * 4096, RW, ANON, -1, 0)).toBe(-ENOMEM);
    const a = p.mmap(0, (limit - used) * 4096, RW, ANON, -1, 0);
    expect(a).toBeGreaterThan(0);
    expect(p.mmap(0, 4096, RW, ANON, -1, 0)).toBe(-ENOMEM);
    expect(p.mmap(0, 4096, RW, ANON | MAP_NORESERVE, -1, 0)).toBe(-ENOMEM); // MAP_NORESERVE is ignored in mode 2
    expect(p.mmap(0, 2 ** 40, PROT_NONE, ANON, -1, 0)).toBeGreaterThan(0); // PROT_NONE is never charged
    expect(p.munmap(a, 4096)).toBe(0);
    expect(p.mmap(0, 4096, RW, ANON, -1, 0)).toBeGreaterThan(0);
  });

  it('1 (always): anything goes', () => {
    const m = newMachine({ overcommitMemory: 1 });
    const p = m.spawn({ comm: 'a', exe: HELLO });
    expect(p.mmap(0, 2 ** 45, RW, ANON, -1, 0)).toBeGreaterThan(0);
  });
});
