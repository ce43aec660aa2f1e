// Maps (runtime/map.go, Go 1.23's bucket maps, before Swiss tables), with
// their contents in simulated memory: the hmap, the bucket arrays, overflow
// buckets and mapextra are heap objects laid out as Go lays them out
// (map_layout.ts), and every operation reads and writes them there, so a
// map read back from a struct field, a slice or another map is the same map,
// and the collector finds the pointers a map holds by reading its buckets.
//
//   hmap ──buckets──▶ [bucket 0][bucket 1]…[2^B-1][preallocated overflow…]
//        ──oldbuckets▶ the half-size array while a grow is evacuated
//        ──extra──▶ mapextra {overflow *[]*bmap, oldoverflow, nextOverflow}
//   bucket: tophash[8] │ keys[8] │ elems[8] │ overflow ──▶ bucket …
//
// A GoMap is a view: (process, map type, hmap address), nothing more. The
// operations follow map.go: mapassign, mapaccess, mapdelete, mapclear,
// mapiterinit/mapiternext, hashGrow (doubling, or same-size when overflow
// buckets pile up), growWork/evacuate into the X and Y halves,
// advanceEvacuationMark, newoverflow (the preallocated buckets first, then
// newobject; for pointer-free buckets the overflow slice that keeps them
// alive), incrnoverflow, and keys or elems over 128 bytes stored
// indirectly. Pointer words are written through the write path
// (runtime/mbarrier.ts): keys and elems with storeValue, evacuation with
// typedmemmove, clears with typedmemclr.
//
// Simplifications, none visible in memory contents or allocations:
//   - one algorithm for all key types; Go's mapassign_fast32/fast64/faststr
//     variants take the same decisions;
//   - the hashWriting flag is not toggled (gomem runs one goroutine at a
//     time, so "concurrent map writes" cannot happen);
//   - the hash is gomem's own (map_hash.ts), so which bucket a key lands in
//     matches real Go in distribution only;
//   - Go's rand() calls (hash0, incrnoverflow, the iteration start) draw from
//     the process's seeded generator, so runs are reproducible.

import { mallocgc } from '../runtime/malloc.ts';
import { memmoveNoHeapPointers, typedmemclr, typedmemmove, typedslicecopy, writePointer } from '../runtime/mbarrier.ts';
import type { Memory } from '../runtime/memory.ts';
import { goThrow } from '../runtime/panic.ts';
import type { Runtime } from '../runtime/runtime.ts';
import { growsliceCap } from '../runtime/slice.ts';
import { type Alloc, maxAlloc, typedAlloc } from './alloc.ts';
import { FrameShape, frameSlotAddr } from './frame.ts';
import {
  HASH,
  KEY,
  KeyClass,
  comparable,
  hashAt,
  hashKey,
  hashString,
  hashWord,
  keyClassOf,
  keyEqualAt,
  needKeyUpdate,
  prepareKey,
  reflexive,
  selfEqualAt,
} from './map_hash.ts';
import {
  type MapLayout,
  hintToB,
  hmapType,
  makeBucketArray,
  mapLayout,
  mapextraType,
  overLoadFactor,
  tooManyOverflowBuckets,
} from './map_layout.ts';
import { loadValue, storeValue } from './memops.ts';
import type { GoProcess } from './process.ts';
import { type GoType, Kind, T } from './types.ts';

const two32 = 4294967296;
const maxExact = 2 ** 53 - 1;

function fieldOffset(t: GoType, name: string): number {
  return t.fields!.find((f) => f.name === name)!.offset;
}

// hmap and mapextra fields.
const hCount = fieldOffset(hmapType, 'count');
const hFlags = fieldOffset(hmapType, 'flags'); // flags, B, noverflow: one 32-bit word
const hNoverflow = fieldOffset(hmapType, 'noverflow');
const hHash0 = fieldOffset(hmapType, 'hash0');
const hBuckets = fieldOffset(hmapType, 'buckets');
const hOldbuckets = fieldOffset(hmapType, 'oldbuckets');
const hNevacuate = fieldOffset(hmapType, 'nevacuate');
const hExtra = fieldOffset(hmapType, 'extra');
const xOverflow = fieldOffset(mapextraType, 'overflow');
const xOldoverflow = fieldOffset(mapextraType, 'oldoverflow');
const xNextOverflow = fieldOffset(mapextraType, 'nextOverflow');

// tophash values below minTopHash are marks.
const emptyRest = 0;
const emptyOne = 1;
const evacuatedX = 2;
const evacuatedY = 3;
const evacuatedEmpty = 4;
const minTopHash = 5;

// hmap.flags
const iterator = 1;
const oldIterator = 2;
const sameSizeGrow = 8;

const noCheck = -1;

/** runtime.hiter (12 words): the state of a range loop, in the ranging function's frame. */
export const hiterType: GoType = T.named(
  T.struct([
    ['key', T.unsafePointer],
    ['elem', T.unsafePointer],
    ['t', T.unsafePointer],
    ['h', T.unsafePointer],
    ['buckets', T.unsafePointer],
    ['bptr', T.unsafePointer],
    ['overflow', T.unsafePointer],
    ['oldoverflow', T.unsafePointer],
    ['startBucket', T.uintptr],
    ['offset', T.uint8],
    ['wrapped', T.bool],
    ['B', T.uint8],
    ['i', T.uint8],
    ['bucket', T.uintptr],
    ['checkBucket', T.uintptr],
  ]),
  'runtime.hiter',
);
const itT = fieldOffset(hiterType, 't');
const itH = fieldOffset(hiterType, 'h');
const itBuckets = fieldOffset(hiterType, 'buckets');
const itBptr = fieldOffset(hiterType, 'bptr');
const itOverflow = fieldOffset(hiterType, 'overflow');
const itOldoverflow = fieldOffset(hiterType, 'oldoverflow');

