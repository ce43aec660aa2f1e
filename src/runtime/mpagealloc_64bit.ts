// The 64-bit (linux/amd64) layout of the page allocator: the address
// arithmetic that maps an address to its chunk and summary entries, the five
// summary levels, and the sys* calls that reserve and commit them. Mirrors Go
// 1.23 mpagealloc_64bit.go (levelBits/levelShift/levelLogPages, sysInit,
// sysGrow, scavengeIndex.sysInit/sysGrow); chunkIndex & co. are from
// mpagealloc.go and mranges.go, kept here so every page-allocator file can
// import them without a cycle.
//
// Addresses. Go subtracts arenaBaseOffset = 0xffff800000000000 (mod 2^64)
// from an address before indexing, so the 48-bit address space becomes one
// contiguous "offset" space with user addresses in its upper half. gomem
// keeps addresses as plain numbers and reads arenaBaseOffset as the signed
// int64 it is, -2^47: every offset-space quantity is then `addr + 2^47`, the
// offset order is plain numeric order, and minOffAddr (-2^47) and maxOffAddr
// (2^47 - 1) are ordinary numbers. All values stay below 2^53, so they are
// exact; indices below 2^26 may use bitwise operators.
//
// The summary radix tree (offset space of 2^48 bytes):
//
//   level  entries  bytes    one entry covers      levelShift  levelLogPages
//   L0     2^14     128 KiB  16 GiB                34          21
//   L1     2^17     1 MiB    2 GiB                 31          18
//   L2     2^20     8 MiB    256 MiB               28          15
//   L3     2^23     64 MiB   32 MiB                25          12
//   L4     2^26     512 MiB  4 MiB = one chunk     22           9
//
// Each level is reserved PROT_NONE at init; sysGrow maps (Ready) the 4 KiB
// pages holding the entries a new heap range needs, widened to whole
// 8-entry blocks (all of L0, whose "block" is the whole level).

import type { SysMemStat, SysMemory } from './mem.ts';
import { physPageSize } from './mem.ts';
import { pageSize } from './sizeclasses_const.ts';
import { logPallocChunkPages, pallocChunkPages } from './mpallocbits.ts';
import type { PageAlloc } from './mpagealloc.ts';
import type { ScavengeIndex } from './mgcscavenge.ts';

/** heapAddrBits (malloc.go): bits of address the heap may use on amd64. */
export const heapAddrBits = 48;
/** arenaBaseOffset (malloc.go) as a signed int64: 0xffff800000000000 = -2^47. */
export const arenaBaseOffset = -(2 ** 47);
/** minOffAddr (mranges.go): the lowest address of the offset space. */
export const minOffAddr = arenaBaseOffset;
/** maxOffAddr (mranges.go): the highest address of the offset space, 0x7fffffffffff. */
export const maxOffAddr = 2 ** (heapAddrBits - 1) - 1;
/** maxSearchAddr: the page allocator's "heap exhausted" searchAddr. */
export const maxSearchAddr = maxOffAddr;

export const pallocChunkBytes = pallocChunkPages * pageSize; // 4 MiB
export const logPallocChunkBytes = logPallocChunkPages + 13; // pageShift 13

export const summaryLevels = 5;
export const summaryLevelBits = 3;
export const summaryL0Bits = heapAddrBits - logPallocChunkBytes - (summaryLevels - 1) * summaryLevelBits; // 14
export const pallocSumBytes = 8;

/** Chunk bitmap map: L1 of 2^13 pointers, each to an L2 block of 2^13 pallocData (1 MiB). */
export const pallocChunksL1Bits = 13;
export const pallocChunksL2Bits = heapAddrBits - logPallocChunkBytes - pallocChunksL1Bits; // 13
export const pallocChunksL1Shift = pallocChunksL2Bits;

export const levelBits: readonly number[] = [summaryL0Bits, summaryLevelBits, summaryLevelBits, summaryLevelBits, summaryLevelBits];
export const levelShift: readonly number[] = [0, 1, 2, 3, 4].map((l) => heapAddrBits - summaryL0Bits - l * summaryLevelBits);
export const levelLogPages: readonly number[] = [4, 3, 2, 1, 0].map((k) => logPallocChunkPages + k * summaryLevelBits);
/** 2^levelShift[l], for exact division of offsets above 2^32. */
const levelSpan: readonly number[] = levelShift.map((s) => 2 ** s);

