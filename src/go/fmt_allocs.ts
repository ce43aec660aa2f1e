// What fmt.Print*/Sprint* allocate for their arguments in steady state
// (fmt/print.go printArg, printValue; internal/fmtsort Sort; reflect
// Value.Interface / packEface; Go 1.23). The *pp printer and its buffer come
// from a sync.Pool and cost nothing once warm (see docs/fidelity/go-types.md
// for the first call after a GC).
//
// Per argument:
//   1. Boxing into the ...any slice, by the interface rules (iface_sizes.ts);
//      the slice itself stays on the caller's stack.
//   2. Basic types and []byte print directly: nothing more.
//   3. Other types print through reflection. At depth > 0 printValue calls
//      Value.Interface() on every value it may (exported path), which copies
//      the value to the heap when it is addressable and not pointer-shaped:
//      elements of slices, and anything reached through a top-level pointer.
//   4. Maps: fmtsort allocates the sorted []KeyValue (48 B per entry) and
//      copies every key and value that is not pointer-shaped.
// Sprint, Sprintf and Sprintln also allocate the result string.
// Verbs other than %v (Println's) are not modelled: %s/%x on byte arrays
// take other paths. Not modelled either: String()/Error() methods,
// nested slices or maps (their lengths are unknown here), non-nil interface
// fields (treated as nil).

import { typedAlloc } from './alloc.ts';
import type { Alloc } from './alloc.ts';
import { boxAllocs } from './iface_sizes.ts';
import { NotModelled } from './panic_trace.ts';
import { bytesToString } from './string_sizes.ts';
import { Kind, T, isDirectIface } from './types.ts';
import type { GoType } from './types.ts';

export interface FmtArg {
  readonly type: GoType;
  /** The value where boxing depends on it (see BoxOptions.value); null for a nil slice or map. */
  readonly value?: number | string | null;
  /** A constant argument (42, "hi"): boxed as static data. */
  readonly constant?: boolean;
  /** Length of a slice or map argument, or of the slice/map a pointer argument points to. */
  readonly len?: number;
}

export interface FmtOptions {
  /** For Sprint/Sprintf/Sprintln: length in bytes of the formatted result (the string allocated). */
  readonly resultLen?: number;
}

const reflectValue = T.named(
  T.struct([['typ_', T.unsafePointer], ['ptr', T.unsafePointer], ['flag', T.uintptr]]),
  'reflect.Value',
);
/** fmtsort.KeyValue: 48 bytes, with pointers. */
export const keyValueType = T.named(T.struct([['Key', reflectValue], ['Value', reflectValue]]), 'fmtsort.KeyValue');

/** printArg handles these without reflection. */
function printsDirectly(t: GoType): boolean {
  if (t.name !== '' && t.name !== 'error') return false; // a defined type goes through reflection
  switch (t.kind) {
    case Kind.Slice:
      return t.elem!.kind === Kind.Uint8 && t.elem!.name === '';
    case Kind.Array:
    case Kind.Struct:
    case Kind.Map:
    case Kind.Pointer:
    case Kind.Chan:
    case Kind.Func:
    case Kind.Interface:
    case Kind.UnsafePointer:
      return false;
  }
  return true;
}

/** At depth 0 a pointer to one of these prints as &{…} / &[…] / &map[…]. */
const derefKinds = new Set<Kind>([Kind.Array, Kind.Slice, Kind.Struct, Kind.Map]);

function notModelled(what: string): never {
  throw new NotModelled(`fmt's allocations for ${what} are not modelled yet (src/go/fmt_allocs.ts)`);
}

/** Value.Interface(): a heap copy for addressable, non-pointer-shaped values. */
function interfaceCopy(t: GoType, addressable: boolean, out: Alloc[]): void {
  if (addressable && t.kind !== Kind.Interface && !isDirectIface(t) && t.size > 0) {
    out.push(typedAlloc(t, t.size, 'reflect.Value.Interface'));
  }
}

function printValue(t: GoType, depth: number, addressable: boolean, readOnly: boolean, len: number | undefined, out: Alloc[]): void {
  if (depth > 0 && !readOnly) interfaceCopy(t, addressable, out);
  switch (t.kind) {
    case Kind.Map: {
      if (len === undefined) notModelled(`a nested map (${t.str})`);
      if (len === 0) return;
      out.push(typedAlloc(keyValueType, keyValueType.size * len, 'fmtsort.Sort'));
      for (let i = 0; i < len; i++) {
        // MapIter.Key / Value copy non-pointer-shaped keys and values (copyVal).
        for (const kt of [t.key!, t.elem!]) if (!isDirectIface(kt) && kt.size > 0) out.push(typedAlloc(kt, kt.size, 'reflect.copyVal'));
        printValue(t.key!, depth + 1, false, readOnly, undefined, out);
        printValue(t.elem!, depth + 1, false, readOnly, undefined, out);
      }
      return;
    }
    case Kind.Struct:
      for (const f of t.fields!) printValue(f.type, depth + 1, addressable, readOnly || !f.exported, undefined, out);
      return;
    case Kind.Array:
      // %v prints byte arrays element by element too (the byte shortcut is for %s %q %x %X).
      for (let i = 0; i < t.len!; i++) printValue(t.elem!, depth + 1, addressable, readOnly, undefined, out);
      return;
    case Kind.Slice:
      if (len === undefined) notModelled(`a nested slice (${t.str})`);
      for (let i = 0; i < len; i++) printValue(t.elem!, depth + 1, true, readOnly, undefined, out);
      return;
    case Kind.Pointer: {
      const e = t.elem!;
      if (depth === 0 && derefKinds.has(e.kind)) {
        printValue(e, depth + 1, true, readOnly, len, out);
      }
      return;
    }
    case Kind.Interface:
      return; // nil interfaces print <nil>; non-nil ones are not modelled
  }
}

/**
 * Allocations of one fmt.Print/Println/Printf (to an *os.File) or
 * Sprint/Sprintln/Sprintf call with these arguments, in steady state.
 */
export function fmtAllocs(args: readonly FmtArg[], opts: FmtOptions = {}): Alloc[] {
  const out: Alloc[] = [];
  for (const a of args) out.push(...boxAllocs(a.type, { escapes: true, constant: a.constant, value: a.value }));
  for (const a of args) {
    if (printsDirectly(a.type) || a.value === null) continue;
    printValue(a.type, 0, false, false, a.len, out);
  }
  if (opts.resultLen !== undefined) out.push(...bytesToString(opts.resultLen));
  return out;
}
