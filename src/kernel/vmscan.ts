// Memory-cgroup reclaim (mm/vmscan.c try_to_free_mem_cgroup_pages), reduced
// to what changes the numbers: with no swap, only page cache and lazily
// freed anonymous pages can go. Passes, until `nr` pages are freed:
//
//   1. the inactive list, oldest first: clean pages no process maps are
//      dropped; mapped or dirty ones move to the active list
//   2. MADV_FREE'd anonymous pages that were not written again (LazyFree)
//   3. the active list: dirty pages are written back (instantly), mapped
//      pages unmapped from every process (RssFile falls) and dropped — pages
//      of VM_EXEC mappings get one more trip round the list first, as the
//      kernel protects executable file pages
//
// Lists are FIFO queues per cgroup (insertion order stands in for LRU age;
// there is no referenced-bit aging). Reclaim by the root cgroup stands for
// global (kswapd/direct) reclaim.

import type { Cgroup } from './cgroup.ts';
import { HPAGE_PMD_NR, PAGE_SIZE, VM_EXEC } from './constants.ts';
import type { Machine } from './machine.ts';
import { uncharge } from './memcontrol.ts';
import { PG_CACHED, PG_DIRTY, type FileCache } from './pagecache.ts';
import { PMD_HUGE_ANON, PTE_FILE, PTE_FILE_W, PTE_LAZY, type PteTable } from './pagetable.ts';
import { setPageDirty, zapEntry } from './rmap.ts';
import type { Vma } from './vma.ts';

/** Reclaims up to `nr` pages charged to `target`'s subtree; returns pages freed. */
export function reclaim(machine: Machine, target: Cgroup, nr: number): number {
  const freed = shrink(machine, target, nr);
  // Observers learn of the pages reclaim took from processes' RSS here, not from the fault or charge that ran it.
  const ev = machine.events;
  if (freed > 0 && ev.wants('reclaim')) ev.emit('reclaim', { t: machine.clock.now, cgroup: target.path, pages: freed });
  return freed;
}

function shrink(machine: Machine, target: Cgroup, nr: number): number {
  const cgs = target.subtree();
  const cur: { fc: FileCache | null; idx: number } = { fc: null, idx: 0 };
  let freed = 0;

  // 1. inactive lists
  for (const c of cgs) {
    while (freed < nr && c.inactive.shift(cur)) {
      const fc = cur.fc!;
      const idx = cur.idx;
      if (!live(fc, idx, c)) continue;
      if (fc.mapcount(idx) === 0 && !(fc.flags(idx) & PG_DIRTY)) {
        drop(machine, fc, idx, c);
        freed++;
      } else c.active.push(fc, idx);
    }
    if (freed >= nr) return freed;
  }

  // 2. lazily freed anonymous pages
  for (const c of cgs) {
    for (const p of c.processes) {
      for (const v of p.mm.vmas) {
        if (v.lazy === 0) continue;
        freed += dropLazy(p.mm, v, nr - freed);
        if (freed >= nr) return freed;
      }
    }
  }

  // 3. active lists; exec-mapped pages are passed over once
  for (const c of cgs) {
    let spareExec = c.active.length;
    while (freed < nr && c.active.shift(cur)) {
      const fc = cur.fc!;
      const idx = cur.idx;
      if (!live(fc, idx, c)) continue;
      if (spareExec > 0 && mappedByExec(fc, idx)) {
        spareExec--;
        c.active.push(fc, idx);
        continue;
      }
      if (fc.flags(idx) & PG_DIRTY) writeback(machine, fc, idx);
      if (fc.mapcount(idx) !== 0) unmapEverywhere(fc, idx);
      drop(machine, fc, idx, c);
      freed++;
      spareExec--;
    }
    if (freed >= nr) return freed;
  }
  return freed;
}

/** The queue entry still names a cached page charged to c. */
function live(fc: FileCache, idx: number, c: Cgroup): boolean {
  return (fc.flags(idx) & PG_CACHED) !== 0 && fc.memcgOf(idx) === c.id && !fc.file.pinned && !fc.file.shmem;
}

function drop(machine: Machine, fc: FileCache, idx: number, c: Cgroup): void {
  machine.pageCache.remove(fc, idx);
  uncharge(c, 1, 'file');
}

function mappedByExec(fc: FileCache, idx: number): boolean {
  if (fc.mapcount(idx) === 0) return false;
  for (const w of mappersOf(fc, idx)) if (w.vmFlags & VM_EXEC) return true;
  return false;
}

/** The VMAs whose page tables map page idx of the file (rmap_walk_file). */
function mappersOf(fc: FileCache, idx: number): Vma[] {
  const out: Vma[] = [];
  for (const w of fc.file.mappings) {
    if (idx < w.pgoff || idx >= w.pgoff + w.pages) continue;
    const addr = w.start + (idx - w.pgoff) * PAGE_SIZE;
    const t = w.mm.pgtables.get(Math.floor(addr / 2097152));
    if (t === undefined) continue;
    const s = t.states[(addr % 2097152) / PAGE_SIZE]!;
    if (s === PTE_FILE || s === PTE_FILE_W) out.push(w);
  }
  return out;
}

/** try_to_unmap: removes every PTE mapping page idx. */
function unmapEverywhere(fc: FileCache, idx: number): void {
  for (const w of mappersOf(fc, idx)) {
    const addr = w.start + (idx - w.pgoff) * PAGE_SIZE;
    const t = w.mm.pgtables.get(Math.floor(addr / 2097152))!;
    zapEntry(w.mm, w, t, (addr % 2097152) / PAGE_SIZE);
  }
}

/** Writeback: the page becomes clean and its writable PTEs read-only (folio_mkclean). */
function writeback(machine: Machine, fc: FileCache, idx: number): void {
  for (const w of mappersOf(fc, idx)) {
    const addr = w.start + (idx - w.pgoff) * PAGE_SIZE;
    const t = w.mm.pgtables.get(Math.floor(addr / 2097152))!;
    const i = (addr % 2097152) / PAGE_SIZE;
    if (t.states[i] === PTE_FILE_W) t.states[i] = PTE_FILE;
  }
  setPageDirty(machine.pageCache, fc, idx, false);
}

/** Frees up to `want` LazyFree pages of VMA v. */
function dropLazy(mm: Vma['mm'], v: Vma, want: number): number {
  let freed = 0;
  const tables: PteTable[] = [];
  mm.pgtables.forEachInRange(v.start, v.end, (t) => tables.push(t));
  for (const t of tables) {
    if (freed >= want) break;
    if (t.pmd === PMD_HUGE_ANON) {
      if (t.states[0] === PTE_LAZY) {
        mm.machine.thp.zapHuge(mm, v, t);
        freed += HPAGE_PMD_NR;
      }
      continue;
    }
    if (t.present === t.anon) continue; // no lazily freed page here
    const lo = Math.max(v.start, t.base);
    const hi = Math.min(v.end, t.base + 2097152);
    for (let a = lo; a < hi && freed < want; a += PAGE_SIZE) {
      const i = (a - t.base) / PAGE_SIZE;
      if (t.states[i] === PTE_LAZY) {
        zapEntry(mm, v, t, i);
        freed++;
      }
    }
  }
  return freed;
}
