// The page allocator: which 8 KiB runtime pages of the heap are free, found
// address-ordered first-fit through a radix tree of free-run summaries over
// per-chunk bitmaps. Mirrors Go 1.23 mpagealloc.go (pageAlloc: init, grow,
// enableChunkHugePages, update, allocRange, findMappedAddr, find, alloc,
// free, mergeSummaries) and the addrRanges of mranges.go it needs.
//
// Structure (see mpagealloc_64bit.ts for the address layout):
//
//   summary[0]  L0 ▕████████████████▏ 2^14 entries, one per 16 GiB
//   summary[1]  L1   ▕▏▕▏▕▏…            blocks of 8 entries, one per 2 GiB
//    …
//   summary[4]  L4 (leaves)            one pallocSum per 4 MiB chunk
//   chunks[l1][l2]                     one pallocData (alloc + scavenged bits) per chunk,
//                                      L2 blocks of 8192 chunks = 1 MiB, sysAlloc'd
//
// alloc(npages), step by step:
//   1. searchAddr's chunk ≥ end → fail: the heap is exhausted.
//   2. Fast path: if the rest of searchAddr's chunk could hold npages and its
//      leaf summary's max ≥ npages, search that chunk's bitmap from there.
//   3. Otherwise find(): walk the summary levels from L0, at each level
//      scanning one block for a run of npages across entries (done) or an
//      entry whose max ≥ npages (descend), then search the leaf's bitmap.
//   4. allocRange: set the bits, clear their scavenged bits (returned as
//      bytes), tell the scavenge index, update the summaries bottom-up.
//   5. Raise searchAddr to the better lower bound the search found.
//
// gomem specifics:
// - Summaries, chunk bitmaps and the scavenge index live at simulated
//   addresses obtained from SysMemory (sysReserve / sysMap / sysAlloc), and
//   every first write to one of their 4 KiB pages calls sys.touch (first
//   read of an unwritten page: sys.touchRead), so the kernel model's RSS for
//   this metadata is real Go's. Chunk bitmaps are touched per 128-byte
//   pallocData, which lies within one page.
// - Go's multiple results come back as tuples (alloc → [addr, scav]): a
//   small array per span, not per object. The bitmap searches, which run
//   per word, pack their two small results into one number instead
//   (mpallocbits.ts).
// - mheap's lock is not modelled: gomem runs one goroutine at a time.
// - findMappedAddr checks mheap's arena map only through the optional
//   hooks.arenaMapped; without it, it uses inUse (Go's test path).

import type { SysMemStat, SysMemory } from './mem.ts';
import { pageSize } from './sizeclasses_const.ts';
import {
  findIndex,
  findSearchIdx,
  freeChunkSumHi,
  freeChunkSumLo,
  maxPackedValue,
  pageBitsPopcntRange,
  pageBitsSetRange,
  pallocBitsFree,
  pallocBitsFree1,
  pallocBitsFreeAll,
  pallocChunkPages,
  pallocDataAllocAll,
  pallocDataAllocRange,
  pallocDataBytes,
  pallocDataWords,
  pallocFind,
  pallocSumEnd,
  pallocSumMax,
  pallocSumOut,
  pallocSumStart,
  pageBitsGet,
  scavengedOffset,
  summarize,
} from './mpallocbits.ts';
import {
  SysArray,
  addrsToSummaryRange,
  alignDown,
  alignUp,
  chunkBase,
  chunkIndex,
  chunkL1,
  chunkL2,
  chunkPageIndex,
  levelBits,
  levelIndexToOffAddr,
  levelLogPages,
  maxOffAddr,
  maxSearchAddr,
  minOffAddr,
  offAddrToLevelIndex,
  pallocChunkBytes,
  pallocChunksL1Bits,
  pallocChunksL2Bits,
  slot,
  summaryLevels,
  sysGrow,
  sysInit,
} from './mpagealloc_64bit.ts';
import { ScavengeIndex, scavenge } from './mgcscavenge.ts';
import type { ScavengeAccounting } from './mgcscavenge.ts';
import { PageCache, allocToCache } from './mpagecache.ts';

