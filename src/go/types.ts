// Go types with the layout the gc compiler gives them on linux/amd64: size,
// alignment, field offsets, ptrdata and the GC pointer mask. Follows
// cmd/compile/internal/types/size.go (CalcSize, CalcStructSize, PtrDataSize),
// reflectdata/reflect.go (dgcsym, fillptrmask) and internal/abi/type.go.
//
// Rules, in the order the compiler applies them:
//   1. Basic types have fixed sizes; align = size, except complex64 (align 4)
//      and complex128 (align 8). string = {ptr, len} 16 B, slice = {ptr, len,
//      cap} 24 B, interface = {type|itab, data} 16 B; pointer, map, chan, func
//      and unsafe.Pointer are one word.
//   2. Struct: each field is placed at the next multiple of its alignment; a
//      non-zero-size struct whose LAST field has size 0 gets one more byte
//      (issue 9401: &s.last must not point at the next object); the size is
//      then rounded up to the struct's alignment (the max field alignment).
//   3. Array [n]T: size n·T.size, align T.align.
//   4. ptrdata (abi.Type.PtrBytes) is the length of the prefix that can hold
//      pointers: the end of the last pointer word. The GC scans only it.
//   5. The pointer mask has 1 bit per 8-byte word of that prefix. When it
//      would exceed abi.MaxPtrmaskBytes (2048 B, i.e. ptrdata > 128 KiB) the
//      compiler emits a GC program instead (kindGCProg); gomem then leaves
//      `gcdata` null and answers from the type structure (isPointerWord).
//
// Only the interface's data word is a pointer in the mask: its first word
// (a *_type or *itab) points into read-only data, never into the heap
// (measured: the mask of `interface {}` is 0b10).
//
// Types are plain objects created once per program, never per allocation.

/** reflect.Kind / abi.Kind numbering. */
export const Kind = {
  Invalid: 0,
  Bool: 1,
  Int: 2,
  Int8: 3,
  Int16: 4,
  Int32: 5,
  Int64: 6,
  Uint: 7,
  Uint8: 8,
  Uint16: 9,
  Uint32: 10,
  Uint64: 11,
  Uintptr: 12,
  Float32: 13,
  Float64: 14,
  Complex64: 15,
  Complex128: 16,
  Array: 17,
  Chan: 18,
  Func: 19,
  Interface: 20,
  Map: 21,
  Pointer: 22,
  Slice: 23,
  String: 24,
  Struct: 25,
  UnsafePointer: 26,
} as const;
export type Kind = (typeof Kind)[keyof typeof Kind];

/** Kind names as reflect.Kind.String() prints them, indexed by Kind. */
export const kindNames: readonly string[] = [
  'invalid', 'bool', 'int', 'int8', 'int16', 'int32', 'int64',
  'uint', 'uint8', 'uint16', 'uint32', 'uint64', 'uintptr',
  'float32', 'float64', 'complex64', 'complex128',
  'array', 'chan', 'func', 'interface', 'map', 'ptr', 'slice', 'string', 'struct',
  'unsafe.Pointer',
];

export const ptrSize = 8;
/** abi.MaxPtrmaskBytes: larger masks become GC programs. */
export const maxPtrmaskBytes = 2048;
/** types.MaxWidth on amd64: the compiler rejects larger types. */
export const maxWidth = 2 ** 50;

export type ChanDir = 'both' | 'send' | 'recv';

export interface StructField {
  readonly name: string;
  readonly type: GoType;
  /** Byte offset from the start of the struct. */
  readonly offset: number;
  readonly embedded: boolean;
  /** Starts with an upper-case letter: reflect can Interface() it. */
  readonly exported: boolean;
}

export interface Method {
  readonly name: string;
  /** Its signature as a func type (without receiver). */
  readonly type: GoType;
}

