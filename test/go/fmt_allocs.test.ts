import { describe, expect, it } from 'vitest';
import { fmtAllocs } from '../../src/go/fmt_allocs.ts';
import type { FmtArg, FmtOptions } from '../../src/go/fmt_allocs.ts';
import { T } from '../../src/go/types.ts';
import { perOp } from './helpers/accounting.ts';

const Employee = T.named(
  T.struct([['name', T.string], ['salary', T.int], ['sales', T.int], ['bonus', T.int]]),
  'main.Employee',
);
const Inner = T.named(T.struct([['A', T.int], ['B', T.int]]), 'main.Inner');
const Outer = T.named(T.struct([['X', Inner], ['in', Inner]]), 'main.Outer');
const Pub = T.named(T.struct([['Name', T.string], ['Age', T.int]]), 'main.Pub');

// Measured on Go 1.23.5 linux/amd64 with os.Stdout = /dev/null:
// testing.AllocsPerRun(1000 or 2000, f) and MemStats TotalAlloc per op over
// as many more runs, arguments being package variables unless constant.
const cases: [string, FmtArg[], FmtOptions, number, number][] = [
  ['fmt.Println("hi")', [{ type: T.string, constant: true }], {}, 0, 0],
  ['fmt.Println(42)', [{ type: T.int, constant: true }], {}, 0, 0],
  ['fmt.Println(x) x=1000', [{ type: T.int, value: 1000 }], {}, 1, 8],
  ['fmt.Println(x) x=5', [{ type: T.int, value: 5 }], {}, 0, 0],
  ['fmt.Println(s) len 20', [{ type: T.string }], {}, 1, 16],
  ['fmt.Println(x, s)', [{ type: T.int, value: 1000 }, { type: T.string }], {}, 2, 24],
  ['fmt.Println(f) f=1.5', [{ type: T.float64, value: 1.5 }], {}, 1, 8],
  ['fmt.Println(b) bool', [{ type: T.bool }], {}, 0, 0],
  ['fmt.Println(p) *int', [{ type: T.pointer(T.int) }], {}, 0, 0],
  ['fmt.Println()', [], {}, 0, 0],
  ['fmt.Println("a", "b", 1, 2)', [
    { type: T.string, constant: true }, { type: T.string, constant: true },
    { type: T.int, constant: true }, { type: T.int, constant: true },
  ], {}, 0, 0],
  ['fmt.Println(emp) unexported fields', [{ type: Employee }], {}, 1, 48],
  ['fmt.Println(&emp): the struct is copied by Value.Interface', [{ type: T.pointer(Employee) }], {}, 1, 48],
  ['fmt.Println(pub) exported fields', [{ type: Pub }], {}, 1, 24],
  ['fmt.Println(&pub): struct + Name + Age copies', [{ type: T.pointer(Pub) }], {}, 3, 48],
  ['fmt.Println([]int{1,2,3})', [{ type: T.slice(T.int), len: 3 }], {}, 4, 48],
  ['fmt.Println([]int{300..304})', [{ type: T.slice(T.int), len: 5 }], {}, 6, 64],
  ['fmt.Println([]string{"a","b"})', [{ type: T.slice(T.string), len: 2 }], {}, 3, 56],
  ['fmt.Println([3]int{…})', [{ type: T.array(T.int, 3) }], {}, 1, 24],
  ['fmt.Println(map[string]int{"a": 1000})', [{ type: T.map(T.string, T.int), len: 1 }], {}, 3, 72],
  ['fmt.Println([40]byte{})', [{ type: T.array(T.byte, 40) }], {}, 1, 48],
  ['fmt.Println(map[int]int, 3 entries)', [{ type: T.map(T.int, T.int), len: 3 }], {}, 7, 192],
  ['fmt.Println(&m) map[int]int, 3 entries', [{ type: T.pointer(T.map(T.int, T.int)), len: 3 }], {}, 7, 192.32],
  ['fmt.Println(&s) []int, 3 elements', [{ type: T.pointer(T.slice(T.int)), len: 3 }], {}, 4, 48.14],
  ['fmt.Println(out) Outer{X Inner; in Inner}', [{ type: Outer }], {}, 1, 32],
  ['fmt.Println(&out)', [{ type: T.pointer(Outer) }], {}, 4, 64.13],
  ['fmt.Println([]Outer, 2 elements)', [{ type: T.slice(Outer), len: 2 }], {}, 9, 152],
  ['fmt.Println(map[string]*int, 2 entries)', [{ type: T.map(T.string, T.pointer(T.int)), len: 2 }], {}, 3, 128.21],
  ['fmt.Printf("%d\\n", x)', [{ type: T.string, constant: true }, { type: T.int, value: 1000 }], {}, 1, 8],
  ['fmt.Sprintf("%d", x) → "1000"', [{ type: T.string, constant: true }, { type: T.int, value: 1000 }], { resultLen: 4 }, 2, 16],
  ['fmt.Sprint(x) → "1000"', [{ type: T.int, value: 1000 }], { resultLen: 4 }, 2, 16],
  ['fmt.Sprintf("%s-%s", s, s) → 41 bytes', [{ type: T.string, constant: true }, { type: T.string }, { type: T.string }], { resultLen: 41 }, 3, 80],
];

describe('fmt print allocations (steady state)', () => {
  it.each(cases)('%s', (_name, args, opts, mallocs, bytes) => {
    const got = perOp(fmtAllocs(args, opts));
    expect(got.mallocs).toBe(mallocs);
    // Some measured figures carry up to 0.32 B/op of noise (sync.Pool refills).
    expect(Math.abs(got.bytes - bytes)).toBeLessThanOrEqual(0.35);
  });

  it('refuses what it does not model', () => {
    expect(() => fmtAllocs([{ type: T.slice(T.slice(T.int)), len: 2 }])).toThrow(/nested slice/);
    expect(() => fmtAllocs([{ type: T.slice(T.int) }])).toThrow(/not modelled/);
  });

  it('a pointer to a []byte copies every byte (1-byte tiny objects)', () => {
    // Hand-worked from fmt/print.go: depth 0 pointer → &[…]; the slice is
    // addressable, so Value.Interface() copies the header and each element.
    const allocs = fmtAllocs([{ type: T.pointer(T.slice(T.byte)), len: 3 }]);
    expect(allocs.map((a) => a.size)).toEqual([24, 1, 1, 1]);
  });
});
