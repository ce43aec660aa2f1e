// A process's address space (struct mm_struct, include/linux/mm_types.h):
// the sorted VMAs, the layout fields exec sets (start_code … start_stack,
// brk), the page tables, and the counters /proc/PID/status prints — total_vm,
// data_vm, exec_vm, stack_vm (vm_stat_account in mm/mmap.c), the RSS
// counters (MM_ANONPAGES, MM_FILEPAGES, MM_SHMEMPAGES) and the high-water
// marks. VMA splitting and merging follow mm/vma.c: two neighbours merge when
// their flags, file, page offsets and anon_vmas allow it, which is why two
// adjacent anonymous mappings with the same flags show as one maps line.
//
// Invariants (checked by export_test.ts verify()): VMAs are sorted, page
// aligned and disjoint; every counter equals a recount from the page tables.

import {
  HPAGE_PMD_SIZE,
  PAGE_SIZE,
  VM_ACCESS_FLAGS,
  VM_ACCOUNT,
  VM_EXEC,
  VM_SHARED,
  VM_SPECIAL,
  VM_STACK,
  VM_WRITE,
} from './constants.ts';
import type { Cgroup } from './cgroup.ts';
import type { Machine } from './machine.ts';
import type { FileCache } from './pagecache.ts';
import { PG_DIRTY } from './pagecache.ts';
import {
  PMD_HUGE_ANON,
  PTE_ANON,
  PTE_FILE,
  PTE_FILE_W,
  PTE_LAZY,
  PageTables,
  type PgtableOwner,
  type PteTable,
} from './pagetable.ts';
import { SPECIAL_VDSO, SPECIAL_VVAR, SPECIAL_VVAR_VCLOCK, Vma } from './vma.ts';

/** What the address space charges page tables and anonymous pages to (the process). */
export interface MmOwner extends PgtableOwner {
  readonly pid: number;
  /** The memory cgroup anonymous pages are charged to. */
  readonly cgroup: Cgroup;
}

export class Mm {
  /** VMAs sorted by start address, disjoint. */
  readonly vmas: Vma[] = [];
  readonly pgtables: PageTables;

  // ── layout (set by exec) ──
  /** Top of the top-down mmap area (mm->mmap_base). */
  mmapBase = 0;
  startCode = 0;
  endCode = 0;
  startData = 0;
  endData = 0;
  startBrk = 0;
  brk = 0;
  startStack = 0;

  // ── counters, pages (mm->total_vm …) ──
  totalVm = 0;
  dataVm = 0;
  execVm = 0;
  stackVm = 0;
  /** Pages charged to the commit (VM_ACCOUNT), for Committed_AS. */
  committed = 0;
  /** MM_ANONPAGES, MM_FILEPAGES, MM_SHMEMPAGES. */
  rssAnon = 0;
  rssFile = 0;
  rssShmem = 0;
  /** mm->hiwater_rss / hiwater_vm: updated only where Linux updates them (before zaps and unmaps). */
  hiwaterRss = 0;
  hiwaterVm = 0;

  /** The VMA of the last access (the access fast path hits it). */
  lastVma: Vma | null = null;
  private anonVmaSeq = 0;

  constructor(
    readonly machine: Machine,
    readonly owner: MmOwner,
  ) {
    this.pgtables = new PageTables(owner);
  }

  get rss(): number {
    return this.rssAnon + this.rssFile + this.rssShmem;
  }

  // ── lookup ──