export interface GoType {
  readonly kind: Kind;
  /** The type as reflect.Type.String() prints it: `[]int64`, `map[string]int`, `*main.Employee`. */
  readonly str: string;
  /** Package-qualified name of a defined type (`main.Employee`, `error`), '' if unnamed. */
  readonly name: string;
  /** Bytes (unsafe.Sizeof). */
  readonly size: number;
  /** Bytes (unsafe.Alignof of a variable). */
  readonly align: number;
  /** Bytes (alignment as a struct field; equal to align on amd64). */
  readonly fieldAlign: number;
  /** Bytes of prefix that may hold pointers (abi.Type.PtrBytes); a multiple of 8. */
  readonly ptrdata: number;
  /** ptrdata > 0: abi.Type.Pointers(). Such objects are "scan", others "noscan". */
  readonly pointers: boolean;
  /**
   * Pointer mask: bit (i & 7) of byte (i >> 3) is set when word i (byte
   * offset 8·i) holds a pointer; ceil(ptrdata/64) bytes (Go pads the symbol
   * to a multiple of 8 bytes; the padding is always zero). Null when Go uses
   * a GC program (`gcprog`).
   */
  readonly gcdata: Uint8Array | null;
  /** abi.KindGCProg: ptrdata > 2048·64 bytes, so the compiler emitted a GC program. */
  readonly gcprog: boolean;
  /** Element of pointer, slice, array, chan and map types. */
  readonly elem?: GoType;
  /** Key of map types. */
  readonly key?: GoType;
  /** Length of array types. */
  readonly len?: number;
  readonly fields?: readonly StructField[];
  readonly dir?: ChanDir;
  readonly params?: readonly GoType[];
  readonly results?: readonly GoType[];
  readonly variadic?: boolean;
  readonly methods?: readonly Method[];
  /** The underlying type of a named type. */
  readonly underlying?: GoType;
  /** GC-program types only: the pointer mask, word by word (runtime/type.ts RType). */
  readonly isPointerWord?: (w: number) => boolean;
}

// ── construction ────────────────────────────────────────────────────────

type Layout = Omit<GoType, 'gcdata' | 'gcprog' | 'pointers' | 'fieldAlign' | 'name'> & { name?: string };

function finish(l: Layout): GoType {
  if (l.size >= maxWidth) throw new Error(`type ${l.str} too large`);
  const gcprog = l.ptrdata / ptrSize > maxPtrmaskBytes * 8;
  const t: GoType = {
    ...l,
    name: l.name ?? '',
    fieldAlign: l.align,
    pointers: l.ptrdata > 0,
    gcprog,
    gcdata: null,
  };
  if (t.pointers && !gcprog) {
    const mask = new Uint8Array(Math.ceil(t.ptrdata / ptrSize / 8));
    fillMask(t, 0, mask);
    (t as { gcdata: Uint8Array | null }).gcdata = mask;
  }
  if (gcprog) (t as { isPointerWord?: (w: number) => boolean }).isPointerWord = (w) => isPointerWord(t, w);
  return Object.freeze(t);
}

/** Sets the mask bits of `t` placed at word `word`, for words below mask.length·8. */
function fillMask(t: GoType, word: number, mask: Uint8Array): void {
  if (!t.pointers) return;
  const limit = mask.length * 8;
  switch (t.kind) {
    case Kind.Pointer:
    case Kind.Map:
    case Kind.Chan:
    case Kind.Func:
    case Kind.UnsafePointer:
    case Kind.String:
    case Kind.Slice:
      setBit(mask, word);
      return;
    case Kind.Interface:
      setBit(mask, word + 1);
      return;
    case Kind.Array: {
      const elem = t.elem!;
      const stride = elem.size / ptrSize;
      for (let i = 0; i < t.len! && word + i * stride < limit; i++) fillMask(elem, word + i * stride, mask);
      return;
    }
    case Kind.Struct:
      for (const f of t.fields!) fillMask(f.type, word + f.offset / ptrSize, mask);
      return;
  }
}

function setBit(mask: Uint8Array, i: number): void {
  mask[i >>> 3]! |= 1 << (i & 7);
}

function basic(kind: Kind, str: string, size: number, align = size, ptrdata = 0): GoType {
  return finish({ kind, str, size, align, ptrdata });
}

const uint8T = basic(Kind.Uint8, 'uint8', 1);
const int32T = basic(Kind.Int32, 'int32', 4);

// Composite types are built once per element type and reused (Go's
// ptrToThis, and the compiler's one type descriptor per type): programs call
// T.pointer(Node) in hot loops, and the collector and the interface type
// words compare types by identity.
const pointerOf = new WeakMap<GoType, GoType>();
const sliceOf = new WeakMap<GoType, GoType>();
const arrayOf = new WeakMap<GoType, Map<number, GoType>>();
const mapOf = new WeakMap<GoType, WeakMap<GoType, GoType>>();
const chanOf = new WeakMap<GoType, Record<ChanDir, GoType | undefined>>();

