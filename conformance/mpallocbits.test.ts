// Port of Go 1.23 src/runtime/mpallocbits_test.go (and the pallocData parts of
// mgcscavenge_test.go that only need a bitmap: TestPallocDataFindScavengeCandidate,
// TestFillAligned). Expected values are Go's own; test names are Go's.
// math/rand is replaced by gomem's seeded PCG32 (src/sim/rand.ts).

import { describe, expect, it } from 'vitest';
import { Rand } from '../src/sim/rand.ts';
import {
  ALL64,
  DiffPallocBits,
  FillAligned,
  FindBitRange64,
  NotFound,
  PackPallocSum,
  PallocBits,
  PallocChunkPages,
  PageSize,
  PhysHugePageSize,
  StringifyPallocBits,
  SummarizeSlow,
  makePallocBits,
  makePallocData,
} from '../src/runtime/export_test.ts';
import type { BitRange, PallocSum } from '../src/runtime/export_test.ts';

function checkPallocBits(got: PallocBits, want: PallocBits): void {
  const d = DiffPallocBits(got, want);
  const detail = d.map((r) => `@ bit index ${r.I}: got ${StringifyPallocBits(got, r)}, want ${StringifyPallocBits(want, r)}`);
  expect(detail).toEqual([]);
}

function checkPallocSum(got: PallocSum, want: PallocSum): void {
  expect([got.Start(), got.Max(), got.End()]).toEqual([want.Start(), want.Max(), want.End()]);
}

function rand64(r: Rand): bigint {
  return (BigInt(r.uint32()) << 32n) | BigInt(r.uint32());
}

describe('TestPallocBitsAllocRange', () => {
  const test = (i: number, n: number, want: PallocBits) => checkPallocBits(makePallocBits([{ I: i, N: n }]), want);
  it('OneLow', () => {
    const want = new PallocBits();
    want.setWord(0, 0x1n);
    test(0, 1, want);
  });
  it('OneHigh', () => {
    const want = new PallocBits();
    want.setWord(PallocChunkPages / 64 - 1, 1n << 63n);
    test(PallocChunkPages - 1, 1, want);
  });
  it('Inner', () => {
    const want = new PallocBits();
    want.setWord(2, 0x3en);
    test(129, 5, want);
  });
  it('Aligned', () => {
    const want = new PallocBits();
    want.setWord(2, ALL64);
    want.setWord(3, ALL64);
    test(128, 128, want);
  });
  it('Begin', () => {
    const want = new PallocBits();
    for (let i = 0; i < 5; i++) want.setWord(i, ALL64);
    want.setWord(5, 0x1n);
    test(0, 321, want);
  });
  it('End', () => {
    const want = new PallocBits();
    want.setWord(PallocChunkPages / 64 - 1, ALL64);
    want.setWord(PallocChunkPages / 64 - 2, ALL64);
    want.setWord(PallocChunkPages / 64 - 3, ALL64);
    want.setWord(PallocChunkPages / 64 - 4, 1n << 63n);
    test(PallocChunkPages - (64 * 3 + 1), 64 * 3 + 1, want);
  });
  it('All', () => {
    const want = new PallocBits();
    for (let i = 0; i < 8; i++) want.setWord(i, ALL64);
    test(0, PallocChunkPages, want);
  });
});

