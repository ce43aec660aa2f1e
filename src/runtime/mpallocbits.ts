// The page allocator's per-chunk bitmaps: pageBits, pallocBits (1 = page
// allocated), pallocData (pallocBits + scavenged bits) and the packed
// pallocSum (start/max/end free-run summary). Mirrors Go 1.23 mpallocbits.go;
// pallocSum lives in mpagealloc.go in Go and is here because summarize
// produces it and imports must stay acyclic.
//
// Layout. A 512-bit bitmap is Go's [8]uint64, stored as 16 uint32 words of a
// Uint32Array starting at offset `o` (little-endian, so bit i is bit i%32 of
// word i>>5, exactly as in memory). A pallocData is 32 words: the pallocBits
// then the scavenged bits — Go's struct layout, 128 bytes per chunk:
//
//   o+0 ─────────── o+16 ────────── o+32
//   │ pallocBits     │ scavenged     │      (uint32 words)
//   │ bit i = page i │ bit i = page i│
//   └────────────────┴───────────────┘
//
// Functions take (b, o) instead of being methods so a chunk bitmap can sit in
// the middle of a 1 MiB chunk block (mpagealloc.ts) without an object per
// chunk. Searches work on 32-bit words but return exactly what Go's 64-bit
// versions return: every search starts at the 64-bit word containing
// searchIdx (so it may return an index below searchIdx in that word, as Go's
// does), and results are defined as "lowest qualifying index".

import { mask32, popcnt32, tz32, tz64 } from './bits64.ts';

export const logPallocChunkPages = 9;
export const pallocChunkPages = 1 << logPallocChunkPages; // 512
/** uint32 words in one 512-bit pageBits. */
export const pageBitsWords = pallocChunkPages / 32; // 16
/** uint32 words in one pallocData (alloc bits + scavenged bits). */
export const pallocDataWords = 2 * pageBitsWords; // 32
/** Offset of the scavenged bitmap inside a pallocData, in uint32 words. */
export const scavengedOffset = pageBitsWords;
/** sizeof(pallocData) in bytes. */
export const pallocDataBytes = pallocDataWords * 4; // 128

/** "Not found": Go returns ^uint(0). */
export const notFound = -1;

// ───────────────────────────── pageBits ─────────────────────────────

/** get returns bit i. */
export function pageBitsGet(b: Uint32Array, o: number, i: number): number {
  return (b[o + (i >>> 5)] >>> (i & 31)) & 1;
}

/** setRange sets bits [i, i+n); n >= 1. */
export function pageBitsSetRange(b: Uint32Array, o: number, i: number, n: number): void {
  if (n === 1) {
    b[o + (i >>> 5)] |= 1 << (i & 31);
    return;
  }
  const end = i + n; // exclusive
  let w = i >>> 5;
  const wEnd = (end - 1) >>> 5;
  if (w === wEnd) {
    b[o + w] |= mask32(i & 31, ((end - 1) & 31) + 1);
    return;
  }
  b[o + w] |= mask32(i & 31, 32);
  for (w++; w < wEnd; w++) b[o + w] = 0xffffffff;
  b[o + wEnd] |= mask32(0, ((end - 1) & 31) + 1);
}

/** clearRange clears bits [i, i+n); n >= 1. */
export function pageBitsClearRange(b: Uint32Array, o: number, i: number, n: number): void {
  if (n === 1) {
    b[o + (i >>> 5)] &= ~(1 << (i & 31));
    return;
  }
  const end = i + n;
  let w = i >>> 5;
  const wEnd = (end - 1) >>> 5;
  if (w === wEnd) {
    b[o + w] &= ~mask32(i & 31, ((end - 1) & 31) + 1);
    return;
  }
  b[o + w] &= ~mask32(i & 31, 32);
  for (w++; w < wEnd; w++) b[o + w] = 0;
  b[o + wEnd] &= ~mask32(0, ((end - 1) & 31) + 1);
}

export function pageBitsSetAll(b: Uint32Array, o: number): void {
  b.fill(0xffffffff, o, o + pageBitsWords);
}

export function pageBitsClearAll(b: Uint32Array, o: number): void {
  b.fill(0, o, o + pageBitsWords);
}

