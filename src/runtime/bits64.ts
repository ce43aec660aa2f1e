// 64-bit bitmap words as two uint32 halves, for the runtime's bitmaps
// (pallocBits, pageCache, allocCache, mark bits). Go's runtime/internal/sys
// (TrailingZeros64, LeadingZeros64, OnesCount64) on (lo, hi) pairs, where
// lo holds bits 0–31 and hi bits 32–63 — the little-endian memory order, so
// a Uint32Array viewed word by word is the same bitmap as Go's []uint64.
//
// BigInt is not used: it made the allocation path 2.2–3.5× slower (DESIGN.md).
// Every function here takes and returns plain numbers; a uint32 result is
// always normalised to [0, 2^32) with `>>> 0`.

/** Count of trailing zero bits of a uint32; 32 for 0. */
export function tz32(x: number): number {
  return x === 0 ? 32 : 31 - Math.clz32(x & -x);
}

/** sys.TrailingZeros64 on (lo, hi); 64 for 0. */
export function tz64(lo: number, hi: number): number {
  if (lo !== 0) return 31 - Math.clz32(lo & -lo);
  if (hi !== 0) return 63 - Math.clz32(hi & -hi);
  return 64;
}

/** sys.LeadingZeros64 on (lo, hi); 64 for 0. */
export function lz64(lo: number, hi: number): number {
  return hi !== 0 ? Math.clz32(hi) : 32 + Math.clz32(lo);
}

/** Population count of a uint32 (SWAR). */
export function popcnt32(x: number): number {
  x = x - ((x >>> 1) & 0x55555555);
  x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
  return Math.imul((x + (x >>> 4)) & 0x0f0f0f0f, 0x01010101) >>> 24;
}

/** sys.OnesCount64 on (lo, hi). */
export function popcnt64(lo: number, hi: number): number {
  return popcnt32(lo) + popcnt32(hi);
}

/** Bits [from, to) of a uint32 set, for 0 <= from <= to <= 32. */
export function mask32(from: number, to: number): number {
  const n = to - from;
  if (n <= 0) return 0;
  if (n >= 32) return 0xffffffff;
  return (((1 << n) - 1) << from) >>> 0;
}

/** Low half of the 64-bit mask with bits [i, i+n) set (bits past 63 dropped). */
export function rangeMaskLo(i: number, n: number): number {
  return i >= 32 ? 0 : mask32(i, Math.min(i + n, 32));
}

/** High half of the 64-bit mask with bits [i, i+n) set (bits past 63 dropped). */
export function rangeMaskHi(i: number, n: number): number {
  const end = Math.min(i + n, 64);
  return end <= 32 ? 0 : mask32(Math.max(i, 32) - 32, end - 32);
}

/** Bit i (0..63) of (lo, hi), as 0 or 1. */
export function bit64(lo: number, hi: number, i: number): number {
  return i < 32 ? (lo >>> i) & 1 : (hi >>> (i - 32)) & 1;
}
