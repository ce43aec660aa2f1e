// The universe scope (Go spec, "Predeclared identifiers") and the rules on
// types the checker applies everywhere: identity, assignability,
// representability of constants, default types of untyped constants.

import { Kind, T, type GoType } from '../go/types.ts';
import type { CType, ConstVal, Obj, Untyped } from './objects.ts';
import { isTuple, isUntyped } from './objects.ts';

export const untypedInt: Untyped = { untyped: 'int' };
export const untypedFloat: Untyped = { untyped: 'float' };
export const untypedRune: Untyped = { untyped: 'rune' };
export const untypedString: Untyped = { untyped: 'string' };
export const untypedBool: Untyped = { untyped: 'bool' };
export const untypedNil: Untyped = { untyped: 'nil' };

const any = T.interface();
/** The universe's any (recover's result). */
export const anyType = any;

export const universe = new Map<string, Obj>([
  ...(
    [
      ['bool', T.bool], ['int', T.int], ['int8', T.int8], ['int16', T.int16], ['int32', T.int32], ['int64', T.int64],
      ['uint', T.uint], ['uint8', T.uint8], ['uint16', T.uint16], ['uint32', T.uint32], ['uint64', T.uint64], ['uintptr', T.uintptr],
      ['float32', T.float32], ['float64', T.float64], ['string', T.string], ['byte', T.byte], ['rune', T.rune],
      ['error', T.error], ['any', any],
    ] as const
  ).map(([name, type]) => [name, { kind: 'type', name, type }] as [string, Obj]),
  ['true', { kind: 'const', name: 'true', type: untypedBool, value: true }],
  ['false', { kind: 'const', name: 'false', type: untypedBool, value: false }],
  ['nil', { kind: 'nil' }],
  ...['new', 'make', 'append', 'copy', 'len', 'cap', 'delete', 'clear', 'min', 'max', 'panic', 'print', 'println', 'recover', 'complex', 'real', 'imag', 'close'].map(
    (name) => [name, { kind: 'builtin', name }] as [string, Obj],
  ),
]);

/** The type an untyped constant gets where no type is asked for. */
export function defaultType(t: CType): GoType {
  if (!isUntyped(t)) {
    if (isTuple(t)) throw new Error('tuple has no default type');
    return t;
  }
  switch (t.untyped) {
    case 'int':
      return T.int;
    case 'float':
      return T.float64;
    case 'rune':
      return T.rune;
    case 'string':
      return T.string;
    case 'bool':
      return T.bool;
    case 'nil':
      throw new Error('use of untyped nil');
  }
}

export function under(t: GoType): GoType {
  return t.underlying ?? t;
}

export function identical(a: GoType, b: GoType): boolean {
  if (a === b) return true;
  if (a.name !== '' || b.name !== '') return false;
  return a.str === b.str;
}

export function isIntegerType(t: GoType): boolean {
  const k = under(t).kind;
  return k >= Kind.Int && k <= Kind.Uintptr;
}
export function isUnsigned(t: GoType): boolean {
  const k = under(t).kind;
  return k >= Kind.Uint && k <= Kind.Uintptr;
}
export function isFloatType(t: GoType): boolean {
  const k = under(t).kind;
  return k === Kind.Float32 || k === Kind.Float64;
}
export function isNumeric(t: GoType): boolean {
  return isIntegerType(t) || isFloatType(t);
}
export function isStringType(t: GoType): boolean {
  return under(t).kind === Kind.String;
}
export function isBoolType(t: GoType): boolean {
  return under(t).kind === Kind.Bool;
}
export function isInterface(t: GoType): boolean {
  return under(t).kind === Kind.Interface;
}
/** Types whose zero value is nil. */
export function isNillable(t: GoType): boolean {
  const k = under(t).kind;
  return k === Kind.Pointer || k === Kind.Slice || k === Kind.Map || k === Kind.Chan || k === Kind.Func || k === Kind.Interface || k === Kind.UnsafePointer;
}

const intRanges: Partial<Record<number, [number, number]>> = {
  [Kind.Int8]: [-128, 127],
  [Kind.Int16]: [-32768, 32767],
  [Kind.Int32]: [-(2 ** 31), 2 ** 31 - 1],
  [Kind.Int64]: [-(2 ** 63), 2 ** 63 - 1],
  [Kind.Int]: [-(2 ** 63), 2 ** 63 - 1],
  [Kind.Uint8]: [0, 255],
  [Kind.Uint16]: [0, 65535],
  [Kind.Uint32]: [0, 2 ** 32 - 1],
  [Kind.Uint64]: [0, 2 ** 64 - 1],
  [Kind.Uint]: [0, 2 ** 64 - 1],
  [Kind.Uintptr]: [0, 2 ** 64 - 1],
};

