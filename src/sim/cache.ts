// A core's private cache, for costs: which memory touches hit and which go
// beyond it. It mirrors no Go file; it stands in for the hardware that makes
// marking a heap scattered over tens of MB several times slower per object
// than marking one laid out in allocation order, and makes a program that
// allocates into the slots the sweeper freed all over its heap slower than
// one that allocates into fresh spans.
//
// The model: a set-associative cache with LRU replacement in each set, in
// units of 128-byte sectors (x86 L2s fetch a line's buddy with it: the
// adjacent-line prefetcher), plus two stand-ins for the hardware
// prefetchers, under which a miss counts as a hit:
//   - a stride detector: two misses in a row at the same stride (up to
//     4 KiB, either direction) train it, and from then on the sectors along
//     that stride come prefetched, so walks in address order, or at a fixed
//     step through it, run at cache speed;
//   - a page streamer: for the last 16 4-KiB pages missed in, the sector
//     missed last; a miss within 16 sectors (2 KiB) of it, either way, was
//     prefetched. A walk that goes down a page while stepping back and
//     forth (the collector's LIFO order over objects allocated in pairs)
//     is a stream to the hardware, though no two strides are equal. The
//     window is a choice, checked against real Go marking 100,000 pairs of
//     nodes of 64, 256 and 512 bytes (docs/fidelity/costs.md).
// Its size
// and what a miss costs are calibrated (CostModel.cacheBytes, lineMiss):
// together they reproduce BenchmarkGCMark's random graphs against its
// sequential ones.
//
// Deterministic and cheap: one typed-array probe of `ways` entries per touch.

/** Ways of each set (the costs' cache size is a whole number of sets). */
export const cacheWays = 2;
/** Bytes per unit of caching: a 64-byte x86 line and its adjacent-line buddy. */
export const cacheSectorBytes = 128;
/** log2(cacheSectorBytes). */
const sectorShift = 7;
/** The longest stride (in sectors, either direction) the prefetcher follows: 4 KiB, within a page. */
const maxStrideSectors = 32;
/** Pages the page streamer follows at once, and how near (in sectors) to a page's last miss counts as prefetched. */
const streamPages = 16;
const streamNear = 16;
/** log2 of the sectors in a 4-KiB page. */
const pageSectorShift = 5;
/** With sequential prefetch only: how near (in sectors, either way) to the previous miss a miss was fetched with it. */
const sequentialNear = 2;

export class CacheModel {
  /** Sector number + 1 of each way (0: empty); within a set, most recently used first. */
  private readonly tags: Float64Array;
  private readonly sets: number;
  /** The sector touched last: touching it again is a hit that changes nothing (it is first in its set). */
  private lastSector = -1;
  /** The sector of the previous miss, the stride between the last two misses, and how many misses in a row had it. */
  private lastMiss = -2;
  private stride = 0;
  private streak = 0;
  /** The page streamer: page number + 1 (0: empty) and last missed sector, by page number mod streamPages. */
  private readonly streamPage = new Float64Array(streamPages);
  private readonly streamLast = new Float64Array(streamPages);
  /** Touches and misses so far (for the view and for tests). */
  touches = 0;
  misses = 0;

  /**
   * `prefetch`: 'hardware', the two stand-ins above; 'sequential', only a
   * miss within `sequentialNear` sectors of the previous miss counts as
   * fetched with it. The second is the runtime's span records as the
   * collector's findObject and greyobject reach them: records read in
   * allocation order stream, records a few apart or scattered each miss.
   * Real Go marking 4 KiB buffers kept one in every 9 or 61 allocations pays
   * ~80–130 ns more per buffer than marking them kept back to back (costs.md,
   * gc.mark.spanMiss), which the hardware rules (whose page streamer calls
   * such misses prefetched) would not see.
   */
  constructor(
    readonly bytes: number,
    readonly ways: number,
    readonly prefetch: 'hardware' | 'sequential' = 'hardware',
  ) {
    const sectors = Math.floor(bytes / cacheSectorBytes);
    if (sectors < ways || sectors % ways !== 0) throw new Error(`cache model: ${bytes} bytes do not divide into ${ways}-way sets of ${cacheSectorBytes}-byte sectors`);
    this.sets = sectors / ways;
    this.tags = new Float64Array(sectors);
  }

  /** Touches the sector holding `addr`: true if it was cached (or prefetched by a trained stream). */
  touch(addr: number): boolean {
    return this.touchSector(Math.floor(addr / cacheSectorBytes));
  }

  private touchSector(sector: number): boolean {
    this.touches++;
    if (sector === this.lastSector) return true;
    this.lastSector = sector;
    // The set from the sector number's low 25 bits with integer arithmetic
    // (a double's % is a slow library call); the tag is the whole number.
    const set = ((sector * cacheSectorBytes) >>> sectorShift) % this.sets;
    const tag = sector + 1;
    const ways = this.ways;
    const t = this.tags;
    const base = set * ways;
    let i = 0;
    while (i < ways && t[base + i] !== tag) i++;
    const hit = i < ways;
    // Move to the front (a hit) or insert at the front, dropping the least recently used (a miss).
    for (let j = hit ? i : ways - 1; j > 0; j--) t[base + j] = t[base + j - 1]!;
    t[base] = tag;
    if (hit) return true;
    if (this.prefetch === 'sequential') {
      const d = sector - this.lastMiss;
      this.lastMiss = sector;
      if (d !== 0 && d >= -sequentialNear && d <= sequentialNear) return true;
      this.misses++;
      return false;
    }
    const stride = sector - this.lastMiss;
    this.streak = stride === this.stride && stride <= maxStrideSectors && stride >= -maxStrideSectors ? this.streak + 1 : 1;
    this.stride = stride;
    this.lastMiss = sector;
    // The page streamer's entry for this sector's page (integer arithmetic on the low bits, as for the set).
    const page = Math.floor(sector / (1 << pageSectorShift));
    const e = ((sector * cacheSectorBytes) >>> (sectorShift + pageSectorShift)) % streamPages;
    const d = Math.abs(sector - this.streamLast[e]!);
    // (d = 0: the page's last miss again, since evicted: nothing fetched it.)
    const near = this.streamPage[e] === page + 1 && d >= 1 && d <= streamNear;
    this.streamPage[e] = page + 1;
    this.streamLast[e] = sector;
    if (this.streak >= 2 || near) return true;
    this.misses++;
    return false;
  }

  /** Misses among the sectors of [addr, addr+n) (n ≥ 1), touching each once. */
  touchRange(addr: number, n: number): number {
    const first = Math.floor(addr / cacheSectorBytes);
    const last = Math.floor((addr + n - 1) / cacheSectorBytes);
    // Most touches are one object within the sector touched just before (its neighbour, or itself).
    if (first === last && first === this.lastSector) {
      this.touches++;
      return 0;
    }
    let m = 0;
    for (let s = first; s <= last; s++) if (!this.touchSector(s)) m++;
    return m;
  }
}

/**
 * Bytes of a core's cache as the runtime's span records meet it (a
 * CacheModel with sequential prefetch only): the private L2 of this
 * machine's cores (AMD Zen 5, 1 MiB), where records a marking core keeps
 * reaching stay.
 */
export const recordCacheBytes = 1 << 20;