/** popcntRange counts the set bits in [i, i+n); n >= 1. */
export function pageBitsPopcntRange(b: Uint32Array, o: number, i: number, n: number): number {
  const end = i + n;
  let w = i >>> 5;
  const wEnd = (end - 1) >>> 5;
  if (w === wEnd) return popcnt32(b[o + w] & mask32(i & 31, ((end - 1) & 31) + 1));
  let s = popcnt32(b[o + w] & mask32(i & 31, 32));
  for (w++; w < wEnd; w++) s += popcnt32(b[o + w]);
  return s + popcnt32(b[o + wEnd] & mask32(0, ((end - 1) & 31) + 1));
}

/** block64 / pages64: the aligned 64-bit block containing bit i, low half. */
export function block64Lo(b: Uint32Array, o: number, i: number): number {
  return b[o + ((i >>> 6) << 1)];
}

/** block64 / pages64: the aligned 64-bit block containing bit i, high half. */
export function block64Hi(b: Uint32Array, o: number, i: number): number {
  return b[o + ((i >>> 6) << 1) + 1];
}

/** setBlock64 / allocPages64: OR v into the 64-bit block containing bit i. */
export function setBlock64(b: Uint32Array, o: number, i: number, lo: number, hi: number): void {
  const w = o + ((i >>> 6) << 1);
  b[w] = (b[w] | lo) >>> 0;
  b[w + 1] = (b[w + 1] | hi) >>> 0;
}

/** clearBlock64: clear the bits of v in the 64-bit block containing bit i. */
export function clearBlock64(b: Uint32Array, o: number, i: number, lo: number, hi: number): void {
  const w = o + ((i >>> 6) << 1);
  b[w] = (b[w] & ~lo) >>> 0;
  b[w + 1] = (b[w + 1] & ~hi) >>> 0;
}

// ───────────────────────────── pallocSum ─────────────────────────────
//
// Three 21-bit counts of free pages packed in a uint64:
//
//   63 62 ──────── 42 41 ──────── 21 20 ───────── 0
//   │F│    end      │     max      │    start      │
//
// F set means start = max = end = 2^21 (only the root of a wholly free 16 GiB
// region); the other bits are then zero. Stored as (lo, hi) uint32 halves:
// lo = start | max[0:11] << 21, hi = max[11:21] | end << 10 | F << 31.
// A zero summary means "no free pages".

export const logMaxPackedValue = 21; // logPallocChunkPages + (summaryLevels-1)*summaryLevelBits
export const maxPackedValue = 1 << logMaxPackedValue;
const fieldMask = maxPackedValue - 1;
const allFreeFlag = 0x80000000;

/** Low uint32 of packPallocSum(start, max, end). */
export function pallocSumLo(start: number, max: number, _end: number): number {
  if (max === maxPackedValue) return 0;
  return ((start & fieldMask) | ((max & 0x7ff) << 21)) >>> 0;
}

/** High uint32 of packPallocSum(start, max, end). */
export function pallocSumHi(_start: number, max: number, end: number): number {
  if (max === maxPackedValue) return allFreeFlag;
  return (((max & fieldMask) >>> 11) | ((end & fieldMask) << 10)) >>> 0;
}

export function pallocSumStart(lo: number, hi: number): number {
  return (hi & allFreeFlag) !== 0 ? maxPackedValue : lo & fieldMask;
}

export function pallocSumMax(lo: number, hi: number): number {
  return (hi & allFreeFlag) !== 0 ? maxPackedValue : (lo >>> 21) | ((hi & 0x3ff) << 11);
}

export function pallocSumEnd(_lo: number, hi: number): number {
  return (hi & allFreeFlag) !== 0 ? maxPackedValue : (hi >>> 10) & fieldMask;
}

/** freeChunkSum: the summary of a wholly free chunk, (512, 512, 512). */
export const freeChunkSumLo = pallocSumLo(pallocChunkPages, pallocChunkPages, pallocChunkPages);
export const freeChunkSumHi = pallocSumHi(pallocChunkPages, pallocChunkPages, pallocChunkPages);

/**
 * Where summarize and mergeSummaries leave their packed result ([0] = lo,
 * [1] = hi): a pallocSum is 64 bits, more than one JS return value can carry
 * exactly, and a scratch pair keeps the hot path allocation-free.
 */
