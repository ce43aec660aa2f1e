// Page states of anonymous memory: the zero page, resident pages, MADV_FREE's
// lazily freed pages, MADV_DONTNEED, and VmPTE's page-table accounting —
// values from runs on this machine (/tmp/k/pt/drv.c) unless marked
// hand-worked.

import { describe, expect, it } from 'vitest';
import {
  MADV_DONTNEED,
  MADV_FREE,
  MAP_ANONYMOUS,
  MAP_PRIVATE,
  PROT_NONE,
  PROT_READ,
  PROT_WRITE,
  SegmentationFault,
  renderSmapsEntry,
} from '../../src/kernel/index.ts';
import { pteState, tableCounts, verify } from '../../src/kernel/export_test.ts';
import { HELLO, MiB, newMachine } from './helpers.ts';

const RW = PROT_READ | PROT_WRITE;
const ANON = MAP_PRIVATE | MAP_ANONYMOUS;

function setup() {
  const m = newMachine();
  const p = m.spawn({ comm: 'drv', exe: HELLO });
  return { m, p };
}

describe('anonymous page states', () => {
  it('a read fault maps the zero page: no RSS, but a page table', () => {
    const { p } = setup();
    const a = p.mmap(0, 4 * MiB + 4096, RW, ANON, -1, 0); // not a 2 MiB multiple: no THP alignment
    const rss0 = p.vmRss;
    const pte0 = p.vmPte;
    p.read(a + 8192, 1);
    expect(pteState(p, a + 8192)).toBe('zero');
    expect(p.vmRss).toBe(rss0);
    expect(p.vmPte).toBeGreaterThan(pte0);
    p.write(a + 8192, 1); // copy-on-write of the zero page
    expect(pteState(p, a + 8192)).toBe('anon');
    expect(p.vmRss - rss0).toBe(4096);
    expect(p.minflt).toBeGreaterThanOrEqual(2);
    verify(p);
  });

  it('600 MiB anonymous: one written byte at 5000, 100000, 104000 costs 4 kB each; writing all of it 614400 kB and 300 PTE tables', () => {
    // measured: RSS +4, +4, +4 kB (pages 1, 24, 25), then Rss 614400 kB; VmPTE 36 → 40 → 1236 kB
    const { p } = setup();
    const a = p.mmap(0, 600 * MiB, RW, ANON, -1, 0);
    const v = () => p.vmas().find((x) => x.start === a)!;
    const pte0 = p.vmPte;
    const steps: [number, number, number][] = [];
    for (const off of [5000, 100000, 104000]) {
      p.write(a + off, 1);
      steps.push([off, v().rss / 1024, (p.vmPte - pte0) / 1024]);
    }
    expect(steps).toEqual([
      [5000, 4, 4],
      [100000, 8, 4],
      [104000, 12, 4],
    ]);
    p.write(a, 600 * MiB);
    expect(v().rss / 1024).toBe(614400);
    expect(v().privateDirty / 1024).toBe(614400);
    expect((p.vmPte - pte0) / 1024).toBe(1200);
    expect(p.machine.thp.eligible(v())).toBe(false);
    verify(p);
  });

  it('MADV_FREE keeps pages resident but clean (LazyFree); a write makes them normal again', () => {
    // measured: after writing 2 pages and MADV_FREE of the first: Rss 8, Private_Dirty 4;
    // write to page 0 again: Private_Dirty 8; MADV_FREE of both: Private_Dirty 0.
    // (Real LazyFree lags: folios wait in a per-CPU batch before the kernel counts them;
    //  the model counts them at once — see docs/fidelity/kernel.md.)
    const { p } = setup();
    const a = p.mmap(0, 4 * MiB, RW, ANON, -1, 0);
    const v = () => p.vmas().find((x) => x.start === a)!;
    p.madvise(a, 4096, MADV_FREE); // nothing resident yet: no effect
    p.write(a, 8192);
    p.madvise(a, 4096, MADV_FREE);
    expect([v().rss, v().privateDirty, v().privateClean, v().lazyFree].map((x) => x / 1024)).toEqual([8, 4, 4, 4]);
    expect(p.rssAnon / 1024).toBeGreaterThanOrEqual(8);
    p.write(a, 1);
    expect([v().rss, v().privateDirty, v().lazyFree].map((x) => x / 1024)).toEqual([8, 8, 0]);
    p.madvise(a, 8192, MADV_FREE);
    expect([v().rss, v().privateDirty, v().lazyFree, v().anonymous].map((x) => x / 1024)).toEqual([8, 0, 8, 8]);
    expect(renderSmapsEntry(p, v())).toContain('LazyFree:              8 kB\n');
    verify(p);
  });

  it('MADV_DONTNEED drops pages (a later read sees the zero page) and frees the emptied page table of a whole 2 MiB', () => {
    // measured: VmPTE 40 → 36 kB after MADV_DONTNEED of a 64 MiB range holding one written page
    const { p } = setup();
    const a = p.mmap(0, 64 * MiB, RW, ANON, -1, 0);
    const pte0 = p.vmPte;
    p.write(a, 1);
    expect(p.vmPte - pte0).toBe(4096);
    expect(p.madvise(a, 64 * MiB, MADV_DONTNEED)).toBe(0);
    expect(p.vmPte).toBe(pte0);
    expect(pteState(p, a)).toBe('none');
    // a partial zap keeps the table (hand-worked from mm/pt_reclaim.c: only whole PMD ranges)
    p.write(a, 1);
    p.madvise(a, 4096, MADV_DONTNEED);
    expect(p.vmPte - pte0).toBe(4096);
    p.read(a, 1);
    expect(pteState(p, a)).toBe('zero');
    verify(p);
  });

  it('MADV_DONTNEED on PROT_NONE memory succeeds and drops what was resident', () => {
    const { p } = setup();
    const a = p.mmap(0, 2 * MiB, RW, ANON, -1, 0);
    p.write(a, 64 * 1024);
    p.mprotect(a, 2 * MiB, PROT_NONE);
    expect(p.vmas().find((v) => v.start === a)!.rss).toBe(64 * 1024); // mprotect keeps pages
    expect(p.madvise(a, 2 * MiB, MADV_DONTNEED)).toBe(0);
    expect(p.vmas().find((v) => v.start === a)!.rss).toBe(0);
    verify(p);
  });

  it('a bad access is a SIGSEGV: MAPERR outside any VMA, ACCERR against the protection', () => {
    const { p } = setup();
    p.handlesSigsegv = true; // as the Go runtime does
    const a = p.mmap(0, 4 * MiB, PROT_READ, ANON, -1, 0);
    expect(() => p.write(a, 1)).toThrowError(SegmentationFault);
    try {
      p.read(0x10000, 1);
    } catch (e) {
      expect((e as SegmentationFault).code).toBe(1); // SEGV_MAPERR
    }
    try {
      p.write(a + 100, 1);
    } catch (e) {
      expect((e as SegmentationFault).code).toBe(2); // SEGV_ACCERR
      expect((e as SegmentationFault).addr).toBe(a + 100);
    }
    expect(p.exited).toBeUndefined();
    const q = setup().p; // without a handler the process dies with SIGSEGV
    expect(() => q.read(0x10000, 1)).toThrowError(SegmentationFault);
    expect(q.exited).toEqual({ status: 139, signal: 11 });
  });

  it('the stack grows down on access below it, up to RLIMIT_STACK', () => {
    const { p } = setup();
    const stack = p.vmas().find((v) => v.name === '[stack]')!;
    const start = stack.start;
    p.write(start - 3 * 4096, 8);
    expect(stack.start).toBe(start - 3 * 4096);
    expect(p.vmStk / 1024).toBe(132 + 12);
    p.handlesSigsegv = true;
    expect(() => p.write(0x7ffffffff000 - 9 * MiB, 1)).toThrowError(SegmentationFault);
    verify(p);
  });

  it('munmap frees a PTE table once no VMA covers any of its 2 MiB (measured: 36 → 48 → 48 → 44 → 44 kB)', () => {
    const { p } = setup();
    const a = p.mmap(0, 8 * MiB, RW, ANON, -1, 0);
    const pte0 = p.vmPte;
    for (const off of [0, 2 * MiB, 6 * MiB]) p.write(a + off, 1);
    expect((p.vmPte - pte0) / 1024).toBe(12);
    p.munmap(a, 1 * MiB); // the table still maps [a + 1 MiB, a + 2 MiB)
    expect((p.vmPte - pte0) / 1024).toBe(12);
    p.munmap(a + 1 * MiB, 1 * MiB);
    expect((p.vmPte - pte0) / 1024).toBe(8);
    p.munmap(a + 4 * MiB, 2 * MiB); // never touched: no table to free
    expect((p.vmPte - pte0) / 1024).toBe(8);
    verify(p);
  });

  it('page tables: one PTE table per touched 2 MiB, PMD per 1 GiB, PUD per 512 GiB (measured: +12, +8 kB, back after munmap)', () => {
    // /tmp/k/pt/pud.c: a 2 GiB mapping at 32 TiB, one byte in each GiB: VmPTE 44 → 56 → 64 → 44 kB
    const { p } = setup();
    const t0 = tableCounts(p); // after exec: text and stack regions (measured VmPTE 24 kB)
    expect(t0).toEqual({ pte: 2, pmd: 2, pud: 2 });
    const a = p.mmap(0x200000000000, 2 * 2 ** 30, RW, ANON | 0x10, -1, 0); // MAP_FIXED at 32 TiB: new PUD
    p.write(a, 1);
    p.write(a + 2 ** 30 + 4096, 1);
    expect(tableCounts(p)).toEqual({ pte: 4, pmd: 4, pud: 3 });
    expect(p.vmPte / 1024).toBe(24 + 2 * 4 + 2 * 4 + 4);
    p.munmap(a, 2 * 2 ** 30); // free_pgtables: everything that only this mapping used
    expect(tableCounts(p)).toEqual(t0);
    verify(p);
  });
});
