import { describe, expect, it } from 'vitest';
import {
  Kind,
  T,
  alignof,
  isDirectIface,
  isPointerWord,
  kindNames,
  offsetof,
  pointerMask,
  sizeof,
  soleComponent,
} from '../../src/go/types.ts';
import type { GoType } from '../../src/go/types.ts';

const Employee = T.named(
  T.struct([['name', T.string], ['salary', T.int], ['sales', T.int], ['bonus', T.int]]),
  'main.Employee',
);
const Stringer = T.named(T.interface([{ name: 'String', type: T.func([], [T.string]) }]), 'fmt.Stringer');

function hex(mask: Uint8Array | null): string {
  if (!mask) return '';
  if (mask.length > 20 && mask.every((b) => b === 0xff)) return `ff*${mask.length}`;
  return Array.from(mask, (b) => b.toString(16).padStart(2, '0')).join('');
}

// Measured on Go 1.23.5 linux/amd64 (this machine) with a Go program that
// declares one struct field of each type and prints, per field type,
// reflect.Type.String(), Size(), Align(), the struct-field offsets, and
// abi.Type.PtrBytes / GCData / Kind_&KindGCProg read through unsafe (a
// mirror of internal/abi.Type on the *rtype behind reflect.TypeOf). The
// mask column is GCData's first ceil(PtrBytes/64) bytes in hex ('gcprog':
// the compiler emitted a GC program, no mask).
// [type, String(), Size, Align, PtrBytes, mask, field offsets]
const measured: [GoType, string, number, number, number, string, number[]?][] = [
  [T.bool, 'bool', 1, 1, 0, ''],
  [T.int8, 'int8', 1, 1, 0, ''],
  [T.int16, 'int16', 2, 2, 0, ''],
  [T.int32, 'int32', 4, 4, 0, ''],
  [T.int64, 'int64', 8, 8, 0, ''],
  [T.int, 'int', 8, 8, 0, ''],
  [T.uint8, 'uint8', 1, 1, 0, ''],
  [T.uint16, 'uint16', 2, 2, 0, ''],
  [T.uint32, 'uint32', 4, 4, 0, ''],
  [T.uint64, 'uint64', 8, 8, 0, ''],
  [T.uint, 'uint', 8, 8, 0, ''],
  [T.uintptr, 'uintptr', 8, 8, 0, ''],
  [T.float32, 'float32', 4, 4, 0, ''],
  [T.float64, 'float64', 8, 8, 0, ''],
  [T.complex64, 'complex64', 8, 4, 0, ''],
  [T.complex128, 'complex128', 16, 8, 0, ''],
  [T.string, 'string', 16, 8, 8, '01'],
  [T.unsafePointer, 'unsafe.Pointer', 8, 8, 8, '01'],
  [T.pointer(T.int), '*int', 8, 8, 8, '01'],
  [T.slice(T.int64), '[]int64', 24, 8, 8, '01'],
  [T.slice(T.pointer(T.int)), '[]*int', 24, 8, 8, '01'],
  [T.array(T.int, 3), '[3]int', 24, 8, 0, ''],
  [T.array(T.pointer(T.int), 3), '[3]*int', 24, 8, 24, '07'],
  [T.array(T.string, 4), '[4]string', 64, 8, 56, '55'],
  [T.array(T.int, 0), '[0]int', 0, 8, 0, ''],
  [T.array(T.pointer(T.int), 0), '[0]*int', 0, 8, 0, ''],
  [T.struct([]), 'struct {}', 0, 1, 0, ''],
  [T.struct([['a', T.int], ['b', T.pointer(T.int)]]), 'struct { a int; b *int }', 16, 8, 16, '02', [0, 8]],
  [T.struct([['a', T.bool], ['b', T.int64], ['c', T.bool]]), 'struct { a bool; b int64; c bool }', 24, 8, 0, '', [0, 8, 16]],
  [T.struct([['a', T.int8], ['b', T.int16], ['c', T.int32]]), 'struct { a int8; b int16; c int32 }', 8, 4, 0, '', [0, 2, 4]],
  [T.struct([['a', T.pointer(T.int)], ['b', T.struct([])]]), 'struct { a *int; b struct {} }', 16, 8, 8, '01', [0, 8]],
  [T.struct([['a', T.int64], ['b', T.array(T.int, 0)]]), 'struct { a int64; b [0]int }', 16, 8, 0, '', [0, 8]],
  [T.struct([['b', T.array(T.int, 0)], ['a', T.int64]]), 'struct { b [0]int; a int64 }', 8, 8, 0, '', [0, 0]],
  [T.struct([['a', T.byte], ['b', T.struct([])]]), 'struct { a uint8; b struct {} }', 2, 1, 0, '', [0, 1]],
  [T.struct([['s', T.slice(T.int)], ['x', T.int], ['p', T.pointer(T.int)]]), 'struct { s []int; x int; p *int }', 40, 8, 40, '11', [0, 24, 32]],
  [Employee, 'main.Employee', 40, 8, 8, '01', [0, 16, 24, 32]],
  [T.array(Employee, 2), '[2]main.Employee', 80, 8, 48, '21'],
  [T.array(T.struct([['a', T.int], ['p', T.pointer(T.int)]]), 3), '[3]struct { a int; p *int }', 48, 8, 48, '2a'],
  [T.map(T.string, T.int), 'map[string]int', 8, 8, 8, '01'],
  [T.map(T.int, T.int), 'map[int]int', 8, 8, 8, '01'],
  [T.chan(T.int), 'chan int', 8, 8, 8, '01'],
  [T.func(), 'func()', 8, 8, 8, '01'],
  [T.interface(), 'interface {}', 16, 8, 16, '02'],
  [T.error, 'error', 16, 8, 16, '02'],
  [Stringer, 'fmt.Stringer', 16, 8, 16, '02'],
  [T.pointer(Employee), '*main.Employee', 8, 8, 8, '01'],
  [T.array(T.array(T.pointer(T.int), 3), 2), '[2][3]*int', 48, 8, 48, '3f'],
  [T.struct([['a', T.int32], ['b', T.complex64]]), 'struct { a int32; b complex64 }', 12, 4, 0, '', [0, 4]],
  [T.struct([['x', T.array(T.byte, 5)], ['y', T.int16]]), 'struct { x [5]uint8; y int16 }', 8, 2, 0, '', [0, 6]],
  [T.array(T.pointer(T.int), 1 << 15), '[32768]*int', 262144, 8, 262144, 'gcprog'],
  [T.struct([['a', T.int], ['s', T.string], ['b', T.int]]), 'struct { a int; s string; b int }', 32, 8, 16, '02', [0, 8, 24]],
  [T.map(T.int, T.array(T.byte, 200)), 'map[int][200]uint8', 8, 8, 8, '01'],
  [T.map(T.array(T.byte, 200), T.int), 'map[[200]uint8]int', 8, 8, 8, '01'],
  [T.map(T.string, T.pointer(T.int)), 'map[string]*int', 8, 8, 8, '01'],
  [T.chan(T.string, 'send'), 'chan<- string', 8, 8, 8, '01'],
  [T.chan(T.slice(T.byte), 'recv'), '<-chan []uint8', 8, 8, 8, '01'],
  [T.func([T.int, T.string], [T.bool, T.error]), 'func(int, string) (bool, error)', 8, 8, 8, '01'],
  [T.array(T.pointer(T.int), 16384), '[16384]*int', 131072, 8, 131072, 'ff*2048'],
  [T.array(T.pointer(T.int), 16385), '[16385]*int', 131080, 8, 131080, 'gcprog'],
  [T.struct([['p', T.pointer(T.int)], ['_', T.array(T.int, 100)], ['q', T.pointer(T.int)]]), 'struct { p *int; _ [100]int; q *int }', 816, 8, 816, '01000000000000000000000020', [0, 8, 808]],
  [T.map(T.int, T.struct([])), 'map[int]struct {}', 8, 8, 8, '01'],
  [T.map(T.struct([]), T.int), 'map[struct {}]int', 8, 8, 8, '01'],
  [T.array(T.struct([['a', T.int8], ['b', T.struct([])]]), 2), '[2]struct { a int8; b struct {} }', 4, 1, 0, ''],
  [T.struct([['a', T.int], ['b', T.struct([])], ['c', T.struct([])]]), 'struct { a int; b struct {}; c struct {} }', 16, 8, 0, '', [0, 8, 8]],
  [T.slice(T.struct([['a', T.int], ['b', T.int], ['c', T.int]])), '[]struct { a int; b int; c int }', 24, 8, 8, '01'],
  [T.map(T.int8, T.int8), 'map[int8]int8', 8, 8, 8, '01'],
  [T.map(T.string, T.array(T.byte, 128)), 'map[string][128]uint8', 8, 8, 8, '01'],
  [T.map(T.string, T.array(T.byte, 129)), 'map[string][129]uint8', 8, 8, 8, '01'],
  [T.struct([{ type: Employee, embedded: true }, ['boss', T.pointer(Employee)]]), 'struct { main.Employee; boss *main.Employee }', 48, 8, 48, '21', [0, 40]],
  [T.interface([{ name: 'M', type: T.func() }]), 'interface { M() }', 16, 8, 16, '02'],
];