let hiterShape: FrameShape | null = null;

/** What the operations need to know about a map type, computed once per type. */
interface MapInfo {
  readonly type: GoType;
  readonly layout: MapLayout;
  readonly key: GoType;
  readonly elem: GoType;
  readonly bucket: GoType;
  /** The bucket past its tophash (keys, elems, overflow): what evacuate clears. */
  readonly bucketData: GoType;
  readonly bsize: number;
  readonly keysOff: number;
  readonly elemsOff: number;
  readonly ovfOff: number;
  readonly ksize: number;
  readonly vsize: number;
  readonly indirectKey: boolean;
  readonly indirectElem: boolean;
  readonly bucketPtrs: boolean;
  readonly kc: KeyClass;
  readonly reflexive: boolean;
  readonly needKeyUpdate: boolean;
  /** *bmap, the element of the overflow slice. */
  readonly ovfElem: GoType;
}

const infos = new WeakMap<GoType, MapInfo>();
let lastType: GoType | null = null;
let lastInfo: MapInfo | null = null;

function info(t: GoType): MapInfo {
  if (t === lastType) return lastInfo!;
  let mi = infos.get(t);
  if (mi === undefined) {
    const l = mapLayout(t);
    if (!comparable(l.key)) throw new Error(`invalid map key type ${l.key.str}`);
    const b = l.bucket;
    const keysOff = fieldOffset(b, 'keys');
    const elemsOff = fieldOffset(b, 'elems');
    const ovfOff = fieldOffset(b, 'overflow');
    const data = T.struct(b.fields!.slice(1).map((f) => [f.name, f.type] as const));
    if (fieldOffset(data, 'elems') !== elemsOff - keysOff || fieldOffset(data, 'overflow') !== ovfOff - keysOff) {
      throw new Error(`gomem: bucket layout of ${t.str} has unexpected padding`);
    }
    mi = {
      type: t,
      layout: l,
      key: l.key,
      elem: l.elem,
      bucket: b,
      bucketData: data,
      bsize: l.bucketSize,
      keysOff,
      elemsOff,
      ovfOff,
      ksize: l.keySize,
      vsize: l.valueSize,
      indirectKey: l.indirectKey,
      indirectElem: l.indirectElem,
      bucketPtrs: b.pointers,
      kc: keyClassOf(l.key),
      reflexive: reflexive(l.key),
      needKeyUpdate: needKeyUpdate(l.key),
      ovfElem: l.overflowSlice.elem!,
    };
    infos.set(t, mi);
  }
  lastType = t;
  lastInfo = mi;
  return mi;
}

// ── observing (tests and tools) ──────────────────────────────────────────

/** Told about each allocation a map operation makes and each hashGrow. */
export interface MapObserver {
  alloc?(a: Alloc): void;
  grow?(sameSize: boolean, B: number): void;
}

const observers = new WeakMap<GoProcess, MapObserver>();

/** Reports the maps' allocations and grows in process p to o (null: stop). */
export function observeMaps(p: GoProcess, o: MapObserver | null): void {
  if (o === null) observers.delete(p);
  else observers.set(p, o);
}

/** mallocgc for a map: newobject/newarray of t (size bytes). */
function alloc(p: GoProcess, t: GoType, size: number, what: string): number {
  const x = mallocgc(p.rt, size, t.pointers ? t : null, true);
  const o = observers.get(p);
  if (o?.alloc) o.alloc(typedAlloc(t, size, what));
  return x;
}

// ── small helpers ──────────────────────────────────────────────────────

/** hash & bucketMask(B), for the 64-bit hash (lo, hi). */
function bucketIndex(lo: number, hi: number, B: number): number {
  if (B < 31) return lo & ((1 << B) - 1);
  if (B === 31) return lo & 0x7fffffff;
  return (lo >>> 0) + (hi & (2 ** (B - 32) - 1)) * two32;
}

/** (hash >> n) & 1 */
function hashBit(lo: number, hi: number, n: number): number {
  return n < 32 ? (lo >>> n) & 1 : (hi >>> (n - 32)) & 1;
}

/** tophash(hash): the top byte, kept clear of the marks. */
function tophashOf(hi: number): number {
  const t = hi >>> 24;
  return t < minTopHash ? t + minTopHash : t;
}

/** Slot i's tophash from the bucket's two tophash words. */
function topAt(t0: number, t1: number, i: number): number {
  return (i < 4 ? t0 >>> (i << 3) : t1 >>> ((i - 4) << 3)) & 0xff;
}

function evacuatedAt(mem: Memory, b: number): boolean {
  const h = mem.loadInt(b, 1, false);
  return h > emptyOne && h < minTopHash;
}

function setOverflow(rt: Runtime, mi: MapInfo, b: number, ovf: number): void {
  if (mi.bucketPtrs) writePointer(rt, b + mi.ovfOff, ovf);
  else rt.mem.storeWord(b + mi.ovfOff, ovf); // a uintptr in pointer-free buckets
}

/** flags, B and noverflow, stored together. */
function storeFlagsWord(mem: Memory, h: number, flags: number, B: number, noverflow: number): void {
  mem.storeInt(h + hFlags, 4, (flags | (B << 8) | (noverflow << 16)) >>> 0);
}

/**
 * typedmemmove(t, dst, src) of one key or elem. Values of whole words (up
 * to 64 bytes) are copied word by word, each pointer word through
 * writePointer (the barrier typedmemmove's bulkBarrierPreWrite applies to
 * exactly those words), the others as plain words; other values go through
 * typedmemmove or, without pointers, memmove.
 */
