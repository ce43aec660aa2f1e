// Slice growth (slice.go nextslicecap and growslice's capacity rule): the
// runtime's own slices (allgs, the coprimes of stealOrder) grow by it, and
// the Go-program layer's append uses it too.

import { roundupsize } from './msize.ts';
import { GoPanic } from './panic.ts';
import type { RType } from './type.ts';

/** maxAlloc on linux/amd64: 1 << heapAddrBits. */
const maxAlloc = 2 ** 48;

/** Below this capacity growslice doubles. */
const threshold = 256;

/** The capacity growslice aims for before size-class rounding (slice.go nextslicecap). */
export function nextslicecap(newLen: number, oldCap: number): number {
  const doublecap = oldCap + oldCap;
  if (newLen > doublecap) return newLen;
  if (oldCap < threshold) return doublecap;
  // Step at least once, then until newLen fits.
  let newcap = oldCap;
  do newcap += Math.floor((newcap + 3 * threshold) / 4);
  while (newcap < newLen);
  return newcap;
}

export interface GrowResult {
  /** cap() of the new slice. */
  readonly newcap: number;
  /** Bytes growslice asks mallocgc for (capmem): newcap·elemSize. 0 for zero-size elements. */
  readonly memBytes: number;
}

/**
 * The capacity and request size growslice picks when a slice of capacity
 * `oldCap` must hold `newLen` elements of `elem` (newLen > oldCap).
 */
export function growsliceCap(oldCap: number, newLen: number, elem: RType): GrowResult {
  if (newLen < 0 || !Number.isSafeInteger(newLen)) throw new GoPanic('runtime error: growslice: len out of range');
  if (elem.size === 0) return { newcap: newLen, memBytes: 0 };
  const want = nextslicecap(newLen, oldCap);
  const noscan = elem.ptrdata === 0;
  const size = elem.size;
  // Go checks want·size for overflow before rounding; maxAlloc is the bound either way.
  if (want * size > maxAlloc) throw new GoPanic('runtime error: growslice: len out of range');
  const rounded = roundupsize(want * size, noscan);
  const newcap = Math.floor(rounded / size);
  const memBytes = newcap * size;
  if (memBytes > maxAlloc) throw new GoPanic('runtime error: growslice: len out of range');
  return { newcap, memBytes };
}

