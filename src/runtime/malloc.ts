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

import { heapSetType, mallocHeaderSize, writeHeapBitsSmallN } from './mbitmap.ts';
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

/** A byte view of the last slot buffer zeroSlot cleared in: no view object per allocation. */
let slotBytes: Uint8Array = new Uint8Array(0);

/**
 * The object was written from x to x+n: fault its pages in. The kernel
 * makes whole 4 KiB pages resident, so the span remembers the resident
 * prefix up to the end of the last page written, and slots allocated in
 * address order reach the kernel model once per page, not once per object.
 */
function zeroSlot(rt: Runtime, s: MSpan, x: number, n: number): void {
  // What the slot's previous object stored is gone (SlotMem.clearSlot, through a byte view kept while the span's buffer is the same).
  const sm = s.mem as SlotMem | null;
  if (sm !== null && s.nelems === 1) {
    // A one-object span keeps its contents in chunks (ChunkedMem, as Memory.locate splits them): the object is all of it.
    s.mem = null;
  } else if (sm !== null) {
    const buf = sm.view.buffer;
    if (buf !== slotBytes.buffer) slotBytes = new Uint8Array(buf);
    const at = s.divideByElemSize(x - s.startAddr) * sm.stride;
    slotBytes.fill(0, at, at + sm.stride);
  }
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

// ── runs of one small type (the bulk path under allocN) ─────────────────
//
// n calls of mallocgc(size, typ, true) for one small, non-tiny size mostly
// take consecutive free slots of the P's current span, and most of what
// each does is the slot's own bookkeeping: the allocCache bit, freeindex,
// allocCount, its heap bits, the profile countdown and the assist debt. smallRunPlan says how many of the next calls would do only
// that (no refill, no assist, no sample, no refill of allocCache); the
// caller does each call's clock-coupled work in order (the cost charge, the
// zeroing's page touches, the cache model's touches, a malloc header's
// store; allocate-black too, which a store's write barrier reads), and
// smallRunCommit then applies the rest of the bookkeeping of the calls it
// made at once. The result is the state the calls one at a time leave.

/** The span class, slot size and header of mallocgc(size, typ, …) for a small, non-tiny request; null for a tiny or large one. */
export interface SmallShape {
  readonly spc: number;
  /** The slot size (the size class's), malloc header included. */
  readonly elemsize: number;
  readonly hasHeader: boolean;
  readonly noscan: boolean;
}

export function smallShape(size: number, typ: RType | null): SmallShape | null {
  const noscan = typ === null || typ.ptrdata === 0;
  if (size === 0 || size > maxSmallSizeNoHeader || (noscan && size < tinySize)) return null;
  const hasHeader = !noscan && size > minSizeForMallocHeader;
  const sizeclass = sizeToClass(hasHeader ? size + mallocHeaderSize : size);
  return { spc: (sizeclass << 1) | (noscan ? 1 : 0), elemsize: class_to_size[sizeclass]!, hasHeader, noscan };
}

/**
 * How many of the next `max` mallocgc(dataSize, …) calls of this shape take
 * consecutive slots of the current span `s` from its allocCache with
 * nothing else happening: no assist (`assistBytes`, the goroutine's credit,
 * or null when it pays none), no heap-profile sample, no span refill.
 * Returns 0 when the next call is not such a call; smallRun.first is the
 * first slot's index.
 */
export function smallRunPlan(rt: Runtime, c: MCache, s: MSpan, dataSize: number, assistBytes: number | null, max: number): number {
  let lo = s.cacheLo;
  let hi = s.cacheHi;
  if (lo === 0 && hi === 0) return 0;
  const tz = lo !== 0 ? 31 - Math.clz32(lo & -lo) : 63 - Math.clz32(hi & -hi);
  const first = s.freeindex + tz;
  // allocCache >> tz, then the run of ones at its bottom.
  if (tz >= 32) {
    lo = hi >>> (tz - 32);
    hi = 0;
  } else if (tz > 0) {
    lo = (lo >>> tz) | (hi << (32 - tz));
    hi >>>= tz;
  }
  const nlo = ~lo;
  let ones: number;
  if (nlo !== 0) ones = 31 - Math.clz32(nlo & -nlo);
  else {
    const nhi = ~hi;
    ones = nhi !== 0 ? 32 + (31 - Math.clz32(nhi & -nhi)) : 64;
  }
  // A run that reaches the end of allocCache's window goes on into the next
  // ones, read from allocBits as nextFreeIndex refills the cache at each
  // 64-slot boundary: their free slots are the trailing zeros of allocBits.
  let end = first + ones;
  const nelems = s.nelems;
  while ((end & 63) === 0 && end < nelems && end - first < max) {
    const w = s.allocBitsOff + (end >>> 5);
    const a0 = s.allocBits[w]!;
    const a1 = s.allocBits[w + 1] ?? 0;
    const more = a0 !== 0 ? 31 - Math.clz32(a0 & -a0) : a1 !== 0 ? 32 + (31 - Math.clz32(a1 & -a1)) : 64;
    end += more;
    if (more < 64) break;
  }
  let k = Math.min(max, end - first, nelems - first);
  const e = s.elemsize;
  if (assistBytes !== null) {
    // Call j deducts dataSize before its check, after j earlier calls took elemsize each.
    const room = assistBytes - dataSize;
    k = room < 0 ? 0 : Math.min(k, Math.floor(room / e) + 1);
  }
  if (rt.memProfileRate > 0) {
    // Call j samples unless elemsize < nextSample − j·elemsize.
    const ns = c.nextSample;
    k = rt.memProfileRate === 1 || ns <= e ? 0 : Math.min(k, Math.ceil((ns - e) / e));
  }
  smallRun.first = first;
  return k > 0 ? k : 0;
}

/** The first slot index of the last smallRunPlan's run (one shared record: no object per run). */
export const smallRun = { first: 0 };

/**
 * The slots of m consecutive calls from slot `first` taken from allocCache
 * (nextFreeFast, or nextFreeIndex at a 64-slot boundary): allocCache,
 * freeindex and allocCount as those calls leave them.
 */
export function smallRunTakeSlots(s: MSpan, first: number, m: number): void {
  const freeidx = first + m;
  if (freeidx >>> 6 === s.freeindex >>> 6) s.shiftAllocCache(freeidx - s.freeindex);
  else if ((freeidx & 63) === 0 && freeidx === s.nelems) s.shiftAllocCache(64);
  else {
    // The calls crossed a 64-slot boundary: allocCache is the last window refilled, shifted past the slots taken from it.
    s.refillAllocCache((freeidx & ~63) >>> 3);
    s.shiftAllocCache(freeidx & 63);
  }
  s.freeindex = freeidx;
  s.allocCount += m;
}

/**
 * The bookkeeping of m calls a smallRunPlan allowed, whose clock-coupled
 * work the caller has done (and allocate-black, which the stores' write
 * barrier must see): the slots taken from allocCache, heap bits (or the
 * scan size of headers already stored), the profile countdown. The
 * goroutine's assist debt is the caller's (it knows the g).
 */
export function smallRunCommit(rt: Runtime, c: MCache, s: MSpan, first: number, m: number, dataSize: number, typ: RType | null, hasHeader: boolean): void {
  if (m === 0) return;
  const e = s.elemsize;
  smallRunTakeSlots(s, first, m);
  const freeidx = first + m;
  const base = s.startAddr + first * e;
  if (typ !== null && typ.ptrdata !== 0) {
    if (hasHeader) c.scanAlloc += m * e;
    else c.scanAlloc += m * writeHeapBitsSmallN(s, base, m, dataSize, typ);
  }
  s.freeIndexForScan = freeidx;
  if (rt.memProfileRate > 0) c.nextSample -= m * e;
  rt.shouldhelpgc = false;
}