function moveValue(rt: Runtime, t: GoType, dst: number, src: number): void {
  const size = t.size;
  if (size === 0) return;
  const mem = rt.mem;
  if ((size & 7) === 0 && size <= 64 && !t.gcprog) {
    const mask = t.gcdata;
    for (let o = 0; o < size; o += 8) {
      const w = o >>> 3;
      const x = mem.loadWord(src + o);
      if (mask !== null && o < t.ptrdata && ((mask[w >>> 3]! >>> (w & 7)) & 1) !== 0) writePointer(rt, dst + o, x);
      else if (x <= maxExact) mem.storeWord(dst + o, x);
      else {
        mem.storeInt(dst + o, 4, mem.loadInt(src + o, 4, false));
        mem.storeInt(dst + o + 4, 4, mem.loadInt(src + o + 4, 4, false));
      }
    }
    return;
  }
  if (t.pointers) typedmemmove(rt, t, dst, src);
  else if (size === 1 || size === 2 || size === 4) mem.storeInt(dst, size, mem.loadInt(src, size, false));
  else memmoveNoHeapPointers(rt, dst, src, size);
}

/** Zeroes one value of t (memclrHasPointers / memclrNoHeapPointers). */
function clearValue(rt: Runtime, t: GoType, a: number): void {
  if (t.size === 0) return;
  if (!t.pointers && t.size === 8) rt.mem.storeWord(a, 0);
  else typedmemclr(rt, t, a, t.size);
}

// ── buckets ────────────────────────────────────────────────────────────

/** The first preallocated overflow bucket of the last makeBuckets, 0 if none. */
let nextOverflowOut = 0;

/**
 * makeBucketArray: 2^B buckets plus, from B = 4, the preallocated overflow
 * buckets; the last of those points at the array (a non-nil sentinel that
 * says "no more after me"). With `dirty`, that array is cleared and reused.
 */
function makeBuckets(p: GoProcess, mi: MapInfo, B: number, dirty: number): number {
  const { nbuckets, alloc: a } = makeBucketArray(mi.layout, B);
  let arr: number;
  if (dirty === 0) arr = alloc(p, mi.bucket, a.size, a.what);
  else {
    arr = dirty;
    typedmemclr(p.rt, mi.bucket, arr, a.size);
  }
  nextOverflowOut = 0;
  const base = 2 ** B;
  if (nbuckets !== base) {
    nextOverflowOut = arr + base * mi.bsize;
    setOverflow(p.rt, mi, arr + (nbuckets - 1) * mi.bsize, arr);
  }
  return arr;
}

/** h.incrnoverflow(): exact below B = 16, then counted with probability 2^-(B-15). */
function incrnoverflow(p: GoProcess, h: number): void {
  const mem = p.rt.mem;
  const fw = mem.loadInt(h + hFlags, 4, false);
  const B = (fw >>> 8) & 0xff;
  let n = fw >>> 16;
  if (B < 16) n = (n + 1) & 0xffff;
  else if ((p.rand.uint32() & (2 ** (B - 15) - 1)) === 0) n = (n + 1) & 0xffff;
  else return;
  mem.storeInt(h + hNoverflow, 2, n);
}

/** h.createOverflow(): h.extra and *h.extra.overflow exist; returns the slice header's address. */
function createOverflow(p: GoProcess, mi: MapInfo, h: number): number {
  const rt = p.rt;
  const mem = rt.mem;
  let extra = mem.loadWord(h + hExtra);
  if (extra === 0) {
    extra = alloc(p, mapextraType, mapextraType.size, 'mapextra');
    writePointer(rt, h + hExtra, extra);
  }
  let sh = mem.loadWord(extra + xOverflow);
  if (sh === 0) {
    sh = alloc(p, mi.layout.overflowSlice, mi.layout.overflowSlice.size, 'overflow slice header');
    writePointer(rt, extra + xOverflow, sh);
  }
  return sh;
}

/** *h.extra.overflow = append(*h.extra.overflow, ovf) */
function appendOverflow(p: GoProcess, mi: MapInfo, sh: number, ovf: number): void {
  const rt = p.rt;
  const mem = rt.mem;
  let arr = mem.loadWord(sh);
  const len = mem.loadWord(sh + 8);
  const cap = mem.loadWord(sh + 16);
  if (len === cap) {
    const g = growsliceCap(cap, len + 1, mi.ovfElem);
    const na = alloc(p, mi.ovfElem, g.memBytes, 'overflow slice');
    if (len > 0) typedslicecopy(rt, mi.ovfElem, na, arr, len);
    arr = na;
    writePointer(rt, sh, na);
    mem.storeWord(sh + 16, g.newcap);
  }
  writePointer(rt, arr + len * 8, ovf);
  mem.storeWord(sh + 8, len + 1);
}

/** h.newoverflow(b): chains a fresh overflow bucket after b and returns it. */
function newoverflow(p: GoProcess, mi: MapInfo, h: number, b: number): number {
  const rt = p.rt;
  const mem = rt.mem;
  let ovf: number;
  const extra = mem.loadWord(h + hExtra);
  const next = extra === 0 ? 0 : mem.loadWord(extra + xNextOverflow);
  if (next !== 0) {
    ovf = next;
    if (mem.loadWord(ovf + mi.ovfOff) === 0) {
      writePointer(rt, extra + xNextOverflow, ovf + mi.bsize);
    } else {
      // The last preallocated bucket: drop its sentinel.
      setOverflow(rt, mi, ovf, 0);
      writePointer(rt, extra + xNextOverflow, 0);
    }
  } else {
    ovf = alloc(p, mi.bucket, mi.bsize, 'overflow bucket');
  }
  incrnoverflow(p, h);
  if (!mi.bucketPtrs) appendOverflow(p, mi, createOverflow(p, mi, h), ovf);
  setOverflow(rt, mi, b, ovf);
  return ovf;
}

// ── growth ─────────────────────────────────────────────────────────────

