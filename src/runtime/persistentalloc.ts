// persistentalloc (malloc.go): the runtime's never-freed bump allocator
// for off-heap metadata. Requests of 64 KiB or more are their own sysAlloc;
// smaller ones come from 256 KiB chunks, one per P (p.palloc) or a global
// one when no P is running, charged first to OtherSys and then moved to
// the caller's stat. Alignment padding stays in OtherSys — one reason
// OtherSys is what it is.
//
//   chunk (256 KiB, mmap RW):
//   ┌──────┬──────────┬───┬──────────┬──────────────────────────┐
//   │ link │ alloc #1 │pad│ alloc #2 │ … off →                   │
//   └──────┴──────────┴───┴──────────┴──────────────────────────┘
//   link: the previous chunk (persistentChunks list), written at creation

import type { SysLabel, SysMemory, SysMemStat } from './mem.ts';
import type { MemStats } from './mstats.ts';

export const persistentChunkSize = 256 << 10;
const maxBlock = 64 << 10;
const ptrSize = 8;

/** One bump region (Go: persistentAlloc{base, off}). */
export class PersistentAlloc {
  base = 0;
  off = 0;
}

const alignUp = (n: number, a: number): number => Math.ceil(n / a) * a;

export class PersistentAllocator {
  /** Used when no P is running (bootstrap, or the system stack without a P). */
  readonly global = new PersistentAlloc();
  /** Every chunk ever mapped, newest first (persistentChunks). */
  readonly chunks: number[] = [];
  /** Each allocation carved from a chunk: address, size, stat (what gomem explain attributes chunk pages to). */
  readonly carved: { addr: number[]; size: number[]; stat: SysMemStat[] } = { addr: [], size: [], stat: [] };

  constructor(
    private readonly sys: SysMemory,
    private readonly memstats: MemStats,
  ) {}

  /**
   * Returns the address of `size` bytes aligned to `align` (0 means 8),
   * charged to `stat`. `palloc` is the running P's region, or null.
   */
  alloc(size: number, align: number, stat: SysMemStat, palloc: PersistentAlloc | null, label?: SysLabel): number {
    if (size === 0) throw new Error('persistentalloc: size == 0');
    if (align === 0) align = 8;
    if ((align & (align - 1)) !== 0) throw new Error('persistentalloc: align is not a power of 2');
    if (size >= maxBlock) {
      const p = this.sys.sysAlloc(size, stat, label);
      if (p === 0) throw new Error('runtime: cannot allocate memory');
      return p;
    }
    const persistent = palloc ?? this.global;
    persistent.off = alignUp(persistent.off, align);
    if (persistent.off + size > persistentChunkSize || persistent.base === 0) {
      persistent.base = this.sys.sysAlloc(persistentChunkSize, this.memstats.other_sys, 'persistentalloc');
      if (persistent.base === 0) throw new Error('runtime: cannot allocate memory');
      this.chunks.unshift(persistent.base);
      this.sys.touch(persistent.base, ptrSize); // the chunk list link
      persistent.off = alignUp(ptrSize, align);
    }
    const p = persistent.base + persistent.off;
    persistent.off += size;
    this.carved.addr.push(p);
    this.carved.size.push(size);
    this.carved.stat.push(stat);
    if (stat !== this.memstats.other_sys) {
      stat.add(size);
      this.memstats.other_sys.add(-size);
    }
    return p;
  }
}
