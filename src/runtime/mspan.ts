// The span descriptor (mheap.go `mspan`), its span class (`spanClass`),
// span states, and the allocation-bitmap walk that mbitmap.go performs on
// it (nextFreeIndex, refillAllocCache). One MSpan object exists per span,
// as one mspan exists per span in Go; objects inside spans are never JS
// objects.
//
// allocCache is Go's 64-bit window over the complement of allocBits,
// starting at freeindex (bit 0 ↔ freeindex). It is kept as two uint32
// halves: cacheLo holds bits 0–31, cacheHi bits 32–63.
//
//   allocBits (1 = allocated), 8 bytes per 64 slots
//   ┌────────────────────────┬────────────────────────┬───
//   │ slots 0..63            │ slots 64..127          │ …
//   └────────────────────────┴────────────────────────┴───
//          ▲ freeindex = 64·k + j
//          allocCache = ~word[k] >> j   (bits past nelems may read as free)

import type { ChunkedMem, SlotMem } from './memory.ts';
import { class_to_divmagic, class_to_size } from './sizeclasses.ts';
import type { RType } from './type.ts';

/** spanClass = sizeclass<<1 | noscan (uint8). Only touched through these. */
export type SpanClass = number;
export const numSpanClasses = 136;
export const tinySpanClass: SpanClass = 5; // makeSpanClass(2, true)
export const makeSpanClass = (sizeclass: number, noscan: boolean): SpanClass => (sizeclass << 1) | (noscan ? 1 : 0);
export const spanClassSizeclass = (spc: SpanClass): number => spc >>> 1;
export const spanClassNoscan = (spc: SpanClass): boolean => (spc & 1) !== 0;
export function spanClassString(spc: SpanClass): string {
  return `${spanClassSizeclass(spc)}${spanClassNoscan(spc) ? ' noscan' : ''}`;
}

/** mSpanState. */
export const mSpanDead = 0;
export const mSpanInUse = 1;
export const mSpanManual = 2;
export const mSpanStateNames = ['mSpanDead', 'mSpanInUse', 'mSpanManual'] as const;

/** spanAllocType: what a span allocated from the heap is for. */
export const spanAllocHeap = 0;
export const spanAllocStack = 1;
export const spanAllocPtrScalarBits = 2;
export const spanAllocWorkBuf = 3;
export const spanAllocTypeNames = ['spanAllocHeap', 'spanAllocStack', 'spanAllocPtrScalarBits', 'spanAllocWorkBuf'] as const;

/** n / elemsize for an offset n inside a span, by the size class's multiply magic: (n * divMul) >> 32, exact in float64 as n < 2^18 and divMul < 2^32. */
export function divideByMagic(n: number, divMul: number): number {
  return Math.floor((n * divMul) / 4294967296);
}

/** Count of trailing zero bits of a uint32 (32 for 0). */
export function ctz32(x: number): number {
  if (x === 0) return 32;
  return 31 - Math.clz32(x & -x);
}

/** A reference to gcBits storage: an arena's words and a word offset (8-byte aligned → even). */
export interface GCBitsRef {
  words: Uint32Array;
  off: number;
}

export class MSpan {
  /** Identity for tables and the event stream, set by mheap.spanalloc (not a Go field); its record's address is mheap.spanRecordAddr(id). */
  id = 0;


  startAddr = 0; // base address of the span
  npages = 0; // in 8 KiB runtime pages

  freeindex = 0;
  nelems = 0;
  freeIndexForScan = 0;
  /** allocCache low / high 32 bits, as int32 (small integers keep the span compact in the host heap). */
  cacheLo = 0;
  cacheHi = 0;

  allocBits: Uint32Array = EMPTY_BITS;
  allocBitsOff = 0;
  gcmarkBits: Uint32Array = EMPTY_BITS;
  gcmarkBitsOff = 0;

  sweepgen = 0;
  allocCount = 0;
  spanclass: SpanClass = 0;
  /** class_to_divmagic of the size class (0 for large spans): set with spanclass, as mspan.init sets it. */
  divMul = 0;
  state = mSpanDead;
  needzero = 0;
  allocCountBeforeCache = 0;
  elemsize = 0;
  /** limit − startAddr: kept as an offset so that it stays a small integer in the host heap. */
  limitOff = 0;

  /** End of the usable data (mspan.limit). */
  get limit(): number {
    return this.startAddr + this.limitOff;
  }
  set limit(v: number) {
    this.limitOff = v - this.startAddr;
  }
  /** Type of a large scan object (its "malloc header"). */
  largeType: RType | null = null;
  /**
   * Pointer bits of a scan span whose objects are ≤ 512 bytes: one bit per
   * 8-byte word of the span. In Go they sit in the span's last nbytes/64
   * bytes; gomem keeps them here (and touches those bytes when written).
   */
  heapBits: Uint32Array | null = null;
  /**
   * What the program stored in the span (memory.ts): per slot for a
   * small-object span, in chunks for a large-object or stack span; null
   * until something is stored.
   */
  mem: SlotMem | ChunkedMem | null = null;
  /**
   * Length of the prefix of the span [startAddr, startAddr + touchedOff)
   * known to be resident (written since the span was initialised): lets hot
   * paths skip the kernel call for memory already faulted in. An offset,
   * not an address, so that it stays a small integer. Not a Go field.
   */
  touchedOff = 0;

  base(): number {
    return this.startAddr;
  }

