// Typed loads and stores: a Go value of a given type read from, or written
// to, simulated memory at an address, word by word in the layout the
// compiler gives the type (types.ts). This is what a compiled `x = *p`,
// `p.f = v` or `s[i] = v` does:
//   - pointer words (pointers, maps, chans, funcs, unsafe.Pointer, the data
//     word of strings, slices and interfaces) go through the single write
//     path, runtime/mbarrier.ts writePointer, unless the destination is the
//     running goroutine's own stack frame (no barrier there, as in Go);
//   - scalars are stored as the bytes Go would store;
//   - composite values (structs, arrays) are stored field by field.
// A load builds the JS value back: a pointer read from memory is a usable
// Ptr, a string header comes back with its text (read from the bytes its
// pointer points at), an interface with its dynamic type (from the type word).

import { mallocgc } from '../runtime/malloc.ts';
import { writePointer } from '../runtime/mbarrier.ts';
import type { Runtime } from '../runtime/runtime.ts';
import type { GoProcess } from './process.ts';
import { boxAllocs, boxPath } from './iface_sizes.ts';
import { type GoType, Kind, isDirectIface } from './types.ts';
import { GoString, Iface, Ptr, Slice, pointerOf } from './values.ts';

/** A number or bigint as the number a word holds (int64/uint64 beyond 2^53 lose precision as numbers). */
function wordOf(v: unknown): number {
  if (typeof v === 'number') return v;
  if (typeof v === 'bigint') return Number(BigInt.asIntN(64, v));
  if (typeof v === 'boolean') return v ? 1 : 0;
  if (v === null || v === undefined) return 0;
  throw new TypeError(`cannot store ${String(v)} in an integer`);
}

/** Stores a pointer word: through the write barrier, or plainly into the running goroutine's frame. */
function putPointer(rt: Runtime, a: number, ptr: number, barrier: boolean): void {
  if (barrier) writePointer(rt, a, ptr);
  else rt.mem.storeWord(a, ptr);
}

/** Writes value v of type t at address a. `barrier` is false only for the running goroutine's own frame. */
export function storeValue(p: GoProcess, a: number, t: GoType, v: unknown, barrier = true): void {
  const rt = p.rt;
  const mem = rt.mem;
  switch (t.kind) {
    case Kind.Bool:
      mem.storeInt(a, 1, v ? 1 : 0);
      return;
    case Kind.Int8:
    case Kind.Uint8:
      mem.storeInt(a, 1, wordOf(v));
      return;
    case Kind.Int16:
    case Kind.Uint16:
      mem.storeInt(a, 2, wordOf(v));
      return;
    case Kind.Int32:
    case Kind.Uint32:
      mem.storeInt(a, 4, wordOf(v));
      return;
    case Kind.Int:
    case Kind.Int64:
    case Kind.Uint:
    case Kind.Uint64:
    case Kind.Uintptr:
      if (typeof v === 'bigint') mem.storeBig(a, v);
      else mem.storeWord(a, wordOf(v));
      return;
    case Kind.Float32:
      mem.storeFloat32(a, wordOf(v));
      return;
    case Kind.Float64:
      mem.storeFloat64(a, wordOf(v));
      return;
    case Kind.Complex64:
    case Kind.Complex128: {
      const [re, im] = (v as [number, number] | null) ?? [0, 0];
      const half = t.size / 2;
      if (half === 4) {
        mem.storeFloat32(a, re);
        mem.storeFloat32(a + 4, im);
      } else {
        mem.storeFloat64(a, re);
        mem.storeFloat64(a + 8, im);
      }
      return;
    }
    case Kind.String: {
      const s = toGoString(p, v);
      putPointer(rt, a, s.len === 0 ? 0 : s.ptr, barrier);
      mem.storeWord(a + 8, s.len);
      return;
    }
    case Kind.Slice: {
      const s = v as Slice | null;
      putPointer(rt, a, s === null || s === undefined ? 0 : s.ptr, barrier);
      mem.storeWord(a + 8, s?.len ?? 0);
      mem.storeWord(a + 16, s?.cap ?? 0);
      return;
    }
    case Kind.Pointer:
    case Kind.UnsafePointer:
    case Kind.Map:
    case Kind.Chan:
    case Kind.Func:
      putPointer(rt, a, pointerOf(v), barrier);
      return;
    case Kind.Interface: {
      const x = v as Iface | null;
      if (x === null || x === undefined) {
        mem.storeWord(a, 0);
        putPointer(rt, a + 8, 0, barrier);
        return;
      }
      mem.storeWord(a, rt.types.addrOf(x.type));
      putPointer(rt, a + 8, ifaceData(p, x), barrier);
      return;
    }
    case Kind.Array: {
      const e = t.elem!;
      const xs = v as readonly unknown[] | null;
      for (let i = 0; i < t.len!; i++) storeValue(p, a + i * e.size, e, xs?.[i] ?? zeroValue(e), barrier);
      return;
    }
    case Kind.Struct: {
      const o = v as Record<string, unknown> | null;
      for (const f of t.fields!) storeValue(p, a + f.offset, f.type, o?.[f.name] ?? zeroValue(f.type), barrier);
      return;
    }
  }
  throw new Error(`cannot store a value of type ${t.str}`);
}

