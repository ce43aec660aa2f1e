// The page-fault handler for one page (mm/memory.c handle_mm_fault →
// __handle_mm_fault → handle_pte_fault), for a VMA whose protection already
// allows the access (the caller checked, as arch/x86/mm/fault.c does):
//
//   anonymous  read  none → zero page          write none/zero → new page (+RSS, charged)
//              an empty 2 MiB extent of an eligible VMA → THP or huge zero page (thp.ts)
//              write to a MADV_FREE'd page → dirty again (no RSS change)
//   file       read  none → fault-around: map the cached pages of the 64 KiB
//                     window (do_fault_around / filemap_map_pages), then
//                     filemap_fault for the page itself (read-around on a miss
//                     = major fault, async readahead on a PG_readahead page)
//              write, private: do_cow_fault / wp_page_copy → an anonymous copy
//              write, shared:  do_shared_fault / wp_page_shared → dirty page
//   vvar       pfn mapping, never counted; vdso: kernel pages counted as RssFile
//
// Each call is one fault: minflt or majflt of the process grows by one.

import { FAULT_AROUND_BYTES, HPAGE_PMD_SIZE, PAGE_SIZE, PTRS_PER_PTE, VM_MAYSHARE } from './constants.ts';
import { BusError, OomKilled } from './errors.ts';
import type { FaultKind } from './events.ts';
import { GFP_ANON_FAULT, tryCharge } from './memcontrol.ts';
import type { Mm } from './mm.ts';
import { PG_CACHED, PG_READAHEAD, type FileCache } from './pagecache.ts';
import { PMD_HUGE_ANON, PMD_HUGE_ZERO, PTE_ANON, PTE_FILE, PTE_FILE_W, PTE_LAZY, PTE_NONE, PTE_ZERO, type PteTable } from './pagetable.ts';
import type { Process } from './process.ts';
import { addNeededPage, asyncReadahead, mmapReadAround } from './readahead.ts';
import { mapFilePage, reuseLazy, setAnon, setPageDirty, setPfn, setZero, zapEntry } from './rmap.ts';
import { SPECIAL_VDSO, SPECIAL_VVAR, SPECIAL_VVAR_VCLOCK, type Vma } from './vma.ts';

const FAULT_AROUND_PAGES = FAULT_AROUND_BYTES / PAGE_SIZE;

/** Resolves a fault at `addr` in VMA v. Returns without effect if the page is already mapped as needed. */
export function handleFault(proc: Process, v: Vma, addr: number, write: boolean): void {
  const mm = proc.mm;
  const page = addr - (addr % PAGE_SIZE);
  if (v.special === SPECIAL_VVAR || v.special === SPECIAL_VVAR_VCLOCK) return pfnFault(proc, mm, page);
  if (v.vmFile === null) return anonFault(proc, mm, v, page, write);
  return fileFault(proc, mm, v, page, write);
}

function anonFault(proc: Process, mm: Mm, v: Vma, addr: number, write: boolean): void {
  const index = Math.floor(addr / HPAGE_PMD_SIZE);
  let t = mm.pgtables.get(index);
  if (t === undefined && mm.machine.thp.fault(mm, v, index, write)) {
    return counted(proc, addr, write, write ? 'thp' : 'huge-zero', false, write ? 512 : 0);
  }
  if (t === undefined) t = mm.pgtables.ensure(index);
  if (t.pmd === PMD_HUGE_ZERO) {
    if (!write) return;
    if (mm.machine.thp.wpHugeZero(mm, v, t)) return counted(proc, addr, write, 'thp', false, 512);
    // split into zero-page PTEs: fall through to the 4 KiB path
  }
  const i = (addr - t.base) / PAGE_SIZE;
  if (t.pmd === PMD_HUGE_ANON) {
    if (write && t.states[i] === PTE_LAZY) {
      for (let j = 0; j < PTRS_PER_PTE; j++) reuseLazy(v, t, j);
      return counted(proc, addr, write, 'reuse', false, 0);
    }
    return;
  }
  const s = t.states[i]!;
  if (s === PTE_ANON) return;
  if (s === PTE_LAZY) {
    if (!write) return;
    reuseLazy(v, t, i);
    return counted(proc, addr, write, 'reuse', false, 0);
  }
  if (!write) {
    if (s === PTE_NONE) {
      setZero(t, i);
      return counted(proc, addr, write, 'zero', false, 0);
    }
    return;
  }
  // write to none or to the zero page: a new private page
  chargeAnon(proc, mm);
  mm.anonVmaPrepare(v);
  setAnon(mm, v, t, i);
  counted(proc, addr, write, s === PTE_ZERO ? 'cow' : 'anon', false, 1);
}

