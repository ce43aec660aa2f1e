// Port of Go 1.23 src/runtime/mgcscavenge_test.go: TestPageAllocScavenge,
// TestScavengeIndex, TestScavChunkDataPack and FuzzPIController (as a seeded
// property test over gomem's PCG32 instead of Go's fuzzer). Expected values
// and names are Go's. TestPallocDataFindScavengeCandidate and TestFillAligned
// are in mpallocbits.test.ts; TestScavenger (the background scavenger's
// loop and pacing) is in mgcscavenge_scavenger.test.ts.

import { describe, expect, it } from 'vitest';
import { Rand } from '../src/sim/rand.ts';
import {
  BaseChunkIdx,
  CheckPackScavChunkData,
  NewPIController,
  NewPageAlloc,
  NewScavengeIndex,
  PageBase,
  PageSize,
  PallocChunkPages,
  PhysPageSize,
  Scavenge,
} from '../src/runtime/export_test.ts';
import type { BitRange, ChunkIdx } from '../src/runtime/export_test.ts';
import { M, R, checkPageAlloc } from './helpers_pagealloc.ts';

const P = PallocChunkPages;
const B = BaseChunkIdx;
/** Go's ^uintptr(0): scavenge everything. */
const ALL = Infinity;

describe('TestPageAllocScavenge', () => {
  // minPages = max(1, PhysPageSize/PageSize) = 1 with 4 KiB OS pages and 8 KiB runtime pages.
  const minPages = Math.max(1, Math.floor(PhysPageSize / PageSize));
  type Setup = {
    beforeAlloc: Map<ChunkIdx, BitRange[]>;
    beforeScav: Map<ChunkIdx, BitRange[]>;
    expect: [request: number, expect: number][];
    afterScav: Map<ChunkIdx, BitRange[]>;
  };
  const tests: Record<string, Setup> = {
    AllFreeUnscavExhaust: {
      beforeAlloc: M([B, []], [B + 1, []], [B + 2, []]),
      beforeScav: M([B, []], [B + 1, []], [B + 2, []]),
      expect: [[ALL, 3 * P * PageSize]],
      afterScav: M([B, [R(0, P)]], [B + 1, [R(0, P)]], [B + 2, [R(0, P)]]),
    },
    NoneFreeUnscavExhaust: {
      beforeAlloc: M([B, [R(0, P)]], [B + 1, []], [B + 2, [R(0, P)]]),
      beforeScav: M([B, []], [B + 1, [R(0, P)]], [B + 2, []]),
      expect: [[ALL, 0]],
      afterScav: M([B, []], [B + 1, [R(0, P)]], [B + 2, []]),
    },
    ScavHighestPageFirst: {
      beforeAlloc: M([B, []]),
      beforeScav: M([B, [R(minPages, P - 2 * minPages)]]),
      expect: [[1, minPages * PageSize]],
      afterScav: M([B, [R(minPages, P - minPages)]]),
    },
    ScavMultiple: {
      beforeAlloc: M([B, []]),
      beforeScav: M([B, [R(minPages, P - 2 * minPages)]]),
      expect: [
        [minPages * PageSize, minPages * PageSize],
        [minPages * PageSize, minPages * PageSize],
      ],
      afterScav: M([B, [R(0, P)]]),
    },
    ScavMultiple2: {
      beforeAlloc: M([B, []], [B + 1, []]),
      beforeScav: M([B, [R(minPages, P - 2 * minPages)]], [B + 1, [R(0, P - 2 * minPages)]]),
      expect: [
        [2 * minPages * PageSize, 2 * minPages * PageSize],
        [minPages * PageSize, minPages * PageSize],
        [minPages * PageSize, minPages * PageSize],
      ],
      afterScav: M([B, [R(0, P)]], [B + 1, [R(0, P)]]),
    },
    ScavDiscontiguous: {
      beforeAlloc: M([B, []], [B + 0xe, []]),
      beforeScav: M([B, [R(minPages, P - 2 * minPages)]], [B + 0xe, [R(2 * minPages, P - 2 * minPages)]]),
      expect: [
        [2 * minPages * PageSize, 2 * minPages * PageSize],
        [ALL, 2 * minPages * PageSize],
        [ALL, 0],
      ],
      afterScav: M([B, [R(0, P)]], [B + 0xe, [R(0, P)]]),
    },
    // PageAlloc64Bit != 0 and not iOS.
    ScavAllVeryDiscontiguous: {
      beforeAlloc: M([B, []], [B + 0x1000, []]),
      beforeScav: M([B, []], [B + 0x1000, []]),
      expect: [
        [ALL, 2 * P * PageSize],
        [ALL, 0],
      ],
      afterScav: M([B, [R(0, P)]], [B + 0x1000, [R(0, P)]]),
    },
  };
  for (const [name, v] of Object.entries(tests)) {
    it(name, () => {
      const b = NewPageAlloc(v.beforeAlloc, v.beforeScav);
      v.expect.forEach(([request, want], iter) => {
        expect([`scavenge #${iter + 1}`, Scavenge(b, request)]).toEqual([`scavenge #${iter + 1}`, want]);
      });
      b.verify();
      checkPageAlloc(NewPageAlloc(v.beforeAlloc, v.afterScav), b);
    });
  }
});