/** Why constant v cannot be a value of type t (Go's message), or null if it can. */
export function representError(v: ConstVal, from: Untyped | GoType, t: GoType, text: string): string | null {
  const u = under(t);
  if (u.kind === Kind.Interface) return null;
  if (typeof v === 'boolean') return isBoolType(t) ? null : `cannot use ${text} (untyped bool constant) as ${t.str} value`;
  if (typeof v === 'string') return isStringType(t) ? null : `cannot use ${text} (untyped string constant) as ${t.str} value`;
  if (isFloatType(t)) return null;
  const r = intRanges[u.kind];
  if (r !== undefined) {
    if (typeof v === 'bigint') {
      const lo = u.kind >= Kind.Uint ? 0n : -(2n ** BigInt(u.size * 8 - 1));
      const hi = u.kind >= Kind.Uint ? 2n ** BigInt(u.size * 8) - 1n : 2n ** BigInt(u.size * 8 - 1) - 1n;
      return v < lo || v > hi ? `cannot use ${text} (untyped int constant ${v}) as ${t.str} value (overflows)` : null;
    }
    if (!Number.isInteger(v)) return `cannot use ${text} (untyped float constant) as ${t.str} value in assignment (truncated)`;
    if (v < r[0] || v > r[1]) return `cannot use ${text} (untyped int constant ${v}) as ${t.str} value (overflows)`;
    return null;
  }
  const kind = isUntyped(from) ? `untyped ${from.untyped} constant` : from.str;
  return `cannot use ${text} (${kind}) as ${t.str} value`;
}

/** Whether a value of type v may be assigned to a variable of type t (spec: Assignability), non-constant values. */
export function assignable(v: CType, t: GoType): boolean {
  if (isTuple(v)) return false;
  if (isUntyped(v)) {
    if (v.untyped === 'nil') return isNillable(t);
    if (isInterface(t)) return true;
    if (v.untyped === 'bool') return isBoolType(t);
    if (v.untyped === 'string') return isStringType(t);
    return isNumeric(t);
  }
  if (identical(v, t)) return true;
  if (isInterface(t)) return (under(t).methods ?? []).length === 0 || implementsAll(v, t);
  // Identical underlying types, one of them not named.
  if ((v.name === '' || t.name === '') && identical(under(v), under(t)) && under(t).kind !== Kind.Interface) return true;
  if (under(v).kind === Kind.Chan && under(t).kind === Kind.Chan && identical(under(v).elem!, under(t).elem!) && v.dir === 'both') return true;
  return false;
}

/**
 * Methods declared on named types (the program's, and the standard
 * library's that the subset knows), by receiver base type: name → the
 * signature without its receiver, and whether the receiver is a pointer.
 */
export const declaredMethods = new WeakMap<GoType, Map<string, { readonly sig: GoType; readonly pointer: boolean }>>();

/** The method set of t (spec: Method sets): an interface's methods; a named T's value-receiver methods; *T's all of T's. */
export function methodSet(t: GoType): Map<string, GoType> {
  const out = new Map<string, GoType>();
  const u = under(t);
  if (u.kind === Kind.Interface) {
    for (const m of u.methods ?? []) out.set(m.name, m.type);
    return out;
  }
  const pointer = u.kind === Kind.Pointer && t.name === '';
  const base = pointer ? t.elem! : t;
  for (const [name, m] of declaredMethods.get(base) ?? []) if (pointer || !m.pointer) out.set(name, m.sig);
  return out;
}

/** The first method of interface t that v lacks (or has with another signature), or null when v implements t. */
export function missingMethod(v: GoType, t: GoType): { name: string; pointerOnly: boolean } | null {
  const have = methodSet(v);
  for (const m of under(t).methods ?? []) {
    const h = have.get(m.name);
    if (h === undefined || h.str !== m.type.str) {
      const pointerOnly = under(v).kind !== Kind.Pointer && under(v).kind !== Kind.Interface && methodSet(T.pointer(v)).has(m.name);
      return { name: m.name, pointerOnly };
    }
  }
  return null;
}

function implementsAll(v: GoType, t: GoType): boolean {
  return missingMethod(v, t) === null;
}
