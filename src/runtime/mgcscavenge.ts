// Scavenging: returning free pages' memory to the OS. This file holds the
// page-allocator side of Go 1.23 mgcscavenge.go — the scavenge index
// (which chunks may have pages to release), findScavengeCandidate and
// fillAligned, pageAlloc.scavenge / scavengeOne — and the scavenger's PI
// controller as a pure class. The background scavenger goroutine, its
// goals (gcPaceScavenger), allocation-time scavenging, scavengeAll and
// scavtrace are in mgcscavenge_bg.ts.
//
// Accounting hook. When scavengeOne releases pages (outside tests) Go does
// sysUnused and then, itself, `gcController.heapReleased += n`,
// `gcController.heapFree -= n`, `heapStats.committed -= n`,
// `heapStats.released += n`. Those counters belong to mheap/mstats, so here
// the page allocator calls `p.accounting.released(addr, n)` (interface
// ScavengeAccounting) right after sysUnused; mheap plugs in. The per-cycle
// `releasedBg` / `releasedEager` totals live in `p.scav` as in Go and are
// updated by the callers (bgscavenge, allocSpan), not here.
//
// scavenge(nbytes, shouldStop, force), step by step:
//   1. index.find(force) → the highest chunk that may hold free, unscavenged
//      pages, and the page to search down from (0 = none left: stop).
//   2. scavengeOne: if the chunk's leaf summary has a free page, find the
//      highest free+unscavenged run at or below that page (whole 2 MiB huge
//      pages are kept together), mark it allocated, sysUnused it, free it
//      again and set its scavenged bits. If nothing is found, mark the chunk
//      empty in the index so find moves on.
//   3. Repeat until nbytes are released or shouldStop().

import type { SysMemory } from './mem.ts';
import { physHugePageSize, physPageSize } from './mem.ts';
import { pageSize } from './sizeclasses_const.ts';
import { lz64 } from './bits64.ts';
import {
  pageBitsSetRange,
  pallocBitsFree,
  pallocDataAllocRange,
  pallocSumMax,
  pallocChunkPages,
  logPallocChunkPages,
  scavengedOffset,
} from './mpallocbits.ts';
import {
  SysArray,
  arenaBaseOffset,
  alignDown,
  alignUp,
  chunkBase,
  chunkIndex,
  chunkPageIndex,
  minOffAddr,
  pallocChunkBytes,
  scavengeIndexSysGrow,
  scavengeIndexSysInit,
  slot,
} from './mpagealloc_64bit.ts';
import type { PageAlloc } from './mpagealloc.ts';
import type { SysMemStat } from './mem.ts';

// Pacing constants of the background scavenger (mgcscavenge_bg.ts).
export const scavengePercent = 1;
export const retainExtraPercent = 10;
export const reduceExtraPercent = 5;
/** maxPhysPageSize (512 KiB) / pageSize. */
export const maxPagesPerPhysPage = (512 << 10) / pageSize; // 64
/** 0.7 on Darwin/iOS, 0 on Linux. */
export const scavengeCostRatio = 0;
/** A chunk at least this full in a GC cycle is "dense": not scavenged unless forced. */
export const scavChunkHiOccFrac = 0.96875;
export const scavChunkHiOccPages = Math.floor(scavChunkHiOccFrac * pallocChunkPages); // 496

/** What mheap does with the bytes scavengeOne released (see the file header). */
export interface ScavengeAccounting {
  /** nbytes at addr were just released with sysUnused. */
  released(addr: number, nbytes: number): void;
}

// ──────────────────────── scavChunkData ────────────────────────
//
// One packed uint64 per chunk in the scavenge index:
//
//   63 ──────── 32 31 ── 26 25 ──── 16 15 ──────── 0
//   │    gen      │ flags  │ lastInUse │    inUse    │
//
// stored as lo = bits 0–31, hi = gen. The zero value is a valid newly grown
// chunk (no pages in use, nothing free to scavenge: new memory is scavenged).

export const scavChunkHasFree = 1;
export const scavChunkMaxFlags = 6;
export const scavChunkFlagsMask = (1 << scavChunkMaxFlags) - 1;
export const logScavChunkInUseMax = logPallocChunkPages + 1; // 10
export const scavChunkInUseMask = (1 << logScavChunkInUseMax) - 1;