describe('TestMallocBitsPopcntRange', () => {
  type T = [i: number, n: number, want: number];
  const P = PallocChunkPages;
  const tests: Record<string, { init?: BitRange[]; tests: T[] }> = {
    None: {
      tests: [
        [0, 1, 0],
        [5, 3, 0],
        [2, 11, 0],
        [P / 4 + 1, P / 2, 0],
        [0, P, 0],
      ],
    },
    All: {
      init: [{ I: 0, N: P }],
      tests: [
        [0, 1, 1],
        [5, 3, 3],
        [2, 11, 11],
        [P / 4 + 1, P / 2, P / 2],
        [0, P, P],
      ],
    },
    Half: {
      init: [{ I: P / 2, N: P / 2 }],
      tests: [
        [0, 1, 0],
        [5, 3, 0],
        [2, 11, 0],
        [P / 2 - 1, 1, 0],
        [P / 2, 1, 1],
        [P / 2 + 10, 1, 1],
        [P / 2 - 1, 2, 1],
        [P / 4, P / 4, 0],
        [P / 4, P / 4 + 1, 1],
        [P / 4 + 1, P / 2, P / 4 + 1],
        [0, P, P / 2],
      ],
    },
    OddBound: {
      init: [{ I: 0, N: 111 }],
      tests: [
        [0, 1, 1],
        [5, 3, 3],
        [2, 11, 11],
        [110, 2, 1],
        [99, 50, 12],
        [110, 1, 1],
        [111, 1, 0],
        [99, 1, 1],
        [120, 1, 0],
        [P / 2, P / 2, 0],
        [0, P, 111],
      ],
    },
    Scattered: {
      init: [
        [1, 3], [5, 1], [7, 1], [10, 2], [13, 1], [15, 4],
        [21, 1], [23, 1], [26, 2], [30, 5], [36, 2], [40, 3],
        [44, 6], [51, 1], [53, 2], [58, 3], [63, 1], [67, 2],
        [71, 10], [84, 1], [89, 7], [99, 2], [103, 1], [107, 2],
        [111, 1], [113, 1], [115, 1], [118, 1], [120, 2], [125, 5],
      ].map(([I, N]) => ({ I: I!, N: N! })),
      tests: [
        [0, 11, 6],
        [0, 64, 39],
        [13, 64, 40],
        [64, 64, 34],
        [0, 128, 73],
        [1, 128, 74],
        [0, P, 75],
      ],
    },
  };
  for (const [name, v] of Object.entries(tests)) {
    it(name, () => {
      const b = makePallocBits(v.init ?? []);
      for (const [i, n, want] of v.tests) expect([i, n, b.PopcntRange(i, n)]).toEqual([i, n, want]);
    });
  }
});

describe('TestPallocBitsSummarizeRandom', () => {
  it('agrees with SummarizeSlow on 1000 random bitmaps (PCG32 seed 1)', () => {
    const r = new Rand(1);
    const b = new PallocBits();
    for (let iter = 0; iter < 1000; iter++) {
      for (let i = 0; i < 8; i++) b.setWord(i, rand64(r));
      checkPallocSum(b.Summarize(), SummarizeSlow(b));
    }
  });
  it('agrees with SummarizeSlow on sparse and dense random bitmaps', () => {
    // Uniform random words almost never have long runs; also try bitmaps
    // made of runs, where start/max/end are large.
    const r = new Rand(2);
    for (let iter = 0; iter < 2000; iter++) {
      const b = new PallocBits();
      let i = r.intn(40);
      while (i < PallocChunkPages) {
        const n = 1 + r.intn(Math.min(PallocChunkPages - i, 1 + r.intn(200)));
        b.AllocRange(i, n);
        i += n + r.intn(150);
      }
      checkPallocSum(b.Summarize(), SummarizeSlow(b));
    }
  });
});

describe('TestPallocBitsSummarize', () => {
  const P = PallocChunkPages;
  const emptySum = PackPallocSum(P, P, P);
  const R = (I: number, N: number): BitRange => ({ I, N });
  const tests: Record<string, { free: BitRange[]; hits: PallocSum[] }> = {
    NoneFree: { free: [], hits: [PackPallocSum(0, 0, 0)] },
    OnlyStart: { free: [R(0, 10)], hits: [PackPallocSum(10, 10, 0)] },
    OnlyEnd: { free: [R(P - 40, 40)], hits: [PackPallocSum(0, 40, 40)] },
    StartAndEnd: { free: [R(0, 11), R(P - 23, 23)], hits: [PackPallocSum(11, 23, 23)] },
    StartMaxEnd: { free: [R(0, 4), R(50, 100), R(P - 4, 4)], hits: [PackPallocSum(4, 100, 4)] },
    OnlyMax: { free: [R(1, 20), R(35, 241), R(P - 50, 30)], hits: [PackPallocSum(0, 241, 0)] },
    MultiMax: { free: [R(35, 2), R(40, 5), R(100, 5)], hits: [PackPallocSum(0, 5, 0)] },
    One: { free: [R(2, 1)], hits: [PackPallocSum(0, 1, 0)] },
    AllFree: { free: [R(0, P)], hits: [emptySum] },
  };
  for (const [name, v] of Object.entries(tests)) {
    it(name, () => {
      const b = makePallocBits(v.free);
      b.invert(); // the ranges are the free (0) bits
      for (const h of v.hits) checkPallocSum(b.Summarize(), h);
    });
  }
  it('BenchmarkPallocBitsSummarize patterns agree with SummarizeSlow', () => {
    const patterns = [
      0n, ALL64, 0xaan, 0xaaaaaaaaaaaaaaaan, 0x80000000aaaaaaaan, 0xaaaaaaaa00000001n, 0xbbbbbbbbbbbbbbbbn,
      0x80000000bbbbbbbbn, 0xbbbbbbbb00000001n, 0xccccccccccccccccn, 0x4444444444444444n, 0x4040404040404040n,
      0x4000400040004000n, 0x1000404044ccaaffn,
    ];
    for (const p of patterns) {
      const b = new PallocBits();
      for (let i = 0; i < 8; i++) b.setWord(i, p);
      checkPallocSum(b.Summarize(), SummarizeSlow(b));
    }
  });
});

