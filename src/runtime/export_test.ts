// Test-only window on the page allocator's internals, in the vocabulary of
// Go 1.23 runtime/export_test.go: BaseChunkIdx, PageBase, BitRange,
// NewPageAlloc(chunks, scav), PallocBits, PallocData, PageCache helpers,
// NewScavengeIndex, CheckPackScavChunkData, NewPIController, Scavenger
// (the background scavenger with its stubs), the pacer
// (NewGCController) and the GC CPU limiter (NewGCCPULimiter), and slow
// reference implementations (SummarizeSlow, fillAlignedSlow lives in the
// test). 64-bit values cross this boundary as BigInt for readability; the
// model itself never uses BigInt. Never import this file from src/.

import { SysMemStat, physHugePageSize, physPageSize } from './mem.ts';
import type { SysMemory } from './mem.ts';
import { pageSize } from './sizeclasses_const.ts';
import {
  findBitRange64,
  findIndex,
  findSearchIdx,
  pageBitsClearRange,
  pageBitsGet,
  pageBitsPopcntRange,
  pageBitsSetRange,
  pageBitsWords,
  pallocBitsAllocRange,
  pallocBitsFree,
  pallocChunkPages,
  pallocDataAllocRange,
  pallocDataWords,
  pallocFind,
  pallocSumEnd,
  pallocSumHi,
  pallocSumLo,
  pallocSumMax,
  pallocSumOut,
  pallocSumStart,
  scavengedOffset,
  summarize,
} from './mpallocbits.ts';
import { SysArray, chunkBase, chunkIndex, chunkPageIndex, pallocChunkBytes, pallocSumBytes } from './mpagealloc_64bit.ts';
import { PageAlloc } from './mpagealloc.ts';
import type { AddrRange } from './mpagealloc.ts';
import { PageCache, allocToCache, pageCachePages } from './mpagecache.ts';
import {
  PIController,
  ScavengeIndex,
  candidateSize,
  candidateStart,
  fillAligned,
  fillAlignedOut,
  findScavengeCandidate,
  packScavChunkLo,
  scavChunkFlags,
  scavChunkInUse,
  scavChunkLastInUse,
  scavengePercent,
} from './mgcscavenge.ts';
import { ScavengerState } from './mgcscavenge_bg.ts';
import {
  GcControllerState,
  defaultHeapMinimum,
  gcBackgroundUtilization,
  gcGoalUtilization,
  gcTriggerHeap,
  memoryLimitHeapGoalHeadroomPercent,
  memoryLimitMinHeapGoalHeadroom,
} from './mgcpacer.ts';
import { GcCPULimiterState, capacityPerProc, gcCPULimiterUpdatePeriod } from './mgclimit.ts';

export const PageSize = pageSize;
export const PallocChunkPages = pallocChunkPages;
export const PallocSumBytes = pallocSumBytes;
export const PageAlloc64Bit = 1;
export const PhysPageSize = physPageSize;
export const PhysHugePageSize = physHugePageSize;
export const PageCachePages = pageCachePages;

/** Go's ^uint(0) "not found". */
export const NotFound = -1;

/** A chunk index (Go: ChunkIdx). */
export type ChunkIdx = number;

/** BitRange: bits [I, I+N). */
export interface BitRange {
  I: number;
  N: number;
}

/** BaseChunkIdx: the chunk of 0xc000 * 4 MiB = 0x3000000000 on 64-bit; 33,603,584 on amd64. */
export const BaseChunkIdx: ChunkIdx = chunkIndex(0xc000 * pallocChunkBytes);

/** PageBase: the address of page pageIdx of chunk c. */
export function PageBase(c: ChunkIdx, pageIdx: number): number {
  return chunkBase(c) + pageIdx * pageSize;
}

// ──────────────────────── 64-bit values as BigInt ────────────────────────

export function toBig(lo: number, hi: number): bigint {
  return (BigInt(hi >>> 0) << 32n) | BigInt(lo >>> 0);
}

export function lo32(x: bigint): number {
  return Number(x & 0xffffffffn);
}

export function hi32(x: bigint): number {
  return Number((x >> 32n) & 0xffffffffn);
}

/** All 64 bits set: Go's ^uint64(0). */
export const ALL64 = (1n << 64n) - 1n;

