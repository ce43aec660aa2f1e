import { describe, expect, it } from 'vitest';
import { GoPanic } from '../../src/runtime/panic.ts';
import { appendAllocs, appendCaps, growsliceCap, makesliceAllocs, nextslicecap } from '../../src/go/slice_sizes.ts';
import { T } from '../../src/go/types.ts';
import type { GoType } from '../../src/go/types.ts';
import { count } from './helpers/accounting.ts';

const s3 = T.struct([['a', T.int], ['b', T.int], ['c', T.int]]); // 24 B, noscan
const s40 = T.struct([['a', T.int], ['b', T.int], ['c', T.int], ['d', T.int], ['e', T.int]]); // 40 B, noscan
const s40p = T.struct([['p', T.pointer(T.int)], ['b', T.int], ['c', T.int], ['d', T.int], ['e', T.int]]); // 40 B, scan
const s12 = T.struct([['a', T.int32], ['b', T.int32], ['c', T.int32]]); // 12 B, align 4

// Measured on Go 1.23.5 linux/amd64: a Go program appends the zero value
// one element at a time to a nil slice (`s = append(s, zero)`, s kept live
// through a global) up to N elements and records every distinct cap(s).
// The *_kK rows append K elements at once (`s = append(s, add...)` with
// add := make([]T, K)) 20 times from nil and record cap(s) after each.
const measured = {
  int64_1e6: [
    1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 848, 1280, 1792, 2560, 3408, 5120, 7168, 9216, 12288,
    16384, 21504, 27648, 34816, 44032, 55296, 69632, 88064, 110592, 139264, 175104, 219136, 274432,
    344064, 431104, 539648, 674816, 843776, 1055744,
  ],
  byte_1e6: [
    8, 16, 32, 64, 128, 256, 512, 896, 1408, 2048, 3072, 4096, 5376, 6912, 9472, 12288, 16384,
    21760, 28672, 40960, 57344, 73728, 98304, 131072, 172032, 221184, 278528, 352256, 442368,
    557056, 704512, 884736, 1114112,
  ],
  ptr_1e6: [
    1, 2, 4, 8, 16, 32, 64, 143, 287, 607, 1023, 1535, 2303, 3071, 4095, 6144, 8192, 11264, 14336,
    18432, 23552, 29696, 37888, 48128, 60416, 75776, 95232, 119808, 150528, 188416, 236544, 295936,
    370688, 463872, 580608, 726016, 908288, 1135616,
  ],
  struct3int_1e5: [
    1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 853, 1365, 2048, 3072, 4096, 5461, 7168, 9216, 11946,
    15360, 19456, 24576, 31061, 39253, 49493, 62122, 78165, 97962, 122880,
  ],
  string_1e5: [
    1, 2, 4, 8, 16, 32, 71, 143, 303, 591, 1023, 1535, 2560, 3584, 5120, 6656, 8704, 11264, 14336,
    18432, 23552, 29696, 37376, 47104, 59392, 74752, 93696, 117760,
  ],
  s40_1e5: [
    1, 2, 4, 8, 16, 32, 67, 134, 272, 544, 1024, 1638, 2252, 3072, 4096, 5324, 6963, 9011, 11468,
    14540, 18432, 23347, 29491, 37068, 46694, 58572, 73523, 92160, 115507,
  ],
  s40p_1e5: [
    1, 2, 4, 8, 17, 35, 76, 153, 307, 614, 1024, 1638, 2252, 3072, 4096, 5324, 6963, 9011, 11468,
    14540, 18432, 23347, 29491, 37068, 46694, 58572, 73523, 92160, 115507,
  ],
  s12_1e5: [
    1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 853, 1365, 2048, 3413, 4778, 6826, 8874, 11605, 15018,
    19114, 24576, 31402, 39594, 49834, 62805, 79189, 99669, 124928,
  ],
  int32_1e5: [
    2, 4, 8, 16, 32, 64, 128, 256, 512, 864, 1344, 2048, 3072, 4096, 5440, 7168, 10240, 14336,
    18432, 24576, 32768, 43008, 55296, 69632, 88064, 110592,
  ],
  int64_k5: [
    6, 12, 24, 24, 48, 48, 48, 48, 48, 96, 96, 96, 96, 96, 96, 96, 96, 96, 96, 192,
  ],
  int64_k1000: [
    1024, 2048, 4096, 4096, 6144, 6144, 8192, 8192, 11264, 11264, 11264, 14336, 14336, 14336,
    18432, 18432, 18432, 18432, 23552, 23552,
  ],
  byte_k7: [
    8, 16, 32, 32, 64, 64, 64, 64, 64, 128, 128, 128, 128, 128, 128, 128, 128, 128, 256, 256,
  ],
  s3_k3: [
    3, 6, 12, 12, 24, 24, 24, 24, 48, 48, 48, 48, 48, 48, 48, 48, 96, 96, 96, 96,
  ],
  ptr_k100: [
    111, 223, 511, 511, 511, 847, 847, 847, 1279, 1279, 1279, 1279, 1791, 1791, 1791, 1791, 1791,
    2559, 2559, 2559,
  ],
  string_k33: [
    35, 71, 143, 143, 303, 303, 303, 303, 303, 591, 591, 591, 591, 591, 591, 591, 591, 1023, 1023,
    1023,
  ],
};