/** pack's low uint32 (the high one is gen). */
export function packScavChunkLo(inUse: number, lastInUse: number, flags: number): number {
  return ((inUse & 0xffff) | ((lastInUse & 0xffff) << 16) | ((flags & 0xff) << (16 + logScavChunkInUseMax))) >>> 0;
}

export function scavChunkInUse(lo: number): number {
  return lo & 0xffff;
}

export function scavChunkLastInUse(lo: number): number {
  return (lo >>> 16) & scavChunkInUseMask;
}

export function scavChunkFlags(lo: number): number {
  return (lo >>> (16 + logScavChunkInUseMax)) & scavChunkFlagsMask;
}

/** shouldScavenge: whether the scavenger should look at this chunk. */
export function scavChunkShouldScavenge(lo: number, gen: number, currGen: number, force: boolean): boolean {
  if ((scavChunkFlags(lo) & scavChunkHasFree) === 0) return false;
  if (force) return true;
  if (gen === currGen) {
    // Dense in this generation or the last: skip.
    return scavChunkInUse(lo) < scavChunkHiOccPages && scavChunkLastInUse(lo) < scavChunkHiOccPages;
  }
  // One or more generations behind: inUse is the current state.
  return scavChunkInUse(lo) < scavChunkHiOccPages;
}

// ──────────────────────── atomicOffAddr ────────────────────────

/**
 * atomicOffAddr (mranges.go): an offset-space address that can be "marked"
 * (stored negated) so that a raise is not lost to a concurrent lower. gomem
 * has no concurrency, but the marking changes which value find stores, so
 * it is kept exactly.
 */
export class AtomicOffAddr {
  /** addr - arenaBaseOffset, negated when marked. */
  a = 0;

  clear(): void {
    if (this.a < 0) return;
    this.a = 0; // minOffAddr
  }

  /** Stores addr if lower than the current, unmarked value. */
  storeMin(addr: number): void {
    const v = addr - arenaBaseOffset;
    if (this.a < v) return;
    this.a = v;
  }

  /** Replaces markedAddr (as returned by load) with newAddr, if still there. */
  storeUnmark(markedAddr: number, newAddr: number): void {
    if (this.a === -(markedAddr - arenaBaseOffset)) this.a = newAddr - arenaBaseOffset;
  }

  storeMarked(addr: number): void {
    this.a = -(addr - arenaBaseOffset);
  }

  /** The address (unmarked). */
  load(): number {
    return (this.a < 0 ? -this.a : this.a) + arenaBaseOffset;
  }

  marked(): boolean {
    return this.a < 0;
  }
}

// ──────────────────────── scavengeIndex ────────────────────────

/**
 * scavengeIndex: per chunk, how many pages are in use this and last GC
 * cycle and whether it may have free pages to scavenge; plus two search
 * cursors walking down from the highest chunk worth visiting (searchAddrBg
 * raised only at nextGen, searchAddrForce raised by every free).
 */
export class ScavengeIndex {
  /** One scavChunkData per chunk (2^26 entries reserved, [min, max) mapped). */
  chunks!: SysArray;
  /** Chunk indices [min, max) are mapped; min is rounded down to a 4 KiB page of entries. */
  min = 0;
  max = 0;
  /** The lowest chunk index ever grown (find stops there). */
  minHeapIdx = 0;
  searchAddrBg = new AtomicOffAddr();
  searchAddrForce = new AtomicOffAddr();
  /** Highest address freed this generation. */
  freeHWM = minOffAddr;
  /** Generation counter, uint32; nextGen at the end of each mark phase. */
  gen = 0;
  test = false;
  sys: SysMemory | null = null;

  /** init: reserves the index (512 MiB PROT_NONE). Returns bytes added to sysStat (0). */
  init(test: boolean, sys: SysMemory): number {
    this.searchAddrBg.clear();
    this.searchAddrForce.clear();
    this.freeHWM = minOffAddr;
    this.test = test;
    this.sys = sys;
    return scavengeIndexSysInit(this, sys);
  }

  /** grow: records the new lowest heap chunk and maps the index for [base, limit). */
  grow(base: number, limit: number, sysStat: SysMemStat): number {
    const baseIdx = chunkIndex(base);
    if (this.minHeapIdx === 0 || baseIdx < this.minHeapIdx) this.minHeapIdx = baseIdx;
    return scavengeIndexSysGrow(this, base, limit, sysStat);
  }