describe('TestPallocBitsAlloc', () => {
  const P = PallocChunkPages;
  const R = (I: number, N: number): BitRange => ({ I, N });
  const X = NotFound;
  const tests: Record<string, { before?: BitRange[]; after: BitRange[]; npages: number; hits: number[] }> = {
    AllFree1: { npages: 1, hits: [0, 1, 2, 3, 4, 5], after: [R(0, 6)] },
    AllFree2: { npages: 2, hits: [0, 2, 4, 6, 8, 10], after: [R(0, 12)] },
    AllFree5: { npages: 5, hits: [0, 5, 10, 15, 20], after: [R(0, 25)] },
    AllFree64: { npages: 64, hits: [0, 64, 128], after: [R(0, 192)] },
    AllFree65: { npages: 65, hits: [0, 65, 130], after: [R(0, 195)] },
    SomeFree64: {
      before: [R(0, 32), R(64, 32), R(100, P - 100)],
      npages: 64,
      hits: [X],
      after: [R(0, 32), R(64, 32), R(100, P - 100)],
    },
    NoneFree1: { before: [R(0, P)], npages: 1, hits: [X, X], after: [R(0, P)] },
    NoneFree2: { before: [R(0, P)], npages: 2, hits: [X, X], after: [R(0, P)] },
    NoneFree5: { before: [R(0, P)], npages: 5, hits: [X, X], after: [R(0, P)] },
    NoneFree65: { before: [R(0, P)], npages: 65, hits: [X, X], after: [R(0, P)] },
    ExactFit1: { before: [R(0, P / 2 - 3), R(P / 2 - 2, P / 2 + 2)], npages: 1, hits: [P / 2 - 3, X], after: [R(0, P)] },
    ExactFit2: { before: [R(0, P / 2 - 3), R(P / 2 - 1, P / 2 + 1)], npages: 2, hits: [P / 2 - 3, X], after: [R(0, P)] },
    ExactFit5: { before: [R(0, P / 2 - 3), R(P / 2 + 2, P / 2 - 2)], npages: 5, hits: [P / 2 - 3, X], after: [R(0, P)] },
    ExactFit65: { before: [R(0, P / 2 - 31), R(P / 2 + 34, P / 2 - 34)], npages: 65, hits: [P / 2 - 31, X], after: [R(0, P)] },
    SomeFree161: { before: [R(0, 185), R(331, 1)], npages: 161, hits: [332], after: [R(0, 185), R(331, 162)] },
  };
  for (const [name, v] of Object.entries(tests)) {
    it(name, () => {
      const b = makePallocBits(v.before ?? []);
      v.hits.forEach((want, iter) => {
        const [a] = b.Find(v.npages, 0);
        expect(a, `find #${iter + 1}`).toBe(want);
        if (want !== X) b.AllocRange(a, v.npages);
      });
      checkPallocBits(b, makePallocBits(v.after));
    });
  }
});

describe('TestPallocBitsFree', () => {
  const R = (I: number, N: number): BitRange => ({ I, N });
  const tests: Record<string, { beforeInv?: BitRange[]; afterInv: BitRange[]; frees: number[]; npages: number }> = {
    SomeFree: { npages: 1, beforeInv: [R(0, 32), R(64, 32), R(100, 1)], frees: [32], afterInv: [R(0, 33), R(64, 32), R(100, 1)] },
    NoneFree1: { npages: 1, frees: [0, 1, 2, 3, 4, 5], afterInv: [R(0, 6)] },
    NoneFree2: { npages: 2, frees: [0, 2, 4, 6, 8, 10], afterInv: [R(0, 12)] },
    NoneFree5: { npages: 5, frees: [0, 5, 10, 15, 20], afterInv: [R(0, 25)] },
    NoneFree64: { npages: 64, frees: [0, 64, 128], afterInv: [R(0, 192)] },
    NoneFree65: { npages: 65, frees: [0, 65, 130], afterInv: [R(0, 195)] },
  };
  for (const [name, v] of Object.entries(tests)) {
    it(name, () => {
      const b = makePallocBits(v.beforeInv ?? []);
      b.invert();
      for (const i of v.frees) b.Free(i, v.npages);
      const want = makePallocBits(v.afterInv);
      want.invert();
      checkPallocBits(b, want);
    });
  }
});

