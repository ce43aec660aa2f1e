// Go values as gomem programs hold them. Scalars are JS numbers and
// booleans; everything that refers to memory carries its simulated
// address, so that the allocator, the kernel model and (later) the GC see
// the same memory a Go program would use.
//
//   Slice    {ptr, len, cap} of an element type       (24-byte header)
//   GoString {ptr, len} plus the text for printing     (16-byte header)
//   Ptr      an address and the type it points to (also unsafe.Pointer)
//   Func     a func value: the address of its funcval (a closure object on
//            the heap, or a static funcval in rodata)
//   Iface    an interface value: its dynamic type and the value
// Maps and chans are views (GoMap, Chan) over their hmap / hchan address.
// A uintptr is a plain number: it is not a pointer, and not a root.

import type { GoType } from './types.ts';

export class Slice {
  constructor(
    /** The slice type ([]T). */
    readonly type: GoType,
    /** Address of element 0, 0 for a nil slice. */
    readonly ptr: number,
    readonly len: number,
    readonly cap: number,
  ) {}

  get elem(): GoType {
    return this.type.elem!;
  }

  /** Address of element i (no bounds check). */
  addr(i: number): number {
    return this.ptr + i * this.type.elem!.size;
  }

  /** s[lo:hi] (hi defaults to len); panics like Go when out of range. */
  slice(lo: number, hi = this.len): Slice {
    if (lo < 0 || hi < lo || hi > this.cap) throw new RangeError(`slice bounds out of range [${lo}:${hi}] with capacity ${this.cap}`);
    return new Slice(this.type, this.ptr + lo * this.type.elem!.size, hi - lo, this.cap - lo);
  }

  toString(): string {
    return `${this.type.str}{len: ${this.len}, cap: ${this.cap}}`;
  }
}

export class GoString {
  constructor(
    readonly text: string,
    /** Address of the bytes: in the binary's rodata for literals, on the heap for built strings. */
    readonly ptr: number,
    /** Length in bytes (UTF-8). */
    readonly len: number,
  ) {}

  toString(): string {
    return this.text;
  }
}

export class Ptr {
  constructor(
    /** The pointer type (*T). */
    readonly type: GoType,
    readonly addr: number,
  ) {}

  get elem(): GoType {
    return this.type.elem!;
  }

  toString(): string {
    return `0x${this.addr.toString(16)}`;
  }
}

export class Func {
  constructor(
    /** The func type. */
    readonly type: GoType,
    /** Address of the funcval: a closure object, or a static funcval in rodata. */
    readonly addr: number,
  ) {}

  toString(): string {
    return `0x${this.addr.toString(16)}`;
  }
}

export class Iface {
  /** The data word once the value is boxed (compiled Go boxes where it converts, escape analysis deciding where): stores copy it. */
  data: number | undefined = undefined;
  constructor(
    /** The dynamic type (the type word). */
    readonly type: GoType,
    /** The value of that type. */
    readonly value: unknown,
  ) {}
}

/** What a Go value can be in a gomem program. */
export type Value = number | boolean | string | GoString | Slice | Ptr | null | undefined | bigint | object;

/** The address a value holds, if it is a pointer-shaped value (for roots and pointer stores). */
export function pointerOf(v: unknown): number {
  if (v instanceof Slice) return v.ptr;
  if (v instanceof Ptr) return v.addr;
  if (v instanceof GoString) return v.ptr;
  if (v !== null && typeof v === 'object' && 'addr' in v && typeof (v as { addr: unknown }).addr === 'number') {
    return (v as { addr: number }).addr;
  }
  return 0;
}
