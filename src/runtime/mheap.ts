// The page heap (mheap.go): spans carved from the page allocator, heap
// growth in 4 MiB steps inside 64 MiB arenas, the span lookup tables of
// each arena, and the accounting every span allocation and free moves
// between heapFree, heapReleased, heapInUse and the stack/workbuf stats.
//
// allocSpan, as in Go:
//   1. With a P and npages < 16: take pages from the P's page cache
//      (refilled from the page allocator when empty) and an mspan from the
//      P's mspan cache, without the heap lock.
//   2. Otherwise: pageAlloc.alloc; if that fails, grow the heap and retry.
//   3. Scavenge synchronously if the memory limit (unless the GC CPU limiter
//      is on) or, after a heap growth, the GOGC-based retained goal is
//      exceeded (mgcscavenge_bg.ts allocScavenge).
//   4. initSpan; if the pages were scavenged, sysUsed them.
//   5. Move the bytes from heapFree/heapReleased to heapInUse (or stacks…).

import { type ArenaHint, ArenaMap, HeapArena, arenaIndex, arenaL2MapBytes, arenaPageIndex, heapArenaBytes, heapArenaSize, initialArenaHints, pageIndexOf, pagesPerArena } from './malloc_arena.ts';
import { MCentral, type MCentralEnv } from './mcentral.ts';
import type { SysMemory } from './mem.ts';
import { physPageSize } from './mem.ts';
import { FixAlloc } from './mfixalloc.ts';
import type { GcControllerState } from './mgcpacer.ts';
import type { ScavengeState } from './mgcscavenge_bg.ts';
import type { EventStream } from '../sim/events.ts';
import type { RuntimeEvents, SpanUse } from './traceevent.ts';
import { GCBitsArenas } from './mheap_gcbits.ts';
import { PageAlloc } from './mpagealloc.ts';
import { pallocChunkPages } from './mpallocbits.ts';
import { allocToCache, pageCachePages } from './mpagecache.ts';
import { SpanSetBlockPool, type SpanSetMemory } from './mspanset.ts';
import {
  MSpan,
  type SpanClass,
  mSpanDead,
  mSpanInUse,
  mSpanManual,
  numSpanClasses,
  spanAllocHeap,
  spanAllocPtrScalarBits,
  spanAllocStack,
  spanAllocWorkBuf,
  spanClassNoscan,
  spanClassSizeclass,
} from './mspan.ts';
import type { MemStats } from './mstats.ts';
import type { PersistentAlloc, PersistentAllocator } from './persistentalloc.ts';
import { mspanCacheCap, type P } from './runtime2.ts';
import { class_to_size } from './sizeclasses.ts';
import { minSizeForMallocHeader, pageSize } from './sizeclasses_const.ts';

/** unsafe.Sizeof(mspan{}) and unsafe.Sizeof(mcache{}) on linux/amd64, Go 1.23. */
export const mspanSize = 160;
export const mcacheSize = 1200;
export const arenaHintSize = 24;

const alignUp = (n: number, a: number): number => Math.ceil(n / a) * a;
/** The span events' name of each spanAllocType, by its value. */
const spanUses: readonly SpanUse[] = ['heap', 'stack', 'bits', 'workbuf'];

/** What the heap needs from the runtime around it. */
export interface MHeapEnv {
  readonly sys: SysMemory;
  readonly memstats: MemStats;
  readonly gcController: GcControllerState;
  readonly persistent: PersistentAllocator;
  /** The P the running code holds, or null (bootstrap, system stack without P). */
  currentP(): P | null;
  /** mheap.reclaim + sweep credit, once the sweeper exists; null until then. */
  readonly sweeper: MCentralEnv['sweeper'];
  deductSweepCredit(spanBytes: number, callerSweepPages: number): void;
  reclaim(npages: number): void;
  isSweepDone(): boolean;
  /** Synchronous scavenging after a span allocation (mgcscavenge); returns bytes released. */
  allocScavenge?(bytesToScavenge: number, force: boolean): number;
  /** The scavenger's goals and the GC CPU limiter (Go's `scavenge`, gcCPULimiter). */
  readonly scavenge?: ScavengeState;
  /** The runtime's event stream: span and scavenger events for observers. */
  readonly events?: EventStream<RuntimeEvents>;
  /** The virtual clock the events are stamped with. */
  readonly clock?: { readonly now: number };
  /** Writes the heap bits of a fresh scan span (mbitmap.go initHeapBits). */
  initHeapBits(s: MSpan): void;
}

