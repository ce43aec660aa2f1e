// fixalloc (mfixalloc.go): a free-list allocator of fixed-size off-heap
// records (mspan, mcache, specials, arena hints), refilled from
// persistentalloc 16 KiB at a time (rounded down to whole records, so
// MSpanSys grows in 102 × 160 = 16,320-byte steps). `inuse` is what
// MemStats reports as MSpanInuse / MCacheInuse.

import type { SysMemStat } from './mem.ts';
import type { PersistentAlloc, PersistentAllocator } from './persistentalloc.ts';

export const fixAllocChunk = 16 << 10; // _FixAllocChunk

export class FixAlloc {
  readonly size: number;
  /** Freed records, most recent last (Go pushes on a linked list: LIFO). */
  private readonly list: number[] = [];
  private chunk = 0;
  private nchunk = 0;
  private readonly nalloc: number;
  /** Bytes in records handed out and not freed. */
  inuse = 0;
  /** Zero records on reuse (spanalloc turns it off so sweepgen survives). */
  zero = true;

  constructor(
    size: number,
    private readonly stat: SysMemStat,
    private readonly persistent: PersistentAllocator,
    /** Called with each record's address the first time it is carved (Go: f.first, e.g. recordspan). */
    private readonly first: ((p: number) => void) | null = null,
  ) {
    if (size > fixAllocChunk) throw new Error('runtime: fixalloc size too large');
    this.size = Math.max(size, 8); // at least an mlink
    this.nalloc = Math.floor(fixAllocChunk / this.size) * this.size;
  }

  /** Returns the record's address; `palloc` is the running P's persistentalloc region. */
  alloc(palloc: PersistentAlloc | null): number {
    const reused = this.list.pop();
    if (reused !== undefined) {
      this.inuse += this.size;
      return reused;
    }
    if (this.nchunk < this.size) {
      this.chunk = this.persistent.alloc(this.nalloc, 0, this.stat, palloc);
      this.nchunk = this.nalloc;
    }
    const v = this.chunk;
    if (this.first) this.first(v);
    this.chunk += this.size;
    this.nchunk -= this.size;
    this.inuse += this.size;
    return v;
  }

  free(p: number): void {
    this.inuse -= this.size;
    this.list.push(p);
  }
}