  /**
   * find returns [the highest chunk index that may contain pages to
   * scavenge (0 if none), the page to search down from in it].
   */
  find(force: boolean): [number, number] {
    const cursor = force ? this.searchAddrForce : this.searchAddrBg;
    const searchAddr = cursor.load();
    const marked = cursor.marked();
    if (searchAddr === minOffAddr) return [0, 0];

    const gen = this.gen;
    const min = this.minHeapIdx;
    const start = chunkIndex(searchAddr);
    const chunks = this.chunks;
    for (let i = start; i >= min; i--) {
      const pg = chunks.readPage(i);
      const k = slot(i);
      if (!scavChunkShouldScavenge(pg[k]!, pg[k + 1]!, gen, force)) continue;
      if (i === start) return [i, chunkPageIndex(searchAddr)];
      const newSearchAddr = chunkBase(i) + pallocChunkBytes - pageSize;
      if (marked) cursor.storeUnmark(searchAddr, newSearchAddr);
      else cursor.storeMin(newSearchAddr);
      return [i, pallocChunkPages - 1];
    }
    cursor.clear();
    return [0, 0];
  }

  /** alloc: npages were allocated in chunk ci. */
  alloc(ci: number, npages: number): void {
    const pg = this.chunks.readPage(ci);
    const k = slot(ci);
    let lo = pg[k]!;
    const gen = pg[k + 1]!;
    let inUse = scavChunkInUse(lo);
    let lastInUse = scavChunkLastInUse(lo);
    let flags = scavChunkFlags(lo);
    if (inUse + npages > pallocChunkPages) throw new Error(`too many pages allocated in chunk? inUse=${inUse} npages=${npages}`);
    if (gen !== this.gen) lastInUse = inUse;
    inUse += npages;
    if (inUse === pallocChunkPages) flags &= ~scavChunkHasFree; // nothing left to scavenge here
    lo = packScavChunkLo(inUse, lastInUse, flags);
    this.chunks.set(ci, lo, this.gen);
  }

  /** free: npages starting at page were freed in chunk ci. */
  free(ci: number, page: number, npages: number): void {
    const pg = this.chunks.readPage(ci);
    const k = slot(ci);
    const lo = pg[k]!;
    const gen = pg[k + 1]!;
    let inUse = scavChunkInUse(lo);
    let lastInUse = scavChunkLastInUse(lo);
    if (inUse < npages) throw new Error(`allocated pages below zero? inUse=${inUse} npages=${npages}`);
    if (gen !== this.gen) lastInUse = inUse;
    inUse -= npages;
    this.chunks.set(ci, packScavChunkLo(inUse, lastInUse, scavChunkFlags(lo) | scavChunkHasFree), this.gen);

    const addr = chunkBase(ci) + (page + npages - 1) * pageSize;
    if (this.freeHWM < addr) this.freeHWM = addr;
    if (this.searchAddrForce.load() < addr) this.searchAddrForce.storeMarked(addr);
  }

  /** nextGen: a new GC cycle; the background cursor catches up with what was freed. */
  nextGen(): void {
    this.gen = (this.gen + 1) >>> 0;
    if (this.searchAddrBg.load() < this.freeHWM) this.searchAddrBg.storeMarked(this.freeHWM);
    this.freeHWM = minOffAddr;
  }

  /** setEmpty: the scavenger found nothing more in ci for now. */
  setEmpty(ci: number): void {
    const pg = this.chunks.readPage(ci);
    const k = slot(ci);
    this.chunks.set(ci, (pg[k]! & ~(scavChunkHasFree << (16 + logScavChunkInUseMax))) >>> 0, pg[k + 1]!);
  }
}

// ──────────────────────── candidates ────────────────────────

const fillConst: Record<number, number> = { 2: 0x55555555, 4: 0x77777777, 8: 0x7f7f7f7f, 16: 0x7fff7fff, 32: 0x7fffffff };

/**
 * fillAligned on one 32-bit half: every m-aligned group of m bits becomes
 * all ones if any of its bits is set (m <= 32 never crosses the halves).
 * Same bit trick as Go (a group-wise "any bit set" from bithacks' ZeroInWord).
 */
export function fillAligned32(x: number, m: number): number {
  if (m === 1) return x >>> 0;
  const c = fillConst[m];
  if (c === undefined) throw new Error('bad m value');
  // Top bit of each group set iff the group was all zero.
  x = ~((((x & c) + c) | x) | c) >>> 0;
  return ~((x - (x >>> (m - 1))) | x) >>> 0;
}