function pointer(elem: GoType): GoType {
  let t = pointerOf.get(elem);
  if (t === undefined) {
    t = finish({ kind: Kind.Pointer, str: `*${elem.str}`, size: 8, align: 8, ptrdata: 8, elem });
    pointerOf.set(elem, t);
  }
  return t;
}

function slice(elem: GoType): GoType {
  let t = sliceOf.get(elem);
  if (t === undefined) {
    t = finish({ kind: Kind.Slice, str: `[]${elem.str}`, size: 24, align: 8, ptrdata: 8, elem });
    sliceOf.set(elem, t);
  }
  return t;
}

function array(elem: GoType, len: number): GoType {
  if (!Number.isSafeInteger(len) || len < 0) throw new Error(`array length ${len} out of range`);
  let byLen = arrayOf.get(elem);
  if (byLen === undefined) arrayOf.set(elem, (byLen = new Map()));
  let t = byLen.get(len);
  if (t === undefined) {
    const size = elem.size * len;
    const ptrdata = len > 0 && elem.pointers ? elem.size * (len - 1) + elem.ptrdata : 0;
    t = finish({ kind: Kind.Array, str: `[${len}]${elem.str}`, size, align: elem.align, ptrdata, elem, len });
    byLen.set(len, t);
  }
  return t;
}

/** A field as given to T.struct: [name, type], or an object (embedded fields take their type's name). */
export type FieldSpec = readonly [string, GoType] | { readonly name?: string; readonly type: GoType; readonly embedded?: boolean };

function embeddedName(t: GoType): string {
  const s = t.kind === Kind.Pointer && t.name === '' ? t.elem!.str : t.str;
  return s.slice(s.lastIndexOf('.') + 1);
}

function fieldOf(spec: FieldSpec): { name: string; type: GoType; embedded: boolean } {
  if (isTuple(spec)) return { name: spec[0], type: spec[1], embedded: false };
  return { name: spec.name ?? embeddedName(spec.type), type: spec.type, embedded: spec.embedded ?? false };
}

function isTuple(spec: FieldSpec): spec is readonly [string, GoType] {
  return Array.isArray(spec);
}

function roundUp(x: number, a: number): number {
  return Math.ceil(x / a) * a;
}

function struct(specs: readonly FieldSpec[]): GoType {
  const fields: StructField[] = [];
  let offset = 0;
  let align = 1;
  for (const spec of specs) {
    const { name, type, embedded } = fieldOf(spec);
    offset = roundUp(offset, type.align);
    const first = name.charCodeAt(0);
    fields.push({ name, type, offset, embedded, exported: first >= 65 && first <= 90 });
    offset += type.size;
    if (type.align > align) align = type.align;
  }
  const last = fields[fields.length - 1];
  if (offset > 0 && last !== undefined && last.type.size === 0) offset++;
  const size = roundUp(offset, align);
  let ptrdata = 0;
  for (let i = fields.length - 1; i >= 0; i--) {
    const f = fields[i]!;
    if (f.type.pointers) {
      ptrdata = f.offset + f.type.ptrdata;
      break;
    }
  }
  const parts = fields.map((f) => (f.embedded ? f.type.str : `${f.name} ${f.type.str}`));
  const str = parts.length === 0 ? 'struct {}' : `struct { ${parts.join('; ')} }`;
  return finish({ kind: Kind.Struct, str, size, align, ptrdata, fields });
}

function map(key: GoType, elem: GoType): GoType {
  let byElem = mapOf.get(key);
  if (byElem === undefined) mapOf.set(key, (byElem = new WeakMap()));
  let t = byElem.get(elem);
  if (t === undefined) {
    t = finish({ kind: Kind.Map, str: `map[${key.str}]${elem.str}`, size: 8, align: 8, ptrdata: 8, key, elem });
    byElem.set(elem, t);
  }
  return t;
}

function chan(elem: GoType, dir: ChanDir = 'both'): GoType {
  let byDir = chanOf.get(elem);
  if (byDir === undefined) chanOf.set(elem, (byDir = { both: undefined, send: undefined, recv: undefined }));
  return (byDir[dir] ??= makeChan(elem, dir));
}

