// Bringing file pages into the page cache: the readahead heuristics of
// mm/readahead.c (page_cache_sync_ra, page_cache_async_ra,
// get_init_ra_size, get_next_ra_size) and mm/filemap.c
// (do_sync_mmap_readahead's read-around, filemap_read's page loop).
//
//   mmap fault on a missing page ──▶ read-around: ra_pages centred on the
//        page, the page at 3/4 of the window marked PG_readahead
//   access to a PG_readahead page ──▶ async readahead of the next window
//   read(2) ──▶ sync readahead (initial window 4× the request, ramping up ×4
//        then ×2 per window) or, for a small random read, just the request
//
// Measured on this machine (read_ahead_kb 8192 on vda → ra_pages 2048): a
// cold one-byte mmap read at page 1 caches pages 0..2047 with the mark at
// 1536; touching page 1536 caches 2048..4095; a cold read at page 50000
// caches 48976..51023. Those match this file exactly. read(2) on this 6.18
// kernel uses large folios for ext4, which aligns later windows to the folio
// order (sequential 4 KiB reads end windows at pages 4, 20, 80, 320, 768,
// 1536); the model uses the order-0 ramp (4, 20, 84, 340, 1364, …) — see
// docs/fidelity/kernel.md.
//
// Simplified: no VM_SEQ_READ / VM_RAND_READ, I/O completes instantly.

import type { Cgroup } from './cgroup.ts';
import type { OpenFile } from './fs.ts';
import type { Machine } from './machine.ts';
import { GFP_PAGECACHE, tryCharge } from './memcontrol.ts';
import { PG_CACHED, PG_READAHEAD, type FileCache } from './pagecache.ts';
import type { Process } from './process.ts';

/** get_init_ra_size: the first window for a request of `size` pages. */
export function getInitRaSize(size: number, max: number): number {
  let newsize = 1;
  while (newsize < size) newsize *= 2;
  if (newsize <= max / 32) return newsize * 4;
  if (newsize <= max / 4) return newsize * 2;
  return max;
}

/** get_next_ra_size: the window after one of `cur` pages. */
export function getNextRaSize(cur: number, max: number): number {
  if (cur < max / 16) return 4 * cur;
  if (cur <= max / 2) return 2 * cur;
  return max;
}

/**
 * Adds pages [start, start + nr) that are not cached yet, stopping at EOF,
 * and marks page start + nr − lookahead with PG_readahead if it is one of
 * the new ones (page_cache_ra_unbounded). Readahead allocations do not
 * OOM-kill: a failed charge ends the readahead. Returns pages added.
 */
export function raInsert(machine: Machine, fc: FileCache, start: number, nr: number, lookahead: number, cg: Cgroup): number {
  const end = Math.min(start + nr, fc.file.pages);
  const mark = start + nr - lookahead;
  let added = 0;
  for (let idx = Math.max(0, start); idx < end; idx++) {
    if (fc.isCached(idx)) continue;
    if (!chargePage(machine, fc, cg, null, false)) break;
    machine.pageCache.add(fc, idx, cg.id, idx === mark && lookahead > 0);
    if (!fc.file.shmem) cg.inactive.push(fc, idx);
    added++;
  }
  return added;
}

/** Adds one page the caller needs (a fault or read(2) that readahead did not cover); may OOM-kill. */
export function addNeededPage(machine: Machine, fc: FileCache, idx: number, cg: Cgroup, proc: Process | null): void {
  if (fc.isCached(idx)) return;
  chargePage(machine, fc, cg, proc, true);
  machine.pageCache.add(fc, idx, cg.id, false);
  if (!fc.file.shmem && !fc.file.pinned) cg.inactive.push(fc, idx);
}

function chargePage(machine: Machine, fc: FileCache, cg: Cgroup, proc: Process | null, mayOom: boolean): boolean {
  if (fc.file.pinned) return true;
  const kind = fc.file.shmem ? 'shmem' : 'file';
  const ok = tryCharge(machine, cg, 1, kind, { proc, reclaim: true, oom: mayOom, gfp: GFP_PAGECACHE, order: 0 });
  if (ok) cg.caches.add(fc);
  return ok;
}

/** MMAP_LOTSAMISS: more net misses than this on one open file turn read-around off. */
const MMAP_LOTSAMISS = 100;

/**
 * do_sync_mmap_readahead's read-around for a fault on missing page `idx`.
 * A file whose mmap faults keep missing (mmap_miss > 100: fault-around
 * finds nothing cached, e.g. when the cache is thrashing) gets no read-around.
 */