export class MHeap {
  readonly pages: PageAlloc;
  /** Incremented by 2 each GC. */
  sweepgen = 0;
  /** Pages in mSpanInUse spans. */
  pagesInUse = 0;
  pagesSwept = 0;
  pagesSweptBasis = 0;
  sweepHeapLiveBasis = 0;
  sweepPagesPerByte = 0;
  reclaimIndex = 0;
  reclaimCredit = 0;

  /** Arena index → metadata (Go: the single L2 array, arenas[0]). */
  readonly arenas = new ArenaMap();
  /** Simulated address of the 32 MiB arena L2 map, once created. */
  arenaL2Addr = 0;
  arenasHugePages = false;
  arenaHints: ArenaHint[];
  readonly userArenaHints: ArenaHint[];
  /** Arena indices in allocation order (h.allArenas). */
  readonly allArenas: number[] = [];
  private allArenasCap = 0;
  private allArenasAddr = 0;
  sweepArenas: number[] = [];
  markArenas: number[] = [];
  /** The part of the current arena not yet handed to the page allocator. */
  readonly curArena = { base: 0, end: 0 };

  /** Every mspan ever created (h.allspans), and its backing array; span id i is allspans[i − 1]. */
  readonly allspans: MSpan[] = [];
  private allspansCap = 0;
  private allspansAddr = 0;

  readonly central: MCentral[] = [];
  readonly spanalloc: FixAlloc;
  readonly cachealloc: FixAlloc;
  readonly arenaHintAlloc: FixAlloc;
  readonly gcBits: GCBitsArenas;
  readonly spanSetBlockPool: SpanSetBlockPool;
  /**
   * The MSpan objects of freed mspan records, in the order spanalloc's free
   * list holds the records (both LIFO), so that a reused record comes back
   * with its own MSpan.
   */
  private readonly freeSpanObjs: MSpan[] = [];

  constructor(private readonly env: MHeapEnv) {
    const { memstats, persistent } = env;
    this.spanalloc = new FixAlloc(mspanSize, memstats.mspan_sys, persistent, (p) => this.recordspan(p));
    // mspan records are not zeroed on reuse: sweepgen must survive (mheap.init).
    this.spanalloc.zero = false;
    this.cachealloc = new FixAlloc(mcacheSize, memstats.mcache_sys, persistent);
    this.arenaHintAlloc = new FixAlloc(arenaHintSize, memstats.other_sys, persistent);
    this.gcBits = new GCBitsArenas(env.sys, memstats);
    const setMem: SpanSetMemory = {
      persistentalloc: (size, align, stat) => persistent.alloc(size, align, stat, this.palloc()),
      touch: (a, n) => env.sys.touch(a, n),
      gcMiscSys: memstats.gcMiscSys,
    };
    this.spanSetBlockPool = new SpanSetBlockPool(setMem);
    const centralEnv: MCentralEnv = {
      sweepgen: () => this.sweepgen,
      allocSpan: (npages, spc) => this.alloc(npages, spc),
      initHeapBits: (s) => env.initHeapBits(s),
      deductSweepCredit: (b, p) => env.deductSweepCredit(b, p),
      sweeper: env.sweeper,
    };
    for (let i = 0; i < numSpanClasses; i++) this.central.push(new MCentral(i, centralEnv, this.spanSetBlockPool, setMem));
    this.pages = new PageAlloc();
    this.pages.init(env.sys, memstats.gcMiscSys, false, {
      persistentalloc: (size, align, stat) => void persistent.alloc(size, align, stat, this.palloc()),
      arenaMapped: (addr) => this.arenas.of(addr) !== null,
    });
    // What scavengeOne does to the heap statistics after each sysUnused.
    this.pages.accounting = {
      released: (addr, n) => {
        const ev = env.events;
        if (ev?.wants('scavenge')) ev.emit('scavenge', { t: env.clock?.now ?? 0, addr, bytes: n, who: env.scavenge?.releasing ?? 'background' });
        const gc = env.gcController;
        gc.heapReleased.add(n);
        gc.heapFree.add(-n);
        memstats.heapStats.committed -= n;
        memstats.heapStats.released += n;
      },
    };
    const hints = initialArenaHints();
    this.arenaHints = hints.heap;
    this.userArenaHints = hints.userArena;
  }

