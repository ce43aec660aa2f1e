// The allocator end to end on the kernel model: span counts per class and
// the heap statistics after a mixed allocation sequence, with expected
// values worked out by hand from Go 1.23's rules (sizeclasses.go for
// objects per span, mheap.go initSpan for the in-span heap bits of small
// scan spans, malloc.go for the tiny allocator, mstats.go for the stats).

import { describe, expect, it } from 'vitest';
import { bootRuntime } from '../../src/runtime/boot.ts';
import { mallocgc } from '../../src/runtime/malloc.ts';
import { makeSpanClass } from '../../src/runtime/mspan.ts';
import { readMemStats } from '../../src/runtime/mstats.ts';
import type { RType } from '../../src/runtime/type.ts';

/** struct { p *int; n, m int }: 24 bytes, first word a pointer. */
const ptrStruct24: RType = { size: 24, ptrdata: 8, gcdata: Uint8Array.of(1), gcprog: false, str: 'main.T24' };

function spansOfClass(rt: ReturnType<typeof bootRuntime>['rt'], spc: number): { full: number; partial: number } {
  const c = rt.mheap.central[spc]!;
  const sg = rt.mheap.sweepgen;
  return { full: c.fullSwept(sg).length, partial: c.partialSwept(sg).length };
}

describe('mallocgc: a mixed sequence', () => {
  const { rt } = bootRuntime({ gcPercent: -1 });
  for (let i = 0; i < 1000; i++) mallocgc(rt, 64, null, true); // class 6: 128 per 1-page span → 8 spans
  for (let i = 0; i < 500; i++) mallocgc(rt, 24, ptrStruct24, true); // class 3 scan: (8192−128)/24 = 336 per span → 2 spans
  for (let i = 0; i < 10; i++) mallocgc(rt, 40000, null, true); // large: 5 pages each
  for (let i = 0; i < 100; i++) mallocgc(rt, 5, null, true); // tiny: three 5-byte objects per 16-byte block → 34 blocks
  const ms = readMemStats(rt);

  it('puts objects in the expected spans', () => {
    expect(spansOfClass(rt, makeSpanClass(6, true))).toEqual({ full: 7, partial: 1 });
    expect(spansOfClass(rt, makeSpanClass(3, false))).toEqual({ full: 1, partial: 1 });
    expect(spansOfClass(rt, makeSpanClass(0, true))).toEqual({ full: 10, partial: 0 });
    expect(spansOfClass(rt, makeSpanClass(2, true))).toEqual({ full: 0, partial: 1 });
  });

  it('counts heap bytes and objects as ReadMemStats does', () => {
    // 8 + 2 + 10·5 + 1 pages in use.
    expect(ms.HeapInuse).toBe(61 * 8192);
    expect(ms.HeapAlloc).toBe(1000 * 64 + 500 * 24 + 10 * 40960 + 34 * 16);
    expect(ms.TotalAlloc).toBe(ms.HeapAlloc);
    // Tiny sub-allocations count as both a malloc and a free: 100 − 34 of them.
    expect(ms.Mallocs).toBe(1000 + 500 + 10 + 34 + 66);
    expect(ms.Frees).toBe(66);
    expect(ms.HeapObjects).toBe(1544);
  });

  it('grows the heap by one 4 MiB chunk, the untouched rest counted as released', () => {
    expect(ms.HeapSys).toBe(4 << 20);
    expect(ms.HeapIdle).toBe((4 << 20) - 61 * 8192);
    // Fresh pages are "scavenged" until a span takes them, including the 3 left in P0's page cache.
    expect(ms.HeapReleased).toBe(ms.HeapIdle);
  });

  it('reports the per-class counts in BySize', () => {
    expect(ms.BySize[6]).toEqual({ Size: 64, Mallocs: 1000, Frees: 0 });
    expect(ms.BySize[3]).toEqual({ Size: 24, Mallocs: 500, Frees: 0 });
    expect(ms.BySize[2]).toEqual({ Size: 16, Mallocs: 34, Frees: 0 });
  });

  it('keeps Sys the sum of its parts and HeapSys = HeapInuse + HeapIdle (TestMemStats)', () => {
    expect(ms.Sys).toBe(ms.HeapSys + ms.StackSys + ms.MSpanSys + ms.MCacheSys + ms.BuckHashSys + ms.GCSys + ms.OtherSys);
    expect(ms.HeapSys).toBe(ms.HeapInuse + ms.HeapIdle);
  });
});

describe('mallocgc: memory the kernel sees', () => {
  it('a fresh 600 MiB noscan object raises VSZ, not RSS (Example 5-5)', () => {
    const { rt, proc } = bootRuntime({ gcPercent: -1 });
    mallocgc(rt, 64, null, true); // the heap exists
    const vsz0 = proc.vmSize;
    const rss0 = proc.vmRss;
    const p = mallocgc(rt, 600 << 20, null, true);
    // A new span needs no zeroing: memory fresh from the OS is already zero.
    expect(rt.mheap.spanOf(p)!.needzero).toBe(0);
    // 600 MiB + one 64 KiB-aligned arena's worth rounding: 10 arenas of 64 MiB reserved.
    expect(proc.vmSize - vsz0).toBeGreaterThanOrEqual(600 << 20);
    // Only metadata pages are touched (span table entries, arena metadata): well under 1 MiB.
    expect(proc.vmRss - rss0).toBeLessThan(1 << 20);
  });

  it('zero-size allocations return zerobase and allocate nothing', () => {
    const { rt } = bootRuntime({ gcPercent: -1 });
    rt.zerobase = 0x5a0000;
    expect(mallocgc(rt, 0, null, true)).toBe(0x5a0000);
    expect(readMemStats(rt).Mallocs).toBe(0);
  });

  it('scan objects over 512 bytes carry an 8-byte malloc header', () => {
    const { rt } = bootRuntime({ gcPercent: -1 });
    const t: RType = { size: 1024, ptrdata: 8, gcdata: Uint8Array.of(1), gcprog: false, str: '[128]*int' };
    const x = mallocgc(rt, 1024, t, true);
    const s = rt.mheap.spanOf(x)!;
    // 1024 + 8 rounds up to class 33 (1152); the object starts 8 bytes into its slot.
    expect(s.elemsize).toBe(1152);
    expect((x - s.startAddr) % 1152).toBe(8);
  });
});