export const pallocSumOut = new Uint32Array(2);

function putSum(start: number, max: number, end: number): void {
  pallocSumOut[0] = pallocSumLo(start, max, end);
  pallocSumOut[1] = pallocSumHi(start, max, end);
}

// ───────────────────────────── pallocBits ─────────────────────────────

/**
 * summarize computes the pallocSum of the bitmap (start, max, end free runs)
 * into pallocSumOut; same result as Go's summarize, on 32-bit words.
 *
 *   1. One pass over the words: runs of free pages that cross word
 *      boundaries (a word's trailing zeros join the previous word's leading
 *      zeros) give start, end and a first max.
 *   2. Runs strictly inside a word are at most 30 long, so only if max < 30:
 *      in each word, shrink every run of zeros by max (OR-ing in shifted
 *      copies of the word, doubling the shift); a zero left over means a
 *      longer run, whose remaining length raises max, and the shrinking
 *      continues from there.
 */
export function summarize(b: Uint32Array, o: number): void {
  let start = -1;
  let most = 0;
  let cur = 0;
  for (let k = 0; k < pageBitsWords; k++) {
    const x = b[o + k];
    if (x === 0) {
      cur += 32;
      continue;
    }
    cur += tz32(x);
    if (start < 0) start = cur;
    if (cur > most) most = cur;
    cur = Math.clz32(x);
  }
  if (start < 0) {
    putSum(pallocChunkPages, pallocChunkPages, pallocChunkPages);
    return;
  }
  if (cur > most) most = cur;
  if (most < 30) {
    outer: for (let k = 0; k < pageBitsWords; k++) {
      let x = b[o + k];
      if (x === 0) continue;
      x >>>= tz32(x); // the trailing zeros were counted in pass 1
      if ((x & (x + 1)) === 0) continue; // no zeros left but the top ones
      let p = most; // how far every run of zeros still has to shrink
      let sh = 1; // the shortest run of ones in x: how far one step may shift
      for (;;) {
        while (p > 0) {
          const s = p <= sh ? p : sh;
          x = (x | (x >>> s)) >>> 0;
          if ((x & (x + 1)) === 0) continue outer;
          if (p <= sh) break;
          p -= sh;
          sh *= 2;
        }
        // The lowest run of zeros left is longer than max by its length.
        x >>>= tz32(~x);
        const j = tz32(x);
        x >>>= j;
        most += j;
        if ((x & (x + 1)) === 0) continue outer;
        p = j;
      }
    }
  }
  putSum(start, most, cur);
}

// find returns two small numbers (the run's index and the new searchIdx);
// they are packed into one: (index+1)*1024 + (searchIdx+1), each in [-1, 511].

/** Packs find's two results. */
export function findResult(index: number, searchIdx: number): number {
  return (index + 1) * 1024 + (searchIdx + 1);
}

/** The page index of the run found, or notFound. */
export function findIndex(r: number): number {
  return Math.floor(r / 1024) - 1;
}

/** The first free page seen (the next searchIdx), or notFound. */
export function findSearchIdx(r: number): number {
  return (r % 1024) - 1;
}

/**
 * find searches for npages contiguous free pages from the 64-bit word that
 * holds searchIdx; returns findResult(index, newSearchIdx), index = notFound
 * on failure (the searchIdx is then meaningless).
 */
export function pallocFind(b: Uint32Array, o: number, npages: number, searchIdx: number): number {
  if (npages === 1) {
    const a = find1(b, o, searchIdx);
    return findResult(a, a);
  } else if (npages <= 64) {
    return findSmallN(b, o, npages, searchIdx);
  }
  return findLargeN(b, o, npages, searchIdx);
}

/** find1: the first free page at or after the 64-bit word holding searchIdx. */
export function find1(b: Uint32Array, o: number, searchIdx: number): number {
  for (let w = (searchIdx >>> 6) << 1; w < pageBitsWords; w++) {
    const x = b[o + w];
    if (x !== 0xffffffff) return w * 32 + tz32(~x);
  }
  return notFound;
}

/** findSmallN: npages <= 64. */
export function findSmallN(b: Uint32Array, o: number, npages: number, searchIdx: number): number {
  return findRun(b, o, npages, searchIdx, npages < 32);
}