export { pallocChunkPages, pallocChunkBytes };

/** sizeof(*pageAlloc.chunks[0]): one L2 block of chunk bitmaps, 1 MiB. */
export const chunkBlockBytes = (1 << pallocChunksL2Bits) * pallocDataBytes;
const chunkBlockWords = (1 << pallocChunksL2Bits) * pallocDataWords;
const chunkBlockPages = chunkBlockBytes / 4096;
/** sizeof(addrRange): two offAddrs. */
const addrRangeBytes = 16;

// ──────────────────────── addrRanges (mranges.go) ────────────────────────

/** An address range [base, limit). */
export interface AddrRange {
  base: number;
  limit: number;
}

/**
 * addrRanges: sorted, coalesced, non-overlapping address ranges. Its backing
 * array is persistentalloc'd in Go (16 entries, doubled when full, the old
 * one leaked): `grew` reports each such allocation so it can be charged.
 */
export class AddrRanges {
  ranges: AddrRange[] = [];
  totalBytes = 0;
  /** Capacity of the (simulated) backing array. */
  cap = 16;
  /** Called with the byte size of every new backing array (persistentalloc). */
  grew: ((bytes: number) => void) | null = null;

  /** findSucc: the first index whose range base is above addr. */
  findSucc(addr: number): number {
    const r = this.ranges;
    let bot = 0;
    let top = r.length;
    while (top - bot > 8) {
      const i = (bot + top) >>> 1;
      if (r[i]!.base <= addr && addr < r[i]!.limit) return i + 1;
      if (addr < r[i]!.base) top = i;
      else bot = i + 1;
    }
    for (let i = bot; i < top; i++) if (addr < r[i]!.base) return i;
    return top;
  }

  /** findAddrGreaterEqual: the smallest address in the ranges >= addr, or null. */
  findAddrGreaterEqual(addr: number): number | null {
    const i = this.findSucc(addr);
    if (i === 0) return this.ranges[0]!.base;
    if (this.ranges[i - 1]!.limit > addr) return addr;
    if (i < this.ranges.length) return this.ranges[i]!.base;
    return null;
  }

  contains(addr: number): boolean {
    const i = this.findSucc(addr);
    return i > 0 && addr < this.ranges[i - 1]!.limit;
  }

  /** add inserts [base, limit), which must not overlap any range; coalesces neighbours. */
  add(base: number, limit: number): void {
    if (!(base < limit)) throw new Error(`attempted to add zero-sized address range {0x${base.toString(16)}, 0x${limit.toString(16)}}`);
    const r = this.ranges;
    const i = this.findSucc(base);
    const down = i > 0 && r[i - 1]!.limit === base;
    const up = i < r.length && limit === r[i]!.base;
    if (down && up) {
      r[i - 1]!.limit = r[i]!.limit;
      r.splice(i, 1);
    } else if (down) {
      r[i - 1]!.limit = limit;
    } else if (up) {
      r[i]!.base = base;
    } else {
      if (r.length + 1 > this.cap) {
        this.cap *= 2;
        this.grew?.(this.cap * addrRangeBytes);
      }
      r.splice(i, 0, { base, limit });
    }
    this.totalBytes += limit - base;
  }
}

// ──────────────────────── pageAlloc ────────────────────────

/** What the page allocator may ask of the rest of the runtime; all optional. */
export interface PageAllocHooks {
  /** persistentalloc(size, align, stat): Go charges addrRanges' backing arrays this way. */
  persistentalloc?(size: number, align: number, stat: SysMemStat): void;
  /** Whether mheap_.arenas has an arena for addr (findMappedAddr's fast path). */
  arenaMapped?(addr: number): boolean;
}

