// Port of Go 1.23 src/runtime/mpagecache_test.go: TestPageCacheAlloc,
// TestPageCacheFlush, TestPageAllocAllocToCache. Expected values and test
// names are Go's; math/rand is replaced by gomem's seeded PCG32.

import { describe, expect, it } from 'vitest';
import { Rand } from '../src/sim/rand.ts';
import {
  ALL64,
  AllocToCache,
  BaseChunkIdx,
  CacheAlloc,
  CacheBits,
  NewPageAlloc,
  NewPageCache,
  PageBase,
  PageSize,
  PallocChunkPages,
  PallocSumBytes,
  PhysPageSize,
  ScavBits,
} from '../src/runtime/export_test.ts';
import type { BitRange, ChunkIdx } from '../src/runtime/export_test.ts';
import type { PageCache } from '../src/runtime/mpagecache.ts';
import { M, R, checkPageAlloc } from './helpers_pagealloc.ts';

const P = PallocChunkPages;
const B = BaseChunkIdx;

function checkPageCache(got: PageCache, want: PageCache): void {
  expect({ base: got.base, cache: CacheBits(got), scav: ScavBits(got) }).toEqual({ base: want.base, cache: CacheBits(want), scav: ScavBits(want) });
}

describe('TestPageCacheAlloc', () => {
  const base = PageBase(B, 0);
  type Hit = [npages: number, base: number, scav: number];
  const tests: Record<string, { cache: PageCache; hits: Hit[] }> = {
    Empty: {
      cache: NewPageCache(base, 0n, 0n),
      hits: [1, 2, 3, 4, 5, 11, 12, 16, 27, 32, 43, 57, 64, 121].map((n): Hit => [n, 0, 0]),
    },
    Lo1: { cache: NewPageCache(base, 0x1n, 0x1n), hits: [[1, base, PageSize], [1, 0, 0], [10, 0, 0]] },
    Hi1: { cache: NewPageCache(base, 0x1n << 63n, 0x1n), hits: [[1, base + 63 * PageSize, 0], [1, 0, 0], [10, 0, 0]] },
    Swiss1: {
      cache: NewPageCache(base, 0x20005555n, 0x5505n),
      hits: [
        [2, 0, 0],
        [1, base, PageSize],
        [1, base + 2 * PageSize, PageSize],
        [1, base + 4 * PageSize, 0],
        [1, base + 6 * PageSize, 0],
        [1, base + 8 * PageSize, PageSize],
        [1, base + 10 * PageSize, PageSize],
        [1, base + 12 * PageSize, PageSize],
        [1, base + 14 * PageSize, PageSize],
        [1, base + 29 * PageSize, 0],
        [1, 0, 0],
        [10, 0, 0],
      ],
    },
    Lo2: { cache: NewPageCache(base, 0x3n, 0x2n << 62n), hits: [[2, base, 0], [2, 0, 0], [1, 0, 0]] },
    Hi2: { cache: NewPageCache(base, 0x3n << 62n, 0x3n << 62n), hits: [[2, base + 62 * PageSize, 2 * PageSize], [2, 0, 0], [1, 0, 0]] },
    Swiss2: {
      cache: NewPageCache(base, 0x3333n << 31n, 0x3030n << 31n),
      hits: [
        [2, base + 31 * PageSize, 0],
        [2, base + 35 * PageSize, 2 * PageSize],
        [2, base + 39 * PageSize, 0],
        [2, base + 43 * PageSize, 2 * PageSize],
        [2, 0, 0],
      ],
    },
    Hi53: {
      cache: NewPageCache(base, ((1n << 53n) - 1n) << 10n, ((1n << 16n) - 1n) << 10n),
      hits: [[53, base + 10 * PageSize, 16 * PageSize], [53, 0, 0], [1, 0, 0]],
    },
    Full53: {
      cache: NewPageCache(base, ALL64, ((1n << 16n) - 1n) << 10n),
      hits: [[53, base, 16 * PageSize], [53, 0, 0], [1, base + 53 * PageSize, 0]],
    },
    Full64: { cache: NewPageCache(base, ALL64, ALL64), hits: [[64, base, 64 * PageSize], [64, 0, 0], [1, 0, 0]] },
    FullMixed: {
      cache: NewPageCache(base, ALL64, ALL64),
      hits: [
        [5, base, 5 * PageSize],
        [7, base + 5 * PageSize, 7 * PageSize],
        [1, base + 12 * PageSize, 1 * PageSize],
        [23, base + 13 * PageSize, 23 * PageSize],
        [63, 0, 0],
        [3, base + 36 * PageSize, 3 * PageSize],
        [3, base + 39 * PageSize, 3 * PageSize],
        [3, base + 42 * PageSize, 3 * PageSize],
        [12, base + 45 * PageSize, 12 * PageSize],
        [11, 0, 0],
        [4, base + 57 * PageSize, 4 * PageSize],
        [4, 0, 0],
        [6, 0, 0],
        [36, 0, 0],
        [2, base + 61 * PageSize, 2 * PageSize],
        [3, 0, 0],
        [1, base + 63 * PageSize, 1 * PageSize],
        [4, 0, 0],
        [2, 0, 0],
        [62, 0, 0],
        [1, 0, 0],
      ],
    },
  };
  for (const [name, test] of Object.entries(tests)) {
    it(name, () => {
      const c = test.cache;
      test.hits.forEach(([npages, wantBase, wantScav], i) => {
        expect([`alloc #${i}`, ...CacheAlloc(c, npages)]).toEqual([`alloc #${i}`, wantBase, wantScav]);
      });
    });
  }
});

