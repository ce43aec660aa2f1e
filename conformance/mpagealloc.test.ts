// Port of Go 1.23 src/runtime/mpagealloc_test.go: TestPageAllocGrow,
// TestPageAllocAlloc (with the 64-bit-only discontiguous cases),
// TestPageAllocExhaust, TestPageAllocFree, TestPageAllocAllocAndFree.
// Expected values and test names are Go's.

import { describe, expect, it } from 'vitest';
import { Alloc, BaseChunkIdx, InUse, NewPageAlloc, PageBase, PageSize, PallocChunkPages, PallocSumBytes, PhysPageSize } from '../src/runtime/export_test.ts';
import type { BitRange, ChunkIdx } from '../src/runtime/export_test.ts';
import { M, R, checkPageAlloc } from './helpers_pagealloc.ts';

const P = PallocChunkPages;
const B = BaseChunkIdx;

describe('TestPageAllocGrow', () => {
  const MakeAddrRange = (base: number, limit: number) => ({ base, limit });
  type T = { chunks: ChunkIdx[]; inUse: { base: number; limit: number }[] };
  const tests: Record<string, T> = {
    One: { chunks: [B], inUse: [MakeAddrRange(PageBase(B, 0), PageBase(B + 1, 0))] },
    Contiguous2: { chunks: [B, B + 1], inUse: [MakeAddrRange(PageBase(B, 0), PageBase(B + 2, 0))] },
    Contiguous5: { chunks: [B, B + 1, B + 2, B + 3, B + 4], inUse: [MakeAddrRange(PageBase(B, 0), PageBase(B + 5, 0))] },
    Discontiguous: {
      chunks: [B, B + 2, B + 4],
      inUse: [
        MakeAddrRange(PageBase(B, 0), PageBase(B + 1, 0)),
        MakeAddrRange(PageBase(B + 2, 0), PageBase(B + 3, 0)),
        MakeAddrRange(PageBase(B + 4, 0), PageBase(B + 5, 0)),
      ],
    },
    Mixed: {
      chunks: [B, B + 1, B + 2, B + 4],
      inUse: [MakeAddrRange(PageBase(B, 0), PageBase(B + 3, 0)), MakeAddrRange(PageBase(B + 4, 0), PageBase(B + 5, 0))],
    },
    WildlyDiscontiguous: {
      chunks: [B, B + 1, B + 0x10, B + 0x21],
      inUse: [
        MakeAddrRange(PageBase(B, 0), PageBase(B + 2, 0)),
        MakeAddrRange(PageBase(B + 0x10, 0), PageBase(B + 0x11, 0)),
        MakeAddrRange(PageBase(B + 0x21, 0), PageBase(B + 0x22, 0)),
      ],
    },
    ManyDiscontiguous: {
      // The initial cap is 16. Test 33 ranges, to exercise the growth path (twice).
      chunks: Array.from({ length: 33 }, (_, k) => B + 2 * k),
      inUse: Array.from({ length: 33 }, (_, k) => MakeAddrRange(PageBase(B + 2 * k, 0), PageBase(B + 2 * k + 1, 0))),
    },
    // PageAlloc64Bit != 0: a constant that translates to O(TiB).
    ExtremelyDiscontiguous: {
      chunks: [B, B + 0x100000],
      inUse: [MakeAddrRange(PageBase(B, 0), PageBase(B + 1, 0)), MakeAddrRange(PageBase(B + 0x100000, 0), PageBase(B + 0x100001, 0))],
    },
  };
  for (const [name, v] of Object.entries(tests)) {
    it(name, () => {
      const x = new Map<ChunkIdx, BitRange[]>(v.chunks.map((c) => [c, []]));
      const b = NewPageAlloc(x, null);
      expect(InUse(b)).toEqual(v.inUse);
      b.verify();
    });
  }
  it('ManyDiscontiguous grows the persistentalloc-ed inUse array twice (16 → 32 → 64 ranges)', () => {
    const x = new Map<ChunkIdx, BitRange[]>(tests['ManyDiscontiguous']!.chunks.map((c) => [c, []]));
    const b = NewPageAlloc(x, null);
    expect(b.inUse.cap).toBe(64);
  });
});

