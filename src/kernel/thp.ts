// Transparent huge pages for anonymous memory, as far as they change RSS,
// AnonHugePages and VmPTE (mm/huge_memory.c, mm/khugepaged.c):
//
//   - A fault in a 2 MiB-aligned extent that lies wholly inside an eligible
//     VMA and has no page table yet maps a whole 2 MiB page (write: +2 MiB
//     RSS) or, for a read, the huge zero page (no RSS). Eligible: private
//     anonymous; mode "always", or "madvise" with VM_HUGEPAGE; never with
//     VM_NOHUGEPAGE (__thp_vma_allowable_orders).
//   - A huge PMD deposits a PTE table for a later split, so it counts 4 KiB
//     in VmPTE like a PTE table (measured: VmPTE grows by 4 kB per THP).
//   - Anything that needs 4 KiB granularity inside a huge page (DONTNEED or
//     FREE of part of it, a VMA boundary inside it) splits the PMD: the pages
//     stay resident but no longer count as AnonHugePages.
//   - A write to the huge zero page allocates a THP (do_huge_zero_wp_pmd).
//   - MADV_COLLAPSE builds a THP from a region that has a page table.
//
// Not modelled: khugepaged's background collapse, the deferred-split
// shrinker, mTHP sizes (all disabled on this machine), file THPs.

import { HPAGE_PMD_NR, HPAGE_PMD_SIZE, VM_HUGEPAGE, VM_NOHUGEPAGE } from './constants.ts';
import { tryCharge } from './memcontrol.ts';
import type { Mm } from './mm.ts';
import { PMD_HUGE_ANON, PMD_HUGE_ZERO, PMD_TABLE, PTE_ANON, PTE_LAZY, PTE_NONE, PTE_ZERO, type PteTable } from './pagetable.ts';
import { zapEntry } from './rmap.ts';
import type { Vma } from './vma.ts';

export type ThpMode = 'always' | 'madvise' | 'never';

export class Thp {
  constructor(
    /** /sys/kernel/mm/transparent_hugepage/enabled. */
    public mode: ThpMode,
    /** /sys/kernel/mm/transparent_hugepage/use_zero_page. */
    public useZeroPage = true,
  ) {}

  /** Whether the sysfs mode and the VMA's flags allow THPs in `v` (enforce_sysfs as in faults and smaps). */
  allowed(v: Vma): boolean {
    if (!v.isAnonymous) return false;
    if (v.vmFlags & VM_NOHUGEPAGE) return false;
    if (this.mode === 'always') return true;
    if (this.mode === 'madvise') return (v.vmFlags & VM_HUGEPAGE) !== 0;
    return false;
  }

  /** smaps THPeligible: allowed, and the VMA contains a whole aligned 2 MiB extent. */
  eligible(v: Vma): boolean {
    return this.allowed(v) && containsAlignedExtent(v);
  }

  /**
   * The huge fault path for an anonymous fault in region `index` with no
   * page table (pmd_none). Returns true if a huge PMD now maps the region,
   * false to fall back to 4 KiB pages.
   */
  fault(mm: Mm, v: Vma, index: number, write: boolean): boolean {
    const haddr = index * HPAGE_PMD_SIZE;
    if (haddr < v.start || haddr + HPAGE_PMD_SIZE > v.end) return false;
    if (!this.allowed(v)) return false;
    if (!write && this.useZeroPage) {
      const t = mm.pgtables.ensure(index);
      t.pmd = PMD_HUGE_ZERO;
      t.states.fill(PTE_ZERO);
      t.present = HPAGE_PMD_NR;
      return true;
    }
    if (!this.chargeThp(mm, v)) return false;
    mm.anonVmaPrepare(v);
    const t = mm.pgtables.ensure(index);
    this.installAnon(mm, v, t);
    return true;
  }

  /** A write to the huge zero page: replace it by a THP, or split it and let the 4 KiB path handle the write. */
  wpHugeZero(mm: Mm, v: Vma, t: PteTable): boolean {
    if (this.chargeThp(mm, v)) {
      mm.anonVmaPrepare(v);
      t.states.fill(PTE_NONE);
      t.present = 0;
      this.installAnon(mm, v, t);
      return true;
    }
    this.splitPmd(mm, v, t);
    return false;
  }

