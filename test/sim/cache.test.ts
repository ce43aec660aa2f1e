import { describe, expect, it } from 'vitest';
import { CacheModel } from '../../src/sim/cache.ts';

// A 1 KiB, 2-way cache: 8 sectors of 128 bytes in 4 sets; sector S goes to set S % 4.
describe('CacheModel', () => {
  it('hits within a sector (a line and its buddy), misses elsewhere', () => {
    const c = new CacheModel(1024, 2);
    expect(c.touch(0)).toBe(false); // sector 0: cold
    expect(c.touch(56)).toBe(true); // line 0 again
    expect(c.touch(64)).toBe(true); // line 1: fetched with line 0
    expect(c.touch(128 * 4)).toBe(false); // sector 4 (set 0)
    expect([c.touches, c.misses]).toEqual([4, 2]);
  });

  it('streams once two misses in a row had the same stride', () => {
    const c = new CacheModel(1024, 2);
    expect(c.touch(128 * 10)).toBe(false); // sector 10: cold
    expect(c.touch(128 * 11)).toBe(false); // the next one: cold too; the stride (1) is seen once
    expect(c.touch(128 * 12)).toBe(true); // the same stride again: prefetched
    expect(c.touch(128 * 13)).toBe(true); // and it keeps going
    expect(c.touch(128 * 20)).toBe(false); // a jump: a miss, the streak starts again
    expect(c.touch(128 * 30)).toBe(false);
    expect(c.misses).toBe(4);
    expect(c.touchRange(128 * 45, 128 * 4)).toBe(2); // four sectors in order (after a stride of 15): the first two miss
    expect(c.touchRange(128 * 60 + 8, 16)).toBe(1); // one sector
    expect(c.touchRange(128 * 60 + 40, 16)).toBe(0); // the same sector again
  });

  it('replaces the least recently used way of a set', () => {
    // Sectors 0, 4, 12 and 20 share set 0; their strides (4, 8, 8 …) are chosen so the prefetcher never fires.
    const c = new CacheModel(1024, 2);
    c.touch(0); // set 0: [0]
    c.touch(128 * 4); // set 0: [4, 0]
    expect(c.touch(0)).toBe(true); // set 0: [0, 4]
    expect(c.touch(128 * 12)).toBe(false); // sector 12 evicts 4, the least recently used: [12, 0]
    expect(c.touch(0)).toBe(true); // [0, 12]
    expect(c.touch(128 * 4)).toBe(false); // 4 was evicted; it evicts 12: [4, 0]
    expect(c.touch(128 * 12)).toBe(false); // and 12 evicts 0: [12, 4]
    expect(c.touch(128 * 4)).toBe(true);
  });

  it('rejects a size that does not divide into sets', () => {
    expect(() => new CacheModel(100, 2)).toThrow(/do not divide/);
  });
});