function makeChan(elem: GoType, dir: ChanDir): GoType {
  let str: string;
  if (dir === 'send') str = `chan<- ${elem.str}`;
  else if (dir === 'recv') str = `<-chan ${elem.str}`;
  // `chan <-chan int` would parse as `chan<- chan int`: reflect parenthesizes.
  else if (elem.kind === Kind.Chan && elem.dir === 'recv' && elem.name === '') str = `chan (${elem.str})`;
  else str = `chan ${elem.str}`;
  return finish({ kind: Kind.Chan, str, size: 8, align: 8, ptrdata: 8, elem, dir });
}

function signature(params: readonly GoType[], results: readonly GoType[], variadic: boolean): string {
  const ps = params.map((p, i) => (variadic && i === params.length - 1 ? `...${p.elem!.str}` : p.str));
  let s = `(${ps.join(', ')})`;
  if (results.length === 1) s += ` ${results[0]!.str}`;
  else if (results.length > 1) s += ` (${results.map((r) => r.str).join(', ')})`;
  return s;
}

/** A func type; for a variadic func the last parameter is the slice type (`[]int` for `...int`). */
function func(params: readonly GoType[] = [], results: readonly GoType[] = [], variadic = false): GoType {
  if (variadic && params[params.length - 1]?.kind !== Kind.Slice) throw new Error('variadic func needs a final slice parameter');
  const str = `func${signature(params, results, variadic)}`;
  return finish({ kind: Kind.Func, str, size: 8, align: 8, ptrdata: 8, params, results, variadic });
}

/** An interface type; methods are sorted by name as reflect sorts them. */
function iface(methods: readonly { name: string; type: GoType }[] = []): GoType {
  const ms = [...methods].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const str =
    ms.length === 0
      ? 'interface {}'
      : `interface { ${ms.map((m) => `${m.name}${signature(m.type.params!, m.type.results!, m.type.variadic!)}`).join('; ')} }`;
  return finish({ kind: Kind.Interface, str, size: 16, align: 8, ptrdata: 16, methods: ms });
}

/** A defined type: `name` as reflect prints it, package-qualified (`main.Employee`). */
function named(underlying: GoType, name: string): GoType {
  const base = underlying.underlying ?? underlying;
  const { gcdata, gcprog, pointers, fieldAlign, ...rest } = base;
  return finish({ ...rest, str: name, name, underlying: base });
}

/** Layout properties a declared type lacks until it is defined. */
const layoutKeys = ['kind', 'size', 'align', 'fieldAlign', 'ptrdata', 'pointers', 'gcdata', 'gcprog', 'underlying'] as const;

/**
 * Declares a defined type whose underlying type comes later (T.define), so
 * that types can refer to themselves and to each other through pointers,
 * slices, maps, chans and funcs, as `type Node struct { left, right *Node }`
 * does. Using its size before it is defined is Go's "invalid recursive type".
 */
function declare(name: string): GoType {
  const t = { str: name, name } as Record<string, unknown>;
  for (const k of layoutKeys) {
    Object.defineProperty(t, k, {
      configurable: true,
      enumerable: true,
      get() {
        throw new Error(`invalid recursive type ${name} (its ${k} is needed before T.define gives its underlying type)`);
      },
    });
  }
  return t as unknown as GoType;
}

/** Gives a declared type its underlying type (once); returns it, now complete. */
function define(t: GoType, underlying: GoType): GoType {
  if (Object.isFrozen(t)) throw new Error(`${t.str} is already defined`);
  const full = named(underlying, t.name);
  for (const [k, v] of Object.entries(full)) {
    if (k === 'str' || k === 'name') continue;
    Object.defineProperty(t, k, { value: v, enumerable: true, writable: false, configurable: false });
  }
  return Object.freeze(t);
}

const stringT = basic(Kind.String, 'string', 16, 8, 8);
const errorT = named(iface([{ name: 'Error', type: func([], [stringT]) }]), 'error');

/**
 * The type constructors, named after Go's spelling. `T.byte` and `T.rune`
 * are the aliases uint8 and int32 (reflect prints them as such).
 */
