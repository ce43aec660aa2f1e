// Go's math/rand generator, for tests that were written against its seeded
// streams (mgcpacer_test.go's `random` combinator): rand.New(rand.NewSource(seed))
// with Int63 and Float64. The source is an additive lagged-Fibonacci
// generator (Mitchell & Reeds; taps 607 and 273) over int64 words, seeded
// by a Park–Miller minimal-standard generator (x ← 48271·x mod 2^31−1,
// Schrage's method) XORed with the fixed rngCooked table.
// Checked against real Go 1.23.5 in gorand.test.ts.
//
// The 64-bit register uses BigInt: only tests use this, and a scenario
// draws a few hundred values.

import { rngCooked } from './gorand_cooked.ts';

const rngLen = 607;
const rngTap = 273;
const int32max = 2 ** 31 - 1;
const mask63 = (1n << 63n) - 1n;

/** One step of the seeding generator: 48271·x mod (2^31 − 1), computed without overflowing int32. */
function seedrand(x: number): number {
  const q = 44488; // ⌊(2^31−1) / 48271⌋
  const r = 3399; // (2^31−1) mod 48271
  const hi = Math.trunc(x / q);
  const lo = x % q;
  let next = 48271 * lo - r * hi;
  if (next < 0) next += int32max;
  return next;
}

export class GoRand {
  private tap = 0;
  private feed = rngLen - rngTap;
  private readonly vec: bigint[] = new Array<bigint>(rngLen).fill(0n);

  /** rand.New(rand.NewSource(seed)). */
  constructor(seed: bigint | number) {
    // Go reduces the int64 seed with a truncating remainder, then folds negatives and 0.
    let s = BigInt(seed) % BigInt(int32max);
    if (s < 0n) s += BigInt(int32max);
    if (s === 0n) s = 89482311n;
    let x = Number(s);
    // The first 20 outputs of the seeding generator are discarded.
    for (let i = -20; i < rngLen; i++) {
      x = seedrand(x);
      if (i >= 0) {
        let u = BigInt(x) << 40n;
        x = seedrand(x);
        u ^= BigInt(x) << 20n;
        x = seedrand(x);
        u ^= BigInt(x);
        u ^= rngCooked[i]!;
        this.vec[i] = BigInt.asIntN(64, u);
      }
    }
  }

  /** rngSource.Uint64 as a signed int64 word. */
  private next(): bigint {
    if (--this.tap < 0) this.tap += rngLen;
    if (--this.feed < 0) this.feed += rngLen;
    const x = BigInt.asIntN(64, this.vec[this.feed]! + this.vec[this.tap]!);
    this.vec[this.feed] = x;
    return x;
  }

  /** A non-negative 63-bit integer. */
  Int63(): bigint {
    return this.next() & mask63;
  }

  /** [0, 1): Int63 / 2^63, redrawn in the (practically never) case it rounds to 1. */
  Float64(): number {
    for (;;) {
      // Number(bigint) rounds to nearest, ties to even, as Go's int64→float64 conversion does.
      const f = Number(this.Int63()) / 2 ** 63;
      if (f !== 1) return f;
    }
  }
}