function hashGrow(p: GoProcess, mi: MapInfo, h: number): void {
  const rt = p.rt;
  const mem = rt.mem;
  const fw = mem.loadInt(h + hFlags, 4, false);
  let flags = fw & 0xff;
  const B = (fw >>> 8) & 0xff;
  let bigger = 1;
  if (!overLoadFactor(mem.loadInt64(h + hCount) + 1, B)) {
    bigger = 0;
    flags |= sameSizeGrow;
  }
  const oldbuckets = mem.loadWord(h + hBuckets);
  const newbuckets = makeBuckets(p, mi, B + bigger, 0);
  const nextOverflow = nextOverflowOut;
  let nflags = flags & ~(iterator | oldIterator);
  if ((flags & iterator) !== 0) nflags |= oldIterator;
  storeFlagsWord(mem, h, nflags, B + bigger, 0);
  writePointer(rt, h + hOldbuckets, oldbuckets);
  writePointer(rt, h + hBuckets, newbuckets);
  mem.storeWord(h + hNevacuate, 0);
  let extra = mem.loadWord(h + hExtra);
  if (extra !== 0) {
    const ov = mem.loadWord(extra + xOverflow);
    if (ov !== 0) {
      // The current overflow buckets become the old generation.
      if (mem.loadWord(extra + xOldoverflow) !== 0) goThrow('oldoverflow is not nil');
      writePointer(rt, extra + xOldoverflow, ov);
      writePointer(rt, extra + xOverflow, 0);
    }
  }
  if (nextOverflow !== 0) {
    if (extra === 0) {
      extra = alloc(p, mapextraType, mapextraType.size, 'mapextra');
      writePointer(rt, h + hExtra, extra);
    }
    writePointer(rt, extra + xNextOverflow, nextOverflow);
  }
  observers.get(p)?.grow?.(bigger === 0, B + bigger);
}

/** Number of old buckets (2^B, halved unless the grow keeps the size). */
function noldbuckets(fw: number): number {
  const B = (fw >>> 8) & 0xff;
  return 2 ** ((fw & sameSizeGrow) !== 0 ? B : B - 1);
}

function growWork(p: GoProcess, mi: MapInfo, h: number, bucket: number): void {
  const mem = p.rt.mem;
  evacuate(p, mi, h, bucket % noldbuckets(mem.loadInt(h + hFlags, 4, false)));
  if (mem.loadWord(h + hOldbuckets) !== 0) evacuate(p, mi, h, mem.loadWord(h + hNevacuate));
}

/** Moves old bucket `oldbucket` (and its overflow chain) into the new array: X (same index) or Y (index + newbit). */
function evacuate(p: GoProcess, mi: MapInfo, h: number, oldbucket: number): void {
  const rt = p.rt;
  const mem = rt.mem;
  const fw = mem.loadInt(h + hFlags, 4, false);
  const flags = fw & 0xff;
  const B = (fw >>> 8) & 0xff;
  const same = (flags & sameSizeGrow) !== 0;
  const oldB = same ? B : B - 1;
  const newbit = 2 ** oldB;
  const b0 = mem.loadWord(h + hOldbuckets) + oldbucket * mi.bsize;
  if (!evacuatedAt(mem, b0)) {
    const seed = mem.loadInt(h + hHash0, 4, false);
    const buckets = mem.loadWord(h + hBuckets);
    // A one-word or string key is loaded once, for its hash and its copy.
    const wordKey = mi.kc === KeyClass.Word && !mi.indirectKey;
    const stringKey = mi.kc === KeyClass.String && !mi.indirectKey;
    // Destinations: bucket, next slot, and the tophash words written so far
    // (a destination bucket is empty until its old bucket is evacuated).
    let xb = buckets + oldbucket * mi.bsize;
    let xi = 0;
    let x0 = 0;
    let x1 = 0;
    let yb = same ? 0 : buckets + (oldbucket + newbit) * mi.bsize;
    let yi = 0;
    let y0 = 0;
    let y1 = 0;
    for (let b = b0; b !== 0; b = mem.loadWord(b + mi.ovfOff)) {
      const t0 = mem.loadInt(b, 4, false);
      const t1 = mem.loadInt(b + 4, 4, false);
      let m0 = 0;
      let m1 = 0;
      for (let i = 0; i < 8; i++) {
        let top = topAt(t0, t1, i);
        let mark: number;
        if (top <= emptyOne) {
          mark = evacuatedEmpty;
        } else {
          if (top < minTopHash) goThrow('bad map state');
          const k = b + mi.keysOff + i * mi.ksize;
          const k2 = mi.indirectKey ? mem.loadWord(k) : k;
          let kw = -1;
          let sl = -1;
          let useY = 0;
          if (!same) {
            if (wordKey && (kw = mem.loadWord(k)) <= maxExact) {
              const whi = Math.floor(kw / two32);
              hashWord(kw - whi * two32, whi, seed);
            } else if (stringKey) {
              kw = mem.loadWord(k);
              sl = mem.loadWord(k + 8);
              hashString(p, kw, sl, null, seed);
            } else {
              kw = -1;
              hashAt(p, mi.key, mi.kc, k2, seed);
            }
            if ((flags & iterator) !== 0 && !mi.reflexive && !selfEqualAt(p, mi.key, mi.kc, k2)) {
              // A NaN's hash is not reproducible; an iterator may already have
              // sent it one way, recorded in tophash's low bit.
              useY = top & 1;
              top = tophashOf(HASH.hi);
            } else {
              useY = hashBit(HASH.lo, HASH.hi, oldB);
            }
          }
          mark = evacuatedX + useY;
          let dst: number;
          let di: number;
          if (useY !== 0) {
            if (yi === 8) {
              mem.storeInt(yb, 4, y0 >>> 0);
              mem.storeInt(yb + 4, 4, y1 >>> 0);
              y0 = y1 = 0;
              yb = newoverflow(p, mi, h, yb);
              yi = 0;
            }
            if (yi < 4) y0 |= top << (yi << 3);
            else y1 |= top << ((yi - 4) << 3);
            dst = yb;
            di = yi++;
          } else {
            if (xi === 8) {
              mem.storeInt(xb, 4, x0 >>> 0);
              mem.storeInt(xb + 4, 4, x1 >>> 0);
              x0 = x1 = 0;
              xb = newoverflow(p, mi, h, xb);
              xi = 0;
            }
            if (xi < 4) x0 |= top << (xi << 3);
            else x1 |= top << ((xi - 4) << 3);
            dst = xb;
            di = xi++;
          }
          const dk = dst + mi.keysOff + di * mi.ksize;
          if (mi.indirectKey) writePointer(rt, dk, k2);
          else if (sl >= 0) {
            writePointer(rt, dk, kw);
            mem.storeWord(dk + 8, sl);
          } else if (kw >= 0) {
            if (mi.key.pointers) writePointer(rt, dk, kw);
            else mem.storeWord(dk, kw);
          } else moveValue(rt, mi.key, dk, k);
          const e = b + mi.elemsOff + i * mi.vsize;
          const de = dst + mi.elemsOff + di * mi.vsize;
          if (mi.indirectElem) writePointer(rt, de, mem.loadWord(e));
          else moveValue(rt, mi.elem, de, e);
        }
        if (i < 4) m0 |= mark << (i << 3);
        else m1 |= mark << ((i - 4) << 3);
      }
      mem.storeInt(b, 4, m0 >>> 0);
      mem.storeInt(b + 4, 4, m1 >>> 0);
    }
    if (xi > 0) {
      mem.storeInt(xb, 4, x0 >>> 0);
      mem.storeInt(xb + 4, 4, x1 >>> 0);
    }
    if (yi > 0) {
      mem.storeInt(yb, 4, y0 >>> 0);
      mem.storeInt(yb + 4, 4, y1 >>> 0);
    }
    // Unlink the overflow buckets and clear keys and elems (tophash keeps the evacuation state).
    if ((flags & oldIterator) === 0 && mi.bucketPtrs) typedmemclr(rt, mi.bucketData, b0 + mi.keysOff, mi.bsize - mi.keysOff);
  }
  if (oldbucket === mem.loadWord(h + hNevacuate)) advanceEvacuationMark(p, mi, h, newbit);
}

