// Test-only: what runtime.MemStats Mallocs and TotalAlloc would count for a
// list of mallocgc calls, so size models can be checked against measured
// MemStats deltas. Mirrors mallocgc's choice of path (malloc.go): tiny
// allocator for noscan requests under 16 B, size classes with the 8-byte
// malloc header for pointerful objects over 512 B, whole pages above 32760 B.

import type { Alloc } from '../../../src/go/alloc.ts';
import { class_to_size } from '../../../src/runtime/sizeclasses.ts';
import { sizeToClass } from '../../../src/runtime/msize.ts';

const maxTinySize = 16;

/** Bytes of the slot mallocgc hands out for `size` (what TotalAlloc adds for a non-tiny object). */
export function slotSize(size: number, noscan: boolean): number {
  if (size > 32768 - 8) return Math.ceil(size / 8192) * 8192;
  const header = !noscan && size > 512 ? 8 : 0;
  return class_to_size[sizeToClass(size + header)]!;
}

/**
 * Mallocs / TotalAlloc deltas for a sequence of allocations, simulating one
 * P's tiny block (mcache.tiny / tinyoffset). `tinyOffset` is the offset in
 * the current tiny block at the start (16 = no usable space left).
 */
export class MallocCounter {
  mallocs = 0;
  totalAlloc = 0;
  constructor(private tinyOffset = maxTinySize) {}

  add(allocs: readonly Alloc[]): this {
    for (const a of allocs) {
      this.mallocs++;
      if (a.noscan && a.size < maxTinySize) {
        let off = this.tinyOffset;
        if ((a.size & 7) === 0) off = Math.ceil(off / 8) * 8;
        else if ((a.size & 3) === 0) off = Math.ceil(off / 4) * 4;
        else if ((a.size & 1) === 0) off = Math.ceil(off / 2) * 2;
        if (off + a.size <= maxTinySize) {
          this.tinyOffset = off + a.size;
        } else {
          this.totalAlloc += maxTinySize;
          // Keep whichever block has more room left (malloc.go).
          if (a.size < this.tinyOffset) this.tinyOffset = a.size;
        }
      } else {
        this.totalAlloc += slotSize(a.size, a.noscan);
      }
    }
    return this;
  }
}

/** Mallocs and TotalAlloc for allocations that include no tiny ones (throws otherwise). */
export function count(allocs: readonly Alloc[]): { mallocs: number; bytes: number } {
  let bytes = 0;
  for (const a of allocs) {
    if (a.noscan && a.size < maxTinySize) throw new Error(`tiny allocation ${a.what} (${a.size} B): use MallocCounter`);
    bytes += slotSize(a.size, a.noscan);
  }
  return { mallocs: allocs.length, bytes };
}

/** Mallocs and TotalAlloc per operation when the same allocations repeat `runs` times (tiny blocks shared across runs). */
export function perOp(allocs: readonly Alloc[], runs = 1000): { mallocs: number; bytes: number } {
  const c = new MallocCounter();
  for (let i = 0; i < runs; i++) c.add(allocs);
  return { mallocs: c.mallocs / runs, bytes: c.totalAlloc / runs };
}