  /** Allocates the 128 arenaHint records mallocinit creates (their memory is OtherSys). */
  allocArenaHintRecords(): void {
    for (const h of [...this.arenaHints, ...this.userArenaHints]) h.rec = this.arenaHintAlloc.alloc(null);
  }

  private palloc(): PersistentAlloc | null {
    return this.env.currentP()?.palloc ?? null;
  }

  // ── span records ───────────────────────────────────────────────────────

  /** recordspan: h.allspans grows by sysAlloc (64 KiB, then ×1.5), charged to OtherSys. */
  private recordspan(p: number): void {
    if (this.allspans.length >= this.allspansCap) {
      let n = (64 * 1024) / 8;
      if (n < Math.floor((this.allspansCap * 3) / 2)) n = Math.floor((this.allspansCap * 3) / 2);
      const addr = this.env.sys.sysAlloc(n * 8, this.env.memstats.other_sys, 'allspans');
      if (addr === 0) throw new Error('runtime: cannot allocate memory');
      if (this.allspans.length > 0) this.env.sys.touch(addr, this.allspans.length * 8);
      if (this.allspansCap !== 0) this.env.sys.sysFree(this.allspansAddr, this.allspansCap * 8, this.env.memstats.other_sys);
      this.allspansAddr = addr;
      this.allspansCap = n;
    }
    const s = new MSpan();
    this.env.sys.touch(this.allspansAddr + this.allspans.length * 8, 8);
    this.allspans.push(s);
    s.id = this.allspans.length;
    if (s.id >= this.recordAddrs.length) {
      const grown = new Float64Array(this.recordAddrs.length * 2);
      grown.set(this.recordAddrs);
      this.recordAddrs = grown;
    }
    this.recordAddrs[s.id] = p;
  }

  /** Addresses of the mspan records, by span id (kept beside the MSpans, not in them). */
  private recordAddrs = new Float64Array(1024);

  /** The simulated address of span s's mspan record. */
  spanRecordAddr(s: MSpan): number {
    return this.recordAddrs[s.id]!;
  }

  /** The span with this id (HeapArena.spans entries), or null for 0. */
  spanById(id: number): MSpan | null {
    return id === 0 ? null : this.allspans[id - 1]!;
  }

  /** spanalloc.alloc, returning the MSpan object of the record. */
  private spanRecord(palloc: PersistentAlloc | null): MSpan {
    const reused = this.freeSpanObjs.pop();
    const p = this.spanalloc.alloc(palloc);
    if (reused !== undefined) {
      if (this.spanRecordAddr(reused) !== p) throw new Error(`mspan record ${p.toString(16)} reused out of order`);
      return reused;
    }
    return this.allspans[this.allspans.length - 1]!;
  }

  allocMSpanLocked(): MSpan {
    const pp = this.env.currentP();
    if (pp === null) return this.spanRecord(null);
    if (pp.mspancache.length === 0) {
      const refillCount = mspanCacheCap / 2;
      for (let i = 0; i < refillCount; i++) pp.mspancache.push(this.spanRecord(pp.palloc));
    }
    return pp.mspancache.pop()!;
  }

  freeMSpanLocked(s: MSpan): void {
    const pp = this.env.currentP();
    if (pp !== null && pp.mspancache.length < mspanCacheCap) {
      pp.mspancache.push(s);
      return;
    }
    this.spanalloc.free(this.spanRecordAddr(s));
    this.freeSpanObjs.push(s);
  }

  tryAllocMSpan(): MSpan | null {
    const pp = this.env.currentP();
    if (pp === null || pp.mspancache.length === 0) return null;
    return pp.mspancache.pop()!;
  }

  // ── arenas ─────────────────────────────────────────────────────────────