type Hit = [npages: number, base: number, scav: number];

describe('TestPageAllocAlloc', () => {
  type T = { scav: Map<ChunkIdx, BitRange[]>; before: Map<ChunkIdx, BitRange[]>; after: Map<ChunkIdx, BitRange[]>; hits: Hit[] };
  const tests: Record<string, T> = {
    AllFree1: {
      before: M([B, []]),
      scav: M([B, [R(0, 1), R(2, 2)]]),
      hits: [
        [1, PageBase(B, 0), PageSize],
        [1, PageBase(B, 1), 0],
        [1, PageBase(B, 2), PageSize],
        [1, PageBase(B, 3), PageSize],
        [1, PageBase(B, 4), 0],
      ],
      after: M([B, [R(0, 5)]]),
    },
    ManyArena1: {
      before: M([B, [R(0, P)]], [B + 1, [R(0, P)]], [B + 2, [R(0, P - 1)]]),
      scav: M([B, [R(0, P)]], [B + 1, [R(0, P)]], [B + 2, [R(0, P)]]),
      hits: [[1, PageBase(B + 2, P - 1), PageSize]],
      after: M([B, [R(0, P)]], [B + 1, [R(0, P)]], [B + 2, [R(0, P)]]),
    },
    NotContiguous1: {
      before: M([B, [R(0, P)]], [B + 0xff, [R(0, 0)]]),
      scav: M([B, [R(0, P)]], [B + 0xff, [R(0, P)]]),
      hits: [[1, PageBase(B + 0xff, 0), PageSize]],
      after: M([B, [R(0, P)]], [B + 0xff, [R(0, 1)]]),
    },
    AllFree2: {
      before: M([B, []]),
      scav: M([B, [R(0, 3), R(7, 1)]]),
      hits: [
        [2, PageBase(B, 0), 2 * PageSize],
        [2, PageBase(B, 2), PageSize],
        [2, PageBase(B, 4), 0],
        [2, PageBase(B, 6), PageSize],
        [2, PageBase(B, 8), 0],
      ],
      after: M([B, [R(0, 10)]]),
    },
    Straddle2: {
      before: M([B, [R(0, P - 1)]], [B + 1, [R(1, P - 1)]]),
      scav: M([B, [R(P - 1, 1)]], [B + 1, []]),
      hits: [[2, PageBase(B, P - 1), PageSize]],
      after: M([B, [R(0, P)]], [B + 1, [R(0, P)]]),
    },
    AllFree5: {
      before: M([B, []]),
      scav: M([B, [R(0, 8), R(9, 1), R(17, 5)]]),
      hits: [
        [5, PageBase(B, 0), 5 * PageSize],
        [5, PageBase(B, 5), 4 * PageSize],
        [5, PageBase(B, 10), 0],
        [5, PageBase(B, 15), 3 * PageSize],
        [5, PageBase(B, 20), 2 * PageSize],
      ],
      after: M([B, [R(0, 25)]]),
    },
    AllFree64: {
      before: M([B, []]),
      scav: M([B, [R(21, 1), R(63, 65)]]),
      hits: [
        [64, PageBase(B, 0), 2 * PageSize],
        [64, PageBase(B, 64), 64 * PageSize],
        [64, PageBase(B, 128), 0],
      ],
      after: M([B, [R(0, 192)]]),
    },
    AllFree65: {
      before: M([B, []]),
      scav: M([B, [R(129, 1)]]),
      hits: [
        [65, PageBase(B, 0), 0],
        [65, PageBase(B, 65), PageSize],
        [65, PageBase(B, 130), 0],
      ],
      after: M([B, [R(0, 195)]]),
    },
    'ExhaustPallocChunkPages-3': {
      before: M([B, []]),
      scav: M([B, [R(10, 1)]]),
      hits: [
        [P - 3, PageBase(B, 0), PageSize],
        [P - 3, 0, 0],
        [1, PageBase(B, P - 3), 0],
        [2, PageBase(B, P - 2), 0],
        [1, 0, 0],
        [P - 3, 0, 0],
      ],
      after: M([B, [R(0, P)]]),
    },
    AllFreePallocChunkPages: {
      before: M([B, []]),
      scav: M([B, [R(0, 1), R(P - 1, 1)]]),
      hits: [
        [P, PageBase(B, 0), 2 * PageSize],
        [P, 0, 0],
        [1, 0, 0],
      ],
      after: M([B, [R(0, P)]]),
    },
    StraddlePallocChunkPages: {
      before: M([B, [R(0, P / 2)]], [B + 1, [R(P / 2, P / 2)]]),
      scav: M([B, []], [B + 1, [R(3, 100)]]),
      hits: [
        [P, PageBase(B, P / 2), 100 * PageSize],
        [P, 0, 0],
        [1, 0, 0],
      ],
      after: M([B, [R(0, P)]], [B + 1, [R(0, P)]]),
    },
    'StraddlePallocChunkPages+1': {
      before: M([B, [R(0, P / 2)]], [B + 1, []]),
      scav: M([B, [R(0, P)]], [B + 1, [R(0, P)]]),
      hits: [
        [P + 1, PageBase(B, P / 2), (P + 1) * PageSize],
        [P, 0, 0],
        [1, PageBase(B + 1, P / 2 + 1), PageSize],
      ],
      after: M([B, [R(0, P)]], [B + 1, [R(0, P / 2 + 2)]]),
    },
    'AllFreePallocChunkPages*2': {
      before: M([B, []], [B + 1, []]),
      scav: M([B, []], [B + 1, []]),
      hits: [
        [P * 2, PageBase(B, 0), 0],
        [P * 2, 0, 0],
        [1, 0, 0],
      ],
      after: M([B, [R(0, P)]], [B + 1, [R(0, P)]]),
    },
    'NotContiguousPallocChunkPages*2': {
      before: M([B, []], [B + 0x40, []], [B + 0x41, []]),
      scav: M([B, [R(0, P)]], [B + 0x40, []], [B + 0x41, []]),
      hits: [
        [P * 2, PageBase(B + 0x40, 0), 0],
        [21, PageBase(B, 0), 21 * PageSize],
        [1, PageBase(B, 21), PageSize],
      ],
      after: M([B, [R(0, 22)]], [B + 0x40, [R(0, P)]], [B + 0x41, [R(0, P)]]),
    },
    'StraddlePallocChunkPages*2': {
      before: M([B, [R(0, P / 2)]], [B + 1, []], [B + 2, [R(P / 2, P / 2)]]),
      scav: M([B, [R(0, 7)]], [B + 1, [R(3, 5), R(121, 10)]], [B + 2, [R(P / 2 + 12, 2)]]),
      hits: [
        [P * 2, PageBase(B, P / 2), 15 * PageSize],
        [P * 2, 0, 0],
        [1, 0, 0],
      ],
      after: M([B, [R(0, P)]], [B + 1, [R(0, P)]], [B + 2, [R(0, P)]]),
    },
    'StraddlePallocChunkPages*5/4': {
      before: M([B, [R(0, P)]], [B + 1, [R(0, (P * 3) / 4)]], [B + 2, [R(0, (P * 3) / 4)]], [B + 3, [R(0, 0)]]),
      scav: M([B, [R(0, P)]], [B + 1, [R(P / 2, P / 4 + 1)]], [B + 2, [R(Math.floor(P / 3), 1)]], [B + 3, [R(Math.floor((P * 2) / 3), 1)]]),
      hits: [
        [(P * 5) / 4, PageBase(B + 2, (P * 3) / 4), PageSize],
        [(P * 5) / 4, 0, 0],
        [1, PageBase(B + 1, (P * 3) / 4), PageSize],
      ],
      after: M([B, [R(0, P)]], [B + 1, [R(0, (P * 3) / 4 + 1)]], [B + 2, [R(0, P)]], [B + 3, [R(0, P)]]),
    },
    'AllFreePallocChunkPages*7+5': {
      before: M([B, []], [B + 1, []], [B + 2, []], [B + 3, []], [B + 4, []], [B + 5, []], [B + 6, []], [B + 7, []]),
      scav: M(
        [B, [R(50, 1)]],
        [B + 1, [R(31, 1)]],
        [B + 2, [R(7, 1)]],
        [B + 3, [R(200, 1)]],
        [B + 4, [R(3, 1)]],
        [B + 5, [R(51, 1)]],
        [B + 6, [R(20, 1)]],
        [B + 7, [R(1, 1)]],
      ),
      hits: [
        [P * 7 + 5, PageBase(B, 0), 8 * PageSize],
        [P * 7 + 5, 0, 0],
        [1, PageBase(B + 7, 5), 0],
      ],
      after: M(
        [B, [R(0, P)]],
        [B + 1, [R(0, P)]],
        [B + 2, [R(0, P)]],
        [B + 3, [R(0, P)]],
        [B + 4, [R(0, P)]],
        [B + 5, [R(0, P)]],
        [B + 6, [R(0, P)]],
        [B + 7, [R(0, 6)]],
      ),
    },
  };

  // PageAlloc64Bit != 0 and not iOS: the discontiguous cases.
  const chunkIdxBigJump = 0x100000;
  const sumsPerPhysPage = PhysPageSize / PallocSumBytes;
  const baseChunkIdx = B - (B % sumsPerPhysPage); // BaseChunkIdx &^ (sumsPerPhysPage - 1)
  tests['DiscontiguousMappedSumBoundary'] = {
    before: M([baseChunkIdx + sumsPerPhysPage - 1, []], [baseChunkIdx + chunkIdxBigJump, []]),
    scav: M([baseChunkIdx + sumsPerPhysPage - 1, []], [baseChunkIdx + chunkIdxBigJump, []]),
    hits: [
      [P - 1, PageBase(baseChunkIdx + sumsPerPhysPage - 1, 0), 0],
      [1, PageBase(baseChunkIdx + sumsPerPhysPage - 1, P - 1), 0],
      [1, PageBase(baseChunkIdx + chunkIdxBigJump, 0), 0],
      [P - 1, PageBase(baseChunkIdx + chunkIdxBigJump, 1), 0],
      [1, 0, 0],
    ],
    after: M([baseChunkIdx + sumsPerPhysPage - 1, [R(0, P)]], [baseChunkIdx + chunkIdxBigJump, [R(0, P)]]),
  };
  // Issue #40191: find's candidate searchAddr may not point to mapped memory.
  const chunkIdxSmallOffset = 0x503;
  tests['DiscontiguousBadSearchAddr'] = {
    before: M(
      [B + chunkIdxBigJump * 0, [R(0, P - 1)]],
      [B + chunkIdxBigJump * 1 + chunkIdxSmallOffset, [R(0, P - 10), R(P - 1, 1)]],
      [B + chunkIdxBigJump * 2, []],
    ),
    scav: M([B + chunkIdxBigJump * 0, []], [B + chunkIdxBigJump * 1 + chunkIdxSmallOffset, []], [B + chunkIdxBigJump * 2, []]),
    hits: [
      [1, PageBase(B, P - 1), 0],
      [100, PageBase(baseChunkIdx + chunkIdxBigJump * 2, 0), 0],
      [9, PageBase(baseChunkIdx + chunkIdxBigJump * 1 + chunkIdxSmallOffset, P - 10), 0],
    ],
    after: M(
      [B + chunkIdxBigJump * 0, [R(0, P)]],
      [B + chunkIdxBigJump * 1 + chunkIdxSmallOffset, [R(0, P)]],
      [B + chunkIdxBigJump * 2, [R(0, 100)]],
    ),
  };

  for (const [name, v] of Object.entries(tests)) {
    it(name, () => {
      const b = NewPageAlloc(v.before, v.scav);
      v.hits.forEach(([npages, base, scav], iter) => {
        const [a, s] = Alloc(b, npages);
        expect([`alloc #${iter + 1}`, a, s]).toEqual([`alloc #${iter + 1}`, base, scav]);
      });
      b.verify();
      checkPageAlloc(NewPageAlloc(v.after, v.scav), b);
    });
  }
});

