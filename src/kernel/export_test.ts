// The test-only window on the kernel model's internals (like Go's
// export_test.go): slow reference recounts that check the O(1) counters, and
// accessors for page states. Imported by tests only, never by src/ and never
// re-exported from index.ts.

import type { Cgroup } from './cgroup.ts';
import {
  HPAGE_PMD_NR,
  HPAGE_PMD_SIZE,
  PAGE_SIZE,
  PTRS_PER_PTE,
  VM_ACCESS_FLAGS,
  VM_ACCOUNT,
  VM_WRITE,
} from './constants.ts';
import type { Machine } from './machine.ts';
import { PMD_HUGE_ANON, PMD_HUGE_ZERO, PTE_ANON, PTE_FILE, PTE_FILE_W, PTE_NONE, PTE_STATE_NAMES } from './pagetable.ts';
import { HOT_CONSTANTS, type Process } from './process.ts';
import { Vma } from './vma.ts';

/** The state of the page at addr: 'none', 'zero', 'anon', 'lazyfree', 'file', 'file-dirty', 'pfn'; 'thp' / 'huge-zero' for huge mappings. */
export function pteState(p: Process, addr: number): string {
  const t = p.mm.pgtables.get(Math.floor(addr / HPAGE_PMD_SIZE));
  if (t === undefined) return 'none';
  if (t.pmd === PMD_HUGE_ANON) return 'thp';
  if (t.pmd === PMD_HUGE_ZERO) return 'huge-zero';
  return PTE_STATE_NAMES[t.states[(addr % HPAGE_PMD_SIZE) / PAGE_SIZE]!]!;
}

/** Numbers of PTE, PMD and PUD tables. */
export function tableCounts(p: Process): { pte: number; pmd: number; pud: number } {
  const pt = p.mm.pgtables;
  return { pte: pt.pteTables, pmd: pt.pmdTableCount, pud: pt.pudTableCount };
}

const COUNTERS = ['anon', 'lazy', 'anonHuge', 'filePages', 'fileShared', 'fileDirty', 'fileSharedDirty', 'pssFile', 'pssFileDirty'] as const;

/**
 * Re-derives every counter of a process from its page tables and checks the
 * incremental ones; throws with a description of the first mismatch.
 */
export function verify(p: Process): void {
  const mm = p.mm;
  const fail = (msg: string): never => {
    throw new Error(`verify pid ${p.pid}: ${msg}`);
  };
  // hot-path constants
  const hc = HOT_CONSTANTS;
  if (hc.HP_SIZE !== HPAGE_PMD_SIZE || hc.PG_SIZE !== PAGE_SIZE || hc.ALL_PTES !== PTRS_PER_PTE || hc.S_NONE !== PTE_NONE || hc.S_ANON !== PTE_ANON)
    fail('hot constants differ');
  if (hc.S_FILE_W !== PTE_FILE_W || hc.F_WRITE !== VM_WRITE || hc.F_ACCESS !== VM_ACCESS_FLAGS) fail('hot constants differ');
  // VMAs sorted, aligned, disjoint; stat counters
  let total = 0;
  let committed = 0;
  let rssAnon = 0;
  let rssFile = 0;
  let rssShmem = 0;
  for (let i = 0; i < mm.vmas.length; i++) {
    const v = mm.vmas[i]!;
    if (v.start % PAGE_SIZE || v.end % PAGE_SIZE || v.end <= v.start) fail(`bad VMA ${v}`);
    if (i > 0 && mm.vmas[i - 1]!.end > v.start) fail(`VMAs overlap at ${v}`);
    total += v.pages;
    if (v.vmFlags & VM_ACCOUNT) committed += v.pages;
    const ref = new Vma(mm, v.start, v.end, v.vmFlags, v.pgoff, v.vmFile, v.special);
    mm.recount(ref);
    for (const k of COUNTERS) if (ref[k] !== v[k]) fail(`VMA ${v} ${k}: counter ${v[k]}, recount ${ref[k]}`);
    rssAnon += v.anon;
    if (v.file?.shmem) rssShmem += v.filePages;
    else rssFile += v.filePages;
  }
  if (total !== mm.totalVm) fail(`total_vm ${mm.totalVm}, VMAs sum to ${total}`);
  if (committed !== mm.committed) fail(`committed ${mm.committed}, VM_ACCOUNT VMAs sum to ${committed}`);
  if (rssAnon !== mm.rssAnon) fail(`MM_ANONPAGES ${mm.rssAnon}, VMAs sum to ${rssAnon}`);
  if (rssFile !== mm.rssFile) fail(`MM_FILEPAGES ${mm.rssFile}, VMAs sum to ${rssFile}`);
  if (rssShmem !== mm.rssShmem) fail(`MM_SHMEMPAGES ${mm.rssShmem}, VMAs sum to ${rssShmem}`);
  // tables: per-table counts, and every present entry inside a VMA
  const pt = mm.pgtables;
  const bytes = (pt.pteTables + pt.pmdTableCount + pt.pudTableCount) * PAGE_SIZE;
  if (bytes !== pt.bytes) fail(`pgtables_bytes ${pt.bytes}, tables make ${bytes}`);
  pt.forEachInRange(0, 2 ** 47, (t) => {
    let present = 0;
    let anon = 0;
    for (let i = 0; i < PTRS_PER_PTE; i++) {
      const s = t.states[i]!;
      if (s !== PTE_NONE) {
        present++;
        const a = t.base + i * PAGE_SIZE;
        if (mm.findVma(a) === null) fail(`page 0x${a.toString(16)} mapped outside any VMA`);
      }
      if (s === PTE_ANON) anon++;
    }
    if (present !== t.present) fail(`table 0x${t.base.toString(16)} present ${t.present}, counted ${present}`);
    if (anon !== t.anon) fail(`table 0x${t.base.toString(16)} anon ${t.anon}, counted ${anon}`);
    if (t.pmd === PMD_HUGE_ANON && present !== HPAGE_PMD_NR) fail(`huge table 0x${t.base.toString(16)} not full`);
  });
}