describe('TestScavengeIndex', () => {
  type MarkFunc = (base: number, limit: number) => void;
  type FindFunc = (ci: ChunkIdx, offset: number) => void;

  const setup = (force: boolean) => {
    const si = NewScavengeIndex(B, B + 64);
    // All chunks dense in the last generation and empty to the scavenger.
    si.AllocRange(PageBase(B, 0), PageBase(B + 64, 0));
    si.NextGen();
    si.FreeRange(PageBase(B, 0), PageBase(B + 64, 0));
    for (let ci = B; ci < B + 64; ci++) si.SetEmpty(ci);
    si.ResetSearchAddrs();

    const mark: MarkFunc = (base, limit) => {
      si.AllocRange(base, limit);
      si.FreeRange(base, limit);
    };
    const find: FindFunc = (want, wantOffset) => {
      const [got, gotOffset] = si.Find(force);
      expect({ chunk: got, offset: gotOffset }).toEqual({ chunk: want, offset: wantOffset });
      si.SetEmpty(got);
    };
    const nextGen = () => si.NextGen();
    return { mark, find, nextGen };
  };

  type TestCase = { name: string; mark: (m: MarkFunc) => void; find: (f: FindFunc) => void };
  const cases: TestCase[] = [
    { name: 'Uninitialized', mark: () => {}, find: () => {} },
    { name: 'OnePage', mark: (m) => m(PageBase(B, 3), PageBase(B, 4)), find: (f) => f(B, 3) },
    { name: 'FirstPage', mark: (m) => m(PageBase(B, 0), PageBase(B, 1)), find: (f) => f(B, 0) },
    { name: 'SeveralPages', mark: (m) => m(PageBase(B, 9), PageBase(B, 14)), find: (f) => f(B, 13) },
    { name: 'WholeChunk', mark: (m) => m(PageBase(B, 0), PageBase(B + 1, 0)), find: (f) => f(B, P - 1) },
    { name: 'LastPage', mark: (m) => m(PageBase(B, P - 1), PageBase(B + 1, 0)), find: (f) => f(B, P - 1) },
    {
      name: 'TwoChunks',
      mark: (m) => m(PageBase(B, 128), PageBase(B + 1, 128)),
      find: (f) => {
        f(B + 1, 127);
        f(B, P - 1);
      },
    },
    {
      name: 'TwoChunksOffset',
      mark: (m) => m(PageBase(B + 7, 128), PageBase(B + 8, 129)),
      find: (f) => {
        f(B + 8, 128);
        f(B + 7, P - 1);
      },
    },
    {
      name: 'SevenChunksOffset',
      mark: (m) => m(PageBase(B + 6, 11), PageBase(B + 13, 15)),
      find: (f) => {
        f(B + 13, 14);
        for (let i = B + 12; i >= B + 6; i--) f(i, P - 1);
      },
    },
    {
      name: 'ThirtyTwoChunks',
      mark: (m) => m(PageBase(B, 0), PageBase(B + 32, 0)),
      find: (f) => {
        for (let i = B + 31; i >= B; i--) f(i, P - 1);
      },
    },
    {
      name: 'ThirtyTwoChunksOffset',
      mark: (m) => m(PageBase(B + 3, 0), PageBase(B + 35, 0)),
      find: (f) => {
        for (let i = B + 34; i >= B + 3; i--) f(i, P - 1);
      },
    },
    {
      name: 'Mark',
      mark: (m) => {
        for (let i = B; i < B + 32; i++) m(PageBase(i, 0), PageBase(i + 1, 0));
      },
      find: (f) => {
        for (let i = B + 31; i >= B; i--) f(i, P - 1);
      },
    },
    {
      name: 'MarkIdempotentOneChunk',
      mark: (m) => {
        m(PageBase(B, 0), PageBase(B + 1, 0));
        m(PageBase(B, 0), PageBase(B + 1, 0));
      },
      find: (f) => f(B, P - 1),
    },
    {
      name: 'MarkIdempotentThirtyTwoChunks',
      mark: (m) => {
        m(PageBase(B, 0), PageBase(B + 32, 0));
        m(PageBase(B, 0), PageBase(B + 32, 0));
      },
      find: (f) => {
        for (let i = B + 31; i >= B; i--) f(i, P - 1);
      },
    },
    {
      name: 'MarkIdempotentThirtyTwoChunksOffset',
      mark: (m) => {
        m(PageBase(B + 4, 0), PageBase(B + 31, 0));
        m(PageBase(B + 5, 0), PageBase(B + 36, 0));
      },
      find: (f) => {
        for (let i = B + 35; i >= B + 4; i--) f(i, P - 1);
      },
    },
  ];
  for (const test of cases) {
    it('Bg/' + test.name, () => {
      const { mark, find, nextGen } = setup(false);
      test.mark(mark);
      find(0, 0); // nothing yet
      nextGen();
      test.find(find);
      find(0, 0); // fully exhausted
    });
    it('Force/' + test.name, () => {
      const { mark, find } = setup(true);
      test.mark(mark);
      test.find(find);
      find(0, 0);
    });
  }
  it('Bg/MarkInterleaved', () => {
    const { mark, find, nextGen } = setup(false);
    for (let i = B; i < B + 32; i++) {
      mark(PageBase(i, 0), PageBase(i + 1, 0));
      nextGen();
      find(i, P - 1);
    }
    find(0, 0);
  });
  it('Force/MarkInterleaved', () => {
    const { mark, find } = setup(true);
    for (let i = B; i < B + 32; i++) {
      mark(PageBase(i, 0), PageBase(i + 1, 0));
      find(i, P - 1);
    }
    find(0, 0);
  });
});

