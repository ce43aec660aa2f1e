// The sys* layer on Linux (mem.go + mem_linux.go): each region transition
// as the mmap / madvise / mprotect / munmap call Go 1.23 makes, with the
// same flags, on the kernel model's process, and the accounting the
// wrappers in mem.go do (the stat, gcController.mappedReady).
//
// Transitions (see mem.ts for the state diagram):
//   sysAlloc    None → Ready      mmap(NULL, n, RW, PRIVATE|ANON)
//   sysReserve  None → Reserved   mmap(v, n, PROT_NONE, PRIVATE|ANON)   v is a hint
//   sysMap      Reserved → Prepared  mmap(v, n, RW, PRIVATE|ANON|FIXED)
//   sysUsed     Prepared → Ready  nothing (harddecommit: RW FIXED re-mmap)
//   sysUnused   Ready → Prepared  madvise(MADV_DONTNEED), or MADV_FREE with madvdontneed=0
//   sysFault    Ready → Reserved  mprotect(PROT_NONE) + madvise(MADV_DONTNEED)
//   sysFree     any → None        munmap

import {
  MADV_COLLAPSE,
  MADV_DONTNEED,
  MADV_FREE,
  MADV_HUGEPAGE,
  MADV_NOHUGEPAGE,
  MAP_ANONYMOUS,
  MAP_FIXED,
  MAP_PRIVATE,
  PROT_NONE,
  PROT_READ,
  PROT_WRITE,
  ENOMEM,
  type Process,
} from '../kernel/index.ts';
import { type SysLabel, type SysMemStat, type SysMemory, physHugePageSize, physPageSize } from './mem.ts';
import { goThrow } from './panic.ts';

/** GODEBUG settings that change how the runtime talks to the OS. */
export interface MemDebug {
  /** madvdontneed=1 (default on Linux): release with MADV_DONTNEED instead of MADV_FREE. */
  madvdontneed: number;
  /** harddecommit=1: also remap released memory PROT_NONE. */
  harddecommit: number;
  /** disablethp=1: MADV_NOHUGEPAGE on every heap mapping. */
  disablethp: number;
}

const RW = PROT_READ | PROT_WRITE;
const ANON = MAP_ANONYMOUS | MAP_PRIVATE;

/** Virtual-time charges for what the OS does on the runtime's behalf; installed by the cost model. */
export interface OSCosts {
  /** n first-touch page faults happened. */
  faults(n: number): void;
  /** One memory system call; `residentPages` resident pages it freed (munmap, MADV_DONTNEED). */
  syscall(name: 'mmap' | 'mmapReserve' | 'mmapFixed' | 'munmap' | 'madviseDontneed' | 'madviseHugepage' | 'madviseNohugepage', residentPages: number): void;
}

/** A mapping the call site gives no label: the stat it is charged to names it. */
function statLabel(stat: SysMemStat): SysLabel {
  return `stat:${stat.name}`;
}

/**
 * What each runtime mapping is for: (start, end, label) of every sysAlloc,
 * sysAllocOS and sysReserve, cut or dropped by sysFree / sysFreeOS; sorted
 * by address, disjoint. A few dozen entries (gomem explain reads it).
 */
export class SysRegions {
  readonly starts: number[] = [];
  readonly ends: number[] = [];
  readonly labels: SysLabel[] = [];

  add(start: number, size: number, label: SysLabel): void {
    size = Math.ceil(size / physPageSize) * physPageSize; // mmap maps whole pages
    this.remove(start, size);
    let i = 0;
    while (i < this.starts.length && this.starts[i]! < start) i++;
    this.starts.splice(i, 0, start);
    this.ends.splice(i, 0, start + size);
    this.labels.splice(i, 0, label);
  }

  remove(start: number, size: number): void {
    const end = start + Math.ceil(size / physPageSize) * physPageSize;
    for (let i = this.starts.length - 1; i >= 0; i--) {
      const s = this.starts[i]!;
      const e = this.ends[i]!;
      if (e <= start || s >= end) continue;
      const l = this.labels[i]!;
      this.starts.splice(i, 1);
      this.ends.splice(i, 1);
      this.labels.splice(i, 1);
      if (e > end) this.insertAt(i, end, e, l);
      if (s < start) this.insertAt(i, s, start, l);
    }
  }

  private insertAt(i: number, s: number, e: number, l: SysLabel): void {
    this.starts.splice(i, 0, s);
    this.ends.splice(i, 0, e);
    this.labels.splice(i, 0, l);
  }
}

export class LinuxMem implements SysMemory {
  /** gcController.mappedReady: bytes in the Ready state. */
  mappedReady = 0;
  /** What each runtime mapping is for. */
  readonly regions = new SysRegions();
  costs: OSCosts | null = null;
  /** adviseUnused: MADV_FREE until it fails, then MADV_DONTNEED. */
  private adviseUnused = MADV_FREE;

  constructor(
    private readonly proc: Process,
    private readonly debug: MemDebug,
  ) {}