function advanceEvacuationMark(p: GoProcess, mi: MapInfo, h: number, newbit: number): void {
  const rt = p.rt;
  const mem = rt.mem;
  let nev = mem.loadWord(h + hNevacuate) + 1;
  const stop = Math.min(nev + 1024, newbit);
  const old = mem.loadWord(h + hOldbuckets);
  while (nev !== stop && evacuatedAt(mem, old + nev * mi.bsize)) nev++;
  mem.storeWord(h + hNevacuate, nev);
  if (nev === newbit) {
    // Growing is done: drop the old array and its overflow buckets.
    writePointer(rt, h + hOldbuckets, 0);
    const extra = mem.loadWord(h + hExtra);
    if (extra !== 0) writePointer(rt, extra + xOldoverflow, 0);
    mem.storeInt(h + hFlags, 1, mem.loadInt(h + hFlags, 1, false) & ~sameSizeGrow);
  }
}

// ── access, assign, delete, clear ──────────────────────────────────────

/** The key slot (after indirection) of the last successful lookup. */
let foundKey = 0;

/** mapaccess of KEY: the address of its elem (after indirection), 0 if absent. */
function lookup(p: GoProcess, mi: MapInfo, h: number): number {
  const mem = p.rt.mem;
  if (mem.loadInt64(h + hCount) === 0) return 0;
  const fw = mem.loadInt(h + hFlags, 4, false);
  const B = (fw >>> 8) & 0xff;
  hashKey(p, mi.key, mi.kc, mem.loadInt(h + hHash0, 4, false));
  const lo = HASH.lo;
  const hi = HASH.hi;
  let b = mem.loadWord(h + hBuckets) + bucketIndex(lo, hi, B) * mi.bsize;
  const old = mem.loadWord(h + hOldbuckets);
  if (old !== 0) {
    const ob = old + bucketIndex(lo, hi, (fw & sameSizeGrow) !== 0 ? B : B - 1) * mi.bsize;
    if (!evacuatedAt(mem, ob)) b = ob;
  }
  const top = tophashOf(hi);
  for (; b !== 0; b = mem.loadWord(b + mi.ovfOff)) {
    mem.noteRead(b, 8);
    const t0 = mem.loadInt(b, 4, false);
    const t1 = mem.loadInt(b + 4, 4, false);
    for (let i = 0; i < 8; i++) {
      const th = topAt(t0, t1, i);
      if (th !== top) {
        if (th === emptyRest) return 0;
        continue;
      }
      let k = b + mi.keysOff + i * mi.ksize;
      if (mi.indirectKey) k = mem.loadWord(k);
      if (keyEqualAt(p, mi.key, mi.kc, k)) {
        foundKey = k;
        const e = b + mi.elemsOff + i * mi.vsize;
        return mi.indirectElem ? mem.loadWord(e) : e;
      }
    }
  }
  return 0;
}