export class PageAlloc {
  /** summary[l]: the radix tree level l (L0 = root, L4 = one entry per chunk). */
  summary: SysArray[] = new Array<SysArray>(summaryLevels);
  /** chunks[l1]: an L2 block of 8192 pallocData (32 uint32 each), or undefined. */
  chunks: (Uint32Array | undefined)[] = new Array<Uint32Array | undefined>(1 << pallocChunksL1Bits).fill(undefined);
  /** Simulated address of each L2 block (sysAlloc'd). */
  chunkBlockAddr = new Float64Array(1 << pallocChunksL1Bits);
  /** Per L2 block, which of its 256 4 KiB pages have been written. */
  private chunkWritten: (Uint8Array | undefined)[] = new Array<Uint8Array | undefined>(1 << pallocChunksL1Bits).fill(undefined);

  /**
   * Every heap page below searchAddr (offset order) is allocated; searches
   * start here. maxSearchAddr means no free memory at all.
   */
  searchAddr = maxSearchAddr;
  /** Chunk indices [start, end) the allocator knows about. */
  start = 0;
  end = 0;
  /** Address ranges passed to grow. */
  inUse = new AddrRanges();
  scav = {
    index: new ScavengeIndex(),
    /** Bytes released by the background scavenger this cycle (bytes; bgscavenge adds). */
    releasedBg: 0,
    /** Bytes released eagerly this cycle (bytes; allocSpan adds). */
    releasedEager: 0,
  };

  sys!: SysMemory;
  /** The MemStats bucket charged for metadata (gcMiscSys in mheap). */
  sysStat!: SysMemStat;
  /** Bytes of summary and scavenge-index memory made Ready (Go uses it in tests). */
  summaryMappedReady = 0;
  /** Whether new chunk blocks get MADV_HUGEPAGE (after enableChunkHugePages). */
  chunkHugePages = false;
  /** Go's test mode: no huge-page advice, no sysUnused, findMappedAddr via inUse. */
  test = false;
  accounting: ScavengeAccounting | null = null;
  hooks: PageAllocHooks = {};

  /**
   * With arguments, also init()s (not in test mode): what mheap.init does
   * with `h.pages.init(&h.lock, &memstats.gcMiscSys, false)`.
   */
  constructor(sys?: SysMemory, sysStat?: SysMemStat, persistentalloc?: PageAllocHooks['persistentalloc']) {
    if (sys !== undefined && sysStat !== undefined) this.init(sys, sysStat, false, persistentalloc ? { persistentalloc } : {});
  }

  /**
   * init: persistentalloc's the inUse array, reserves the summary levels
   * (L0…L4) and then the scavenge index, in that order (real Go's mmaps).
   */
  init(sys: SysMemory, sysStat: SysMemStat, test: boolean, hooks: PageAllocHooks = {}): void {
    if (levelLogPages[0]! > Math.log2(maxPackedValue)) throw new Error("root level max pages doesn't fit in summary");
    this.sys = sys;
    this.sysStat = sysStat;
    this.hooks = hooks;
    const palloc = hooks.persistentalloc;
    if (palloc !== undefined) {
      palloc(this.inUse.cap * addrRangeBytes, 8, sysStat);
      this.inUse.grew = (bytes) => palloc(bytes, 8, sysStat);
    }
    sysInit(this);
    this.searchAddr = maxSearchAddr;
    this.summaryMappedReady += this.scav.index.init(test, sys);
    this.test = test;
  }

  /** The L2 block holding chunk ci's pallocData (Go: chunkOf). */
  chunkWords(ci: number): Uint32Array {
    return this.chunks[chunkL1(ci)]!;
  }

  /** The uint32 offset of chunk ci's pallocData in chunkWords(ci). */
  chunkOffset(ci: number): number {
    return chunkL2(ci) * pallocDataWords;
  }

  /** tryChunkOf: whether chunk ci's bitmap exists. */
  hasChunk(ci: number): boolean {
    return this.chunks[chunkL1(ci)] !== undefined;
  }

  /** Called before writing chunk ci's pallocData: faults its page in once. */
  touchChunk(ci: number): void {
    const l1 = chunkL1(ci);
    const l2 = chunkL2(ci);
    const w = this.chunkWritten[l1]!;
    const pg = (l2 * pallocDataBytes) >>> 12;
    if (w[pg] === 0) {
      w[pg] = 1;
      this.sys.touch(this.chunkBlockAddr[l1]! + l2 * pallocDataBytes, pallocDataBytes);
    }
  }

