// The gcBits arenas of mheap.go: 64 KiB chunks (sysAlloc, charged to
// GCSys) from which every span's allocBits and gcmarkBits are bump-
// allocated, ceil(nelems/64)·8 bytes at a time, and the three-epoch
// rotation (next → current → previous → free) that recycles them at each
// GC. Each arena's bytes live in one Uint32Array.
//
//   ┌──────────────┬──────────────────────────────────────────────┐
//   │ header 16 B  │ bits: 65520 B, bump-allocated by `free`       │
//   │ free, next   │                                              │
//   └──────────────┴──────────────────────────────────────────────┘

import type { SysMemory } from './mem.ts';
import type { MemStats } from './mstats.ts';

export const gcBitsChunkBytes = 64 << 10;
export const gcBitsHeaderBytes = 16;

export class GCBitsArena {
  /** The arena's 64 KiB, header included, as 32-bit words. */
  readonly words = new Uint32Array(gcBitsChunkBytes / 4);
  /** Next free byte offset into bits (i.e. after the header). */
  free = 0;
  next: GCBitsArena | null = null;
  constructor(readonly addr: number) {}
}

export interface GCBitsAlloc {
  words: Uint32Array;
  /** Word offset of the first bitmap word. */
  off: number;
}

export class GCBitsArenas {
  free: GCBitsArena | null = null;
  next: GCBitsArena | null = null;
  current: GCBitsArena | null = null;
  previous: GCBitsArena | null = null;
  /** Every arena ever created, for the view and for verify(). */
  readonly all: GCBitsArena[] = [];

  constructor(
    private readonly sys: SysMemory,
    private readonly memstats: MemStats,
  ) {}

  /** newMarkBits: zeroed bitmap space for nelems slots. */
  newMarkBits(nelems: number): GCBitsAlloc {
    const bytesNeeded = ((nelems + 63) >>> 6) * 8;
    let p = this.tryAlloc(this.next, bytesNeeded);
    if (p) return p;
    const fresh = this.newArena();
    // Go retries `next` after dropping the lock; single-threaded, it is unchanged.
    p = this.tryAlloc(fresh, bytesNeeded);
    if (!p) throw new Error('markBits overflow');
    fresh.next = this.next;
    this.next = fresh;
    return p;
  }

  /** newAllocBits is newMarkBits (mheap.go). */
  newAllocBits(nelems: number): GCBitsAlloc {
    return this.newMarkBits(nelems);
  }

  private tryAlloc(b: GCBitsArena | null, bytes: number): GCBitsAlloc | null {
    if (b === null || b.free + bytes > gcBitsChunkBytes - gcBitsHeaderBytes) return null;
    const start = b.free;
    b.free += bytes;
    return { words: b.words, off: (gcBitsHeaderBytes + start) >>> 2 };
  }

  private newArena(): GCBitsArena {
    let result: GCBitsArena;
    if (this.free === null) {
      const addr = this.sys.sysAlloc(gcBitsChunkBytes, this.memstats.gcMiscSys, 'gc-bits');
      if (addr === 0) throw new Error('runtime: cannot allocate memory');
      result = new GCBitsArena(addr);
      this.all.push(result);
    } else {
      result = this.free;
      this.free = result.next;
      // memclrNoHeapPointers over the whole chunk: every page is written.
      result.words.fill(0);
      this.sys.touch(result.addr, gcBitsChunkBytes);
    }
    result.next = null;
    result.free = 0;
    this.sys.touch(result.addr, gcBitsHeaderBytes); // header: next, free
    return result;
  }

  /** nextMarkBitArenaEpoch, at the start of each GC (finishsweep_m). */
  nextEpoch(): void {
    if (this.previous !== null) {
      if (this.free === null) {
        this.free = this.previous;
      } else {
        let last = this.previous;
        while (last.next !== null) last = last.next;
        last.next = this.free;
        this.free = this.previous;
      }
    }
    this.previous = this.current;
    this.current = this.next;
    this.next = null;
  }
}