  /** Index of the first VMA with end > addr (find_vma), or vmas.length. */
  findIndex(addr: number): number {
    const v = this.vmas;
    let lo = 0;
    let hi = v.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (v[mid]!.end <= addr) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** The VMA containing addr, or null. */
  findVma(addr: number): Vma | null {
    const last = this.lastVma;
    if (last !== null && addr >= last.start && addr < last.end) return last;
    const i = this.findIndex(addr);
    const vma = this.vmas[i];
    if (vma === undefined || vma.start > addr) return null;
    this.lastVma = vma;
    return vma;
  }

  /** True if some VMA intersects [lo, hi). */
  intersects(lo: number, hi: number): boolean {
    const i = this.findIndex(lo);
    const vma = this.vmas[i];
    return vma !== undefined && vma.start < hi;
  }

  /** The maps name column of a VMA (fs/proc/task_mmu.c show_map_vma). */
  vmaName(v: Vma): string {
    switch (v.special) {
      case SPECIAL_VVAR:
        return '[vvar]';
      case SPECIAL_VVAR_VCLOCK:
        return '[vvar_vclock]';
      case SPECIAL_VDSO:
        return '[vdso]';
    }
    if (v.vmFile !== null) return v.vmFile.file.path;
    if (v.start < this.brk && v.end > this.startBrk) return '[heap]'; // vma_is_initial_heap
    if (v.start <= this.startStack && v.end >= this.startStack) return '[stack]';
    return '';
  }

  // ── vm_stat_account ──

  /** Adds `pages` (may be negative) to total_vm and to exec_vm / stack_vm / data_vm by the flags. */
  vmStatAccount(flags: number, pages: number): void {
    this.totalVm += pages;
    if ((flags & (VM_EXEC | VM_WRITE | VM_STACK)) === VM_EXEC) this.execVm += pages;
    else if ((flags & VM_STACK) === VM_STACK) this.stackVm += pages;
    else if ((flags & (VM_WRITE | VM_SHARED | VM_STACK)) === VM_WRITE) this.dataVm += pages;
  }

  updateHiwaterRss(): void {
    const rss = this.rss;
    if (rss > this.hiwaterRss) this.hiwaterRss = rss;
  }

  updateHiwaterVm(): void {
    if (this.totalVm > this.hiwaterVm) this.hiwaterVm = this.totalVm;
  }

  // ── VMA list surgery ──

  /** Inserts a new VMA (no pages yet) and accounts it; the caller merges afterwards. */
  insert(v: Vma): number {
    const i = this.findIndex(v.start);
    const next = this.vmas[i];
    if (next !== undefined && next.start < v.end) throw new Error(`mm: VMA ${v} overlaps ${next}`);
    this.vmas.splice(i, 0, v);
    this.vmStatAccount(v.vmFlags, v.pages);
    if (v.vmFlags & VM_ACCOUNT) this.commit(v.pages);
    if (v.vmFile !== null) v.vmFile.file.mappings.add(v);
    return i;
  }

  /** Removes VMA i (its pages must already be zapped) and unaccounts it. */
  remove(i: number): Vma {
    const v = this.vmas[i]!;
    if (v.anon !== 0 || v.filePages !== 0) throw new Error(`mm: removing VMA ${v} with resident pages`);
    this.vmas.splice(i, 1);
    this.vmStatAccount(v.vmFlags, -v.pages);
    if (v.vmFlags & VM_ACCOUNT) this.commit(-v.pages);
    if (v.vmFile !== null) v.vmFile.file.mappings.delete(v);
    if (this.lastVma === v) this.lastVma = null;
    return v;
  }

  /** Adds to this mm's and the machine's committed pages (the caller has checked the overcommit policy). */
  commit(pages: number): void {
    this.committed += pages;
    this.machine.committedPages += pages;
  }

  /**
   * Splits VMA i at `addr` (page aligned, strictly inside) into [start, addr)
   * and [addr, end) (__split_vma). A huge PMD straddling `addr` is split
   * first, as vma_adjust_trans_huge does. Counters of the smaller half are
   * recounted from the page tables; the larger half keeps the rest.
   * Returns the index of the upper half.
   */
  split(i: number, addr: number): number {
    const v = this.vmas[i]!;
    if (addr <= v.start || addr >= v.end || addr % PAGE_SIZE !== 0) throw new Error(`mm: bad split of ${v} at ${addr.toString(16)}`);
    if (addr % HPAGE_PMD_SIZE !== 0) {
      const t = this.pgtables.get(Math.floor(addr / HPAGE_PMD_SIZE));
      if (t !== undefined && t.pmd !== 0) this.machine.thp.splitPmd(this, v, t);
    }
    const upper = new Vma(this, addr, v.end, v.vmFlags, v.pgoff + (addr - v.start) / PAGE_SIZE, v.vmFile, v.special);
    upper.anonVma = v.anonVma;
    v.end = addr;
    // Recount the smaller half, derive the other.
    if (upper.pages <= v.pages) {
      this.recount(upper);
      v.subtractCounters(upper);
    } else {
      const lower = v;
      const total = new Vma(this, 0, 0, 0, 0, null);
      lower.addCountersTo(total);
      this.recount(lower);
      total.subtractCounters(lower);
      total.addCountersTo(upper);
    }
    this.vmas.splice(i + 1, 0, upper);
    if (upper.vmFile !== null) upper.vmFile.file.mappings.add(upper);
    return i + 1;
  }

  /** Whether `a` (below) and `b` (above) may become one VMA (mm/vma.c is_mergeable_vma + anon_vma + pgoff). */
  canMerge(a: Vma, b: Vma): boolean {
    if (a.end !== b.start) return false;
    if (a.vmFlags !== b.vmFlags) return false;
    if ((a.vmFlags | b.vmFlags) & VM_SPECIAL) return false;
    if (a.special !== b.special) return false;
    if (a.vmFile !== b.vmFile) return false;
    if (a.pgoff + a.pages !== b.pgoff) return false;
    return a.anonVma === 0 || b.anonVma === 0 || a.anonVma === b.anonVma;
  }

  /**
   * Merges VMA i with its neighbours where allowed (vma_merge_new_range /
   * vma_merge_existing_range): with the next one, then the previous one; a
   * three-way merge also needs prev's and next's anon_vmas to agree.
   * Returns the index of the VMA that now covers the old VMA i.
   */
  mergeAt(i: number): number {
    const v = this.vmas[i]!;
    const prev = i > 0 ? this.vmas[i - 1]! : undefined;
    const next = this.vmas[i + 1];
    const left = prev !== undefined && this.canMerge(prev, v);
    let right = next !== undefined && this.canMerge(v, next);
    if (left && right && prev!.anonVma !== 0 && next!.anonVma !== 0 && prev!.anonVma !== next!.anonVma) right = false;
    if (right) this.absorb(i, i + 1);
    if (left) {
      this.absorb(i - 1, i);
      return i - 1;
    }
    return i;
  }

  /** Folds VMA j (= i + 1) into VMA i. */
  private absorb(i: number, j: number): void {
    const a = this.vmas[i]!;
    const b = this.vmas[j]!;
    b.addCountersTo(a);
    if (a.anonVma === 0) a.anonVma = b.anonVma;
    a.end = b.end;
    this.vmas.splice(j, 1);
    if (b.vmFile !== null) b.vmFile.file.mappings.delete(b);
    if (this.lastVma === b) this.lastVma = a;
  }

  /**
   * anon_vma_prepare: gives a VMA an anon_vma on its first anonymous page,
   * reusing a compatible neighbour's (find_mergeable_anon_vma: next first,
   * then prev) so that the two can still merge later.
   */
  anonVmaPrepare(v: Vma): void {
    if (v.anonVma !== 0) return;
    const i = this.vmas.indexOf(v);
    const next = this.vmas[i + 1];
    if (next !== undefined && next.anonVma !== 0 && this.anonVmaCompatible(v, next)) {
      v.anonVma = next.anonVma;
      return;
    }
    const prev = i > 0 ? this.vmas[i - 1] : undefined;
    if (prev !== undefined && prev.anonVma !== 0 && this.anonVmaCompatible(prev, v)) {
      v.anonVma = prev.anonVma;
      return;
    }
    v.anonVma = ++this.anonVmaSeq;
  }

  private anonVmaCompatible(a: Vma, b: Vma): boolean {
    return (
      a.end === b.start &&
      a.vmFile === b.vmFile &&
      ((a.vmFlags ^ b.vmFlags) & ~VM_ACCESS_FLAGS) === 0 &&
      b.pgoff === a.pgoff + (b.start - a.start) / PAGE_SIZE
    );
  }

  /** Recomputes a VMA's page counters from the page tables and the page cache. */
  recount(v: Vma): void {
    v.resetCounters();
    const fc = v.vmFile === null ? null : this.machine.pageCache.of(v.vmFile.file);
    this.pgtables.forEachInRange(v.start, v.end, (t) => countTable(v, t, fc));
  }
}

/** Adds the pages of table `t` that lie inside VMA `v` to v's counters. */
function countTable(v: Vma, t: PteTable, fc: FileCache | null): void {
  const base = t.base;
  const lo = Math.max(v.start, base);
  const hi = Math.min(v.end, base + HPAGE_PMD_SIZE);
  const huge = t.pmd === PMD_HUGE_ANON;
  for (let a = lo; a < hi; a += PAGE_SIZE) {
    const s = t.states[(a - base) / PAGE_SIZE]!;
    if (s === PTE_ANON || s === PTE_LAZY) {
      v.anon++;
      if (s === PTE_LAZY) v.lazy++;
      if (huge) v.anonHuge++;
    } else if ((s === PTE_FILE || s === PTE_FILE_W) && fc !== null) {
      const idx = v.pgoff + (a - v.start) / PAGE_SIZE;
      v.fileContrib(fc.mapcount(idx), (fc.flags(idx) & PG_DIRTY) !== 0, 1);
    }
  }
}
