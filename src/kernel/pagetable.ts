// A process's page tables, as far as they change what /proc shows: which
// 4 KiB pages are mapped and how (the PTEs), which 2 MiB regions are mapped by
// one huge PMD, and how many bytes the tables themselves take (VmPTE,
// mm_pgtables_bytes). Follows mm/memory.c (__pte_alloc, __pmd_alloc,
// __pud_alloc, free_pgd_range) and mm/pt_reclaim.c for x86_64 4-level paging.
//
//   virtual address (47 bits)
//   ┌─────────┬─────────┬─────────┬─────────┬────────────┐
//   │ PGD  9  │ PUD  9  │ PMD  9  │ PTE  9  │ offset 12  │
//   └─────────┴─────────┴─────────┴─────────┴────────────┘
//     (P4D folded)  one PUD table    one PMD table   one PTE table
//                   per 512 GiB      per 1 GiB       per 2 MiB  ← PteTable
//
// mm_pgtables_bytes counts every PTE, PMD and PUD table at 4 KiB (the PGD is
// not counted). A huge PMD mapping deposits a PTE table for a later split, so it
// counts one PTE table too. Measured on this machine right after exec of a Go
// binary: PTE tables for the text region and the stack, one PMD and one PUD
// table for each: 6 × 4 KiB = VmPTE 24 kB.
//
// Page states (one byte per page in PteTable.states):
//
//   NONE ──read fault (anon)──▶ ZERO ──write──▶ ANON ◀──write── LAZY
//     │                                         │  ▲              ▲
//     └──write fault (anon)─────────────────────┘  └─MADV_FREE────┘
//     └──fault (file)──▶ FILE ──write (shared)──▶ FILE_W
//                          └──write (private): COW ──▶ ANON
//   MADV_DONTNEED / munmap / reclaim: any ──▶ NONE

import { PMD_TABLE_SPAN, PTRS_PER_PTE, PUD_TABLE_SPAN, HPAGE_PMD_SIZE, PAGE_SIZE } from './constants.ts';

/** Not mapped. */
export const PTE_NONE = 0;
/** The shared zero page after a read fault on untouched private anonymous memory: mapped, not in RSS. */
export const PTE_ZERO = 1;
/** A private anonymous page (incl. COW copies of file pages), dirty. */
export const PTE_ANON = 2;
/** An anonymous page after MADV_FREE: clean, still resident, freed by reclaim unless written. */
export const PTE_LAZY = 3;
/** A page-cache page mapped read-only (clean). */
export const PTE_FILE = 4;
/** A page-cache page mapped writable in a shared mapping (the page is dirty). */
export const PTE_FILE_W = 5;
/** A raw pfn mapping (vvar): present, never counted. */
export const PTE_PFN = 6;

export const PTE_STATE_NAMES = ['none', 'zero', 'anon', 'lazyfree', 'file', 'file-dirty', 'pfn'] as const;

/** PMD mapping kinds of a 2 MiB region. */
export const PMD_TABLE = 0;
export const PMD_HUGE_ANON = 1;
export const PMD_HUGE_ZERO = 2;

/** One PTE table: the 512 pages of a 2 MiB-aligned region. */
export class PteTable {
  /** Page states, PTE_*; for a huge PMD all 512 hold the state of the huge page. */
  readonly states = new Uint8Array(PTRS_PER_PTE);
  /** Entries not PTE_NONE. */
  present = 0;
  /** Entries PTE_ANON (the write fast path skips a region where all 512 are). */
  anon = 0;
  /** PMD_TABLE, or a huge mapping (PMD_HUGE_ANON / PMD_HUGE_ZERO). */
  pmd = PMD_TABLE;

  constructor(
    /** Region index: address / 2 MiB. */
    readonly index: number,
  ) {}

  get base(): number {
    return this.index * HPAGE_PMD_SIZE;
  }
}

/** What page-table allocation is charged to (the process's memcg: page tables are __GFP_ACCOUNT). */
export interface PgtableOwner {
  chargePgtable(bytes: number): void;
}

export class PageTables {
  private readonly tables = new Map<number, PteTable>();
  private readonly pmdTables = new Set<number>();
  private readonly pudTables = new Set<number>();
  /** mm_pgtables_bytes: PTE + PMD + PUD tables, 4 KiB each. */
  bytes = 0;
  /** The table of the last lookup (the access fast path hits it). */
  last: PteTable | null = null;

  constructor(private readonly owner: PgtableOwner) {}