describe('TestPageAllocExhaust', () => {
  for (const npages of [1, 2, 3, 4, 5, 8, 16, 64, 1024, 1025, 2048, 2049]) {
    it(`${npages}`, () => {
      const bDesc = new Map<ChunkIdx, BitRange[]>();
      for (let i = 0; i < 4; i++) bDesc.set(B + i, []);
      const b = NewPageAlloc(bDesc, null);

      const nAlloc = Math.floor((P * 4) / npages);
      for (let i = 0; i < nAlloc; i++) {
        const addr = PageBase(B, i * npages);
        const [a] = Alloc(b, npages);
        if (a !== addr) expect(a, `bad alloc #${i + 1}`).toBe(addr);
      }
      expect(Alloc(b, npages)[0], `alloc #${nAlloc + 1}`).toBe(0);

      let allocPages = nAlloc * npages;
      const wantDesc = new Map<ChunkIdx, BitRange[]>();
      for (let i = 0; i < 4; i++) {
        if (allocPages >= P) {
          wantDesc.set(B + i, [R(0, P)]);
          allocPages -= P;
        } else if (allocPages > 0) {
          wantDesc.set(B + i, [R(0, allocPages)]);
          allocPages = 0;
        } else {
          wantDesc.set(B + i, []);
        }
      }
      b.verify();
      checkPageAlloc(NewPageAlloc(wantDesc, null), b);
    });
  }
});