// ──────────────────────── pallocSum ────────────────────────

export class PallocSum {
  constructor(
    readonly lo: number,
    readonly hi: number,
  ) {}
  Start(): number {
    return pallocSumStart(this.lo, this.hi);
  }
  Max(): number {
    return pallocSumMax(this.lo, this.hi);
  }
  End(): number {
    return pallocSumEnd(this.lo, this.hi);
  }
  /** The packed uint64. */
  value(): bigint {
    return toBig(this.lo, this.hi);
  }
}

export function PackPallocSum(start: number, max: number, end: number): PallocSum {
  return new PallocSum(pallocSumLo(start, max, end), pallocSumHi(start, max, end));
}

// ──────────────────────── pallocBits / pallocData ────────────────────────

/** A pallocBits: 512 bits at offset o of b (its own storage by default). */
export class PallocBits {
  constructor(
    readonly b: Uint32Array = new Uint32Array(pageBitsWords),
    readonly o = 0,
  ) {}
  /** Go's PallocBits[i]: the i'th uint64. */
  word(i: number): bigint {
    return toBig(this.b[this.o + 2 * i]!, this.b[this.o + 2 * i + 1]!);
  }
  setWord(i: number, v: bigint): void {
    this.b[this.o + 2 * i] = lo32(v);
    this.b[this.o + 2 * i + 1] = hi32(v);
  }
  get(i: number): number {
    return pageBitsGet(this.b, this.o, i);
  }
  Find(npages: number, searchIdx: number): [number, number] {
    const r = pallocFind(this.b, this.o, npages, searchIdx);
    return [findIndex(r), findSearchIdx(r)];
  }
  AllocRange(i: number, n: number): void {
    pallocBitsAllocRange(this.b, this.o, i, n);
  }
  Free(i: number, n: number): void {
    pallocBitsFree(this.b, this.o, i, n);
  }
  Summarize(): PallocSum {
    summarize(this.b, this.o);
    return new PallocSum(pallocSumOut[0]!, pallocSumOut[1]!);
  }
  PopcntRange(i: number, n: number): number {
    return pageBitsPopcntRange(this.b, this.o, i, n);
  }
  invert(): void {
    for (let k = 0; k < pageBitsWords; k++) this.b[this.o + k] = ~this.b[this.o + k]! >>> 0;
  }
}

/** makePallocBits: the ranges set to 1, the rest 0. */
export function makePallocBits(s: readonly BitRange[]): PallocBits {
  const b = new PallocBits();
  for (const v of s) b.AllocRange(v.I, v.N);
  return b;
}

/** SummarizeSlow: an obviously correct, bit-by-bit summarize. */
export function SummarizeSlow(b: PallocBits): PallocSum {
  const N = pallocChunkPages;
  let start = 0;
  let end = 0;
  let most = 0;
  while (start < N && b.get(start) === 0) start++;
  while (end < N && b.get(N - end - 1) === 0) end++;
  let run = 0;
  for (let i = 0; i < N; i++) {
    run = b.get(i) === 0 ? run + 1 : 0;
    most = Math.max(most, run);
  }
  return PackPallocSum(start, most, end);
}

/** DiffPallocBits: the bit ranges where a and b differ. */
export function DiffPallocBits(a: PallocBits, b: PallocBits): BitRange[] {
  const d: BitRange[] = [];
  let base = 0;
  let size = 0;
  for (let i = 0; i < pallocChunkPages; i++) {
    if (a.get(i) !== b.get(i)) {
      if (size === 0) base = i;
      size++;
    } else {
      if (size !== 0) d.push({ I: base, N: size });
      size = 0;
    }
  }
  if (size !== 0) d.push({ I: base, N: size });
  return d;
}

export function StringifyPallocBits(b: PallocBits, r: BitRange): string {
  let s = '';
  for (let j = r.I; j < r.I + r.N; j++) s += b.get(j) !== 0 ? '1' : '0';
  return s;
}

export function FindBitRange64(c: bigint, n: number): number {
  return findBitRange64(lo32(c), hi32(c), n);
}

export function FillAligned(x: bigint, m: number): bigint {
  fillAligned(lo32(x), hi32(x), m);
  return toBig(fillAlignedOut[0]!, fillAlignedOut[1]!);
}