  /** The PTE table of region `index` (address / 2 MiB), or undefined. */
  get(index: number): PteTable | undefined {
    const last = this.last;
    if (last !== null && last.index === index) return last;
    const t = this.tables.get(index);
    if (t !== undefined) this.last = t;
    return t;
  }

  /** The PTE table of region `index`, allocating it (and its PMD/PUD tables) if missing. */
  ensure(index: number): PteTable {
    const t = this.get(index);
    if (t !== undefined) return t;
    const base = index * HPAGE_PMD_SIZE;
    const pud = Math.floor(base / PUD_TABLE_SPAN);
    // Each table is charged before it is recorded: a charge over memory.max
    // can OOM-kill this process, whose exit then drops only what was charged.
    if (!this.pudTables.has(pud)) {
      this.account(PAGE_SIZE);
      this.pudTables.add(pud);
    }
    const pmd = Math.floor(base / PMD_TABLE_SPAN);
    if (!this.pmdTables.has(pmd)) {
      this.account(PAGE_SIZE);
      this.pmdTables.add(pmd);
    }
    this.account(PAGE_SIZE);
    const nt = new PteTable(index);
    this.tables.set(index, nt);
    this.last = nt;
    return nt;
  }

  /** Frees an (empty) PTE table: MADV_DONTNEED's page-table reclaim, or munmap. */
  freeTable(t: PteTable): void {
    if (t.present !== 0) throw new Error(`pagetable: freeing a table with ${t.present} present entries`);
    this.tables.delete(t.index);
    if (this.last === t) this.last = null;
    this.account(-PAGE_SIZE);
  }

  /** Number of PTE tables (for tests and the OOM report). */
  get pteTables(): number {
    return this.tables.size;
  }

  get pmdTableCount(): number {
    return this.pmdTables.size;
  }

  get pudTableCount(): number {
    return this.pudTables.size;
  }

  /**
   * Calls `fn` for every PTE table whose region overlaps [start, end), in
   * address order. Walks whichever is smaller: the regions of the range or the
   * tables that exist, so a terabyte range with few tables stays cheap.
   */
  forEachInRange(start: number, end: number, fn: (t: PteTable) => void): void {
    if (end <= start) return;
    const first = Math.floor(start / HPAGE_PMD_SIZE);
    const last = Math.floor((end - 1) / HPAGE_PMD_SIZE);
    if (last - first + 1 <= this.tables.size * 4) {
      for (let i = first; i <= last; i++) {
        const t = this.tables.get(i);
        if (t !== undefined) fn(t);
      }
      return;
    }
    const hits: PteTable[] = [];
    for (const t of this.tables.values()) if (t.index >= first && t.index <= last) hits.push(t);
    hits.sort((a, b) => a.index - b.index);
    for (const t of hits) fn(t);
  }

  /**
   * free_pgtables after munmap of [start, end): a table is freed when the
   * span it maps no longer intersects any VMA (free_pgd_range with the floor
   * and ceiling of the neighbouring VMAs). Tables must be empty by then.
   */
  freeUnused(start: number, end: number, intersectsVma: (lo: number, hi: number) => boolean): void {
    const doomed: PteTable[] = [];
    this.forEachInRange(start, end, (t) => {
      if (!intersectsVma(t.base, t.base + HPAGE_PMD_SIZE)) doomed.push(t);
    });
    for (const t of doomed) this.freeTable(t);
    for (const i of [...this.pmdTables]) {
      const lo = i * PMD_TABLE_SPAN;
      if (lo + PMD_TABLE_SPAN <= start || lo >= end) continue;
      if (!intersectsVma(lo, lo + PMD_TABLE_SPAN)) {
        this.pmdTables.delete(i);
        this.account(-PAGE_SIZE);
      }
    }
    for (const i of [...this.pudTables]) {
      const lo = i * PUD_TABLE_SPAN;
      if (lo + PUD_TABLE_SPAN <= start || lo >= end) continue;
      if (!intersectsVma(lo, lo + PUD_TABLE_SPAN)) {
        this.pudTables.delete(i);
        this.account(-PAGE_SIZE);
      }
    }
  }

  /** Drops every table (exit_mmap). */
  clear(): void {
    this.account(-this.bytes);
    this.tables.clear();
    this.pmdTables.clear();
    this.pudTables.clear();
    this.last = null;
  }

  private account(delta: number): void {
    this.owner.chargePgtable(delta);
    this.bytes += delta;
  }
}
