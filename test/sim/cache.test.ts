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