describe('TestScavChunkDataPack', () => {
  it('round-trips', () => {
    expect(CheckPackScavChunkData(1918237402, 512, 512, 0b11), 'failed pack/unpack check for scavChunkData 1').toBe(true);
    expect(CheckPackScavChunkData(0xffffffff, 12, 0, 0b00), 'failed pack/unpack check for scavChunkData 2').toBe(true);
  });
});

describe('FuzzPIController', () => {
  const isNormal = (x: number) => Number.isFinite(x);
  const isPositive = (x: number) => isNormal(x) && x > 0;
  const f64 = new Float64Array(1);
  const u32 = new Uint32Array(f64.buffer);
  /** math.Float64frombits of a random uint64. */
  const randFloat64 = (r: Rand) => {
    u32[0] = r.uint32();
    u32[1] = r.uint32();
    return f64[0]!;
  };

  const fuzz = (kp: number, ti: number, tt: number, min: number, max: number, setPoint: number): boolean => {
    if (!isPositive(kp) || !isPositive(ti) || !isPositive(tt)) return false;
    if (!isNormal(min) || !isNormal(max) || min > max) return false;
    const rs = new Rand(800); // Go: rand.NewSource(800)
    const p = NewPIController(kp, ti, tt, min, max);
    for (let i = 0; i < 100; i++) {
      // Ignore ok: we are just trying to break it.
      const [state, ok] = p.next(randFloat64(rs), setPoint, 1.0);
      if (!isNormal(state)) throw new Error(`got NaN or Inf result from controller: ${state} ${ok}`);
    }
    return true;
  };

  it('seed corpus', () => {
    expect(fuzz(0.3375, 3.2e6, 1e9, 0.001, 1000.0, 0.01)).toBe(true);
    expect(fuzz(0.9, 4.0, 1000.0, -1000.0, 1000.0, 0.84)).toBe(true);
  });
  it('5000 random parameter sets (PCG32 seed 6)', () => {
    const r = new Rand(6);
    // Half raw random bit patterns (as a fuzzer would mutate them), half
    // random magnitudes that pass the validity filter.
    const param = (i: number) => (i % 2 === 0 ? randFloat64(r) : (r.float() - 0.2) * 10 ** (r.intn(600) - 300));
    let ran = 0;
    for (let i = 0; i < 5000; i++) {
      const lo = param(i);
      const hi = param(i);
      if (fuzz(Math.abs(param(i)), Math.abs(param(i)), Math.abs(param(i)), Math.min(lo, hi), Math.max(lo, hi), param(i))) ran++;
    }
    expect(ran).toBeGreaterThan(1000);
  });
  it('reports failure and resets on overflow, as Go does', () => {
    const p = NewPIController(1, 1, 1, -1, 1);
    expect(p.next(-Number.MAX_VALUE, Number.MAX_VALUE, 1)).toEqual([-1, false]);
    expect(p.inputOverflow).toBe(true);
    expect(p.errIntegral).toBe(0);
  });
});
