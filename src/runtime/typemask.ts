// Counting a type's pointer words without visiting them. scanobject reads
// every pointer word of an object, but words past what was ever stored in
// it read zero; it only needs how many such pointer words there are (each
// is a nil word read) and where the last one is (the scan work ends
// there). A runtime p struct has ~1,100 pointer words, nearly all unset,
// and a fresh make([]*T, n) is all nils: with the counts below a scan
// costs the stored words, not the object's size. gomem's own; Go visits
// each word, which is what the model charges for.

import type { RType } from './type.ts';

/** Types with more pointer words than this are walked word by word (a prefix array per type would be too big). */
const maxCountedWords = 1 << 20;

const prefixes = new WeakMap<RType, Int32Array | null>();

/**
 * prefix[w]: the pointer words among words [0, w) of one tile of t (its
 * ptrdata/8 words), so prefix[ptrdata/8] is a tile's count; null for a type
 * too large to count this way.
 */
export function maskPrefix(t: RType): Int32Array | null {
  let p = prefixes.get(t);
  if (p !== undefined) return p;
  const pw = t.ptrdata / 8;
  if (pw > maxCountedWords) p = null;
  else {
    p = new Int32Array(pw + 1);
    const mask = t.gcdata;
    for (let w = 0; w < pw; w++) {
      const bit = mask === null ? t.isPointerWord!(w) : ((mask[w >>> 3]! >>> (w & 7)) & 1) !== 0;
      p[w + 1] = p[w]! + (bit ? 1 : 0);
    }
  }
  prefixes.set(t, p);
  return p;
}

/** Pointer words among object words [0, x) of an array of tiles of tw words whose first pw may hold pointers. */
function countBefore(prefix: Int32Array, tw: number, pw: number, x: number): number {
  const k = Math.floor(x / tw);
  return k * prefix[pw]! + prefix[Math.min(x - k * tw, pw)]!;
}

/**
 * Over object words [x0, x1) of a value of t (tiles of t.size bytes): the
 * number of pointer words, and the index of the last one (-1 if none).
 */
export function pointerWordsIn(t: RType, prefix: Int32Array, x0: number, x1: number): { count: number; last: number } {
  const tw = t.size / 8;
  const pw = t.ptrdata / 8;
  const count = x1 > x0 ? countBefore(prefix, tw, pw, x1) - countBefore(prefix, tw, pw, x0) : 0;
  if (count === 0) return { count, last: -1 };
  // The last pointer word before x1: in x1-1's tile at or before its word, else the previous tile's last (word pw-1).
  const y = x1 - 1;
  const k = Math.floor(y / tw);
  const w = Math.min(y - k * tw, pw - 1);
  const upTo = prefix[w + 1]!;
  if (upTo === 0) return { count, last: (k - 1) * tw + pw - 1 };
  // The smallest i with prefix[i] === upTo is one past the last pointer word at or before w.
  let lo = 0;
  let hi = w + 1;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (prefix[mid]! < upTo) lo = mid + 1;
    else hi = mid;
  }
  return { count, last: k * tw + lo - 1 };
}
