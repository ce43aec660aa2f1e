// The page cache: which pages of which files are in memory, shared by every
// mapping and every process (mm/filemap.c, include/linux/pagemap.h). Per page
// it keeps the flags that change accounting — uptodate (cached), PG_readahead,
// dirty — the number of PTEs mapping it (the folio mapcount, which decides
// Shared_* versus Private_* and Pss in smaps) and the memory cgroup it is
// charged to. Pages live in chunks of 512 (typed arrays), created on demand,
// so a 600 MiB file with 32 cached pages costs one chunk.

import type { File } from './fs.ts';

const CHUNK_PAGES = 512;

/** Page flag bits. */
export const PG_CACHED = 1;
export const PG_READAHEAD = 2;
export const PG_DIRTY = 4;

class CacheChunk {
  readonly flags = new Uint8Array(CHUNK_PAGES);
  readonly mapcount = new Uint16Array(CHUNK_PAGES);
  /** Memory cgroup id the page is charged to. */
  readonly memcg = new Uint16Array(CHUNK_PAGES);
  cached = 0;
}

/** The cache of one file (struct address_space). */
export class FileCache {
  readonly chunks = new Map<number, CacheChunk>();
  /** Pages in the cache. */
  nrPages = 0;
  /** Dirty pages. */
  nrDirty = 0;
  constructor(readonly file: File) {}

  chunk(idx: number): CacheChunk | undefined {
    return this.chunks.get(Math.floor(idx / CHUNK_PAGES));
  }

  flags(idx: number): number {
    const c = this.chunks.get(Math.floor(idx / CHUNK_PAGES));
    return c === undefined ? 0 : c.flags[idx % CHUNK_PAGES]!;
  }

  isCached(idx: number): boolean {
    return (this.flags(idx) & PG_CACHED) !== 0;
  }

  mapcount(idx: number): number {
    const c = this.chunks.get(Math.floor(idx / CHUNK_PAGES));
    return c === undefined ? 0 : c.mapcount[idx % CHUNK_PAGES]!;
  }

  memcgOf(idx: number): number {
    const c = this.chunks.get(Math.floor(idx / CHUNK_PAGES));
    return c === undefined ? 0 : c.memcg[idx % CHUNK_PAGES]!;
  }

  /** Calls fn(idx) for every cached page in [from, to), in index order. */
  forEachCached(from: number, to: number, fn: (idx: number) => void): void {
    const keys = [...this.chunks.keys()].sort((a, b) => a - b);
    for (const k of keys) {
      const c = this.chunks.get(k)!;
      const base = k * CHUNK_PAGES;
      if (base + CHUNK_PAGES <= from || base >= to) continue;
      const lo = Math.max(from, base) - base;
      const hi = Math.min(to, base + CHUNK_PAGES) - base;
      for (let i = lo; i < hi; i++) if (c.flags[i]! & PG_CACHED) fn(base + i);
    }
  }
}

/** The machine's page cache. Charging is the caller's job (memcg); this class keeps the state. */
export class PageCache {
  private readonly caches: FileCache[] = [];
  /** Pages cached over all files (Cached in /proc/meminfo, incl. shmem). */
  totalPages = 0;

  /** The cache of `file`, created on first use. */
  of(file: File): FileCache {
    if (file.cacheId < 0) {
      file.cacheId = this.caches.length;
      this.caches.push(new FileCache(file));
    }
    return this.caches[file.cacheId]!;
  }

  /** Pages of `file` in the cache (fincore). */
  cachedPages(file: File): number {
    return file.cacheId < 0 ? 0 : this.caches[file.cacheId]!.nrPages;
  }

  /** Every file cache, in creation order (reclaim walks them). */
  all(): readonly FileCache[] {
    return this.caches;
  }

  /** Inserts page `idx` (must not be cached), charged to memcg `memcgId`. */
  add(fc: FileCache, idx: number, memcgId: number, readaheadMark: boolean): void {
    const k = Math.floor(idx / CHUNK_PAGES);
    let c = fc.chunks.get(k);
    if (c === undefined) fc.chunks.set(k, (c = new CacheChunk()));
    const i = idx % CHUNK_PAGES;
    if (c.flags[i]! & PG_CACHED) throw new Error(`pagecache: page ${idx} of ${fc.file.path} already cached`);
    c.flags[i] = PG_CACHED | (readaheadMark ? PG_READAHEAD : 0);
    c.memcg[i] = memcgId;
    c.mapcount[i] = 0;
    c.cached++;
    fc.nrPages++;
    this.totalPages++;
  }

  /** Removes page `idx` (must be unmapped); returns the memcg id it was charged to. */
  remove(fc: FileCache, idx: number): number {
    const k = Math.floor(idx / CHUNK_PAGES);
    const c = fc.chunks.get(k);
    const i = idx % CHUNK_PAGES;
    if (c === undefined || !(c.flags[i]! & PG_CACHED)) throw new Error(`pagecache: page ${idx} not cached`);
    if (c.mapcount[i] !== 0) throw new Error(`pagecache: removing mapped page ${idx} of ${fc.file.path}`);
    if (c.flags[i]! & PG_DIRTY) fc.nrDirty--;
    c.flags[i] = 0;
    const cg = c.memcg[i]!;
    c.memcg[i] = 0;
    c.cached--;
    fc.nrPages--;
    this.totalPages--;
    // An emptied chunk is kept: a page evicted under pressure is often read again soon.
    return cg;
  }

  clearReadahead(fc: FileCache, idx: number): void {
    const c = fc.chunk(idx);
    if (c !== undefined) c.flags[idx % CHUNK_PAGES] = c.flags[idx % CHUNK_PAGES]! & ~PG_READAHEAD;
  }

  setDirty(fc: FileCache, idx: number, dirty: boolean): void {
    const c = fc.chunk(idx);
    if (c === undefined) throw new Error(`pagecache: page ${idx} not cached`);
    const i = idx % CHUNK_PAGES;
    const was = (c.flags[i]! & PG_DIRTY) !== 0;
    if (was === dirty) return;
    c.flags[i] = dirty ? c.flags[i]! | PG_DIRTY : c.flags[i]! & ~PG_DIRTY;
    fc.nrDirty += dirty ? 1 : -1;
  }

  /** Adds `delta` to the page's mapcount; returns the new count. */
  addMapcount(fc: FileCache, idx: number, delta: number): number {
    const c = fc.chunk(idx);
    if (c === undefined) throw new Error(`pagecache: mapping uncached page ${idx} of ${fc.file.path}`);
    const i = idx % CHUNK_PAGES;
    const n = c.mapcount[i]! + delta;
    if (n < 0 || n > 0xffff) throw new Error(`pagecache: mapcount ${n} out of range`);
    c.mapcount[i] = n;
    return n;
  }
}

/** Pss of one page in smaps' fixed point (PSS_SHIFT = 12): (PAGE_SIZE << 12) / mapcount. */
export function pssShare(mapcount: number): number {
  return Math.floor(16777216 / mapcount);
}