describe('TestFindBitRange64', () => {
  const check = (x: bigint, n: number, result: number) => {
    const i = FindBitRange64(x, n);
    if (result === NotFound) expect(i, `case (${x.toString(16)}, ${n})`).toBeGreaterThanOrEqual(64);
    else expect(i, `case (${x.toString(16)}, ${n})`).toBe(result);
  };
  it('Go cases', () => {
    for (let i = 1; i <= 64; i++) check(ALL64, i, 0);
    for (let i = 1; i <= 64; i++) check(0n, i, NotFound);
    check(0x8000000000000000n, 1, 63);
    check(0xc000010001010000n, 2, 62);
    check(0xc000010001030000n, 2, 16);
    check(0xe000030001030000n, 3, 61);
    check(0xe000030001070000n, 3, 16);
    check(0xffff03ff01070000n, 16, 48);
    check(0xffff03ff0107ffffn, 16, 0);
    check(0x0fff03ff01079fffn, 16, NotFound);
  });
  it('agrees with a bit-by-bit search on random words and all n (PCG32 seed 3)', () => {
    const r = new Rand(3);
    for (let iter = 0; iter < 400; iter++) {
      // Words with long runs of ones: AND/OR of randoms, or runs.
      let x = rand64(r);
      if (iter % 3 === 1) x |= rand64(r) | rand64(r);
      if (iter % 3 === 2) x = ((1n << BigInt(1 + r.intn(63))) - 1n) << BigInt(r.intn(64));
      x &= ALL64;
      for (let n = 1; n <= 64; n++) {
        let want = NotFound;
        for (let i = 0; i + n <= 64 && want === NotFound; i++) {
          const m = ((1n << BigInt(n)) - 1n) << BigInt(i);
          if ((x & m) === m) want = i;
        }
        check(x, n, want);
      }
    }
  });
});

