// Slice capacities and the allocations of make([]T, len, cap) and append:
// runtime/slice.go makeslice, growslice and nextslicecap (Go 1.23), with
// msize.go roundupsize.
//
// growslice, when append outgrows cap:
//   1. newLen < 0 → panic "growslice: len out of range"; a zero-size
//      element gets cap = newLen and no allocation (&zerobase).
//   2. nextslicecap: double while the old cap is below 256; above, grow by
//      (cap + 768)/4 per step (from 2× towards 1.25×) until newLen fits; a
//      request beyond twice the old cap is taken as is.
//   3. The byte size newcap·elemSize is rounded up to the block mallocgc
//      will hand out anyway (size class, or whole 8 KiB pages for large
//      objects; pointerful objects over 512 B lose 8 B to the malloc
//      header), and newcap becomes how many elements fit in it.
//   4. One mallocgc of newcap·elemSize bytes, typed with the element type.
//
// Exact: capacities and request sizes for every element size.
// Not modelled here: the copy, the memclr, and the write barriers.

import { growsliceCap, type GrowResult } from '../runtime/slice.ts';
import { maxAlloc, runtimeError, typedAlloc } from './alloc.ts';
import type { Alloc } from './alloc.ts';
import type { GoType } from './types.ts';

export { growsliceCap, nextslicecap, type GrowResult } from '../runtime/slice.ts';

export interface GrowsliceAllocs extends GrowResult {
  readonly allocs: readonly Alloc[];
}

/** append of `num` elements to a slice of length `oldLen`, capacity `oldCap`: the new capacity and what it allocates. */
export function appendAllocs(oldLen: number, oldCap: number, num: number, elem: GoType): GrowsliceAllocs {
  const newLen = oldLen + num;
  if (newLen <= oldCap) return { newcap: oldCap, memBytes: 0, allocs: [] };
  const g = growsliceCap(oldCap, newLen, elem);
  return { ...g, allocs: g.memBytes > 0 ? [typedAlloc(elem, g.memBytes, 'growslice')] : [] };
}

/** make([]T, len, cap) on the heap: makeslice's checks and its one allocation (none for zero bytes). */
export function makesliceAllocs(elem: GoType, len: number, cap: number = len): Alloc[] {
  const mem = elem.size * cap;
  if (mem > maxAlloc || len < 0 || len > cap || !Number.isSafeInteger(cap)) {
    // makeslice reports the length as the culprit when the length alone is already too big.
    if (elem.size * len > maxAlloc || len < 0) throw runtimeError('makeslice: len out of range');
    throw runtimeError('makeslice: cap out of range');
  }
  return mem > 0 ? [typedAlloc(elem, mem, 'makeslice')] : [];
}

/** The distinct capacities a nil []T goes through when appended to one element at a time until len n. */
export function appendCaps(elem: GoType, n: number): number[] {
  const caps: number[] = [];
  let cap = 0;
  while (cap < n) {
    cap = growsliceCap(cap, cap + 1, elem).newcap;
    caps.push(cap);
  }
  return caps;
}