/** mapassign of KEY: the address of its elem (after indirection), inserting the key if new. */
function mapassign(p: GoProcess, mi: MapInfo, h: number): number {
  const rt = p.rt;
  const mem = rt.mem;
  hashKey(p, mi.key, mi.kc, mem.loadInt(h + hHash0, 4, false));
  const lo = HASH.lo;
  const hi = HASH.hi;
  const top = tophashOf(hi);
  let buckets = mem.loadWord(h + hBuckets);
  if (buckets === 0) {
    buckets = alloc(p, mi.bucket, mi.bsize, 'bucket');
    writePointer(rt, h + hBuckets, buckets);
  }
  for (;;) {
    let fw = mem.loadInt(h + hFlags, 4, false);
    const B = (fw >>> 8) & 0xff;
    const bucket = bucketIndex(lo, hi, B);
    let growing = mem.loadWord(h + hOldbuckets) !== 0;
    if (growing) {
      growWork(p, mi, h, bucket);
      growing = mem.loadWord(h + hOldbuckets) !== 0;
      fw = mem.loadInt(h + hFlags, 4, false); // evacuation counts overflow buckets
    }
    let b = buckets + bucket * mi.bsize;
    let insB = 0;
    let insI = 0;
    scan: for (;;) {
      mem.noteRead(b, 8);
      const t0 = mem.loadInt(b, 4, false);
      const t1 = mem.loadInt(b + 4, 4, false);
      for (let i = 0; i < 8; i++) {
        const th = topAt(t0, t1, i);
        if (th !== top) {
          if (th <= emptyOne && insB === 0) {
            insB = b;
            insI = i;
          }
          if (th === emptyRest) break scan;
          continue;
        }
        let k = b + mi.keysOff + i * mi.ksize;
        if (mi.indirectKey) k = mem.loadWord(k);
        if (!keyEqualAt(p, mi.key, mi.kc, k)) continue;
        // Already there: update the key if equal keys can differ (±0, a string's pointer).
        if (mi.needKeyUpdate) storeValue(p, k, mi.key, KEY.v);
        const e = b + mi.elemsOff + i * mi.vsize;
        return mi.indirectElem ? mem.loadWord(e) : e;
      }
      const ovf = mem.loadWord(b + mi.ovfOff);
      if (ovf === 0) break;
      b = ovf;
    }
    // A new key. Over the load factor or with too many overflow buckets, grow first and start again.
    const count = mem.loadInt64(h + hCount);
    if (!growing && (overLoadFactor(count + 1, B) || tooManyOverflowBuckets(fw >>> 16, B))) {
      hashGrow(p, mi, h);
      buckets = mem.loadWord(h + hBuckets);
      continue;
    }
    if (insB === 0) insB = newoverflow(p, mi, h, b);
    let k = insB + mi.keysOff + insI * mi.ksize;
    const e = insB + mi.elemsOff + insI * mi.vsize;
    if (mi.indirectKey) {
      const km = alloc(p, mi.key, mi.key.size, 'indirect key');
      writePointer(rt, k, km);
      k = km;
    }
    if (mi.indirectElem) writePointer(rt, e, alloc(p, mi.elem, mi.elem.size, 'indirect elem'));
    storeValue(p, k, mi.key, KEY.v);
    mem.storeInt(insB + insI, 1, top);
    mem.storeWord(h + hCount, count + 1);
    return mi.indirectElem ? mem.loadWord(e) : e;
  }
}

/** mapdelete of KEY. */
function mapdelete(p: GoProcess, mi: MapInfo, h: number): void {
  const rt = p.rt;
  const mem = rt.mem;
  if (mem.loadInt64(h + hCount) === 0) return;
  hashKey(p, mi.key, mi.kc, mem.loadInt(h + hHash0, 4, false));
  const lo = HASH.lo;
  const hi = HASH.hi;
  const B = (mem.loadInt(h + hFlags, 4, false) >>> 8) & 0xff;
  const bucket = bucketIndex(lo, hi, B);
  if (mem.loadWord(h + hOldbuckets) !== 0) growWork(p, mi, h, bucket);
  const bOrig = mem.loadWord(h + hBuckets) + bucket * mi.bsize;
  const top = tophashOf(hi);
  for (let b = bOrig; b !== 0; b = mem.loadWord(b + mi.ovfOff)) {
    mem.noteRead(b, 8);
    const t0 = mem.loadInt(b, 4, false);
    const t1 = mem.loadInt(b + 4, 4, false);
    for (let i = 0; i < 8; i++) {
      const th = topAt(t0, t1, i);
      if (th !== top) {
        if (th === emptyRest) return;
        continue;
      }
      const k = b + mi.keysOff + i * mi.ksize;
      const k2 = mi.indirectKey ? mem.loadWord(k) : k;
      if (!keyEqualAt(p, mi.key, mi.kc, k2)) continue;
      // Clear the key only if it holds pointers; the elem always.
      if (mi.indirectKey) writePointer(rt, k, 0);
      else if (mi.key.pointers) typedmemclr(rt, mi.key, k, mi.key.size);
      const e = b + mi.elemsOff + i * mi.vsize;
      if (mi.indirectElem) writePointer(rt, e, 0);
      else clearValue(rt, mi.elem, e);
      mem.storeInt(b + i, 1, emptyOne);
      // If the chain now ends in emptyOne slots, turn them into emptyRest, walking back.
      let last: boolean;
      if (i === 7) {
        const o = mem.loadWord(b + mi.ovfOff);
        last = o === 0 || mem.loadInt(o, 1, false) === emptyRest;
      } else {
        last = topAt(t0, t1, i + 1) === emptyRest;
      }
      if (last) {
        let cb = b;
        let ci = i;
        for (;;) {
          mem.storeInt(cb + ci, 1, emptyRest);
          if (ci === 0) {
            if (cb === bOrig) break;
            const c = cb;
            cb = bOrig;
            while (mem.loadWord(cb + mi.ovfOff) !== c) cb = mem.loadWord(cb + mi.ovfOff);
            ci = 7;
          } else {
            ci--;
          }
          if (mem.loadInt(cb + ci, 1, false) !== emptyOne) break;
        }
      }
      const count = mem.loadInt64(h + hCount) - 1;
      mem.storeWord(h + hCount, count);
      // A fresh seed once empty, as Go does against hash flooding.
      if (count === 0) mem.storeInt(h + hHash0, 4, p.rand.uint32());
      return;
    }
  }
}

