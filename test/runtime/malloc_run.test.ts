// malloc.ts's runs (smallRunPlan, smallRunCommit) against the calls one at
// a time: on spans with random allocation bitmaps and random positions, a
// run of m objects takes the slots nextFreeFast / nextFreeIndex would take,
// and leaves allocCache, freeindex and allocCount as they leave them,
// across 64-slot boundaries and up to the span's end.

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { nextFreeFast, smallRun, smallRunCommit, smallRunPlan } from '../../src/runtime/malloc.ts';
import type { MCache } from '../../src/runtime/mcache.ts';
import { MSpan } from '../../src/runtime/mspan.ts';
import type { Runtime } from '../../src/runtime/runtime.ts';

const elemsize = 16;

/** A span of nelems slots whose allocBits are `bits` (1: allocated), positioned as after `taken` allocations from a fresh cache. */
function span(nelems: number, bits: boolean[], taken: number): MSpan {
  const s = new MSpan();
  s.startAddr = 0xc000000000;
  s.nelems = nelems;
  s.elemsize = elemsize;
  const words = new Uint32Array(Math.ceil(nelems / 64) * 2 + 2);
  bits.forEach((b, i) => {
    if (b) words[i >>> 5] = (words[i >>> 5]! | (1 << (i & 31))) >>> 0;
  });
  s.allocBits = words;
  s.allocBitsOff = 0;
  s.allocCount = bits.filter(Boolean).length;
  s.refillAllocCache(0);
  for (let i = 0; i < taken; i++) one(s);
  return s;
}

/** One small allocation's slot, as mallocgc takes it (fast path, else nextFree without a refill); -1 when the span is full. */
function one(s: MSpan): number {
  const v = nextFreeFast(s);
  if (v !== 0) return (v - s.startAddr) / elemsize;
  const i = s.nextFreeIndex();
  if (i === s.nelems) return -1;
  s.allocCount++;
  return i;
}

const state = (s: MSpan): number[] => [s.cacheLo, s.cacheHi, s.freeindex, s.allocCount, s.freeIndexForScan];

const rt = { memProfileRate: 0, shouldhelpgc: false } as unknown as Runtime;
const c = {} as MCache;

describe('allocation runs', () => {
  it('take the slots, and leave the state, of the calls one at a time', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 300 }).chain((nelems) =>
          fc.tuple(fc.constant(nelems), fc.array(fc.oneof(fc.constant(false), fc.boolean()), { minLength: nelems, maxLength: nelems }), fc.nat(nelems), fc.integer({ min: 1, max: 400 })),
        ),
        ([nelems, bits, taken, max]) => {
          const a = span(nelems, bits, taken);
          const b = span(nelems, bits, taken);
          const k = smallRunPlan(rt, c, a, elemsize, null, max);
          const first = smallRun.first;
          if (k === 0) return;
          // Any prefix of a run is a run too.
          const m = 1 + ((taken * 7) % k);
          smallRunCommit(rt, c, a, first, m, elemsize, null, false);
          const slots: number[] = [];
          for (let j = 0; j < m; j++) {
            slots.push(one(b));
            b.freeIndexForScan = b.freeindex;
          }
          expect(slots).toEqual(Array.from({ length: m }, (_, j) => first + j));
          expect(state(a)).toEqual(state(b));
          // The run stops at an allocated slot, the span's end or max.
          const stop = first + k;
          expect(stop === nelems || k === max || bits[stop] === true).toBe(true);
        },
      ),
      { numRuns: 3000, seed: 5 },
    );
  });
});
