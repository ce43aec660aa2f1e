import { describe, expect, it } from 'vitest';
import {
  bytesToString,
  concatstringsAllocs,
  runeCount,
  runeToString,
  runesToString,
  stringToBytes,
  stringToRunes,
  utf8Length,
} from '../../src/go/string_sizes.ts';
import type { Alloc } from '../../src/go/alloc.ts';
import { perOp } from './helpers/accounting.ts';

// Measured on Go 1.23.5 linux/amd64: testing.AllocsPerRun(1000, f) and
// MemStats TotalAlloc per op over 1000 more runs (GC off). Results under
// 16 bytes come from the tiny allocator, so bytes/op can be a fraction of
// the 16-byte block (perOp replays the tiny block the same way).
// "escaping" assigns the result to a global; "non-escaping" uses it in a
// //go:noinline function that returns only its length.
const cases: [string, Alloc[], number, number][] = [
  ['s5+s5 escaping', concatstringsAllocs([5, 5]), 1, 16],
  ['s10+s10 escaping', concatstringsAllocs([10, 10]), 1, 24],
  ['s20+s20 escaping', concatstringsAllocs([20, 20]), 1, 48],
  ['s20+s20+s20+s20 escaping', concatstringsAllocs([20, 20, 20, 20]), 1, 80],
  ['""+s20 escaping', concatstringsAllocs([0, 20]), 0, 0],
  ['""+s20+"" escaping', concatstringsAllocs([0, 20, 0]), 0, 0],
  ['s10+s10 non-escaping', concatstringsAllocs([10, 10], { escapes: false }), 0, 0],
  ['s20+s20 non-escaping (40 > 32)', concatstringsAllocs([20, 20], { escapes: false }), 1, 48],
  ['[]byte(s33) escaping', stringToBytes(33).allocs, 1, 48],
  ['[]byte(s20) escaping', stringToBytes(20).allocs, 1, 24],
  ['[]byte(s5) escaping', stringToBytes(5).allocs, 1, 8],
  ['[]byte(s20) non-escaping, read only', stringToBytes(20, { escapes: false, readOnly: true }).allocs, 0, 0],
  ['[]byte(s40) non-escaping, read only', stringToBytes(40, { escapes: false, readOnly: true }).allocs, 0, 0],
  ['[]byte(s32) non-escaping, written', stringToBytes(32, { escapes: false }).allocs, 0, 0],
  ['[]byte(s33) non-escaping, written', stringToBytes(33, { escapes: false }).allocs, 1, 48],
  ['string(b1)', bytesToString(1), 0, 0],
  ['string(b20)', bytesToString(20), 1, 24],
  ['string(b40)', bytesToString(40), 1, 48],
  ['[]rune("héllohéllo") escaping', stringToRunes(runeCount('héllohéllo')).allocs, 1, 48],
  ['[]rune(s20) escaping', stringToRunes(20).allocs, 1, 80],
  ['[]rune(s20) non-escaping', stringToRunes(20, { escapes: false }).allocs, 0, 0],
  ['[]rune(s40) non-escaping', stringToRunes(40, { escapes: false }).allocs, 1, 160],
  ['string(20 ASCII runes) escaping', runesToString(20), 1, 24],
  ['string([]rune{}) escaping', runesToString(0), 1, 3.2], // 3 spare bytes: five per tiny block
  ['string([]rune("héllo")) escaping', runesToString(utf8Length('héllo')), 1, 16],
  ['string(40 ASCII runes) escaping', runesToString(40), 1, 48],
  ['string([]rune("héllo")) non-escaping', runesToString(6, { escapes: false }), 0, 0],
  ['string(40 ASCII runes) non-escaping', runesToString(40, { escapes: false }), 1, 48],
  ["string(rune('é')) escaping", runeToString(), 1, 4],
  ['string(rune) non-escaping', runeToString({ escapes: false }), 0, 0],
];

describe('string operations allocate like Go 1.23', () => {
  it.each(cases)('%s', (_name, allocs, mallocs, bytes) => {
    const got = perOp(allocs);
    expect(got.mallocs).toBe(mallocs);
    expect(got.bytes).toBeCloseTo(bytes, 1);
  });

  it('[]byte(s) takes the whole size class as capacity', () => {
    // rawbyteslice: a 33-byte string gives cap 48 (brief, and the 48 B measured above).
    expect(stringToBytes(33).cap).toBe(48);
    expect(stringToBytes(0)).toEqual({ cap: 0, allocs: [] });
    expect(stringToRunes(10).cap).toBe(12); // 40 B → 48-byte class
  });

  it('string allocations are untyped and noscan', () => {
    const [a] = concatstringsAllocs([20, 20]);
    expect(a).toEqual({ size: 40, type: null, noscan: true, what: 'concatstrings' });
  });

  it('counts UTF-8 bytes and runes as Go does', () => {
    expect(utf8Length('héllo')).toBe(6);
    expect(utf8Length('日本')).toBe(6);
    expect(utf8Length('😀')).toBe(4);
    expect(runeCount('😀a')).toBe(2);
  });
});