  /** (re)initialise for a new use, as mspan.init does. */
  init(base: number, npages: number): void {
    this.startAddr = base;
    this.npages = npages;
    this.allocBits = EMPTY_BITS;
    this.gcmarkBits = EMPTY_BITS;
    this.allocBitsOff = 0;
    this.gcmarkBitsOff = 0;
    this.spanclass = 0;
    this.divMul = 0;
    this.nelems = 0;
    this.elemsize = 0;
    this.state = mSpanDead;
    this.largeType = null;
    this.limitOff = 0;
    this.needzero = 0;
    this.freeindex = 0;
    this.freeIndexForScan = 0;
    this.allocCount = 0;
    this.allocCountBeforeCache = 0;
    this.cacheLo = 0;
    this.cacheHi = 0;
    this.touchedOff = 0;
    this.heapBits = null;
    this.mem = null;
  }

  /** n / elemsize by Go's 32-bit multiply magic (exact for offsets inside a span). */
  divideByElemSize(n: number): number {
    return divideByMagic(n, this.divMul);
  }

  /** Sets the span class and what derives from it here (mspan.init's divMul). */
  setSpanClass(spanclass: SpanClass): void {
    this.spanclass = spanclass;
    this.divMul = class_to_divmagic[spanclass >>> 1]!;
  }

  objIndex(p: number): number {
    return this.divideByElemSize(p - this.startAddr);
  }

  /** allocCache = ^allocBits[whichByte .. whichByte+8) (little-endian 64-bit load). */
  refillAllocCache(whichByte: number): void {
    const w = this.allocBitsOff + (whichByte >>> 2);
    this.cacheLo = ~this.allocBits[w]!;
    this.cacheHi = ~this.allocBits[w + 1]!;
  }

  /** allocCache >>= n for 0 <= n <= 64. */
  shiftAllocCache(n: number): void {
    if (n >= 64) {
      this.cacheLo = 0;
      this.cacheHi = 0;
    } else if (n >= 32) {
      this.cacheLo = n === 32 ? this.cacheHi : (this.cacheHi >>> (n - 32)) | 0;
      this.cacheHi = 0;
    } else if (n > 0) {
      this.cacheLo = (this.cacheLo >>> n) | (this.cacheHi << (32 - n));
      this.cacheHi = (this.cacheHi >>> n) | 0;
    }
  }

  /** Trailing zeros of allocCache (64 when it is empty). */
  allocCacheCtz(): number {
    if (this.cacheLo !== 0) return ctz32(this.cacheLo);
    if (this.cacheHi !== 0) return 32 + ctz32(this.cacheHi);
    return 64;
  }

  /**
   * The index of the next free slot at or after freeindex, or nelems.
   * Consumes it from allocCache and advances freeindex past it (mbitmap.go).
   */
  nextFreeIndex(): number {
    let sfreeindex = this.freeindex;
    const snelems = this.nelems;
    if (sfreeindex === snelems) return sfreeindex;
    let bitIndex = this.allocCacheCtz();
    while (bitIndex === 64) {
      sfreeindex = (sfreeindex + 64) & ~63;
      if (sfreeindex >= snelems) {
        this.freeindex = snelems;
        return snelems;
      }
      this.refillAllocCache(sfreeindex >>> 3);
      bitIndex = this.allocCacheCtz();
    }
    const result = sfreeindex + bitIndex;
    if (result >= snelems) {
      this.freeindex = snelems;
      return snelems;
    }
    this.shiftAllocCache(bitIndex + 1);
    sfreeindex = result + 1;
    if ((sfreeindex & 63) === 0 && sfreeindex !== snelems) {
      this.refillAllocCache(sfreeindex >>> 3);
    }
    this.freeindex = sfreeindex;
    return result;
  }

  /** Is slot i allocated according to allocBits? */
  isAllocated(i: number): boolean {
    return ((this.allocBits[this.allocBitsOff + (i >>> 5)]! >>> (i & 31)) & 1) !== 0;
  }

  /** Is slot i marked in gcmarkBits? */
  isMarked(i: number): boolean {
    return ((this.gcmarkBits[this.gcmarkBitsOff + (i >>> 5)]! >>> (i & 31)) & 1) !== 0;
  }

  /** Marks slot i; returns false if it was already marked. */
  setMarked(i: number): boolean {
    const w = this.gcmarkBitsOff + (i >>> 5);
    const bit = 1 << (i & 31);
    const old = this.gcmarkBits[w]!;
    if ((old & bit) !== 0) return false;
    this.gcmarkBits[w] = old | bit;
    return true;
  }

  /** Number of set bits in gcmarkBits over [0, nelems) (mspan.countAlloc). */
  countMarked(): number {
    let n = 0;
    const words = (this.nelems + 31) >>> 5;
    for (let k = 0; k < words; k++) {
      let x = this.gcmarkBits[this.gcmarkBitsOff + k]!;
      if (k === words - 1 && (this.nelems & 31) !== 0) x &= (1 << (this.nelems & 31)) - 1;
      x = x - ((x >>> 1) & 0x55555555);
      x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
      n += (((x + (x >>> 4)) & 0x0f0f0f0f) * 0x01010101) >>> 24;
    }
    return n;
  }

  sizeclass(): number {
    return this.spanclass >>> 1;
  }

  noscan(): boolean {
    return (this.spanclass & 1) !== 0;
  }
}

const EMPTY_BITS = new Uint32Array(2);

/**
 * The shared span every mcache slot starts with: nelems 0, so the first
 * allocation of each class goes to refill (mcache.go emptymspan).
 */
export const emptymspan = new MSpan();

export function classSize(sizeclass: number): number {
  return class_to_size[sizeclass]!;
}
