// bits64.ts against BigInt reference implementations of Go's
// sys.TrailingZeros64 / LeadingZeros64 / OnesCount64 and 64-bit masks, on
// hand-picked edge words and seeded random ones.

import { describe, expect, it } from 'vitest';
import { Rand } from '../../src/sim/rand.ts';
import { bit64, lz64, mask32, popcnt32, popcnt64, rangeMaskHi, rangeMaskLo, tz32, tz64 } from '../../src/runtime/bits64.ts';

const lo = (x: bigint) => Number(x & 0xffffffffn);
const hi = (x: bigint) => Number(x >> 32n);

function tzRef(x: bigint): number {
  if (x === 0n) return 64;
  let n = 0;
  while ((x & 1n) === 0n) {
    x >>= 1n;
    n++;
  }
  return n;
}

function lzRef(x: bigint): number {
  let n = 0;
  for (let i = 63; i >= 0 && ((x >> BigInt(i)) & 1n) === 0n; i--) n++;
  return n;
}

function popRef(x: bigint): number {
  let n = 0;
  for (; x !== 0n; x >>= 1n) n += Number(x & 1n);
  return n;
}

const edge = [0n, 1n, 2n, 0x80000000n, 0xffffffffn, 0x100000000n, 0x8000000000000000n, 0xffffffffffffffffn, 0x00000001ffffffffn, 0xfffffffe00000000n];

describe('bits64', () => {
  it('tz64, lz64, popcnt64, bit64 match the BigInt reference on edge and 2000 random words (PCG32 seed 7)', () => {
    const r = new Rand(7);
    const words = [...edge];
    for (let i = 0; i < 2000; i++) {
      let x = (BigInt(r.uint32()) << 32n) | BigInt(r.uint32());
      // Vary density so runs of zeros at both ends are common.
      if (i % 3 === 0) x >>= BigInt(r.intn(64));
      if (i % 3 === 1) x = (x << BigInt(r.intn(64))) & 0xffffffffffffffffn;
      words.push(x);
    }
    for (const x of words) {
      expect([x, tz64(lo(x), hi(x)), lz64(lo(x), hi(x)), popcnt64(lo(x), hi(x))]).toEqual([x, tzRef(x), lzRef(x), popRef(x)]);
      const i = Number(x % 64n);
      expect(bit64(lo(x), hi(x), i)).toBe(Number((x >> BigInt(i)) & 1n));
    }
  });

  it('tz32 and popcnt32 on 32-bit edges', () => {
    expect([tz32(0), tz32(1), tz32(0x80000000), tz32(0xfffffff0), tz32(-16)]).toEqual([32, 0, 31, 4, 4]);
    expect([popcnt32(0), popcnt32(0xffffffff), popcnt32(0x80000001), popcnt32(-1)]).toEqual([0, 32, 2, 32]);
  });

  it('mask32 and rangeMask{Lo,Hi} give bits [i, i+n) of a 64-bit word, as uint32 halves', () => {
    expect([mask32(0, 0), mask32(0, 32), mask32(31, 32), mask32(4, 8)]).toEqual([0, 0xffffffff, 0x80000000, 0xf0]);
    for (let i = 0; i < 64; i++) {
      for (let n = 1; i + n <= 64; n++) {
        const m = ((1n << BigInt(n)) - 1n) << BigInt(i);
        expect([i, n, rangeMaskLo(i, n), rangeMaskHi(i, n)]).toEqual([i, n, lo(m), hi(m)]);
      }
    }
  });
});