/** A pallocData at offset o of b (its own storage by default). */
export class PallocData {
  constructor(
    readonly b: Uint32Array = new Uint32Array(pallocDataWords),
    readonly o = 0,
  ) {}
  FindScavengeCandidate(searchIdx: number, min: number, max: number): [number, number] {
    const r = findScavengeCandidate(this.b, this.o, searchIdx, min, max);
    return [candidateStart(r), candidateSize(r)];
  }
  AllocRange(i: number, n: number): void {
    pallocDataAllocRange(this.b, this.o, i, n);
  }
  ScavengedSetRange(i: number, n: number): void {
    pageBitsSetRange(this.b, this.o + scavengedOffset, i, n);
  }
  PallocBits(): PallocBits {
    return new PallocBits(this.b, this.o);
  }
  Scavenged(): PallocBits {
    return new PallocBits(this.b, this.o + scavengedOffset);
  }
}

/** makePallocData: alloc and scavenged ranges set (N == 0 ranges skipped). */
export function makePallocData(alloc: readonly BitRange[], scavenged: readonly BitRange[]): PallocData {
  const b = new PallocData();
  for (const v of alloc) if (v.N !== 0) b.AllocRange(v.I, v.N);
  for (const v of scavenged) if (v.N !== 0) b.ScavengedSetRange(v.I, v.N);
  return b;
}

// ──────────────────────── pageCache ────────────────────────

export function NewPageCache(base: number, cache: bigint, scav: bigint): PageCache {
  const c = new PageCache();
  c.base = base;
  c.cacheLo = lo32(cache) | 0;
  c.cacheHi = hi32(cache) | 0;
  c.scavLo = lo32(scav) | 0;
  c.scavHi = hi32(scav) | 0;
  return c;
}

export function CacheBits(c: PageCache): bigint {
  return toBig(c.cacheLo, c.cacheHi);
}

export function ScavBits(c: PageCache): bigint {
  return toBig(c.scavLo, c.scavHi);
}

export function CacheAlloc(c: PageCache, npages: number): [number, number] {
  return c.alloc(npages);
}

// ──────────────────────── a SysMemory for tests ────────────────────────

const hugePage = 2 << 20;

/**
 * A SysMemory for tests: places mmap(NULL) top-down below `top` in the
 * highest gap that fits, 2 MiB-aligning lengths that are multiples of 2 MiB
 * (Linux 6.x's THP alignment of anonymous mappings), and records each call
 * in strace's format plus the 4 KiB pages written and read. Not the kernel
 * model: only enough placement to reproduce real addresses in tests.
 */
export class TestSysMemory implements SysMemory {
  mappedReady = 0;
  /** strace-style lines, one per call, when recording. */
  readonly log: string[] = [];
  /** Page addresses written (first write faults), in order. */
  readonly touched: number[] = [];
  /** Page addresses first read while untouched (zero page). */
  readonly readFaulted: number[] = [];
  private readonly written = new Set<number>();
  private readonly zero = new Set<number>();
  /** Mappings [start, end), for placement. */
  private readonly maps: { start: number; end: number }[] = [];

  constructor(
    private readonly top = 0x7ffff7ff7000,
    readonly record = false,
  ) {}

  private hex(v: number): string {
    return '0x' + v.toString(16);
  }

  private place(n: number): number {
    const len = Math.ceil(n / physPageSize) * physPageSize;
    const align = len % hugePage === 0 ? hugePage : physPageSize;
    const sorted = this.maps.filter((m) => m.start < this.top).sort((a, b) => b.start - a.start);
    let hi = this.top;
    for (const m of sorted) {
      const cand = Math.floor((hi - len) / align) * align;
      if (m.end <= cand) break;
      hi = Math.min(hi, m.start);
    }
    const addr = Math.floor((hi - len) / align) * align;
    this.maps.push({ start: addr, end: addr + len });
    return addr;
  }

  /** Adds a mapping made by someone else (e.g. a MAP_FIXED heap arena). */
  addMapping(start: number, n: number): void {
    this.maps.push({ start, end: start + Math.ceil(n / physPageSize) * physPageSize });
  }