  /**
   * grow adds [base, base+size) (rounded out to chunks) to the heap: maps
   * metadata, creates chunk blocks, marks the new pages free and scavenged.
   */
  grow(base: number, size: number): void {
    const limit = alignUp(base + size, pallocChunkBytes);
    base = alignDown(base, pallocChunkBytes);

    sysGrow(this, base, limit);
    this.summaryMappedReady += this.scav.index.grow(base, limit, this.sysStat);

    const firstGrowth = this.start === 0;
    const start = chunkIndex(base);
    const end = chunkIndex(limit);
    if (firstGrowth || start < this.start) this.start = start;
    if (end > this.end) this.end = end;
    this.inUse.add(base, limit);

    // Like a free: new memory below searchAddr lowers it.
    if (base < this.searchAddr) this.searchAddr = base;

    // New memory is always scavenged.
    for (let c = chunkIndex(base); c < chunkIndex(limit); c++) {
      const l1 = chunkL1(c);
      if (this.chunks[l1] === undefined) {
        const r = this.sys.sysAlloc(chunkBlockBytes, this.sysStat, 'pagealloc-chunks');
        if (r === 0) throw new Error('pageAlloc: out of memory');
        if (!this.test) {
          if (this.chunkHugePages) this.sys.sysHugePage(r, chunkBlockBytes);
          else this.sys.sysNoHugePage(r, chunkBlockBytes);
        }
        this.chunks[l1] = new Uint32Array(chunkBlockWords);
        this.chunkBlockAddr[l1] = r;
        this.chunkWritten[l1] = new Uint8Array(chunkBlockPages);
      }
      this.touchChunk(c);
      pageBitsSetRange(this.chunkWords(c), this.chunkOffset(c) + scavengedOffset, 0, pallocChunkPages);
    }
    // Go passes the unaligned size here; callers pass chunk multiples.
    this.update(base, Math.floor(size / pageSize), true, false);
  }

  /**
   * enableChunkHugePages: MADV_HUGEPAGE for existing chunk blocks and all
   * future ones. Go's loop stops before the L1 index of each in-use range's
   * last chunk, so a heap inside one 32 GiB L1 region never gets its block
   * advised — kept.
   */
  enableChunkHugePages(): void {
    if (this.chunkHugePages) return;
    this.chunkHugePages = true;
    // Go clones inUse into a fresh addrRanges first: a persistentalloc of
    // cap(inUse) ranges charged to sysStat (the clone is then unused).
    if (this.inUse.ranges.length > 0) this.hooks.persistentalloc?.(this.inUse.cap * addrRangeBytes, 8, this.sysStat);
    for (const r of this.inUse.ranges) {
      for (let i = chunkL1(chunkIndex(r.base)); i < chunkL1(chunkIndex(r.limit - 1)); i++) {
        this.sys.sysHugePage(this.chunkBlockAddr[i]!, chunkBlockBytes);
      }
    }
  }

