// Seeded pseudo-random numbers: PCG-XSH-RR 32 (O'Neill) on 32-bit integer
// arithmetic, so that a run is replayable from its seed. Nothing in src/
// may use Math.random.

const MULT_HI = 0x5851f42d;
const MULT_LO = 0x4c957f2d;

export class Rand {
  // 64-bit state and increment as 32-bit halves (no BigInt on this path).
  private hi = 0;
  private lo = 0;
  private readonly incHi: number;
  private readonly incLo: number;

  constructor(seed: number, stream = 0x14057b7e) {
    this.incHi = (stream >>> 31) >>> 0;
    this.incLo = ((stream << 1) | 1) >>> 0;
    this.step();
    this.addSeed(seed);
    this.step();
  }

  private addSeed(seed: number): void {
    const lo = this.lo + (seed >>> 0);
    const carry = lo > 0xffffffff ? 1 : 0;
    this.lo = lo >>> 0;
    this.hi = (this.hi + Math.floor(seed / 0x100000000) + carry) >>> 0;
  }

  /** state = state * MULT + inc (mod 2^64). */
  private step(): void {
    const lo = this.lo;
    const hi = this.hi;
    // 64x64 multiply, low 64 bits, in 16-bit limbs to stay exact.
    const a0 = lo & 0xffff, a1 = lo >>> 16, a2 = hi & 0xffff, a3 = hi >>> 16;
    const b0 = MULT_LO & 0xffff, b1 = MULT_LO >>> 16, b2 = MULT_HI & 0xffff, b3 = MULT_HI >>> 16;
    let c0 = a0 * b0;
    let c1 = (c0 >>> 16) + a0 * b1 + a1 * b0;
    c0 &= 0xffff;
    let c2 = Math.floor(c1 / 0x10000) + a0 * b2 + a1 * b1 + a2 * b0;
    c1 &= 0xffff;
    let c3 = Math.floor(c2 / 0x10000) + a0 * b3 + a1 * b2 + a2 * b1 + a3 * b0;
    c2 &= 0xffff;
    c3 &= 0xffff;
    let newLo = ((c1 << 16) | c0) >>> 0;
    let newHi = ((c3 << 16) | c2) >>> 0;
    const sumLo = newLo + this.incLo;
    newHi = (newHi + this.incHi + (sumLo > 0xffffffff ? 1 : 0)) >>> 0;
    newLo = sumLo >>> 0;
    this.lo = newLo;
    this.hi = newHi;
  }

  /** Uniform uint32. */
  uint32(): number {
    const hi = this.hi;
    const lo = this.lo;
    this.step();
    // xorshifted = ((old >> 18) ^ old) >> 27, rot = old >> 59
    const sHi = (hi >>> 18) ^ hi;
    const sLo = ((lo >>> 18) | (hi << 14)) ^ lo;
    const xorshifted = ((sLo >>> 27) | (sHi << 5)) >>> 0;
    const rot = hi >>> 27;
    return ((xorshifted >>> rot) | (xorshifted << ((32 - rot) & 31))) >>> 0;
  }

  /** Uniform integer in [0, n) for 0 < n <= 2^32, without modulo bias. */
  intn(n: number): number {
    if (n <= 0 || n > 0x100000000) throw new Error(`rand: bad bound ${n}`);
    const limit = 0x100000000 - (0x100000000 % n);
    for (;;) {
      const x = this.uint32();
      if (x < limit) return x % n;
    }
  }

  /** Uniform float in [0, 1) with 32 bits of randomness. */
  float(): number {
    return this.uint32() / 0x100000000;
  }
}
