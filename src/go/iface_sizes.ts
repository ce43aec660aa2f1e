// Interface boxing: what converting a non-interface value to an interface
// allocates (cmd/compile/internal/walk/convert.go dataWord and
// dataWordFuncName; runtime/iface.go convT16, convT32, convT64,
// convTstring, convTslice, convT, convTnoptr; Go 1.23).
//
// The compiler tries, in order, to avoid the allocation:
//   1. pointer-shaped values are the data word themselves;
//   2. zero-size values point at runtime.zerobase;
//   3. bools and single-byte integers point into runtime.staticuint64s;
//   4. constants and read-only globals point at static data;
//   5. a non-escaping interface gets a stack temporary (values ≤ 1024 B).
// Otherwise it calls the runtime: convT16/32/64 again avoid allocating for
// values below 256 (staticuint64s), convTstring and convTslice for "" and
// nil slices (zeroVal); the rest allocate exactly the value's size.

import { typedAlloc } from './alloc.ts';
import type { Alloc } from './alloc.ts';
import { Kind, T, isDirectIface, isInteger, soleComponent } from './types.ts';
import type { GoType } from './types.ts';

export type BoxPath =
  | 'interface' // already an interface: the two words are copied
  | 'direct'
  | 'zerobase'
  | 'staticuint64s'
  | 'static'
  | 'stack'
  | 'convT16'
  | 'convT32'
  | 'convT64'
  | 'convTstring'
  | 'convTslice'
  | 'convT'
  | 'convTnoptr';

export interface BoxOptions {
  /** The interface value escapes (the default): otherwise the compiler uses a stack temporary. */
  readonly escapes?: boolean;
  /** A constant or a read-only global: boxed as static data. */
  readonly constant?: boolean;
  /**
   * The value, when it matters: integers and floats (convT16/32/64 skip
   * the allocation when the raw bits are below 256: 0–255, +0.0, but not
   * -1 or 1.5), '' for an empty string, null for a nil slice. Omitted: a
   * value that allocates.
   */
  readonly value?: number | string | null;
}

const uint16Type = T.uint16;
const uint32Type = T.uint32;
const uint64Type = T.uint64;
const stringType = T.string;
/** runtime.sliceType: the type of a []byte (any slice header will do). */
const sliceType = T.slice(T.uint8);

/** Which path the compiler and runtime take to box a value of type t. */
export function boxPath(t: GoType, opts: BoxOptions = {}): BoxPath {
  if (t.kind === Kind.Interface) return 'interface';
  if (isDirectIface(t)) return 'direct';
  if (t.size === 0) return 'zerobase';
  const sc = soleComponent(t) ?? t;
  if (sc.kind === Kind.Bool || (t.size === 1 && isInteger(sc))) return 'staticuint64s';
  if (opts.constant) return 'static';
  if (opts.escapes === false && t.size <= 1024) return 'stack';
  if (t.size === 2 && t.align === 2) return 'convT16';
  if (t.size === 4 && t.align === 4 && !t.pointers) return 'convT32';
  if (t.size === 8 && t.align === 8 && !t.pointers) return 'convT64';
  if (soleComponent(t)?.kind === Kind.String) return 'convTstring';
  if (soleComponent(t)?.kind === Kind.Slice) return 'convTslice';
  return t.pointers ? 'convT' : 'convTnoptr';
}

/** Whether the raw bits of `value` stored as type t are below 256 (staticuint64s). */
function smallBits(t: GoType, value: number | string | null | undefined): boolean {
  if (typeof value !== 'number') return false;
  // A one-field struct or one-element array has its component's bits (convT64 of struct{ n int }).
  t = soleComponent(t) ?? t;
  switch (t.kind) {
    case Kind.Float32:
      return new Uint32Array(Float32Array.of(value).buffer)[0]! < 256;
    case Kind.Float64: {
      const w = new Uint32Array(Float64Array.of(value).buffer);
      return w[1] === 0 && w[0]! < 256;
    }
  }
  // Integers: negative values are huge as unsigned bits.
  return isInteger(t) && Number.isInteger(value) && value >= 0 && value < 256;
}

/** The allocations of converting a value of type t to an interface (any, error, …). */
export function boxAllocs(t: GoType, opts: BoxOptions = {}): Alloc[] {
  const path = boxPath(t, opts);
  switch (path) {
    case 'convT16':
      return smallBits(t, opts.value) ? [] : [typedAlloc(uint16Type, 2, path)];
    case 'convT32':
      return smallBits(t, opts.value) ? [] : [typedAlloc(uint32Type, 4, path)];
    case 'convT64':
      return smallBits(t, opts.value) ? [] : [typedAlloc(uint64Type, 8, path)];
    case 'convTstring':
      return opts.value === '' ? [] : [typedAlloc(stringType, 16, path)];
    case 'convTslice':
      return opts.value === null ? [] : [typedAlloc(sliceType, 24, path)];
    case 'convT':
      return [typedAlloc(t, t.size, path)];
    case 'convTnoptr':
      return [typedAlloc(t, t.size, path)];
  }
  return [];
}
