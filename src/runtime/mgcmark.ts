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

import type { CacheModel } from '../sim/cache.ts';
import { arenaPageIndex } from './malloc_arena.ts';
import { mallocHeaderSize } from './mbitmap.ts';
import { GCWork } from './mgcwork.ts';
import type { MHeap } from './mheap.ts';
import { loadSlotWord, type SlotMem, storedEnd } from './memory.ts';
import { maskPrefix, pointerWordsIn } from './typemask.ts';
import { type MSpan, divideByMagic, mSpanInUse } from './mspan.ts';
import type { Runtime } from './runtime.ts';
import type { G } from './runtime2.ts';
import { _Gdead, spillSlot } from './runtime2.ts';
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
  const frames = g.frames;
  for (const fr of frames) {
    const lo = hi - fr.sp;
    const offs = fr.ptrOffs;
    for (let i = 0; i < offs.length; i++) f(lo + offs[i]!);
  }
  // The innermost frame is where a running goroutine stops for the scan
  // (asynchronous preemption), and Go scans that frame conservatively: a
  // pointer its last call spilled is found there after the call returned.
  // Calls inlined into it are part of it.
  const spill = spillSlot(g);
  if (spill !== 0) f(spill);
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

// ── marking for the collector ───────────────────────────────────────────

/** maxObletBytes: large objects are scanned 128 KiB at a time. */
export const maxObletBytes = 128 << 10;
/** drainCheckThreshold: idle and fractional workers look up every this many units of scan work. */
export const drainCheckThreshold = 100_000;
/** gcOverAssistWork: an assist does at least this much scan work. */
export const gcOverAssistWork = 64 << 10;

/** What marking costs, per unit of work (src/sim/costs.json, calibrated against real Go). */
export interface MarkCosts {
  /** Greying, queueing and scanning one object, beyond its pointer words. */
  readonly object: number;
  /** One non-nil pointer word scanned. */
  readonly pointerWord: number;
  /** One pointer-typed word holding nil. */
  readonly nilWord: number;
  /** Greying a pointer-free object (marked and counted, never queued). */
  readonly noscanObject: number;
  /**
   * The fixed part of a cycle's marking, charged with the data and bss root
   * job: scanning the binary's sections through their bitmaps and the
   * runtime's own roots, and starting and stopping the workers.
   */
  readonly cycle: number;
  /** Scanning a goroutine's stack: per goroutine, and per byte in use. */
  readonly stackGoroutine: number;
  readonly stackByte: number;
  /** A miss of the marking P's cache model (reading an object that is neither cached nor prefetched). */
  readonly lineMiss: number;
  /** Reaching a span record the marking P's record cache does not hold (findObject, then the mark bits). */
  readonly spanMiss: number;
}

/**
 * The mark phase's work (mgcmark.go): the root jobs, greying objects by
 * setting their mark bits, scanning them through the pointer bitmaps and
 * the words stored in memory, and the accounting the pacer reads. Virtual
 * time is the caller's: each drain returns the nanoseconds its work costs.
 */
export class GCMark {
  readonly work: GCWork;
  /** Root jobs of this cycle (gcMarkRootPrepare): the globals, then each goroutine's stack. */
  private rootGs: G[] = [];
  private rootNext = 0;
  private rootJobs = 0;
  /** Nanoseconds of the work done since the last take(). */
  private ns = 0;
  /** Scan work units done since the last take(). */
  private units = 0;
  /** What a stack scan does besides marking (Sched.stackScanned: counting, shrinking); installed by the collector. */
  onStackScanned: ((g: G) => void) | null = null;
  /** The runtime's other roots (finalizer specials and queue); installed by the collector. */
  extraRoots: (() => void) | null = null;
  /** markrootFreeGStacks (Sched.freeDeadStacks); installed by the collector. */
  freeDeadStacks: (() => void) | null = null;
  /** Whether this drain may take g's stack now (false: the job waits; the drain stops); installed by the collector. */
  mayScanStack: ((g: G) => boolean) | null = null;

  constructor(
    private readonly rt: Runtime,
    private readonly roots: () => RootSet,
    /** What marking costs in virtual time (tests slow it to widen the mark phase against the program). */
    public costs: MarkCosts,
  ) {
    this.work = new GCWork(rt);
  }