  /**
   * mheap.sysAlloc: reserves at least n bytes of arena space (64 MiB units)
   * at the next hint, creating each arena's metadata. Returns the Reserved
   * region, or null.
   */
  sysAlloc(n: number, register: boolean): { v: number; size: number } | null {
    const sys = this.env.sys;
    n = alignUp(n, heapArenaBytes);
    let v = 0;
    let size = 0;
    const hints = this.arenaHints;
    while (hints.length > 0) {
      const hint = hints[0]!;
      let p = hint.addr;
      if (hint.down) p -= n;
      let got = 0;
      if (p >= 0 && arenaIndex(p + n - 1) < 2 ** 22) got = sys.sysReserve(p, n, 'heap-arena');
      if (got === p && got !== 0) {
        if (!hint.down) p += n;
        hint.addr = p;
        v = got;
        size = n;
        break;
      }
      // The kernel put it elsewhere (or refused): give it back and drop the hint.
      if (got !== 0) sys.sysFreeOS(got, n);
      hints.shift();
      this.arenaHintAlloc.free(hint.rec);
    }
    if (size === 0) {
      const r = this.sysReserveAligned(n, heapArenaBytes);
      if (r === null) return null;
      v = r.v;
      size = r.size;
      hints.unshift({ addr: v, down: true, rec: this.arenaHintAlloc.alloc(this.palloc()) });
      hints.unshift({ addr: v + size, down: false, rec: this.arenaHintAlloc.alloc(this.palloc()) });
    }
    for (let ri = arenaIndex(v); ri <= arenaIndex(v + size - 1); ri++) {
      if (this.arenaL2Addr === 0) {
        const l2 = sys.sysAllocOS(arenaL2MapBytes, 'arena-index');
        if (l2 === 0) throw new Error('out of memory allocating heap arena map');
        if (this.arenasHugePages) sys.sysHugePage(l2, arenaL2MapBytes);
        else sys.sysNoHugePage(l2, arenaL2MapBytes);
        this.arenaL2Addr = l2;
      }
      if (this.arenas.get(ri) !== null) throw new Error('arena already initialized');
      const addr = this.env.persistent.alloc(heapArenaSize, 8, this.env.memstats.gcMiscSys, this.palloc(), 'heap-arena-metadata');
      const ha = new HeapArena(ri, addr);
      if (register) {
        if (this.allArenas.length === this.allArenasCap) {
          const bytes = this.allArenasCap === 0 ? physPageSize : 2 * this.allArenasCap * 8;
          this.allArenasAddr = this.env.persistent.alloc(bytes, 8, this.env.memstats.gcMiscSys, this.palloc(), 'heap-arena-metadata');
          if (this.allArenas.length > 0) sys.touch(this.allArenasAddr, this.allArenas.length * 8);
          this.allArenasCap = bytes / 8;
        }
        sys.touch(this.allArenasAddr + this.allArenas.length * 8, 8);
        this.allArenas.push(ri);
      }
      this.arenas.set(ri, ha);
      sys.touch(this.arenaL2Addr + ri * 8, 8);
    }
    return { v, size };
  }

  private sysReserveAligned(size: number, align: number): { v: number; size: number } | null {
    const sys = this.env.sys;
    const p = sys.sysReserve(0, size + align, 'heap-arena');
    if (p === 0) return null;
    if (p % align === 0) return { v: p, size: size + align }; // aligned by luck: keep it all
    const pAligned = alignUp(p, align);
    sys.sysFreeOS(p, pAligned - p);
    const end = pAligned + size;
    const endLen = p + size + align - end;
    if (endLen > 0) sys.sysFreeOS(end, endLen);
    return { v: pAligned, size };
  }

  arenaOf(p: number): HeapArena | null {
    return this.arenas.of(p);
  }

  /** spanOf: the span containing p, or null (any state; check before use). */
  spanOf(p: number): MSpan | null {
    const ha = this.arenas.of(p);
    if (ha === null) return null;
    const id = ha.spans[arenaPageIndex(p)]!;
    return id === 0 ? null : this.allspans[id - 1]!;
  }

  /** spanOfHeap: the in-use heap span containing p, or null. */
  spanOfHeap(p: number): MSpan | null {
    const s = this.spanOf(p);
    if (s === null || s.state !== mSpanInUse || p < s.startAddr || p >= s.limit) return null;
    return s;
  }

