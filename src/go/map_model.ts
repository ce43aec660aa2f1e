// A Go 1.23 bucket map under insertions and deletions, replayed for the
// allocations it makes (runtime/map.go mapassign, mapdelete, hashGrow,
// growWork, evacuate, advanceEvacuationMark, newoverflow, incrnoverflow).
//
// mapassign, per new key:
//   1. First key: allocate one bucket (h.buckets == nil after makemap_small).
//   2. If growing, evacuate the old bucket the key maps to, plus one more.
//   3. Take the first empty slot of the key's chain (a deleted slot counts).
//   4. If not growing and count+1 > 6.5·2^B (and > 8), or noverflow ≥
//      2^min(B,15): hashGrow — a new array of 2^(B+1) buckets, or a
//      same-size one when only the overflow count tripped — and retry.
//   5. No empty slot: newoverflow (a preallocated overflow bucket while
//      any remain, else a new bucket object).
//   6. Keys/values over 128 B are stored indirectly: one newobject each.
// mapdelete marks the slot emptyOne, and turns a trailing run of emptyOne
// into emptyRest (scans stop there). It frees nothing: a map never shrinks.
// Overflow buckets only go away at a grow, so steady churn (delete one,
// insert one) accumulates them until a same-size grow compacts the map.
//
// Which bucket a key lands in depends on its hash under a per-map random
// seed (aeshash), re-drawn by the real runtime for every map. gomem draws
// each key's hash from a seeded PCG (src/sim/rand.ts): the bucket arrays
// allocated at each growth do not depend on the hash and are exact;
// overflow buckets and overflow-slice allocations depend on it, so they
// match real Go in distribution, not run by run. Keys are distinct;
// iterators and clear(m) are not modelled.

import { Rand } from '../sim/rand.ts';
import { maxAlloc, typedAlloc } from './alloc.ts';
import type { Alloc } from './alloc.ts';
import {
  bucketCnt as mapBucketCount,
  hintToB,
  loadFactorDen,
  loadFactorNum,
  makeBucketArray,
  makemapAllocs,
  mapLayout,
  mapextraType,
} from './map_layout.ts';
import type { MapLayout } from './map_layout.ts';
import { appendAllocs } from './slice_sizes.ts';
import type { GoType } from './types.ts';

// A module-local copy: imported bindings are read through getters, too slow for the slot loops.
const bucketCnt: number = mapBucketCount;
const noBucket = -1;
/** Slot states (the tophash cases that matter here). */
const emptyRest = 0; // this slot and every later one in the chain are empty
const emptyOne = 1; // empty, but later slots may be full
const full = 2;

/** Shared result of an operation that allocated nothing (most of them). */
const noAllocs: Alloc[] = [];

/** 2^B as an integer (bucketShift); B stays far below 53. */
function bucketShift(B: number): number {
  return B < 31 ? 1 << B : 2 ** B;
}

/**
 * Bucket storage: bucket ids index struct-of-arrays; slot j of bucket i is
 * at 8i + j (its 32-bit key hash and its state).
 */
class BucketPool {
  hashes = new Uint32Array(8 * 64);
  state = new Uint8Array(8 * 64);
  next = new Int32Array(64).fill(noBucket);
  evacuated = new Uint8Array(64);
  n = 0;

  /** k fresh empty buckets; returns the first id. */
  take(k: number): number {
    const first = this.n;
    this.n += k;
    if (this.n > this.next.length) {
      let cap = this.next.length;
      while (cap < this.n) cap *= 2;
      const h = new Uint32Array(8 * cap);
      h.set(this.hashes);
      this.hashes = h;
      const s = new Uint8Array(8 * cap);
      s.set(this.state);
      this.state = s;
      const nx = new Int32Array(cap).fill(noBucket);
      nx.set(this.next);
      this.next = nx;
      const e = new Uint8Array(cap);
      e.set(this.evacuated);
      this.evacuated = e;
    }
    return first;
  }
}

export interface MapModelOptions {
  /** make(map[K]V, hint); 0 or absent for makemap_small. */
  readonly hint?: number;
  /** Seed for the key hashes, the keys deleteRandom picks, and the runtime's rand() in incrnoverflow. */
  readonly seed?: number;
}

/**
 * A map of distinct keys, tracking exactly the state that decides
 * allocations: B, count, noverflow, the bucket chains and their empty
 * slots, the incremental evacuation, the preallocated overflow buckets and
 * the overflow slice. Every operation returns the allocations it made.
 */