  sysAlloc(n: number, stat: SysMemStat): number {
    const v = this.place(n);
    stat.add(n);
    this.mappedReady += n;
    if (this.record) this.log.push(`mmap(NULL, ${n}, PROT_READ|PROT_WRITE, MAP_PRIVATE|MAP_ANONYMOUS, -1, 0) = ${this.hex(v)}`);
    return v;
  }
  sysAllocOS(n: number): number {
    const v = this.place(n);
    if (this.record) this.log.push(`mmap(NULL, ${n}, PROT_READ|PROT_WRITE, MAP_PRIVATE|MAP_ANONYMOUS, -1, 0) = ${this.hex(v)}`);
    return v;
  }
  sysReserve(v: number, n: number): number {
    let r: number;
    if (v !== 0) {
      this.addMapping(v, n);
      r = v;
    } else r = this.place(n);
    if (this.record) this.log.push(`mmap(${v === 0 ? 'NULL' : this.hex(v)}, ${n}, PROT_NONE, MAP_PRIVATE|MAP_ANONYMOUS, -1, 0) = ${this.hex(r)}`);
    return r;
  }
  sysMap(v: number, n: number, stat: SysMemStat): void {
    stat.add(n);
    if (this.record) this.log.push(`mmap(${this.hex(v)}, ${n}, PROT_READ|PROT_WRITE, MAP_PRIVATE|MAP_FIXED|MAP_ANONYMOUS, -1, 0) = ${this.hex(v)}`);
  }
  sysUsed(_v: number, _n: number, prepared: number): void {
    this.mappedReady += prepared;
  }
  sysUnused(v: number, n: number): void {
    if (this.record) this.log.push(`madvise(${this.hex(v)}, ${n}, MADV_DONTNEED) = 0`);
  }
  sysFree(v: number, n: number, stat: SysMemStat): void {
    stat.add(-n);
    this.mappedReady -= n;
    if (this.record) this.log.push(`munmap(${this.hex(v)}, ${n}) = 0`);
  }
  sysFreeOS(v: number, n: number): void {
    if (this.record) this.log.push(`munmap(${this.hex(v)}, ${n}) = 0`);
  }
  sysFault(v: number, n: number): void {
    if (this.record) this.log.push(`mprotect(${this.hex(v)}, ${n}, PROT_NONE) = 0`);
  }
  sysHugePage(v: number, n: number): void {
    if (this.record) this.log.push(`madvise(${this.hex(v)}, ${n}, MADV_HUGEPAGE) = 0`);
  }
  sysNoHugePage(v: number, n: number): void {
    if (this.record) this.log.push(`madvise(${this.hex(v)}, ${n}, MADV_NOHUGEPAGE) = 0`);
  }
  touch(v: number, n: number): void {
    for (let p = Math.floor(v / physPageSize) * physPageSize; p < v + n; p += physPageSize) {
      if (!this.written.has(p)) {
        this.written.add(p);
        this.touched.push(p);
      }
    }
  }
  touchRead(v: number, n: number): void {
    for (let p = Math.floor(v / physPageSize) * physPageSize; p < v + n; p += physPageSize) {
      if (!this.written.has(p) && !this.zero.has(p)) {
        this.zero.add(p);
        this.readFaulted.push(p);
      }
    }
  }
}

// ──────────────────────── pageAlloc ────────────────────────

/** The stat NewPageAlloc charges (Go: memstats.other_sys). */
export const testSysStat = new SysMemStat('other_sys');

/**
 * NewPageAlloc: a test-mode page allocator grown by one chunk per key of
 * `chunks`, whose alloc bits are the given ranges and whose scavenged bits
 * are `scav`'s ranges (all clear if scav is null), with the scavenge index
 * consistent (all pages freed once, then the allocated ones allocated).
 */
