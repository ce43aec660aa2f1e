import { describe, expect, it } from 'vitest';
import { CacheModel } from '../../src/sim/cache.ts';

// A 1 KiB, 2-way cache: 8 sectors of 128 bytes in 4 sets; sector S goes to set S % 4.
// A 4-KiB page holds 32 sectors: sector S is in page S >> 5.
const sec = (s: number): number => s * 128;

describe('CacheModel', () => {
  it('hits within a sector (a line and its buddy), misses elsewhere', () => {
    const c = new CacheModel(1024, 2);
    expect(c.touch(0)).toBe(false); // sector 0: cold
    expect(c.touch(56)).toBe(true); // line 0 again
    expect(c.touch(64)).toBe(true); // line 1: fetched with line 0
    expect(c.touch(sec(40))).toBe(false); // sector 40 (set 0, another page)
    expect([c.touches, c.misses]).toEqual([4, 2]);
  });

  it('streams once two misses in a row had the same stride', () => {
    const c = new CacheModel(1024, 2);
    expect(c.touch(sec(100))).toBe(false); // cold
    expect(c.touch(sec(120))).toBe(false); // cold; a stride of 20 sectors seen once (too far for the page streamer)
    expect(c.touch(sec(140))).toBe(true); // the same stride again, into the next page: prefetched
    expect(c.touch(sec(160))).toBe(true); // and it keeps going
    expect(c.touch(sec(1000))).toBe(false); // a jump: a miss, the streak starts again
    expect(c.touch(sec(1500))).toBe(false);
    expect(c.misses).toBe(4);
    expect(c.touchRange(sec(2000) + 8, 16)).toBe(1); // one sector
    expect(c.touchRange(sec(2000) + 40, 16)).toBe(0); // the same sector again
  });

  it('counts a miss within 16 sectors of its page’s last miss as prefetched, either way', () => {
    const c = new CacheModel(1024, 2);
    // Around page 20 (sectors 640–671) back and forth: no two strides are equal.
    expect(c.touch(sec(670))).toBe(false); // the page's first miss
    expect(c.touch(sec(668))).toBe(true); // 2 below
    expect(c.touch(sec(736))).toBe(false); // another page meanwhile
    expect(c.touch(sec(669))).toBe(true); // 1 above page 20's last miss
    expect(c.touch(sec(653))).toBe(true); // 16 below
    expect(c.touch(sec(641))).toBe(true); // 12 below
    expect(c.touch(sec(671))).toBe(false); // 30 above: too far
    expect(c.misses).toBe(3);
  });

  it('replaces the least recently used way of a set', () => {
    // Sectors 0, 40 and 80 share set 0, lie in three pages and are more than 32 sectors apart: no prefetcher fires.
    const c = new CacheModel(1024, 2);
    c.touch(sec(0)); // set 0: [0]
    c.touch(sec(40)); // [40, 0]
    expect(c.touch(sec(0))).toBe(true); // [0, 40]
    expect(c.touch(sec(80))).toBe(false); // 80 evicts 40, the least recently used: [80, 0]
    expect(c.touch(sec(0))).toBe(true); // [0, 80]
    expect(c.touch(sec(40))).toBe(false); // 40 was evicted; it evicts 80: [40, 0]
    expect(c.touch(sec(80))).toBe(false); // and 80 evicts 0: [80, 40]
    expect(c.touch(sec(40))).toBe(true);
  });

  it('rejects a size that does not divide into sets', () => {
    expect(() => new CacheModel(100, 2)).toThrow(/do not divide/);
  });
});

// mspan records are 160 bytes (mheap.ts mspanSize).
describe('CacheModel with sequential prefetch only (span records)', () => {
  it('streams records read in allocation order: only the first misses', () => {
    const c = new CacheModel(1 << 20, 2, 'sequential');
    for (let i = 0; i < 10_000; i++) c.touch(0x10000 + i * 160);
    expect([c.touches, c.misses]).toEqual([10_000, 1]);
  });

  it('misses every record read 8.5 records apart (1,360 bytes: 10–11 sectors), beyond what it holds', () => {
    const c = new CacheModel(1 << 20, 2, 'sequential');
    // 30,000 records × 1,360 bytes = 39 MB of records: far more than 1 MiB.
    for (let i = 0; i < 30_000; i++) c.touch(0x10000 + Math.floor(i * 8.5) * 160);
    expect(c.misses).toBe(30_000);
    // Read again: the first records were evicted long ago.
    c.touch(0x10000);
    expect(c.misses).toBe(30_001);
  });

  it('holds scattered records that fit: the second pass hits', () => {
    const c = new CacheModel(1 << 20, 2, 'sequential');
    // 1,000 records 8 sectors apart: 1,000 distinct sectors of the 8,192 it holds, in distinct sets.
    const at = (i: number): number => 0x10000 + i * 1024;
    for (let i = 0; i < 1000; i++) expect(c.touch(at(i))).toBe(false);
    for (let i = 0; i < 1000; i++) expect(c.touch(at(i))).toBe(true);
    expect(c.misses).toBe(1000);
  });

  it('counts a miss within two sectors of the previous miss as fetched with it, a farther one not', () => {
    const c = new CacheModel(1024, 2, 'sequential');
    expect(c.touch(sec(100))).toBe(false);
    expect(c.touch(sec(102))).toBe(true); // 2 sectors on: fetched with 100 (and now the last one fetched)
    expect(c.touch(sec(99))).toBe(false); // 3 back from 102
    expect(c.touch(sec(96))).toBe(false); // 3 back again
    expect(c.touch(sec(100))).toBe(true); // cached since the first touch
    expect([c.touches, c.misses]).toEqual([5, 3]);
  });
});
