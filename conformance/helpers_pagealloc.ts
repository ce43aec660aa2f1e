// Shared helpers of the page-allocator conformance ports: Go's checkPageAlloc
// and checkPallocBits, and a terse way to write Go's map[ChunkIdx][]BitRange.

import { expect } from 'vitest';
import { Bounds, DiffPallocBits, PallocDataOf, StringifyPallocBits } from '../src/runtime/export_test.ts';
import type { BitRange, ChunkIdx, PallocBits } from '../src/runtime/export_test.ts';
import type { PageAlloc } from '../src/runtime/mpagealloc.ts';

/** BitRange{I, N}. */
export function R(I: number, N: number): BitRange {
  return { I, N };
}

/** map[ChunkIdx][]BitRange{...}: M([c, [R(..), ...]], ...). */
export function M(...entries: [ChunkIdx, BitRange[]][]): Map<ChunkIdx, BitRange[]> {
  return new Map(entries);
}

/** checkPallocBits: got and want are the same bitmap. */
export function checkPallocBits(got: PallocBits, want: PallocBits, what = ''): void {
  const d = DiffPallocBits(got, want);
  expect(
    d.map((r) => `${what} @ bit index ${r.I}: got ${StringifyPallocBits(got, r)} want ${StringifyPallocBits(want, r)}`),
  ).toEqual([]);
}

/** checkPageAlloc: same bounds, and per chunk the same alloc and scavenged bits. */
export function checkPageAlloc(want: PageAlloc, got: PageAlloc): void {
  const [wantStart, wantEnd] = Bounds(want);
  const [gotStart, gotEnd] = Bounds(got);
  expect(gotStart, 'start').toBe(wantStart);
  expect(gotEnd, 'end').toBe(wantEnd);
  for (let i = gotStart; i < gotEnd; i++) {
    const gb = PallocDataOf(got, i);
    const wb = PallocDataOf(want, i);
    if (gb === null && wb === null) continue;
    expect(gb === null, `chunk ${i} nilness`).toBe(wb === null);
    checkPallocBits(gb!.PallocBits(), wb!.PallocBits(), `chunk ${i} (mallocBits)`);
    checkPallocBits(gb!.Scavenged(), wb!.Scavenged(), `chunk ${i} (scavenged)`);
  }
}