  /**
   * update recomputes the summaries after the bitmap of [base,
   * base+npages*pageSize) changed: the leaves, then each level up while
   * something changed. contig: the change was one contiguous alloc or free.
   */
  update(base: number, npages: number, contig: boolean, alloc: boolean): void {
    const limit = base + npages * pageSize - 1;
    const sc = chunkIndex(base);
    const ec = chunkIndex(limit);
    const leaf = this.summary[summaryLevels - 1]!;

    if (sc === ec) {
      // Fast path: one chunk; stop if its summary did not change.
      summarize(this.chunkWords(sc), this.chunkOffset(sc));
      const pg = leaf.readPage(sc);
      const k = slot(sc);
      if (pg[k] === pallocSumOut[0] && pg[k + 1] === pallocSumOut[1]) return;
      leaf.set(sc, pallocSumOut[0]!, pallocSumOut[1]!);
    } else if (contig) {
      summarize(this.chunkWords(sc), this.chunkOffset(sc));
      leaf.set(sc, pallocSumOut[0]!, pallocSumOut[1]!);
      // Chunks strictly inside are wholly allocated or wholly free.
      for (let c = sc + 1; c < ec; c++) {
        if (alloc) leaf.set(c, 0, 0);
        else leaf.set(c, freeChunkSumLo, freeChunkSumHi);
      }
      summarize(this.chunkWords(ec), this.chunkOffset(ec));
      leaf.set(ec, pallocSumOut[0]!, pallocSumOut[1]!);
    } else {
      for (let c = sc; c <= ec; c++) {
        summarize(this.chunkWords(c), this.chunkOffset(c));
        leaf.set(c, pallocSumOut[0]!, pallocSumOut[1]!);
      }
    }

    let changed = true;
    for (let l = summaryLevels - 2; l >= 0 && changed; l--) {
      changed = false;
      const logEntriesPerBlock = levelBits[l + 1]!;
      const logMaxPages = levelLogPages[l + 1]!;
      // addrsToSummaryRange(l, base, limit+1), without the tuple.
      const lo = offAddrToLevelIndex(l, base);
      const hi = offAddrToLevelIndex(l, limit) + 1;
      const level = this.summary[l]!;
      const child = this.summary[l + 1]!;
      for (let i = lo; i < hi; i++) {
        mergeSummaries(child, i << logEntriesPerBlock, 1 << logEntriesPerBlock, logMaxPages);
        const pg = level.readPage(i);
        const k = slot(i);
        if (pg[k] !== pallocSumOut[0] || pg[k + 1] !== pallocSumOut[1]) {
          changed = true;
          level.set(i, pallocSumOut[0]!, pallocSumOut[1]!);
        }
      }
    }
  }

  /**
   * allocRange marks [base, base+npages*pageSize) allocated and returns how
   * many of its bytes were scavenged.
   */
  allocRange(base: number, npages: number): number {
    const limit = base + npages * pageSize - 1;
    const sc = chunkIndex(base);
    const ec = chunkIndex(limit);
    const si = chunkPageIndex(base);
    const ei = chunkPageIndex(limit);
    const index = this.scav.index;

    let scav = 0;
    if (sc === ec) {
      const b = this.chunkWords(sc);
      const o = this.chunkOffset(sc);
      scav += pageBitsPopcntRange(b, o + scavengedOffset, si, ei + 1 - si);
      this.touchChunk(sc);
      pallocDataAllocRange(b, o, si, ei + 1 - si);
      index.alloc(sc, ei + 1 - si);
    } else {
      let b = this.chunkWords(sc);
      let o = this.chunkOffset(sc);
      scav += pageBitsPopcntRange(b, o + scavengedOffset, si, pallocChunkPages - si);
      this.touchChunk(sc);
      pallocDataAllocRange(b, o, si, pallocChunkPages - si);
      index.alloc(sc, pallocChunkPages - si);
      for (let c = sc + 1; c < ec; c++) {
        b = this.chunkWords(c);
        o = this.chunkOffset(c);
        scav += pageBitsPopcntRange(b, o + scavengedOffset, 0, pallocChunkPages);
        this.touchChunk(c);
        pallocDataAllocAll(b, o);
        index.alloc(c, pallocChunkPages);
      }
      b = this.chunkWords(ec);
      o = this.chunkOffset(ec);
      scav += pageBitsPopcntRange(b, o + scavengedOffset, 0, ei + 1);
      this.touchChunk(ec);
      pallocDataAllocRange(b, o, 0, ei + 1);
      index.alloc(ec, ei + 1);
    }
    this.update(base, npages, true, true);
    return scav * pageSize;
  }

  /** findMappedAddr: the smallest mapped address >= addr, or maxOffAddr. */
  findMappedAddr(addr: number): number {
    const arenaMapped = this.hooks.arenaMapped;
    if (this.test || arenaMapped === undefined || !arenaMapped(addr)) {
      const v = this.inUse.findAddrGreaterEqual(addr);
      return v === null ? maxOffAddr : v;
    }
    return addr;
  }