export class MapModel {
  readonly layout: MapLayout;
  /** Allocations of the make(map) itself. */
  readonly makeAllocs: readonly Alloc[];
  /** len(m). */
  count = 0;
  /** log2 of the number of buckets. */
  B = 0;
  /** hmap.noverflow (uint16; approximate once B ≥ 16, as in Go). */
  noverflow = 0;
  /** Number of hashGrow calls that doubled the table / kept its size. */
  grows = 0;
  sameSizeGrows = 0;
  /** Largest count not over the load factor at this B. */
  private loadLimit = bucketCnt;
  /** noverflow at which tooManyOverflowBuckets turns true at this B. */
  private overflowLimit = 1;
  private readonly rand: Rand;
  private readonly pool = new BucketPool();
  /** Hashes of the live keys insert() made, in insertion order: live range [keysHead, keys.length). */
  private keys: number[] = [];
  private keysHead = 0;
  private hasBuckets = false;
  private base = 0;
  private oldBase = 0;
  private oldB = 0;
  private growingNow = false;
  private sameSize = false;
  private nevacuate = 0;
  private hasExtra = false;
  private nextOverflow = noBucket;
  private lastPrealloc = noBucket;
  private hasOverflowSlice = false;
  private overflowLen = 0;
  private overflowCap = 0;
  private out: Alloc[] = noAllocs;

  constructor(mapType: GoType, opts: MapModelOptions = {}) {
    this.layout = mapLayout(mapType);
    this.rand = new Rand(opts.seed ?? 1, 0x6d6170);
    let hint = opts.hint ?? 0;
    if (hint * this.layout.bucketSize > maxAlloc) hint = 0;
    this.makeAllocs = makemapAllocs(mapType, hint);
    const B = hintToB(hint);
    if (B > 0) {
      this.setB(B);
      const { nbuckets } = makeBucketArray(this.layout, B);
      this.installArray(B, nbuckets);
      if (nbuckets !== bucketShift(B)) this.hasExtra = true; // makemap's new(mapextra), in makeAllocs
    }
  }

  /** hmap.oldbuckets != nil */
  growing(): boolean {
    return this.growingNow;
  }

  /** Inserts one new key with a hash drawn from the seeded generator. */
  insert(): readonly Alloc[] {
    const hash = this.rand.uint32();
    const allocs = this.insertHash(hash);
    this.keys.push(hash);
    if (this.keysHead > 1024 && this.keysHead * 2 > this.keys.length) {
      this.keys = this.keys.slice(this.keysHead);
      this.keysHead = 0;
    }
    return allocs;
  }

  /** Deletes the oldest live key (a FIFO cache); false if the map is empty. */
  deleteOldest(): readonly Alloc[] {
    if (this.keysHead === this.keys.length) return noAllocs;
    return this.deleteHash(this.keys[this.keysHead++]!);
  }

  /** Deletes a live key chosen uniformly by the seeded generator. */
  deleteRandom(): readonly Alloc[] {
    const live = this.keys.length - this.keysHead;
    if (live === 0) return noAllocs;
    const i = this.keysHead + this.rand.intn(live);
    const h = this.keys[i]!;
    this.keys[i] = this.keys[this.keysHead]!;
    this.keysHead++;
    return this.deleteHash(h);
  }

  /** mapassign of a new key whose hash (low 32 bits) is `hash`; returns what it allocated. */
  insertHash(hash: number): readonly Alloc[] {
    hash >>>= 0;
    this.out = noAllocs;
    const l = this.layout;
    const pool = this.pool;
    if (!this.hasBuckets) {
      this.emit(typedAlloc(l.bucket, l.bucketSize, 'bucket'));
      this.installArray(0, 1);
    }
    for (;;) {
      const b = (hash & (bucketShift(this.B) - 1)) >>> 0;
      if (this.growingNow) this.growWork(b);
      // The first empty slot of the chain; scanning stops at emptyRest.
      const state = pool.state;
      const next = pool.next;
      let last = this.base + b;
      let slot = -1;
      for (;;) {
        const o = 8 * last;
        let i = 0;
        for (; i < bucketCnt; i++) {
          const st = state[o + i]!;
          if (st !== full) {
            if (slot < 0) slot = o + i;
            if (st === emptyRest) break;
          }
        }
        if (i < bucketCnt) break;
        const nx = next[last]!;
        if (nx === noBucket) break;
        last = nx;
      }
      if (!this.growingNow && (this.count + 1 > this.loadLimit || this.noverflow >= this.overflowLimit)) {
        this.hashGrow();
        continue;
      }
      if (slot < 0) slot = 8 * this.newoverflow(last);
      pool.hashes[slot] = hash;
      pool.state[slot] = full;
      this.count++;
      break;
    }
    if (l.indirectKey) this.emit(typedAlloc(l.key, l.key.size, 'indirect key'));
    if (l.indirectElem) this.emit(typedAlloc(l.elem, l.elem.size, 'indirect elem'));
    return this.out;
  }

