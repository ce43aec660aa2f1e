// Marking's building blocks (mgcmark.go, mbitmap.go): the roots, finding the
// object a pointer points into, and scanning an object's pointer words, all
// by reading simulated memory — the address → span → object index path of
// Go's findObject, the pointer bitmaps Go 1.22+ keeps (heap bits in the span
// for objects ≤ 512 B, a type header word for larger small objects,
// span.largeType for large ones), and the words stored there.
//
// Roots, in markroot's order:
//   1. .data and .bss: every word the binary's pointer bitmap marks;
//   2. each goroutine's stack: the pointer slots of its frames (stack maps);
//   3. the runtime's other roots (finalizer records, …) as they are added.
//
// walkReachable is a stop-the-world reachability walk over these, with its
// own mark bits (as mcheckmark.go keeps separate checkmarks): it answers
// "what is reachable now" without touching the collector's state.

import { mallocHeaderSize } from './mbitmap.ts';
import type { MHeap } from './mheap.ts';
import { type MSpan, mSpanInUse } from './mspan.ts';
import type { Runtime } from './runtime.ts';
import type { G } from './runtime2.ts';
import { _Gdead } from './runtime2.ts';
import { minSizeForMallocHeader } from './sizeclasses_const.ts';
import type { RType } from './type.ts';

/** The roots the program layer knows: the binary's globals and the goroutines. */
export interface RootSet {
  /** Calls f with the address of every pointer word of .data and .bss. */
  forEachGlobal(f: (slot: number) => void): void;
  /** Every goroutine (dead ones have no frames). */
  readonly allgs: readonly G[];
}

/** Calls f with the address of every pointer slot of g's frames (scanstack). */
export function forEachStackSlot(g: G, f: (slot: number) => void): void {
  if (g.status === _Gdead) return;
  const hi = g.stack.hi;
  for (const fr of g.frames) {
    const lo = hi - fr.sp;
    const offs = fr.ptrOffs;
    for (let i = 0; i < offs.length; i++) f(lo + offs[i]!);
  }
}

/** Calls f with every root slot: globals, then stacks (markroot's order). */
export function forEachRoot(roots: RootSet, f: (slot: number) => void): void {
  roots.forEachGlobal(f);
  for (const g of roots.allgs) forEachStackSlot(g, f);
}

/**
 * findObject(p): the in-use heap span and object index p points into, or
 * null when p is not a pointer to a heap object (nil, a global, a stack,
 * rodata, a free slot's span state aside). Interior pointers resolve to
 * their object, as in Go.
 */
export function findObject(heap: MHeap, p: number): MSpan | null {
  const s = heap.spanOf(p);
  if (s === null || s.state !== mSpanInUse || p < s.startAddr || p >= s.limit) return null;
  return s;
}

/** The base address of the object holding p in span s. */
export function objectBase(s: MSpan, p: number): number {
  if (s.nelems === 1) return s.startAddr;
  return s.startAddr + s.divideByElemSize(p - s.startAddr) * s.elemsize;
}

/**
 * Calls f with the value of every non-zero pointer word of the object at
 * base in span s (scanobject's typePointers iteration, whole object).
 */
export function scanObject(rt: Runtime, s: MSpan, base: number, f: (ptr: number) => void): void {
  if (s.noscan()) return;
  const mem = rt.mem;
  if (s.elemsize <= minSizeForMallocHeader && s.nelems > 1) {
    // Heap bits in the span: one bit per word.
    const hb = s.heapBits;
    if (hb === null) return;
    const w0 = (base - s.startAddr) / 8;
    const words = s.elemsize / 8;
    for (let w = 0; w < words; w++) {
      const i = w0 + w;
      if (((hb[i >>> 5]! >>> (i & 31)) & 1) === 0) continue;
      const v = mem.loadWord(base + w * 8);
      if (v !== 0) f(v);
    }
    return;
  }
  let typ: RType | null;
  let obj = base;
  let size: number;
  if (s.sizeclass() === 0) {
    typ = s.largeType;
    size = s.limit - base;
  } else {
    // A malloc header: the type's descriptor address in the slot's first word.
    typ = rt.types.at(mem.loadWord(base));
    obj = base + mallocHeaderSize;
    size = s.elemsize - mallocHeaderSize;
  }
  if (typ === null || typ.ptrdata === 0) return;
  // The type's mask, tiled every typ.size bytes (an array of typ).
  const mask = typ.gcdata;
  const words = typ.ptrdata / 8;
  for (let off = 0; off < size; off += typ.size) {
    // The slot may end inside a tile (an object smaller than its slot): stop there, as Go's limit does.
    const tileWords = Math.min(words, (size - off) / 8);
    for (let w = 0; w < tileWords; w++) {
      if (mask === null ? !typ.isPointerWord!(w) : ((mask[w >>> 3]! >>> (w & 7)) & 1) === 0) continue;
      const v = mem.loadWord(obj + off + w * 8);
      if (v !== 0) f(v);
    }
  }
}

/** Whether the objects of span s start with a malloc header (small scan objects over 512 B). */
export function hasHeader(s: MSpan): boolean {
  return !s.noscan() && s.sizeclass() !== 0 && s.elemsize > minSizeForMallocHeader;
}

/** What a reachability walk found. */
export interface Reachable {
  /** Objects reached (tiny blocks count once), and their bytes as heap slots (elemsize), as HeapObjects / HeapAlloc count. */
  objects: number;
  bytes: number;
}

/**
 * Everything reachable from the roots through simulated memory, with mark
 * bits of its own. Calls onObject once per object reached, with the slot's
 * base and the object's address as mallocgc returned it (8 bytes past the
 * base when a malloc header precedes it).
 */
export function walkReachable(rt: Runtime, roots: RootSet, onObject?: (base: number, s: MSpan, obj: number) => void): Reachable {
  const heap = rt.mheap;
  const marks: (Uint32Array | undefined)[] = [];
  const stack: number[] = [];
  const out: Reachable = { objects: 0, bytes: 0 };
  const grey = (p: number): void => {
    const s = findObject(heap, p);
    if (s === null) return;
    const idx = s.nelems === 1 ? 0 : s.divideByElemSize(p - s.startAddr);
    if (idx >= s.freeIndexForScan && !s.isAllocated(idx)) return; // mspan.isFree: nothing lives there
    let m = marks[s.id];
    if (m === undefined) m = marks[s.id] = new Uint32Array((s.nelems + 31) >>> 5);
    const bit = 1 << (idx & 31);
    if ((m[idx >>> 5]! & bit) !== 0) return;
    m[idx >>> 5]! |= bit;
    const base = s.startAddr + idx * s.elemsize;
    out.objects++;
    out.bytes += s.elemsize;
    onObject?.(base, s, hasHeader(s) ? base + mallocHeaderSize : base);
    stack.push(base);
  };
  forEachRoot(roots, (slot) => {
    const v = rt.mem.loadWord(slot);
    if (v !== 0) grey(v);
  });
  while (stack.length > 0) {
    const b = stack.pop()!;
    scanObject(rt, heap.spanOf(b)!, b, grey);
  }
  return out;
}
