// Go 1.23 hash maps (the bucket maps of runtime/map.go, before Swiss tables):
// their memory layout, and the sizes makemap and hashGrow choose (map.ts
// makes the allocations and keeps the contents). Follows runtime/map.go
// (makemap, makemap_small, makeBucketArray, overLoadFactor,
// tooManyOverflowBuckets) and the bucket type built by
// cmd/compile/internal/reflectdata MapBucketType.
//
//   hmap (48 B)                          bucket of map[K]V (bmap)
//   ┌────────────┬────────────────┐      ┌──────────────────────────┐
//   │ count  int │ flags B nov h0 │      │ tophash [8]uint8         │
//   ├────────────┼────────────────┤      │ keys    [8]K  (*K > 128B)│
//   │ buckets  ──┼─▶ 2^B buckets + 2^(B-4) preallocated overflow   │
//   │ oldbuckets │ nevacuate      │      │ elems   [8]V  (*V > 128B)│
//   │ extra ─────┼─▶ mapextra 24 B│      │ overflow *bmap           │
//   └────────────┴────────────────┘      └──────────────────────────┘
//
// When neither K nor V holds pointers the bucket is noscan (its overflow
// field is a uintptr) and every overflow bucket is kept alive by
// appending it to h.extra.overflow, a *[]*bmap: that slice header (24 B)
// and its growslice arrays are allocations too.
//
// map.ts keeps a map's contents in memory laid out this way.

import { typedAlloc } from './alloc.ts';
import type { Alloc } from './alloc.ts';
import { Kind, T } from './types.ts';
import type { GoType } from './types.ts';
import { roundupsize } from '../runtime/msize.ts';

export const bucketCnt = 8; // abi.MapBucketCount
export const loadFactorNum = 13; // load factor 6.5 = 13/2
export const loadFactorDen = 2;
export const maxKeySize = 128; // abi.MapMaxKeyBytes: larger keys are stored indirectly
export const maxElemSize = 128; // abi.MapMaxElemBytes

/** runtime.hmap on amd64. */
export const hmapType: GoType = T.named(
  T.struct([
    ['count', T.int],
    ['flags', T.uint8],
    ['B', T.uint8],
    ['noverflow', T.uint16],
    ['hash0', T.uint32],
    ['buckets', T.unsafePointer],
    ['oldbuckets', T.unsafePointer],
    ['nevacuate', T.uintptr],
    ['extra', T.unsafePointer], // *mapextra
  ]),
  'runtime.hmap',
);

/** runtime.mapextra: overflow and oldoverflow (*[]*bmap) and nextOverflow (*bmap). */
export const mapextraType: GoType = T.named(
  T.struct([
    ['overflow', T.unsafePointer],
    ['oldoverflow', T.unsafePointer],
    ['nextOverflow', T.unsafePointer],
  ]),
  'runtime.mapextra',
);

export interface MapLayout {
  readonly type: GoType;
  readonly key: GoType;
  readonly elem: GoType;
  /** The bucket struct (map.bucket[K]V): tophash, keys, elems, overflow. */
  readonly bucket: GoType;
  /** Bytes per key slot (8 for an indirect key). */
  readonly keySize: number;
  /** Bytes per value slot (8 for an indirect value). */
  readonly valueSize: number;
  readonly bucketSize: number;
  /** Key over 128 B: the bucket holds *K and every new key is a newobject(K). */
  readonly indirectKey: boolean;
  readonly indirectElem: boolean;
  /** []*bmap, the type of *h.extra.overflow. */
  readonly overflowSlice: GoType;
}

const layouts = new WeakMap<GoType, MapLayout>();

/** The layout of a map type's buckets (MapBucketType). */
export function mapLayout(mapType: GoType): MapLayout {
  const cached = layouts.get(mapType);
  if (cached) return cached;
  if (mapType.kind !== Kind.Map) throw new Error(`${mapType.str} is not a map type`);
  const key = mapType.key!;
  const elem = mapType.elem!;
  const indirectKey = key.size > maxKeySize;
  const indirectElem = elem.size > maxElemSize;
  const kslot = indirectKey ? T.pointer(key) : key;
  const vslot = indirectElem ? T.pointer(elem) : elem;
  const noPointers = !kslot.pointers && !vslot.pointers;
  const bucket = T.named(
    T.struct([
      ['topbits', T.array(T.uint8, bucketCnt)],
      ['keys', T.array(kslot, bucketCnt)],
      ['elems', T.array(vslot, bucketCnt)],
      ['overflow', noPointers ? T.uintptr : T.unsafePointer],
    ]),
    `map.bucket[${key.str}]${elem.str}`,
  );
  const l: MapLayout = {
    type: mapType,
    key,
    elem,
    bucket,
    keySize: kslot.size,
    valueSize: vslot.size,
    bucketSize: bucket.size,
    indirectKey,
    indirectElem,
    overflowSlice: T.slice(T.pointer(bucket)),
  };
  layouts.set(mapType, l);
  return l;
}

/** More than 6.5 entries per bucket on average (loadFactorNum·(2^B/loadFactorDen), integer division) and more than one bucket's worth. */
export function overLoadFactor(count: number, B: number): boolean {
  return count > bucketCnt && count > (B === 0 ? 0 : loadFactorNum * 2 ** (B - 1));
}

/** About as many overflow buckets as buckets (capped at 2^15): time for a same-size grow. */
export function tooManyOverflowBuckets(noverflow: number, B: number): boolean {
  return noverflow >= (B < 15 ? 1 << B : 32768);
}

/** The B makemap chooses for a size hint: the least B not over the load factor. */
export function hintToB(hint: number): number {
  let B = 0;
  while (overLoadFactor(hint, B)) B++;
  return B;
}

/**
 * makeBucketArray: 2^B buckets, plus for B ≥ 4 about 2^(B-4) preallocated
 * overflow buckets, rounded up to fill the size class (whole buckets only).
 */
export function makeBucketArray(l: MapLayout, B: number): { nbuckets: number; alloc: Alloc } {
  const base = 2 ** B;
  let nbuckets = base;
  if (B >= 4) {
    nbuckets += 2 ** (B - 4);
    const sz = l.bucketSize * nbuckets;
    const up = roundupsize(sz, !l.bucket.pointers);
    if (up !== sz) nbuckets = Math.floor(up / l.bucketSize);
  }
  return { nbuckets, alloc: typedAlloc(l.bucket, l.bucketSize * nbuckets, nbuckets === 1 ? 'bucket' : 'buckets') };
}
