// Transparent huge pages: measured on this machine (THP "madvise",
// use_zero_page 1, /tmp/k/pt/drv.c) unless marked hand-worked.

import { describe, expect, it } from 'vitest';
import { MADV_COLLAPSE, MADV_DONTNEED, MADV_FREE, MADV_HUGEPAGE, MADV_NOHUGEPAGE, MAP_ANONYMOUS, MAP_PRIVATE, PROT_READ, PROT_WRITE } from '../../src/kernel/index.ts';
import { pteState, verify } from '../../src/kernel/export_test.ts';
import { HELLO, MiB, newMachine } from './helpers.ts';

const RW = PROT_READ | PROT_WRITE;
const ANON = MAP_PRIVATE | MAP_ANONYMOUS;

function setup(thp: 'always' | 'madvise' | 'never' = 'madvise') {
  const m = newMachine({ thp });
  const p = m.spawn({ comm: 'drv', exe: HELLO });
  return { m, p };
}

describe('THP in madvise mode', () => {
  it('600 MiB with MADV_HUGEPAGE: whole 2 MiB pages, the huge zero page on read, a split by a partial DONTNEED', () => {
    // measured (Rss / AnonHugePages kB, VmPTE delta):
    //   madvise(HUGEPAGE)  0 / 0, THPeligible 0 → 1, VmFlags "… ac hg"
    //   write@5000         2048 / 2048, +4
    //   write@100000, @104000: unchanged
    //   read@4 MiB         unchanged, +4 (huge zero page)
    //   write@4 MiB        4096 / 4096
    //   write all          614400 / 614400, +1200 in total
    //   DONTNEED 4 KiB@4096  614396 / 612352
    const { p } = setup();
    const a = p.mmap(0, 600 * MiB, RW, ANON, -1, 0);
    const v = () => p.vmas().find((x) => x.start === a)!;
    const pte0 = p.vmPte;
    expect(p.machine.thp.eligible(v())).toBe(false);
    p.madvise(a, 600 * MiB, MADV_HUGEPAGE);
    expect(p.machine.thp.eligible(v())).toBe(true);
    const row = () => [v().rss / 1024, v().anonHugePages / 1024, (p.vmPte - pte0) / 1024];
    p.write(a + 5000, 1);
    expect(row()).toEqual([2048, 2048, 4]);
    p.write(a + 100000, 1);
    p.write(a + 104000, 1);
    expect(row()).toEqual([2048, 2048, 4]);
    p.read(a + 4 * MiB, 1);
    expect(row()).toEqual([2048, 2048, 8]);
    expect(pteState(p, a + 4 * MiB)).toBe('huge-zero');
    p.write(a + 4 * MiB, 1);
    expect(row()).toEqual([4096, 4096, 8]);
    p.write(a, 600 * MiB);
    expect(row()).toEqual([614400, 614400, 1200]);
    p.madvise(a + 4096, 4096, MADV_DONTNEED);
    expect(row()).toEqual([614396, 612352, 1200]);
    verify(p);
  });

  it('MADV_COLLAPSE: EINVAL where no page table exists, a 2 MiB page where one does', () => {
    // measured on a 4 MiB RW mapping: collapse of untouched → EINVAL; after writing one page,
    // collapse → EINVAL but Rss/AnonHugePages 2048; after a read fault in the 2nd 2 MiB,
    // collapse → 4096 / 4096.
    const { p } = setup();
    const a = p.mmap(0, 4 * MiB, RW, ANON, -1, 0);
    const v = () => p.vmas().find((x) => x.start === a)!;
    expect(p.madvise(a, 4 * MiB, MADV_COLLAPSE)).toBe(-22);
    p.write(a + 4096, 1);
    expect(p.madvise(a, 4 * MiB, MADV_COLLAPSE)).toBe(-22);
    expect([v().rss, v().anonHugePages].map((x) => x / 1024)).toEqual([2048, 2048]);
    p.read(a + 2 * MiB, 1);
    expect(pteState(p, a + 2 * MiB)).toBe('zero'); // no VM_HUGEPAGE: a 4 KiB zero page
    expect(p.madvise(a, 4 * MiB, MADV_COLLAPSE)).toBe(0);
    expect([v().rss, v().anonHugePages].map((x) => x / 1024)).toEqual([4096, 4096]);
    expect(p.machine.thp.eligible(v())).toBe(false); // THPeligible stays 0 without hg
    verify(p);
  });

  it('no THP where a 4 KiB page table already exists, or with VM_NOHUGEPAGE (hand-worked)', () => {
    const { p } = setup();
    const a = p.mmap(0, 4 * MiB, RW, ANON, -1, 0);
    p.write(a, 1); // 4 KiB page, table exists
    p.madvise(a, 4 * MiB, MADV_HUGEPAGE);
    p.write(a + 8192, 1);
    expect(p.vmas().find((x) => x.start === a)!.anonHugePages).toBe(0);
    p.write(a + 2 * MiB, 1); // the second extent has no table yet
    expect(p.vmas().find((x) => x.start === a)!.anonHugePages).toBe(2 * MiB);
    const b = p.mmap(0, 4 * MiB, RW, ANON, -1, 0);
    p.madvise(b, 4 * MiB, MADV_NOHUGEPAGE);
    p.write(b, 1);
    expect(p.vmas().find((x) => x.start === b)!.rss).toBe(4096);
    verify(p);
  });

  it('MADV_FREE of a whole huge page keeps it huge and lazily free; of part of it splits it (hand-worked)', () => {
    const { p } = setup();
    const a = p.mmap(0, 4 * MiB, RW, ANON, -1, 0);
    p.madvise(a, 4 * MiB, MADV_HUGEPAGE);
    p.write(a, 4 * MiB);
    p.madvise(a, 2 * MiB, MADV_FREE);
    p.madvise(a + 2 * MiB, 4096, MADV_FREE);
    const v = p.vmas().find((x) => x.start === a)!;
    expect([v.rss, v.anonHugePages, v.lazyFree].map((x) => x / 1024)).toEqual([4096, 2048, 2052]);
    verify(p);
  });
});

describe('THP modes (hand-worked from __thp_vma_allowable_orders)', () => {
  it('always: any anonymous VMA with an aligned 2 MiB extent gets THPs unless VM_NOHUGEPAGE', () => {
    const { p } = setup('always');
    const a = p.mmap(0, 8 * MiB, RW, ANON, -1, 0);
    p.write(a + 3 * MiB, 1);
    const v = p.vmas().find((x) => x.start === a)!;
    expect([v.rss, v.anonHugePages].map((x) => x / 1024)).toEqual([2048, 2048]);
    expect(p.machine.thp.eligible(v)).toBe(true);
    // a 1 MiB mapping cannot hold an aligned 2 MiB extent
    const b = p.mmap(0, 1 * MiB, RW, ANON, -1, 0);
    p.write(b, 1);
    expect(p.vmas().find((x) => x.start === b)!.rss).toBe(4096);
    verify(p);
  });

  it('never: no THP even with MADV_HUGEPAGE; MADV_COLLAPSE still works', () => {
    const { p } = setup('never');
    const a = p.mmap(0, 4 * MiB, RW, ANON, -1, 0);
    p.madvise(a, 4 * MiB, MADV_HUGEPAGE);
    p.write(a, 1);
    const v = p.vmas().find((x) => x.start === a)!;
    expect(v.rss).toBe(4096);
    expect(p.machine.thp.eligible(v)).toBe(false);
    expect(p.madvise(a, 2 * MiB, MADV_COLLAPSE)).toBe(0);
    expect(v.anonHugePages).toBe(2 * MiB);
    verify(p);
  });
});
