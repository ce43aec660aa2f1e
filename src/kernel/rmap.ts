// Mapping and unmapping single pages with all the bookkeeping Linux does in
// mm/rmap.c (folio_add_*_rmap, folio_remove_rmap_*) and mm/memory.c
// (set_pte_range, zap_pte_range): the PTE state, the table's counts, the
// VMA's smaps counters, the mm's RSS counters, the page cache mapcount, and
// the memcg charge of anonymous pages. Every page-state change in the model
// goes through these functions, which is what keeps every counter exact.
//
// A page-cache page's mapcount and dirtiness decide, for every VMA that maps
// it, whether it counts as Shared_* or Private_*, and its share of Pss. When
// either changes, every mapper's counters change: mappers are found through
// the file's reverse map (File.mappings), as rmap_walk_file does.

import { PAGE_SIZE } from './constants.ts';
import { uncharge } from './memcontrol.ts';
import type { Mm } from './mm.ts';
import { PG_DIRTY, type FileCache, type PageCache } from './pagecache.ts';
import { PTE_ANON, PTE_FILE, PTE_FILE_W, PTE_LAZY, PTE_NONE, PTE_PFN, PTE_ZERO, type PteTable } from './pagetable.ts';
import type { Vma } from './vma.ts';

/** NONE or ZERO → ANON: a new private anonymous page (already charged to the memcg). */
export function setAnon(mm: Mm, v: Vma, t: PteTable, i: number): void {
  const s = t.states[i]!;
  if (s === PTE_NONE) t.present++;
  else if (s !== PTE_ZERO) throw new Error(`rmap: setAnon over state ${s}`);
  t.states[i] = PTE_ANON;
  t.anon++;
  v.anon++;
  mm.rssAnon++;
}

/** NONE → ZERO: the shared zero page (no RSS, no charge). */
export function setZero(t: PteTable, i: number): void {
  if (t.states[i] !== PTE_NONE) throw new Error(`rmap: setZero over state ${t.states[i]}`);
  t.states[i] = PTE_ZERO;
  t.present++;
}

/** NONE → PFN: a raw pfn mapping (vvar), never counted. */
export function setPfn(t: PteTable, i: number): void {
  t.states[i] = PTE_PFN;
  t.present++;
}

/** ANON → LAZY (MADV_FREE). */
export function makeLazy(v: Vma, t: PteTable, i: number): void {
  t.states[i] = PTE_LAZY;
  t.anon--;
  v.lazy++;
}

/** LAZY → ANON (a write to a lazily freed page: it is dirty again). */
export function reuseLazy(v: Vma, t: PteTable, i: number): void {
  t.states[i] = PTE_ANON;
  t.anon++;
  v.lazy--;
}

/** Maps page `idx` of a page cache (must be cached) at entry i; `writable` for a written shared mapping. */
export function mapFilePage(mm: Mm, v: Vma, t: PteTable, i: number, fc: FileCache, idx: number, writable: boolean): void {
  if (t.states[i] !== PTE_NONE) throw new Error(`rmap: mapFilePage over state ${t.states[i]}`);
  const flags = fc.flags(idx);
  const dirty = (flags & PG_DIRTY) !== 0;
  const oldMap = fc.mapcount(idx);
  if (oldMap > 0) retally(fc, idx, oldMap, dirty, oldMap + 1, dirty);
  mm.machine.pageCache.addMapcount(fc, idx, 1);
  t.states[i] = writable ? PTE_FILE_W : PTE_FILE;
  t.present++;
  v.fileContrib(oldMap + 1, dirty, 1);
  if (fc.file.shmem) mm.rssShmem++;
  else mm.rssFile++;
}

/** Marks a page-cache page dirty or clean, moving it between Private/Shared_Clean and _Dirty for every mapper. */
export function setPageDirty(pageCache: PageCache, fc: FileCache, idx: number, dirty: boolean): void {
  const was = (fc.flags(idx) & PG_DIRTY) !== 0;
  if (was === dirty) return;
  const m = fc.mapcount(idx);
  if (m > 0) retally(fc, idx, m, was, m, dirty);
  pageCache.setDirty(fc, idx, dirty);
}

/** Re-tallies page `idx` in every VMA mapping it: out with (oldM, oldD), in with (newM, newD). */
function retally(fc: FileCache, idx: number, oldM: number, oldD: boolean, newM: number, newD: boolean): void {
  for (const w of fc.file.mappings) {
    if (idx < w.pgoff || idx >= w.pgoff + w.pages) continue;
    const addr = w.start + (idx - w.pgoff) * PAGE_SIZE;
    const t = w.mm.pgtables.get(Math.floor(addr / 2097152));
    if (t === undefined) continue;
    const s = t.states[(addr % 2097152) / PAGE_SIZE]!;
    if (s !== PTE_FILE && s !== PTE_FILE_W) continue;
    w.fileContrib(oldM, oldD, -1);
    w.fileContrib(newM, newD, 1);
  }
}

/**
 * Any state → NONE at entry i of table t (inside VMA v), with all
 * accounting: anonymous pages are freed and uncharged, page-cache pages lose
 * a mapping (the page stays cached). Huge PMDs must have been split or zapped
 * by thp.ts before.
 */
export function zapEntry(mm: Mm, v: Vma, t: PteTable, i: number): void {
  const s = t.states[i]!;
  switch (s) {
    case PTE_NONE:
      return;
    case PTE_ZERO:
    case PTE_PFN:
      break;
    case PTE_ANON:
      t.anon--;
      v.anon--;
      mm.rssAnon--;
      uncharge(mm.owner.cgroup, 1, 'anon');
      mm.machine.anonPages--;
      break;
    case PTE_LAZY:
      v.anon--;
      v.lazy--;
      mm.rssAnon--;
      uncharge(mm.owner.cgroup, 1, 'anon');
      mm.machine.anonPages--;
      break;
    case PTE_FILE:
    case PTE_FILE_W: {
      const fc = mm.machine.pageCache.of(v.vmFile!.file);
      const idx = v.pgoff + (t.base + i * PAGE_SIZE - v.start) / PAGE_SIZE;
      const m = fc.mapcount(idx);
      const dirty = (fc.flags(idx) & PG_DIRTY) !== 0;
      t.states[i] = PTE_NONE; // out of the reverse-map walk below
      v.fileContrib(m, dirty, -1);
      mm.machine.pageCache.addMapcount(fc, idx, -1);
      if (m > 1) retally(fc, idx, m, dirty, m - 1, dirty);
      if (fc.file.shmem) mm.rssShmem--;
      else mm.rssFile--;
      break;
    }
    default:
      throw new Error(`rmap: bad PTE state ${s}`);
  }
  t.states[i] = PTE_NONE;
  t.present--;
}