/**
 * Checks machine-wide consistency: page-cache mapcounts against the PTEs of
 * every process, and each cgroup's usage against what is charged to it.
 */
export function verifyMachine(m: Machine): void {
  for (const p of m.processes) verify(p);
  // mapcounts
  const seen = new Map<string, number>();
  for (const p of m.processes) {
    for (const v of p.vmas()) {
      if (v.vmFile === null) continue;
      p.mm.pgtables.forEachInRange(v.start, v.end, (t) => {
        const lo = Math.max(v.start, t.base);
        const hi = Math.min(v.end, t.base + HPAGE_PMD_SIZE);
        for (let a = lo; a < hi; a += PAGE_SIZE) {
          const s = t.states[(a - t.base) / PAGE_SIZE];
          if (s === PTE_FILE || s === PTE_FILE_W) {
            const key = `${v.vmFile!.file.cacheId}:${v.pgoff + (a - v.start) / PAGE_SIZE}`;
            seen.set(key, (seen.get(key) ?? 0) + 1);
          }
        }
      });
    }
  }
  for (const fc of m.pageCache.all()) {
    fc.forEachCached(0, Number.MAX_SAFE_INTEGER, (idx) => {
      const want = seen.get(`${fc.file.cacheId}:${idx}`) ?? 0;
      if (fc.mapcount(idx) !== want) throw new Error(`verify: ${fc.file.path} page ${idx} mapcount ${fc.mapcount(idx)}, PTEs ${want}`);
    });
  }
  // charges
  const charged = new Map<Cgroup, number>();
  const add = (c: Cgroup, n: number): void => {
    for (let x: Cgroup | null = c; x !== null; x = x.parent) charged.set(x, (charged.get(x) ?? 0) + n);
  };
  for (const p of m.processes) {
    add(p.cgroup, p.mm.rssAnon + p.mm.pgtables.bytes / PAGE_SIZE);
  }
  for (const fc of m.pageCache.all()) {
    if (fc.file.pinned) continue;
    fc.forEachCached(0, Number.MAX_SAFE_INTEGER, (idx) => add(m.cgroupById(fc.memcgOf(idx)), 1));
  }
  for (const [c, n] of charged) if (c.usage !== n) throw new Error(`verify: cgroup ${c.path} usage ${c.usage}, charged pages ${n}`);
  if (m.root.usage !== (charged.get(m.root) ?? 0)) throw new Error(`verify: root usage ${m.root.usage}`);
}