  /** gcMarkRootPrepare: the root jobs of a new cycle (the goroutines that exist now). */
  prepareRoots(): void {
    this.rootGs = this.roots().allgs.slice();
    this.rootNext = 0;
    this.rootJobs = 1 + this.rootGs.length;
  }

  rootsDone(): boolean {
    return this.rootNext >= this.rootJobs;
  }

  /** Root jobs taken so far this cycle (work.markrootNext). */
  rootsStarted(): number {
    return this.rootNext;
  }

  /** Work is left: root jobs or grey objects (gcMarkWorkAvailable). */
  available(): boolean {
    return !this.rootsDone() || !this.work.empty();
  }

  /** markroot(i): job 0 scans .data and .bss, job 1 + k goroutine k's stack. */
  private markroot(job: number): void {
    const mem = this.rt.mem;
    if (job === 0) {
      this.freeDeadStacks?.();
      // markrootBlock's scanblock reads every pointer word of the sections
      // as scanobject reads an object's: the same cost per word found.
      let ptrs = 0;
      let nils = 0;
      this.roots().forEachGlobal((slot) => {
        const v = mem.loadWord(slot);
        if (v === 0) nils++;
        else {
          ptrs++;
          this.shade(v);
        }
      });
      this.ns += this.costs.cycle + ptrs * this.costs.pointerWord + nils * this.costs.nilWord;
      // Go scans every word of the sections through their bitmaps: the work is their size.
      const w = this.rt.gcController.globalsScan;
      this.rt.gcController.globalsScanWork += w;
      this.units += w;
      this.extraRoots?.();
      return;
    }
    this.scanstack(this.rootGs[job - 1]!);
  }

  /** scanstack: the pointer slots of g's frames; work is the stack in use (hi − sp). */
  private scanstack(g: G): void {
    if (g.status === _Gdead) return;
    const mem = this.rt.mem;
    forEachStackSlot(g, (slot) => {
      const v = mem.loadWord(slot);
      if (v !== 0) this.shade(v);
    });
    const used = g.stackUsed;
    this.rt.gcController.stackScanWork += used;
    this.units += used;
    this.ns += this.costs.stackGoroutine + used * this.costs.stackByte;
    this.onStackScanned?.(g);
  }

  /** shade(p): grey the object p points into, if it is a heap object; the work is the drain's. */
  shade(p: number): void {
    if (this.greyPointer(p)) this.ns += this.costs.spanMiss;
  }

  /**
   * The write barrier's shade (wbBufFlush): grey what p points into, and
   * say whether reaching its span's record missed the running P's record
   * cache, a cost the caller charges to the writer.
   */
  greyPointer(p: number): boolean {
    const s = this.findObject(p);
    if (s === null) return false;
    // findObject and the mark bits read the span's record: one the core has
    // not seen lately costs a trip past its cache (cache.ts, sequential prefetch).
    // Priced for pointer-free targets only: a scannable one is read by
    // scanobject, whose cache-model misses were fitted to what scattered
    // graphs cost in all (mem.lineMiss), record reads included.
    const rc = s.noscan() ? this.rt.curPRecordCache() : null;
    const miss = rc !== null && !rc.touch(this.rt.mheap.spanRecordAddr(s));
    const idx = s.nelems === 1 ? 0 : s.divideByElemSize(p - s.startAddr);
    this.greyobject(s, idx);
    return miss;
  }

  /** greyobject: set the mark bit; a pointer-free object is then done, others are queued. */
  greyobject(s: MSpan, idx: number): void {
    if (!s.setMarked(idx)) return;
    this.setPageMark(s);
    if (s.noscan()) {
      this.work.bytesMarked += s.elemsize;
      this.ns += this.costs.noscanObject;
      return;
    }
    this.queue(s, idx);
  }

  /** greyobject's second half for a scannable object just marked: queue it. */
  private queue(s: MSpan, idx: number): void {
    this.work.push(s.startAddr + idx * s.elemsize);
    // Go's greyobject prefetches the object it queues, since this P will
    // likely scan it soon; reading its first stored byte now does the same
    // for the host's cache (the value is unused: it only starts the load).
    const sm = s.mem;
    if (s.nelems > 1 && sm !== null) this.prefetched ^= (sm as SlotMem).view.getUint8(idx * (sm as SlotMem).stride);
  }

  /** gcmarknewobject: allocate black during mark. */
  markNew(s: MSpan, x: number): void {
    const idx = s.nelems === 1 ? 0 : s.divideByElemSize(x - s.startAddr);
    s.setMarked(idx);
    this.setPageMark(s);
    this.work.bytesMarked += s.elemsize;
  }