  /** Splits a huge PMD into 512 PTEs (__split_huge_pmd): residency unchanged, AnonHugePages −2 MiB. */
  splitPmd(mm: Mm, v: Vma, t: PteTable): void {
    if (t.pmd === PMD_HUGE_ANON) {
      v.anonHuge -= HPAGE_PMD_NR;
      mm.owner.cgroup.anonThp -= HPAGE_PMD_NR;
    }
    t.pmd = PMD_TABLE;
  }

  /** Unmaps a whole huge PMD (zap_huge_pmd): frees the THP and the deposited table. */
  zapHuge(mm: Mm, v: Vma, t: PteTable): void {
    if (t.pmd === PMD_HUGE_ANON) {
      v.anonHuge -= HPAGE_PMD_NR;
      mm.owner.cgroup.anonThp -= HPAGE_PMD_NR;
    }
    t.pmd = PMD_TABLE;
    for (let i = 0; i < HPAGE_PMD_NR; i++) zapEntry(mm, v, t, i);
    mm.pgtables.freeTable(t);
  }

  /**
   * MADV_COLLAPSE of region `index` inside VMA v: builds a THP from the
   * region's pages (absent ones become zero-filled). Returns 0 or an errno
   * (EINVAL when the region has no page table: SCAN_PMD_NULL).
   */
  collapse(mm: Mm, v: Vma, index: number): 'ok' | 'pmd-null' | 'nomem' | 'not-anon' {
    const haddr = index * HPAGE_PMD_SIZE;
    if (!v.isAnonymous || v.vmFlags & VM_NOHUGEPAGE || haddr < v.start || haddr + HPAGE_PMD_SIZE > v.end) return 'not-anon';
    const t = mm.pgtables.get(index);
    if (t === undefined) return 'pmd-null';
    if (t.pmd === PMD_HUGE_ANON) return 'ok';
    for (let i = 0; i < HPAGE_PMD_NR; i++) {
      const s = t.states[i]!;
      if (s !== PTE_NONE && s !== PTE_ZERO && s !== PTE_ANON && s !== PTE_LAZY) return 'not-anon';
    }
    if (!tryCharge(mm.machine, mm.owner.cgroup, HPAGE_PMD_NR, 'anon', { proc: null, reclaim: true, oom: false, gfp: '', order: 9 })) return 'nomem';
    // The new huge page is charged above; the old small pages are freed
    // (and uncharged) once copied into it.
    for (let i = 0; i < HPAGE_PMD_NR; i++) zapEntry(mm, v, t, i);
    mm.anonVmaPrepare(v);
    this.installAnon(mm, v, t);
    return 'ok';
  }

  private chargeThp(mm: Mm, v: Vma): boolean {
    // defrag=madvise: VM_HUGEPAGE VMAs may reclaim for a THP, others may not; a THP charge never OOM-kills.
    return tryCharge(mm.machine, mm.owner.cgroup, HPAGE_PMD_NR, 'anon', {
      proc: null,
      reclaim: (v.vmFlags & VM_HUGEPAGE) !== 0,
      oom: false,
      gfp: '',
      order: 9,
    });
  }

  /** Maps a freshly charged THP in table t (all entries must be none). */
  private installAnon(mm: Mm, v: Vma, t: PteTable): void {
    t.pmd = PMD_HUGE_ANON;
    t.states.fill(PTE_ANON);
    t.present = HPAGE_PMD_NR;
    t.anon = HPAGE_PMD_NR;
    v.anon += HPAGE_PMD_NR;
    v.anonHuge += HPAGE_PMD_NR;
    mm.rssAnon += HPAGE_PMD_NR;
    mm.machine.anonPages += HPAGE_PMD_NR;
    mm.owner.cgroup.anonThp += HPAGE_PMD_NR;
  }
}

/** thp_vma_suitable_order for the VMA's last 2 MiB: does it contain an aligned extent? */
export function containsAlignedExtent(v: Vma): boolean {
  const haddr = Math.floor((v.end - HPAGE_PMD_SIZE) / HPAGE_PMD_SIZE) * HPAGE_PMD_SIZE;
  return haddr >= v.start && haddr + HPAGE_PMD_SIZE <= v.end;
}