export const T = {
  bool: basic(Kind.Bool, 'bool', 1),
  int8: basic(Kind.Int8, 'int8', 1),
  int16: basic(Kind.Int16, 'int16', 2),
  int32: int32T,
  int64: basic(Kind.Int64, 'int64', 8),
  int: basic(Kind.Int, 'int', 8),
  uint8: uint8T,
  uint16: basic(Kind.Uint16, 'uint16', 2),
  uint32: basic(Kind.Uint32, 'uint32', 4),
  uint64: basic(Kind.Uint64, 'uint64', 8),
  uint: basic(Kind.Uint, 'uint', 8),
  uintptr: basic(Kind.Uintptr, 'uintptr', 8),
  float32: basic(Kind.Float32, 'float32', 4),
  float64: basic(Kind.Float64, 'float64', 8),
  complex64: basic(Kind.Complex64, 'complex64', 8, 4),
  complex128: basic(Kind.Complex128, 'complex128', 16, 8),
  string: stringT,
  unsafePointer: basic(Kind.UnsafePointer, 'unsafe.Pointer', 8, 8, 8),
  byte: uint8T,
  rune: int32T,
  error: errorT,
  pointer,
  slice,
  array,
  struct,
  map,
  chan,
  func,
  interface: iface,
  named,
  declare,
  define,
} as const;

// ── queries ─────────────────────────────────────────────────────────────

/** unsafe.Sizeof */
export function sizeof(t: GoType): number {
  return t.size;
}

/** unsafe.Alignof */
export function alignof(t: GoType): number {
  return t.align;
}

/** unsafe.Offsetof(s.path): a dotted path of field names, through nested structs. */
export function offsetof(t: GoType, path: string): number {
  let off = 0;
  let cur = t;
  for (const name of path.split('.')) {
    const f = cur.fields?.find((x) => x.name === name);
    if (!f) throw new Error(`${cur.str} has no field ${name}`);
    off += f.offset;
    cur = f.type;
  }
  return off;
}

/** Whether word `i` (byte offset 8·i) of a value of type `t` holds a pointer; works for GC-program types too. */
export function isPointerWord(t: GoType, i: number): boolean {
  if (i < 0 || i * ptrSize >= t.ptrdata) return false;
  if (t.gcdata) return ((t.gcdata[i >>> 3]! >>> (i & 7)) & 1) === 1;
  switch (t.kind) {
    case Kind.Array: {
      const stride = t.elem!.size / ptrSize;
      return isPointerWord(t.elem!, i % stride);
    }
    case Kind.Struct: {
      const off = i * ptrSize;
      for (const f of t.fields!) {
        if (off >= f.offset && off < f.offset + f.type.size) return isPointerWord(f.type, (off - f.offset) / ptrSize);
      }
      return false;
    }
  }
  return false;
}

/** The pointer mask materialized even for GC-program types (ceil(ptrdata/64) bytes). */
export function pointerMask(t: GoType): Uint8Array {
  if (t.gcdata) return t.gcdata;
  const mask = new Uint8Array(Math.ceil(t.ptrdata / ptrSize / 8));
  fillMask(t, 0, mask);
  return mask;
}

/**
 * Pointer-shaped types are stored directly in an interface's data word
 * (types.IsDirectIface): pointers, maps, chans, funcs, unsafe.Pointer, and
 * structs/arrays whose only non-zero-size component is one of those.
 */
export function isDirectIface(t: GoType): boolean {
  switch (t.kind) {
    case Kind.Pointer:
    case Kind.Map:
    case Kind.Chan:
    case Kind.Func:
    case Kind.UnsafePointer:
      return true;
    case Kind.Array:
      return t.len === 1 && isDirectIface(t.elem!);
    case Kind.Struct:
      return t.fields!.length === 1 && isDirectIface(t.fields![0]!.type);
  }
  return false;
}

/** types.SoleComponent: the type inside a chain of one-field structs and [1] arrays; null if some level has more. */
export function soleComponent(t: GoType): GoType | null {
  let cur = t;
  for (;;) {
    if (cur.kind === Kind.Struct) {
      if (cur.fields!.length !== 1) return null;
      cur = cur.fields![0]!.type;
    } else if (cur.kind === Kind.Array) {
      if (cur.len !== 1) return null;
      cur = cur.elem!;
    } else {
      return cur;
    }
  }
}

const integerKinds = new Set<Kind>([
  Kind.Int, Kind.Int8, Kind.Int16, Kind.Int32, Kind.Int64,
  Kind.Uint, Kind.Uint8, Kind.Uint16, Kind.Uint32, Kind.Uint64, Kind.Uintptr,
]);

export function isInteger(t: GoType): boolean {
  return integerKinds.has(t.kind);
}