function fileFault(proc: Process, mm: Mm, v: Vma, addr: number, write: boolean): void {
  const of = v.vmFile!;
  const file = of.file;
  const fc = mm.machine.pageCache.of(file);
  const idx = v.pgoff + (addr - v.start) / PAGE_SIZE;
  if (idx >= file.pages) throw new BusError(proc.pid, addr);
  const index = Math.floor(addr / HPAGE_PMD_SIZE);
  const t = mm.pgtables.ensure(index);
  const i = (addr - t.base) / PAGE_SIZE;
  const s = t.states[i]!;
  const shared = (v.vmFlags & VM_MAYSHARE) !== 0;
  if (!write) {
    if (s !== PTE_NONE) return;
    return readFault(proc, mm, v, t, i, fc, idx, addr);
  }
  if (shared) {
    if (s === PTE_FILE_W) return;
    if (s === PTE_FILE) {
      // wp_page_shared: page_mkwrite, the page becomes dirty
      setPageDirty(mm.machine.pageCache, fc, idx, true);
      t.states[i] = PTE_FILE_W;
      return counted(proc, addr, write, 'mkwrite', false, 0);
    }
    const major = getPage(proc, mm, v, fc, idx);
    setPageDirty(mm.machine.pageCache, fc, idx, true);
    mapFilePage(mm, v, t, i, fc, idx, true);
    return counted(proc, addr, write, 'file', major, 1);
  }
  // private mapping: the write gets an anonymous copy
  if (s === PTE_ANON) return;
  let major = false;
  if (s === PTE_NONE) major = getPage(proc, mm, v, fc, idx);
  chargeAnon(proc, mm);
  mm.anonVmaPrepare(v);
  if (s === PTE_FILE) zapEntry(mm, v, t, i);
  setAnon(mm, v, t, i);
  counted(proc, addr, write, 'cow', major, 1);
}

/**
 * do_read_fault: fault-around over cached pages, then the page itself. A
 * miss is a major fault: filemap_fault reads around the page with the mmap
 * lock dropped and returns VM_FAULT_RETRY, and the retried fault's
 * fault-around then maps the whole window from the cache — which is why
 * one cold byte costs 64 KiB of RSS, not 4 KiB (measured).
 */
function readFault(proc: Process, mm: Mm, v: Vma, t: PteTable, i: number, fc: FileCache, idx: number, addr: number): void {
  // The vDSO's special-mapping vm_ops have no ->map_pages: no fault-around there.
  let mapped = v.special === SPECIAL_VDSO ? 0 : faultAround(mm, v, t, i, fc, idx);
  if (t.states[i] !== PTE_NONE) return counted(proc, addr, false, 'file', false, mapped);
  let major = false;
  if (!fc.isCached(idx) && !fc.file.shmem) {
    major = true;
    mmapReadAround(mm.machine, v.vmFile!, fc, idx, proc.cgroup);
    mapped += faultAround(mm, v, t, i, fc, idx);
    if (t.states[i] !== PTE_NONE) return counted(proc, addr, false, 'file', true, mapped);
  }
  getPage(proc, mm, v, fc, idx);
  mapFilePage(mm, v, t, i, fc, idx, false);
  counted(proc, addr, false, 'file', major, mapped + 1);
}