  // The mark loop meets the same span again and again (a node's children
  // mostly sit in its own span or the one it last saw): these one-entry
  // caches skip the arena-map walk then. They hold no state of the model:
  // each answer is exactly what the full lookup gives.

  /** The draining P's cache model (null: none), looked up once per drain. */
  private cache: CacheModel | null = null;
  /** Sink of greyobject's prefetching reads. */
  private prefetched = 0;
  /** The span the last lookup found. */
  private lastSpan: MSpan | null = null;
  /** The start address whose arena page-mark byte is cached (arenas are never freed, so the entry stays right). */
  private pmStart = -1;
  private pmBytes: Uint8Array = new Uint8Array(0);
  private pmByte = 0;
  private pmBit = 0;

  /**
   * findObject(p) through the cache: an in-use span covering p is p's span,
   * since in-use spans never overlap and own every page they cover.
   */
  private findObject(p: number): MSpan | null {
    const l = this.lastSpan;
    if (l !== null && l.state === mSpanInUse && p >= l.startAddr && p < l.startAddr + l.limitOff) return l;
    const s = findObject(this.rt.mheap, p);
    if (s !== null) this.lastSpan = s;
    return s;
  }

  /** Sets the arena's pageMarks bit of s's first page (a span with marked objects). */
  private setPageMark(s: MSpan): void {
    if (s.startAddr !== this.pmStart) {
      this.pmStart = s.startAddr;
      this.pmBytes = this.rt.mheap.arenaOf(s.startAddr)!.pageMarks;
      const page = arenaPageIndex(s.startAddr);
      this.pmByte = page >>> 3;
      this.pmBit = 1 << (page & 7);
    }
    this.pmBytes[this.pmByte]! |= this.pmBit;
  }