  /**
   * find: the first (address-ordered) run of npages free pages, via the
   * radix tree from the root. Returns [its address (0 if none), a candidate
   * searchAddr (meaningless when the address is 0)].
   */
  find(npages: number): [number, number] {
    // [ffBase, ffBound]: where the first free page of the heap must be; narrowed
    // while the search descends, frozen once it has to look across entries.
    this.ffBase = minOffAddr;
    this.ffBound = maxOffAddr;

    let i = 0; // first entry of the block searched at the current level
    let lastSumIdx = -1;
    nextLevel: for (let l = 0; l < summaryLevels; l++) {
      const entriesPerBlock = 1 << levelBits[l]!;
      const maxPages = 1 << levelLogPages[l]!; // <= 2^21
      i <<= levelBits[l]!;
      const level = this.summary[l]!;
      if (i + entriesPerBlock > level.len) throw new Error(`slice bounds out of range [:${i + entriesPerBlock}] with length ${level.len} (summary[${l}])`);

      let j0 = 0;
      const searchIdx = offAddrToLevelIndex(l, this.searchAddr);
      if ((searchIdx & ~(entriesPerBlock - 1)) === i) j0 = searchIdx & (entriesPerBlock - 1);

      // A run of free pages across entries: first page index (relative to
      // entry i) and length.
      let base = 0;
      let size = 0;
      for (let j = j0; j < entriesPerBlock; j++) {
        const pg = level.readPage(i + j);
        const k = slot(i + j);
        const lo = pg[k]!;
        const hi = pg[k + 1]!;
        if (lo === 0 && hi === 0) {
          size = 0; // fully allocated: breaks any run
          continue;
        }
        this.foundFree(levelIndexToOffAddr(l, i + j), maxPages * pageSize);

        const s = pallocSumStart(lo, hi);
        if (size + s >= npages) {
          if (size === 0) base = j * maxPages;
          size += s;
          break;
        }
        if (pallocSumMax(lo, hi) >= npages) {
          i += j; // the run is inside this entry: descend
          lastSumIdx = i;
          continue nextLevel;
        }
        if (size === 0 || s < maxPages) {
          size = pallocSumEnd(lo, hi);
          base = (j + 1) * maxPages - size;
          continue;
        }
        size += maxPages; // wholly free: the run continues
      }
      if (size >= npages) {
        const addr = levelIndexToOffAddr(l, i) + base * pageSize;
        return [addr, this.findMappedAddr(this.ffBase)];
      }
      if (l === 0) return [0, maxSearchAddr]; // exhausted
      throw new Error(`bad summary data: level ${l}, npages ${npages}, j0 ${j0}, summary[${l - 1}][${lastSumIdx}] promised a run`);
    }

    // i is now a chunk index whose bitmap has the run.
    const ci = i;
    const r = pallocFind(this.chunkWords(ci), this.chunkOffset(ci), npages, 0);
    const j = findIndex(r);
    if (j < 0) throw new Error(`bad summary data: summary[${summaryLevels - 1}][${ci}], npages = ${npages}`);
    const addr = chunkBase(ci) + j * pageSize;
    const searchAddr = chunkBase(ci) + findSearchIdx(r) * pageSize;
    this.foundFree(searchAddr, chunkBase(ci + 1) - searchAddr);
    return [addr, this.findMappedAddr(this.ffBase)];
  }

  // find's window on the first free page (fields, not a closure: find runs per span).
  private ffBase = minOffAddr;
  private ffBound = maxOffAddr;

  /**
   * foundFree narrows [ffBase, ffBound] to [addr, addr+size) if that lies
   * inside it; a range only partly overlapping it means corrupt summaries.
   */
  private foundFree(addr: number, size: number): void {
    if (this.ffBase <= addr && addr + size - 1 <= this.ffBound) {
      this.ffBase = addr;
      this.ffBound = addr + size - 1;
    } else if (!(addr + size - 1 < this.ffBase || this.ffBound < addr)) {
      throw new Error(
        `range partially overlaps: addr = 0x${addr.toString(16)}, size = ${size}, base = 0x${this.ffBase.toString(16)}, bound = 0x${this.ffBound.toString(16)}`,
      );
    }
  }