  /**
   * mapdelete of the live key whose hash is `hash` (hashes are the model's
   * key identity); allocates only through the evacuation it helps with.
   * Callers of insertHash/deleteHash keep their own key list: deleteOldest
   * and deleteRandom know only keys inserted by insert().
   */
  deleteHash(hash: number): readonly Alloc[] {
    hash >>>= 0;
    this.out = noAllocs;
    const pool = this.pool;
    const b = (hash & (bucketShift(this.B) - 1)) >>> 0;
    if (this.growingNow) this.growWork(b);
    const orig = this.base + b;
    for (let cur = orig; cur !== noBucket; cur = pool.next[cur]!) {
      for (let i = 0; i < bucketCnt; i++) {
        const s = 8 * cur + i;
        if (pool.state[s] !== full || pool.hashes[s] !== hash) continue;
        pool.state[s] = emptyOne;
        // A trailing run of emptyOne becomes emptyRest, walking back towards the chain's head.
        const nextIsRest =
          i === bucketCnt - 1
            ? pool.next[cur] === noBucket || pool.state[8 * pool.next[cur]!] === emptyRest
            : pool.state[s + 1] === emptyRest;
        if (nextIsRest) this.markEmptyRest(orig, cur, i);
        this.count--;
        return this.out;
      }
    }
    throw new Error(`map model: key with hash ${hash} not found`);
  }

  private markEmptyRest(orig: number, bucket: number, slot: number): void {
    const pool = this.pool;
    let cur = bucket;
    let i = slot;
    for (;;) {
      pool.state[8 * cur + i] = emptyRest;
      if (i === 0) {
        if (cur === orig) return;
        let prev = orig;
        while (pool.next[prev] !== cur) prev = pool.next[prev]!;
        cur = prev;
        i = bucketCnt - 1;
      } else {
        i--;
      }
      if (pool.state[8 * cur + i] !== emptyOne) return;
    }
  }

  private emit(a: Alloc): void {
    if (this.out === noAllocs) this.out = [];
    this.out.push(a);
  }

  private setB(B: number): void {
    this.B = B;
    this.loadLimit = Math.max(bucketCnt, loadFactorNum * Math.floor(bucketShift(B) / loadFactorDen));
    this.overflowLimit = bucketShift(Math.min(B, 15));
  }

  /** Points h.buckets at a fresh array of nbuckets (2^B of them main buckets) and records its preallocated overflow. */
  private installArray(B: number, nbuckets: number): void {
    this.base = this.pool.take(nbuckets);
    this.hasBuckets = true;
    const main = bucketShift(B);
    if (nbuckets !== main) {
      this.nextOverflow = this.base + main;
      this.lastPrealloc = this.base + nbuckets - 1;
    }
  }

  private hashGrow(): void {
    const bigger = this.count + 1 > this.loadLimit ? 1 : 0;
    this.sameSize = bigger === 0;
    this.grows++;
    if (this.sameSize) this.sameSizeGrows++;
    this.oldBase = this.base;
    this.oldB = this.B;
    const { nbuckets, alloc } = makeBucketArray(this.layout, this.B + bigger);
    this.emit(alloc);
    this.setB(this.B + bigger);
    this.installArray(this.B, nbuckets);
    this.nevacuate = 0;
    this.noverflow = 0;
    this.growingNow = true;
    // The current overflow slice becomes oldoverflow; the next overflow bucket starts a new one.
    this.hasOverflowSlice = false;
    this.overflowLen = 0;
    this.overflowCap = 0;
    if (nbuckets !== bucketShift(this.B) && !this.hasExtra) {
      this.emit(typedAlloc(mapextraType, mapextraType.size, 'mapextra'));
      this.hasExtra = true;
    }
  }

