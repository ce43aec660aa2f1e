// Pointer metadata of heap objects (mbitmap.go, Go 1.22+ "allocation
// headers"):
//   - scan objects ≤ 512 B: one bit per word in the span's last nbytes/64
//     bytes (heapBitsInSpan), written by writeHeapBitsSmall;
//   - scan objects > 512 B in small spans: an 8-byte header word holding
//     the type, at the start of the slot (the object starts 8 bytes later);
//   - large scan objects: span.largeType.
// heapSetType returns the "scan size" mallocgc adds to mcache.scanAlloc,
// with Go's quirk that 8-byte element types count only PtrBytes.

import type { SysMemory } from './mem.ts';
import { type MSpan, spanAllocPtrScalarBits } from './mspan.ts';
import type { Runtime } from './runtime.ts';
import { minSizeForMallocHeader, pageSize } from './sizeclasses_const.ts';
import type { RType } from './type.ts';
import { typeMaskWords } from './type.ts';

export const mallocHeaderSize = 8;

/** Objects of this size keep their pointer bits in the span, not in a header. */
export function heapBitsInSpan(userSize: number): boolean {
  return userSize <= minSizeForMallocHeader;
}

/** initHeapBits: clear the in-span bitmap of a fresh scan span (its last nbytes/64 bytes). */
export function initHeapBits(sys: SysMemory, s: MSpan): void {
  if (s.noscan() || !heapBitsInSpan(s.elemsize)) return;
  const spanSize = s.npages * pageSize;
  const bitmapSize = spanSize / 64;
  s.heapBits = new Uint32Array(bitmapSize / 4);
  sys.touch(s.startAddr + spanSize - bitmapSize, bitmapSize);
}

/** Writes the low `n` (≤ 32) bits of `v` at bit position `pos`. */
function writeBits32(a: Uint32Array, pos: number, n: number, v: number): void {
  if (n === 0) return;
  const w = pos >>> 5;
  const j = pos & 31;
  const mask = n === 32 ? 0xffffffff : (1 << n) - 1;
  v &= mask;
  a[w] = ((a[w]! & ~(mask << j)) | (v << j)) >>> 0;
  if (j + n > 32) {
    const spill = j + n - 32;
    const m2 = (1 << spill) - 1;
    a[w + 1] = ((a[w + 1]! & ~m2) | (v >>> (32 - j))) >>> 0;
  }
}

/**
 * An object's pointer bits, low and high 32 of its (at most 64) words, and
 * its scan size (heapBitsSmallPattern), for the type and size they were
 * worked out for: an allocation loop asks for the same one again and again.
 */
const pattern = { lo: 0, hi: 0, scanSize: 0, typ: null as RType | null, dataSize: 0 };

/** The pointer layout of dataSize bytes of typ (possibly an array of typ) as writeHeapBitsSmall records it, into `pattern`. */
function heapBitsSmallPattern(dataSize: number, typ: RType): void {
  if (pattern.typ === typ && pattern.dataSize === dataSize) return;
  let scanSize = typ.ptrdata;
  let lo: number;
  let hi: number;
  if (typ.size === 8) {
    // An array of pointer words: all ones (and Go counts only PtrBytes).
    const n = dataSize / 8;
    lo = n >= 32 ? 0xffffffff : (2 ** n - 1) >>> 0;
    hi = n >= 64 ? 0xffffffff : n > 32 ? (2 ** (n - 32) - 1) >>> 0 : 0;
  } else {
    const [m0, m1] = typeMaskWords(typ);
    lo = m0;
    hi = m1;
    for (let i = typ.size; i < dataSize; i += typ.size) {
      const sh = (i / 8) | 0;
      // src |= src0 << sh, on 64 bits.
      if (sh < 32) {
        lo |= m0 << sh;
        hi |= sh === 0 ? m1 : (m1 << sh) | (m0 >>> (32 - sh));
      } else if (sh < 64) {
        hi |= m0 << (sh - 32);
      }
      lo >>>= 0;
      hi >>>= 0;
      scanSize += typ.size;
    }
  }
  pattern.lo = lo;
  pattern.hi = hi;
  pattern.scanSize = scanSize;
  pattern.typ = typ;
  pattern.dataSize = dataSize;
}

/**
 * writeHeapBitsSmall: records the pointer layout of the object at x
 * (dataSize bytes of typ, possibly an array of typ) and returns its scan size.
 */
export function writeHeapBitsSmall(s: MSpan, x: number, dataSize: number, typ: RType): number {
  return writeHeapBitsSmallN(s, x, 1, dataSize, typ);
}

/**
 * writeHeapBitsSmall for m objects of the same type in consecutive slots
 * from x (the bulk path's runs): the layout is worked out once. Returns one
 * object's scan size.
 */
export function writeHeapBitsSmallN(s: MSpan, x: number, m: number, dataSize: number, typ: RType): number {
  heapBitsSmallPattern(dataSize, typ);
  const { lo, hi } = pattern;
  const bits = s.elemsize / 8;
  const hb = s.heapBits!;
  let o = (x - s.startAddr) / 8;
  for (let j = 0; j < m; j++, o += bits) {
    writeBits32(hb, o, Math.min(bits, 32), lo);
    if (bits > 32) writeBits32(hb, o + 32, bits - 32, hi);
  }
  return pattern.scanSize;
}

/** Reads the pointer bit of the word at address p of a small scan span. */
export function heapBitSmall(s: MSpan, p: number): boolean {
  const o = (p - s.startAddr) / 8;
  return ((s.heapBits![o >>> 5]! >>> (o & 31)) & 1) !== 0;
}

/**
 * heapSetType: record typ for the object at x. `header` is the header
 * word's address for small objects with a malloc header, -1 for large
 * objects (span.largeType), or 0 when the bits live in the span.
 */
export function heapSetType(rt: Runtime, x: number, dataSize: number, typ: RType, header: number, s: MSpan): number {
  if (header === 0) return writeHeapBitsSmall(s, x, dataSize, typ);
  if (header > 0) {
    // The header word holds the type descriptor's address, as Go's *_type.
    rt.mem.storeWord(header, rt.types.addrOf(typ));
  } else {
    if (typ.gcprog) {
      // A GC program is unrolled into a bitmap in a manually managed span
      // (charged to GCSys as inPtrScalarBits), freed when the object is.
      const spaceNeeded = alignUp(sizeofType, 8) + alignUp(typ.ptrdata / 8 / 8, 8);
      const npages = alignUp(spaceNeeded, pageSize) / pageSize;
      const progSpan = rt.mheap.allocManual(npages, spanAllocPtrScalarBits);
      if (progSpan === null) rt.throwOutOfMemory();
      rt.sys.touch(progSpan!.startAddr, npages * pageSize);
      progSpans.set(s, progSpan!);
    }
    s.largeType = typ;
  }
  return s.elemsize;
}

/** The span holding each GC-program object's unrolled bitmap (rare: types with over 128 KiB of pointer data). */
export const progSpans = new WeakMap<MSpan, MSpan>();

/** unsafe.Sizeof(_type{}) on amd64: the header of an unrolled GC-program type. */
const sizeofType = 48;
const alignUp = (n: number, a: number): number => Math.ceil(n / a) * a;
