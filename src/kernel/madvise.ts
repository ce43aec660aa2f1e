// madvise(2) for the advice that changes memory accounting (mm/madvise.c):
//
//   MADV_DONTNEED   zap the pages (anonymous: gone, re-read as zeroes; file:
//                   unmapped, still cached); empty PTE tables of wholly zapped
//                   2 MiB regions are freed (CONFIG_PT_RECLAIM). Works on
//                   PROT_NONE memory — the Go runtime relies on that.
//   MADV_FREE       anonymous pages become clean and lazily freeable: still in
//                   RSS, shown as LazyFree, dropped by reclaim unless written
//                   again. Anonymous VMAs only.
//   MADV_HUGEPAGE   set VM_HUGEPAGE (hg), clear VM_NOHUGEPAGE — splits/merges VMAs
//   MADV_NOHUGEPAGE set VM_NOHUGEPAGE (nh), clear VM_HUGEPAGE
//   MADV_COLLAPSE   build THPs now (thp.ts)
//   MADV_NORMAL / RANDOM / SEQUENTIAL / WILLNEED: accepted, no effect here
//
// A range with holes is processed where mapped and then fails with ENOMEM,
// as madvise_walk_vmas does.

import {
  EINVAL,
  ENOMEM,
  HPAGE_PMD_SIZE,
  MADV_COLLAPSE,
  MADV_DONTNEED,
  MADV_FREE,
  MADV_HUGEPAGE,
  MADV_NOHUGEPAGE,
  MADV_NORMAL,
  MADV_RANDOM,
  MADV_SEQUENTIAL,
  MADV_WILLNEED,
  PAGE_SIZE,
  VM_HUGEPAGE,
  VM_LOCKED,
  VM_NOHUGEPAGE,
  VM_PFNMAP,
  VM_SPECIAL,
  pageAlignUp,
} from './constants.ts';
import type { Mm } from './mm.ts';
import { modifyFlags } from './mmap.ts';
import { PMD_HUGE_ANON, PMD_TABLE, PTE_ANON } from './pagetable.ts';
import type { Process } from './process.ts';
import { makeLazy } from './rmap.ts';
import type { Vma } from './vma.ts';
import { zapRange } from './zap.ts';

const VALID = new Set([MADV_NORMAL, MADV_RANDOM, MADV_SEQUENTIAL, MADV_WILLNEED, MADV_DONTNEED, MADV_FREE, MADV_HUGEPAGE, MADV_NOHUGEPAGE, MADV_COLLAPSE]);

export function doMadvise(proc: Process, start: number, lenIn: number, advice: number): number {
  const mm = proc.mm;
  if (!VALID.has(advice)) return -EINVAL;
  if (start % PAGE_SIZE !== 0) return -EINVAL;
  const len = pageAlignUp(lenIn);
  if (lenIn !== 0 && len === 0) return -EINVAL;
  const end = start + len;
  if (end < start) return -EINVAL;
  if (end === start) return 0;
  if (advice === MADV_COLLAPSE) return collapseRange(mm, start, end);

  // madvise_walk_vmas
  let unmappedError = 0;
  let addr = start;
  while (addr < end) {
    const i = mm.findIndex(addr);
    const v = mm.vmas[i];
    if (v === undefined || v.start >= end) {
      unmappedError = -ENOMEM;
      break;
    }
    if (v.start > addr) {
      unmappedError = -ENOMEM;
      addr = v.start;
    }
    const hi = Math.min(v.end, end);
    const r = adviseOne(mm, i, addr, hi, advice);
    if (r < 0) return r;
    addr = hi;
  }
  return unmappedError;
}

/** Applies advice to [start, end) inside VMA i. */
function adviseOne(mm: Mm, i: number, start: number, end: number, advice: number): number {
  const v = mm.vmas[i]!;
  switch (advice) {
    case MADV_DONTNEED:
      if (v.vmFlags & (VM_LOCKED | VM_PFNMAP)) return -EINVAL;
      mm.updateHiwaterRss();
      zapRange(mm, v, start, end, true);
      return 0;
    case MADV_FREE:
      if (!v.isAnonymous) return -EINVAL;
      freeRange(mm, v, start, end);
      return 0;
    case MADV_HUGEPAGE:
    case MADV_NOHUGEPAGE: {
      if (v.vmFlags & VM_SPECIAL) return 0;
      const nf = advice === MADV_HUGEPAGE ? (v.vmFlags & ~VM_NOHUGEPAGE) | VM_HUGEPAGE : (v.vmFlags & ~VM_HUGEPAGE) | VM_NOHUGEPAGE;
      modifyFlags(mm, i, start, end, nf);
      return 0;
    }
    default:
      return 0;
  }
}

/** madvise_free_pte_range: resident anonymous pages become lazily freeable. */
function freeRange(mm: Mm, v: Vma, start: number, end: number): void {
  mm.pgtables.forEachInRange(start, end, (t) => {
    const tlo = Math.max(start, t.base);
    const thi = Math.min(end, t.base + HPAGE_PMD_SIZE);
    if (t.pmd === PMD_HUGE_ANON && !(tlo === t.base && thi === t.base + HPAGE_PMD_SIZE)) mm.machine.thp.splitPmd(mm, v, t);
    if (t.pmd !== PMD_TABLE && t.pmd !== PMD_HUGE_ANON) return; // huge zero page: nothing to free
    for (let a = tlo; a < thi; a += PAGE_SIZE) {
      const i = (a - t.base) / PAGE_SIZE;
      if (t.states[i] === PTE_ANON) makeLazy(v, t, i);
    }
  });
}

/** madvise_collapse: each aligned 2 MiB extent of [start, end) becomes a THP. */
function collapseRange(mm: Mm, start: number, end: number): number {
  const hstart = Math.ceil(start / HPAGE_PMD_SIZE) * HPAGE_PMD_SIZE;
  const hend = Math.floor(end / HPAGE_PMD_SIZE) * HPAGE_PMD_SIZE;
  if (hstart >= hend) return -EINVAL;
  if (!mm.intersects(start, end)) return -ENOMEM;
  let ok = 0;
  let lastFail = 0;
  for (let a = hstart; a < hend; a += HPAGE_PMD_SIZE) {
    const v = mm.findVma(a);
    if (v === null) {
      lastFail = -ENOMEM;
      continue;
    }
    const r = mm.machine.thp.collapse(mm, v, a / HPAGE_PMD_SIZE);
    if (r === 'ok') ok++;
    else lastFail = r === 'nomem' ? -ENOMEM : -EINVAL;
  }
  return ok === (hend - hstart) / HPAGE_PMD_SIZE ? 0 : lastFail;
}