// ──────────────────────── address arithmetic ────────────────────────

/** chunkIndex: the global index of the palloc chunk containing p. */
export function chunkIndex(p: number): number {
  return Math.floor((p - arenaBaseOffset) / pallocChunkBytes);
}

/** chunkBase: the base address of chunk ci. */
export function chunkBase(ci: number): number {
  return ci * pallocChunkBytes + arenaBaseOffset;
}

/** chunkPageIndex: the index of p's page within its chunk. */
export function chunkPageIndex(p: number): number {
  const r = p % pallocChunkBytes;
  return Math.floor((r < 0 ? r + pallocChunkBytes : r) / pageSize);
}

/** chunkIdx.l1(): index into pageAlloc.chunks. */
export function chunkL1(ci: number): number {
  return ci >>> pallocChunksL1Shift;
}

/** chunkIdx.l2(): index into an L2 chunk block. */
export function chunkL2(ci: number): number {
  return ci & ((1 << pallocChunksL2Bits) - 1);
}

/** offAddrToLevelIndex: the index into summary[level] containing addr. */
export function offAddrToLevelIndex(level: number, addr: number): number {
  return Math.floor((addr - arenaBaseOffset) / levelSpan[level]!);
}

/** levelIndexToOffAddr: the first address covered by summary[level][idx]. */
export function levelIndexToOffAddr(level: number, idx: number): number {
  return idx * levelSpan[level]! + arenaBaseOffset;
}

/** addrsToSummaryRange: summary[level] indices [lo, hi) for [base, limit). */
export function addrsToSummaryRange(level: number, base: number, limit: number): [number, number] {
  return [offAddrToLevelIndex(level, base), offAddrToLevelIndex(level, limit - 1) + 1];
}

/** blockAlignSummaryRange: widens [lo, hi) to whole blocks of 2^levelBits[level]. */
export function blockAlignSummaryRange(level: number, lo: number, hi: number): [number, number] {
  const e = 2 ** levelBits[level]!;
  return [alignDown(lo, e), alignUp(hi, e)];
}

export function alignUp(n: number, a: number): number {
  return Math.ceil(n / a) * a;
}

export function alignDown(n: number, a: number): number {
  return Math.floor(n / a) * a;
}

// ──────────────────────── runtime metadata arrays ────────────────────────

/** Reads of a mapped page never written: the kernel's zero page. Never written to. */
const zeroPage = new Uint32Array(physPageSize / 4);
const entriesPerPage = physPageSize / 8; // 512 eight-byte entries per 4 KiB page

// Page states of a SysArray.
const Reserved = 0; // PROT_NONE: any access is a fault
const Mapped = 1; // Ready, never accessed
const ZeroMapped = 2; // Ready, read (the zero page is mapped), never written
const Written = 3; // backed by a host page (storage !== undefined)

/**
 * A reserved array of 8-byte entries in simulated memory — a summary level
 * or the scavenge index. Host storage exists only for pages the runtime has
 * written; `sys.touch` is called on the first write to a page and
 * `sys.touchRead` on the first read of a page still unwritten, which is what
 * faults it in. Later accesses to the page cannot change RSS (the runtime
 * never releases these pages), so they are not reported again.
 *
 * An entry is two uint32 (lo = bits 0–31, hi = bits 32–63). Access to a page
 * that was never mapped throws: in Go that is a segfault.
 */
export class SysArray {
  /** Go's slice len: entries the allocator may index; Go bounds-checks against it. */
  len: number;
  /** Simulated address of entry 0. */
  readonly base: number;
  /** Entries reserved (Go's slice cap). */
  readonly cap: number;
  private readonly sys: SysMemory | null;
  private readonly pages: (Uint32Array | undefined)[];
  private readonly state: Uint8Array;

  constructor(sys: SysMemory | null, base: number, cap: number, len = 0) {
    this.sys = sys;
    this.base = base;
    this.cap = cap;
    this.len = len;
    const npages = Math.ceil(cap / entriesPerPage);
    this.pages = new Array<Uint32Array | undefined>(npages).fill(undefined);
    this.state = new Uint8Array(npages);
  }