/** Distinct caps when appending k elements at a time, `rounds` times, from nil. */
function capsK(elem: GoType, k: number, rounds: number): number[] {
  const out: number[] = [];
  let len = 0;
  let cap = 0;
  for (let i = 0; i < rounds; i++) {
    cap = appendAllocs(len, cap, k, elem).newcap;
    len += k;
    out.push(cap);
  }
  return out;
}

describe('growslice capacities (slice.go, Go 1.23)', () => {
  it('[]int64 one at a time to 1,000,000 matches real Go', () => {
    expect(appendCaps(T.int64, 1_000_000)).toEqual(measured.int64_1e6);
  });
  it('[]byte one at a time to 1,000,000 matches real Go', () => {
    expect(appendCaps(T.byte, 1_000_000)).toEqual(measured.byte_1e6);
  });
  it('[]*int: the malloc header shows up from 1 KiB (64 → 143)', () => {
    expect(appendCaps(T.pointer(T.int), 1_000_000)).toEqual(measured.ptr_1e6);
    // The sequence the brief quotes, measured the same way.
    expect(measured.ptr_1e6.slice(0, 16)).toEqual([1, 2, 4, 8, 16, 32, 64, 143, 287, 607, 1023, 1535, 2303, 3071, 4095, 6144]);
  });
  it('[]struct{a,b,c int} (24 B, not a power of two) matches real Go', () => {
    expect(appendCaps(s3, 100_000)).toEqual(measured.struct3int_1e5);
  });
  it('[]string (16 B, pointerful) matches real Go', () => {
    expect(appendCaps(T.string, 100_000)).toEqual(measured.string_1e5);
  });
  it('40-byte structs, with and without a pointer, match real Go', () => {
    expect(appendCaps(s40, 100_000)).toEqual(measured.s40_1e5);
    expect(appendCaps(s40p, 100_000)).toEqual(measured.s40p_1e5);
  });
  it('[]struct{a,b,c int32} (12 B) and []int32 match real Go', () => {
    expect(appendCaps(s12, 100_000)).toEqual(measured.s12_1e5);
    expect(appendCaps(T.int32, 100_000)).toEqual(measured.int32_1e5);
  });
  it('appending many elements at once matches real Go', () => {
    expect(capsK(T.int64, 5, 20)).toEqual(measured.int64_k5);
    expect(capsK(T.int64, 1000, 20)).toEqual(measured.int64_k1000);
    expect(capsK(T.byte, 7, 20)).toEqual(measured.byte_k7);
    expect(capsK(s3, 3, 20)).toEqual(measured.s3_k3);
    expect(capsK(T.pointer(T.int), 100, 20)).toEqual(measured.ptr_k100);
    expect(capsK(T.string, 33, 20)).toEqual(measured.string_k33);
  });
});