describe('TestPageCacheFlush', () => {
  const bits64ToBitRanges = (bits: bigint, base: number): BitRange[] => {
    const ranges: BitRange[] = [];
    let start = 0;
    let size = 0;
    for (let i = 0; i < 64; i++) {
      if ((bits & (1n << BigInt(i))) !== 0n) {
        if (size === 0) start = i + base;
        size++;
      } else if (size !== 0) {
        ranges.push(R(start, size));
        size = 0;
      }
    }
    if (size !== 0) ranges.push(R(start, size));
    return ranges;
  };
  const runTest = (base: number, cache: bigint, scav: bigint) => {
    const b = NewPageAlloc(M([B, [R(base, 64)]]), M([B, []]));
    const c = NewPageCache(PageBase(B, base), cache, scav);
    c.flush(b);
    expect(c.empty(), 'pageCache flush did not clear cache').toBe(true);
    b.verify();
    const want = NewPageAlloc(M([B, bits64ToBitRanges(~cache & ALL64, base)]), M([B, bits64ToBitRanges(scav, base)]));
    checkPageAlloc(want, b);
  };
  it('Empty', () => runTest(0, 0n, 0n));
  it('Full', () => runTest(0, ALL64, ALL64));
  it('Random (100 caches, PCG32 seed 5)', () => {
    const r = new Rand(5);
    const u64 = () => (BigInt(r.uint32()) << 32n) | BigInt(r.uint32());
    for (let i = 0; i < 100; i++) {
      const base = r.intn(P / 64) * 64;
      const cache = u64();
      const scav = u64() & cache;
      runTest(base, cache, scav);
    }
  });
});