describe('Go type layout (linux/amd64)', () => {
  it.each(measured.map((row) => [row[1], row] as const))('%s matches Go 1.23.5', (_name, row) => {
    const [t, str, size, align, ptrdata, mask, offsets] = row;
    expect(t.str).toBe(str);
    expect(sizeof(t)).toBe(size);
    expect(alignof(t)).toBe(align);
    expect(t.fieldAlign).toBe(align); // reflect FieldAlign() equalled Align() for every row
    expect(t.ptrdata).toBe(ptrdata);
    expect(t.pointers).toBe(ptrdata > 0);
    if (mask === 'gcprog') {
      expect(t.gcprog).toBe(true);
      expect(t.gcdata).toBeNull();
    } else {
      expect(t.gcprog).toBe(false);
      expect(hex(t.gcdata)).toBe(mask);
    }
    if (offsets) expect(t.fields!.map((f) => f.offset)).toEqual(offsets);
  });

  it('has at least 30 measured types', () => {
    expect(measured.length).toBeGreaterThanOrEqual(30);
  });

  it('offsetof walks nested fields', () => {
    // unsafe.Offsetof(e.bonus) = 32 (measured row main.Employee above).
    expect(offsetof(Employee, 'bonus')).toBe(32);
    const outer = T.struct([['flag', T.bool], ['emp', Employee]]);
    // Hand-worked: emp is 8-aligned, so at 8; bonus is 32 into it.
    expect(offsetof(outer, 'emp.bonus')).toBe(40);
    expect(() => offsetof(Employee, 'nope')).toThrow(/no field nope/);
  });

  it('kinds carry reflect.Kind numbers and names', () => {
    // reflect.Kind values and Kind.String() (Go 1.23 reflect/type.go).
    expect(Kind.Pointer).toBe(22);
    expect(kindNames[T.pointer(T.int).kind]).toBe('ptr');
    expect(kindNames[T.unsafePointer.kind]).toBe('unsafe.Pointer');
    expect(kindNames[Employee.kind]).toBe('struct');
    expect(kindNames[T.map(T.int, T.int).kind]).toBe('map');
    expect(kindNames.length).toBe(27);
  });

  it('named types keep the layout and change only the name', () => {
    expect(Employee.name).toBe('main.Employee');
    expect(Employee.underlying!.str).toBe('struct { name string; salary int; sales int; bonus int }');
    const dur = T.named(T.int64, 'time.Duration');
    expect([dur.str, dur.size, dur.kind]).toEqual(['time.Duration', 8, Kind.Int64]);
    expect(T.slice(dur).str).toBe('[]time.Duration');
  });

  it('isPointerWord agrees with the mask and answers for GC-program types', () => {
    const big = T.array(T.struct([['a', T.int], ['p', T.pointer(T.int)]]), 20000); // ptrdata 320000 > 128 KiB
    expect(big.gcprog).toBe(true);
    expect(isPointerWord(big, 0)).toBe(false);
    expect(isPointerWord(big, 1)).toBe(true);
    expect(isPointerWord(big, 39999)).toBe(true);
    expect(isPointerWord(big, 40000)).toBe(false); // past ptrdata
    const m = pointerMask(big);
    expect(m.length).toBe(5000);
    expect(m[0]).toBe(0xaa);
    const mixed = T.struct([['s', T.slice(T.int)], ['x', T.int], ['p', T.pointer(T.int)]]);
    for (let w = 0; w < 5; w++) expect(isPointerWord(mixed, w)).toBe([0, 4].includes(w));
  });

  it('chan of a receive-only chan is parenthesized like reflect does', () => {
    // reflect.ChanOf(BothDir, reflect.TypeOf((<-chan int)(nil))).String() = "chan (<-chan int)"
    expect(T.chan(T.chan(T.int, 'recv')).str).toBe('chan (<-chan int)');
    expect(T.func([T.string, T.slice(T.int)], [T.int], true).str).toBe('func(string, ...int) int');
  });

  it('classifies direct-interface and sole-component types as the compiler does', () => {
    expect(isDirectIface(T.pointer(T.int))).toBe(true);
    expect(isDirectIface(T.struct([['p', T.pointer(T.int)]]))).toBe(true);
    expect(isDirectIface(T.array(T.map(T.int, T.int), 1))).toBe(true);
    expect(isDirectIface(T.struct([['p', T.pointer(T.int)], ['q', T.pointer(T.int)]]))).toBe(false);
    expect(isDirectIface(T.string)).toBe(false);
    expect(soleComponent(T.struct([['s', T.array(T.string, 1)]]))).toBe(T.string);
    expect(soleComponent(T.struct([['a', T.int], ['b', T.int]]))).toBeNull();
  });

  it('rejects types larger than the compiler allows', () => {
    expect(() => T.array(T.int, 2 ** 48)).toThrow(/too large/);
  });
});