describe('nextslicecap', () => {
  it('doubles below 256 and steps by (cap+768)/4 above', () => {
    // Hand-worked from slice.go: 256 + (256+768)/4 = 512; 512 + (512+768)/4 = 832.
    expect(nextslicecap(257, 256)).toBe(512);
    expect(nextslicecap(513, 512)).toBe(832);
    expect(nextslicecap(100, 10)).toBe(100); // beyond twice the old cap: taken as is
    expect(nextslicecap(11, 10)).toBe(20);
    // Several steps in one call: 600 → 600+342 = 942 → 942+427 = 1369.
    expect(nextslicecap(1000, 600)).toBe(1369);
  });
});

describe('growslice allocations', () => {
  it('requests newcap·elemSize typed with the element', () => {
    // []*int growing past 64: 128·8 = 1024 B needs a malloc header, so the
    // 1152-byte class keeps 1144 B = 143 pointers (measured cap above).
    const g = appendAllocs(64, 64, 1, T.pointer(T.int));
    expect(g.newcap).toBe(143);
    expect(g.allocs).toEqual([{ size: 1144, type: T.pointer(T.int), noscan: false, what: 'growslice' }]);
    expect(count(g.allocs)).toEqual({ mallocs: 1, bytes: 1152 });
    expect(appendAllocs(3, 4, 1, T.int).allocs).toEqual([]); // fits: no growth
  });
  it('zero-size elements never allocate', () => {
    expect(growsliceCap(0, 5, T.struct([]))).toEqual({ newcap: 5, memBytes: 0 });
    expect(appendAllocs(0, 0, 5, T.struct([])).allocs).toEqual([]);
  });
  it('panics like Go past maxAlloc', () => {
    // Measured: append(make([]byte,1), make([]byte, 1<<48)...) panics
    // "runtime error: growslice: len out of range".
    expect(() => growsliceCap(1, 1 + 2 ** 48, T.byte)).toThrow('runtime error: growslice: len out of range');
    expect(() => growsliceCap(1, 1 + 2 ** 48, T.byte)).toThrow(GoPanic);
  });
});

describe('makeslice', () => {
  // Measured on Go 1.23.5 linux/amd64 with runtime.MemStats Mallocs and
  // TotalAlloc deltas around one escaping make (GC off).
  it.each([
    ['make([]int, 10)', T.int, 10, 10, 1, 80],
    ['make([]int, 10, 100)', T.int, 10, 100, 1, 896],
    ['make([]*int, 100)', T.pointer(T.int), 100, 100, 1, 896], // 800 + 8-byte header → 896 class
    ['make([]*int, 5000)', T.pointer(T.int), 5000, 5000, 1, 40960],
    ['make([]int, 5000)', T.int, 5000, 5000, 1, 40960],
    ['make([]struct{}, 100)', T.struct([]), 100, 100, 0, 0],
    ['make([]int, 0)', T.int, 0, 0, 0, 0],
  ] as const)('%s', (_n, elem, len, cap, mallocs, bytes) => {
    expect(count(makesliceAllocs(elem, len, cap))).toEqual({ mallocs, bytes });
  });
  it('panics with Go’s messages', () => {
    // Measured panics (recover() values printed by the same program).
    expect(() => makesliceAllocs(T.int, -1)).toThrow('runtime error: makeslice: len out of range');
    expect(() => makesliceAllocs(T.int, 10, 5)).toThrow('runtime error: makeslice: cap out of range');
    expect(() => makesliceAllocs(T.int, 2 ** 46)).toThrow('runtime error: makeslice: len out of range');
    expect(() => makesliceAllocs(T.int, 1, 2 ** 46)).toThrow('runtime error: makeslice: cap out of range');
  });
});