  /** Reserved → Ready for the pages of [addr, addr+nbytes) (page-aligned). */
  map(addr: number, nbytes: number): void {
    const first = (addr - this.base) / physPageSize;
    const n = nbytes / physPageSize;
    for (let i = first; i < first + n; i++) {
      if (this.state[i] === Reserved) this.state[i] = Mapped;
    }
  }

  /** Whether entry i lies in a mapped page. */
  isMapped(i: number): boolean {
    return this.state[Math.floor(i / entriesPerPage)] !== Reserved;
  }

  /**
   * The storage page holding entry i, for reading only: entry i is at
   * [slot(i)] (lo) and [slot(i)+1] (hi). Unwritten pages read as zeros.
   */
  readPage(i: number): Uint32Array {
    const pg = this.pages[i >>> 9];
    return pg !== undefined ? pg : this.readFault(i);
  }

  lo(i: number): number {
    return this.readPage(i)[(i & 511) << 1]!;
  }

  hi(i: number): number {
    return this.readPage(i)[((i & 511) << 1) + 1]!;
  }

  /** Writes entry i. */
  set(i: number, lo: number, hi: number): void {
    let pg = this.pages[i >>> 9];
    if (pg === undefined) pg = this.writeFault(i);
    const k = (i & 511) << 1;
    pg[k] = lo;
    pg[k + 1] = hi;
  }

  /** Bytes of host storage held (test window and benchmarks). */
  hostBytes(): number {
    let n = 0;
    for (const pg of this.pages) if (pg !== undefined) n += pg.byteLength;
    return n;
  }

  private readFault(i: number): Uint32Array {
    const pi = i >>> 9;
    const st = this.state[pi];
    if (st === Reserved) this.segv(i);
    if (st === Mapped) {
      this.state[pi] = ZeroMapped;
      this.sys?.touchRead(this.base + pi * physPageSize, physPageSize);
    }
    return zeroPage;
  }

  private writeFault(i: number): Uint32Array {
    const pi = i >>> 9;
    if (this.state[pi] === Reserved) this.segv(i);
    const pg = new Uint32Array(entriesPerPage * 2);
    this.pages[pi] = pg;
    this.state[pi] = Written;
    this.sys?.touch(this.base + i * 8, 8);
    return pg;
  }

  private segv(i: number): never {
    throw new Error(
      `runtime: unexpected fault address 0x${(this.base + i * 8).toString(16)} (entry ${i} of an array at 0x${this.base.toString(16)} is not mapped)`,
    );
  }
}

/** The slot of entry i within its storage page. */
export function slot(i: number): number {
  return (i & 511) << 1;
}

// ──────────────────────── sysInit / sysGrow ────────────────────────

/**
 * sysInit reserves every summary level, L0 first (mpagealloc_64bit.go):
 * mmap(NULL, 128 KiB / 1 MiB / 8 MiB / 64 MiB / 512 MiB, PROT_NONE).
 */
export function sysInit(p: PageAlloc): void {
  for (let l = 0; l < summaryLevels; l++) {
    const entries = 2 ** (heapAddrBits - levelShift[l]!);
    const b = alignUp(entries * pallocSumBytes, physPageSize);
    const r = p.sys.sysReserve(0, b, 'pagealloc-summary');
    if (r === 0) throw new Error('failed to reserve page summary memory');
    p.summary[l] = new SysArray(p.sys, r, entries);
  }
}

/** An address range [base, limit); an empty one has base >= limit. */
type Range = [number, number];

/**
 * addrRange.subtract: cuts b out of a. a and b either do not overlap,
 * overlap on one side, or b covers a; b strictly inside a throws.
 */
function subtractRange(a: Range, b: Range): Range {
  const [aBase, aLimit] = a;
  const [bBase, bLimit] = b;
  if (bBase <= aBase && aLimit <= bLimit) return [0, 0];
  if (aBase < bBase && bLimit < aLimit) throw new Error('bad prune');
  if (bLimit < aLimit && aBase < bLimit) return [bLimit, aLimit];
  if (aBase < bBase && bBase < aLimit) return [aBase, bBase];
  return a;
}

function rangeSize(r: Range): number {
  return r[0] < r[1] ? r[1] - r[0] : 0;
}

/**
 * sysGrow maps the summary memory needed for the new heap range
 * [base, limit) (chunk-aligned) and grows each level's len; then grows the
 * scavenge index's backing store. For each level: the entries for
 * [base, limit), widened to whole blocks, as 4 KiB-aligned bytes, minus what
 * the neighbouring in-use ranges already mapped; sysMap + sysUsed, charged
 * to p.sysStat.
 */