/** Marks every slot of the 2^B buckets from `buckets`, and their overflow chains, emptyRest. */
function markBucketsEmpty(mem: Memory, mi: MapInfo, buckets: number, n: number): void {
  for (let j = 0; j < n; j++) {
    for (let b = buckets + j * mi.bsize; b !== 0; b = mem.loadWord(b + mi.ovfOff)) {
      mem.storeInt(b, 4, 0);
      mem.storeInt(b + 4, 4, 0);
    }
  }
}

/** mapclear: clear(m). Keeps the bucket array (cleared) and the mapextra. */
function mapclear(p: GoProcess, mi: MapInfo, h: number): void {
  const rt = p.rt;
  const mem = rt.mem;
  if (mem.loadInt64(h + hCount) === 0) return;
  const fw = mem.loadInt(h + hFlags, 4, false);
  const B = (fw >>> 8) & 0xff;
  const buckets = mem.loadWord(h + hBuckets);
  markBucketsEmpty(mem, mi, buckets, 2 ** B);
  const old = mem.loadWord(h + hOldbuckets);
  if (old !== 0) markBucketsEmpty(mem, mi, old, noldbuckets(fw));
  storeFlagsWord(mem, h, fw & 0xff & ~sameSizeGrow, B, 0);
  writePointer(rt, h + hOldbuckets, 0);
  mem.storeWord(h + hNevacuate, 0);
  mem.storeWord(h + hCount, 0);
  mem.storeInt(h + hHash0, 4, p.rand.uint32());
  const extra = mem.loadWord(h + hExtra);
  if (extra !== 0) typedmemclr(rt, mapextraType, extra, mapextraType.size);
  makeBuckets(p, mi, B, buckets);
  if (nextOverflowOut !== 0) writePointer(rt, extra + xNextOverflow, nextOverflowOut);
}

// ── iteration ──────────────────────────────────────────────────────────

/**
 * mapiterinit + mapiternext as a generator. The hiter lives in a frame
 * pushed on the running goroutine's stack for the length of the loop, so
 * its pointers (the bucket array it started on, the current bucket, the
 * overflow slices) are roots, as the compiler's stack hiter is; the scalar
 * state lives in the generator. The frame is popped when the loop ends or
 * is left (for…of calls return()); an iterator must not outlive the
 * function that started it.
 */
function* iterate(p: GoProcess, mi: MapInfo, h: number, entries: boolean): Generator<unknown, void, undefined> {
  const rt = p.rt;
  const mem = rt.mem;
  if (mem.loadInt64(h + hCount) === 0) return;
  hiterShape ??= new FrameShape('runtime.hiter', { it: hiterType });
  const shape = hiterShape;
  const f = shape.push(p);
  try {
    const fw0 = mem.loadInt(h + hFlags, 4, false);
    const B = (fw0 >>> 8) & 0xff;
    const buckets = mem.loadWord(h + hBuckets);
    mem.storeWord(frameSlotAddr(f, itT), rt.types.addrOf(mi.type));
    mem.storeWord(frameSlotAddr(f, itH), h);
    mem.storeWord(frameSlotAddr(f, itBuckets), buckets);
    if (!mi.bucketPtrs) {
      // Keep the overflow buckets of both generations alive while iterating.
      createOverflow(p, mi, h);
      const extra = mem.loadWord(h + hExtra);
      mem.storeWord(frameSlotAddr(f, itOverflow), mem.loadWord(extra + xOverflow));
      mem.storeWord(frameSlotAddr(f, itOldoverflow), mem.loadWord(extra + xOldoverflow));
    }
    const r0 = p.rand.uint32();
    const r1 = B > 28 ? p.rand.uint32() : 0;
    const startBucket = bucketIndex(r0, r1, B);
    const offset = (B < 32 ? Math.floor(r0 / 2 ** B) + r1 * 2 ** (32 - B) : Math.floor(r1 / 2 ** (B - 32))) & 7;
    mem.storeInt(h + hFlags, 1, mem.loadInt(h + hFlags, 1, false) | iterator | oldIterator);
    const nb = 2 ** B;
    let bucket = startBucket;
    let wrapped = false;
    let b = 0;
    let checkBucket = noCheck;
    for (;;) {
      if (b === 0) {
        if (bucket === startBucket && wrapped) return;
        const fw = mem.loadInt(h + hFlags, 4, false);
        const old = mem.loadWord(h + hOldbuckets);
        if (old !== 0 && B === ((fw >>> 8) & 0xff)) {
          // Started during a grow that is not done: an old bucket not yet
          // evacuated is read in place, keeping only the keys bound for this bucket.
          b = old + (bucket % noldbuckets(fw)) * mi.bsize;
          if (!evacuatedAt(mem, b)) checkBucket = bucket;
          else {
            b = buckets + bucket * mi.bsize;
            checkBucket = noCheck;
          }
        } else {
          b = buckets + bucket * mi.bsize;
          checkBucket = noCheck;
        }
        bucket++;
        if (bucket === nb) {
          bucket = 0;
          wrapped = true;
        }
        mem.storeWord(frameSlotAddr(f, itBptr), b);
      }
      mem.noteRead(b, 8);
      for (let i = 0; i < 8; i++) {
        const offi = (i + offset) & 7;
        const th = mem.loadInt(b + offi, 1, false);
        if (th <= emptyOne || th === evacuatedEmpty) continue;
        let k = b + mi.keysOff + offi * mi.ksize;
        if (mi.indirectKey) k = mem.loadWord(k);
        let e = b + mi.elemsOff + offi * mi.vsize;
        if (checkBucket !== noCheck && (mem.loadInt(h + hFlags, 1, false) & sameSizeGrow) === 0) {
          if (mi.reflexive || selfEqualAt(p, mi.key, mi.kc, k)) {
            hashAt(p, mi.key, mi.kc, k, mem.loadInt(h + hHash0, 4, false));
            if (bucketIndex(HASH.lo, HASH.hi, B) !== checkBucket) continue;
          } else if (Math.floor(checkBucket / 2 ** (B - 1)) !== (th & 1)) {
            continue; // NaNs go the way tophash's low bit says
          }
        }
        let kv: unknown;
        let ev: unknown;
        if ((th !== evacuatedX && th !== evacuatedY) || !(mi.reflexive || selfEqualAt(p, mi.key, mi.kc, k))) {
          kv = loadValue(p, k, mi.key);
          if (entries) {
            if (mi.indirectElem) e = mem.loadWord(e);
            ev = loadValue(p, e, mi.elem);
          }
        } else {
          // The table grew since the loop started: the current data is elsewhere (or deleted).
          prepareKey(mi.key, mi.kc, loadValue(p, k, mi.key));
          const re = lookup(p, mi, h);
          if (re === 0) continue;
          kv = loadValue(p, foundKey, mi.key);
          if (entries) ev = loadValue(p, re, mi.elem);
        }
        yield entries ? [kv, ev] : kv;
      }
      b = mem.loadWord(b + mi.ovfOff);
    }
  } finally {
    shape.pop(p, f);
  }
}