/**
 * do_fault_around / filemap_map_pages: maps the cached, uptodate pages of
 * the fault_around_bytes window (aligned within the PTE table, clamped to
 * the VMA and the table) that are not PG_readahead. Returns pages mapped.
 */
function faultAround(mm: Mm, v: Vma, t: PteTable, i: number, fc: FileCache, idx: number): number {
  const vmaOff = idx - v.pgoff;
  const fromPte = Math.max(i - (i % FAULT_AROUND_PAGES), i - Math.min(i, vmaOff));
  const toPte = Math.min(fromPte + FAULT_AROUND_PAGES, PTRS_PER_PTE, i + v.pages - vmaOff) - 1;
  const filePages = fc.file.pages;
  let mapped = 0;
  for (let j = fromPte; j <= toPte; j++) {
    if (t.states[j] !== PTE_NONE) continue;
    const pidx = idx + (j - i);
    if (pidx >= filePages) break;
    const f = fc.flags(pidx);
    if (!(f & PG_CACHED) || f & PG_READAHEAD) continue;
    mapFilePage(mm, v, t, j, fc, pidx, false);
    mapped++;
  }
  // filemap_map_pages: every page mapped from the cache is a hit against mmap_miss.
  const ra = v.vmFile!.ra;
  ra.mmapMiss = mapped >= ra.mmapMiss ? 0 : ra.mmapMiss - mapped;
  return mapped;
}

/**
 * filemap_fault's lookup: a cached page with PG_readahead starts async
 * readahead; a missing page is a major fault with read-around (shmem: a new
 * zeroed page). Returns whether it was a major fault.
 */
function getPage(proc: Process, mm: Mm, v: Vma, fc: FileCache, idx: number): boolean {
  const of = v.vmFile!;
  const cg = proc.cgroup;
  const f = fc.flags(idx);
  if (f & PG_CACHED) {
    if (of.ra.mmapMiss > 0) of.ra.mmapMiss--; // do_async_mmap_readahead: a hit
    if (f & PG_READAHEAD) {
      asyncReadahead(mm.machine, of, fc, idx, 1, cg);
      // Linux holds the folio; here reclaim during the readahead may have taken it.
      addNeededPage(mm.machine, fc, idx, cg, proc);
    }
    return false;
  }
  if (fc.file.shmem) {
    addNeededPage(mm.machine, fc, idx, cg, proc);
    return false;
  }
  mmapReadAround(mm.machine, of, fc, idx, cg);
  addNeededPage(mm.machine, fc, idx, cg, proc);
  return true;
}

/** vvar: a pfn mapping, present but never counted. */
function pfnFault(proc: Process, mm: Mm, addr: number): void {
  const t = mm.pgtables.ensure(Math.floor(addr / HPAGE_PMD_SIZE));
  const i = (addr % HPAGE_PMD_SIZE) / PAGE_SIZE;
  if (t.states[i] !== PTE_NONE) return;
  setPfn(t, i);
  counted(proc, addr, false, 'file', false, 0);
}

/** Charges one anonymous page to the process's memcg (may reclaim, may OOM-kill). */
function chargeAnon(proc: Process, mm: Mm): void {
  if (!tryCharge(mm.machine, proc.cgroup, 1, 'anon', { proc, reclaim: true, oom: true, gfp: GFP_ANON_FAULT, order: 0 })) {
    // No victim could be chosen: Linux would retry the fault forever; the model ends the task.
    throw new OomKilled(proc.pid, []);
  }
  mm.machine.anonPages++;
}

function counted(proc: Process, addr: number, write: boolean, kind: FaultKind, major: boolean, pages: number): void {
  if (major) proc.majflt++;
  else proc.minflt++;
  const ev = proc.machine.events;
  if (ev.wants('fault')) ev.emit('fault', { pid: proc.pid, t: proc.machine.clock.now, addr, write, kind, major, pages });
}

