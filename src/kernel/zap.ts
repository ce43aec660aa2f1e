// Unmapping the pages of a range of one VMA (mm/memory.c
// zap_page_range_single / unmap_page_range → zap_pmd_range → zap_pte_range),
// used by munmap, MAP_FIXED replacement, MADV_DONTNEED and exit.
//
// A huge PMD wholly inside the range goes at once with its deposited table;
// one only partly inside is split first. With `reclaimPt` (MADV_DONTNEED on
// a kernel with CONFIG_PT_RECLAIM, as this one), a PTE table whose whole
// 2 MiB was zapped and is now empty is freed (mm/pt_reclaim.c) — measured:
// VmPTE drops by 4 kB after MADV_DONTNEED of a touched 64 MiB range.

import { HPAGE_PMD_SIZE, PAGE_SIZE } from './constants.ts';
import type { Mm } from './mm.ts';
import { PMD_TABLE } from './pagetable.ts';
import { zapEntry } from './rmap.ts';
import type { Vma } from './vma.ts';

export function zapRange(mm: Mm, v: Vma, start: number, end: number, reclaimPt: boolean): void {
  const lo = Math.max(start, v.start);
  const hi = Math.min(end, v.end);
  if (lo >= hi) return;
  mm.pgtables.forEachInRange(lo, hi, (t) => {
    const base = t.base;
    const tlo = Math.max(lo, base);
    const thi = Math.min(hi, base + HPAGE_PMD_SIZE);
    const whole = tlo === base && thi === base + HPAGE_PMD_SIZE;
    if (t.pmd !== PMD_TABLE) {
      if (whole) {
        mm.machine.thp.zapHuge(mm, v, t);
        return;
      }
      mm.machine.thp.splitPmd(mm, v, t);
    }
    if (t.present !== 0) {
      for (let a = tlo; a < thi; a += PAGE_SIZE) zapEntry(mm, v, t, (a - base) / PAGE_SIZE);
    }
    if (reclaimPt && whole && t.present === 0) mm.pgtables.freeTable(t);
  });
}