// ── the Go value ───────────────────────────────────────────────────────

/** A map value: a view of the hmap at `addr`. */
export class GoMap<K = unknown, V = unknown> {
  constructor(
    readonly p: GoProcess,
    readonly type: GoType,
    /** Address of the hmap. */
    readonly addr: number,
  ) {}

  /**
   * make(map[K]V, hint): makemap (or makemap_small for hint ≤ 8): the hmap
   * with a fresh hash0, and for hint > 8 the bucket array (plus, from B = 4,
   * the mapextra recording its preallocated overflow buckets).
   */
  static make<K, V>(p: GoProcess, type: GoType, hint = 0): GoMap<K, V> {
    const mi = info(type);
    if (!(hint >= 0) || hint * mi.bsize > maxAlloc) hint = 0;
    const rt = p.rt;
    const h = alloc(p, hmapType, hmapType.size, 'hmap');
    rt.mem.storeInt(h + hHash0, 4, p.rand.uint32());
    const B = hintToB(hint);
    if (B !== 0) {
      storeFlagsWord(rt.mem, h, 0, B, 0);
      writePointer(rt, h + hBuckets, makeBuckets(p, mi, B, 0));
      const next = nextOverflowOut;
      if (next !== 0) {
        const extra = alloc(p, mapextraType, mapextraType.size, 'mapextra');
        writePointer(rt, h + hExtra, extra);
        writePointer(rt, extra + xNextOverflow, next);
      }
    }
    return new GoMap<K, V>(p, type, h);
  }

  /** The map whose hmap is at addr (a map value read back from memory). */
  static at(p: GoProcess, type: GoType, addr: number): GoMap {
    if (type.kind !== Kind.Map) throw new Error(`gomem: ${type.str} is not a map type`);
    return new GoMap(p, type, addr);
  }

  /** m[k] = v */
  set(k: K, v: V): void {
    this.p.sched.poll();
    const mi = info(this.type);
    prepareKey(mi.key, mi.kc, k);
    const e = mapassign(this.p, mi, this.addr);
    // A zero value is a memclr, as the compiler emits for it.
    if (v === null || v === undefined) clearValue(this.p.rt, mi.elem, e);
    else storeValue(this.p, e, mi.elem, v);
  }

  /** m[k], or undefined when k is absent (v, ok := m[k] is get and has). */
  get(k: K): V | undefined {
    this.p.sched.poll();
    const mi = info(this.type);
    prepareKey(mi.key, mi.kc, k);
    const e = lookup(this.p, mi, this.addr);
    return e === 0 ? undefined : (loadValue(this.p, e, mi.elem) as V);
  }

  /** _, ok := m[k] */
  has(k: K): boolean {
    this.p.sched.poll();
    const mi = info(this.type);
    prepareKey(mi.key, mi.kc, k);
    return lookup(this.p, mi, this.addr) !== 0;
  }

  /** delete(m, k) */
  delete(k: K): void {
    this.p.sched.poll();
    const mi = info(this.type);
    prepareKey(mi.key, mi.kc, k);
    mapdelete(this.p, mi, this.addr);
  }

  /** clear(m) */
  clear(): void {
    this.p.sched.poll();
    mapclear(this.p, info(this.type), this.addr);
  }

  /** len(m) */
  get len(): number {
    return this.p.rt.mem.loadInt64(this.addr + hCount);
  }

  /** for k := range m, from a start chosen by the process's seeded generator. */
  keys(): Generator<K, void, undefined> {
    return iterate(this.p, info(this.type), this.addr, false) as Generator<K, void, undefined>;
  }

  /** for k, v := range m */
  entries(): Generator<[K, V], void, undefined> {
    return iterate(this.p, info(this.type), this.addr, true) as Generator<[K, V], void, undefined>;
  }

  [Symbol.iterator](): Generator<[K, V], void, undefined> {
    return this.entries();
  }

  /** The 64-bit hash of k under the map's current hash0, as two 32-bit halves (for tests and tools). */
  hashOf(k: K): { lo: number; hi: number } {
    const mi = info(this.type);
    prepareKey(mi.key, mi.kc, k);
    hashKey(this.p, mi.key, mi.kc, this.p.rt.mem.loadInt(this.addr + hHash0, 4, false));
    return { lo: HASH.lo, hi: HASH.hi };
  }
}