export function sysGrow(p: PageAlloc, base: number, limit: number): void {
  if (base % pallocChunkBytes !== 0 || limit % pallocChunkBytes !== 0) {
    throw new Error(`sysGrow bounds not aligned to pallocChunkBytes: base = 0x${base.toString(16)}, limit = 0x${limit.toString(16)}`);
  }
  const summaryRange = (level: number, b: number, lim: number): Range => {
    const [lo, hi] = addrsToSummaryRange(level, b, lim);
    return blockAlignSummaryRange(level, lo, hi);
  };
  const sumAddrRange = (level: number, lo: number, hi: number): Range => {
    const s = p.summary[level]!;
    return [s.base + alignDown(lo * pallocSumBytes, physPageSize), s.base + alignUp(hi * pallocSumBytes, physPageSize)];
  };
  const inUse = p.inUse.ranges;
  const inUseIndex = p.inUse.findSucc(base);

  for (let l = 0; l < summaryLevels; l++) {
    const [needLo, needHi] = summaryRange(l, base, limit);
    const s = p.summary[l]!;
    if (needHi > s.len) s.len = needHi;

    let need = sumAddrRange(l, needLo, needHi);
    if (inUseIndex > 0) {
      const r = inUse[inUseIndex - 1]!;
      need = subtractRange(need, sumAddrRange(l, ...summaryRange(l, r.base, r.limit)));
    }
    if (inUseIndex < inUse.length) {
      const r = inUse[inUseIndex]!;
      need = subtractRange(need, sumAddrRange(l, ...summaryRange(l, r.base, r.limit)));
    }
    const size = rangeSize(need);
    if (size === 0) continue;
    p.sys.sysMap(need[0], size, p.sysStat);
    p.sys.sysUsed(need[0], size, size);
    s.map(need[0], size);
    p.summaryMappedReady += size;
  }
  p.summaryMappedReady += scavengeIndexSysGrow(p.scav.index, base, limit, p.sysStat);
}

const scavChunkDataBytes = 8;

/**
 * scavengeIndex.sysGrow maps the index entries for [base, limit), always
 * keeping the mapped part one contiguous range from the lowest to the
 * highest heap chunk (rounded to whole 4 KiB pages = 512 entries). Returns
 * the bytes mapped.
 */
export function scavengeIndexSysGrow(s: ScavengeIndex, base: number, limit: number, sysStat: SysMemStat): number {
  if (base % pallocChunkBytes !== 0 || limit % pallocChunkBytes !== 0) {
    throw new Error(`sysGrow bounds not aligned to pallocChunkBytes: base = 0x${base.toString(16)}, limit = 0x${limit.toString(16)}`);
  }
  const perPage = physPageSize / scavChunkDataBytes;
  const haveMin = s.min;
  const haveMax = s.max;
  let needMin = alignDown(chunkIndex(base), perPage);
  let needMax = alignUp(chunkIndex(limit), perPage);
  if (needMax < haveMin) needMax = haveMin;
  if (haveMax !== 0 && needMin > haveMax) needMin = haveMax;

  const chunksBase = s.chunks.base;
  const have: Range = [chunksBase + haveMin * scavChunkDataBytes, chunksBase + haveMax * scavChunkDataBytes];
  const need = subtractRange([chunksBase + needMin * scavChunkDataBytes, chunksBase + needMax * scavChunkDataBytes], have);
  const size = rangeSize(need);
  if (size !== 0) {
    s.sys!.sysMap(need[0], size, sysStat);
    s.sys!.sysUsed(need[0], size, size);
    s.chunks.map(need[0], size);
    if (haveMax === 0 || needMin < haveMin) s.min = needMin;
    if (needMax > haveMax) s.max = needMax;
  }
  return size;
}

/** scavengeIndex.sysInit reserves one 8-byte entry per chunk: 2^26 entries, 512 MiB. */
export function scavengeIndexSysInit(s: ScavengeIndex, sys: SysMemory): number {
  const n = 2 ** heapAddrBits / pallocChunkBytes;
  const r = sys.sysReserve(0, n * scavChunkDataBytes, 'scavenge-index');
  s.chunks = new SysArray(sys, r, n, n);
  return 0; // all of it is only Reserved
}