  private growWork(bucket: number): void {
    this.evacuate(bucket & (bucketShift(this.oldB) - 1));
    if (this.growingNow) this.evacuate(this.nevacuate);
  }

  private evacuate(oldbucket: number): void {
    const pool = this.pool;
    const newbit = bucketShift(this.oldB);
    const oid = this.oldBase + oldbucket;
    if (!pool.evacuated[oid]) {
      // Destinations x (same index) and y (index + newbit) are fresh buckets: fill them in order.
      let x = this.base + oldbucket;
      let xi = 0;
      let y = this.sameSize ? noBucket : this.base + oldbucket + newbit;
      let yi = 0;
      for (let b = oid; b !== noBucket; b = pool.next[b]!) {
        for (let i = 0; i < bucketCnt; i++) {
          const s = 8 * b + i;
          if (pool.state[s] !== full) continue;
          const h = pool.hashes[s]!;
          if (!this.sameSize && (h & newbit) !== 0) {
            if (yi === bucketCnt) {
              y = this.newoverflow(y);
              yi = 0;
            }
            pool.hashes[8 * y + yi] = h;
            pool.state[8 * y + yi++] = full;
          } else {
            if (xi === bucketCnt) {
              x = this.newoverflow(x);
              xi = 0;
            }
            pool.hashes[8 * x + xi] = h;
            pool.state[8 * x + xi++] = full;
          }
        }
      }
      pool.evacuated[oid] = 1;
    }
    if (oldbucket === this.nevacuate) this.advanceEvacuationMark(newbit);
  }

  private advanceEvacuationMark(newbit: number): void {
    this.nevacuate++;
    const stop = Math.min(this.nevacuate + 1024, newbit);
    while (this.nevacuate !== stop && this.pool.evacuated[this.oldBase + this.nevacuate]) this.nevacuate++;
    if (this.nevacuate === newbit) {
      this.growingNow = false; // oldbuckets and oldoverflow dropped
      this.sameSize = false;
    }
  }

  /** Chains a fresh overflow bucket after `b`; returns its id. */
  private newoverflow(b: number): number {
    const l = this.layout;
    let ovf: number;
    if (this.hasExtra && this.nextOverflow !== noBucket) {
      ovf = this.nextOverflow;
      this.nextOverflow = ovf === this.lastPrealloc ? noBucket : ovf + 1;
    } else {
      ovf = this.pool.take(1);
      this.emit(typedAlloc(l.bucket, l.bucketSize, 'overflow bucket'));
    }
    this.incrnoverflow();
    if (!l.bucket.pointers) {
      // Noscan buckets: *h.extra.overflow keeps overflow buckets alive.
      if (!this.hasExtra) {
        this.emit(typedAlloc(mapextraType, mapextraType.size, 'mapextra'));
        this.hasExtra = true;
      }
      if (!this.hasOverflowSlice) {
        this.emit(typedAlloc(l.overflowSlice, l.overflowSlice.size, 'overflow slice header'));
        this.hasOverflowSlice = true;
      }
      const g = appendAllocs(this.overflowLen, this.overflowCap, 1, l.overflowSlice.elem!);
      for (const a of g.allocs) this.emit({ ...a, what: 'overflow slice' });
      this.overflowCap = g.newcap;
      this.overflowLen++;
    }
    this.pool.next[b] = ovf;
    return ovf;
  }

  private incrnoverflow(): void {
    if (this.B < 16) {
      this.noverflow = (this.noverflow + 1) & 0xffff;
      return;
    }
    // Counted with probability 2^-(B-15), so a uint16 can track ~2^B overflow buckets.
    const mask = bucketShift(this.B - 15) - 1;
    if ((this.rand.uint32() & mask) === 0) this.noverflow = (this.noverflow + 1) & 0xffff;
  }
}

/** Everything an escaping make(map[K]V, hint) followed by n insertions of distinct keys allocates. */
export function insertAllocs(mapType: GoType, n: number, opts: MapModelOptions = {}): Alloc[] {
  const m = new MapModel(mapType, opts);
  const all: Alloc[] = [...m.makeAllocs];
  for (let i = 0; i < n; i++) for (const a of m.insert()) all.push(a);
  return all;
}