/** fillAligned's result for the test window: [0] = lo, [1] = hi. */
export const fillAlignedOut = new Uint32Array(2);

/** fillAligned(x, m) for m a power of two <= 64, into fillAlignedOut. */
export function fillAligned(lo: number, hi: number, m: number): void {
  if (m === 64) {
    const all = (lo | hi) !== 0 ? 0xffffffff : 0;
    fillAlignedOut[0] = all;
    fillAlignedOut[1] = all;
    return;
  }
  fillAlignedOut[0] = fillAligned32(lo, m);
  fillAlignedOut[1] = fillAligned32(hi, m);
}

/** Packs findScavengeCandidate's (start, size). */
export function candidateResult(start: number, size: number): number {
  return start * 1024 + size;
}
export function candidateStart(r: number): number {
  return Math.floor(r / 1024);
}
export function candidateSize(r: number): number {
  return r % 1024;
}

/**
 * findScavengeCandidate returns candidateResult(start, size) for the highest
 * run of free, unscavenged pages in the pallocData at (b, o), searching down
 * from the 64-page word holding searchIdx. Runs are made of whole aligned
 * groups of `minimum` pages; size is min(run, max rounded up to minimum),
 * then widened down to a huge-page boundary if the run would otherwise split
 * a free, unscavenged huge page. size 0 means nothing found.
 */
export function findScavengeCandidate(b: Uint32Array, o: number, searchIdx: number, minimum: number, max: number): number {
  if ((minimum & (minimum - 1)) !== 0 || minimum === 0) throw new Error(`min must be a non-zero power of 2 (min = ${minimum})`);
  if (minimum > maxPagesPerPhysPage) throw new Error(`min too large (min = ${minimum})`);
  max = max === 0 ? minimum : alignUp(max, minimum);

  // Per 64-page word: 1 = scavenged or in use, filled to whole minimum groups.
  const s = o + scavengedOffset;
  let xlo = 0;
  let xhi = 0;
  const word = (i: number): void => {
    const lo = b[o + 2 * i]! | b[s + 2 * i]!;
    const hi = b[o + 2 * i + 1]! | b[s + 2 * i + 1]!;
    if (minimum === 64) {
      xlo = xhi = (lo | hi) !== 0 ? 0xffffffff : 0;
    } else {
      xlo = fillAligned32(lo, minimum);
      xhi = fillAligned32(hi, minimum);
    }
  };

  let i = searchIdx >>> 6;
  for (; i >= 0; i--) {
    word(i);
    if (xlo !== 0xffffffff || xhi !== 0xffffffff) break;
  }
  if (i < 0) return candidateResult(0, 0);

  // The highest run ends below the leading ones of word i.
  const z1 = lz64(~xlo >>> 0, ~xhi >>> 0);
  const end = i * 64 + (64 - z1);
  let run: number;
  // Bits of x below the leading ones.
  const width = 64 - z1;
  const ylo = width >= 32 ? xlo : xlo & ((1 << width) - 1);
  const yhi = width >= 64 ? xhi : width > 32 ? xhi & ((1 << (width - 32)) - 1) : 0;
  if (ylo !== 0 || yhi !== 0) {
    run = lz64(ylo >>> 0, yhi >>> 0) - z1; // the run ends inside this word
  } else {
    run = width; // reaches the bottom of the word: continue below
    for (let j = i - 1; j >= 0; j--) {
      word(j);
      run += lz64(xlo, xhi);
      if (xlo !== 0 || xhi !== 0) break;
    }
  }

  let size = Math.min(run, max);
  let start = end - size;

  // Do not break a free, unscavenged huge page: if [start, end) crosses a
  // huge-page boundary and the run reaches down to the boundary at or below
  // start, take the whole huge page.
  if (physHugePageSize > pageSize && physHugePageSize > physPageSize) {
    const pagesPerHugePage = physHugePageSize / pageSize;
    const hugePageAbove = alignUp(start, pagesPerHugePage);
    if (hugePageAbove <= end) {
      const hugePageBelow = alignDown(start, pagesPerHugePage);
      if (hugePageBelow >= end - run) {
        size = size + (start - hugePageBelow);
        start = hugePageBelow;
      }
    }
  }
  return candidateResult(start, size);
}