/** findLargeN: npages > 64, so a run always spans whole words. */
export function findLargeN(b: Uint32Array, o: number, npages: number, searchIdx: number): number {
  return findRun(b, o, npages, searchIdx, false);
}

function findRun(b: Uint32Array, o: number, npages: number, searchIdx: number, interior: boolean): number {
  let run = 0; // free pages carried in from the words below
  let runStart = 0;
  let newSearchIdx = notFound;
  for (let w = (searchIdx >>> 6) << 1; w < pageBitsWords; w++) {
    const x = b[o + w];
    if (x === 0xffffffff) {
      run = 0;
      continue;
    }
    if (newSearchIdx === notFound) newSearchIdx = w * 32 + tz32(~x);
    if (x === 0) {
      if (run === 0) runStart = w * 32;
      run += 32;
      if (run >= npages) return findResult(runStart, newSearchIdx);
      continue;
    }
    const t = tz32(x);
    if (run + t >= npages) return findResult(run === 0 ? w * 32 : runStart, newSearchIdx);
    if (interior) {
      const j = findBitRange32(~x >>> 0, npages);
      if (j < 32) return findResult(w * 32 + j, newSearchIdx);
    }
    run = Math.clz32(x);
    runStart = w * 32 + 32 - run;
  }
  return findResult(notFound, newSearchIdx);
}

/** Lowest index of n consecutive 1 bits in the uint32 c (1 <= n <= 32), or 32. */
function findBitRange32(c: number, n: number): number {
  // Shrink every run of ones by n-1 from the top, doubling the shift: after
  // it, a 1 survives exactly where a run of >= n ones started.
  let p = n - 1;
  let k = 1;
  while (p > 0) {
    if (p <= k) {
      c &= c >>> p;
      break;
    }
    c &= c >>> k;
    if (c === 0) return 32;
    p -= k;
    k *= 2;
  }
  return tz32(c);
}

/**
 * findBitRange64 returns the bit index of the first run of n consecutive 1
 * bits in the 64-bit (lo, hi), or a number >= 64 if there is none; n > 0.
 * Same shrinking technique as Go's, on two halves (shifts are Go's, & 63).
 */
export function findBitRange64(lo: number, hi: number, n: number): number {
  let p = n - 1;
  let k = 1;
  while (p > 0) {
    const s = (p <= k ? p : k) & 63;
    if (s !== 0) {
      // (lo, hi) &= (lo, hi) >> s
      let slo: number;
      let shi: number;
      if (s < 32) {
        slo = (lo >>> s) | (hi << (32 - s));
        shi = hi >>> s;
      } else {
        slo = hi >>> (s - 32);
        shi = 0;
      }
      lo = (lo & slo) >>> 0;
      hi = (hi & shi) >>> 0;
    }
    if (p <= k) break;
    if (lo === 0 && hi === 0) return 64;
    p -= k;
    k *= 2;
  }
  return tz64(lo, hi);
}

export function pallocBitsAllocRange(b: Uint32Array, o: number, i: number, n: number): void {
  pageBitsSetRange(b, o, i, n);
}

export function pallocBitsAllocAll(b: Uint32Array, o: number): void {
  pageBitsSetAll(b, o);
}

export function pallocBitsFree1(b: Uint32Array, o: number, i: number): void {
  b[o + (i >>> 5)] &= ~(1 << (i & 31));
}

export function pallocBitsFree(b: Uint32Array, o: number, i: number, n: number): void {
  pageBitsClearRange(b, o, i, n);
}

export function pallocBitsFreeAll(b: Uint32Array, o: number): void {
  pageBitsClearAll(b, o);
}

// ───────────────────────────── pallocData ─────────────────────────────

/** allocRange sets alloc bits [i, i+n) and clears their scavenged bits. */
export function pallocDataAllocRange(b: Uint32Array, o: number, i: number, n: number): void {
  pageBitsSetRange(b, o, i, n);
  pageBitsClearRange(b, o + scavengedOffset, i, n);
}

/** allocAll sets every alloc bit and clears every scavenged bit. */
export function pallocDataAllocAll(b: Uint32Array, o: number): void {
  pageBitsSetAll(b, o);
  pageBitsClearAll(b, o + scavengedOffset);
}
