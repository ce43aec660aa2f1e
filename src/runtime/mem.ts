// The runtime's view of the operating system's memory (mem.go): the four
// region states and the sys* transitions between them. mem_linux.ts
// implements them with the mmap / madvise / munmap calls Go 1.23 makes on
// Linux; tests may substitute a recorder.
//
//   ┌──────┐ sysReserve ┌──────────┐ sysMap ┌──────────┐ sysUsed ┌───────┐
//   │ None │───────────▶│ Reserved │───────▶│ Prepared │────────▶│ Ready │
//   └──────┘            └──────────┘        └──────────┘◀────────└───────┘
//      ▲  ▲  sysAlloc (None → Ready)              ▲        sysUnused    │
//      │  └───────────────────────────────────────┼─────────────────────┘
//      │                 sysFree (any → None)      │   sysFault: Ready → Reserved
//
// None: not mapped. Reserved: owned by the runtime, PROT_NONE, no footprint.
// Prepared: mapped read-write, contents undefined, may or may not be backed.
// Ready: usable; the runtime may write to it.

/** A *sysMemStat: the MemStats bucket an OS mapping is charged to. */
export class SysMemStat {
  /** Bytes currently charged. */
  bytes = 0;
  constructor(readonly name: string) {}
  add(n: number): void {
    this.bytes += n;
    if (this.bytes < 0) throw new Error(`${this.name} went negative (${this.bytes})`);
  }
}

/**
 * What a runtime mapping is for (gomem explain reads it from mem_linux's
 * registry); without one, the SysMemStat the mapping is charged to names it.
 */
export type SysLabel =
  | 'heap-arena'
  | 'arena-index'
  | 'heap-arena-metadata'
  | 'allspans'
  | 'persistentalloc'
  | 'gc-bits'
  | 'pagealloc-summary'
  | 'pagealloc-chunks'
  | 'scavenge-index'
  | 'profile-buckets'
  | 'runtime'
  | `stat:${string}`;

/**
 * What the runtime asks of the OS. Addresses and lengths are byte counts in
 * float64 integers (exact below 2^53). Functions that may fail return the
 * address obtained, or 0.
 */
export interface SysMemory {
  /** None → Ready: mmap(NULL, n, RW, PRIVATE|ANON). Charges `stat` and mappedReady. Returns 0 on failure. */
  sysAlloc(n: number, stat: SysMemStat, label?: SysLabel): number;
  /** sysAlloc without accounting (sysAllocOS): the arena L2 map is charged nowhere. */
  sysAllocOS(n: number, label?: SysLabel): number;
  /** None → Reserved at hint `v` (not MAP_FIXED). Returns the address the kernel chose, or 0. */
  sysReserve(v: number, n: number, label?: SysLabel): number;
  /** Reserved → Prepared: mmap(v, n, RW, PRIVATE|ANON|FIXED). Charges `stat`. */
  sysMap(v: number, n: number, stat: SysMemStat): void;
  /** Prepared → Ready; `prepared` bytes of it were Prepared (added to mappedReady). */
  sysUsed(v: number, n: number, prepared: number): void;
  /** Ready → Prepared: madvise(MADV_DONTNEED) (or MADV_FREE with madvdontneed=0). */
  sysUnused(v: number, n: number): void;
  /** any → None: munmap. Uncharges `stat` and mappedReady. */
  sysFree(v: number, n: number, stat: SysMemStat): void;
  /** munmap without accounting (sysFreeOS): for reservations that were never charged. */
  sysFreeOS(v: number, n: number): void;
  /** Ready → Reserved: mprotect(PROT_NONE) + madvise(MADV_DONTNEED). */
  sysFault(v: number, n: number): void;
  /** madvise(MADV_HUGEPAGE) on the huge-page-aligned interior of [v, v+n). */
  sysHugePage(v: number, n: number): void;
  /** madvise(MADV_NOHUGEPAGE). */
  sysNoHugePage(v: number, n: number): void;
  /** The runtime writes [v, v+n): faults pages in (write faults), changing RSS. */
  touch(v: number, n: number): void;
  /** The runtime reads [v, v+n): read faults (zero page for untouched anonymous memory). */
  touchRead(v: number, n: number): void;
  /** Bytes in the Ready state (gcController.mappedReady). */
  readonly mappedReady: number;
}

export const physPageSize = 4096;
export const physHugePageSize = 2 << 20;