  // ── growth ─────────────────────────────────────────────────────────────

  /**
   * mheap.grow: adds at least npage pages (in whole 4 MiB chunks) to the
   * page allocator, reserving a new arena when the current one is full.
   * Returns the bytes added, or -1 when the OS refuses.
   */
  grow(npage: number): number {
    const sys = this.env.sys;
    const gc = this.env.gcController;
    const hs = this.env.memstats.heapStats;
    const ask = alignUp(npage, pallocChunkPages) * pageSize;
    let totalGrowth = 0;
    const end = this.curArena.base + ask;
    let nBase = alignUp(end, physPageSize);
    if (nBase > this.curArena.end) {
      const r = this.sysAlloc(ask, true);
      if (r === null) {
        const inUse = gc.heapFree.bytes + gc.heapReleased.bytes + gc.heapInUse.bytes;
        this.outOfMemoryMessage = `runtime: out of memory: cannot allocate ${ask}-byte block (${inUse} in use)`;
        return -1;
      }
      if (r.v === this.curArena.end) {
        this.curArena.end = r.v + r.size;
      } else {
        // A new, discontiguous arena: hand the rest of the old one to the page allocator.
        const size = this.curArena.end - this.curArena.base;
        if (size !== 0) {
          sys.sysMap(this.curArena.base, size, gc.heapReleased);
          hs.released += size;
          this.pages.grow(this.curArena.base, size);
          this.grewEvent(this.curArena.base, size);
          totalGrowth += size;
        }
        this.curArena.base = r.v;
        this.curArena.end = r.v + r.size;
      }
      nBase = alignUp(this.curArena.base + ask, physPageSize);
    }
    const v = this.curArena.base;
    this.curArena.base = nBase;
    sys.sysMap(v, nBase - v, gc.heapReleased);
    hs.released += nBase - v;
    this.pages.grow(v, nBase - v);
    this.grewEvent(v, nBase - v);
    totalGrowth += nBase - v;
    return totalGrowth;
  }

  /** The heap grew by [base, base+bytes): mapped, and released (scavenged) until a span takes it. */
  private grewEvent(base: number, bytes: number): void {
    const ev = this.env.events;
    if (ev?.wants('heapGrow')) ev.emit('heapGrow', { t: this.env.clock?.now ?? 0, base, bytes });
  }

  /**
   * enableMetadataHugePages (malloc.go), at mark termination once the heap
   * goal passes 1 GiB: huge pages for the page allocator's chunk bitmaps
   * and for the arena L2 map (on amd64 the only L2 block), which were
   * mapped MADV_NOHUGEPAGE; later ones get MADV_HUGEPAGE when made. Their
   * cost is one huge page each at most, small beside such a heap.
   */
  enableMetadataHugePages(): void {
    this.pages.enableChunkHugePages();
    if (this.arenasHugePages) return;
    this.arenasHugePages = true;
    if (this.arenaL2Addr !== 0) this.env.sys.sysHugePage(this.arenaL2Addr, arenaL2MapBytes);
  }

  /** Set when grow fails: the line Go prints before throwing. */
  outOfMemoryMessage = '';

  // ── span allocation ────────────────────────────────────────────────────

  /** mheap.alloc: a heap span for objects of spanclass (reclaiming first while sweeping). */
  alloc(npages: number, spanclass: SpanClass): MSpan | null {
    if (!this.env.isSweepDone()) this.env.reclaim(npages);
    return this.allocSpan(npages, spanAllocHeap, spanclass);
  }

  /** mheap.allocManual: a span for stacks, workbufs or unrolled GC programs. */
  allocManual(npages: number, typ: number): MSpan | null {
    if (typ === spanAllocHeap) throw new Error('manual span allocation called with non-manually-managed type');
    return this.allocSpan(npages, typ, 0);
  }

