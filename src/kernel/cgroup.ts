// A cgroup v2 memory controller node (mm/memcontrol.c, mm/page_counter.c):
// memory.max, memory.current (anonymous pages + page cache + page tables
// charged here and below), memory.peak, memory.events and the failcnt that
// the OOM report prints. Charges are hierarchical like page_counter: a charge
// to a child counts in every ancestor, and the first level whose max would be
// exceeded is the one that reclaims (and, failing that, OOM-kills).
//
// The machine's root cgroup ("/") stands for all of RAM: its max is MemTotal.

import { PAGE_SIZE } from './constants.ts';
import type { FileCache } from './pagecache.ts';
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

  /** The text of memory.max. */
  renderMax(): string {
    return this.memoryMax === Infinity ? 'max' : String(this.memoryMax);
  }
}
