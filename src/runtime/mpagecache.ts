// The per-P page cache: a 64-page (512 KiB) aligned window of free pages a P
// allocates small spans from without the heap lock. Mirrors Go 1.23
// mpagecache.go (pageCache.alloc/allocN/flush, pageAlloc.allocToCache).
//
//   base ─▶ page 0 … page 63           (64 × 8 KiB, 64-page aligned)
//   cache   bit i = page i is free and owned by this cache
//   scav    bit i = page i is scavenged (only meaningful where cache is set)
//
// Both masks are 64-bit, kept as (lo, hi) 32-bit halves stored as int32 (so
// V8 keeps them as small integers, not boxed doubles: 2.5× faster alloc;
// read them with `>>> 0` for the unsigned value). Pages in a cache are
// allocated as far as the page allocator (bitmap, summaries, scavenge index)
// is concerned, and their scavenged bits moved into `scav`; flush gives them
// back. mheap uses the cache only for npages < pageCachePages/4 = 16.
//
// alloc returns [base, scavenged bytes] as Go does.

import { pageSize } from './sizeclasses_const.ts';
import { popcnt32, rangeMaskHi, rangeMaskLo, tz64 } from './bits64.ts';
import {
  block64Hi,
  block64Lo,
  clearBlock64,
  findBitRange64,
  findIndex,
  notFound,
  pageBitsSetRange,
  pallocBitsFree1,
  pallocFind,
  scavengedOffset,
  setBlock64,
} from './mpallocbits.ts';
import { alignDown, chunkBase, chunkIndex, chunkPageIndex, maxSearchAddr, slot, summaryLevels } from './mpagealloc_64bit.ts';
import type { PageAlloc } from './mpagealloc.ts';

/** Pages per cache: the bits of a uint64. */
export const pageCachePages = 64;

export class PageCache {
  /** Base address of the 64-page window (0 when empty and never filled). */
  base = 0;
  cacheLo = 0;
  cacheHi = 0;
  scavLo = 0;
  scavHi = 0;
  /** empty: no free pages left. */
  empty(): boolean {
    return this.cacheLo === 0 && this.cacheHi === 0;
  }

  /** alloc takes npages from the cache: [base, scavenged bytes], or [0, 0]. */
  alloc(npages: number): [number, number] {
    if (this.cacheLo === 0 && this.cacheHi === 0) return [0, 0];
    if (npages === 1) {
      const i = tz64(this.cacheLo, this.cacheHi);
      let scav: number;
      if (i < 32) {
        const m = 1 << i;
        scav = (this.scavLo & m) !== 0 ? pageSize : 0;
        this.cacheLo &= ~m;
        this.scavLo &= ~m;
      } else {
        const m = 1 << (i - 32);
        scav = (this.scavHi & m) !== 0 ? pageSize : 0;
        this.cacheHi &= ~m;
        this.scavHi &= ~m;
      }
      return [this.base + i * pageSize, scav];
    }
    return this.allocN(npages);
  }

  /** allocN: the general case, the lowest run of npages cached pages. */
  allocN(npages: number): [number, number] {
    const i = findBitRange64(this.cacheLo, this.cacheHi, npages);
    if (i >= 64) return [0, 0];
    const mlo = rangeMaskLo(i, npages);
    const mhi = rangeMaskHi(i, npages);
    const scav = (popcnt32(this.scavLo & mlo) + popcnt32(this.scavHi & mhi)) * pageSize;
    this.cacheLo &= ~mlo;
    this.cacheHi &= ~mhi;
    this.scavLo &= ~mlo;
    this.scavHi &= ~mhi;
    return [this.base + i * pageSize, scav];
  }

  /** flush returns every cached page (and its scavenged bit) to p and empties the cache. */
  flush(p: PageAlloc): void {
    if (this.empty()) return;
    const ci = chunkIndex(this.base);
    const pi = chunkPageIndex(this.base);
    const b = p.chunkWords(ci);
    const o = p.chunkOffset(ci);
    p.touchChunk(ci);
    // Rare: one bit at a time, as Go does.
    for (let i = 0; i < 64; i++) {
      const inCache = i < 32 ? (this.cacheLo >>> i) & 1 : (this.cacheHi >>> (i - 32)) & 1;
      const isScav = i < 32 ? (this.scavLo >>> i) & 1 : (this.scavHi >>> (i - 32)) & 1;
      if (inCache !== 0) {
        pallocBitsFree1(b, o, pi + i);
        p.scav.index.free(ci, pi + i, 1);
      }
      if (isScav !== 0) pageBitsSetRange(b, o + scavengedOffset, pi + i, 1);
    }
    if (this.base < p.searchAddr) p.searchAddr = this.base;
    p.update(this.base, pageCachePages, false, false);
    this.base = 0;
    this.cacheLo = this.cacheHi = this.scavLo = this.scavHi = 0;
  }
}

/**
 * allocToCache takes the 64-page aligned group holding the first free page
 * at or after searchAddr (or, if searchAddr's chunk is full, the first free
 * page found by find(1)) into a page cache: all free pages of the group are
 * marked allocated and their scavenged bits moved into the cache. searchAddr
 * becomes the group's last page. Fills `c` (a fresh cache by default); an
 * empty cache means the heap has no free page.
 */
export function allocToCache(p: PageAlloc, c: PageCache = new PageCache()): PageCache {
  c.base = 0;
  c.cacheLo = c.cacheHi = c.scavLo = c.scavHi = 0;
  if (chunkIndex(p.searchAddr) >= p.end) return c;

  let ci = chunkIndex(p.searchAddr);
  const leaf = p.summary[summaryLevels - 1]!;
  const pg = leaf.readPage(ci);
  const k = slot(ci);
  let j: number;
  if (pg[k] !== 0 || pg[k + 1] !== 0) {
    // Fast path: free pages at or near searchAddr.
    j = findIndex(pallocFind(p.chunkWords(ci), p.chunkOffset(ci), 1, chunkPageIndex(p.searchAddr)));
    if (j === notFound) throw new Error('bad summary data');
    c.base = chunkBase(ci) + alignDown(j, 64) * pageSize;
  } else {
    // Slow path: find the first free page the long way.
    const [addr] = p.find(1);
    if (addr === 0) {
      p.searchAddr = maxSearchAddr;
      return c;
    }
    ci = chunkIndex(addr);
    j = chunkPageIndex(addr);
    c.base = alignDown(addr, 64 * pageSize);
  }
  const b = p.chunkWords(ci);
  const o = p.chunkOffset(ci);
  c.cacheLo = ~block64Lo(b, o, j);
  c.cacheHi = ~block64Hi(b, o, j);
  c.scavLo = block64Lo(b, o + scavengedOffset, j) | 0;
  c.scavHi = block64Hi(b, o + scavengedOffset, j) | 0;

  // Allocate exactly the cached pages; clear scavenged bits only of those.
  const cpi = chunkPageIndex(c.base);
  p.touchChunk(ci);
  setBlock64(b, o, cpi, c.cacheLo, c.cacheHi);
  clearBlock64(b, o + scavengedOffset, cpi, c.cacheLo & c.scavLo, c.cacheHi & c.scavHi);

  p.update(c.base, pageCachePages, false, true);
  p.scav.index.alloc(ci, popcnt32(c.cacheLo) + popcnt32(c.cacheHi));

  // searchAddr may not point past mapped memory, so the last page, not the next.
  p.searchAddr = c.base + pageSize * (pageCachePages - 1);
  return c;
}