/** Reads the value of type t at address a. */
export function loadValue(p: GoProcess, a: number, t: GoType): unknown {
  const mem = p.rt.mem;
  switch (t.kind) {
    case Kind.Bool:
      return mem.loadInt(a, 1, false) !== 0;
    case Kind.Int8:
      return mem.loadInt(a, 1, true);
    case Kind.Uint8:
      return mem.loadInt(a, 1, false);
    case Kind.Int16:
      return mem.loadInt(a, 2, true);
    case Kind.Uint16:
      return mem.loadInt(a, 2, false);
    case Kind.Int32:
      return mem.loadInt(a, 4, true);
    case Kind.Uint32:
      return mem.loadInt(a, 4, false);
    case Kind.Int:
    case Kind.Int64:
      return mem.loadInt64(a);
    case Kind.Uint:
    case Kind.Uint64:
    case Kind.Uintptr:
      return mem.loadWord(a);
    case Kind.Float32:
      return mem.loadFloat32(a);
    case Kind.Float64:
      return mem.loadFloat64(a);
    case Kind.Complex64:
      return [mem.loadFloat32(a), mem.loadFloat32(a + 4)];
    case Kind.Complex128:
      return [mem.loadFloat64(a), mem.loadFloat64(a + 8)];
    case Kind.String: {
      const len = mem.loadWord(a + 8);
      const ptr = mem.loadWord(a);
      return len === 0 ? p.emptyString : new GoString(p.stringText(ptr, len), ptr, len);
    }
    case Kind.Slice: {
      const ptr = mem.loadWord(a);
      const len = mem.loadWord(a + 8);
      const cap = mem.loadWord(a + 16);
      // A nil slice reads back as a Slice with ptr 0 (it keeps its type, so append works on it).
      return new Slice(t, ptr, len, cap);
    }
    case Kind.Pointer:
    case Kind.UnsafePointer: {
      const x = mem.loadWord(a);
      return x === 0 ? null : new Ptr(t, x);
    }
    case Kind.Map:
    case Kind.Chan:
    case Kind.Func:
      return pointerShaped(p, t, mem.loadWord(a));
    case Kind.Interface: {
      const tw = mem.loadWord(a);
      if (tw === 0) return null;
      const dyn = p.rt.types.at(tw) as GoType | null;
      if (dyn === null) throw new Error(`gomem: interface type word 0x${tw.toString(16)} is no type`);
      const data = mem.loadWord(a + 8);
      const x = new Iface(dyn, isDirectIface(dyn) ? directValue(p, dyn, data) : loadValue(p, data, dyn));
      x.data = data;
      return x;
    }
    case Kind.Array: {
      const e = t.elem!;
      const out: unknown[] = new Array(t.len!);
      for (let i = 0; i < t.len!; i++) out[i] = loadValue(p, a + i * e.size, e);
      return out;
    }
    case Kind.Struct: {
      const out: Record<string, unknown> = {};
      for (const f of t.fields!) out[f.name] = loadValue(p, a + f.offset, f.type);
      return out;
    }
  }
  throw new Error(`cannot load a value of type ${t.str}`);
}

/** A map, chan or func value from its word (null for nil). */
function pointerShaped(p: GoProcess, t: GoType, x: number): unknown {
  if (x === 0) return null;
  if (t.kind === Kind.Map) return p.mapAt(x, t);
  if (t.kind === Kind.Chan) return p.chanAt(x, t);
  return p.funcAt(x, t);
}

/** The value of a pointer-shaped type whose single word is x (an interface's direct data word). */
function directValue(p: GoProcess, t: GoType, x: number): unknown {
  switch (t.kind) {
    case Kind.Pointer:
    case Kind.UnsafePointer:
      return x === 0 ? null : new Ptr(t, x);
    case Kind.Map:
    case Kind.Chan:
    case Kind.Func:
      return pointerShaped(p, t, x);
  }
  // A one-field struct or [1]array around a pointer-shaped type.
  const inner = t.kind === Kind.Struct ? t.fields![0]!.type : t.elem!;
  const v = directValue(p, inner, x);
  return t.kind === Kind.Struct ? { [t.fields![0]!.name]: v } : [v];
}

/** The data word of an interface holding x (convT: boxing allocates unless Go avoids it). */
export function ifaceData(p: GoProcess, x: Iface): number {
  if (x.data !== undefined) return x.data;
  const t = x.type;
  if (isDirectIface(t)) return pointerOf(x.value);
  const rt = p.rt;
  const v = x.value;
  const known = typeof v === 'number' || v === null ? v : v instanceof GoString ? v.text : undefined;
  const path = boxPath(t, { value: known });
  if (path === 'zerobase') return rt.zerobase;
  if (path === 'staticuint64s') return p.staticuint64(wordOf(v) & 0xff);
  const allocs = boxAllocs(t, { value: known });
  if (allocs.length === 0) {
    // convT16/32/64 of raw bits below 256 point into staticuint64s; "" and nil slices at zeroVal.
    if (path === 'convTstring' || path === 'convTslice') return p.zeroVal;
    return p.staticuint64(t.kind === Kind.Float32 || t.kind === Kind.Float64 ? 0 : wordOf(v));
  }
  const a = allocs[0]!;
  const box = mallocgc(rt, a.size, a.noscan ? null : a.type, true);
  storeValue(p, box, t, v);
  return box;
}

/** Go's zero value of t as a JS value. */
export function zeroValue(t: GoType): unknown {
  switch (t.kind) {
    case Kind.Bool:
      return false;
    case Kind.String:
      return '';
    case Kind.Array:
      return null;
    case Kind.Struct:
      return null;
    case Kind.Complex64:
    case Kind.Complex128:
      return [0, 0];
  }
  if (t.kind <= Kind.Float64) return 0;
  return null;
}

/** A string value from a GoString or a JS string (a literal). */
export function toGoString(p: GoProcess, v: unknown): GoString {
  if (v instanceof GoString) return v;
  if (typeof v === 'string') return p.literal(v);
  if (v === null || v === undefined) return p.emptyString;
  throw new TypeError(`cannot store ${String(v)} in a string`);
}