export function NewPageAlloc(
  chunks: ReadonlyMap<ChunkIdx, readonly BitRange[]>,
  scav: ReadonlyMap<ChunkIdx, readonly BitRange[]> | null,
  sys: SysMemory = new TestSysMemory(),
): PageAlloc {
  const p = new PageAlloc();
  p.init(sys, testSysStat, true);
  for (const [i, init] of chunks) {
    const addr = chunkBase(i);
    p.grow(addr, pallocChunkBytes);

    const ci = chunkIndex(addr);
    const b = p.chunkWords(ci);
    const o = p.chunkOffset(ci);
    // Clear the scavenged bits grow set.
    pageBitsClearRange(b, o + scavengedOffset, 0, pallocChunkPages);
    // As if every page had been allocated and freed once.
    p.scav.index.alloc(ci, pallocChunkPages);
    p.scav.index.free(ci, 0, pallocChunkPages);

    const scvg = scav?.get(i);
    if (scvg !== undefined) for (const s of scvg) if (s.N !== 0) pageBitsSetRange(b, o + scavengedOffset, s.I, s.N);
    for (const s of init) {
      if (s.N !== 0) {
        pallocDataAllocRange(b, o, s.I, s.N);
        p.scav.index.alloc(ci, s.N);
      }
    }
    p.update(addr, pallocChunkPages, false, false);
  }
  return p;
}

export function Alloc(p: PageAlloc, npages: number): [number, number] {
  return p.alloc(npages);
}

export function Bounds(p: PageAlloc): [ChunkIdx, ChunkIdx] {
  return [p.start, p.end];
}

/** Scavenge: force-scavenge nbytes (Go's test wrapper: shouldStop nil, force true). */
export function Scavenge(p: PageAlloc, nbytes: number): number {
  return p.scavenge(nbytes, null, true);
}

export function InUse(p: PageAlloc): AddrRange[] {
  return p.inUse.ranges.map((r) => ({ base: r.base, limit: r.limit }));
}

export function AllocToCache(p: PageAlloc): PageCache {
  return allocToCache(p);
}

/** PallocDataOf: chunk i's bitmaps, or null if its L2 block does not exist (Go: PageAlloc.PallocData). */
export function PallocDataOf(p: PageAlloc, i: ChunkIdx): PallocData | null {
  if (!p.hasChunk(i)) return null;
  return new PallocData(p.chunkWords(i), p.chunkOffset(i));
}

// ──────────────────────── scavengeIndex ────────────────────────

/** NewScavengeIndex: a test index over chunks [min, max), no OS memory behind it. */
export class TestScavengeIndex {
  readonly i = new ScavengeIndex();

  constructor(min: ChunkIdx, max: ChunkIdx) {
    const i = this.i;
    // Go: make([]atomicScavChunkData, max) — all of it is ordinary memory.
    i.chunks = new SysArray(null, 0, max, max);
    i.chunks.map(0, Math.ceil(max / 512) * 4096);
    i.min = min;
    i.max = max;
    i.minHeapIdx = min;
    i.test = true;
  }

  Find(force: boolean): [ChunkIdx, number] {
    return this.i.find(force);
  }

  AllocRange(base: number, limit: number): void {
    const sc = chunkIndex(base);
    const ec = chunkIndex(limit - 1);
    const si = chunkPageIndex(base);
    const ei = chunkPageIndex(limit - 1);
    if (sc === ec) {
      this.i.alloc(sc, ei + 1 - si);
    } else {
      this.i.alloc(sc, pallocChunkPages - si);
      for (let c = sc + 1; c < ec; c++) this.i.alloc(c, pallocChunkPages);
      this.i.alloc(ec, ei + 1);
    }
  }

  FreeRange(base: number, limit: number): void {
    const sc = chunkIndex(base);
    const ec = chunkIndex(limit - 1);
    const si = chunkPageIndex(base);
    const ei = chunkPageIndex(limit - 1);
    if (sc === ec) {
      this.i.free(sc, si, ei + 1 - si);
    } else {
      this.i.free(sc, si, pallocChunkPages - si);
      for (let c = sc + 1; c < ec; c++) this.i.free(c, 0, pallocChunkPages);
      this.i.free(ec, 0, ei + 1);
    }
  }

  ResetSearchAddrs(): void {
    for (const a of [this.i.searchAddrBg, this.i.searchAddrForce]) {
      if (a.marked()) {
        const addr = a.load();
        a.storeUnmark(addr, addr);
      }
      a.clear();
    }
    this.i.freeHWM = -(2 ** 47);
  }

  NextGen(): void {
    this.i.nextGen();
  }

  SetEmpty(ci: ChunkIdx): void {
    this.i.setEmpty(ci);
  }
}