describe('TestPallocDataFindScavengeCandidate', () => {
  // PhysHugePageSize is 2 MiB on this machine (hpage_pmd_size), as in mem.ts.
  const P = PallocChunkPages;
  const R = (I: number, N: number): BitRange => ({ I, N });
  type T = { alloc?: BitRange[]; scavenged?: BitRange[]; min: number; max: number; want: BitRange };
  const tests: Record<string, T> = {
    MixedMin1: { alloc: [R(0, 40), R(42, P - 42)], scavenged: [R(0, 41), R(42, P - 42)], min: 1, max: P, want: R(41, 1) },
    MultiMin1: { alloc: [R(0, 63), R(65, 20), R(87, P - 87)], scavenged: [R(86, 1)], min: 1, max: P, want: R(85, 1) },
  };
  for (let m = 1; m <= 64; m *= 2) {
    const suffix = `Min${m}`;
    tests['AllFree' + suffix] = { min: m, max: P, want: R(0, P) };
    tests['AllScavenged' + suffix] = { scavenged: [R(0, P)], min: m, max: P, want: R(0, 0) };
    tests['NoneFree' + suffix] = { alloc: [R(0, P)], scavenged: [R(P / 2, P / 2)], min: m, max: P, want: R(0, 0) };
    tests['StartFree' + suffix] = { alloc: [R(m, P - m)], min: m, max: P, want: R(0, m) };
    tests['EndFree' + suffix] = { alloc: [R(0, P - m)], min: m, max: P, want: R(P - m, m) };
    tests['Straddle64' + suffix] = { alloc: [R(0, 64 - m), R(64 + m, P - (64 + m))], min: m, max: 2 * m, want: R(64 - m, 2 * m) };
    tests['BottomEdge64WithFull' + suffix] = {
      alloc: [R(64, 64), R(128 + 3 * m, P - (128 + 3 * m))],
      scavenged: [R(1, 10)],
      min: m,
      max: 3 * m,
      want: R(128, 3 * m),
    };
    tests['BottomEdge64WithPocket' + suffix] = {
      alloc: [R(64, 62), R(127, 1), R(128 + 3 * m, P - (128 + 3 * m))],
      scavenged: [R(1, 10)],
      min: m,
      max: 3 * m,
      want: R(128, 3 * m),
    };
    tests['Max0' + suffix] = { scavenged: [R(0, P - m)], min: m, max: 0, want: R(P - m, m) };
    if (m <= 8) {
      // Go reuses these two names for every m <= 8; the last (m = 8) wins.
      tests['OneFree'] = { alloc: [R(0, 40), R(40 + m, P - (40 + m))], min: m, max: P, want: R(40, m) };
      tests['OneScavenged'] = { alloc: [R(0, 40), R(40 + m, P - (40 + m))], scavenged: [R(40, 1)], min: m, max: P, want: R(0, 0) };
    }
    if (m > 1) {
      tests['MaxUnaligned' + suffix] = { scavenged: [R(0, P - (m * 2 - 1))], min: m, max: m - 2, want: R(P - m, m) };
      tests['SkipSmall' + suffix] = { alloc: [R(0, 64 - m), R(64, 5), R(70, 11), R(82, P - 82)], min: m, max: m, want: R(64 - m, m) };
      tests['SkipMisaligned' + suffix] = { alloc: [R(0, 64 - m), R(64, 63), R(127 + m, P - (127 + m))], min: m, max: m, want: R(64 - m, m) };
      tests['MaxLessThan' + suffix] = { scavenged: [R(0, P - m)], min: m, max: 1, want: R(P - m, m) };
    }
  }
  // Huge-page preserving cases for PhysHugePageSize = 2 MiB: bits = 256 < 512.
  const bits = PhysHugePageSize / PageSize;
  expect(bits).toBe(256);
  tests['PreserveHugePageBottom'] = { alloc: [R(bits + 2, P - (bits + 2))], min: 1, max: 3, want: R(0, bits + 2) };
  // 3*bits >= P, so Go does not define PreserveHugePageMiddle here.
  tests['PreserveHugePageTop'] = { alloc: [R(0, P - bits)], min: 1, max: 1, want: R(P - bits, bits) };

  for (const [name, v] of Object.entries(tests)) {
    it(name, () => {
      const b = makePallocData(v.alloc ?? [], v.scavenged ?? []);
      const [start, size] = b.FindScavengeCandidate(P - 1, v.min, v.max);
      if (!(size === 0 && v.want.N === 0)) expect({ I: start, N: size }).toEqual(v.want);
    });
  }
  it('has the same number of cases as Go on amd64 (MixedMin1, MultiMin1, 7×9 per-min, OneFree, OneScavenged, 6×4 for m>1, 2 huge-page)', () => {
    expect(Object.keys(tests).length).toBe(2 + 7 * 9 + 2 + 6 * 4 + 2);
  });
});

describe('TestFillAligned', () => {
  const fillAlignedSlow = (x: bigint, m: number): bigint => {
    if (m === 1) return x;
    let out = 0n;
    for (let i = 0; i < 64; i += m) {
      for (let j = 0; j < m; j++) {
        if ((x & (1n << BigInt(i + j))) !== 0n) {
          out |= ((1n << BigInt(m)) - 1n) << BigInt(i);
          break;
        }
      }
    }
    return out;
  };
  const check = (x: bigint, m: number) => {
    expect(FillAligned(x, m), `fillAligned(${x.toString(16)}, ${m})`).toBe(fillAlignedSlow(x, m));
  };
  it('Go cases and 1000 random words per m (PCG32 seed 4)', () => {
    const r = new Rand(4);
    for (let m = 1; m <= 64; m *= 2) {
      const tests = [
        0x0000000000000000n, 0x00000000ffffffffn, 0xffffffff00000000n, 0x8000000000000001n, 0xf00000000000000fn,
        0xf00000010050000fn, 0xffffffffffffffffn, 0x0000000000000001n, 0x0000000000000002n, 0x0000000000000008n,
        (1n << BigInt(m - 1)) & ALL64, (1n << BigInt(m)) & ALL64,
        0xb02b9effcf137016n, 0x3975a076a9fbff18n, 0x0f8c88ec3b81506en, 0x60f14d80ef2fa0e6n,
      ];
      for (const t of tests) check(t, m);
      for (let i = 0; i < 1000; i++) {
        check(rand64(r), m);
        if (m > 1) {
          let val = 0n;
          for (let n = 0; n < 64; n += m) {
            if (rand64(r) % 2n === 0n) val |= (rand64(r) & ((1n << BigInt(m)) - 1n)) << BigInt(n);
          }
          check(val & ALL64, m);
        }
      }
    }
  });
});
