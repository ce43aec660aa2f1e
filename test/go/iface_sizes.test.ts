import { describe, expect, it } from 'vitest';
import { boxAllocs, boxPath } from '../../src/go/iface_sizes.ts';
import type { BoxOptions } from '../../src/go/iface_sizes.ts';
import { closureAllocs, closureType } from '../../src/go/closure_sizes.ts';
import { T } from '../../src/go/types.ts';
import type { GoType } from '../../src/go/types.ts';
import { perOp } from './helpers/accounting.ts';

const Employee = T.named(
  T.struct([['name', T.string], ['salary', T.int], ['sales', T.int], ['bonus', T.int]]),
  'main.Employee',
);

// Measured on Go 1.23.5 linux/amd64: testing.AllocsPerRun(1000, f) and
// MemStats TotalAlloc per op, f = `sinkAny = v` with v a package variable
// (so not constant-folded) and sinkAny a global `any`.
describe('interface boxing (convT*)', () => {
  it.each<[string, GoType, BoxOptions, string, number, number]>([
    ['any(int 1000)', T.int, { value: 1000 }, 'convT64', 1, 8],
    ['any(int 5)', T.int, { value: 5 }, 'convT64', 0, 0],
    ['any(int 0)', T.int, { value: 0 }, 'convT64', 0, 0],
    ['any(float64 1.5)', T.float64, { value: 1.5 }, 'convT64', 1, 8],
    ['any(float64 0)', T.float64, { value: 0 }, 'convT64', 0, 0],
    ['any(int32 70000)', T.int32, { value: 70000 }, 'convT32', 1, 4],
    ['any(int16 3000)', T.int16, { value: 3000 }, 'convT16', 1, 2],
    ['any(uint8 200)', T.uint8, { value: 200 }, 'staticuint64s', 0, 0],
    ['any(bool)', T.bool, {}, 'staticuint64s', 0, 0],
    ['any(string of 20)', T.string, {}, 'convTstring', 1, 16],
    ['any("")', T.string, { value: '' }, 'convTstring', 0, 0],
    ['any([]int{1,2,3})', T.slice(T.int), {}, 'convTslice', 1, 24],
    ['any([]int(nil))', T.slice(T.int), { value: null }, 'convTslice', 0, 0],
    ['any(Employee)', Employee, {}, 'convT', 1, 48],
    ['any(struct{a, b int})', T.struct([['a', T.int], ['b', T.int]]), {}, 'convTnoptr', 1, 16],
    ['any(42) constant', T.int, { constant: true }, 'static', 0, 0],
    ['any(p *int)', T.pointer(T.int), {}, 'direct', 0, 0],
  ])('%s', (_name, t, opts, path, mallocs, bytes) => {
    expect(boxPath(t, opts)).toBe(path);
    const got = perOp(boxAllocs(t, opts));
    expect(got.mallocs).toBe(mallocs);
    expect(got.bytes).toBeCloseTo(bytes, 1);
  });

  it('follows the compiler for the other shortcuts', () => {
    // walk/convert.go dataWord: zero-size → zerobase; non-escaping ≤ 1024 B → stack temporary.
    expect(boxAllocs(T.struct([]))).toEqual([]);
    expect(boxPath(T.struct([]))).toBe('zerobase');
    expect(boxAllocs(Employee, { escapes: false })).toEqual([]);
    expect(boxAllocs(T.array(T.int, 200), { escapes: false }).map((a) => a.size)).toEqual([1600]);
    expect(boxPath(T.error)).toBe('interface');
    expect(boxPath(T.struct([['s', T.string]]))).toBe('convTstring'); // sole component
    expect(boxPath(T.complex64)).toBe('convTnoptr'); // 8 bytes but 4-aligned: not convT64
    expect(boxAllocs(T.int, { value: -1 }).length).toBe(1); // -1 is 2^64-1 as bits
    expect(boxAllocs(T.float32, { value: 0 })).toEqual([]);
  });
});

// Measured the same way, f = a func literal assigned to a global func variable.
describe('closures', () => {
  it.each<[string, Parameters<typeof closureAllocs>[0], number, number]>([
    ['capturing an int by value', [{ type: T.int }], 1, 16],
    ['capturing 3 ints', [{ type: T.int }, { type: T.int }, { type: T.int }], 1, 32],
    ['capturing a string', [{ type: T.string }], 1, 24],
    ['capturing a pointer', [{ type: T.pointer(T.int) }], 1, 16],
    ['capturing an int by reference (x++ inside)', [{ type: T.int, byRef: true }], 2, 24], // tiny 8 + 16
    ['capturing a [20]int (>128 B: by reference)', [{ type: T.array(T.int, 20) }], 2, 176],
    ['capturing nothing', [], 0, 0],
  ])('%s', (_name, captures, mallocs, bytes) => {
    const got = perOp(closureAllocs(captures));
    expect(got.mallocs).toBe(mallocs);
    expect(got.bytes).toBeCloseTo(bytes, 1);
  });

  it('lays out the closure object as { F uintptr; captures }', () => {
    const t = closureType([{ type: T.bool, name: 'ok' }, { type: T.string, name: 's' }]);
    expect(t.str).toBe('struct { F uintptr; ok bool; s string }');
    expect([t.size, t.ptrdata]).toEqual([32, 24]);
    expect(closureType([{ type: T.int }]).pointers).toBe(false); // noscan: F is a code pointer
    expect(closureAllocs([{ type: T.int }], { escapes: false })).toEqual([]);
  });
});
