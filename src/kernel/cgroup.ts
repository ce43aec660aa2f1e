// A cgroup v2 memory controller node (mm/memcontrol.c, mm/page_counter.c):
// memory.max, memory.current (anonymous pages + page cache + page tables
// charged here and below), memory.peak, memory.events and the failcnt that
// the OOM report prints. Charges are hierarchical like page_counter: a charge
// to a child counts in every ancestor, and the first level whose max would be
// exceeded is the one that reclaims (and, failing that, OOM-kills).
//
// The machine's root cgroup ("/") stands for all of RAM: its max is MemTotal.

import { PAGE_SIZE } from './constants.ts';
import { PG_CACHED as PG_CACHED_BIT, PG_DIRTY as PG_DIRTY_BIT, type FileCache } from './pagecache.ts';
import type { Process } from './process.ts';

export type ChargeKind = 'anon' | 'file' | 'shmem' | 'pagetables';

export interface MemoryEvents {
  max: number;
  oom: number;
  oom_kill: number;
}

/**
 * A FIFO of page-cache pages (file cache, page index) charged to a cgroup,
 * standing in for the kernel's LRU lists. Entries go stale when their page
 * leaves the cache; reclaim skips those.
 */
export class PageQueue {
  private fcs: FileCache[] = [];
  private idxs: number[] = [];
  private head = 0;

  push(fc: FileCache, idx: number): void {
    this.fcs.push(fc);
    this.idxs.push(idx);
  }

  get length(): number {
    return this.fcs.length - this.head;
  }

  /** Calls fn for every entry still queued, oldest first (stale ones included). */
  forEach(fn: (fc: FileCache, idx: number) => void): void {
    for (let i = this.head; i < this.fcs.length; i++) fn(this.fcs[i]!, this.idxs[i]!);
  }

  /** Removes the oldest entry into out; false when empty. */
  shift(out: { fc: FileCache | null; idx: number }): boolean {
    if (this.head >= this.fcs.length) return false;
    out.fc = this.fcs[this.head]!;
    out.idx = this.idxs[this.head]!;
    this.head++;
    if (this.head > 4096 && this.head * 2 > this.fcs.length) {
      this.fcs = this.fcs.slice(this.head);
      this.idxs = this.idxs.slice(this.head);
      this.head = 0;
    }
    return true;
  }
}

export class Cgroup {
  readonly children: Cgroup[] = [];
  /** Pages charged here and in descendants (page_counter usage). */
  usage = 0;
  /** Highest `usage` seen (memory.peak), pages. */
  peak = 0;
  /** Local (this cgroup only) pages by kind; memory.stat sums them over the subtree. */
  anon = 0;
  file = 0;
  shmem = 0;
  pagetables = 0;
  /** Anonymous pages in huge pages, local. */
  anonThp = 0;
  /** page_counter failcnt: failed charge attempts at this level. */
  failcnt = 0;
  readonly events: MemoryEvents = { max: 0, oom: 0, oom_kill: 0 };
  /** Processes attached here (not in descendants), in attach order (the OOM scan order). */
  readonly processes = new Set<Process>();
  /** Page caches holding pages charged here. */
  readonly caches = new Set<FileCache>();
  /** Page-cache pages charged here, oldest first (the inactive list). */
  readonly inactive = new PageQueue();
  /** Pages reclaim found mapped or dirty (the active list). */
  readonly active = new PageQueue();

  constructor(
    readonly id: number,
    readonly path: string,
    readonly parent: Cgroup | null,
    /** memory.max in bytes; Infinity is "max". */
    public memoryMax: number,
  ) {}

  /** memory.current, bytes. */
  get memoryCurrent(): number {
    return this.usage * PAGE_SIZE;
  }

  /** memory.peak, bytes. */
  get memoryPeak(): number {
    return this.peak * PAGE_SIZE;
  }

  /** Limit in pages (Infinity for "max"). */
  get maxPages(): number {
    return this.memoryMax === Infinity ? Infinity : Math.floor(this.memoryMax / PAGE_SIZE);
  }

  /** This cgroup and its descendants, parents first. */
  subtree(): Cgroup[] {
    const out: Cgroup[] = [];
    const walk = (c: Cgroup): void => {
      out.push(c);
      for (const k of c.children) walk(k);
    };
    walk(this);
    return out;
  }

  /** True if `c` is this cgroup or below it. */
  contains(c: Cgroup): boolean {
    for (let x: Cgroup | null = c; x !== null; x = x.parent) if (x === this) return true;
    return false;
  }

  /** memory.stat value summed over the subtree, pages. */
  statPages(kind: ChargeKind | 'anon_thp'): number {
    let n = 0;
    for (const c of this.subtree()) n += kind === 'anon_thp' ? c.anonThp : c[kind];
    return n;
  }

  /**
   * The main lines of memory.stat (cgroup v2), bytes, in the kernel's order
   * (memory_stats[] in mm/memcontrol.c), summed over the subtree. kernel is
   * what the model charges as kernel memory: page tables (no slab, kernel
   * stacks or sockets). New anonymous pages go on the inactive anon list
   * (lru_cache_add_inactive_or_unevictable since Linux 5.9) and, with no
   * swap, nothing scans them there: inactive_anon is all of anon, as in the
   * real 512 MiB group of reality/cases/container-oom. Page-cache pages are
   * inactive until reclaim finds them mapped or dirty (vmscan.ts).
   */
  memoryStat(): [string, number][] {
    let file = 0;
    let mapped = 0;
    let dirty = 0;
    let active = 0;
    const sub = this.subtree();
    for (const c of sub) {
      file += c.file;
      const seen = new Set<string>();
      c.active.forEach((fc, idx) => {
        if ((fc.flags(idx) & PG_CACHED_BIT) === 0 || fc.memcgOf(idx) !== c.id) return;
        const key = `${fc.file.ino}:${idx}`;
        if (seen.has(key)) return;
        seen.add(key);
        active++;
      });
      for (const fc of c.caches) {
        for (const ch of fc.chunks.values()) {
          for (let i = 0; i < ch.flags.length; i++) {
            if ((ch.flags[i]! & PG_CACHED_BIT) === 0 || ch.memcg[i] !== c.id) continue;
            if (ch.mapcount[i]! > 0) mapped++;
            if (ch.flags[i]! & PG_DIRTY_BIT) dirty++;
          }
        }
      }
    }
    const anon = this.statPages('anon');
    const pt = this.statPages('pagetables');
    const b = (pages: number): number => pages * PAGE_SIZE;
    return [
      ['anon', b(anon)],
      ['file', b(file)],
      ['kernel', b(pt)],
      ['pagetables', b(pt)],
      ['shmem', b(this.statPages('shmem'))],
      ['file_mapped', b(mapped)],
      ['file_dirty', b(dirty)],
      ['anon_thp', b(this.statPages('anon_thp'))],
      ['inactive_anon', b(anon)],
      ['active_anon', 0],
      ['inactive_file', b(Math.max(0, file - active))],
      ['active_file', b(Math.min(file, active))],
      ['unevictable', 0],
    ];
  }

  /**
   * The working set as the kubelet computes it (cadvisor's
   * container_memory_working_set_bytes): usage minus inactive_file, floored
   * at 0. It is what `kubectl top` shows and what eviction compares.
   */
  workingSet(): number {
    const inactiveFile = this.memoryStat().find(([k]) => k === 'inactive_file')![1];
    return Math.max(0, this.memoryCurrent - inactiveFile);
  }

  /** The text of memory.max. */
  renderMax(): string {
    return this.memoryMax === Infinity ? 'max' : String(this.memoryMax);
  }
}