  /**
   * alloc allocates npages and returns [their base address, how many of
   * their bytes were scavenged]; [0, 0] on failure.
   */
  alloc(npages: number): [number, number] {
    if (chunkIndex(this.searchAddr) >= this.end) return [0, 0];

    let searchAddr = minOffAddr;
    let addr = 0;
    const sa = this.searchAddr;
    if (pallocChunkPages - chunkPageIndex(sa) >= npages) {
      const i = chunkIndex(sa);
      const leaf = this.summary[summaryLevels - 1]!;
      const pg = leaf.readPage(i);
      const k = slot(i);
      const max = pallocSumMax(pg[k]!, pg[k + 1]!);
      if (max >= npages) {
        const r = pallocFind(this.chunkWords(i), this.chunkOffset(i), npages, chunkPageIndex(sa));
        const j = findIndex(r);
        if (j < 0) throw new Error(`bad summary data: max = ${max}, npages = ${npages}, searchIdx = ${chunkPageIndex(sa)}`);
        addr = chunkBase(i) + j * pageSize;
        searchAddr = chunkBase(i) + findSearchIdx(r) * pageSize;
      }
    }
    if (addr === 0) {
      [addr, searchAddr] = this.find(npages);
      if (addr === 0) {
        // Not even one page: the heap is exhausted. Otherwise there may
        // still be smaller runs.
        if (npages === 1) this.searchAddr = maxSearchAddr;
        return [0, 0];
      }
    }
    const scav = this.allocRange(addr, npages);
    if (this.searchAddr < searchAddr) this.searchAddr = searchAddr;
    return [addr, scav];
  }

  /** allocToCache (mpagecache.ts): a page cache holding the first free 64-page group. */
  allocToCache(): PageCache {
    return allocToCache(this);
  }

  /** free returns npages at base to the heap (they stay unscavenged). */
  free(base: number, npages: number): void {
    if (base < this.searchAddr) this.searchAddr = base;
    const index = this.scav.index;
    const limit = base + npages * pageSize - 1;
    if (npages === 1) {
      const i = chunkIndex(base);
      const pi = chunkPageIndex(base);
      this.touchChunk(i);
      pallocBitsFree1(this.chunkWords(i), this.chunkOffset(i), pi);
      index.free(i, pi, 1);
    } else {
      const sc = chunkIndex(base);
      const ec = chunkIndex(limit);
      const si = chunkPageIndex(base);
      const ei = chunkPageIndex(limit);
      if (sc === ec) {
        this.touchChunk(sc);
        pallocBitsFree(this.chunkWords(sc), this.chunkOffset(sc), si, ei + 1 - si);
        index.free(sc, si, ei + 1 - si);
      } else {
        this.touchChunk(sc);
        pallocBitsFree(this.chunkWords(sc), this.chunkOffset(sc), si, pallocChunkPages - si);
        index.free(sc, si, pallocChunkPages - si);
        for (let c = sc + 1; c < ec; c++) {
          this.touchChunk(c);
          pallocBitsFreeAll(this.chunkWords(c), this.chunkOffset(c));
          index.free(c, 0, pallocChunkPages);
        }
        this.touchChunk(ec);
        pallocBitsFree(this.chunkWords(ec), this.chunkOffset(ec), 0, ei + 1);
        index.free(ec, 0, ei + 1);
      }
    }
    this.update(base, npages, true, false);
  }

  /** pageAlloc.scavenge (mgcscavenge.ts): release up to nbytes, highest first. */
  scavenge(nbytes: number, shouldStop: (() => boolean) | null, force: boolean): number {
    return scavenge(this, nbytes, shouldStop, force);
  }