  allocSpan(npages: number, typ: number, spanclass: SpanClass): MSpan | null {
    const gc = this.env.gcController;
    let base = 0;
    let scav = 0;
    let growth = 0;
    let s: MSpan | null = null;
    const pp = this.env.currentP();
    if (pp !== null && npages < pageCachePages / 4) {
      if (pp.pcache.empty()) allocToCache(this.pages, pp.pcache);
      [base, scav] = pp.pcache.alloc(npages);
      if (base !== 0) s = this.tryAllocMSpan();
    }
    if (s === null) {
      if (base === 0) {
        [base, scav] = this.pages.alloc(npages);
        if (base === 0) {
          growth = this.grow(npages);
          if (growth < 0) return null;
          [base, scav] = this.pages.alloc(npages);
          if (base === 0) throw new Error('grew heap, but no adequate free space found');
        }
      }
      s = this.allocMSpanLocked();
    }

    // Synchronous scavenging, before sysUsed may commit the pages: the
    // larger of what the memory limit needs (forced: density ignored) and,
    // after a growth, what takes retained memory back to the GOGC goal.
    const sc = this.env.scavenge;
    if (this.env.allocScavenge && sc !== undefined) {
      let bytesToScavenge = 0;
      let force = false;
      if (sc.limiter === null || !sc.limiter.limiting()) {
        const limit = gc.memoryLimitNum;
        const inuse = this.env.sys.mappedReady;
        if (scav + inuse > limit) {
          bytesToScavenge = scav + inuse - limit;
          force = true;
        }
      }
      const goal = sc.gcPercentGoal;
      if (goal !== Infinity && growth > 0) {
        const retained = gc.heapInUse.bytes + gc.heapFree.bytes;
        if (retained + growth > goal) {
          const todo = Math.min(growth, retained + growth - goal);
          if (todo > bytesToScavenge) bytesToScavenge = todo;
        }
      }
      // Without a P (a few start-up paths) something else picks up the tab.
      if (pp !== null && bytesToScavenge > 0) this.env.allocScavenge(bytesToScavenge, force);
    }

    this.initSpan(s, typ, spanclass, base, npages);

    const nbytes = npages * pageSize;
    if (scav !== 0) {
      this.env.sys.sysUsed(base, nbytes, scav);
      gc.heapReleased.add(-scav);
    }
    gc.heapFree.add(-(nbytes - scav));
    if (typ === spanAllocHeap) gc.heapInUse.add(nbytes);
    const hs = this.env.memstats.heapStats;
    hs.committed += scav;
    hs.released -= scav;
    this.chargeSpanType(typ, nbytes);
    const ev = this.env.events;
    if (ev?.wants('spanAlloc')) ev.emit('spanAlloc', { t: this.env.clock?.now ?? 0, base, npages, spanclass: typ === spanAllocHeap ? spanclass : 0, use: spanUses[typ]!, scav });
    return s;
  }

  /** The consistent stat a span of this type is counted in (inHeap, inStacks, …). */
  private chargeSpanType(typ: number, bytes: number): void {
    const hs = this.env.memstats.heapStats;
    if (typ === spanAllocHeap) hs.inHeap += bytes;
    else if (typ === spanAllocStack) hs.inStacks += bytes;
    else if (typ === spanAllocPtrScalarBits) hs.inPtrScalarBits += bytes;
    else if (typ === spanAllocWorkBuf) hs.inWorkBufs += bytes;
  }

  initSpan(s: MSpan, typ: number, spanclass: SpanClass, base: number, npages: number): void {
    const sys = this.env.sys;
    s.init(base, npages);
    if (this.allocNeedsZero(base, npages)) s.needzero = 1;
    const nbytes = npages * pageSize;
    if (typ !== spanAllocHeap) {
      s.nelems = 0;
      s.limit = s.startAddr + nbytes;
      s.state = mSpanManual;
    } else {
      s.setSpanClass(spanclass);
      const sizeclass = spanClassSizeclass(spanclass);
      if (sizeclass === 0) {
        s.elemsize = nbytes;
        s.nelems = 1;
      } else {
        s.elemsize = class_to_size[sizeclass]!;
        if (!spanClassNoscan(spanclass) && s.elemsize <= minSizeForMallocHeader) {
          // The last nbytes/64 bytes hold the span's pointer bitmap.
          s.nelems = Math.floor((nbytes - nbytes / 64) / s.elemsize);
        } else {
          s.nelems = Math.floor(nbytes / s.elemsize);
        }
      }
      s.freeindex = 0;
      s.freeIndexForScan = 0;
      s.cacheLo = -1;
      s.cacheHi = -1;
      const mark = this.gcBits.newMarkBits(s.nelems);
      s.gcmarkBits = mark.words;
      s.gcmarkBitsOff = mark.off;
      const alloc = this.gcBits.newAllocBits(s.nelems);
      s.allocBits = alloc.words;
      s.allocBitsOff = alloc.off;
      s.sweepgen = this.sweepgen;
      s.state = mSpanInUse;
    }
    sys.touch(this.spanRecordAddr(s), mspanSize);
    this.setSpans(base, npages, s);
    if (typ === spanAllocHeap) {
      const { arenaIdx, pageIdx, pageMask } = pageIndexOf(base);
      const ha = this.arenas.get(arenaIdx)!;
      ha.pageInUse[pageIdx]! |= pageMask;
      sys.touch(ha.pageInUseAddr(pageIdx), 1);
      this.pagesInUse += npages;
    }
  }