export function NewScavengeIndex(min: ChunkIdx, max: ChunkIdx): TestScavengeIndex {
  return new TestScavengeIndex(min, max);
}

/** CheckPackScavChunkData: pack then unpack gives the same fields. */
export function CheckPackScavChunkData(gen: number, inUse: number, lastInUse: number, flags: number): boolean {
  const lo = packScavChunkLo(inUse, lastInUse, flags);
  const hi = gen >>> 0;
  return scavChunkInUse(lo) === inUse && scavChunkLastInUse(lo) === lastInUse && scavChunkFlags(lo) === flags && hi === gen >>> 0;
}

export function NewPIController(kp: number, ti: number, tt: number, min: number, max: number): PIController {
  return new PIController(kp, ti, tt, min, max);
}

// ──────────────────────── pacer (mgcpacer.go) ────────────────────────

export const GCBackgroundUtilization = gcBackgroundUtilization;
export const GCGoalUtilization = gcGoalUtilization;
export const DefaultHeapMinimum = defaultHeapMinimum;
export const MemoryLimitHeapGoalHeadroomPercent = memoryLimitHeapGoalHeadroomPercent;
export const MemoryLimitMinHeapGoalHeadroom = memoryLimitMinHeapGoalHeadroom;

/**
 * A test copy of the pacer. Its memory counters (mappedReady, heapFree,
 * totalAlloc, totalFree) stay 0, as in Go's test copy, so the memory-limit
 * goal is the limit itself less headroom.
 */
export class GCController extends GcControllerState {
  constructor() {
    super(() => 0);
  }

  /**
   * One cycle starts with the heap at the trigger (or at heapMarked if that
   * is higher): stacks and globals of the given sizes, the allocation since
   * the last cycle scannable in proportion scannableFrac, a heap trigger.
   */
  StartCycle(stackSize: number, globalsSize: number, scannableFrac: number, gomaxprocs: number): void {
    let trigger = this.trigger().trigger;
    if (this.heapMarked > trigger) trigger = this.heapMarked;
    this.maxStackScan = stackSize;
    this.globalsScan = globalsSize;
    this.heapLive = trigger;
    this.heapScan += Math.trunc((trigger - this.heapMarked) * scannableFrac);
    this.startCycle(0, gomaxprocs, { kind: gcTriggerHeap });
  }

  AssistWorkPerByte(): number {
    return this.assistWorkPerByte;
  }

  HeapGoal(): number {
    return this.heapGoal();
  }

  HeapLive(): number {
    return this.heapLive;
  }

  HeapMarked(): number {
    return this.heapMarked;
  }

  /** heapLive at the start of the running cycle; -1 stands for ^uint64(0) outside one. */
  Triggered(): number {
    return this.triggered;
  }

  /** Applies the deltas, then revises the assist ratio. */
  Revise(d: GCControllerReviseDelta): void {
    this.heapLive += d.HeapLive;
    this.heapScan += d.HeapScan;
    this.heapScanWork += d.HeapScanWork;
    this.stackScanWork += d.StackScanWork;
    this.globalsScanWork += d.GlobalsScanWork;
    this.revise();
  }

  /** Mark termination: endCycle at `elapsed` ns after the (zero) mark start, resetLive, commit with sweeping unfinished. */
  EndCycle(bytesMarked: number, assistTime: number, elapsed: number, gomaxprocs: number): void {
    this.assistTime = assistTime;
    this.endCycle(elapsed, gomaxprocs, false);
    this.resetLive(bytesMarked);
    this.commit(false);
  }

  AddIdleMarkWorker(): boolean {
    return this.addIdleMarkWorker();
  }

  NeedIdleMarkWorker(): boolean {
    return this.needIdleMarkWorker();
  }

  RemoveIdleMarkWorker(): void {
    this.removeIdleMarkWorker();
  }

  SetMaxIdleMarkWorkers(max: number): void {
    this.setMaxIdleMarkWorkers(max);
  }
}

export interface GCControllerReviseDelta {
  HeapLive: number;
  HeapScan: number;
  HeapScanWork: number;
  StackScanWork: number;
  GlobalsScanWork: number;
}