  /** scanobject(b): grey everything b points to (large objects one 128 KiB oblet at a time). */
  scanobject(b: number): void {
    const rt = this.rt;
    const mem = rt.mem;
    const s = this.findObject(b)!;
    const base = s.startAddr;
    let n = s.elemsize;
    let lo = b;
    if (n > maxObletBytes) {
      if (b === base) for (let o = b + maxObletBytes; o < base + s.elemsize; o += maxObletBytes) this.work.push(o);
      n = Math.min(base + s.elemsize - b, maxObletBytes);
    }
    const hi = b + n;
    let scanSize = 0;
    let ptrs = 0;
    let nils = 0;
    if (s.elemsize <= minSizeForMallocHeader && s.nelems > 1) {
      const hb = s.heapBits;
      if (hb !== null) {
        // Offsets inside the span fit in int32: `| 0` keeps the index
        // arithmetic in integer registers. The slot's stored words are read
        // straight from its SlotMem as mem.loadWord would find them
        // (memory.ts locateSlot): words past the stored prefix, or in a
        // span nothing was stored in, are zero.
        const rel = (b - base) | 0;
        const w0 = rel >>> 3;
        const words = n >>> 3;
        const sm = s.mem as SlotMem | null;
        const slot = s.divideByElemSize(rel) | 0;
        const o0 = (rel - slot * n) | 0;
        const stored = sm === null ? 0 : sm.stride;
        const at = (slot * stored + o0) | 0;
        // A pointer into this same span (a tree or list allocated in order
        // mostly points next door) is greyed here: the span is in use and
        // scannable, and its page mark was set when b was greyed, so this is
        // shade's whole effect without its lookup.
        // The span's fields it needs are read once, before the loop (V8
        // reloads them around each queue() call otherwise).
        const spanEnd = base + s.limitOff;
        const divMul = s.divMul;
        const mbits = s.gcmarkBits;
        const mbitsOff = s.gcmarkBitsOff;
        for (let w = 0; w < words; w++) {
          const i = (w0 + w) | 0;
          if (((hb[i >>> 5]! >>> (i & 31)) & 1) === 0) continue;
          const off = w << 3;
          scanSize = off + 8;
          const v = o0 + off + 8 > stored ? 0 : loadSlotWord(sm!.view, (at + off) | 0);
          if (v === 0 || (v >= b && v < hi)) {
            nils++;
            continue;
          }
          ptrs++;
          if (v >= base && v < spanEnd) {
            // s.setMarked(idx), then queue.
            const idx = divideByMagic(v - base, divMul);
            const mw = (mbitsOff + (idx >>> 5)) | 0;
            const bit = 1 << (idx & 31);
            const old = mbits[mw]!;
            if ((old & bit) === 0) {
              mbits[mw] = old | bit;
              this.queue(s, idx);
            }
          } else this.shade(v);
        }
      }
    } else {
      let typ: RType | null;
      let obj: number;
      if (s.sizeclass() === 0) {
        typ = s.largeType;
        obj = base;
      } else {
        // A small object with a malloc header: b is its slot; the type is the slot's first word.
        typ = rt.types.at(mem.loadWord(b));
        obj = b + mallocHeaderSize;
      }
      if (typ !== null && typ.ptrdata !== 0) {
        const mask = typ.gcdata;
        const tw = typ.size / 8;
        const pw = typ.ptrdata / 8;
        // Words of [max(lo, obj), hi) whose position in their tile is a pointer word.
        let a = Math.max(lo, obj);
        const end = Math.min(hi, s.sizeclass() === 0 ? s.limit : b + s.elemsize);
        // Past what was ever stored (a slot's stored prefix; a large span's last chunk)
        // every word reads 0: skip the lookup. A runtime p struct has ~1,100 pointer words, nearly all unset.
        const stored = storedEnd(s, b);
        // Words never stored read zero: counted, not visited (typemask.ts), where the type allows.
        const prefix = stored < end ? maskPrefix(typ) : null;
        const headEnd = prefix === null ? end : Math.max(a, Math.min(end, stored));
        let w = ((a - obj) / 8) % tw;
        for (; a < headEnd; a += 8, w++) {
          if (w === tw) w = 0;
          if (w >= pw) {
            a += (tw - w - 1) * 8; // skip the tile's pointer-free tail
            w = tw - 1;
            continue;
          }
          if (mask === null ? !typ.isPointerWord!(w) : ((mask[w >>> 3]! >>> (w & 7)) & 1) === 0) continue;
          scanSize = a - b + 8;
          const v = a >= stored ? 0 : mem.loadWord(a);
          if (v === 0 || (v >= b && v < hi)) {
            nils++;
            continue;
          }
          ptrs++;
          this.shade(v);
        }
        if (prefix !== null && headEnd < end) {
          const tail = pointerWordsIn(typ, prefix, (headEnd - obj) / 8, (end - obj) / 8);
          nils += tail.count;
          if (tail.last >= 0) scanSize = obj + tail.last * 8 - b + 8;
        }
      }
    }
    this.work.bytesMarked += n;
    this.rt.gcController.heapScanWork += scanSize;
    this.units += scanSize;
    const c = this.costs;
    // The words read, up to the last pointer word: scattered objects miss the cache.
    const cache = this.cache;
    const misses = scanSize > 0 && cache !== null ? cache.touchRange(b, scanSize) : 0;
    this.ns += c.object + ptrs * c.pointerWord + nils * c.nilWord + misses * c.lineMiss;
  }

  /**
   * gcDrain: root jobs, then grey objects, until `budgetNs` of work is done,
   * `budgetUnits` of scan work is done, one root job is done (oneRoot: a
   * fractional worker checks whether to stop after each), or nothing is
   * left. take() has the cost and the work.
   */
  drain(budgetNs: number, budgetUnits = Infinity, oneRoot = false): void {
    const startUnits = this.units;
    this.cache = this.rt.curPCache();
    while (this.ns < budgetNs && this.units - startUnits < budgetUnits) {
      if (this.rootNext < this.rootJobs) {
        if (this.rootNext > 0 && this.mayScanStack !== null && !this.mayScanStack(this.rootGs[this.rootNext - 1]!)) break;
        this.markroot(this.rootNext++);
        if (oneRoot) break;
        continue;
      }
      const b = this.work.pop();
      if (b === 0) break;
      this.scanobject(b);
    }
  }

  /** The cost (ns) and scan work of what was done since the last take. */
  take(): { ns: number; units: number } {
    const r = { ns: this.ns, units: this.units };
    this.ns = 0;
    this.units = 0;
    return r;
  }

  /** gcMarkTinyAllocs: grey every P's current tiny block (its sub-objects are not individually marked). */
  markTinyAllocs(): void {
    for (const p of this.rt.allp) {
      const t = p.mcache.tiny;
      if (t !== 0) this.shade(t);
    }
  }
}