  setSpans(base: number, npage: number, s: MSpan | null): void {
    let first = arenaPageIndex(base);
    let n = 0;
    const id = s === null ? 0 : s.id;
    while (n < npage) {
      const ha = this.arenas.of(base + n * pageSize)!;
      const count = Math.min(npage - n, pagesPerArena - first);
      ha.spans.fill(id, first, first + count);
      this.env.sys.touch(ha.spansEntryAddr(first), count * 8);
      n += count;
      first = 0;
    }
  }

  /**
   * allocNeedsZero: fresh memory above each arena's zeroedBase is known to
   * be zero (the OS gave it); memory below it was handed out before.
   */
  allocNeedsZero(base: number, npage: number): boolean {
    let needZero = false;
    while (npage > 0) {
      const ha = this.arenas.of(base)!;
      const zeroedBase = ha.zeroedBase;
      const arenaBase = base % heapArenaBytes;
      if (arenaBase < zeroedBase) needZero = true;
      const arenaLimit = Math.min(arenaBase + npage * pageSize, heapArenaBytes);
      if (arenaLimit > zeroedBase) {
        ha.zeroedBase = arenaLimit;
        this.env.sys.touch(ha.zeroedBaseAddr(), 8);
      }
      base += arenaLimit - arenaBase;
      npage -= (arenaLimit - arenaBase) / pageSize;
    }
    return needZero;
  }

  // ── freeing ────────────────────────────────────────────────────────────

  freeSpan(s: MSpan): void {
    this.freeSpanLocked(s, spanAllocHeap);
  }

  freeManual(s: MSpan, typ: number): void {
    s.needzero = 1;
    this.freeSpanLocked(s, typ);
  }

  freeSpanLocked(s: MSpan, typ: number): void {
    const gc = this.env.gcController;
    if (s.state === mSpanManual) {
      if (s.allocCount !== 0) throw new Error('mheap.freeSpanLocked - invalid stack free');
    } else if (s.state === mSpanInUse) {
      if (s.allocCount !== 0 || s.sweepgen !== this.sweepgen) {
        throw new Error(`mheap.freeSpanLocked - invalid free (allocCount ${s.allocCount}, sweepgen ${s.sweepgen}/${this.sweepgen})`);
      }
      this.pagesInUse -= s.npages;
      const { arenaIdx, pageIdx, pageMask } = pageIndexOf(s.startAddr);
      const ha = this.arenas.get(arenaIdx)!;
      ha.pageInUse[pageIdx]! &= ~pageMask;
      this.env.sys.touch(ha.pageInUseAddr(pageIdx), 1);
    } else {
      throw new Error('mheap.freeSpanLocked - invalid span state');
    }
    const nbytes = s.npages * pageSize;
    gc.heapFree.add(nbytes);
    if (typ === spanAllocHeap) gc.heapInUse.add(-nbytes);
    this.chargeSpanType(typ, -nbytes);
    this.pages.free(s.startAddr, s.npages);
    const ev = this.env.events;
    if (ev?.wants('spanFree')) ev.emit('spanFree', { t: this.env.clock?.now ?? 0, base: s.startAddr, npages: s.npages, spanclass: typ === spanAllocHeap ? s.spanclass : 0, use: spanUses[typ]!, scav: 0 });
    s.state = mSpanDead;
    this.freeMSpanLocked(s);
  }
}