describe('TestPageAllocAllocToCache', () => {
  type T = {
    beforeAlloc: Map<ChunkIdx, BitRange[]>;
    beforeScav: Map<ChunkIdx, BitRange[]> | null;
    hits: PageCache[];
    afterAlloc: Map<ChunkIdx, BitRange[]>;
    afterScav: Map<ChunkIdx, BitRange[]> | null;
  };
  const tests: Record<string, T> = {
    AllFree: {
      beforeAlloc: M([B, []]),
      beforeScav: M([B, [R(1, 1), R(64, 64)]]),
      hits: [
        NewPageCache(PageBase(B, 0), ALL64, 0x2n),
        NewPageCache(PageBase(B, 64), ALL64, ALL64),
        NewPageCache(PageBase(B, 128), ALL64, 0n),
        NewPageCache(PageBase(B, 192), ALL64, 0n),
      ],
      afterAlloc: M([B, [R(0, 256)]]),
      afterScav: null,
    },
    ManyArena: {
      beforeAlloc: M([B, [R(0, P)]], [B + 1, [R(0, P)]], [B + 2, [R(0, P - 64)]]),
      beforeScav: M([B, [R(0, P)]], [B + 1, [R(0, P)]], [B + 2, []]),
      hits: [NewPageCache(PageBase(B + 2, P - 64), ALL64, 0n)],
      afterAlloc: M([B, [R(0, P)]], [B + 1, [R(0, P)]], [B + 2, [R(0, P)]]),
      afterScav: null,
    },
    NotContiguous: {
      beforeAlloc: M([B, [R(0, P)]], [B + 0xff, [R(0, 0)]]),
      beforeScav: M([B, [R(0, P)]], [B + 0xff, [R(31, 67)]]),
      hits: [NewPageCache(PageBase(B + 0xff, 0), ALL64, ((1n << 33n) - 1n) << 31n)],
      afterAlloc: M([B, [R(0, P)]], [B + 0xff, [R(0, 64)]]),
      afterScav: M([B, [R(0, P)]], [B + 0xff, [R(64, 34)]]),
    },
    First: {
      beforeAlloc: M([B, [R(0, 32), R(33, 31), R(96, 32)]]),
      beforeScav: M([B, [R(1, 4), R(31, 5), R(66, 2)]]),
      hits: [NewPageCache(PageBase(B, 0), 1n << 32n, 1n << 32n), NewPageCache(PageBase(B, 64), (1n << 32n) - 1n, 0x3n << 2n)],
      afterAlloc: M([B, [R(0, 128)]]),
      afterScav: null,
    },
    Fail: {
      beforeAlloc: M([B, [R(0, P)]]),
      beforeScav: null,
      hits: [NewPageCache(0, 0n, 0n), NewPageCache(0, 0n, 0n), NewPageCache(0, 0n, 0n)],
      afterAlloc: M([B, [R(0, P)]]),
      afterScav: null,
    },
    RetainScavBits: {
      beforeAlloc: M([B, [R(0, 1), R(10, 2)]]),
      beforeScav: M([B, [R(0, 4), R(11, 1)]]),
      hits: [NewPageCache(PageBase(B, 0), ~(0x1n | (0x3n << 10n)) & ALL64, 0x7n << 1n)],
      afterAlloc: M([B, [R(0, 64)]]),
      afterScav: M([B, [R(0, 1), R(11, 1)]]),
    },
  };
  // PageAlloc64Bit != 0 and not iOS.
  const chunkIdxBigJump = 0x100000;
  const sumsPerPhysPage = PhysPageSize / PallocSumBytes;
  const baseChunkIdx = B - (B % sumsPerPhysPage);
  tests['DiscontiguousMappedSumBoundary'] = {
    beforeAlloc: M([baseChunkIdx + sumsPerPhysPage - 1, [R(0, P - 1)]], [baseChunkIdx + chunkIdxBigJump, [R(1, P - 1)]]),
    beforeScav: M([baseChunkIdx + sumsPerPhysPage - 1, []], [baseChunkIdx + chunkIdxBigJump, []]),
    hits: [
      NewPageCache(PageBase(baseChunkIdx + sumsPerPhysPage - 1, P - 64), 1n << 63n, 0n),
      NewPageCache(PageBase(baseChunkIdx + chunkIdxBigJump, 0), 1n, 0n),
      NewPageCache(0, 0n, 0n),
    ],
    afterAlloc: M([baseChunkIdx + sumsPerPhysPage - 1, [R(0, P)]], [baseChunkIdx + chunkIdxBigJump, [R(0, P)]]),
    afterScav: null,
  };
  for (const [name, v] of Object.entries(tests)) {
    it(name, () => {
      const b = NewPageAlloc(v.beforeAlloc, v.beforeScav);
      for (const expectC of v.hits) checkPageCache(AllocToCache(b), expectC);
      b.verify();
      checkPageAlloc(NewPageAlloc(v.afterAlloc, v.afterScav), b);
    });
  }
});