describe('TestPageAllocFree', () => {
  type T = { before: Map<ChunkIdx, BitRange[]>; after: Map<ChunkIdx, BitRange[]>; npages: number; frees: number[] };
  const tests: Record<string, T> = {
    Free1: {
      npages: 1,
      before: M([B, [R(0, P)]]),
      frees: [0, 1, 2, 3, 4].map((i) => PageBase(B, i)),
      after: M([B, [R(5, P - 5)]]),
    },
    ManyArena1: {
      npages: 1,
      before: M([B, [R(0, P)]], [B + 1, [R(0, P)]], [B + 2, [R(0, P)]]),
      frees: [PageBase(B, P / 2), PageBase(B + 1, 0), PageBase(B + 2, P - 1)],
      after: M([B, [R(0, P / 2), R(P / 2 + 1, P / 2 - 1)]], [B + 1, [R(1, P - 1)]], [B + 2, [R(0, P - 1)]]),
    },
    Free2: {
      npages: 2,
      before: M([B, [R(0, P)]]),
      frees: [0, 2, 4, 6, 8].map((i) => PageBase(B, i)),
      after: M([B, [R(10, P - 10)]]),
    },
    Straddle2: {
      npages: 2,
      before: M([B, [R(P - 1, 1)]], [B + 1, [R(0, 1)]]),
      frees: [PageBase(B, P - 1)],
      after: M([B, []], [B + 1, []]),
    },
    Free5: {
      npages: 5,
      before: M([B, [R(0, P)]]),
      frees: [0, 5, 10, 15, 20].map((i) => PageBase(B, i)),
      after: M([B, [R(25, P - 25)]]),
    },
    Free64: {
      npages: 64,
      before: M([B, [R(0, P)]]),
      frees: [0, 64, 128].map((i) => PageBase(B, i)),
      after: M([B, [R(192, P - 192)]]),
    },
    Free65: {
      npages: 65,
      before: M([B, [R(0, P)]]),
      frees: [0, 65, 130].map((i) => PageBase(B, i)),
      after: M([B, [R(195, P - 195)]]),
    },
    FreePallocChunkPages: {
      npages: P,
      before: M([B, [R(0, P)]]),
      frees: [PageBase(B, 0)],
      after: M([B, []]),
    },
    StraddlePallocChunkPages: {
      npages: P,
      before: M([B, [R(P / 2, P / 2)]], [B + 1, [R(0, P / 2)]]),
      frees: [PageBase(B, P / 2)],
      after: M([B, []], [B + 1, []]),
    },
    'StraddlePallocChunkPages+1': {
      npages: P + 1,
      before: M([B, [R(0, P)]], [B + 1, [R(0, P)]]),
      frees: [PageBase(B, P / 2)],
      after: M([B, [R(0, P / 2)]], [B + 1, [R(P / 2 + 1, P / 2 - 1)]]),
    },
    'FreePallocChunkPages*2': {
      npages: P * 2,
      before: M([B, [R(0, P)]], [B + 1, [R(0, P)]]),
      frees: [PageBase(B, 0)],
      after: M([B, []], [B + 1, []]),
    },
    'StraddlePallocChunkPages*2': {
      npages: P * 2,
      before: M([B, [R(0, P)]], [B + 1, [R(0, P)]], [B + 2, [R(0, P)]]),
      frees: [PageBase(B, P / 2)],
      after: M([B, [R(0, P / 2)]], [B + 1, []], [B + 2, [R(P / 2, P / 2)]]),
    },
    'AllFreePallocChunkPages*7+5': {
      npages: P * 7 + 5,
      before: M(...Array.from({ length: 8 }, (_, i): [number, BitRange[]] => [B + i, [R(0, P)]])),
      frees: [PageBase(B, 0)],
      after: M(...Array.from({ length: 7 }, (_, i): [number, BitRange[]] => [B + i, []]), [B + 7, [R(5, P - 5)]]),
    },
  };
  for (const [name, v] of Object.entries(tests)) {
    it(name, () => {
      const b = NewPageAlloc(v.before, null);
      for (const addr of v.frees) b.free(addr, v.npages);
      b.verify();
      checkPageAlloc(NewPageAlloc(v.after, null), b);
    });
  }
});

describe('TestPageAllocAllocAndFree', () => {
  type H = [alloc: boolean, npages: number, base: number];
  const tests: Record<string, { init: Map<ChunkIdx, BitRange[]>; hits: H[] }> = {
    Chunks8: {
      init: M(...Array.from({ length: 8 }, (_, i): [number, BitRange[]] => [B + i, []])),
      hits: [
        [true, P * 8, PageBase(B, 0)],
        [false, P * 8, PageBase(B, 0)],
        [true, P * 8, PageBase(B, 0)],
        [false, P * 8, PageBase(B, 0)],
        [true, P * 8, PageBase(B, 0)],
        [false, P * 8, PageBase(B, 0)],
        [true, 1, PageBase(B, 0)],
        [false, 1, PageBase(B, 0)],
        [true, P * 8, PageBase(B, 0)],
      ],
    },
  };
  for (const [name, v] of Object.entries(tests)) {
    it(name, () => {
      const b = NewPageAlloc(v.init, null);
      v.hits.forEach(([alloc, npages, base], iter) => {
        if (alloc) expect([`alloc #${iter + 1}`, Alloc(b, npages)[0]]).toEqual([`alloc #${iter + 1}`, base]);
        else b.free(base, npages);
      });
      b.verify();
    });
  }
});
