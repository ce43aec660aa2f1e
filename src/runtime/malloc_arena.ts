// Heap arenas (malloc.go, mheap.go): the 64 MiB units the heap's address
// space is reserved in, the arena index that maps an address to its
// heapArena metadata, and the arena hints that make the heap start at
// 0x00c000000000 and grow upward.
//
// Address arithmetic: Go subtracts arenaBaseOffset (0xffff800000000000)
// mod 2^64 before indexing, which for user-space addresses (below 2^47)
// is the same as adding 2^47. Addresses stay plain numbers (< 2^53).
//
// heapArena metadata (68,624 bytes, one sysAlloc each, charged to GCSys):
//   ┌──────────────────────┬───────────┬───────────┬──────────────┬──────┬──────────┐
//   │ spans[8192] *mspan   │ pageInUse │ pageMarks │ pageSpecials │ chk  │zeroedBase│
//   │ 65536 B              │ 1024 B    │ 1024 B    │ 1024 B       │ 8 B  │ 8 B      │
//   └──────────────────────┴───────────┴───────────┴──────────────┴──────┴──────────┘

import { pageSize } from './sizeclasses_const.ts';

export const heapArenaBytes = 64 << 20;
export const logHeapArenaBytes = 26;
export const pagesPerArena = heapArenaBytes / pageSize; // 8192
export const heapAddrBits = 48;
export const arenaBaseOffsetAdd = 2 ** 47; // −0xffff800000000000 mod 2^64
export const arenaL1Bits = 0;
export const arenaL2Bits = heapAddrBits - logHeapArenaBytes; // 22
/** The arena L2 map: 2^22 pointers. */
export const arenaL2MapBytes = 2 ** arenaL2Bits * 8; // 32 MiB
export const heapArenaSize = 65536 + 1024 * 3 + 8 + 8; // 68,624
const pageInUseOffset = 65536;
const pageMarksOffset = pageInUseOffset + 1024;
const zeroedBaseOffset = pageMarksOffset + 2048 + 8;

export function arenaIndex(p: number): number {
  return Math.floor((p + arenaBaseOffsetAdd) / heapArenaBytes);
}

export function arenaBase(i: number): number {
  return i * heapArenaBytes - arenaBaseOffsetAdd;
}

/** A heapArena: per-arena metadata. */
export class HeapArena {
  /**
   * Page → span, as the id of the span (MSpan.id; 0 = none): Go's
   * `spans [pagesPerArena]*mspan`, kept as integers so that the address →
   * span lookup on the allocation and mark paths is typed-array arithmetic.
   * Free spans keep only their first and last page entries meaningful.
   */
  readonly spans = new Int32Array(pagesPerArena);
  /** Bit per page: the first page of an mSpanInUse span. */
  readonly pageInUse = new Uint8Array(pagesPerArena / 8);
  /** Bit per page: the first page of a span with marked objects. */
  readonly pageMarks = new Uint8Array(pagesPerArena / 8);
  /** Bit per page: the first page of a span with specials. */
  readonly pageSpecials = new Uint8Array(pagesPerArena / 8);
  /** Offset into the arena below which memory has been handed out before (needs zeroing). */
  zeroedBase = 0;

  constructor(
    /** The arena's index. */
    readonly index: number,
    /** Simulated address of this metadata. */
    readonly addr: number,
  ) {}

  spansEntryAddr(pageIdx: number): number {
    return this.addr + pageIdx * 8;
  }
  pageInUseAddr(byteIdx: number): number {
    return this.addr + pageInUseOffset + byteIdx;
  }
  pageMarksAddr(byteIdx: number): number {
    return this.addr + pageMarksOffset + byteIdx;
  }
  zeroedBaseAddr(): number {
    return this.addr + zeroedBaseOffset;
  }
}

/**
 * The arena map (Go's mheap_.arenas, one L2 array of 2^22 entries on
 * amd64) as two levels of plain arrays, so that a heap spread over many
 * arenas costs a few small arrays instead of a 4M-entry table, and a lookup
 * is two array reads.
 */
const arenaMapL2Bits = 11;
const arenaMapL2Size = 1 << arenaMapL2Bits;

export class ArenaMap {
  private readonly l1: ((HeapArena | null)[] | undefined)[] = [];

  get(ri: number): HeapArena | null {
    const l2 = this.l1[ri >>> arenaMapL2Bits];
    return l2 === undefined ? null : l2[ri & (arenaMapL2Size - 1)]!;
  }

  set(ri: number, ha: HeapArena): void {
    const i = ri >>> arenaMapL2Bits;
    let l2 = this.l1[i];
    if (l2 === undefined) {
      while (this.l1.length < i) this.l1.push(undefined);
      l2 = this.l1[i] = new Array<HeapArena | null>(arenaMapL2Size).fill(null);
    }
    l2[ri & (arenaMapL2Size - 1)] = ha;
  }

  /** The arena holding address p, or null. */
  of(p: number): HeapArena | null {
    return this.get(arenaIndex(p));
  }
}

/** The page's index inside its arena (p mod 64 MiB, in 8 KiB pages). */
export function arenaPageIndex(p: number): number {
  return Math.floor(p / pageSize) % pagesPerArena;
}

/** An arena hint: where to try the next arena reservation. */
export interface ArenaHint {
  addr: number;
  down: boolean;
  /** Address of its arenaHintAlloc record (0 until allocated). */
  rec: number;
}

/**
 * mallocinit's hints on linux/amd64: p = i<<40 | 0x00c0<<32 for i = 0x7f
 * down to 0, pushed at the head; i > 0x3f go to the user-arena list. The
 * heap list therefore reads 0x00c000000000, 0x01c000000000, … 0x3fc000000000.
 */
export function initialArenaHints(): { heap: ArenaHint[]; userArena: ArenaHint[] } {
  const heap: ArenaHint[] = [];
  const userArena: ArenaHint[] = [];
  for (let i = 0x7f; i >= 0; i--) {
    const p = i * 2 ** 40 + 0xc0 * 2 ** 32;
    (i > 0x3f ? userArena : heap).unshift({ addr: p, down: false, rec: 0 });
  }
  return { heap, userArena };
}

/** pageIndexOf: the arena, byte index and bit mask of the page holding p. */
export function pageIndexOf(p: number): { arenaIdx: number; pageIdx: number; pageMask: number } {
  const arenaIdx = arenaIndex(p);
  const page = Math.floor((p % heapArenaBytes) / pageSize);
  return { arenaIdx, pageIdx: page >>> 3, pageMask: 1 << (page & 7) };
}