export function mmapReadAround(machine: Machine, of: OpenFile, fc: FileCache, idx: number, cg: Cgroup): void {
  const ra = of.ra;
  if (ra.raPages === 0) return;
  if (ra.mmapMiss < MMAP_LOTSAMISS * 10) ra.mmapMiss++;
  if (ra.mmapMiss > MMAP_LOTSAMISS) return;
  ra.start = Math.max(0, idx - Math.floor(ra.raPages / 2));
  ra.size = ra.raPages;
  ra.asyncSize = Math.floor(ra.raPages / 4);
  raInsert(machine, fc, ra.start, ra.size, ra.asyncSize, cg);
}

/** page_cache_async_ra: `idx` carried PG_readahead; read the next window. */
export function asyncReadahead(machine: Machine, of: OpenFile, fc: FileCache, idx: number, reqCount: number, cg: Cgroup): void {
  machine.pageCache.clearReadahead(fc, idx);
  const ra = of.ra;
  const max = ra.raPages;
  if (max === 0) return;
  if (idx === ra.start + ra.size - ra.asyncSize) {
    ra.start += ra.size;
    ra.size = getNextRaSize(ra.size, max);
    ra.asyncSize = ra.size;
  } else {
    // A marked page without matching state (interleaved streams): size the
    // window from how far the cached run ahead of us reaches.
    const start = nextMiss(fc, idx + 1, max);
    if (start === 0 || start - idx > max) return;
    ra.start = start;
    ra.size = getNextRaSize(start - idx + reqCount, max);
    ra.asyncSize = ra.size;
  }
  raInsert(machine, fc, ra.start, ra.size, ra.asyncSize, cg);
}

/** page_cache_sync_ra: read(2) found page `idx` missing; `reqCount` pages are wanted from it. */
export function syncReadahead(machine: Machine, of: OpenFile, fc: FileCache, idx: number, reqCount: number, cg: Cgroup): void {
  const ra = of.ra;
  const max = ra.raPages;
  if (max === 0) {
    raInsert(machine, fc, idx, 1, 0, cg);
    return;
  }
  const prevIndex = ra.prevPos < 0 ? -1 : Math.floor(ra.prevPos / 4096);
  if (idx === 0 || reqCount > max || (prevIndex >= 0 && idx - prevIndex <= 1 && idx >= prevIndex)) {
    ra.start = idx;
    ra.size = getInitRaSize(reqCount, max);
    ra.asyncSize = ra.size > reqCount ? ra.size - reqCount : ra.size >> 1;
  } else {
    const miss = prevMiss(fc, idx - 1, max);
    let contig = idx - miss - 1;
    if (contig <= reqCount) {
      // A standalone, small random read: read as is, keep the state.
      raInsert(machine, fc, idx, reqCount, 0, cg);
      return;
    }
    if (miss === -1) contig *= 2; // cached from the file's start: a long stream
    ra.start = idx;
    ra.size = Math.min(contig + reqCount, max);
    ra.asyncSize = 1;
  }
  raInsert(machine, fc, ra.start, ra.size, ra.asyncSize, cg);
}

/**
 * filemap_read's page loop for read(2) of [pos, pos + count): readahead as
 * needed, no mapping, no RSS change. Returns bytes read.
 */
export function fileRead(machine: Machine, of: OpenFile, pos: number, count: number, cg: Cgroup, proc: Process | null): number {
  const file = of.file;
  if (pos >= file.size || count <= 0) return 0;
  const n = Math.min(count, file.size - pos);
  const fc = machine.pageCache.of(file);
  const first = Math.floor(pos / 4096);
  const last = Math.ceil((pos + n) / 4096);
  for (let idx = first; idx < last; idx++) {
    const f = fc.flags(idx);
    if (!(f & PG_CACHED)) {
      syncReadahead(machine, of, fc, idx, last - idx, cg);
      addNeededPage(machine, fc, idx, cg, proc);
    } else if (f & PG_READAHEAD) {
      asyncReadahead(machine, of, fc, idx, last - idx, cg);
    }
  }
  of.ra.prevPos = pos + n;
  return n;
}

/** page_cache_next_miss: the first index ≥ idx not cached, scanning at most `max` pages (idx + max if none). */
function nextMiss(fc: FileCache, idx: number, max: number): number {
  for (let i = idx; i < idx + max; i++) if (!fc.isCached(i)) return i;
  return idx + max;
}

/** page_cache_prev_miss: the first index ≤ idx not cached scanning down at most `max`; −1 when it runs off the file's start. */
function prevMiss(fc: FileCache, idx: number, max: number): number {
  for (let i = idx; i > idx - max; i--) {
    if (i < 0) return -1;
    if (!fc.isCached(i)) return i;
  }
  return idx - max;
}