  /**
   * Checks the allocator's invariants and throws on the first violation:
   * leaf summaries equal their bitmaps' summaries; every inner summary is
   * the merge of its children; no page is both allocated and scavenged;
   * the scavenge index counts exactly the allocated pages; every heap page
   * below searchAddr is allocated. Slow; for tests.
   */
  verify(): void {
    const leaf = this.summary[summaryLevels - 1]!;
    const index = this.scav.index;
    for (const r of this.inUse.ranges) {
      for (let c = chunkIndex(r.base); c < chunkIndex(r.limit); c++) {
        const b = this.chunkWords(c);
        const o = this.chunkOffset(c);
        summarize(b, o);
        if (leaf.lo(c) !== pallocSumOut[0] || leaf.hi(c) !== pallocSumOut[1]) throw new Error(`verify: leaf summary of chunk ${c} is stale`);
        let inUse = 0;
        for (let w = 0; w < 16; w++) {
          if ((b[o + w]! & b[o + scavengedOffset + w]!) !== 0) throw new Error(`verify: chunk ${c} has pages both allocated and scavenged`);
        }
        inUse = pageBitsPopcntRange(b, o, 0, pallocChunkPages);
        const ilo = index.chunks.lo(c);
        if ((ilo & 0xffff) !== inUse) throw new Error(`verify: scavenge index says ${ilo & 0xffff} pages in use in chunk ${c}, bitmap says ${inUse}`);
        for (let pi = 0; pi < pallocChunkPages; pi++) {
          const addr = chunkBase(c) + pi * pageSize;
          if (addr >= this.searchAddr) break;
          if (pageBitsGet(b, o, pi) === 0) throw new Error(`verify: free page 0x${addr.toString(16)} below searchAddr 0x${this.searchAddr.toString(16)}`);
        }
      }
      for (let l = summaryLevels - 2; l >= 0; l--) {
        const [lo, hi] = addrsToSummaryRange(l, r.base, r.limit);
        for (let i = lo; i < hi; i++) {
          mergeSummaries(this.summary[l + 1]!, i << levelBits[l + 1]!, 1 << levelBits[l + 1]!, levelLogPages[l + 1]!);
          if (this.summary[l]!.lo(i) !== pallocSumOut[0] || this.summary[l]!.hi(i) !== pallocSumOut[1]) {
            throw new Error(`verify: summary[${l}][${i}] is not the merge of its children`);
          }
        }
      }
    }
  }
}

/**
 * mergeSummaries merges n consecutive entries of a level, each covering
 * 2^logMaxPagesPerSum pages, into pallocSumOut. The entries lie in one page.
 * Children are never L0 entries, and only an L0 entry can carry the
 * all-free flag (its max of 2^21 pages), so children unpack without the
 * flag check; the merged result may need it (merging into L0).
 */
export function mergeSummaries(level: SysArray, first: number, n: number, logMaxPagesPerSum: number): void {
  const pg = level.readPage(first);
  let k = slot(first);
  const full = 1 << logMaxPagesPerSum; // <= 2^18
  let lo = pg[k]!;
  let hi = pg[k + 1]!;
  let start = lo & 0x1fffff;
  let most = (lo >>> 21) | ((hi & 0x3ff) << 11);
  let end = (hi >>> 10) & 0x1fffff;
  for (let i = 1; i < n; i++) {
    k += 2;
    lo = pg[k]!;
    hi = pg[k + 1]!;
    const si = lo & 0x1fffff;
    const mi = (lo >>> 21) | ((hi & 0x3ff) << 11);
    const ei = (hi >>> 10) & 0x1fffff;
    // The running start grows only while everything so far is free.
    if (start === i * full) start += si;
    if (end + si > most) most = end + si;
    if (mi > most) most = mi;
    end = ei === full ? end + full : ei;
  }
  if (most === maxPackedValue) {
    pallocSumOut[0] = 0;
    pallocSumOut[1] = 0x80000000;
  } else {
    pallocSumOut[0] = start | ((most & 0x7ff) << 21);
    pallocSumOut[1] = (most >>> 11) | (end << 10);
  }
}
