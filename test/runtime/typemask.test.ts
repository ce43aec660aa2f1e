// typemask.ts counts a type's pointer words over a range of an array of its
// values; scanobject relies on it matching a word-by-word walk exactly (the
// nil words and the scan work it reports move the collector's clock).

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { maskPrefix, pointerWordsIn } from '../../src/runtime/typemask.ts';
import type { RType } from '../../src/runtime/type.ts';

function typeOf(bits: boolean[], size: number): RType {
  let ptrWords = bits.length;
  while (ptrWords > 0 && !bits[ptrWords - 1]) ptrWords--;
  const gcdata = new Uint8Array(Math.ceil(ptrWords / 8));
  bits.slice(0, ptrWords).forEach((b, w) => {
    if (b) gcdata[w >>> 3]! |= 1 << (w & 7);
  });
  return { size: size * 8, ptrdata: ptrWords * 8, gcdata, gcprog: false, str: 't' };
}

function walk(bits: boolean[], tw: number, pw: number, x0: number, x1: number): { count: number; last: number } {
  let count = 0;
  let last = -1;
  for (let x = x0; x < x1; x++) {
    const w = x % tw;
    if (w < pw && bits[w]) {
      count++;
      last = x;
    }
  }
  return { count, last };
}

describe('pointerWordsIn', () => {
  it('a p-like struct: words 2 and 5 of 8 are pointers, over three tiles', () => {
    const bits = [false, false, true, false, false, true, false, false];
    const t = typeOf(bits, 8);
    expect(pointerWordsIn(t, maskPrefix(t)!, 0, 24)).toEqual({ count: 6, last: 21 });
    expect(pointerWordsIn(t, maskPrefix(t)!, 6, 10)).toEqual({ count: 0, last: -1 });
    expect(pointerWordsIn(t, maskPrefix(t)!, 6, 11)).toEqual({ count: 1, last: 10 });
    expect(pointerWordsIn(t, maskPrefix(t)!, 3, 17)).toEqual({ count: 3, last: 13 });
  });

  it('equals a word-by-word walk for random masks and ranges', () => {
    fc.assert(
      fc.property(
        fc.array(fc.boolean(), { minLength: 1, maxLength: 40 }),
        fc.nat(30),
        fc.nat(200),
        fc.nat(200),
        (bits, pad, a, b) => {
          if (!bits.includes(true)) bits[0] = true;
          const tw = bits.length + pad;
          const t = typeOf(bits, tw);
          const pw = t.ptrdata / 8;
          const [x0, x1] = a <= b ? [a, b] : [b, a];
          expect(pointerWordsIn(t, maskPrefix(t)!, x0, x1)).toEqual(walk(bits, tw, pw, x0, x1));
        },
      ),
      { seed: 7, numRuns: 500 },
    );
  });
});