  sysAlloc(n: number, stat: SysMemStat, label?: SysLabel): number {
    stat.add(n);
    this.mappedReady += n;
    return this.sysAllocOS(n, label ?? statLabel(stat));
  }

  sysAllocOS(n: number, label: SysLabel = 'runtime'): number {
    this.charge('mmap');
    const p = this.proc.mmap(0, n, RW, ANON, -1, 0);
    if (p >= 0) this.regions.add(p, n, label);
    return p < 0 ? 0 : p;
  }

  sysReserve(v: number, n: number, label: SysLabel = 'runtime'): number {
    this.charge('mmapReserve');
    const p = this.proc.mmap(v, n, PROT_NONE, ANON, -1, 0);
    if (p >= 0) this.regions.add(p, n, label);
    return p < 0 ? 0 : p;
  }

  sysMap(v: number, n: number, stat: SysMemStat): void {
    stat.add(n);
    this.charge('mmapFixed');
    const p = this.proc.mmap(v, n, RW, ANON | MAP_FIXED, -1, 0);
    if (p === -ENOMEM) goThrow('runtime: out of memory');
    if (p !== v) {
      goThrow('runtime: cannot map pages in arena address space', [`runtime: mmap(${hex(v)}, ${n}) returned ${hex(Math.max(p, 0))}, ${p < 0 ? -p : 0}`]);
    }
    if (this.debug.disablethp !== 0) this.proc.madvise(v, n, MADV_NOHUGEPAGE);
  }

  sysUsed(v: number, n: number, prepared: number): void {
    this.mappedReady += prepared;
    if (this.debug.harddecommit > 0) {
      const p = this.proc.mmap(v, n, RW, ANON | MAP_FIXED, -1, 0);
      if (p === -ENOMEM) goThrow('runtime: out of memory');
      if (p !== v) goThrow('runtime: cannot remap pages in address space');
    }
  }

  sysUnused(v: number, n: number): void {
    this.mappedReady -= n;
    if (v % physPageSize !== 0 || n % physPageSize !== 0) goThrow('unaligned sysUnused');
    const rss0 = this.proc.vmRss / 4096;
    let advise = this.adviseUnused;
    if (this.debug.madvdontneed !== 0) advise = MADV_DONTNEED;
    if (advise === MADV_FREE) {
      if (this.proc.madvise(v, n, MADV_FREE) !== 0) {
        this.adviseUnused = MADV_DONTNEED;
        this.proc.madvise(v, n, MADV_DONTNEED);
      }
    } else {
      this.proc.madvise(v, n, MADV_DONTNEED);
    }
    this.charge('madviseDontneed', rss0);
    if (this.debug.harddecommit > 0) {
      const p = this.proc.mmap(v, n, PROT_NONE, ANON | MAP_FIXED, -1, 0);
      if (p !== v) goThrow('runtime: cannot disable permissions in address space');
    }
  }

  sysFree(v: number, n: number, stat: SysMemStat): void {
    stat.add(-n);
    this.mappedReady -= n;
    this.sysFreeOS(v, n);
  }

  sysFreeOS(v: number, n: number): void {
    const rss0 = this.proc.vmRss / 4096;
    this.proc.munmap(v, n);
    this.regions.remove(v, n);
    this.charge('munmap', rss0);
  }

  sysFault(v: number, n: number): void {
    this.mappedReady -= n;
    this.proc.mprotect(v, n, PROT_NONE);
    this.proc.madvise(v, n, MADV_DONTNEED);
  }

  sysHugePage(v: number, n: number): void {
    const beg = Math.ceil(v / physHugePageSize) * physHugePageSize;
    const end = Math.floor((v + n) / physHugePageSize) * physHugePageSize;
    if (beg < end) {
      this.charge('madviseHugepage');
      this.proc.madvise(beg, end - beg, MADV_HUGEPAGE);
    }
  }

  sysNoHugePage(v: number, n: number): void {
    if (v % physPageSize !== 0) goThrow('unaligned sysNoHugePageOS');
    this.charge('madviseNohugepage');
    this.proc.madvise(v, n, MADV_NOHUGEPAGE);
  }

  sysHugePageCollapse(v: number, n: number): void {
    if (v % physPageSize !== 0) goThrow('unaligned sysHugePageCollapseOS');
    this.proc.madvise(v, n, MADV_COLLAPSE);
  }

  touch(v: number, n: number): void {
    const f0 = this.proc.minflt;
    this.proc.write(v, n);
    if (this.proc.minflt !== f0) this.costs?.faults(this.proc.minflt - f0);
  }

  touchRead(v: number, n: number): void {
    const f0 = this.proc.minflt;
    this.proc.read(v, n);
    if (this.proc.minflt !== f0) this.costs?.faults(this.proc.minflt - f0);
  }

  private charge(name: Parameters<OSCosts['syscall']>[0], residentBefore = 0): void {
    if (this.costs) this.costs.syscall(name, Math.max(0, residentBefore - this.proc.vmRss / 4096));
  }
}

function hex(n: number): string {
  return `0x${n.toString(16)}`;
}
