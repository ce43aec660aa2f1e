// The allocator's front door (malloc.go mallocgc): size 0 → zerobase;
// noscan under 16 B → the tiny allocator; ≤ 32760 B → a size-class slot
// from the P's mcache (fast path: the span's allocCache); larger → its own
// span. Then pointer metadata, allocate-black during marking, and the GC
// trigger check, which happens only when this allocation had to take a new
// span (shouldhelpgc).
//
// What gomem adds: the kernel sees exactly the memory writes Go makes —
// zeroing when the slot may hold garbage (span.needzero), the tiny block's
// two words, malloc headers, heap bits — and no others, so a fresh
// 600 MiB []byte raises VSZ, not RSS, as in Go.

import { heapSetType, mallocHeaderSize } from './mbitmap.ts';
import type { MCache } from './mcache.ts';
import type { SlotMem } from './memory.ts';
import { sizeToClass } from './msize.ts';
import { type MSpan, tinySpanClass } from './mspan.ts';
import type { Runtime } from './runtime.ts';
import { class_to_size } from './sizeclasses.ts';
import { maxSmallSize, minSizeForMallocHeader, tinySize } from './sizeclasses_const.ts';
import type { RType } from './type.ts';

/** Objects up to this size are small; the 8 bytes are the worst-case malloc header. */
export const maxSmallSizeNoHeader = maxSmallSize - mallocHeaderSize; // 32760
/** 2^48: the largest allocation Go accepts (maxAlloc on linux/amd64). */
export const maxAlloc = 2 ** 48;

/** nextFreeFast: a free slot from the span's allocCache, or 0. */
export function nextFreeFast(s: MSpan): number {
  let theBit: number;
  const lo = s.cacheLo;
  if (lo !== 0) theBit = 31 - Math.clz32(lo & -lo);
  else if (s.cacheHi !== 0) theBit = 63 - Math.clz32(s.cacheHi & -s.cacheHi);
  else return 0;
  const result = s.freeindex + theBit;
  if (result < s.nelems) {
    const freeidx = result + 1;
    // At a 64-slot boundary the cache must be refilled: the slow path does it.
    if ((freeidx & 63) === 0 && freeidx !== s.nelems) return 0;
    s.shiftAllocCache(theBit + 1);
    s.freeindex = freeidx;
    s.allocCount++;
    return result * s.elemsize + s.startAddr;
  }
  return 0;
}

/**
 * The object was written from x to x+n: fault its pages in. The kernel
 * makes whole 4 KiB pages resident, so the span remembers the resident
 * prefix up to the end of the last page written, and slots allocated in
 * address order reach the kernel model once per page, not once per object.
 */
function zeroSlot(rt: Runtime, s: MSpan, x: number, n: number): void {
  // What the slot's previous object stored is gone.
  if (s.mem !== null) (s.mem as SlotMem).clearSlot(s.divideByElemSize(x - s.startAddr));
  const end = x + n;
  const base = s.startAddr;
  if (end - base <= s.touchedOff) return;
  rt.sys.touch(x, n);
  if (x - base <= s.touchedOff) s.touchedOff = Math.ceil((end - base) / 4096) * 4096;
}

function smallSlot(rt: Runtime, c: MCache, spc: number): number {
  const v = nextFreeFast(c.alloc[spc]!);
  return v !== 0 ? v : c.nextFree(rt, spc);
}

/**
 * mallocgc(size, typ, needzero): the address of a new object of `size`
 * bytes. typ null means pointer-free (noscan).
 */
export function mallocgc(rt: Runtime, size: number, typ: RType | null, needzero: boolean): number {
  if (size === 0) return rt.zerobase;
  if (size > maxAlloc) rt.panicAllocSize();
  rt.shouldhelpgc = false;
  if (rt.gcBlackenEnabled) rt.deductAssistCredit(size);
  const c = rt.curP !== null ? rt.curP.mcache : rt.mcache0!;
  const noscan = typ === null || typ.ptrdata === 0;
  const dataSize = size;
  let span: MSpan;
  let x: number;
  let header = 0;
  let delayedZeroing = false;
  rt.chargeMalloc(size, noscan);

  if (size <= maxSmallSizeNoHeader) {
    if (noscan && size < tinySize) {
      // The tiny allocator: sub-allocate from the current 16-byte block.
      let off = c.tinyoffset;
      if ((size & 7) === 0) off = (off + 7) & ~7;
      else if ((size & 3) === 0) off = (off + 3) & ~3;
      else if ((size & 1) === 0) off = (off + 1) & ~1;
      if (off + size <= tinySize && c.tiny !== 0) {
        c.tinyoffset = off + size;
        c.tinyAllocs++;
        return c.tiny + off;
      }
      const v = smallSlot(rt, c, tinySpanClass);
      span = c.alloc[tinySpanClass]!;
      zeroSlot(rt, span, v, tinySize); // both words are zeroed explicitly
      if (size < c.tinyoffset || c.tiny === 0) {
        c.tiny = v;
        c.tinyoffset = size;
      }
      x = v;
      size = tinySize;
      rt.touchMemory(v, tinySize);
    } else {
      const hasHeader = !noscan && size > minSizeForMallocHeader;
      if (hasHeader) size += mallocHeaderSize;
      const sizeclass = sizeToClass(size);
      size = class_to_size[sizeclass]!;
      const spc = (sizeclass << 1) | (noscan ? 1 : 0);
      x = smallSlot(rt, c, spc);
      span = c.alloc[spc]!;
      if (needzero && span.needzero !== 0) zeroSlot(rt, span, x, size);
      // The slot is written (cleared, or its header or first words stored): a freed slot's line is cold.
      rt.touchMemory(x, size);
      if (hasHeader) {
        header = x;
        x += mallocHeaderSize;
        size -= mallocHeaderSize;
      }
    }
  } else {
    rt.shouldhelpgc = true;
    span = c.allocLarge(rt, size, noscan);
    span.freeindex = 1;
    span.allocCount = 1;
    size = span.elemsize;
    x = span.startAddr;
    if (needzero && span.needzero !== 0) delayedZeroing = true;
    if (!noscan) header = -1;
  }

  if (!noscan && !delayedZeroing) c.scanAlloc += heapSetType(rt, x, dataSize, typ!, header, span);
  span.freeIndexForScan = span.freeindex;
  if (rt.gcphase !== 0) rt.gcmarknewobject(span, x);
  if (rt.memProfileRate > 0) rt.mprof.sampleMalloc(c, x, span);
  if (delayedZeroing) {
    // memclrNoHeapPointersChunked: every byte of the object is written.
    span.mem = null;
    rt.sys.touch(x, size);
    rt.chargeZeroing(size);
    if (!noscan) c.scanAlloc += heapSetType(rt, x, dataSize, typ!, header, span);
  }
  if (rt.gcBlackenEnabled) rt.chargeAssistTail(span.elemsize - dataSize);
  if (rt.shouldhelpgc) rt.maybeStartGC();
  return x;
}

/** newobject(typ) = mallocgc(typ.size, typ, true). */
export function newobject(rt: Runtime, typ: RType): number {
  return mallocgc(rt, typ.size, typ, true);
}

/** newarray(typ, n): n elements, with Go's overflow check. */
export function newarray(rt: Runtime, typ: RType, n: number): number {
  if (n === 1) return newobject(rt, typ);
  const mem = typ.size * n;
  if (n < 0 || mem > maxAlloc || !Number.isSafeInteger(mem)) rt.panicAllocSize();
  return mallocgc(rt, mem, typ, true);
}