/** NewGCController: a test pacer initialised from GOGC and a memory limit (bytes; math.MaxInt64 for none). */
export function NewGCController(gcPercent: number, memoryLimit: bigint | number): GCController {
  const c = new GCController();
  c.init(gcPercent, BigInt(memoryLimit));
  return c;
}

// ──────────────────────── GC CPU limiter (mgclimit.go) ────────────────────────

export const CapacityPerProc = capacityPerProc;
export const GCCPULimiterUpdatePeriod = gcCPULimiterUpdatePeriod;

export class GCCPULimiter {
  readonly limiter = new GcCPULimiterState({ test: true });

  Fill(): number {
    return this.limiter.bucket.fill;
  }
  Capacity(): number {
    return this.limiter.bucket.capacity;
  }
  Overflow(): number {
    return this.limiter.overflow;
  }
  Limiting(): boolean {
    return this.limiter.limiting();
  }
  NeedUpdate(now: number): boolean {
    return this.limiter.needUpdate(now);
  }
  StartGCTransition(enableGC: boolean, now: number): void {
    this.limiter.startGCTransition(enableGC, now);
  }
  FinishGCTransition(now: number): void {
    this.limiter.finishGCTransition(now);
  }
  Update(now: number): void {
    this.limiter.update(now);
  }
  AddAssistTime(t: number): void {
    this.limiter.addAssistTime(t);
  }
  ResetCapacity(now: number, nprocs: number): void {
    this.limiter.resetCapacity(now, nprocs);
  }
}

/** NewGCCPULimiter: a test limiter (no P events) sized for gomaxprocs, its clock starting at now. */
export function NewGCCPULimiter(now: number, gomaxprocs: number): GCCPULimiter {
  const l = new GCCPULimiter();
  l.limiter.resetCapacity(now, gomaxprocs);
  return l;
}

// ──────────────────────── the background scavenger ────────────────────────

export const ScavengePercent = scavengePercent;

/**
 * Scavenger: Go's test wrapper around scavengerState, with the four stubs
 * (Sleep, Scavenge, ShouldStop, GoMaxProcs) it must be given. Go runs the
 * loop on a goroutine and spins until it parks; here the loop is a
 * generator that yields exactly where it parks (sleepStub never parks), so
 * BlockUntilParked resumes it until it does.
 */
export class Scavenger {
  Sleep: ((ns: number) => number) | null = null;
  Scavenge: ((bytes: number) => [number, number]) | null = null;
  ShouldStop: (() => boolean) | null = null;
  GoMaxProcs: (() => number) | null = null;

  private released = 0;
  readonly scavenger = new ScavengerState();
  private stopped = false;
  private body: Generator<unknown, void, unknown> | null = null;

  Start(): void {
    if (this.Sleep === null || this.Scavenge === null || this.ShouldStop === null || this.GoMaxProcs === null) throw new Error('must populate all stubs');
    const s = this.scavenger;
    s.sleepStub = this.Sleep;
    s.scavenge = this.Scavenge;
    s.shouldStop = this.ShouldStop;
    s.gomaxprocs = this.GoMaxProcs;
    s.init(null, null, null);
    this.body = this.loop();
    this.body.next(); // runs to its first park
    if (!this.BlockUntilParked(1e9)) throw new Error('timed out waiting for scavenger to get ready');
  }

  /** Like bgscavenge, loosely (Go's own words), with a stop check each turn. */
  private *loop(): Generator<unknown, void, unknown> {
    const s = this.scavenger;
    yield s.park();
    for (;;) {
      if (this.stopped) return;
      const [released, workTime] = s.run();
      if (released === 0) {
        yield s.park();
        continue;
      }
      this.released += released;
      yield* s.sleep(workTime);
    }
  }

  /** Resumes the scavenger until it parks; the timeout (ns) bounds the resumptions, as Go bounds its spin. */
  BlockUntilParked(_timeout: number): boolean {
    for (let i = 0; i < 1_000_000; i++) {
      if (this.scavenger.parked) return true;
      if (this.body!.next().done === true) return false;
    }
    return false;
  }

  Released(): number {
    return this.released;
  }

  Wake(): void {
    this.scavenger.wake();
  }

  Stop(): void {
    if (!this.scavenger.parked) throw new Error('tried to clean up scavenger that is not parked');
    this.stopped = true;
    this.Wake();
    this.body!.next();
  }
}