// ──────────────────────── pageAlloc.scavenge ────────────────────────

/**
 * scavenge releases up to nbytes of free pages, highest addresses first,
 * continuing where the last call stopped; force ignores the density
 * heuristics. Returns the bytes released (may exceed nbytes by the
 * huge-page rounding of the last step). nbytes may be Infinity (Go: ^uintptr(0)).
 */
export function scavenge(p: PageAlloc, nbytes: number, shouldStop: (() => boolean) | null, force: boolean): number {
  let released = 0;
  while (released < nbytes) {
    const [ci, pageIdx] = p.scav.index.find(force);
    if (ci === 0) break;
    released += scavengeOne(p, ci, pageIdx, nbytes - released);
    if (shouldStop !== null && shouldStop()) break;
  }
  return released;
}

/**
 * scavengeOne releases one run of free, unscavenged pages in chunk ci at or
 * below page searchIdx, of at most max bytes (more if a huge page is kept
 * whole). Returns the bytes released; 0 marks the chunk empty in the index.
 */
export function scavengeOne(p: PageAlloc, ci: number, searchIdx: number, max: number): number {
  let maxPages = Math.floor(max / pageSize);
  if (max % pageSize !== 0) maxPages++;
  const minPages = Math.max(1, Math.floor(physPageSize / pageSize));

  const leaf = p.summary[p.summary.length - 1]!;
  const lpg = leaf.readPage(ci);
  const k = slot(ci);
  if (pallocSumMax(lpg[k]!, lpg[k + 1]!) >= minPages) {
    const arr = p.chunkWords(ci);
    const off = p.chunkOffset(ci);
    const r = findScavengeCandidate(arr, off, searchIdx, minPages, maxPages);
    const base = candidateStart(r);
    const npages = candidateSize(r);
    if (npages !== 0) {
      const addr = chunkBase(ci) + base * pageSize;
      // Take the pages (allocated) so nobody allocates them meanwhile; only
      // the bitmap and summaries, not the scavenge index.
      p.touchChunk(ci);
      pallocDataAllocRange(arr, off, base, npages);
      p.update(addr, npages, true, true);

      if (!p.test) {
        p.sys.sysUnused(addr, npages * pageSize);
        p.accounting?.released(addr, npages * pageSize);
      }

      // Give them back, now scavenged.
      if (addr < p.searchAddr) p.searchAddr = addr;
      pallocBitsFree(arr, off, base, npages);
      p.update(addr, npages, true, false);
      pageBitsSetRange(arr, off + scavengedOffset, base, npages);
      return npages * pageSize;
    }
  }
  p.scav.index.setEmpty(ci);
  return 0;
}

// ──────────────────────── piController ────────────────────────

/**
 * piController: a proportional-integral controller with anti-windup
 * (mgcscavenge.go). next() steps it and returns [output, ok]; on
 * overflow/NaN it resets, sets a flag and returns [min, false].
 */
export class PIController {
  errIntegral = 0;
  errOverflow = false;
  inputOverflow = false;
  /** Proportional constant, integral time constant, reset time. */
  readonly kp: number;
  readonly ti: number;
  readonly tt: number;
  /** Output bounds. */
  readonly min: number;
  readonly max: number;

  constructor(kp: number, ti: number, tt: number, min: number, max: number) {
    this.kp = kp;
    this.ti = ti;
    this.tt = tt;
    this.min = min;
    this.max = max;
  }

  next(input: number, setpoint: number, period: number): [number, boolean] {
    const prop = this.kp * (setpoint - input);
    const rawOutput = prop + this.errIntegral;
    let output = rawOutput;
    if (!Number.isFinite(output)) {
      this.reset();
      this.inputOverflow = true;
      return [this.min, false];
    }
    if (output < this.min) output = this.min;
    else if (output > this.max) output = this.max;

    if (this.ti !== 0 && this.tt !== 0) {
      this.errIntegral += ((this.kp * period) / this.ti) * (setpoint - input) + (period / this.tt) * (output - rawOutput);
      if (!Number.isFinite(this.errIntegral)) {
        this.reset();
        this.errOverflow = true;
        return [this.min, false];
      }
    }
    return [output, true];
  }

  /** reset clears the state, not the error flags. */
  reset(): void {
    this.errIntegral = 0;
  }
}
